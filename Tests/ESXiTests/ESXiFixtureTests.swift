import ESXi
import ESXiFixture
import Foundation
import ISO9660
import Testing
import TestSupport

/// ESXi-shaped fixtures built with `vmedia fixture` (ISOBuilder underneath), read by independent peers:
/// isoinfo/isovfy, xorriso, 7-Zip, gzip, mtools.
@Suite("ESXi fixture")
struct ESXiFixtureTests {
    static let timestamp = "1700000000"

    /// Runs `vmedia fixture` and returns the image path.
    static func build(_ release: ESXiRelease, size: String = "24MiB", extra: [String] = [], in dir: TemporaryDirectory,
                      name: String = "fixture.iso") throws -> String {
        let output = dir.file(name)
        let result = try VMediaBinary.run(["fixture", "--esxi", release.rawValue, "--size", size,
                                           "--timestamp", timestamp, "--output", output] + extra, timeout: 300)
        #expect(result.status == 0, "vmedia fixture failed: \(result.stderr)")
        return output
    }

    /// Extracts the whole tree with xorriso (an independent ISO 9660 reader).
    static func extract(_ iso: String, into dir: String) throws {
        let xorriso = try Peer.tool("xorriso")
        let result = try Peer.run([xorriso, "-osirrox", "on", "-indev", iso, "-extract", "/", dir], timeout: 300)
        #expect(result.status == 0, "xorriso extract: \(result.stderr)")
    }

