import Foundation
@testable import ISO9660
import Testing

/// Each phase of `ISOLayout` on its own: values in, values out, with the rule it implements. The whole
/// chain is covered by the builder's peer tests (isoinfo, xorriso, 7-Zip, pycdlib, QEMU).
@Suite("ISOLayout phases")
struct LayoutPhaseTests {
    static let timestamp = ISOTimestamp(secondsSince1970: 1_700_000_000)
    static var date: RecordingDateTime { RecordingDateTime(timestamp) }

    static func builder(_ files: [String], joliet: Bool = false) throws -> ISOBuilder {
        var options = ISOBuilder.Options(volumeIdentifier: "PHASES", timestamp: timestamp)
        options.joliet = joliet
        var builder = ISOBuilder(options: options)
        for path in files { try builder.addFile(path, content: .bytes(Array(path.utf8))) }
        return builder
    }

    // MARK: file sizes

    @Test("measureFiles: bytes per file, one block for the catalog, nothing for directories; refuses a file one extent cannot hold")
    func measureFiles() throws {
        var builder = try Self.builder(["/A/B.TXT"])
        try builder.setBootCatalog(path: "/BOOT.CAT")
        let sizes = try ISOLayout.measureFiles(builder.nodes)
        #expect(sizes[builder.node(at: "/A/B.TXT")!] == 8)
        #expect(sizes[builder.node(at: "/A")!] == 0)
        #expect(sizes[builder.node(at: "/BOOT.CAT")!] == 2048)

        var big = try Self.builder([])
        try big.addFile("/BIG", content: .generated(byteCount: ISOLayout.maximumExtentBytes + 1, seed: 1))
        #expect(throws: ISO9660Error.self) { try ISOLayout.measureFiles(big.nodes) }
    }

    // MARK: boot images

    @Test("BootImages.choose: finds the boot files, refuses a catalog without an image and a boot table in a tiny BIOS image")
    func bootImages() throws {
        var builder = try Self.builder(["/EFIBOOT.IMG"])
        try builder.addFile("/ISOLINUX.BIN", content: .bytes([UInt8](repeating: 1, count: 100)))
        try builder.setBootCatalog(path: "/BOOT.CAT")
        try builder.setBIOSBootImage(path: "/ISOLINUX.BIN")
        try builder.addEFIBootImage(path: "/EFIBOOT.IMG")
        let chosen = try ISOLayout.BootImages.choose(builder: builder, sizes: try ISOLayout.measureFiles(builder.nodes))
        #expect(chosen.bios?.node == builder.node(at: "/ISOLINUX.BIN"))
        #expect(chosen.bios?.loadSectorCount == 4)
        #expect(chosen.efiNodes == [builder.node(at: "/EFIBOOT.IMG")!])
        #expect(chosen.hasElTorito)

        var catalogOnly = try Self.builder(["/A"])
        try catalogOnly.setBootCatalog(path: "/BOOT.CAT")
        #expect(throws: ISO9660Error.self) {
            try ISOLayout.BootImages.choose(builder: catalogOnly, sizes: try ISOLayout.measureFiles(catalogOnly.nodes))
        }

