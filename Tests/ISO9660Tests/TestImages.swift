import Foundation
import ISO9660
import TestSupport
import Primitives

/// Images the tests build with our ISOBuilder, with what every file must contain.
struct BuiltImage {
    let path: String
    let report: ISOBuildReport
    /// Path as given to the builder → expected bytes.
    let expected: [String: [UInt8]]
    let options: ISOBuilder.Options
}

enum TestImages {
    static let timestamp = ISOTimestamp(secondsSince1970: 1_700_000_000)  // 2023-11-14T22:13:20Z

    /// Deterministic filler written independently of the builder's generator, from the SplitMix64
    /// reference (Steele, Lea, Flood 2014), so a test can check `.generated` content.
    static func splitMix64Bytes(seed: UInt64, count: Int) -> [UInt8] {
        var state = seed
        var out: [UInt8] = []
        out.reserveCapacity(count + 8)
        while out.count < count {
            state = state &+ 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            z ^= z >> 31
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: z >> (8 * UInt64(i)))) }
        }
        return Array(out.prefix(count))
    }

    static func isolinux() throws -> String {
        try Peer.file(["/usr/lib/ISOLINUX/isolinux.bin", "/usr/lib/syslinux/isolinux.bin"], package: "isolinux")
    }

    /// An ESXi-shaped tree: boot files, EFI directory, modules, an empty file, a long name and a deep path.
    static func buildESXiLike(in dir: TemporaryDirectory, name: String = "built.iso", joliet: Bool, rockRidge: Bool,
                              minimumBytes: Int64? = nil) throws -> BuiltImage {
        var options = ISOBuilder.Options(volumeIdentifier: "ESXI-8.0.3-24022510-STANDARD", timestamp: timestamp)
        options.applicationIdentifier = "ESXIMAGE"
        options.joliet = joliet
        options.rockRidge = rockRidge
        options.minimumImageByteCount = minimumBytes
        var builder = ISOBuilder(options: options)
        var expected: [String: [UInt8]] = [:]
        func add(_ path: String, _ bytes: [UInt8]) throws {
            try builder.addFile(path, content: .bytes(bytes))
            expected[path] = bytes
        }
        let isolinuxPath = try isolinux()
        try builder.addFile("/isolinux.bin", content: .file(path: isolinuxPath))
        expected["/isolinux.bin"] = nil  // patched with the boot information table; checked separately
        try add("/isolinux.cfg", Array("DEFAULT menu.c32\nLABEL install\n  KERNEL mboot.c32\n  APPEND -c boot.cfg\n".utf8))
        let bootCfg = Array("bootstate=0\ntitle=Loading ESXi installer\nkernel=/b.b00\nkernelopt=runweasel cdromBoot\nmodules=/jumpstrt.gz --- /s.v00\n".utf8)
        try add("/BOOT.CFG", bootCfg)
        try add("/EFI/BOOT/BOOT.CFG", bootCfg)
        try add("/EFI/BOOT/BOOTX64.EFI", Array(repeating: 0x4D, count: 3000))
        try builder.addFile("/efiboot.img", content: .generated(byteCount: 1_474_560, seed: 7))
        expected["/efiboot.img"] = splitMix64Bytes(seed: 7, count: 1_474_560)
        try builder.addFile("/b.b00", content: .generated(byteCount: 300_001, seed: 42))
        expected["/b.b00"] = splitMix64Bytes(seed: 42, count: 300_001)
        try add("/s.v00", Array((0..<5000).map { UInt8($0 % 251) }))
        // BOOT.CFG names it: inspect --verify checks that every boot module exists.
        try add("/jumpstrt.gz", [])
        try add("/upgrade/precheck.py", Array("print('ok')\n".utf8))
        try add("/empty.dat", [])
        try add("/README", Array("no extension\n".utf8))
        try add("/a/b/c/d/deep.txt", Array("deep\n".utf8))
        if joliet || rockRidge {
            try add("/Long File Name With Spaces.txt", Array("long\n".utf8))
        }
        try builder.addDirectory("/emptydir")
        try builder.setBootCatalog(path: "/boot.cat")
        try builder.setBIOSBootImage(path: "/isolinux.bin")
        try builder.addEFIBootImage(path: "/efiboot.img")
        let path = dir.file(name)
        let report = try builder.write(to: path)
        return BuiltImage(path: path, report: report, expected: expected, options: options)
    }

    /// A source tree on disk for genisoimage/xorriso, with nested directories, long names and boot files.
    static func makePeerSourceTree(in dir: TemporaryDirectory) throws -> (root: String, files: [String: [UInt8]]) {
        let root = dir.file("src")
        var files: [String: [UInt8]] = [:]
        func write(_ path: String, _ bytes: [UInt8]) throws {
            let url = URL(fileURLWithPath: root + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
            files[path] = bytes
        }
        try write("/isolinux.bin", Array(try Data(contentsOf: URL(fileURLWithPath: try isolinux()))))
        try write("/efiboot.img", splitMix64Bytes(seed: 3, count: 737_280))
        try write("/boot.cfg", Array("kernel=/b.b00\nkernelopt=runweasel\n".utf8))
        try write("/EFI/BOOT/BOOT.CFG", Array("kernel=/b.b00\n".utf8))
        try write("/EFI/BOOT/bootx64.efi", Array(repeating: 0x90, count: 4096))
        try write("/a/b/c/d/e/f/nested.txt", Array("nested\n".utf8))
        try write("/A rather long file name, longer than 8.3.text", Array("long name\n".utf8))
        try write("/UPPER.TXT", Array("upper\n".utf8))
        try write("/mixedCase.Dat", Array(repeating: 1, count: 10_000))
        try write("/zero.bin", [])
        try write("/big.bin", splitMix64Bytes(seed: 9, count: 3 * 2048 + 17))
        return (root, files)
    }
}

/// Reads a whole file.
func contents(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
