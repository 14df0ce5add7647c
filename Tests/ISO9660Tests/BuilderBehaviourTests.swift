import Foundation
import ISO9660
import Testing
import TestSupport
import Primitives

@Suite("ISOBuilder output and ISOImage lookups")
struct BuilderBehaviourTests {
    @Test("the same inputs and timestamp give the same bytes, whatever the order of calls; another timestamp does not")
    func deterministic() throws {
        let sha256sum = try Peer.tool("sha256sum", package: "coreutils")
        let dir = try TemporaryDirectory()
        func build(_ name: String, reversed: Bool, seconds: Int64) throws -> String {
            var options = ISOBuilder.Options(volumeIdentifier: "DETERMINISM", timestamp: ISOTimestamp(secondsSince1970: seconds))
            options.joliet = true
            options.rockRidge = true
            var builder = ISOBuilder(options: options)
            var calls: [(inout ISOBuilder) throws -> Void] = [
                { try $0.addFile("/isolinux.bin", content: .file(path: try TestImages.isolinux())) },
                { try $0.addFile("/EFI/BOOT/BOOT.CFG", content: .bytes(Array("kernel=/b.b00\n".utf8))) },
                { try $0.addFile("/efiboot.img", content: .generated(byteCount: 40_000, seed: 5)) },
                { try $0.addFile("/collide_1.txt", content: .bytes([1])) },
                { try $0.addFile("/collide_2.txt", content: .bytes([2])) },
                { try $0.addDirectory("/upgrade") },
            ]
            if reversed { calls.reverse() }
            for call in calls { try call(&builder) }
            try builder.setBootCatalog(path: "/boot.cat")
            try builder.setBIOSBootImage(path: "/isolinux.bin")
            try builder.addEFIBootImage(path: "/efiboot.img")
            try builder.write(to: dir.file(name))
            return String(try Peer.run([sha256sum, dir.file(name)]).stdout.prefix(64))
        }
        let first = try build("a.iso", reversed: false, seconds: 1_700_000_000)
        let second = try build("b.iso", reversed: true, seconds: 1_700_000_000)
        let other = try build("c.iso", reversed: false, seconds: 1_700_000_001)
        #expect(first == second)
        #expect(first != other)
    }

    @Test("generated content is SplitMix64 in little-endian words (first output for seed 0 is 0xE220A8397B1DCDAF)")
    func generatedContent() throws {
        let dir = try TemporaryDirectory()
        var builder = ISOBuilder(options: .init(volumeIdentifier: "GEN", timestamp: TestImages.timestamp))
        try builder.addFile("/G.BIN", content: .generated(byteCount: 13, seed: 0))
        try builder.write(to: dir.file("g.iso"))
        let image = try ISOImage(path: dir.file("g.iso"))
        let bytes = try image.read(try image.entry(at: "/G.BIN"))
        #expect(Array(bytes.prefix(8)) == [0xAF, 0xCD, 0x1D, 0x7B, 0x39, 0xA8, 0x20, 0xE2])
        #expect(bytes == TestImages.splitMix64Bytes(seed: 0, count: 13))
    }

    @Test("minimumImageByteCount pads the volume, and the volume space size says so")
    func padding() throws {
        let dir = try TemporaryDirectory()
        let image = try TestImages.buildESXiLike(in: dir, joliet: false, rockRidge: false, minimumBytes: 8 << 20)
        let attributes = try FileManager.default.attributesOfItem(atPath: image.path)
        #expect((attributes[.size] as? NSNumber)?.int64Value == 8 << 20)
        #expect(image.report.volumeSpaceSize == 4096)
        let reader = try ISOImage(path: image.path)
        #expect(reader.primaryVolumeDescriptor.volumeSpaceSize == 4096)
        #expect(try reader.verify() == [])
    }

    @Test("paths are found by ISO 9660, Joliet and Rock Ridge names, and case-insensitively like the ESX UEFI loader")
    func lookups() throws {
        let dir = try TemporaryDirectory()
        let built = try TestImages.buildESXiLike(in: dir, joliet: true, rockRidge: true)
        let image = try ISOImage(path: built.path)
        let bootCfg = try #require(built.report.file("/EFI/BOOT/BOOT.CFG"))
        for (path, namespace) in [("/EFI/BOOT/BOOT.CFG;1", ISONamespace.iso9660), ("/EFI/BOOT/BOOT.CFG", .iso9660),
                                  ("/EFI/BOOT/BOOT.CFG", .joliet), ("/EFI/BOOT/BOOT.CFG", .rockRidge)] {
            #expect(image.lookup(path, namespace: namespace)?.firstExtent?.location == bootCfg.extent, "\(path) \(namespace)")
        }
        #expect(image.lookup("/efi/boot/boot.cfg", namespace: .iso9660) == nil, "ISO 9660 names are case-sensitive")
        #expect(image.lookupLikeESXiLoader("\\efi\\boot\\boot.cfg")?.firstExtent?.location == bootCfg.extent)
        #expect(image.lookupLikeESXiLoader("/Efi/Boot/Boot.Cfg;1")?.firstExtent?.location == bootCfg.extent)
        // "README" has no extension: recorded as README.;1, found as README, README. and README.;1.
        #expect(image.lookup("/README.;1")?.identifier == "README.;1")
        #expect(image.lookup("/README")?.identifier == "README.;1")
        #expect(image.lookupLikeESXiLoader("/readme.")?.identifier == "README.;1")
        #expect(image.lookup("/Long File Name With Spaces.txt", namespace: .joliet) != nil)
        #expect(image.lookup("/Long File Name With Spaces.txt", namespace: .rockRidge)?.identifier == "LONG_FIL.TXT;1")
        #expect(image.lookup("/upgrade/precheck.py", namespace: .rockRidge) != nil)
        #expect(image.lookup("/nope") == nil)
        #expect(throws: ISO9660Error.notFound(path: "/nope", namespace: "Joliet")) { try image.entry(at: "/nope", namespace: .joliet) }
        let bytes = try image.read(try image.entry(at: "/s.v00", namespace: .rockRidge), range: 100..<300)
        #expect(bytes == Array(built.expected["/s.v00"]![100..<300]))
    }

