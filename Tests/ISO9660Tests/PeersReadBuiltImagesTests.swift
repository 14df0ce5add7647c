import Foundation
import ISO9660
import Testing
import TestSupport

/// Independent readers (isoinfo, xorriso, 7-Zip, pycdlib, isovfy) must see exactly what ISOBuilder wrote.
@Suite("Peers read images built by ISOBuilder")
struct PeersReadBuiltImagesTests {
    enum Variant: String, CaseIterable, CustomTestStringConvertible {
        case plain, joliet, rockRidge, jolietAndRockRidge
        var joliet: Bool { self == .joliet || self == .jolietAndRockRidge }
        var rockRidge: Bool { self == .rockRidge || self == .jolietAndRockRidge }
        var testDescription: String { rawValue }
    }

    /// Files of the image as a namespace names them: ISO 9660 identifiers with `;1`, else the given paths.
    static func expectedFiles(_ image: BuiltImage, isoNames: Bool) -> [String: ISOBuildReport.File] {
        Dictionary(uniqueKeysWithValues: image.report.files.map { (isoNames ? $0.isoPath : $0.path, $0) })
    }

    /// `/README.;1` → `/README`: how readers without Joliet or Rock Ridge show ISO 9660 names.
    static func plainName(_ isoPath: String) -> String {
        var name = isoPath.hasSuffix(";1") ? String(isoPath.dropLast(2)) : isoPath
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }

    @Test("isoinfo -d reports the volume, the extensions and the El Torito default entry", arguments: Variant.allCases)
    func isoinfoDescribes(variant: Variant) throws {
        let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
        let dir = try TemporaryDirectory()
        let image = try TestImages.buildESXiLike(in: dir, joliet: variant.joliet, rockRidge: variant.rockRidge)
        let out = try Peer.run([isoinfo, "-d", "-i", image.path]).stdout
        #expect(out.contains("Volume id: ESXI-8.0.3-24022510-STANDARD"))
        #expect(out.contains("Application id: ESXIMAGE"))
        #expect(out.contains("Volume size is: \(image.report.volumeSpaceSize)"))
        #expect(out.contains("Logical block size is: 2048"))
        #expect(out.contains("Joliet with UCS level 3 found") == variant.joliet)
        #expect(out.contains("NO Joliet present") == !variant.joliet)
        #expect(out.contains("Rock Ridge signatures version 1 found") == variant.rockRidge)
        #expect(out.contains("NO Rock Ridge present") == !variant.rockRidge)
        #expect(out.contains("boot catalog is in sector \(image.report.bootCatalog!.rawValue)"))
        #expect(out.contains("Nsect 4"))
        let lba = image.report.biosBootImage!.rawValue
        #expect(out.lowercased().contains("bootoff \(String(lba, radix: 16)) \(lba)"), "isoinfo prints the boot image LBA in hex and decimal")
    }

