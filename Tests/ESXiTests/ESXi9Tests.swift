import Foundation
import ISO9660
import Testing
import TestSupport
@testable import ESXi
@testable import ESXiFixture

/// ESXi 9.x: the 9.0 fixture's BOOT.CFG, recognition of 9.x builds, `inspect` naming the release, and both
/// shapes of the 9.0 image (with ISOLINUX, and UEFI only) remastered, checked by peers and booted.
@Suite("ESXi 9.0 fixture, release recognition and boot")
struct ESXi9Tests {
    @Test("a BOOT.CFG build or version names its release by major version; unknown majors are nil",
          arguments: [("9.0.0-0.0.24678710", ESXiRelease?.some(.v9_0)), ("9.1.0-0.10.25000000", .v9_0), ("9.0", .v9_0),
                      ("8.0.3-0.35.24280767", .v8_0), ("7.0.2-0.20.18426014", .v7_0), ("6.7.0", .v6_7),
                      ("10.0.0-0.0.1", nil), ("90.1", nil), ("", nil), ("9x", nil), ("5.5.0", nil)])
    func recognition(version: String, release: ESXiRelease?) {
        #expect(ESXiRelease(version: version) == release)
    }

    @Test("the 9.0 fixture's BOOT.CFG says ESX installer, build=9.0.0-…, updated=1, and keeps runweasel cdromBoot")
    func bootConfig() throws {
        let text = String(decoding: ESXiRelease.v9_0.stockBootConfig, as: UTF8.self)
        #expect(text.contains("title=Loading ESX installer\n"))
        #expect(text.contains("build=9.0.0-0.0.24678710\n"))
        #expect(text.contains("updated=1\n"))
        #expect(text.contains("kernelopt=runweasel cdromBoot\n"))
        #expect(!ESXiRelease.v8_0.stockBootConfig.isEmpty && !String(decoding: ESXiRelease.v8_0.stockBootConfig, as: UTF8.self).contains("ESX installer"))
        let config = BootConfig(bytes: ESXiRelease.v9_0.stockBootConfig)
        let patched = try config.patched()
        #expect(try patched.kernelOptions() == ["runweasel", "ks=cdrom:/KS.CFG", "systemMediaSize=small"])
        #expect(patched.value(forKey: "build") == "9.0.0-0.0.24678710")
    }

