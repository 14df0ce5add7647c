/// A read-only view of an ISO 9660 image: its volume descriptors, directory trees (primary with Rock
/// Ridge, Joliet), path tables and El Torito boot catalog.
///
/// Opening reads only metadata through the `SectorSource` (the descriptors, the directories, the path
/// tables, the catalog and the first block of each BIOS boot image), never file data; `read(_:)` and
/// `forEachChunk(of:)` read file data on demand. Hostile input gives an `ISO9660Error`, never a crash,
/// a hang or an unbounded allocation. Problems that do not stop reading (records crossing sectors, a bad
/// catalog checksum, path tables that disagree with the tree …) are reported by `verify()`.
public struct ISOImage: Sendable {
    /// A volume descriptor as found in the descriptor set, for reports.
    public struct DescriptorSummary: Hashable, Sendable {
        public let sector: LogicalBlockAddress
        public let type: VolumeDescriptorHeader.DescriptorType
        public let version: UInt8
        /// "primary", "Joliet level 3", "supplementary", "enhanced (ISO 9660:1999)", "boot record (El Torito)",
        /// "volume partition", "terminator", "type N".
        public let kind: String
    }

    /// Rock Ridge as declared in the root directory's `.` record.
    public struct RockRidge: Hashable, Sendable {
        /// SP's LEN_SKP.
        public let bytesSkipped: UInt8
        /// The ER identifiers (`RRIP_1991A`, `IEEE_P1282`, …).
        public let extensionIdentifiers: [String]
    }

    /// One of the path tables, parsed, with each record's byte offset in the table.
    public struct PathTable: Hashable, Sendable {
        public let tree: ISONamespace
        public let byteOrder: PathTableRecord.ByteOrder
        public let location: LogicalBlockAddress
        public let size: UInt32
        public let records: [PathTableRecord]
        public let recordOffsets: [Int]
    }

    /// A boot image of the El Torito catalog, with the file that holds it when one does.
    public struct BootImage: Hashable, Sendable {
        public let entry: BootImageEntry
        /// The primary tree entry whose extent starts at the image's load RBA (nil for hidden images).
        public let file: ISOEntry?
        /// The path of `file`.
        public let path: String?
        /// The boot information table, when the image has one that points at its own block and the PVD.
        public let bootInfoTable: BootInfoTable?
    }

    /// Largest path table this reader loads (real ones are a few hundred bytes).
    public static let maximumPathTableBytes: UInt32 = 4 << 20
    /// Most volume descriptors before the terminator.
    public static let maximumVolumeDescriptors = 64

    public let source: any SectorSource
    public let descriptors: [DescriptorSummary]
    public let primaryVolumeDescriptor: PrimaryVolumeDescriptor
    public let primaryVolumeDescriptorSector: LogicalBlockAddress
    public let jolietVolumeDescriptor: SupplementaryVolumeDescriptor?
    public let jolietVolumeDescriptorSector: LogicalBlockAddress?
    /// Supplementary descriptors that are not Joliet (including ISO 9660:1999 enhanced ones): reported, not read.
    public let otherSupplementaryDescriptors: [SupplementaryVolumeDescriptor]
    public let bootRecord: BootRecord?
    public let bootRecordSector: LogicalBlockAddress?
    public let systemArea: SystemArea
    public let udfRecognition: UDFVolumeRecognition
    public let primaryTree: ISODirectoryTree
    public let jolietTree: ISODirectoryTree?
    public let rockRidge: RockRidge?
    public let pathTables: [PathTable]
    public let bootCatalog: BootCatalog?
    public let bootImages: [BootImage]
    let openProblems: [ISO9660Error]
    /// Directory entries of the primary tree by extent, to follow Rock Ridge CL links in constant time.
    let primaryDirectoryByExtent: [UInt32: Int]

    /// The volume size the primary descriptor declares, in bytes.
    public var volumeByteCount: Int64 { Int64(primaryVolumeDescriptor.volumeSpaceSize) * Int64(LogicalBlockAddress.blockSize) }