        var tiny = try Self.builder(["/TINY.BIN"])
        try tiny.setBIOSBootImage(path: "/TINY.BIN")
        let error = #expect(throws: ISO9660Error.self) {
            try ISOLayout.BootImages.choose(builder: tiny, sizes: try ISOLayout.measureFiles(tiny.nodes))
        }
        #expect("\(error!)".contains("boot information table"))

        var missing = try Self.builder([])
        try missing.addEFIBootImage(path: "/NOPE.IMG")
        #expect(throws: ISO9660Error.self) {
            try ISOLayout.BootImages.choose(builder: missing, sizes: try ISOLayout.measureFiles(missing.nodes))
        }
    }

    // MARK: naming

    @Test("Names.assign: 8.3 identifiers with counters on collisions (in byte order of the given names), ECMA-119 record order, Joliet UCS-2")
    func names() throws {
        let builder = try Self.builder(["/longname1.txt", "/longname2.txt", "/b.cfg", "/dir/x"], joliet: true)
        let names = try ISOLayout.Names.assign(builder.nodes, joliet: true)
        func iso(_ path: String) -> String { String(decoding: names.isoIdentifier[builder.node(at: path)!], as: UTF8.self) }
        #expect(iso("/longname1.txt") == "LONGNAME.TXT;1")
        #expect(iso("/longname2.txt") == "LONGNA01.TXT;1")
        #expect(iso("/b.cfg") == "B.CFG;1")
        #expect(iso("/dir") == "DIR")
        #expect(names.isoChildren[0].map { builder.nodes[$0].name } == ["b.cfg", "dir", "longname2.txt", "longname1.txt"])
        #expect(names.jolietIdentifier[builder.node(at: "/b.cfg")!] == [0, 0x62, 0, 0x2E, 0, 0x63, 0, 0x66, 0, 0x67])

        let plain = try ISOLayout.Names.assign(builder.nodes, joliet: false)
        #expect(plain.jolietIdentifier.allSatisfy { $0.isEmpty })
    }

    // MARK: directory list

    @Test("directoryList: breadth first with parent numbers; a ninth level is refused")
    func directoryList() throws {
        let builder = try Self.builder(["/B/Y/F", "/A/X/F", "/A/F"])
        let names = try ISOLayout.Names.assign(builder.nodes, joliet: false)
        let list = try ISOLayout.directoryList(builder.nodes, children: names.isoChildren, identifiers: names.isoIdentifier)
        #expect(list.map { String(decoding: $0.identifier, as: UTF8.self) } == ["\0", "A", "B", "X", "Y"])
        #expect(list.map(\.parentDirectory) == [0, 0, 0, 1, 2])

        let deep = try Self.builder(["/1/2/3/4/5/6/7/8/F"])
        let deepNames = try ISOLayout.Names.assign(deep.nodes, joliet: false)
        #expect(throws: ISO9660Error.self) {
            try ISOLayout.directoryList(deep.nodes, children: deepNames.isoChildren, identifiers: deepNames.isoIdentifier)
        }
    }

    // MARK: SUSP fitting

    @Test("fitSystemUse: entries that fit stay; the rest, and forced entries, go to the continuation area with room for CE")
    func fitting() {
        let short = ISOLayout.Record(target: .itself, identifier: [0], isDirectory: true,
                                     systemUse: [.sharingProtocol(SharingProtocolEntry())])
        let kept = ISOLayout.fitSystemUse(short)
        #expect(kept.continuation.isEmpty)
        #expect(kept.length == short.length)

        let forced = ISOLayout.fitSystemUse(short, forced: [.extensionsReference(.rockRidge109)])
        #expect(forced.systemUse.count == 1)
        #expect(forced.continuation.count == 1)
        #expect(forced.length == 34 + 7 + ContinuationAreaEntry.entryLength + 1)  // SP (7) + CE (28), padded to even

        // NM (185 bytes) fits beside the CE entry in the 215 bytes a 7-byte identifier leaves; PX (36) does not.
        let long = String(repeating: "n", count: 180)
        let record = ISOLayout.Record(target: .node(1), identifier: Array("N.TXT;1".utf8), isDirectory: false,
                                      systemUse: [.alternateName(AlternateNameEntry(nameBytes: Array(long.utf8))),
                                                  .posixAttributes(PosixAttributesEntry(mode: 0o100444, links: 1))])
        let fitted = ISOLayout.fitSystemUse(record)
        #expect(fitted.systemUse.count == 1)
        #expect(fitted.continuation.count == 1)
        #expect(fitted.length <= DirectoryRecord.maximumLength)
    }

    @Test("rockRidgeEntries: RR, NM split into 250-byte pieces, PX with 2 + subdirectories links, TF")
    func rockRidgeEntries() throws {
        let builder = try Self.builder(["/d/sub/f", "/" + String(repeating: "a", count: 255)])
        let entries = ISOLayout.rockRidgeEntries(for: builder.node(at: "/d")!, in: builder.nodes, named: true, date: Self.date)
        #expect(entries.count == 4)
        guard case .posixAttributes(let px) = entries[2] else { Issue.record("no PX third"); return }
        #expect(px.links == 3)
        let long = ISOLayout.rockRidgeEntries(for: builder.node(at: "/" + String(repeating: "a", count: 255))!,
                                              in: builder.nodes, named: true, date: Self.date)
        let pieces = long.compactMap { entry -> AlternateNameEntry? in
            if case .alternateName(let nm) = entry { return nm } else { return nil }
        }
        #expect(pieces.map(\.nameBytes.count) == [250, 5])
        #expect(pieces[0].flags.contains(.continue))
        #expect(!pieces[1].flags.contains(.continue))
    }

    // MARK: records and sizes

    @Test("directorySize and recordOffset: a record that would cross a block starts the next block")
    func directorySize() {
        #expect(ISOLayout.recordOffset(after: 2000, length: 48) == 2000)
        #expect(ISOLayout.recordOffset(after: 2001, length: 48) == 2048)
        #expect(ISOLayout.directorySize(recordLengths: [34, 34]) == 2048)
        // 34 + 34 + 39 × 50 = 2018 bytes fit one block; a 40th record would end at 2068 and moves to block 2.
        #expect(ISOLayout.directorySize(recordLengths: [34, 34] + Array(repeating: 50, count: 39)) == 2048)
        #expect(ISOLayout.directorySize(recordLengths: [34, 34] + Array(repeating: 50, count: 40)) == 4096)
    }

    @Test("planRecords: dot, dotdot, then the children in order; Rock Ridge only when asked; sizes in whole blocks")
    func planRecords() throws {
        let builder = try Self.builder(["/B", "/A"])
        let names = try ISOLayout.Names.assign(builder.nodes, joliet: false)
        let list = try ISOLayout.directoryList(builder.nodes, children: names.isoChildren, identifiers: names.isoIdentifier)
        let plain = ISOLayout.planRecords(list, nodes: builder.nodes, children: names.isoChildren,
                                          identifiers: names.isoIdentifier, rockRidge: nil)
        #expect(plain[0].records.map(\.identifier) == [[0], [1], Array("A.;1".utf8), Array("B.;1".utf8)])
        #expect(plain[0].records.allSatisfy { $0.systemUse.isEmpty })
        #expect(plain[0].size == 2048)
        let rr = ISOLayout.planRecords(list, nodes: builder.nodes, children: names.isoChildren,
                                       identifiers: names.isoIdentifier, rockRidge: Self.date)
        guard case .sharingProtocol = rr[0].records[0].systemUse.first else { Issue.record("root . lacks SP"); return }
        #expect(!rr[0].records[0].continuation.isEmpty, "the root's ER goes to a continuation area")
    }

    // MARK: continuation areas

    @Test("packContinuationAreas: areas packed into blocks without crossing one")
    func continuationPacking() {
        func record(_ bytes: Int) -> ISOLayout.Record {
            // An `other` entry of `bytes` bytes: 4 header bytes plus data.
            ISOLayout.Record(target: .itself, identifier: [0], isDirectory: true,
                             continuation: [.other(signature: "ZZ", version: 1, data: [UInt8](repeating: 0, count: bytes - 4))])
        }
        var directories = [ISOLayout.Directory(node: 0, parentDirectory: 0, identifier: [0],
                                               records: [record(1000), record(1000), record(100), record(10)])]
        directories[0].records.insert(ISOLayout.Record(target: .parent, identifier: [1], isDirectory: true), at: 1)
        let blocks = ISOLayout.packContinuationAreas(&directories)
        #expect(blocks == 2)
        let slots = directories[0].records.map { $0.continuationSlot.map { [$0.block, $0.offset] } }
        #expect(slots == [[0, 0], nil, [0, 1000], [1, 0], [1, 100]])
        #expect(ISOLayout.continuationAreaBlocks(directories, count: blocks, at: 40).map(\.0) == [40])
        #expect(ISOLayout.continuationAreaBlocks(directories, count: 0, at: 40).isEmpty)
    }

    // MARK: block allocation

    @Test("BlockAllocator: consecutive blocks from 16, whole blocks for bytes, refuses to pass 2^32 blocks")
    func allocator() throws {
        var blocks = ISOLayout.BlockAllocator()
        #expect(try blocks.allocate(1) == 16)
        #expect(try blocks.allocate(bytes: 2049) == 17)
        #expect(try blocks.allocate(bytes: 0) == 19)
        #expect(try blocks.allocate(1) == 19)
        #expect(throws: ISO9660Error.self) { try blocks.allocate(Int64(UInt32.max)) }
        #expect(blocks.next == 20)
    }

    @Test("Allocation: descriptors, path tables, directories, continuation areas, catalog, boot images, files, in that order")
    func allocation() throws {
        var builder = try Self.builder(["/Z.TXT", "/A/B.TXT"], joliet: true)
        try builder.addFile("/EFIBOOT.IMG", content: .bytes([UInt8](repeating: 0, count: 4096)))
        try builder.setBootCatalog(path: "/BOOT.CAT")
        try builder.addEFIBootImage(path: "/EFIBOOT.IMG")
        let sizes = try ISOLayout.measureFiles(builder.nodes)
        let boot = try ISOLayout.BootImages.choose(builder: builder, sizes: sizes)
        let names = try ISOLayout.Names.assign(builder.nodes, joliet: true)
        var primary = try ISOLayout.directoryList(builder.nodes, children: names.isoChildren, identifiers: names.isoIdentifier)
        var joliet = try ISOLayout.directoryList(builder.nodes, children: names.jolietChildren, identifiers: names.jolietIdentifier)
        primary = ISOLayout.planRecords(primary, nodes: builder.nodes, children: names.isoChildren,
                                        identifiers: names.isoIdentifier, rockRidge: nil)
        joliet = ISOLayout.planRecords(joliet, nodes: builder.nodes, children: names.jolietChildren,
                                       identifiers: names.jolietIdentifier, rockRidge: nil)
        let a = try ISOLayout.Allocation.allocate(nodes: builder.nodes, sizes: sizes, boot: boot, primary: &primary,
                                                  joliet: &joliet, isoChildren: names.isoChildren,
                                                  continuationBlocks: 0, minimumImageByteCount: 1 << 20)
        #expect(a.primaryVolumeDescriptor == 16)
        #expect(a.bootRecord == 17)
        #expect(a.jolietVolumeDescriptor == 18)
        #expect(a.terminator == 19)
        #expect([a.primaryPathTables.typeL, a.primaryPathTables.typeM, a.jolietPathTables.typeL, a.jolietPathTables.typeM]
                    == [20, 21, 22, 23])
        #expect(primary.map(\.extent) == [24, 25])
        #expect(joliet.map(\.extent) == [26, 27])
        #expect(a.continuationAreas == 28)
        #expect(a.bootCatalog == 28)
        #expect(a.extents[builder.node(at: "/EFIBOOT.IMG")!] == 29)
        #expect(a.extents[builder.node(at: "/BOOT.CAT")!] == 28)
        // Breadth first in record order after the boot image: /Z.TXT (root), then /A/B.TXT.
        #expect(a.extents[builder.node(at: "/Z.TXT")!] == 31)
        #expect(a.extents[builder.node(at: "/A/B.TXT")!] == 32)
        #expect(a.writes.map(\.extent) == [29, 31, 32])
        #expect(a.volumeSpaceSize == 512, "padded to the 1 MiB minimum")
        #expect(try ISOLayout.Allocation.volumeSpaceSize(end: 600, minimumImageByteCount: 1 << 20) == 600)
        #expect(throws: ISO9660Error.self) {
            try ISOLayout.Allocation.volumeSpaceSize(end: 600, minimumImageByteCount: Int64(UInt32.max) * 4096)
        }
    }

    // MARK: path tables

    @Test("pathTableBytes: records in directory-list order, numbered from 1, padded to whole blocks")
    func pathTables() {
        let directories = [ISOLayout.Directory(node: 0, parentDirectory: 0, identifier: [0], extent: 24),
                           ISOLayout.Directory(node: 1, parentDirectory: 0, identifier: Array("EFI".utf8), extent: 25)]
        let little = ISOLayout.pathTableBytes(directories, .typeL)
        #expect(little.count == 2048)
        #expect(Array(little[0..<10]) == [1, 0, 24, 0, 0, 0, 1, 0, 0, 0])
        #expect(Array(little[10..<21]) == [3, 0, 25, 0, 0, 0, 1, 0, 0x45, 0x46, 0x49])
        let big = ISOLayout.pathTableBytes(directories, .typeM)
        #expect(Array(big[10..<18]) == [3, 0, 0, 0, 0, 25, 0, 1])
    }

    // MARK: El Torito catalog

    @Test("bootCatalog: BIOS initial entry with EFI images in one final 0xEF section, or the first EFI image as initial entry")
    func bootCatalog() throws {
        let both = try ISOLayout.bootCatalog(bios: (4, 30), efi: [(1_474_560, 31)])
        #expect(both.validationEntry.platform == .x86)
        #expect(both.initialEntry.sectorCount == 4)
        #expect(both.initialEntry.loadRBA == 30)
        #expect(both.sections.count == 1)
        #expect(both.sections[0].header.isFinal)
        #expect(both.sections[0].entries.map(\.sectorCount) == [2880])
        #expect(both.sections[0].entries.map(\.loadRBA) == [31])

        let efiOnly = try ISOLayout.bootCatalog(bios: nil, efi: [(4096, 40)])
        #expect(efiOnly.validationEntry.platform == .efi)
        #expect(efiOnly.initialEntry.loadRBA == 40)
        #expect(efiOnly.initialEntry.sectorCount == 8)
        #expect(efiOnly.sections.isEmpty)

        #expect(ISOLayout.efiSectorCount(byteCount: 65535 * 512) == 65535)
        #expect(ISOLayout.efiSectorCount(byteCount: 65535 * 512 + 1) == 0)
        #expect(throws: ISO9660Error.self) {
            try ISOLayout.bootCatalog(bios: (4, 30), efi: Array(repeating: (4096, 31), count: 62))
        }
        #expect(try ISOLayout.bootCatalog(bios: (4, 30), efi: Array(repeating: (4096, 31), count: 61)).bytes.count <= 2048)
    }
}

