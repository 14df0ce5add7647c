import Foundation
import ISO9660
import Testing
import TestSupport

/// ISOImage must list and extract images made by genisoimage and xorriso exactly as isoinfo and xorriso do.
@Suite("ISOImage reads images built by genisoimage and xorriso")
struct ReadPeerBuiltImagesTests {
    struct Recipe: CustomTestStringConvertible, Sendable {
        let name: String
        let tool: String
        /// Arguments after the tool; `$ISO` and `$SRC` stand for the output image and the source tree.
        let arguments: [String]
        let joliet: Bool
        let rockRidge: Bool
        let bootable: Bool
        /// Adds a directory 10 levels deep, which genisoimage -R relocates (RRIP RE/CL/PL).
        let deepTree: Bool
        var testDescription: String { name }
    }

    static let bootArguments = ["-b", "isolinux.bin", "-c", "boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                                "-boot-info-table", "-eltorito-alt-boot", "-e", "efiboot.img", "-no-emul-boot"]

    static let recipes: [Recipe] = [
        Recipe(name: "genisoimage plain", tool: "genisoimage", arguments: ["-quiet", "-o", "$ISO", "$SRC"], joliet: false, rockRidge: false,
               bootable: false, deepTree: false),
        Recipe(name: "genisoimage -J -R with BIOS+EFI El Torito (the old bash tool)", tool: "genisoimage",
               arguments: ["-quiet", "-relaxed-filenames", "-J", "-R"] + bootArguments + ["-o", "$ISO", "$SRC"], joliet: true, rockRidge: true,
               bootable: true, deepTree: true),
        Recipe(name: "genisoimage -R long names (level 3)", tool: "genisoimage",
               arguments: ["-quiet", "-iso-level", "3", "-R"] + bootArguments + ["-o", "$ISO", "$SRC"], joliet: false, rockRidge: true,
               bootable: true, deepTree: false),
        Recipe(name: "xorriso -as mkisofs -J -R -joliet-long with BIOS+EFI", tool: "xorriso",
               arguments: ["-as", "mkisofs", "-quiet", "-J", "-R", "-joliet-long"] + bootArguments + ["-o", "$ISO", "$SRC"],
               joliet: true, rockRidge: true, bootable: true, deepTree: false),
        Recipe(name: "xorriso -as mkisofs defaults (Rock Ridge on)", tool: "xorriso",
               arguments: ["-as", "mkisofs", "-quiet", "-o", "$ISO", "$SRC"],
               joliet: false, rockRidge: true, bootable: false, deepTree: false),
        Recipe(name: "xorriso native, Rock Ridge off (plain ISO 9660 like ESXi)", tool: "xorriso",
               arguments: ["-rockridge", "off", "-outdev", "$ISO", "-map", "$SRC", "/"],
               joliet: false, rockRidge: false, bootable: false, deepTree: false),
    ]

    @Test("lists, extracts and reports El Torito like isoinfo and xorriso", arguments: recipes)
    func readsPeerImage(recipe: Recipe) throws {
        let tool = try Peer.tool(recipe.tool)
        let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
        let xorriso = try Peer.tool("xorriso")
        let dir = try TemporaryDirectory()
        let (root, files) = try TestImages.makePeerSourceTree(in: dir)
        if recipe.deepTree {
            let deep = root + "/deep/1/2/3/4/5/6/7/8"
            try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
            try Data("deep file\n".utf8).write(to: URL(fileURLWithPath: deep + "/file.txt"))
        }
        let isoPath = dir.file("peer.iso")
        let build = try Peer.run([tool] + recipe.arguments.map { $0 == "$ISO" ? isoPath : $0 == "$SRC" ? root : $0 })
        try #require(build.status == 0, "\(recipe.tool) failed: \(build.stderr)")
        let image = try ISOImage(path: isoPath)
        #expect((image.jolietTree != nil) == recipe.joliet)
        #expect((image.rockRidge != nil) == recipe.rockRidge)
        #expect(try image.verify() == [], "a peer-built image verifies clean")

        // ISO 9660 names: isoinfo -l, and every file extracted with isoinfo -x.
        try compare(image, namespace: .iso9660, isoinfo: [isoinfo, "-l", "-i", isoPath], isoPath: isoPath,
                    extract: { path in [isoinfo, "-i", isoPath, "-x", path] })
        if recipe.joliet {
            try compare(image, namespace: .joliet, isoinfo: [isoinfo, "-l", "-J", "-i", isoPath], isoPath: isoPath,
                        extract: { path in [isoinfo, "-J", "-i", isoPath, "-x", path] })
        }

        // The name space xorriso loads (Rock Ridge, else Joliet, else ISO 9660): -find and -extract.
        let namespace: ISONamespace = recipe.rockRidge ? .rockRidge : (recipe.joliet ? .joliet : .iso9660)
        let ours = image.walk(namespace: namespace).filter { !$0.entry.isDirectory }
        let find = try Peer.run([xorriso, "-indev", isoPath, "-find", "/", "-type", "f"])
        let catalogPaths = Set(image.bootImages.isEmpty ? [] : ours.filter {
            $0.entry.firstExtent?.location == image.bootRecord?.bootCatalog
        }.map(\.path))
        let oursNames = Set(ours.map(\.path)).subtracting(catalogPaths).map {
            namespace == .iso9660 ? PeersReadBuiltImagesTests.plainName($0) : $0
        }
        #expect(Set(oursNames) == PeerOutput.xorrisoFind(find.stdout), "xorriso -find vs ISOImage.walk(\(namespace))")
        let extracted = dir.file("xorriso")
        let extract = try Peer.run([xorriso, "-osirrox", "on", "-indev", isoPath, "-extract", "/", extracted])
        #expect(extract.status == 0, "\(extract.stderr)")
        for (path, entry) in ours where !catalogPaths.contains(path) {
            let peerPath = extracted + (namespace == .iso9660 ? PeersReadBuiltImagesTests.plainName(path) : path)
            #expect(try image.read(entry) == contents(peerPath), "\(path) bytes")
        }
        if recipe.rockRidge {
            // Originals survive under their Rock Ridge names (the source tree is the independent truth).
            for (path, bytes) in files where path != "/isolinux.bin" {
                let entry = image.lookup(path, namespace: .rockRidge)
                #expect(entry != nil, "\(path) found by its Rock Ridge name")
                if let entry { #expect(try image.read(entry) == bytes, "\(path) content") }
            }
            if recipe.deepTree {
                let deep = image.lookup("/deep/1/2/3/4/5/6/7/8/file.txt", namespace: .rockRidge)
                #expect(deep.map { try? image.read($0) } == Array("deep file\n".utf8), "relocated directory followed through CL")
            }
        }

        // El Torito: the same entries, files and boot-info-table detection as xorriso reports.
        let report = try Peer.run([xorriso, "-indev", isoPath, "-report_el_torito", "plain"])
        let rows = PeerOutput.xorrisoElTorito(report.stdout)
        #expect(rows.count == image.bootImages.count)
        for (row, boot) in zip(rows, image.bootImages) {
            #expect(row.platform == boot.entry.platform.description)
            #expect(row.loadSize == Int(boot.entry.sectorCount))
            #expect(row.lba == Int(boot.entry.loadRBA.rawValue))
            #expect(row.bootInfoTable == (boot.bootInfoTable != nil))
            if let file = boot.file {
                let path = image.walk(namespace: namespace).first { $0.entry.index == file.index }?.path
                #expect(row.path == path.map { namespace == .iso9660 ? PeersReadBuiltImagesTests.plainName($0) : $0 })
            }
        }
        if recipe.bootable {
            #expect(image.bootImages.map(\.entry.platform) == [.x86, .efi])
            #expect(image.lookupLikeESXiLoader("\\efi\\boot\\boot.cfg") != nil)
        }
    }

    /// Compares our listing of `namespace` with an isoinfo listing, and every file with isoinfo -x.
    private func compare(_ image: ISOImage, namespace: ISONamespace, isoinfo: [String], isoPath: String,
                         extract: (String) -> [String]) throws {
        let listing = try Peer.run(isoinfo)
        let theirs = PeerOutput.isoinfoListing(listing.stdout)
        var ours: [String: PeerOutput.ListedFile] = [:]
        for (path, entry) in image.walk(namespace: namespace) where entry.index != 0 {
            // isoinfo prints recorded identifiers (with `;1`) for ISO 9660 names.
            let shown = namespace == .iso9660 ? image.primaryTree.pathOfIdentifiers(entry) : path
            ours[shown] = PeerOutput.ListedFile(lba: Int(entry.firstExtent?.location.rawValue ?? 0), size: entry.size,
                                                isDirectory: entry.isDirectory)
        }
        #expect(ours == theirs, "ISOImage vs \(isoinfo.joined(separator: " "))")
        for (path, file) in ours where !file.isDirectory {
            let peer = try Peer.run(extract(path))
            let entry = try image.entry(at: path, namespace: namespace)
            #expect(Array(peer.stdoutData) == (try image.read(entry)), "\(path) via isoinfo -x")
        }
    }
}

extension ISODirectoryTree {
    /// The path made of recorded identifiers (`/EFI/BOOT/BOOT.CFG;1`), as isoinfo prints it.
    func pathOfIdentifiers(_ entry: ISOEntry) -> String {
        var parts: [String] = []
        var current = entry
        while current.index != 0 {
            parts.append(current.identifier)
            current = entries[current.parent]
        }
        return "/" + parts.reversed().joined(separator: "/")
    }
}

@Suite("ISOImage reports what an in-place editor must not silently mishandle")
struct ReportedFeaturesTests {
    @Test("ISO 9660:1999 enhanced descriptors and a UDF bridge (genisoimage -iso-level 4 -udf)")
    func enhancedAndUDF() throws {
        let genisoimage = try Peer.tool("genisoimage")
        let dir = try TemporaryDirectory()
        let (root, _) = try TestImages.makePeerSourceTree(in: dir)
        let path = dir.file("udf.iso")
        let run = try Peer.run([genisoimage, "-quiet", "-iso-level", "4", "-udf", "-o", path, root])
        try #require(run.status == 0, "\(run.stderr)")
        let image = try ISOImage(path: path)
        #expect(image.otherSupplementaryDescriptors.contains { $0.isEnhanced })
        #expect(image.descriptors.contains { $0.kind == "enhanced (ISO 9660:1999)" && $0.version == 2 })
        #expect(image.udfRecognition.isUDFBridge)
        #expect(image.udfRecognition.descriptors.map(\.identifier).starts(with: ["BEA01", "NSR02"]))
        #expect(image.extensions.contains("UDF bridge"))
        #expect(!image.systemArea.hasMasterBootRecord)
    }

    @Test("an isohybrid MBR and GPT in the system area (xorriso -isohybrid-mbr -isohybrid-gpt-basdat)")
    func hybrid() throws {
        let xorriso = try Peer.tool("xorriso")
        let mbr = try Peer.file(["/usr/lib/ISOLINUX/isohdpfx.bin"], package: "isolinux")
        let dir = try TemporaryDirectory()
        let (root, _) = try TestImages.makePeerSourceTree(in: dir)
        let path = dir.file("hybrid.iso")
        let run = try Peer.run([xorriso, "-as", "mkisofs", "-quiet", "-isohybrid-mbr", mbr]
                               + ReadPeerBuiltImagesTests.bootArguments + ["-isohybrid-gpt-basdat", "-o", path, root])
        try #require(run.status == 0, "\(run.stderr)")
        let image = try ISOImage(path: path)
        #expect(image.systemArea.hasMasterBootRecord)
        #expect(image.systemArea.hasGUIDPartitionTable)
        #expect(image.bootImages.map(\.entry.platform) == [.x86, .efi])
        let plain = try TestImages.buildESXiLike(in: dir, joliet: false, rockRidge: false)
        let esxiLike = try ISOImage(path: plain.path)
        #expect(esxiLike.systemArea.isZero && esxiLike.extensions == ["El Torito"])
    }
}