    @Test("inspect names the installer's release and build, and --verify checks every 9.0 module", arguments: [false, true])
    func inspect(uefiOnly: Bool) throws {
        let dir = try TemporaryDirectory()
        let iso = try ESXiFixtureTests.build(.v9_0, size: "16MiB", extra: uefiOnly ? ["--uefi-only"] : [], in: dir)
        let result = try VMediaBinary.run(["inspect", iso, "--verify", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let esxi = try #require(object["esxi"] as? [String: Any], "inspect --json lacks esxi: \(result.stdout.prefix(400))")
        #expect(esxi["release"] as? String == "9.0")
        #expect(esxi["version"] as? String == "9.0.0")
        #expect(esxi["buildNumber"] as? String == "24678710")
        let modules = try #require(object["esxiModules"] as? [String: Any])
        #expect((modules["checked"] as? NSNumber)?.intValue == ESXiRelease.v9_0.modules.count + 1)
        #expect((modules["failed"] as? NSNumber)?.intValue == 0)
        let text = try VMediaBinary.run(["inspect", iso])
        #expect(text.stdout.contains("ESXi 9.0 installer, version 9.0.0, build 24678710"), "\(text.stdout.prefix(800))")
    }

    /// Peers read the remastered 9.0 image: xorriso's catalog report is the source's, isoinfo and 7-Zip
    /// extract the patched BOOT.CFG files and KS.CFG, pycdlib opens it strictly and reads the same bytes.
    static func checkWithPeers(source: String, remastered iso: String, host: ESXiHostImage, in dir: TemporaryDirectory) throws {
        let xorriso = try Peer.tool("xorriso")
        let before = try Peer.run([xorriso, "-indev", source, "-report_el_torito", "plain"])
        let after = try Peer.run([xorriso, "-indev", iso, "-report_el_torito", "plain"])
        func entries(_ text: String) -> [String] { text.split(separator: "\n").map(String.init).filter { $0.contains("boot img") || $0.contains("cat path") } }
        #expect(!entries(before.stdout).isEmpty && entries(before.stdout) == entries(after.stdout), "\(after.stdout)")
        let bios = String(decoding: host.biosBootConfig.serialized(), as: UTF8.self)
        let efi = String(decoding: try #require(host.efiBootConfig).serialized(), as: UTF8.self)
        #expect(bios.contains("kernelopt=runweasel ks=cdrom:/KS.CFG systemMediaSize=small\n"))
        let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
        #expect(try Peer.run([isoinfo, "-i", iso, "-x", "/BOOT.CFG;1"]).stdout == bios)
        #expect(try Peer.run([isoinfo, "-i", iso, "-x", "/KS.CFG;1"]).stdout == RemasterBootTests.kickstart)
        let sevenZip = try Peer.tool("7zz", package: "7zip")
        let out = dir.file("7z")
        #expect(try Peer.run([sevenZip, "x", "-o" + out, iso, "EFI/BOOT/BOOT.CFG", "KS.CFG"]).status == 0)
        #expect(try String(contentsOfFile: out + "/EFI/BOOT/BOOT.CFG", encoding: .utf8) == efi)
        #expect(try String(contentsOfFile: out + "/KS.CFG", encoding: .utf8) == RemasterBootTests.kickstart)
        let python = try Peer.python(module: "pycdlib")
        let script = """
            import io, sys, pycdlib
            iso = pycdlib.PyCdlib(); iso.open(sys.argv[1])
            for path in ("/BOOT.CFG;1", "/EFI/BOOT/BOOT.CFG;1", "/KS.CFG;1"):
                buf = io.BytesIO(); iso.get_file_from_iso_fp(buf, iso_path=path)
                sys.stdout.write(path + "=" + buf.getvalue().decode() + "\\0")
            """
        let read = try Peer.run([python, "-c", script, iso])
        #expect(read.status == 0, "pycdlib: \(read.stderr)")
        #expect(read.stdout.contains("/BOOT.CFG;1=" + bios + "\0"))
        #expect(read.stdout.contains("/EFI/BOOT/BOOT.CFG;1=" + efi + "\0"))
        #expect(read.stdout.contains("/KS.CFG;1=" + RemasterBootTests.kickstart + "\0"))
    }

    @Test("9.0 remastered: OVMF starts BOOTX64.EFI, which reads the patched EFI BOOT.CFG and /KS.CFG; peers agree",
          arguments: [false, true])
    func uefi(uefiOnly: Bool) throws {
        let dir = try TemporaryDirectory()
        let grub = try GrubEFIImage.make(into: dir.path)
        let source = try ESXiFixtureTests.build(.v9_0, size: "16MiB", extra: ["--efi", grub] + (uefiOnly ? ["--uefi-only"] : []), in: dir)
        let host = try ESXiRemaster(sourcePath: source).hostImage(kickstart: Array(RemasterBootTests.kickstart.utf8))
        let iso = dir.file("host.iso")
        try host.image.write(to: iso)
        #expect(try ISOImage(path: iso).verify().isEmpty)
        if uefiOnly {
            let report = try Peer.run([try Peer.tool("xorriso"), "-indev", iso, "-report_el_torito", "plain"]).stdout
            #expect(!report.contains("BIOS") && report.contains("UEFI"), "\(report)")
            #expect(try ISOImage(path: iso).lookup("/ISOLINUX.BIN", namespace: .iso9660) == nil)
        }
        try Self.checkWithPeers(source: source, remastered: iso, host: host, in: dir)
        let boot = try QEMUBoot.boot(iso: iso, firmware: .uefi, until: GrubEFIImage.endMarker)
        #expect(boot.sawMarker)
        let config = try #require(GrubEFIImage.printedFile("/EFI/BOOT/BOOT.CFG", in: boot.serial))
        #expect(config.replacingOccurrences(of: "\n", with: "").contains("kernelopt=runweasel ks=cdrom:/KS.CFG systemMediaSize=small"))
        #expect(config.replacingOccurrences(of: "\n", with: "").contains("build=9.0.0-0.0.24678710"))
        let kickstart = try #require(GrubEFIImage.printedFile("/KS.CFG", in: boot.serial))
        #expect(kickstart.replacingOccurrences(of: "\n", with: "") == RemasterBootTests.kickstart.replacingOccurrences(of: "\n", with: ""))
        print("OVMF + GRUB, ESXi 9.0 remastered (UEFI only: \(uefiOnly)): \(String(format: "%.1f", boot.seconds)) s")
    }

    @Test("9.0 remastered with ISOLINUX: SeaBIOS boots it and isolinux prints the patched /BOOT.CFG")
    func bios() throws {
        let isolinux = try Peer.file(["/usr/lib/ISOLINUX/isolinux.bin"], package: "isolinux")
        _ = try Peer.file(["/usr/lib/syslinux/modules/bios/ldlinux.c32"], package: "syslinux-common")
        let dir = try TemporaryDirectory()
        let source = try ESXiFixtureTests.build(.v9_0, size: "16MiB", extra: ["--isolinux", isolinux], in: dir)
        let host = try ESXiRemaster(sourcePath: source).hostImage(kickstart: Array(RemasterBootTests.kickstart.utf8))
        let iso = dir.file("host.iso")
        try host.image.write(to: iso)
        try Self.checkWithPeers(source: source, remastered: iso, host: host, in: dir)
        let boot = try QEMUBoot.boot(iso: iso, firmware: .bios, until: "updated=1")
        #expect(boot.sawMarker)
        #expect(boot.serial.contains("kernelopt=runweasel ks=cdrom:/KS.CFG systemMediaSize=small"), "\(boot.serial)")
        #expect(boot.serial.contains("build=9.0.0-0.0.24678710"))
        print("SeaBIOS + isolinux, ESXi 9.0 remastered: \(String(format: "%.1f", boot.seconds)) s")
    }

    @Test("--uefi-only with --isolinux is refused, naming both options")
    func contradictoryOptions() throws {
        let dir = try TemporaryDirectory()
        let result = try VMediaBinary.run(["fixture", "--esxi", "9.0", "--size", "16MiB", "--uefi-only",
                                           "--isolinux", "/usr/lib/ISOLINUX/isolinux.bin", "--output", dir.file("x.iso")])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--isolinux and --uefi-only"), "\(result.stderr)")
    }
}