/// The phases of `ImageEditPlanner.finish()` that are values: the sector overlay, the path-table edit and
/// the in-place volume descriptor fields. The planner as a whole is covered by `ImageEditTests` against
/// isoinfo, xorriso, 7-Zip and pycdlib.
@Suite("ImageEdit phases")
struct ImageEditPhaseTests {
    static func source(sectors: Int, tail: Int = 0) -> ByteArraySectorSource {
        var bytes: [UInt8] = []
        for sector in 0..<sectors { bytes += [UInt8](repeating: UInt8(sector + 1), count: 2048) }
        bytes += [UInt8](repeating: 0xEE, count: tail)
        return ByteArraySectorSource(bytes)
    }

    @Test("SectorOverlay: reads see written sectors over the source, zeros past its end; patches read-modify-write")
    func overlayReadsAndWrites() throws {
        var overlay = SectorOverlay(source: Self.source(sectors: 3, tail: 100), sourceSectorCount: 4)
        overlay.write([UInt8](repeating: 9, count: 2049), at: 1)
        #expect(overlay.sectorNumbers == [1, 2])
        let read = try overlay.read(0, count: 6)
        #expect(read.count == 6 * 2048)
        #expect(read[0] == 1 && read[2047] == 1)
        #expect(read[2048] == 9 && read[4096] == 9 && read[4097] == 0, "the written tail sector is zero-filled")
        #expect(read[3 * 2048] == 0xEE && read[3 * 2048 + 100] == 0, "the source's short last sector is zero-padded")
        #expect(read[5 * 2048] == 0, "past the source: zeros")
        try overlay.patch(sector: 0, offset: 10, [7, 7])
        let patched = try overlay.read(0, count: 1)
        #expect(Array(patched[9..<13]) == [1, 7, 7, 1])
    }

