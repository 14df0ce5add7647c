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

    /// Opens the image in phases, each a function of what the ones before it read: the system area, the
    /// volume descriptor set, the UDF recognition sequence after it, the directory trees (with Rock Ridge),
    /// the path tables, the boot catalog and the boot images it names. Problems that do not stop reading
    /// are collected in that order for `verify()`.
    public init(source: any SectorSource) throws {
        self.source = source
        try Self.checkMinimumSize(source)
        self.systemArea = SystemArea(firstBlock: try source.block(0, for: "SystemArea"))
        let set = try DescriptorSet.read(source)
        self.descriptors = set.summaries
        self.primaryVolumeDescriptor = set.primary.descriptor
        self.primaryVolumeDescriptorSector = set.primary.sector
        self.jolietVolumeDescriptor = set.joliet?.descriptor
        self.jolietVolumeDescriptorSector = set.joliet?.sector
        self.otherSupplementaryDescriptors = set.others
        self.bootRecord = set.boot?.record
        self.bootRecordSector = set.boot?.sector
        self.udfRecognition = try Self.readUDFRecognition(source: source, after: set.end)
        let trees = try Self.readTrees(source, set: set)
        self.primaryTree = trees.primary
        self.jolietTree = trees.joliet
        self.rockRidge = trees.rockRidge
        let tables = try Self.readPathTables(source, set: set)
        self.pathTables = tables.tables
        let catalog = try Self.readBootCatalog(source, bootRecord: set.boot?.record)
        self.bootCatalog = catalog.catalog
        self.bootImages = try catalog.catalog.map {
            try Self.bootImages(of: $0, in: trees.primary, source: source, primaryVolumeDescriptor: set.primary.sector)
        } ?? []
        self.openProblems = set.problems + trees.problems + tables.problems + catalog.problems
        self.primaryDirectoryByExtent = Self.directoriesByExtent(trees.primary)
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