    @Test("each release's fixture has its BOOT.CFG, modules and boot files, fills --size exactly, and every module passes gzip -t",
          arguments: ESXiRelease.allCases)
    func layout(release: ESXiRelease) throws {
        let dir = try TemporaryDirectory()
        let iso = try Self.build(release, in: dir)
        let attributes = try FileManager.default.attributesOfItem(atPath: iso)
        #expect((attributes[.size] as? NSNumber)?.int64Value == 24 << 20)

        let tree = dir.file("tree")
        try Self.extract(iso, into: tree)
        let files = DirectoryInstallerFiles(root: tree)
        let image = try ESXiInstallerImage(files: files)
        #expect(image.biosBootConfig.serialized() == release.stockBootConfig)
        #expect(image.efiBootConfig?.serialized() == release.stockBootConfig)
        #expect(try image.biosBootConfig.kernelOptions() == release.stockKernelOptions)

        // Every boot file is on the image and is a healthy gzip stream (our verifier) …
        let report = try image.verifyBootFiles(files: files)
        #expect(report.isHealthy, "\(report.failures.map(\.summary))")
        #expect(report.gzipCount == release.modules.count + 1)
        #expect(report.gzipCount >= 120)
        // … and gzip(1) agrees on every one of them.
        let gzip = try Peer.tool("gzip")
        let modulePaths = try image.bootFiles().map { tree + "/" + $0.dropFirst().uppercased() }
        let test = try Peer.run([gzip, "-t"] + modulePaths, timeout: 120)
        #expect(test.status == 0, "gzip -t: \(test.stderr)")

        for name in ["ISOLINUX.BIN", "ISOLINUX.CFG", "BOOT.CAT", "EFIBOOT.IMG", "README.TXT", "EFI/BOOT/BOOTX64.EFI"] {
            #expect(FileManager.default.fileExists(atPath: tree + "/" + name), "\(name) missing")
        }
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: tree + "/UPGRADE", isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    @Test("peers see a plain ISO 9660 image with ESXi's El Torito layout: isoinfo, isovfy, xorriso, 7-Zip, mtools")
    func peersAgree() throws {
        let dir = try TemporaryDirectory()
        let iso = try Self.build(.v8_0, in: dir)

        let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
        let info = try Peer.run([isoinfo, "-d", "-i", iso])
        #expect(info.stdout.contains("Volume id: ESXI-8.0U3B-24280767-STANDARD"))
        #expect(info.stdout.contains("Application id: ESXIMAGE"))
        #expect(info.stdout.contains("NO Joliet present"))
        #expect(info.stdout.contains("NO Rock Ridge present"))
        #expect(info.stdout.contains("Volume size is: \(24 << 20 / 2048)"))
        let isovfy = try Peer.tool("isovfy", package: "genisoimage")
        #expect(try Peer.run([isovfy, "-i", iso]).stdout.contains("No errors found"))

        let xorriso = try Peer.tool("xorriso")
        let elTorito = try Peer.run([xorriso, "-indev", iso, "-report_el_torito", "plain"]).stdout
        #expect(elTorito.contains("El Torito cat path : /BOOT.CAT"))
        #expect(elTorito.range(of: #"boot img :\s+1\s+BIOS\s+y\s+none\s+0x0000\s+0x00\s+4\s"#, options: .regularExpression) != nil, "\(elTorito)")
        #expect(elTorito.range(of: #"boot img :\s+2\s+UEFI\s+y\s+none"#, options: .regularExpression) != nil, "\(elTorito)")
        #expect(elTorito.contains("/ISOLINUX.BIN"))
        #expect(elTorito.contains("/EFIBOOT.IMG"))
        #expect(elTorito.contains("boot-info-table"))

        // 7-Zip lists the ESXi files and extracts BOOT.CFG byte for byte.
        let sevenZip = try Peer.tool("7zz", package: "7zip")
        let listing = try Peer.run([sevenZip, "l", iso]).stdout
        for name in ["BOOT.CFG", "S.V00", "IMGPAYLD.TGZ", "ESXIODPT.TGZ", "EFIBOOT.IMG"] { #expect(listing.contains(name), "\(name)") }
        let out = dir.file("7z")
        #expect(try Peer.run([sevenZip, "x", "-o" + out, iso, "EFI/BOOT/BOOT.CFG"]).status == 0)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/EFI/BOOT/BOOT.CFG"))) == ESXiRelease.v8_0.stockBootConfig)

        // The EFI image is a FAT file system holding \EFI\BOOT\BOOTX64.EFI equal to the ISO's copy.
        let efiboot = dir.file("efiboot.img")
        #expect(try Peer.run([isoinfo, "-i", iso, "-x", "/EFIBOOT.IMG;1"]).stdoutData.count == 1_474_560)
        try Peer.run([isoinfo, "-i", iso, "-x", "/EFIBOOT.IMG;1"]).stdoutData.write(to: URL(fileURLWithPath: efiboot))
        let mcopy = try Peer.tool("mcopy", package: "mtools")
        let fromFAT = dir.file("fat-bootx64.efi")
        #expect(try Peer.run([mcopy, "-n", "-i", efiboot, "::/EFI/BOOT/BOOTX64.EFI", fromFAT],
                             environment: ["MTOOLS_SKIP_CHECK": "1"]).status == 0)
        let fromISO = try Peer.run([isoinfo, "-i", iso, "-x", "/EFI/BOOT/BOOTX64.EFI;1"]).stdoutData
        #expect(try Data(contentsOf: URL(fileURLWithPath: fromFAT)) == fromISO)
    }

    @Test("--joliet --rock-ridge adds both trees with lower-case names, like the old tool's genisoimage -J -R rebuild")
    func jolietRockRidge() throws {
        let dir = try TemporaryDirectory()
        let iso = try Self.build(.v7_0, extra: ["--joliet", "--rock-ridge"], in: dir)
        let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
        let info = try Peer.run([isoinfo, "-d", "-i", iso]).stdout
        #expect(info.contains("Joliet with UCS level 3 found"))
        #expect(info.contains("Rock Ridge signatures version 1 found"))
        let rr = try Peer.run([isoinfo, "-R", "-f", "-i", iso]).stdout
        #expect(rr.contains("/boot.cfg") && rr.contains("/efi/boot/boot.cfg") && rr.contains("/s.v00"))
        let joliet = try Peer.run([isoinfo, "-J", "-x", "/efi/boot/boot.cfg", "-i", iso]).stdoutData
        #expect([UInt8](joliet) == ESXiRelease.v7_0.stockBootConfig)
        let plain = try Peer.run([isoinfo, "-f", "-i", iso]).stdout
        #expect(plain.contains("/BOOT.CFG;1"))
    }