    @Test("SectorOverlay.withoutUnchangedSectors keeps only sectors that differ from the source, and appended ones")
    func overlayDropsUnchanged() throws {
        var overlay = SectorOverlay(source: Self.source(sectors: 3), sourceSectorCount: 3)
        overlay.write([UInt8](repeating: 2, count: 2048), at: 1)   // what sector 1 already holds
        overlay.write([UInt8](repeating: 5, count: 2048), at: 2)
        overlay.write([UInt8](repeating: 0, count: 2048), at: 3)   // appended, kept even though zero
        let reduced = try overlay.withoutUnchangedSectors()
        #expect(reduced.sectorNumbers == [2, 3])
        #expect(reduced.patches.map(\.offset) == [4096, 6144])
    }

    @Test("pathTableExtentEdits: the moved directory's extent field, in the table's byte order, across a block boundary")
    func pathTableEdit() throws {
        // The second record starts at 2044 of the table, so its extent field (record offset 2) is 2046..2049:
        // two bytes at the end of the table's first block, two at the start of the next.
        let records = [PathTableRecord(extent: 20, parentDirectoryNumber: 1, directoryIdentifier: [0]),
                       PathTableRecord(extent: 21, parentDirectoryNumber: 1, directoryIdentifier: Array("A".utf8))]
        let little = ISOImage.PathTable(tree: .iso9660, byteOrder: .typeL, location: 30, size: 2054, records: records,
                                        recordOffsets: [0, 2044])
        let edits = ImageEditPlanner.pathTableExtentEdits(little, newExtents: [21: 0x0102_0304])
        #expect(edits.map(\.sector) == [30, 30, 31, 31])
        #expect(edits.map(\.offset) == [2046, 2047, 0, 1])
        #expect(edits.map(\.byte) == [0x04, 0x03, 0x02, 0x01])
        let big = ISOImage.PathTable(tree: .iso9660, byteOrder: .typeM, location: 40, size: 20, records: records,
                                     recordOffsets: [0, 10])
        let bigEdits = ImageEditPlanner.pathTableExtentEdits(big, newExtents: [21: 0x0102_0304])
        #expect(bigEdits.map(\.sector) == [40, 40, 40, 40])
        #expect(bigEdits.map(\.offset) == [12, 13, 14, 15])
        #expect(bigEdits.map(\.byte) == [0x01, 0x02, 0x03, 0x04])
        #expect(ImageEditPlanner.pathTableExtentEdits(big, newExtents: [99: 5]).isEmpty)
    }