    /// Opens the image file at `path` (read-only, positional reads).
    public init(path: String) throws {
        try self.init(source: FileSectorSource(path: path))
    }

    public init(source: any SectorSource) throws {
        self.source = source
        let blockSize = Int64(LogicalBlockAddress.blockSize)
        guard source.byteCount >= 17 * blockSize else {
            throw ISO9660Error.notISO9660(detail: "the image has \(source.byteCount) bytes, fewer than the "
                                              + "\(17 * blockSize) needed for the system area and the primary volume descriptor")
        }
        var problems: [ISO9660Error] = []
        self.systemArea = SystemArea(firstBlock: try source.block(0, for: "SystemArea"))

        // The volume descriptor set (ECMA-119 §6.7.1): block 16 up to the terminator.
        var summaries: [DescriptorSummary] = []
        var primary: (PrimaryVolumeDescriptor, Int64)?
        var joliet: (SupplementaryVolumeDescriptor, Int64)?
        var others: [SupplementaryVolumeDescriptor] = []
        var boot: (BootRecord, Int64)?
        var sector: Int64 = 16
        var terminated = false
        while !terminated {
            guard summaries.count < Self.maximumVolumeDescriptors else {
                throw ISO9660Error.limitExceeded(structure: "VolumeDescriptorSetTerminator", sector: sector,
                                                 what: "number of volume descriptors before the terminator",
                                                 limit: Int64(Self.maximumVolumeDescriptors))
            }
            guard (sector + 1) * blockSize <= source.byteCount else {
                throw ISO9660Error.truncated(structure: "VolumeDescriptorSetTerminator", sector: sector,
                                             neededBytes: (sector + 1) * blockSize, imageBytes: source.byteCount)
            }
            let block = try source.block(sector, for: "VolumeDescriptorHeader")
            guard let header = VolumeDescriptorHeader(bytes: block) else {
                if sector == 16 {
                    throw ISO9660Error.notISO9660(detail: "sector 16 does not start with a volume descriptor "
                                                      + "(byte 1–5 should be CD001)")
                }
                throw ISO9660Error.invalidField(structure: "VolumeDescriptorSetTerminator", sector: sector,
                                                field: "volume descriptor",
                                                value: "a block without the CD001 standard identifier",
                                                expected: "a volume descriptor, or the set terminator (type 255) before it")
            }
            let lba = LogicalBlockAddress(UInt32(sector))
            var kind: String
            switch header.type {
            case .primary:
                let pvd = try PrimaryVolumeDescriptor(bytes: block, sector: sector)
                kind = "primary"
                if primary == nil {
                    primary = (pvd, sector)
                } else {
                    // Linux and pycdlib use the first, the ESX UEFI driver the last: two readers, two trees.
                    problems.append(.invalidField(structure: "PrimaryVolumeDescriptor", sector: sector,
                                                  field: "number of primary volume descriptors", value: "more than one",
                                                  expected: "one (the ESX UEFI driver uses the last, others the first)"))
                }
            case .supplementary:
                let svd = try SupplementaryVolumeDescriptor(bytes: block, sector: sector)
                if let level = svd.jolietLevel {
                    kind = "Joliet level \(level.rawValue)"
                    if joliet == nil { joliet = (svd, sector) } else { others.append(svd) }
                } else {
                    kind = svd.isEnhanced ? "enhanced (ISO 9660:1999)" : "supplementary"
                    others.append(svd)
                }
            case .bootRecord:
                let record = try BootRecord(bytes: block, sector: sector)
                kind = record.isElTorito ? "boot record (El Torito)" : "boot record (\(record.bootSystemIdentifier))"
                if boot == nil, record.isElTorito { boot = (record, sector) }
            case .volumePartition:
                kind = "volume partition"
            case .terminator:
                kind = "terminator"
                terminated = true
            case .other(let value):
                kind = "type \(value)"
            }
            summaries.append(DescriptorSummary(sector: lba, type: header.type, version: header.version, kind: kind))
            sector += 1
        }
        guard let (pvd, pvdSector) = primary else {
            throw ISO9660Error.notISO9660(detail: "the volume descriptor set has no primary volume descriptor")
        }
        self.descriptors = summaries
        self.primaryVolumeDescriptor = pvd
        self.primaryVolumeDescriptorSector = LogicalBlockAddress(UInt32(pvdSector))
        self.jolietVolumeDescriptor = joliet?.0
        self.jolietVolumeDescriptorSector = joliet.map { LogicalBlockAddress(UInt32($0.1)) }
        self.otherSupplementaryDescriptors = others
        self.bootRecord = boot?.0
        self.bootRecordSector = boot.map { LogicalBlockAddress(UInt32($0.1)) }
        self.udfRecognition = try Self.readUDFRecognition(source: source, after: sector)

        // Directory trees.
        var reader = DirectoryTreeReader(source: source, kind: .iso9660)
        self.primaryTree = try reader.read(rootRecord: pvd.rootDirectoryRecord, descriptorSector: pvdSector)
        problems += reader.problems
        if let sp = reader.susp {
            let identifiers = primaryTree.root.systemUseEntries.compactMap { entry -> String? in
                if case .extensionsReference(let er) = entry { return er.identifier }
                return nil
            }
            let hasRRIPEntries = primaryTree.root.systemUseEntries.contains {
                ["PX", "RR", "TF", "NM"].contains($0.signature)
            }
            self.rockRidge = identifiers.isEmpty && !hasRRIPEntries
                ? nil : RockRidge(bytesSkipped: sp.bytesSkipped, extensionIdentifiers: identifiers)
        } else {
            self.rockRidge = nil
        }
        if let (svd, svdSector) = joliet {
            var jolietReader = DirectoryTreeReader(source: source, kind: .joliet)
            self.jolietTree = try jolietReader.read(rootRecord: svd.rootDirectoryRecord, descriptorSector: svdSector)
            problems += jolietReader.problems
        } else {
            self.jolietTree = nil
        }

        // Path tables: parse problems are reported by verify(), since no reader here needs them.
        var tables: [PathTable] = []
        var locations: [(ISONamespace, PathTableLocations)] = [(.iso9660, pvd.pathTables)]
        if let svd = joliet?.0 { locations.append((.joliet, svd.pathTables)) }
        for (tree, location) in locations {
            for (order, lba) in [(PathTableRecord.ByteOrder.typeL, location.typeL), (.typeM, location.typeM)] {
                do {
                    tables.append(try Self.readPathTable(source: source, tree: tree, byteOrder: order, location: lba,
                                                         size: location.size))
                } catch let error as ISO9660Error {
                    problems.append(error)
                }
            }
        }
        self.pathTables = tables

        // El Torito.
        var catalog: BootCatalog?
        var images: [BootImage] = []
        if let (record, _) = boot, let catalogLBA = record.bootCatalog {
            do {
                let start = catalogLBA.byteOffset
                guard start + blockSize <= source.byteCount else {
                    throw ISO9660Error.extentOutsideImage(structure: "BootCatalog", sector: Int64(catalogLBA.rawValue),
                                                          extent: catalogLBA.rawValue, byteCount: blockSize,
                                                          imageBytes: source.byteCount)
                }
                // One block holds 64 entries, enough for every real catalog, and the blocks after it are
                // usually boot image data; read up to 4 only when the first block ends inside a section.
                let first = try source.read(at: start, count: Int(blockSize), for: "BootCatalog",
                                            sector: Int64(catalogLBA.rawValue))
                do {
                    catalog = try BootCatalog(bytes: first, sector: Int64(catalogLBA.rawValue))
                } catch ISO9660Error.truncated {
                    let count = Int(min(4 * blockSize, source.byteCount - start))
                    let bytes = try source.read(at: start, count: count, for: "BootCatalog", sector: Int64(catalogLBA.rawValue))
                    catalog = try BootCatalog(bytes: bytes, sector: Int64(catalogLBA.rawValue))
                }
            } catch let error as ISO9660Error {
                problems.append(error)
            }
        }
        let tree = primaryTree
        if let catalog {
            var byExtent: [UInt32: ISOEntry] = [:]
            for entry in tree.entries where !entry.isDirectory && entry.size > 0 {
                if let first = entry.firstExtent, byExtent[first.location.rawValue] == nil {
                    byExtent[first.location.rawValue] = entry
                }
            }
            for entry in catalog.bootImages {
                let file = byExtent[entry.loadRBA.rawValue]
                var table: BootInfoTable?
                if entry.platform == .x86, entry.mediaType == .noEmulation,
                   entry.loadRBA.byteOffset + 64 <= source.byteCount {
                    let head = try source.read(at: entry.loadRBA.byteOffset, count: 64, for: "BootInfoTable",
                                               sector: Int64(entry.loadRBA.rawValue))
                    let candidate = try BootInfoTable(fileHead: head, sector: Int64(entry.loadRBA.rawValue))
                    if candidate.primaryVolumeDescriptor.rawValue == UInt32(pvdSector), candidate.bootFile == entry.loadRBA {
                        table = candidate
                    }
                }
                images.append(BootImage(entry: entry, file: file, path: file.map { tree.path(of: $0) },
                                        bootInfoTable: table))
            }
        }
        self.bootCatalog = catalog
        self.bootImages = images
        self.openProblems = problems
        var directories: [UInt32: Int] = [:]
        for entry in tree.entries where entry.isDirectory {
            if let extent = entry.firstExtent?.location.rawValue, directories[extent] == nil { directories[extent] = entry.index }
        }
        self.primaryDirectoryByExtent = directories
    }

