import ESXi
import ESXiFixture
import Foundation
import Testing
import TestSupport

/// BOOT.CFG parsing and patching, as table tests over the committed samples in Fixtures/bootcfg.
/// Set `VMEDIA_RECORD=1` (`Golden`) to rewrite the golden files from the current code (then review the diff).
@Suite("BOOT.CFG")
struct BootConfigTests {
    static let fixtures = Peer.packageRoot.appendingPathComponent("Fixtures/bootcfg")
    static var recording: Bool { Golden.recording() }

    /// Every sample that patching must accept, relative to Fixtures/bootcfg.
    static let patchableSamples: [String] = ESXiRelease.allCases.flatMap {
        ["esxi-\($0.rawValue)/BOOT.CFG", "esxi-\($0.rawValue)/EFI/BOOT/BOOT.CFG"]
    } + ["edge/crlf-no-final-newline.cfg", "edge/operator-edited.cfg", "edge/already-patched.cfg",
         "edge/relative-prefix.cfg"]

    static func read(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(relative)))
    }

    static func golden(_ relative: String, _ size: SystemMediaSize) -> URL {
        let flat = relative.replacingOccurrences(of: "/", with: "_")
        return fixtures.appendingPathComponent("patched/\(flat).\(size.rawValue)")
    }

    @Test("the committed stock samples are what ESXiRelease describes", arguments: ESXiRelease.allCases)
    func stockSamplesMatchTheRelease(release: ESXiRelease) throws {
        for path in ["esxi-\(release.rawValue)/BOOT.CFG", "esxi-\(release.rawValue)/EFI/BOOT/BOOT.CFG"] {
            let url = Self.fixtures.appendingPathComponent(path)
            if Self.recording {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(release.stockBootConfig).write(to: url)
            }
            #expect(try Self.read(path) == release.stockBootConfig, "\(path) differs from ESXiRelease.\(release)")
            let config = BootConfig(bytes: try Self.read(path))
            #expect(try config.kernelOptions() == release.stockKernelOptions)
            #expect(config.value(forKey: "build") == release.build)
            #expect(try config.bootFiles().count == release.modules.count + 1)
        }
    }

    @Test("parsing then serialising gives back every sample byte for byte",
          arguments: patchableSamples + ["edge/missing-kernelopt.cfg", "edge/duplicate-kernelopt.cfg"])
    func roundTrip(sample: String) throws {
        let bytes = try Self.read(sample)
        #expect(BootConfig(bytes: bytes).serialized() == bytes)
    }

    @Test("patching matches the golden output, is idempotent and touches only the kernelopt line",
          arguments: patchableSamples, [SystemMediaSize.small, .omitted, .min])
    func patch(sample: String, size: SystemMediaSize) throws {
        let source = BootConfig(bytes: try Self.read(sample), name: sample)
        let patched = try source.patched(systemMediaSize: size)
        let bytes = patched.serialized()
        let golden = Self.golden(sample, size)
        if Self.recording {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: golden)
        }
        #expect(bytes == [UInt8](try Data(contentsOf: golden)), "differs from \(golden.path)")

        // Re-patching a patched file gives the same bytes.
        #expect(try BootConfig(bytes: bytes).patched(systemMediaSize: size).serialized() == bytes)

        // Same number of lines, same terminators, and only the kernelopt line's content changed.
        #expect(patched.lines.count == source.lines.count)
        for (old, new) in zip(source.lines, patched.lines) {
            #expect(old.terminator == new.terminator)
            if old.key != "kernelopt" { #expect(old.content == new.content) }
        }
        let options = try patched.kernelOptions()
        #expect(options.filter { $0.lowercased().hasPrefix("ks=") } == ["ks=cdrom:/KS.CFG"])
        #expect(!options.contains { $0.lowercased() == "cdromboot" })
        #expect(options.filter { $0.hasPrefix("systemMediaSize=") }
                == (size == .omitted ? [] : ["systemMediaSize=\(size.rawValue)"]))
        #expect(options.contains("runweasel"))
        #expect(patched.lines.filter { $0.key == "kernelopt" }.count == 1)
    }

    @Test("7.0 and 8.0 patch exactly like the old tool's sed, an independent implementation",
          arguments: [ESXiRelease.v7_0, .v8_0])
    func agreesWithSed(release: ESXiRelease) throws {
        let sed = try Peer.tool("sed")
        // The old bash tool: sed -i 's/cdromBoot/ks=cdrom:\/KS.CFG systemMediaSize=small/g' on both files.
        let result = try Peer.run([sed, "s/cdromBoot/ks=cdrom:\\/KS.CFG systemMediaSize=small/g"],
                                  stdin: Data(release.stockBootConfig))
        #expect(result.status == 0)
        let ours = try BootConfig(bytes: release.stockBootConfig).patched(systemMediaSize: .small).serialized()
        #expect(ours == [UInt8](result.stdoutData))
    }

    @Test("6.7 keeps runweasel first: cdromBoot is removed, not replaced in place")
    func ordering67() throws {
        let patched = try BootConfig(bytes: ESXiRelease.v6_7.stockBootConfig).patched()
        #expect(try patched.kernelOptions() == ["runweasel", "ks=cdrom:/KS.CFG", "systemMediaSize=small"])
    }

    @Test("an operator's extra tokens survive in order; stale ks= and systemMediaSize= of any case go")
    func operatorTokens() throws {
        let config = BootConfig(bytes: try Self.read("edge/operator-edited.cfg"))
        #expect(try config.kernelOptions() == ["cdromBoot", "runweasel", "KS=http://127.0.0.1/old.cfg",
                                               "systemMediaSize=max", "allowLegacyCPU=true"])
        let patched = try config.patched(kickstart: "cdrom:/KS.CFG", systemMediaSize: .default)
        #expect(try patched.kernelOptions() == ["runweasel", "allowLegacyCPU=true", "ks=cdrom:/KS.CFG",
                                                "systemMediaSize=default"])
        // The text before the first token ("  kernelopt =  ") is kept as it was.
        let line = try #require(patched.lines.first { $0.key == "kernelopt" })
        #expect(String(decoding: line.content, as: UTF8.self)
                == "  kernelopt =  runweasel allowLegacyCPU=true ks=cdrom:/KS.CFG systemMediaSize=default")
    }

    @Test("a file without kernelopt is refused with a message that asks whether this is an ESXi installer")
    func missingKernelOptions() throws {
        let config = BootConfig(bytes: try Self.read("edge/missing-kernelopt.cfg"), name: "/BOOT.CFG")
        #expect(throws: ESXiError.kernelOptionsMissing(file: "/BOOT.CFG")) { try config.patched() }
        let message = ESXiError.kernelOptionsMissing(file: "/BOOT.CFG").description
        #expect(message.contains("is this an ESXi installer image?"))
        #expect(message.contains("/BOOT.CFG"))
    }

    @Test("two kernelopt lines are refused, naming both lines, instead of patching one and leaving the other")
    func duplicateKernelOptions() throws {
        let config = BootConfig(bytes: try Self.read("edge/duplicate-kernelopt.cfg"), name: "/EFI/BOOT/BOOT.CFG")
        #expect(throws: ESXiError.kernelOptionsDuplicated(file: "/EFI/BOOT/BOOT.CFG", lines: [3, 5])) {
            try config.patched()
        }
    }

    @Test("a kickstart location with blanks is refused: it would split into two kernel options")
    func kickstartWithBlanks() throws {
        let config = BootConfig(bytes: ESXiRelease.v8_0.stockBootConfig)
        #expect(throws: ESXiError.self) { try config.patched(kickstart: "cdrom:/MY KS.CFG") }
        #expect(throws: ESXiError.self) { try config.patched(kickstart: "") }
    }

    @Test("boot files: absolute paths as written, relative ones under prefix=, arguments dropped")
    func bootFilesWithPrefix() throws {
        let config = BootConfig(bytes: try Self.read("edge/relative-prefix.cfg"))
        #expect(try config.bootFiles(configDirectory: "/EFI/BOOT")
                == ["/EFI/BOOT/b.b00", "/EFI/BOOT/jumpstrt.gz", "/k.b00", "/EFI/BOOT/s.v00", "/imgpayld.tgz"])
        let stock = BootConfig(bytes: ESXiRelease.v8_0.stockBootConfig)
        let files = try stock.bootFiles(configDirectory: "/EFI/BOOT")
        #expect(files.first == "/b.b00")
        #expect(files.last == "/imgpayld.tgz")
        #expect(files.allSatisfy { $0.hasPrefix("/") && !$0.hasPrefix("/EFI") })
    }

    @Test("every release lists about 150 distinct modules with valid 8.3 names", arguments: ESXiRelease.allCases)
    func moduleCatalog(release: ESXiRelease) throws {
        let names = [release.kernel.name] + release.modules.map(\.name)
        #expect(Set(names).count == names.count, "duplicate module names")
        #expect(names.count >= 120 && names.count <= 200, "\(names.count) modules")
        for name in names {
            let parts = name.split(separator: ".")
            #expect(parts.count == 2 && parts[0].count <= 8 && parts[1].count <= 3, "\(name) is not 8.3")
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" || $0 == "." }, "\(name)")
        }
    }
}