    @Test("VolumeDescriptorBody: the fields an edit rewrites in place parse back as written, other bytes untouched")
    func volumeDescriptorFields() throws {
        let root = DirectoryRecord(extent: 20, dataLength: 2048, recordingDate: RecordingDateTime(ISOTimestamp(secondsSince1970: 0)),
                                   flags: .directory, fileIdentifier: [0])
        var identifiers = VolumeDescriptorIdentifiers()
        identifiers.volumeIdentifier = "EDIT"
        let pvd = PrimaryVolumeDescriptor(identifiers: identifiers, dates: VolumeDescriptorDates(), volumeSpaceSize: 100,
                                          pathTables: PathTableLocations(size: 10, typeL: 18, typeM: 19), rootDirectoryRecord: root)
        var bytes = pvd.bytes
        VolumeDescriptorBody.putVolumeSpaceSize(&bytes, 500)
        VolumeDescriptorBody.putRootDirectory(&bytes, extent: 400, dataLength: 4096)
        let tables = PathTableLocations(size: 30, typeL: 401, typeM: 403, optionalTypeL: 402, optionalTypeM: 404)
        VolumeDescriptorBody.putPathTables(&bytes, tables)
        var expected = pvd
        expected.volumeSpaceSize = 500
        expected.rootDirectoryRecord = root.with(extent: 400, dataLength: 4096)
        expected.pathTables = tables
        #expect(bytes == expected.bytes)
        #expect(try PrimaryVolumeDescriptor(bytes: bytes).pathTables == tables)
    }

