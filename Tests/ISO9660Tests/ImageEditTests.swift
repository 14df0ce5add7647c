import Foundation
import Testing
import TestSupport
@testable import ISO9660

/// ImageEdit is checked the way a user's tools would see its output: sources are built by genisoimage
/// and xorriso (the old tool's way and VMware's plain ISO 9660 way), edited, written, and read back by
/// isoinfo, isovfy, xorriso, 7-Zip and pycdlib as well as our own reader.
@Suite("ImageEdit: per-host edits laid over an unchanged source")
struct ImageEditTests {
    enum Writer: String, CaseIterable, CustomStringConvertible {
        /// genisoimage -J -R, like the old bash tool and VMware's documented rebuild.
        case genisoimageJolietRockRidge
        /// xorriso as mkisofs without Rock Ridge or Joliet, like VMware's own plain ISO 9660 images.
        case xorrisoPlain
        /// genisoimage without extensions.
        case genisoimagePlain
        var description: String { rawValue }
        var hasJoliet: Bool { self == .genisoimageJolietRockRidge }
        var hasRockRidge: Bool { self == .genisoimageJolietRockRidge }
    }

    static let bootConfig = Array((1...40).map { "modules line \($0) --- /m\($0).v00\n" }.joined().utf8)

    /// Writes an ESXi-shaped tree and builds it with `writer`, with BIOS (boot-info table) and EFI El Torito entries.
    static func makeSource(_ directory: TemporaryDirectory, writer: Writer, rootFiles: Int = 0,
                           bootConfig: [UInt8] = bootConfig) throws -> String {
        let tree = directory.file("tree")
        let fm = FileManager.default
        try fm.createDirectory(atPath: tree + "/EFI/BOOT", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: tree + "/UPGRADE", withIntermediateDirectories: true)
        func put(_ path: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: tree + path)) }
        try put("/BOOT.CFG", bootConfig)
        try put("/EFI/BOOT/BOOT.CFG", bootConfig)
        try put("/EFI/BOOT/BOOTX64.EFI", Array(repeating: 0x4D, count: 3000))
        var isolinux = [UInt8](repeating: 0x90, count: 4096)
        isolinux[0] = 0xEB
        try put("/ISOLINUX.BIN", isolinux)
        try put("/ISOLINUX.CFG", Array("DEFAULT menu.c32\n".utf8))
        try put("/EFIBOOT.IMG", Array(repeating: 0xF6, count: 64 * 1024))
        try put("/UPGRADE/PRECHECK.PY", Array("print('ok')\n".utf8))
        for i in 0..<6 { try put("/M\(i).V00", (0..<(5000 + i * 1000)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) }) }
        for i in 0..<rootFiles { try put(String(format: "/F%05d.BIN", i), [UInt8(i & 0xFF)]) }
        let output = directory.file("source.iso")
        let boot = ["-b", "ISOLINUX.BIN", "-c", "BOOT.CAT", "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
                    "-eltorito-alt-boot", "-e", "EFIBOOT.IMG", "-no-emul-boot"]
        let result: Peer.Result
        switch writer {
        case .genisoimageJolietRockRidge:
            result = try Peer.run([try Peer.tool("genisoimage"), "-quiet", "-o", output, "-V", "ESXI-TEST", "-J", "-R"] + boot + [tree])
        case .genisoimagePlain:
            result = try Peer.run([try Peer.tool("genisoimage"), "-quiet", "-o", output, "-V", "ESXI-TEST"] + boot + [tree])
        case .xorrisoPlain:
            result = try Peer.run([try Peer.tool("xorriso"), "-as", "mkisofs", "--norock", "-quiet", "-o", output, "-V", "ESXI-TEST"] + boot + [tree])
        }
        try #require(result.status == 0, "building the source failed: \(result.stderr)")
        return output
    }

    /// Every peer reads `output` and agrees with `expected` (path → bytes) and with the source for all other files.
    static func verifyWithPeers(source: String, output: String, result: ImageEditResult, writer: Writer,
                                expected: [String: [UInt8]], removed: [String] = []) throws {
        try verifyWithPeers(source: source, output: output, changedSectors: Set(result.changedSectors.map(\.rawValue)),
                            volumeSpaceSize: result.volumeSpaceSize, joliet: writer.hasJoliet,
                            rockRidge: writer.hasRockRidge, expected: expected, removed: removed)
    }

    /// The same checks for an output made elsewhere (e.g. `vmedia remaster`, whose --json reports the
    /// changed sectors).
    static func verifyWithPeers(source: String, output: String, changedSectors changed: Set<UInt32>,
                                volumeSpaceSize: UInt32, joliet: Bool, rockRidge: Bool,
                                expected: [String: [UInt8]], removed: [String] = []) throws {
        // Our reader: consistent, and every file is what we expect or what the source had.
        let edited = try ISOImage(path: output)
        let problems = try edited.verify()
        #expect(problems.isEmpty, "verify() found problems: \(problems)")
        #expect(edited.primaryVolumeDescriptor.volumeSpaceSize == volumeSpaceSize)
        let original = try ISOImage(path: source)
        for (path, entry) in original.walk(namespace: .iso9660) where !entry.isDirectory {
            let key = path.uppercased()
            if removed.contains(key) {
                #expect(edited.lookupLikeESXiLoader(path) == nil, "\(path) should be gone")
                continue
            }
            if expected[key] != nil { continue }
            let copy = try #require(edited.lookupLikeESXiLoader(path), "\(path) is missing")
            #expect(try edited.read(copy) == original.read(entry), "\(path) changed")
        }
        for (path, bytes) in expected {
            let entry = try #require(edited.lookupLikeESXiLoader(path), "\(path) is missing")
            #expect(try edited.read(entry) == bytes, "\(path) does not read back as written")
        }
        // Sector diff: only the overlay differs inside the source's range.
        let sourceBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source)))
        let outputBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
        var differing: Set<UInt32> = []
        for sector in 0..<(sourceBytes.count / 2048) {
            let range = (sector * 2048)..<((sector + 1) * 2048)
            if sourceBytes[range] != outputBytes[range] { differing.insert(UInt32(sector)) }
        }
        #expect(differing == changed, "sectors that differ \(differing.sorted()) ≠ overlay \(changed.sorted())")
        #expect(outputBytes.count == Int(volumeSpaceSize) * 2048)

        // isovfy: directory records, path tables and their agreement.
        let isovfy = try Peer.run([try Peer.tool("isovfy", package: "genisoimage"), "-i", output])
        #expect(isovfy.stdout.contains("No errors found"), "isovfy: \(isovfy.stdout) \(isovfy.stderr)")
        // isoinfo: volume size and listings per tree.
        let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
        let summary = try Peer.run([isoinfo, "-d", "-i", output])
        #expect(summary.stdout.contains("Volume size is: \(volumeSpaceSize)"), "\(summary.stdout)")
        #expect(summary.stdout.contains(joliet ? "Joliet with UCS level" : "NO Joliet present"))
        #expect(summary.stdout.contains(rockRidge ? "Rock Ridge signatures version" : "NO Rock Ridge present"))
        for (path, bytes) in expected {
            let extracted = try Peer.run([isoinfo, "-i", output, "-x", path.uppercased() + ";1"])
            #expect(Array(extracted.stdoutData) == bytes, "isoinfo -x \(path)")
        }
        let listing = try Peer.run([isoinfo, "-l", "-i", output] + (rockRidge ? ["-R"] : []))
        for path in expected.keys {
            #expect(listing.stdout.uppercased().contains((path as NSString).lastPathComponent.uppercased()), "isoinfo -l lacks \(path)")
        }
        // El Torito: xorriso reports the same boot entries, images and catalog as for the source.
        let xorriso = try Peer.tool("xorriso")
        func report(_ image: String) throws -> String {
            try Peer.run([xorriso, "-indev", image, "-report_el_torito", "plain"]).stdout
                .split(separator: "\n").filter { !$0.contains("Volume id") }.joined(separator: "\n")
        }
        #expect(try report(output) == report(source))
        let found = try Peer.run([xorriso, "-indev", output, "-find", "/", "-type", "f"])
        for path in expected.keys {
            #expect(found.stdout.uppercased().contains("'\(path.uppercased())'"), "xorriso -find lacks \(path): \(found.stdout)")
        }
        // 7-Zip lists and extracts.
        let sevenZip = try Peer.tool("7zz", package: "7zip")
        let extractDirectory = output + ".x"
        let extract = try Peer.run([sevenZip, "x", "-y", "-o" + extractDirectory, output])
        #expect(extract.status == 0, "7zz x: \(extract.stdout) \(extract.stderr)")
        for (path, bytes) in expected {
            let candidates = [extractDirectory + path, extractDirectory + path.lowercased(), extractDirectory + path.uppercased()]
            let file = candidates.first { FileManager.default.fileExists(atPath: $0) }
            #expect(file != nil, "7-Zip did not extract \(path)")
            if let file { #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: file))) == bytes, "7-Zip read \(path)") }
        }
        // pycdlib: strict parser (LE/BE path tables, El Torito checksum, padding); reads every namespace.
        let python = try Peer.python(module: "pycdlib")
        let script = """
            import sys, io, json, hashlib, pycdlib
            iso = pycdlib.PyCdlib(); iso.open(sys.argv[1])
            out = {}
            # Joliet and Rock Ridge names may be lower case (genisoimage -J -R keeps the source's case):
            # find each path case-insensitively by walking that name space.
            names = {}
            for kind in ("joliet", "rr"):
                if (kind == "joliet" and not iso.has_joliet()) or (kind == "rr" and not iso.has_rock_ridge()): continue
                for top, dirs, files in iso.walk(**{kind + "_path": "/"}):
                    for f in files:
                        full = (top.rstrip("/") + "/" + f)
                        names[(kind, full.upper())] = full
            for path in sys.argv[2:]:
                for kind, arg in (("iso", path.upper() + ";1"), ("joliet", names.get(("joliet", path.upper()))),
                                  ("rr", names.get(("rr", path.upper())))):
                    if kind == "joliet" and not iso.has_joliet(): continue
                    if kind == "rr" and not iso.has_rock_ridge(): continue
                    if arg is None: continue
                    buf = io.BytesIO()
                    iso.get_file_from_iso_fp(buf, **{kind + "_path": arg})
                    out[kind + ":" + path] = hashlib.sha256(buf.getvalue()).hexdigest()
            for child in iso.list_children(iso_path="/"):
                pass
            iso.close(); print(json.dumps(out))
            """
        let pycdlib = try Peer.run([python, "-c", script, output] + expected.keys.sorted())
        #expect(pycdlib.status == 0, "pycdlib: \(pycdlib.stderr)")
        let hashes = try JSONSerialization.jsonObject(with: pycdlib.stdoutData) as? [String: String] ?? [:]
        for (path, bytes) in expected {
            let digest = try Peer.run(["/usr/bin/sha256sum"], stdin: Data(bytes)).stdout.prefix(64)
            #expect(hashes["iso:" + path] == String(digest), "pycdlib iso \(path)")
            if joliet { #expect(hashes["joliet:" + path] == String(digest), "pycdlib joliet \(path)") }
            if rockRidge { #expect(hashes["rr:" + path] == String(digest), "pycdlib rr \(path)") }
        }
    }

    @Test("patches both BOOT.CFG files in place and adds KS.CFG", arguments: Writer.allCases)
    func remasterShape(writer: Writer) throws {
        let directory = try TemporaryDirectory()
        let source = try Self.makeSource(directory, writer: writer)
        let sourceDigest = try Data(contentsOf: URL(fileURLWithPath: source))
        let patched = Self.bootConfig + Array("kernelopt=runweasel ks=cdrom:/KS.CFG\n".utf8)
        let kickstart = Array("vmaccepteula\nrootpw --iscrypted $6$x$y\ninstall --firstdisk --overwritevmfs\n".utf8)
        var edit = try ImageEdit(path: source)
        edit.setFile("/BOOT.CFG", contents: patched)
        edit.setFile("/EFI/BOOT/BOOT.CFG", contents: patched)
        edit.setFile("/KS.CFG", contents: kickstart)
        let result = try edit.build()
        #expect(result.overlayByteCount <= 64 * 1024)
        #expect(result.relocatedDirectories.isEmpty)
        #expect(result.appendedSectorCount == 1, "only KS.CFG's data is appended")
        let output = directory.file("host.iso")
        try result.image.write(to: output)
        #expect(try Data(contentsOf: URL(fileURLWithPath: source)) == sourceDigest, "the source must never change")
        try Self.verifyWithPeers(source: source, output: output, result: result, writer: writer,
                                 expected: ["/BOOT.CFG": patched, "/EFI/BOOT/BOOT.CFG": patched, "/KS.CFG": kickstart])
    }

    @Test("a BOOT.CFG that outgrows its sectors is appended and its records follow", arguments: [Writer.genisoimageJolietRockRidge, .xorrisoPlain])
    func growingFile(writer: Writer) throws {
        let directory = try TemporaryDirectory()
        let config = Array(String(repeating: "x", count: 2040).utf8) + [0x0A]
        let source = try Self.makeSource(directory, writer: writer, bootConfig: config)
        let grown = config + Array("kernelopt=runweasel ks=cdrom:/KS.CFG systemMediaSize=small\n".utf8)
        var edit = try ImageEdit(path: source)
        edit.setFile("/BOOT.CFG", contents: grown)
        edit.setFile("/EFI/BOOT/BOOT.CFG", contents: grown)
        let result = try edit.build()
        #expect(result.appendedSectorCount == 4, "two 2-sector files appended")
        #expect(result.volumeSpaceSize == result.originalVolumeSpaceSize + 4)
        let output = directory.file("host.iso")
        try result.image.write(to: output)
        try Self.verifyWithPeers(source: source, output: output, result: result, writer: writer,
                                 expected: ["/BOOT.CFG": grown, "/EFI/BOOT/BOOT.CFG": grown])
    }

    @Test("adding KS.CFG to a full root relocates the root and everything that points at it", arguments: [Writer.genisoimageJolietRockRidge, .xorrisoPlain])
    func fullRoot(writer: Writer) throws {
        // Find a root size whose last sector has no room for one more record.
        var chosen: (TemporaryDirectory, String)?
        for count in stride(from: 30, through: 120, by: 1) {
            let directory = try TemporaryDirectory()
            let source = try Self.makeSource(directory, writer: writer, rootFiles: count)
            var probe = try ImageEdit(path: source)
            probe.setFile("/KS.CFG", contents: [1])
            if try !probe.build().relocatedDirectories.isEmpty { chosen = (directory, source); break }
        }
        let (directory, source) = try #require(chosen, "no root size made the root overflow")
        let kickstart = Array("vmaccepteula\n".utf8)
        var edit = try ImageEdit(path: source)
        edit.setFile("/KS.CFG", contents: kickstart)
        let result = try edit.build()
        // genisoimage's Rock Ridge records leave room for one more in every root sector, so there the Joliet
        // root (longer UCS-2 names) is the one that overflows; plain roots overflow themselves.
        #expect(result.relocatedDirectories == (writer.hasJoliet ? ["Joliet /"] : ["/"]))
        let output = directory.file("host.iso")
        try result.image.write(to: output)
        let edited = try ISOImage(path: output)
        let root = writer.hasJoliet ? edited.jolietVolumeDescriptor?.rootDirectoryRecord : edited.primaryVolumeDescriptor.rootDirectoryRecord
        #expect(try #require(root).extent.rawValue >= result.originalVolumeSpaceSize)
        try Self.verifyWithPeers(source: source, output: output, result: result, writer: writer,
                                 expected: ["/KS.CFG": kickstart])
    }

    @Test("many new files relocate a Rock Ridge root and its Joliet twin; children's `..` and path tables follow")
    func rockRidgeRootRelocation() throws {
        let directory = try TemporaryDirectory()
        let source = try Self.makeSource(directory, writer: .genisoimageJolietRockRidge)
        var edit = try ImageEdit(path: source)
        var expected: [String: [UInt8]] = [:]
        for i in 0..<40 {
            let bytes = Array("file \(i)\n".utf8)
            edit.setFile("/N\(i).TXT", contents: bytes)
            expected["/N\(i).TXT"] = bytes
        }
        let result = try edit.build()
        #expect(Set(result.relocatedDirectories) == ["/", "Joliet /"])
        let output = directory.file("host.iso")
        try result.image.write(to: output)
        try Self.verifyWithPeers(source: source, output: output, result: result, writer: .genisoimageJolietRockRidge,
                                 expected: expected)
    }

    @Test("vmedia remaster on vmedia fixture images of every ESXi release: peers agree, only the overlay differs",
          arguments: ["6.7", "7.0", "8.0"], [false, true])
    func remasteredFixtures(release: String, extensions: Bool) throws {
        let directory = try TemporaryDirectory()
        let source = directory.file("esxi-\(release).iso")
        let fixture = try VMediaBinary.run(["fixture", "--esxi", release, "--size", "24MiB", "--timestamp", "1700000000",
                                            "--output", source] + (extensions ? ["--joliet", "--rock-ridge"] : []))
        try #require(fixture.status == 0, "\(fixture.stderr)")
        let config = Peer.packageRoot.appendingPathComponent("Fixtures/hosts/brief-example.yaml").path
        let remaster = try VMediaBinary.run(["remaster", "--config", config, "--iso", source,
                                             "--output", directory.file("out"), "--host", "10.172.70.186", "--json"])
        try #require(remaster.status == 0, "\(remaster.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: remaster.stdoutData) as? [String: Any])
        let host = try #require((report["hosts"] as? [[String: Any]])?.first)
        let output = try #require(host["output"] as? String)
        let changed = Set((host["changedSectors"] as? [Int] ?? []).map(UInt32.init))
        let kickstart = try VMediaBinary.run(["kickstart", "--config", config, "--host", "10.172.70.186", "--show-secrets"])
        let golden = Peer.packageRoot.appendingPathComponent("Fixtures/bootcfg/patched").path
        let expected: [String: [UInt8]] = [
            "/BOOT.CFG": try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(golden)/esxi-\(release)_BOOT.CFG.small"))),
            "/EFI/BOOT/BOOT.CFG": try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(golden)/esxi-\(release)_EFI_BOOT_BOOT.CFG.small"))),
            "/KS.CFG": Array(kickstart.stdoutData),
        ]
        let volume = try ISOImage(path: output).primaryVolumeDescriptor.volumeSpaceSize
        try Self.verifyWithPeers(source: source, output: output, changedSectors: changed, volumeSpaceSize: volume,
                                 joliet: extensions, rockRidge: extensions, expected: expected)
        let verify = try VMediaBinary.run(["inspect", output, "--verify"])
        #expect(verify.status == 0, "vmedia inspect --verify: \(verify.stdout) \(verify.stderr)")
    }

    @Test("new directories get path table entries; removed files disappear from every tree", arguments: [Writer.genisoimageJolietRockRidge, .genisoimagePlain])
    func directoriesAndRemoval(writer: Writer) throws {
        let directory = try TemporaryDirectory()
        let source = try Self.makeSource(directory, writer: writer)
        let note = Array("hello\n".utf8)
        var edit = try ImageEdit(path: source)
        edit.addDirectory("/EXTRA/DEEP")
        edit.setFile("/EXTRA/DEEP/NOTE.TXT", contents: note)
        edit.removeFile("/M3.V00")
        let result = try edit.build()
        #expect(result.rebuiltPathTables)
        let output = directory.file("host.iso")
        try result.image.write(to: output)
        let edited = try ISOImage(path: output)
        #expect(edited.lookupLikeESXiLoader("/EXTRA/DEEP") != nil)
        let paths = edited.pathTables.filter { $0.tree == .iso9660 }.map { $0.records.count }
        #expect(paths.allSatisfy { $0 == 6 }, "root, EFI, EFI/BOOT, UPGRADE, EXTRA, EXTRA/DEEP: \(paths)")
        try Self.verifyWithPeers(source: source, output: output, result: result, writer: writer,
                                 expected: ["/EXTRA/DEEP/NOTE.TXT": note], removed: ["/M3.V00"])
    }

    @Test("editing twice gives the same bytes and ETag; re-editing an edited image replaces KS.CFG in place")
    func determinism() throws {
        let directory = try TemporaryDirectory()
        let source = try Self.makeSource(directory, writer: .genisoimageJolietRockRidge)
        func edited(_ kickstart: String) throws -> ImageEditResult {
            var edit = try ImageEdit(path: source)
            edit.setFile("/KS.CFG", contents: Array(kickstart.utf8))
            return try edit.build()
        }
        let a = try edited("one"), b = try edited("one"), c = try edited("two")
        #expect(a.image.etag == b.image.etag)
        #expect(a.image.patches == b.image.patches)
        #expect(a.image.etag != c.image.etag)
        let first = directory.file("first.iso")
        try a.image.write(to: first)
        var again = try ImageEdit(path: first)
        again.setFile("/KS.CFG", contents: Array("three".utf8))
        let second = try again.build()
        #expect(second.appendedSectorCount == 0, "KS.CFG fits its sector: written in place")
        #expect(second.changedSectors.count == 3, "the KS.CFG data sector and the sectors of its ISO 9660 and Joliet records")
    }

    @Test("boot images are refused; GPT and UDF sources are refused with the reason")
    func refusals() throws {
        let directory = try TemporaryDirectory()
        let source = try Self.makeSource(directory, writer: .xorrisoPlain)
        var edit = try ImageEdit(path: source)
        edit.setFile("/ISOLINUX.BIN", contents: [1, 2, 3])
        #expect { try edit.build() } throws: { error in
            String(describing: error).contains("boot")
        }
        let hybrid = directory.file("hybrid.iso")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source)))
        bytes.replaceSubrange(512..<520, with: Array("EFI PART".utf8))
        bytes[510] = 0x55; bytes[511] = 0xAA
        try Data(bytes).write(to: URL(fileURLWithPath: hybrid))
        #expect { try ImageEdit(path: hybrid).build() } throws: { error in
            String(describing: error).contains("GPT")
        }
    }
}
