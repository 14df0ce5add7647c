import Foundation
import ISO9660
import Testing
import TestSupport

@Suite("Reading images built by genisoimage and xorriso")
struct PeerBuiltImageTests {
    @Test("smoke")
    func smoke() throws {
        let genisoimage = try Peer.tool("genisoimage")
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("tree/EFI/BOOT"), withIntermediateDirectories: true)
        try Data("hello".utf8).write(to: URL(fileURLWithPath: dir.file("tree/EFI/BOOT/boot.cfg")))
        try Data(repeating: 7, count: 5000).write(to: URL(fileURLWithPath: dir.file("tree/a_long_file_name.txt")))
        let r = try Peer.run([genisoimage, "-quiet", "-J", "-R", "-o", dir.file("x.iso"), dir.file("tree")])
        #expect(r.status == 0, "\(r.stderr)")
        let image = try ISOImage(path: dir.file("x.iso"))
        for ns in ISONamespace.allCases { for (p, e) in image.walk(namespace: ns) { print(ns, p, e.size, e.identifier) } }
        print(try image.verify())
    }
}

@Suite("builder smoke")
struct BuilderSmoke {
    @Test("build")
    func build() throws {
        let dir = try TemporaryDirectory()
        var options = ISOBuilder.Options(volumeIdentifier: "ESXI-8.0.3-TEST", timestamp: ISOTimestamp(secondsSince1970: 1_700_000_000))
        options.joliet = true
        options.rockRidge = true
        var b = ISOBuilder(options: options)
        try b.addFile("/isolinux.bin", content: .file(path: "/usr/lib/ISOLINUX/isolinux.bin"))
        try b.addFile("/EFI/BOOT/BOOT.CFG", content: .bytes(Array("kernel=/b.b00\n".utf8)))
        try b.addFile("/efiboot.img", content: .generated(byteCount: 100_000, seed: 1))
        try b.addFile("/a very long file name that is long.txt", content: .generated(byteCount: 5000, seed: 2))
        try b.setBootCatalog(path: "/BOOT.CAT")
        try b.setBIOSBootImage(path: "/isolinux.bin")
        try b.addEFIBootImage(path: "/efiboot.img")
        let report = try b.write(to: dir.file("x.iso"))
        print(report)
        let image = try ISOImage(path: dir.file("x.iso"))
        for ns in ISONamespace.allCases { for (p, e) in image.walk(namespace: ns) { print(ns, p, e.size, e.identifier, e.firstExtent!.location) } }
        print(try image.verify())
        print(image.bootImages)
        for tool in [["/usr/bin/isoinfo", "-d", "-i", dir.file("x.iso")], ["/usr/bin/isoinfo", "-l", "-R", "-i", dir.file("x.iso")], ["/usr/bin/xorriso", "-indev", dir.file("x.iso"), "-report_el_torito", "plain"], ["/usr/bin/isovfy", "-i", dir.file("x.iso")]] {
            let r = try Peer.run(tool)
            print(r.stdout, r.stderr)
        }
    }
}
