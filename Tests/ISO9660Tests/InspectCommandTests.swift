import Foundation
import ISO9660
import Testing
import TestSupport

/// `vmedia inspect` end to end, through the built executable.
@Suite("vmedia inspect")
struct InspectCommandTests {
    @Test("prints the volume, extensions, El Torito entries with their files, and every file with LBA and size")
    func textReport() throws {
        let dir = try TemporaryDirectory()
        let built = try TestImages.buildESXiLike(in: dir, joliet: false, rockRidge: true)
        let run = try VMediaBinary.run(["inspect", built.path])
        #expect(run.status == 0, "\(run.stderr)")
        let out = run.stdout
        #expect(out.contains("ESXI-8.0.3-24022510-STANDARD"))
        #expect(out.contains("ESXIMAGE"))
        #expect(out.contains("\(built.report.volumeSpaceSize) blocks"))
        #expect(out.contains("2023-11-14T22:13:20Z"))
        #expect(out.contains("Rock Ridge (RRIP_1991A)"))
        #expect(out.contains("El Torito"))
        let lines = out.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        let bios = try #require(lines.first { $0.first == "1" && $0.contains("BIOS") })
        #expect(bios.contains(String(built.report.biosBootImage!.rawValue)))
        #expect(bios.contains("/ISOLINUX.BIN") && bios.contains("[boot-info-table]"))
        let efi = try #require(lines.first { $0.first == "2" && $0.contains("UEFI") })
        #expect(efi.contains("2880") && efi.contains(String(built.report.efiBootImages[0].rawValue)))
        for file in built.report.files {
            // Rows are "LBA size path"; a path may contain spaces.
            let row = lines.first { $0.count >= 3 && $0[2...].joined(separator: " ") == file.path }
            #expect(row.map { Array($0[0..<2]) } == [String(file.extent.rawValue), String(file.byteCount)], "\(file.path)")
        }
    }

    @Test("--json is a machine-readable report with the same facts")
    func jsonReport() throws {
        let dir = try TemporaryDirectory()
        let built = try TestImages.buildESXiLike(in: dir, joliet: true, rockRidge: false)
        let run = try VMediaBinary.run(["inspect", built.path, "--json", "--tree", "--verify"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let volume = json["volume"] as? [String: Any]
        #expect(volume?["volumeIdentifier"] as? String == "ESXI-8.0.3-24022510-STANDARD")
        #expect(volume?["volumeSpaceSize"] as? Int == Int(built.report.volumeSpaceSize))
        #expect(json["problems"] as? [String] == [])
        #expect((json["extensions"] as? [String])?.contains("Joliet level 3") == true)
        let boots = json["bootImages"] as? [[String: Any]] ?? []
        #expect(boots.map { $0["lba"] as? Int } == [Int(built.report.biosBootImage!.rawValue), Int(built.report.efiBootImages[0].rawValue)])
        let entries = json["entries"] as? [[String: Any]] ?? []
        #expect(entries.contains { $0["path"] as? String == "/UPGRADE" && $0["directory"] as? Bool == true })
        let cfg = entries.first { $0["path"] as? String == "/EFI/BOOT/BOOT.CFG" }
        #expect(cfg?["lba"] as? Int == Int(built.report.file("/EFI/BOOT/BOOT.CFG")!.extent.rawValue))
        #expect(cfg?["jolietPath"] as? String == "/EFI/BOOT/BOOT.CFG")
    }

    @Test("--verify passes a sound image and fails a damaged one with a clear report")
    func verify() throws {
        let dir = try TemporaryDirectory()
        let built = try TestImages.buildESXiLike(in: dir, joliet: false, rockRidge: false)
        let good = try VMediaBinary.run(["inspect", built.path, "--verify"])
        #expect(good.status == 0)
        #expect(good.stdout.contains("Verify: no problems found."))
        let damaged = Peer.packageRoot.appendingPathComponent("Fixtures/malformed/bad-catalog-checksum.iso").path
        let bad = try VMediaBinary.run(["inspect", damaged, "--verify"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("Verify: 1 problem found"))
        #expect(bad.stdout.contains("ValidationEntry at sector"))
    }

    @Test("--extract writes a file's bytes, found by ISO 9660, Rock Ridge, Joliet or ESXi-style name")
    func extract() throws {
        let dir = try TemporaryDirectory()
        let built = try TestImages.buildESXiLike(in: dir, joliet: true, rockRidge: false)
        for (path, expected) in [("/EFI/BOOT/BOOT.CFG;1", "/EFI/BOOT/BOOT.CFG"), ("/b.b00", "/b.b00"),
                                 ("\\efi\\boot\\bootx64.efi", "/EFI/BOOT/BOOTX64.EFI")] {
            let output = dir.file("out-\(expected.split(separator: "/").last!)")
            let run = try VMediaBinary.run(["inspect", built.path, "--extract", path, "--output", output])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try contents(output) == built.expected[expected], "\(path)")
        }
        let missing = try VMediaBinary.run(["inspect", built.path, "--extract", "/NOPE.CFG", "--output", dir.file("x")])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/NOPE.CFG does not exist"))
        let noOutput = try VMediaBinary.run(["inspect", built.path, "--extract", "/BOOT.CFG"])
        #expect(noOutput.status != 0)
        #expect(noOutput.stderr.contains("--extract needs --output"))
    }

    @Test("a missing file and a non-ISO file are clear errors, not crashes")
    func badInput() throws {
        let dir = try TemporaryDirectory()
        let missing = try VMediaBinary.run(["inspect", dir.file("absent.iso")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("No such file or directory"))
        try Data(repeating: 0x41, count: 100_000).write(to: URL(fileURLWithPath: dir.file("text.iso")))
        let text = try VMediaBinary.run(["inspect", dir.file("text.iso")])
        #expect(text.status == 1)
        #expect(text.stderr.contains("Not an ISO 9660 image"))
        let help = try VMediaBinary.run(["inspect", "--help"])
        #expect(help.stdout.contains("vmedia inspect esxi.iso --verify"))
    }
}
