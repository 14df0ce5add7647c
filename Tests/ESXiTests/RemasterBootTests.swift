import Foundation
import ISO9660
import Testing
import TestSupport
@testable import ESXi
@testable import ESXiFixture

/// Remastered images boot: SeaBIOS runs the real isolinux, which reads the patched /BOOT.CFG through the
/// PVD at the boot-info table's address; OVMF starts GRUB from EFIBOOT.IMG, which reads /EFI/BOOT/BOOT.CFG
/// and /KS.CFG from the ISO 9660 tree as a UEFI loader does. Also after the hard cases: a relocated root
/// and a BOOT.CFG grown past its sectors.
@Suite("Remastered images boot under SeaBIOS and OVMF")
struct RemasterBootTests {
    static let kickstart = "vmaccepteula\nrootpw --iscrypted $6$salt$hash\ninstall --firstdisk --overwritevmfs\n"

    /// A remastered fixture: optionally with 60 extra root files (the root outgrows its sectors and is
    /// relocated) and a padded BOOT.CFG (its patched form no longer fits its sectors).
    static func remastered(_ release: ESXiRelease, firmwareArguments: [String], hardCases: Bool,
                           in dir: TemporaryDirectory) throws -> (iso: String, result: ESXiHostImage) {
        var source = try ESXiFixtureTests.build(release, size: "16MiB", extra: firmwareArguments, in: dir)
        if hardCases {
            // Pad both BOOT.CFG files to end exactly at a sector boundary (a comment line mboot ignores),
            // so the added options cannot fit, and crowd the root until adding KS.CFG no longer fits it.
            let fixture = source
            let image = try ISOImage(path: fixture)
            var padded: [String: [UInt8]] = [:]
            for path in ["/BOOT.CFG", "/EFI/BOOT/BOOT.CFG"] {
                let original = try image.read(try #require(image.lookupLikeESXiLoader(path)))
                let room = 4096 - original.count - 1
                try #require(room > 2)
                padded[path] = original + Array(("#" + String(repeating: "p", count: room - 1) + "\n").utf8)
            }
            var crowdedEnough = false
            for count in 40...160 {
                var edit = try ImageEdit(path: fixture)
                for (path, bytes) in padded { edit.setFile(path, contents: bytes) }
                for i in 0..<count { edit.setFile("/PAD\(i).TXT", contents: Array("pad \(i)\n".utf8)) }
                let crowded = dir.file("crowded.iso")
                try edit.build().image.write(to: crowded)
                if try ESXiRemaster(sourcePath: crowded).hostImage(kickstart: [1]).edit.relocatedDirectories.contains("/") {
                    source = crowded
                    crowdedEnough = true
                    break
                }
            }
            try #require(crowdedEnough, "no number of extra root files made the root overflow")
        }
        let remaster = try ESXiRemaster(sourcePath: source)
        let host = try remaster.hostImage(kickstart: Array(kickstart.utf8), systemMediaSize: .small)
        if hardCases {
            #expect(host.edit.relocatedDirectories.contains("/"), "the root should have been relocated")
            #expect(host.edit.appendedSectorCount >= 1 + 2 * 3, "both BOOT.CFG files should have been appended")
        }
        let iso = dir.file("host.iso")
        try host.image.write(to: iso)
        #expect(try ISOImage(path: iso).verify().isEmpty)
        return (iso, host)
    }

    @Test("SeaBIOS: isolinux prints the patched BOOT.CFG with ks=cdrom:/KS.CFG", arguments: [false, true])
    func bios(hardCases: Bool) throws {
        let isolinux = try Peer.file(["/usr/lib/ISOLINUX/isolinux.bin"], package: "isolinux")
        _ = try Peer.file(["/usr/lib/syslinux/modules/bios/ldlinux.c32"], package: "syslinux-common")
        let dir = try TemporaryDirectory()
        let (iso, _) = try Self.remastered(.v8_0, firmwareArguments: ["--isolinux", isolinux], hardCases: hardCases, in: dir)
        let boot = try QEMUBoot.boot(iso: iso, firmware: .bios, until: "updated=0")
        #expect(boot.sawMarker)
        #expect(boot.serial.contains("kernelopt=runweasel ks=cdrom:/KS.CFG systemMediaSize=small"), "\(boot.serial)")
        print("SeaBIOS + isolinux, remastered (hard cases: \(hardCases)): \(String(format: "%.1f", boot.seconds)) s")
    }

    @Test("OVMF: GRUB reads the patched /EFI/BOOT/BOOT.CFG and /KS.CFG from the ISO 9660 tree", arguments: [false, true])
    func uefi(hardCases: Bool) throws {
        let dir = try TemporaryDirectory()
        let grub = try GrubEFIImage.make(into: dir.path)
        let (iso, host) = try Self.remastered(.v8_0, firmwareArguments: ["--efi", grub], hardCases: hardCases, in: dir)
        let boot = try QEMUBoot.boot(iso: iso, firmware: .uefi, until: GrubEFIImage.endMarker)
        #expect(boot.sawMarker)
        let config = try #require(GrubEFIImage.printedFile("/EFI/BOOT/BOOT.CFG", in: boot.serial))
        let expected = String(decoding: try #require(host.efiBootConfig).serialized(), as: UTF8.self)
        // GRUB's serial terminal wraps lines at 80 columns, so compare without line breaks.
        #expect(config.replacingOccurrences(of: "\n", with: "") == expected.replacingOccurrences(of: "\n", with: ""))
        let kickstart = try #require(GrubEFIImage.printedFile("/KS.CFG", in: boot.serial))
        #expect(kickstart.replacingOccurrences(of: "\n", with: "") == Self.kickstart.replacingOccurrences(of: "\n", with: ""))
        print("OVMF + GRUB, remastered (hard cases: \(hardCases)): \(String(format: "%.1f", boot.seconds)) s")
    }
}