    @Test("the same options and --timestamp give the same bytes; another timestamp changes them")
    func reproducible() throws {
        let dir = try TemporaryDirectory()
        let a = try Self.build(.v6_7, size: "12MiB", in: dir, name: "a.iso")
        let b = try Self.build(.v6_7, size: "12MiB", in: dir, name: "b.iso")
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
        let c = dir.file("c.iso")
        #expect(try VMediaBinary.run(["fixture", "--esxi", "6.7", "--size", "12MiB", "--timestamp", "1700000999",
                                      "--output", c]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) != Data(contentsOf: URL(fileURLWithPath: c)))
    }

    @Test("--json prints a summary scripts can use")
    func json() throws {
        let dir = try TemporaryDirectory()
        let output = dir.file("j.iso")
        let result = try VMediaBinary.run(["fixture", "--esxi", "8.0", "--size", "16MiB", "--timestamp", Self.timestamp,
                                           "--json", "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(object["release"] as? String == "8.0")
        #expect((object["byteCount"] as? NSNumber)?.int64Value == 16 << 20)
        #expect((object["moduleCount"] as? NSNumber)?.intValue == ESXiRelease.v8_0.modules.count + 1)
        #expect(object["path"] as? String == output)
        #expect((object["efiBootImageSectors"] as? [Any])?.count == 1)
    }

    @Test("bad arguments fail with a message naming the fix", arguments: [
        (["--esxi", "9.9"], "9.9"),
        (["--esxi", "8.0", "--size", "12XB"], "--size"),
        (["--esxi", "8.0", "--size", "1MiB"], "--size"),
        (["--esxi", "8.0", "--size", "16MiB", "--isolinux", "/nonexistent/isolinux.bin"], "/nonexistent/isolinux.bin"),
        (["--esxi", "8.0", "--size", "16MiB", "--efi", "/nonexistent/grub.efi"], "/nonexistent/grub.efi"),
    ])
    func badArguments(arguments: [String], mention: String) throws {
        let dir = try TemporaryDirectory()
        let result = try VMediaBinary.run(["fixture"] + arguments + ["--output", dir.file("x.iso")])
        #expect(result.status != 0)
        #expect(result.stderr.contains(mention), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("x.iso")))
    }

    @Test("a too small --size names the smallest size that works, and that size is met exactly",
          arguments: ESXiRelease.allCases, [false, true])
    func smallestSize(release: ESXiRelease, extensions: Bool) throws {
        let dir = try TemporaryDirectory()
        var options = ESXiFixture.Options(release: release, imageByteCount: 1 << 20)
        options.joliet = extensions
        options.rockRidge = extensions
        var suggested: Int64?
        do {
            _ = try ESXiFixture(options: options)
            Issue.record("1 MiB was accepted")
        } catch let error as ESXiError {
            let text = error.description
            let number = try #require(text.range(of: "--size ").map { text[$0.upperBound...].prefix(while: \.isNumber) })
            suggested = Int64(number).map { $0 << 20 }
        }
        options.imageByteCount = try #require(suggested)
        let report = try ESXiFixture(options: options).write(to: dir.file("min.iso"))
        #expect(report.byteCount == options.imageByteCount)
    }

    @Test("an output in a directory that does not exist fails and creates nothing")
    func missingOutputDirectory() throws {
        let dir = try TemporaryDirectory()
        let output = dir.file("missing/sub/x.iso")
        let result = try VMediaBinary.run(["fixture", "--esxi", "8.0", "--size", "8MiB", "--output", output])
        #expect(result.status == 1)
        #expect(result.stderr.contains("does not exist"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("missing")))
    }

    @Test("the fixture tree built by genisoimage lists the same files as our ISOBuilder's image")
    func sameTreeAsGenisoimage() throws {
        let genisoimage = try Peer.tool("genisoimage")
        let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
        let dir = try TemporaryDirectory()
        var options = ESXiFixture.Options(release: .v7_0, imageByteCount: 16 << 20)
        options.efiBootPath = nil
        let fixture = try ESXiFixture(options: options)
        try fixture.writeTree(to: dir.file("tree"))
        let ours = dir.file("ours.iso")
        try fixture.write(to: ours)
        let theirs = dir.file("theirs.iso")
        let made = try Peer.run([genisoimage, "-quiet", "-o", theirs, "-V", "ESXI", "-c", "BOOT.CAT", "-b", "ISOLINUX.BIN",
                                 "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table", "-eltorito-alt-boot",
                                 "-e", "EFIBOOT.IMG", "-no-emul-boot", dir.file("tree")], timeout: 120)
        #expect(made.status == 0, "\(made.stderr)")
        let listOurs = try Peer.run([isoinfo, "-f", "-i", ours]).stdout.split(separator: "\n").sorted()
        let listTheirs = try Peer.run([isoinfo, "-f", "-i", theirs]).stdout.split(separator: "\n").sorted()
        #expect(listOurs == listTheirs)
        #expect(listOurs.count > 120)
    }
}

/// The fixtures boot: SeaBIOS → El Torito → ISOLINUX (or the stub), OVMF → El Torito EFI → GRUB → ISO 9660.
@Suite("ESXi fixture boots in QEMU", .serialized)
struct ESXiFixtureBootTests {
    @Test("SeaBIOS boots a fixture built with the real isolinux, which prints BOOT.CFG on COM1",
          arguments: [(ESXiRelease.v6_7, [String]()), (.v8_0, []), (.v7_0, ["--joliet", "--rock-ridge"])])
    func biosIsolinux(release: ESXiRelease, extra: [String]) throws {
        let isolinux = try Peer.file(["/usr/lib/ISOLINUX/isolinux.bin"], package: "isolinux")
        _ = try Peer.file(["/usr/lib/syslinux/modules/bios/ldlinux.c32"], package: "syslinux-common")
        let dir = try TemporaryDirectory()
        let iso = try ESXiFixtureTests.build(release, size: "16MiB", extra: ["--isolinux", isolinux] + extra, in: dir)
        let result = try QEMUBoot.boot(iso: iso, firmware: .bios, until: "updated=0")
        #expect(result.sawMarker)
        #expect(result.serial.contains("ISOLINUX 6."))
        // The kernelopt line as the release has it, read by isolinux from the ISO 9660 tree.
        #expect(result.serial.contains("kernelopt=" + release.stockKernelOptions.joined(separator: " ")))
        #expect(result.serial.contains("build=\(release.build)\n"))
        print("SeaBIOS + isolinux, ESXi \(release.rawValue) \(extra): \(String(format: "%.1f", result.seconds)) s")
    }

    @Test("SeaBIOS boots the stub ISOLINUX.BIN, which prints its line on COM1")
    func biosStub() throws {
        let dir = try TemporaryDirectory()
        let iso = try ESXiFixtureTests.build(.v6_7, size: "12MiB", in: dir)
        let result = try QEMUBoot.boot(iso: iso, firmware: .bios, until: "--isolinux to boot ISOLINUX.", timeout: 60)
        #expect(result.sawMarker)
        #expect(result.serial.contains(IsolinuxStub.message(release: .v6_7)))
    }

    @Test("OVMF boots the EFI entry: GRUB from EFIBOOT.IMG reads /EFI/BOOT/BOOT.CFG from the ISO 9660 tree",
          arguments: [ESXiRelease.v7_0, .v8_0])
    func uefiGrub(release: ESXiRelease) throws {
        let dir = try TemporaryDirectory()
        let grub = try GrubEFIImage.make(into: dir.path)
        let iso = try ESXiFixtureTests.build(release, size: "16MiB", extra: ["--efi", grub], in: dir)
        let result = try QEMUBoot.boot(iso: iso, firmware: .uefi, until: GrubEFIImage.endMarker)
        #expect(result.sawMarker)
        #expect(result.serial.contains(GrubEFIImage.beginMarker))
        let printed = try #require(GrubEFIImage.printedFile("/EFI/BOOT/BOOT.CFG", in: result.serial))
        // GRUB's serial terminal wraps lines at 80 columns, so compare without line breaks.
        #expect(printed.replacingOccurrences(of: "\n", with: "")
                == String(decoding: release.stockBootConfig, as: UTF8.self).replacingOccurrences(of: "\n", with: ""))
        // The fixture has no kickstart: GRUB says so (the remaster tests expect the file here instead).
        let ks = try #require(GrubEFIImage.printedFile("/KS.CFG", in: result.serial))
        #expect(ks.contains("not found"))
        print("OVMF + GRUB, ESXi \(release.rawValue): \(String(format: "%.1f", result.seconds)) s")
    }
}

