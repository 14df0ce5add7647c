import ESXi
import ESXiFixture
import Foundation
import Testing
import TestSupport

/// FAT images for El Torito EFI entries, read back by independent implementations: mtools and fsck.fat.
@Suite("FAT image")
struct FATImageTests {
    static func filler(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    /// Writes the image, runs `fsck.fat -n` on it and reads every file back with `mcopy`.
    static func checkWithPeers(_ image: [UInt8], files: [String: [UInt8]], expectedType: String) throws {
        let fsck = try Peer.tool("fsck.fat", package: "dosfstools")
        let mcopy = try Peer.tool("mcopy", package: "mtools")
        let mdir = try Peer.tool("mdir", package: "mtools")
        let dir = try TemporaryDirectory()
        let path = dir.file("efiboot.img")
        try Data(image).write(to: URL(fileURLWithPath: path))
        let check = try Peer.run([fsck, "-n", "-v", path], timeout: 60)
        #expect(check.status == 0, "fsck.fat -n: \(check.stdout) \(check.stderr)")
        #expect(!check.stdout.lowercased().contains("differ"), "\(check.stdout)")
        #expect(String(decoding: image[54..<62], as: UTF8.self) == expectedType)
        // MTOOLS_SKIP_CHECK: mtools otherwise insists on floppy-like geometry for image files.
        let env = ["MTOOLS_SKIP_CHECK": "1", "MTOOLS_NO_VFAT": "1"]
        for (name, contents) in files {
            let out = dir.file("out-\(abs(name.hashValue))")
            let copy = try Peer.run([mcopy, "-n", "-i", path, "::" + name, out], environment: env, timeout: 60)
            #expect(copy.status == 0, "mcopy \(name): \(copy.stderr)")
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: out))) == contents, "\(name) differs")
        }
        let listing = try Peer.run([mdir, "-i", path, "-/", "::"], environment: env, timeout: 60)
        #expect(listing.status == 0)
        for name in files.keys {
            let base = name.split(separator: "/").last!.split(separator: ".")[0]
            #expect(listing.stdout.contains(String(base)), "mdir does not list \(name): \(listing.stdout)")
        }
    }

    @Test("a floppy-sized FAT12 image with \\EFI\\BOOT\\BOOTX64.EFI passes fsck.fat and reads back with mtools")
    func fat12() throws {
        var fat = FATImage()
        let files = ["/EFI/BOOT/BOOTX64.EFI": Self.filler(150_001, seed: 1),
                     "/EFI/BOOT/GRUB.CFG": Array("echo hello\n".utf8),
                     "/README.TXT": Array("EFI boot image\n".utf8),
                     "/EMPTY.BIN": []]
        for (path, contents) in files.sorted(by: { $0.key < $1.key }) { try fat.addFile(path, contents: contents) }
        let image = try fat.bytes()
        #expect(image.count == 1_474_560)
        try Self.checkWithPeers(image, files: files, expectedType: "FAT12   ")

        // The peer check can fail: a cross-linked chain in both FAT copies is reported by fsck.fat.
        var broken = image
        let fatSectors = Int(image[22]) | Int(image[23]) << 8
        for copy in 0..<2 { broken[512 + copy * fatSectors * 512 + 4] = 0x03 }
        let dir = try TemporaryDirectory()
        try Data(broken).write(to: URL(fileURLWithPath: dir.file("broken.img")))
        let check = try Peer.run([try Peer.tool("fsck.fat", package: "dosfstools"), "-n", dir.file("broken.img")], timeout: 60)
        #expect(check.status != 0, "fsck.fat accepted a damaged FAT: \(check.stdout)")
    }

    @Test("a 6 MB EFI binary gets a FAT16 image that passes fsck.fat and reads back with mtools")
    func fat16() throws {
        var fat = FATImage(options: .init(volumeLabel: "BIGEFI", timestamp: 1_700_000_000))
        let files = ["/EFI/BOOT/BOOTX64.EFI": Self.filler(6_000_000, seed: 2),
                     "/EFI/DRIVERS/ISO9660.EFI": Self.filler(40_000, seed: 3)]
        for (path, contents) in files { try fat.addFile(path, contents: contents) }
        try fat.addDirectory("/EFI/EMPTY")
        let image = try fat.bytes()
        try Self.checkWithPeers(image, files: files, expectedType: "FAT16   ")
    }

    @Test("a directory with more entries than one cluster holds still reads back")
    func manyEntries() throws {
        var fat = FATImage()
        var files: [String: [UInt8]] = [:]
        for index in 0..<40 { files["/EFI/BOOT/F\(index).BIN"] = Self.filler(100 + index, seed: UInt64(index)) }
        for (path, contents) in files { try fat.addFile(path, contents: contents) }
        try Self.checkWithPeers(try fat.bytes(), files: files, expectedType: "FAT12   ")
    }

    @Test("the same inputs give the same bytes, whatever order they were added in")
    func deterministic() throws {
        var a = FATImage(), b = FATImage()
        try a.addFile("/EFI/BOOT/BOOTX64.EFI", contents: [1, 2, 3])
        try a.addFile("/A.TXT", contents: [4])
        try b.addFile("/A.TXT", contents: [4])
        try b.addFile("/EFI/BOOT/BOOTX64.EFI", contents: [1, 2, 3])
        #expect(try a.bytes() == b.bytes())
    }

    @Test("names a short-name entry cannot hold are refused with the rule", arguments: [
        "/EFI/BOOT/bootx64efi.longname", "/TOOLONGNAME.EFI", "/A.B.C", "/SPACE NAME.EFI", "/EFI/BOOT/.HIDDEN",
    ])
    func invalidNames(path: String) throws {
        var fat = FATImage()
        #expect(throws: ESXiError.self) { try fat.addFile(path, contents: [0]) }
    }

    @Test("a file and a directory of the same name are refused")
    func conflicts() throws {
        var fat = FATImage()
        try fat.addFile("/EFI", contents: [0])
        #expect(throws: ESXiError.self) { try fat.addFile("/EFI/BOOT/BOOTX64.EFI", contents: [0]) }
        #expect(throws: ESXiError.self) { try fat.addFile("/EFI", contents: [1]) }
    }
}