    @Test("isoinfo -l, -J and -R list every file with the extent and size the builder reported", arguments: Variant.allCases)
    func isoinfoLists(variant: Variant) throws {
        let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
        let dir = try TemporaryDirectory()
        let image = try TestImages.buildESXiLike(in: dir, joliet: variant.joliet, rockRidge: variant.rockRidge)
        var modes: [(flag: String?, isoNames: Bool)] = [(nil, true)]
        if variant.joliet { modes.append(("-J", false)) }
        if variant.rockRidge { modes.append(("-R", false)) }
        for mode in modes {
            let run = try Peer.run([isoinfo, "-l"] + (mode.flag.map { [$0] } ?? []) + ["-i", image.path])
            #expect(run.status == 0, "isoinfo \(mode.flag ?? "") failed: \(run.stderr)")
            let listed = PeerOutput.isoinfoListing(run.stdout).filter { !$0.value.isDirectory }
            let expected = Self.expectedFiles(image, isoNames: mode.isoNames)
            #expect(Set(listed.keys) == Set(expected.keys), "isoinfo -l \(mode.flag ?? "")")
            for (path, file) in expected {
                guard let entry = listed[path] else { continue }
                #expect(entry.size == file.byteCount, "\(path) size")
                if file.byteCount > 0 { #expect(entry.lba == Int(file.extent.rawValue), "\(path) extent") }
            }
        }
    }

    @Test("isovfy finds no errors in directory records and path tables", arguments: Variant.allCases)
    func isovfyAgrees(variant: Variant) throws {
        let isovfy = try Peer.tool("isovfy", package: "genisoimage")
        let dir = try TemporaryDirectory()
        let image = try TestImages.buildESXiLike(in: dir, joliet: variant.joliet, rockRidge: variant.rockRidge)
        let run = try Peer.run([isovfy, "-i", image.path])
        #expect(run.stdout.contains("No errors found"), "isovfy: \(run.stdout)\(run.stderr)")
    }

    @Test("xorriso -report_el_torito and -find see the boot entries, their files and every file", arguments: Variant.allCases)
    func xorrisoReports(variant: Variant) throws {
        let xorriso = try Peer.tool("xorriso")
        let dir = try TemporaryDirectory()
        let image = try TestImages.buildESXiLike(in: dir, joliet: variant.joliet, rockRidge: variant.rockRidge)
        let report = try Peer.run([xorriso, "-indev", image.path, "-report_el_torito", "plain"])
        let rows = PeerOutput.xorrisoElTorito(report.stdout)
        try #require(rows.count == 2, "\(report.stdout)\(report.stderr)")
        // xorriso names files by Rock Ridge, else Joliet, else ISO 9660 names without version and trailing dot.
        let isoNames = !variant.rockRidge && !variant.joliet
        #expect(rows[0] == PeerOutput.ElToritoRow(platform: "BIOS", loadSize: 4, lba: Int(image.report.biosBootImage!.rawValue),
                                                  path: isoNames ? "/ISOLINUX.BIN" : "/isolinux.bin", bootInfoTable: true))
        #expect(rows[1] == PeerOutput.ElToritoRow(platform: "UEFI", loadSize: 2880, lba: Int(image.report.efiBootImages[0].rawValue),
                                                  path: isoNames ? "/EFIBOOT.IMG" : "/efiboot.img", bootInfoTable: false))
        let find = try Peer.run([xorriso, "-indev", image.path, "-find", "/", "-type", "f"])
        let expected = Set(image.report.files.filter { !$0.path.hasSuffix("boot.cat") }.map {
            isoNames ? Self.plainName($0.isoPath) : $0.path
        })
        #expect(PeerOutput.xorrisoFind(find.stdout) == expected)
    }

    @Test("7-Zip lists and extracts every file byte for byte", arguments: Variant.allCases)
    func sevenZipExtracts(variant: Variant) throws {
        let sevenZip = try Peer.tool("7zz", package: "7zip")
        let dir = try TemporaryDirectory()
        let image = try TestImages.buildESXiLike(in: dir, joliet: variant.joliet, rockRidge: variant.rockRidge)
        let list = try Peer.run([sevenZip, "l", "-slt", image.path])
        #expect(list.status == 0, "\(list.stderr)")
        // 7-Zip reads Joliet or Rock Ridge names when present, else ISO 9660 names without `;1` and trailing dot.
        func sevenZipName(_ file: ISOBuildReport.File) -> String {
            variant == .plain ? Self.plainName(file.isoPath) : file.path
        }
        let listed = PeerOutput.sevenZipListing(list.stdout).filter { !$0.key.hasPrefix("/[BOOT]") && !$0.value.isDirectory }
        let expected = Dictionary(uniqueKeysWithValues: image.report.files.map { (sevenZipName($0), $0) })
        #expect(Set(listed.keys) == Set(expected.keys))
        let out = dir.file("7z")
        let extract = try Peer.run([sevenZip, "x", "-y", "-o" + out, image.path])
        #expect(extract.status == 0, "\(extract.stderr)")
        for (name, file) in expected {
            #expect(listed[name]?.size == file.byteCount, "\(name) size")
            if let bytes = image.expected[file.path] {
                #expect(try contents(out + name) == bytes, "\(name) content")
            }
        }
    }

    @Test("pycdlib opens the image strictly and reads every file through ISO 9660, Joliet and Rock Ridge paths",
          arguments: Variant.allCases)
    func pycdlibReads(variant: Variant) throws {
        let python = try Peer.python(module: "pycdlib")
        let dir = try TemporaryDirectory()
        let image = try TestImages.buildESXiLike(in: dir, joliet: variant.joliet, rockRidge: variant.rockRidge)
        let script = Peer.packageRoot.appendingPathComponent("Tests/ISO9660Tests/pycdlib_check.py").path
        let out = dir.file("pycdlib")
        let run = try Peer.run([python, script, image.path, out])
        try #require(run.status == 0, "pycdlib failed: \(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: run.stdoutData) as! [String: Any]
        #expect(summary["has_joliet"] as? Bool == variant.joliet)
        #expect(summary["has_rock_ridge"] as? Bool == variant.rockRidge)
        var namespaces = [("iso_path", true)]
        if variant.joliet { namespaces.append(("joliet_path", false)) }
        if variant.rockRidge { namespaces.append(("rr_path", false)) }
        for (kind, isoNames) in namespaces {
            let listing = summary[kind] as? [String: Int] ?? [:]
            let expected = Self.expectedFiles(image, isoNames: isoNames)
            #expect(Set(listing.keys) == Set(expected.keys), "\(kind)")
            for (path, file) in expected {
                #expect(listing[path].map(Int64.init) == file.byteCount, "\(kind) \(path) size")
                if let bytes = image.expected[file.path] {
                    #expect(try contents(out + "/" + kind + path) == bytes, "\(kind) \(path) content")
                }
            }
        }
        let eltorito = summary["eltorito"] as? [[String: Int]] ?? []
        #expect(eltorito.map { $0["lba"] } == [Int(image.report.biosBootImage!.rawValue), Int(image.report.efiBootImages[0].rawValue)])
        #expect(eltorito.map { $0["platform"] } == [0, 0xEF])
        #expect(eltorito.map { $0["sector_count"] } == [4, 2880])
    }

    @Test("the BIOS image carries a boot information table computed the way mkisofs documents it")
    func bootInfoTable() throws {
        let dir = try TemporaryDirectory()
        let image = try TestImages.buildESXiLike(in: dir, joliet: false, rockRidge: false)
        let original = try contents(try TestImages.isolinux())
        let lba = Int(image.report.biosBootImage!.rawValue)
        let all = try contents(image.path)
        let written = Array(all[(lba * 2048)..<(lba * 2048 + original.count)])
        func le32(_ b: [UInt8], _ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[o + $1]) << (8 * UInt32($1)) } }
        // Independent checksum: the sum of little-endian dwords from offset 64, tail zero padded.
        var padded = Array(original[64...])
        while padded.count % 4 != 0 { padded.append(0) }
        let sum = stride(from: 0, to: padded.count, by: 4).reduce(UInt32(0)) { $0 &+ le32(padded, $1) }
        #expect(le32(written, 8) == 16)
        #expect(le32(written, 12) == UInt32(lba))
        #expect(le32(written, 16) == UInt32(original.count))
        #expect(le32(written, 20) == sum)
        #expect(written[24..<64].allSatisfy { $0 == 0 })
        #expect(Array(written[0..<8]) == Array(original[0..<8]))
        #expect(Array(written[64...]) == Array(original[64...]))
    }
}
