import Foundation
import ISO9660
import Testing
import TestSupport
@testable import ESXi

/// Per-host images from ESXi-shaped sources built by the peers, read back by our reader and by isoinfo,
/// compared with the golden patched BOOT.CFG files in Fixtures/bootcfg/patched.
@Suite("ESXiRemaster: BOOT.CFG patched, KS.CFG added, nothing else touched")
struct ESXiRemasterTests {
    static let fixtures = Peer.packageRoot.appendingPathComponent("Fixtures/bootcfg").path

    /// An ESXi-shaped tree for `release` built by genisoimage (-J -R, the old tool's way) or xorriso
    /// (no extensions, like VMware's own images).
    static func makeSource(release: String, rockRidge: Bool, in directory: TemporaryDirectory) throws -> String {
        let tree = directory.file("tree")
        let fm = FileManager.default
        try fm.createDirectory(atPath: tree + "/EFI/BOOT", withIntermediateDirectories: true)
        try fm.copyItem(atPath: "\(fixtures)/esxi-\(release)/BOOT.CFG", toPath: tree + "/BOOT.CFG")
        try fm.copyItem(atPath: "\(fixtures)/esxi-\(release)/EFI/BOOT/BOOT.CFG", toPath: tree + "/EFI/BOOT/BOOT.CFG")
        try Data(repeating: 0x90, count: 4096).write(to: URL(fileURLWithPath: tree + "/ISOLINUX.BIN"))
        try Data(repeating: 0xF6, count: 32768).write(to: URL(fileURLWithPath: tree + "/EFIBOOT.IMG"))
        try Data((0..<9000).map { UInt8(truncatingIfNeeded: $0) }).write(to: URL(fileURLWithPath: tree + "/B.B00"))
        let output = directory.file("esxi-\(release).iso")
        let boot = ["-b", "ISOLINUX.BIN", "-c", "BOOT.CAT", "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
                    "-eltorito-alt-boot", "-e", "EFIBOOT.IMG", "-no-emul-boot", "-o", output, "-quiet", tree]
        let built = rockRidge
            ? try Peer.run([try Peer.tool("genisoimage"), "-J", "-R"] + boot)
            : try Peer.run([try Peer.tool("xorriso"), "-as", "mkisofs", "--norock"] + boot)
        try #require(built.status == 0, "\(built.stderr)")
        return output
    }

    static func golden(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/patched/\(name)")))
    }

    @Test("each release's boot configurations match the golden patch and KS.CFG reads back",
          arguments: ["6.7", "7.0", "8.0", "9.0"], [false, true])
    func release(release: String, rockRidge: Bool) throws {
        let directory = try TemporaryDirectory()
        let source = try Self.makeSource(release: release, rockRidge: rockRidge, in: directory)
        let before = try Data(contentsOf: URL(fileURLWithPath: source))
        let remaster = try ESXiRemaster(sourcePath: source)
        let kickstart = Array("vmaccepteula\nrootpw --iscrypted $6$abc$def\n".utf8)
        let host = try remaster.hostImage(kickstart: kickstart, systemMediaSize: .small)
        #expect(host.edit.overlayByteCount <= 64 * 1024, "overlay \(host.edit.overlayByteCount) bytes")
        let output = directory.file("host.iso")
        try host.image.write(to: output)
        #expect(try Data(contentsOf: URL(fileURLWithPath: source)) == before)

        let image = try ISOImage(path: output)
        #expect(try image.verify().isEmpty)
        let files = ISOInstallerFiles(image: image)
        #expect(try files.contents(of: "/BOOT.CFG", limit: 1 << 20) == Self.golden("esxi-\(release)_BOOT.CFG.small"))
        #expect(try files.contents(of: "/EFI/BOOT/BOOT.CFG", limit: 1 << 20) == Self.golden("esxi-\(release)_EFI_BOOT_BOOT.CFG.small"))
        #expect(try files.contents(of: "/KS.CFG", limit: 1 << 20) == kickstart)
        // isoinfo, an independent reader, sees the same kernelopt line.
        let extracted = try Peer.run([try Peer.tool("isoinfo", package: "genisoimage"), "-i", output, "-x", "/BOOT.CFG;1"])
        #expect(extracted.stdout.contains("ks=cdrom:/KS.CFG systemMediaSize=small"))
        #expect(!extracted.stdout.contains("cdromBoot"))
        #expect(image.rockRidge == nil || rockRidge, "Rock Ridge must never be added")
        #expect((image.jolietVolumeDescriptor != nil) == rockRidge, "Joliet must never be added")
    }

    @Test("a source without BOOT.CFG or kernelopt is refused with the question to ask")
    func notAnInstaller() throws {
        let directory = try TemporaryDirectory()
        let tree = directory.file("tree")
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try Data("title=Hello\n".utf8).write(to: URL(fileURLWithPath: tree + "/BOOT.CFG"))
        let output = directory.file("other.iso")
        #expect(try Peer.run([try Peer.tool("genisoimage"), "-quiet", "-o", output, tree]).status == 0)
        #expect { try ESXiRemaster(sourcePath: output) } throws: { error in
            String(describing: error).contains("ESXi installer")
        }
        try FileManager.default.removeItem(atPath: tree + "/BOOT.CFG")
        try Data("x".utf8).write(to: URL(fileURLWithPath: tree + "/README.TXT"))
        #expect(try Peer.run([try Peer.tool("genisoimage"), "-quiet", "-o", output, tree]).status == 0)
        #expect { try ESXiRemaster(sourcePath: output) } throws: { error in
            String(describing: error).contains("BOOT.CFG")
        }
    }
}