    @Test("a multi-extent file (ECMA-119 §6.5.1) is read as one file, as xorriso reads it")
    func multiExtent() throws {
        let xorriso = try Peer.tool("xorriso")
        let dir = try TemporaryDirectory()
        var builder = ISOBuilder(options: .init(volumeIdentifier: "MULTI", timestamp: TestImages.timestamp))
        try builder.addFile("/A.BIN", content: .bytes(Array(repeating: 0x61, count: 2048)))
        try builder.addFile("/B.BIN", content: .bytes(Array(repeating: 0x62, count: 100)))
        let report = try builder.write(to: dir.file("m.iso"))
        #expect(report.file("/B.BIN")!.extent.rawValue == report.file("/A.BIN")!.extent.rawValue + 1)
        // Turn A.BIN;1 + B.BIN;1 into two records of one file: flag the first "not final", rename the second.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: dir.file("m.iso")))
        let rootOffset = UInt64(report.rootDirectory.rawValue) * 2048
        try handle.seek(toOffset: rootOffset)
        var root = Array(try handle.read(upToCount: 2048)!)
        var offset = 0
        while offset < root.count, root[offset] != 0 {
            let length = Int(root[offset])
            let identifier = String(decoding: root[(offset + 33)..<(offset + 33 + Int(root[offset + 32]))], as: UTF8.self)
            if identifier == "A.BIN;1" { root[offset + 25] |= 0x80 }
            if identifier == "B.BIN;1" { root[offset + 33] = UInt8(ascii: "A") }
            offset += length
        }
        try handle.seek(toOffset: rootOffset)
        try handle.write(contentsOf: root)
        try handle.close()

        let image = try ISOImage(path: dir.file("m.iso"))
        let entry = try image.entry(at: "/A.BIN")
        #expect(entry.extents.count == 2)
        #expect(entry.size == 2148)
        #expect(image.primaryTree.root.children.count == 1)
        let extracted = dir.file("x")
        let run = try Peer.run([xorriso, "-osirrox", "on", "-indev", dir.file("m.iso"), "-extract", "/A.BIN", extracted])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try image.read(entry) == contents(extracted))
        #expect(try image.read(entry, range: 2040..<2060) == Array(repeating: 0x61, count: 8) + Array(repeating: 0x62, count: 12))
    }

    @Test("the builder refuses what it cannot write, saying why and how to fix it")
    func refusals() throws {
        let dir = try TemporaryDirectory()
        var builder = ISOBuilder(options: .init(volumeIdentifier: "X", timestamp: TestImages.timestamp))
        try builder.addFile("/a.txt", content: .bytes([1]))
        #expect(throws: ISO9660Error.self) { try builder.addFile("/a.txt", content: .bytes([2])) }
        #expect(throws: ISO9660Error.self) { try builder.addFile("/a.txt/b", content: .bytes([2])) }
        #expect(throws: ISO9660Error.self) { try builder.addFile("/../etc", content: .bytes([2])) }
        try builder.addDirectory("/1/2/3/4/5/6/7/8")
        do {
            try builder.write(to: dir.file("deep.iso"))
            Issue.record("a tree deeper than 8 levels must be refused")
        } catch let error as ISO9660Error {
            #expect(error.description.contains("8 directory levels"))
            #expect(error.description.contains("Fix:"))
        }
        var boot = ISOBuilder(options: .init(volumeIdentifier: "X", timestamp: TestImages.timestamp))
        try boot.setBIOSBootImage(path: "/missing.bin")
        #expect(throws: ISO9660Error.self) { try boot.write(to: dir.file("boot.iso")) }
        #expect(!FileManager.default.fileExists(atPath: dir.file("boot.iso")), "nothing is left behind on failure")
        var joliet = ISOBuilder(options: { var o = ISOBuilder.Options(volumeIdentifier: "X", timestamp: TestImages.timestamp); o.joliet = true; return o }())
        try joliet.addFile("/" + String(repeating: "n", count: 65), content: .bytes([]))
        #expect(throws: ISO9660Error.self) { try joliet.write(to: dir.file("j.iso")) }
    }
}