    @Test("BootEntryFields: the initial and section entries share one parse and one serialisation of their first 12 bytes")
    func bootEntryFields() throws {
        let fields = BootEntryFields(isBootable: true, mediaByte: 0x20, loadSegment: 0x7C0, systemType: 6, sectorCount: 4,
                                     loadRBA: 0x0102_0304)
        let bytes = fields.bytes
        #expect(Array(bytes[0..<12]) == [0x88, 0x20, 0xC0, 0x07, 6, 0, 4, 0, 4, 3, 2, 1])
        #expect(try BootEntryFields(bytes: bytes, offset: 0, sector: 0, structure: "X") == fields)
        #expect(try InitialEntry(bytes: bytes, sector: 0).bytes == bytes)
        var section = bytes
        section[12] = 1
        section[13] = 0x55
        let parsed = try SectionEntry(bytes: section, sector: 0)
        #expect(parsed.bytes == section)
        #expect(parsed.hasExtensions)
        #expect(parsed.loadRBA == 0x0102_0304)
        var bad = bytes
        bad[0] = 0x44
        let error = #expect(throws: ISO9660Error.self) { try SectionEntry(bytes: bad, sector: 7) }
        #expect("\(error!)".contains("SectionEntry"))
        #expect(throws: ISO9660Error.self) { try InitialEntry(bytes: Array(bytes.prefix(20)), sector: 7) }
    }
}