/// `vmedia inspect --verify` on ESXi installers: the gzip module check runs through the ISO reader.
@Suite("inspect --verify on ESXi installers")
struct InspectVerifyModulesTests {
    /// The LBA of a file as isoinfo (an independent reader) reports it.
    static func extent(of name: String, in iso: String) throws -> Int {
        let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
        let listing = try Peer.run([isoinfo, "-l", "-i", iso]).stdout
        let line = try #require(listing.split(separator: "\n").first { $0.hasSuffix(" \(name) ") || $0.hasSuffix(" \(name)") })
        let bracket = try #require(line.range(of: "["))
        let number = line[bracket.upperBound...].drop(while: { $0 == " " }).prefix(while: \.isNumber)
        return try #require(Int(number))
    }

    @Test("a healthy fixture verifies: every module inflated, exit 0; the ISO reader and a directory tree agree")
    func healthy() throws {
        let dir = try TemporaryDirectory()
        let iso = try ESXiFixtureTests.build(.v8_0, size: "32MiB", in: dir)
        let result = try VMediaBinary.run(["inspect", iso, "--verify"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let count = ESXiRelease.v8_0.modules.count + 1
        #expect(result.stdout.contains("ESXi modules: \(count) boot files from BOOT.CFG checked, \(count) gzip"))
        #expect(result.stdout.contains("0 failed"))

        // The same checks through the ISO reader and through xorriso's extraction give the same results.
        let image = try ISOImage(path: iso)
        let viaISO = try ESXiInstallerImage(files: image).verifyBootFiles(files: image)
        let tree = dir.file("tree")
        try ESXiFixtureTests.extract(iso, into: tree)
        let files = DirectoryInstallerFiles(root: tree)
        let viaTree = try ESXiInstallerImage(files: files).verifyBootFiles(files: files)
        #expect(viaISO == viaTree)
        #expect(viaISO.isHealthy)
    }

    @Test("one damaged byte in /S.V00 makes --verify fail with exit 1, naming the module and the fix",
          arguments: [false, true])
    func corrupt(json: Bool) throws {
        let dir = try TemporaryDirectory()
        let iso = try ESXiFixtureTests.build(.v7_0, size: "24MiB", in: dir)
        let lba = try Self.extent(of: "S.V00;1", in: iso)
        let handle = try #require(FileHandle(forUpdatingAtPath: iso))
        try handle.seek(toOffset: UInt64(lba * 2048 + 4321))
        let original = try #require(try handle.read(upToCount: 1))
        try handle.seek(toOffset: UInt64(lba * 2048 + 4321))
        try handle.write(contentsOf: Data([original[0] ^ 0x40]))
        try handle.close()

        let result = try VMediaBinary.run(["inspect", iso, "--verify"] + (json ? ["--json"] : []))
        #expect(result.status == 1)
        if json {
            let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
            let modules = try #require(object["esxiModules"] as? [String: Any])
            #expect((modules["failed"] as? NSNumber)?.intValue == 1)
            let files = try #require(modules["files"] as? [[String: Any]])
            #expect(files.filter { $0["result"] as? String == "corrupt" }.map { $0["path"] as? String } == ["/s.v00"])
        } else {
            #expect(result.stdout.contains("ESXi module /s.v00: corrupt at byte"))
            #expect(result.stdout.contains("CRC-32 mismatch"))
            #expect(result.stdout.contains("download the installer again"))
        }
    }

    @Test("an image that is not an ESXi installer gets only the ISO 9660 checks")
    func notESXi() throws {
        let genisoimage = try Peer.tool("genisoimage")
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("tree"), withIntermediateDirectories: true)
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: dir.file("tree/README.TXT")))
        #expect(try Peer.run([genisoimage, "-quiet", "-o", dir.file("plain.iso"), dir.file("tree")]).status == 0)
        let result = try VMediaBinary.run(["inspect", dir.file("plain.iso"), "--verify"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("ESXi modules"))
    }
}
