import Foundation
@testable import ISO9660
import Testing
import TestSupport

/// bytes → parse → serialise → the same bytes, for every on-disk structure, on bytes written by
/// genisoimage (an independent writer) and by hand-built values for entries peers do not write.
@Suite("On-disk structures round-trip")
struct StructureRoundTripTests {
    /// A genisoimage -J -R image with BIOS+EFI El Torito, and the reader over it.
    static func peerImage(_ dir: TemporaryDirectory) throws -> ISOImage {
        let genisoimage = try Peer.tool("genisoimage")
        let (root, _) = try TestImages.makePeerSourceTree(in: dir)
        let deep = root + "/deep/1/2/3/4/5/6/7/8"
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: deep + "/f"))
        let path = dir.file("peer.iso")
        let run = try Peer.run([genisoimage, "-quiet", "-J", "-R"] + ReadPeerBuiltImagesTests.bootArguments + ["-o", path, root])
        try #require(run.status == 0, "\(run.stderr)")
        return try ISOImage(path: path)
    }

    func block(_ image: ISOImage, _ lba: LogicalBlockAddress) throws -> [UInt8] {
        try image.source.read(at: lba.byteOffset, count: 2048)
    }

    @Test("volume descriptors: primary, Joliet supplementary, boot record, terminator")
    func volumeDescriptors() throws {
        let dir = try TemporaryDirectory()
        let image = try Self.peerImage(dir)
        let pvd = try block(image, 16)
        #expect(try PrimaryVolumeDescriptor(bytes: pvd, sector: 16).bytes == pvd)
        let svd = try block(image, image.jolietVolumeDescriptorSector!)
        let parsed = try SupplementaryVolumeDescriptor(bytes: svd, sector: 18)
        #expect(parsed.jolietLevel == .level3)
        #expect(parsed.bytes == svd)
        let br = try block(image, image.bootRecordSector!)
        #expect(try BootRecord(bytes: br, sector: 17).bytes == br)
        let terminatorSector = image.descriptors.first { $0.type == .terminator }!.sector
        let terminator = try block(image, terminatorSector)
        #expect(try VolumeDescriptorSetTerminator(bytes: terminator, sector: 19).bytes == terminator)
        let created = Array(pvd[813..<830])
        #expect(VolumeDescriptorDateTime(bytes: created)?.bytes == created)
        #expect(VolumeDescriptorDateTime.unspecified.bytes == Array("0000000000000000".utf8) + [0])
    }

    @Test("every directory record of the primary and Joliet trees, and its recording date")
    func directoryRecords() throws {
        let dir = try TemporaryDirectory()
        let image = try Self.peerImage(dir)
        var count = 0
        for tree in [image.primaryTree, image.jolietTree!] {
            for entry in tree.entries {
                let locations = entry.recordLocations + [entry.selfRecordLocation, entry.parentRecordLocation].compactMap { $0 }
                for location in locations {
                    let raw = try image.source.read(at: location.absoluteByteOffset, count: location.recordLength)
                    let record = try DirectoryRecord(bytes: raw, sector: Int64(location.sector.rawValue))
                    #expect(record.bytes == raw, "record at \(location)")
                    #expect(record.recordingDate.bytes == Array(raw[18..<25]))
                    count += 1
                }
            }
        }
        #expect(count > 40)
    }

    @Test("System Use areas: SP, RR, NM, PX, TF, CE, ER, RE, CL, PL as genisoimage writes them")
    func systemUseAreas() throws {
        let dir = try TemporaryDirectory()
        let image = try Self.peerImage(dir)
        var signatures = Set<String>()
        for entry in image.primaryTree.entries {
            for location in entry.recordLocations + [entry.selfRecordLocation, entry.parentRecordLocation].compactMap({ $0 }) {
                let raw = try image.source.read(at: location.absoluteByteOffset, count: location.recordLength)
                let record = try DirectoryRecord(bytes: raw, sector: 0)
                // Writers pad the area with a zero byte to an even record length; the entries end before it.
                var area = record.systemUse
                while area.last == 0, SystemUseEntry.bytes(try SystemUseEntry.parseArea(area, sector: 0)).count < area.count {
                    area.removeLast()
                }
                let entries = try SystemUseEntry.parseArea(area, sector: 0)
                #expect(SystemUseEntry.bytes(entries) == area)
                signatures.formUnion(entries.map(\.signature))
            }
            for ce in entry.continuationAreas {
                let raw = try image.source.read(at: ce.block.byteOffset + Int64(ce.offset), count: Int(ce.length))
                let entries = try SystemUseEntry.parseArea(raw, sector: 0)
                #expect(SystemUseEntry.bytes(entries) == raw)
                signatures.formUnion(entries.map(\.signature))
            }
        }
        #expect(signatures.isSuperset(of: ["SP", "RR", "NM", "PX", "TF", "CE", "ER", "RE", "CL", "PL"]), "\(signatures)")
    }

    @Test("SUSP and RRIP entries built from values: bytes → parse → the same entry and bytes")
    func constructedEntries() throws {
        let stamp = RecordingDateTime(TestImages.timestamp)
        let entries: [SystemUseEntry] = [
            .sharingProtocol(SharingProtocolEntry(bytesSkipped: 0)),
            .continuationArea(ContinuationAreaEntry(block: 40, offset: 100, length: 237)),
            .extensionsReference(.rockRidge109),
            .posixAttributes(PosixAttributesEntry(mode: 0o100644, links: 1, userID: 1000, groupID: 100)),
            .posixAttributes(PosixAttributesEntry(mode: 0o040755, links: 3, serialNumber: 77)),
            .alternateName(AlternateNameEntry(flags: [.continue], nameBytes: Array("a long ".utf8))),
            .alternateName(AlternateNameEntry(nameBytes: Array("name".utf8))),
            .timestamps(TimestampsEntry(shortForm: [.creation: stamp, .modify: stamp])),
            .symbolicLink(SymbolicLinkEntry(components: [.init(flags: .root), .init(flags: [], content: Array("usr".utf8)),
                                                         .init(flags: .parent), .init(flags: [], content: Array("lib".utf8))])),
            .childLink(ChildLinkEntry(childDirectory: 1234)),
            .parentLink(ParentLinkEntry(parentDirectory: 29)),
            .relocatedDirectory,
            .rockRidgeFields(RockRidgeFieldsEntry(fields: [.posixAttributes, .alternateName, .timestamps])),
            .padding(count: 3),
            .other(signature: "ZF", version: 1, data: [0x70, 0x7A, 0x0F, 0x11, 0, 0, 0, 1]),
            .terminator,
        ]
        let bytes = SystemUseEntry.bytes(entries)
        let parsed = try SystemUseEntry.parseArea(bytes, sector: 0)
        #expect(parsed == entries)
        #expect(SystemUseEntry.bytes(parsed) == bytes)
        var targets: [SymbolicLinkEntry] = []
        for case .symbolicLink(let sl) in parsed { targets.append(sl) }
        #expect(SymbolicLinkEntry.target(of: targets) == "/usr/../lib")
        // A TF in the 17-byte long form.
        let longForm: [UInt8] = Array("TF".utf8) + [5 + 17, 1, 0x82] + VolumeDescriptorDateTime.date(TestImages.timestamp).bytes
        let tf = try SystemUseEntry.parseArea(longForm, sector: 0)
        #expect(SystemUseEntry.bytes(tf) == longForm)
    }

    @Test("path tables L and M, primary and Joliet")
    func pathTables() throws {
        let dir = try TemporaryDirectory()
        let image = try Self.peerImage(dir)
        #expect(image.pathTables.count == 4)
        for table in image.pathTables {
            let raw = try image.source.read(at: table.location.byteOffset, count: Int(table.size))
            #expect(table.records.flatMap { $0.bytes(table.byteOrder) } == raw, "\(table.tree) \(table.byteOrder)")
            for (record, offset) in zip(table.records, table.recordOffsets) {
                #expect(try PathTableRecord(bytes: raw, offset: offset, byteOrder: table.byteOrder, sector: 0) == record)
            }
        }
    }

    @Test("El Torito: catalog, validation, initial, section header and section entries, boot info table")
    func elTorito() throws {
        let dir = try TemporaryDirectory()
        let image = try Self.peerImage(dir)
        let raw = try block(image, image.bootRecord!.bootCatalog!)
        let catalog = try BootCatalog(bytes: raw, sector: 0)
        #expect(catalog.bytes == raw)
        #expect(try ValidationEntry(bytes: Array(raw[0..<32]), sector: 0).bytes == Array(raw[0..<32]))
        #expect(catalog.validationEntry.checksumIsValid)
        #expect(ValidationEntry(platform: .efi, idString: "vmedia").checksumIsValid)
        #expect(try InitialEntry(bytes: raw, offset: 32, sector: 0).bytes == Array(raw[32..<64]))
        #expect(try SectionHeaderEntry(bytes: raw, offset: 64, sector: 0).bytes == Array(raw[64..<96]))
        #expect(try SectionEntry(bytes: raw, offset: 96, sector: 0).bytes == Array(raw[96..<128]))
        #expect(catalog.sections.first?.header.platform == .efi)
        let bios = try #require(image.bootImages.first)
        let head = try image.source.read(at: bios.entry.loadRBA.byteOffset, count: 64)
        let table = try #require(bios.bootInfoTable)
        #expect(table.bytes == Array(head[8..<64]))
        #expect(try BootInfoTable(fileHead: head, sector: 0) == table)
    }

    @Test("ISOTimestamp converts seconds since 1970 both ways")
    func timestamps() {
        let cases: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00Z"), (1_700_000_000, "2023-11-14T22:13:20Z"),
            (951_782_400, "2000-02-29T00:00:00Z"), (4_102_444_799, "2099-12-31T23:59:59Z"), (-1, "1969-12-31T23:59:59Z"),
        ]
        for (seconds, text) in cases {
            let t = ISOTimestamp(secondsSince1970: seconds)
            #expect(t.description == text)
            #expect(t.secondsSince1970 == seconds)
            #expect(VolumeDescriptorDateTime(bytes: VolumeDescriptorDateTime.date(t).bytes) == .date(t))
        }
        let east = ISOTimestamp(year: 2024, month: 1, day: 1, hour: 2, gmtOffset: 8)  // UTC+2
        #expect(east.secondsSince1970 == ISOTimestamp(year: 2024, month: 1, day: 1).secondsSince1970)
        #expect(RecordingDateTime(bytes: RecordingDateTime(east).bytes).timestamp == east)
    }
}