    static func readPathTable(source: any SectorSource, tree: ISONamespace, byteOrder: PathTableRecord.ByteOrder,
                              location: LogicalBlockAddress, size: UInt32) throws -> PathTable {
        let sector = Int64(location.rawValue)
        guard size <= maximumPathTableBytes else {
            throw ISO9660Error.limitExceeded(structure: "PathTableRecord", sector: sector,
                                             what: "path table size \(size)", limit: Int64(maximumPathTableBytes))
        }
        guard location.byteOffset + Int64(size) <= source.byteCount else {
            throw ISO9660Error.extentOutsideImage(structure: "PathTableRecord", sector: sector,
                                                  extent: location.rawValue, byteCount: Int64(size),
                                                  imageBytes: source.byteCount)
        }
        let bytes = try source.read(at: location.byteOffset, count: Int(size), for: "PathTableRecord", sector: sector)
        var records: [PathTableRecord] = []
        var offsets: [Int] = []
        var offset = 0
        while offset < bytes.count {
            let record = try PathTableRecord(bytes: bytes, offset: offset, byteOrder: byteOrder, sector: sector)
            records.append(record)
            offsets.append(offset)
            offset += record.length
        }
        return PathTable(tree: tree, byteOrder: byteOrder, location: location, size: size, records: records,
                         recordOffsets: offsets)
    }

    /// The UDF volume recognition sequence, if the blocks after the terminator hold one. genisoimage's
    /// "version descriptor" (zeros or `MKI …`) may sit in between and is skipped.
    static func readUDFRecognition(source: any SectorSource, after sector: Int64) throws -> UDFVolumeRecognition {
        var found: [(String, LogicalBlockAddress)] = []
        var current = sector
        let blockSize = Int64(LogicalBlockAddress.blockSize)
        while current < sector + 16, (current + 1) * blockSize <= source.byteCount {
            let head = try source.read(at: current * blockSize, count: 8, for: "UDFVolumeRecognition", sector: current)
            if let id = UDFVolumeRecognition.identifier(in: head) {
                found.append((id, LogicalBlockAddress(UInt32(current))))
                if id == "TEA01" { break }
            } else if !(found.isEmpty && current == sector) {
                break
            }
            current += 1
        }
        return UDFVolumeRecognition(descriptors: found)
    }
}
