/// The primary volume descriptor (ECMA-119 §8.4), type 1, conventionally at logical block 16.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 7 | header: type 1, `CD001`, version 1 |
/// | 7 | 1 | unused (0) |
/// | 8 | 32 | system identifier (a-characters) |
/// | 40 | 32 | volume identifier (d-characters) |
/// | 72 | 8 | unused (0) |
/// | 80 | 8 | volume space size in logical blocks, both-byte orders 32 |
/// | 88 | 32 | unused (0); escape sequences in a supplementary descriptor |
/// | 120 | 4 | volume set size, both-byte orders 16 |
/// | 124 | 4 | volume sequence number, both-byte orders 16 |
/// | 128 | 4 | logical block size, both-byte orders 16 (2048) |
/// | 132 | 8 | path table size in bytes, both-byte orders 32 |
/// | 140 | 4 | location of the Type L path table, little-endian |
/// | 144 | 4 | location of the optional Type L path table, little-endian |
/// | 148 | 4 | location of the Type M path table, big-endian |
/// | 152 | 4 | location of the optional Type M path table, big-endian |
/// | 156 | 34 | directory record of the root directory |
/// | 190 | 128 | volume set identifier |
/// | 318 | 128 | publisher identifier |
/// | 446 | 128 | data preparer identifier |
/// | 574 | 128 | application identifier |
/// | 702 | 37 | copyright file identifier |
/// | 739 | 37 | abstract file identifier |
/// | 776 | 37 | bibliographic file identifier |
/// | 813 | 17 | volume creation date and time (`VolumeDescriptorDateTime`) |
/// | 830 | 17 | volume modification date and time |
/// | 847 | 17 | volume expiration date and time |
/// | 864 | 17 | volume effective date and time |
/// | 881 | 1 | file structure version (1) |
/// | 882 | 1 | reserved (0) |
/// | 883 | 512 | application use |
/// | 1395 | 653 | reserved (0) |
public struct PrimaryVolumeDescriptor: VolumeDescriptorBodyFields, Hashable, Sendable {
    public var identifiers: VolumeDescriptorIdentifiers
    public var dates: VolumeDescriptorDates
    /// Every used block of the volume lies below this block count; EDK2 sizes El Torito EFI images with it.
    public var volumeSpaceSize: UInt32
    public var volumeSetSize: UInt16
    public var volumeSequenceNumber: UInt16
    public var logicalBlockSize: UInt16
    public var pathTables: PathTableLocations
    public var rootDirectoryRecord: DirectoryRecord
    public var fileStructureVersion: UInt8
    public var applicationUse: [UInt8]

    public init(identifiers: VolumeDescriptorIdentifiers, dates: VolumeDescriptorDates, volumeSpaceSize: UInt32,
                pathTables: PathTableLocations, rootDirectoryRecord: DirectoryRecord,
                volumeSetSize: UInt16 = 1, volumeSequenceNumber: UInt16 = 1, fileStructureVersion: UInt8 = 1,
                applicationUse: [UInt8] = [UInt8](repeating: 0, count: 512)) {
        self.identifiers = identifiers
        self.dates = dates
        self.volumeSpaceSize = volumeSpaceSize
        self.volumeSetSize = volumeSetSize
        self.volumeSequenceNumber = volumeSequenceNumber
        self.logicalBlockSize = 2048
        self.pathTables = pathTables
        self.rootDirectoryRecord = rootDirectoryRecord
        self.fileStructureVersion = fileStructureVersion
        self.applicationUse = applicationUse
    }

    /// Parses the descriptor in one 2048-byte block; `sector` is where it was read (for errors).
    public init(bytes: [UInt8], sector: Int64 = 16) throws {
        guard let header = VolumeDescriptorHeader(bytes: bytes), header.type == .primary else {
            throw ISO9660Error.notISO9660(detail: "sector \(sector) holds no primary volume descriptor "
                                              + "(type 1 with standard identifier CD001)")
        }
        guard header.version == 1 else {
            throw ISO9660Error.invalidField(structure: "PrimaryVolumeDescriptor", sector: sector,
                                            field: "volume descriptor version", value: "\(header.version)",
                                            expected: "1")
        }
        let f = try VolumeDescriptorBody.parse(bytes, sector: sector, structure: "PrimaryVolumeDescriptor",
                                               encoding: .latin1)
        self.init(fields: f)
    }

    init(fields f: VolumeDescriptorBody.Fields) {
        self.identifiers = f.identifiers
        self.dates = f.dates
        self.volumeSpaceSize = f.volumeSpaceSize
        self.volumeSetSize = f.volumeSetSize
        self.volumeSequenceNumber = f.volumeSequenceNumber
        self.logicalBlockSize = f.logicalBlockSize
        self.pathTables = f.pathTables
        self.rootDirectoryRecord = f.rootDirectoryRecord
        self.fileStructureVersion = f.fileStructureVersion
        self.applicationUse = f.applicationUse
    }

    /// The 2048-byte block.
    public var bytes: [UInt8] {
        VolumeDescriptorBody.serialise(fields, header: VolumeDescriptorHeader(type: .primary), flags: 0,
                                       escapeSequences: [], encoding: .latin1)
    }
}
