/// A supplementary (version 1) or enhanced (version 2, ISO 9660:1999) volume descriptor
/// (ECMA-119 §8.5), type 2. Joliet is a supplementary descriptor whose escape sequences name UCS-2
/// (`%/@` level 1, `%/C` level 2, `%/E` level 3) and whose identifiers are UCS-2 big-endian.
///
/// The layout is the primary descriptor's (see `PrimaryVolumeDescriptor`) with two differences:
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 7 | header: type 2, `CD001`, version 1 (supplementary) or 2 (enhanced) |
/// | 7 | 1 | volume flags: bit 0 set = an escape sequence is not registered under ISO 2375 |
/// | 88 | 32 | escape sequences (ISO 2022) naming the coded character set |
///
/// Text fields are decoded as UCS-2 when the descriptor is Joliet, else one byte per character.
public struct SupplementaryVolumeDescriptor: VolumeDescriptorBodyFields, Hashable, Sendable {
    /// Joliet's three UCS-2 levels, by escape sequence (Joliet specification §3.1).
    public enum JolietLevel: Int, Sendable, Codable {
        case level1 = 1, level2 = 2, level3 = 3

        public var escapeSequence: [UInt8] {
            switch self {
            case .level1: return [0x25, 0x2F, 0x40]
            case .level2: return [0x25, 0x2F, 0x43]
            case .level3: return [0x25, 0x2F, 0x45]
            }
        }
    }

    /// 1 supplementary, 2 enhanced (ISO 9660:1999, whose directory trees this module does not read).
    public var version: UInt8
    public var volumeFlags: UInt8
    public var escapeSequences: [UInt8]
    public var identifiers: VolumeDescriptorIdentifiers
    public var dates: VolumeDescriptorDates
    public var volumeSpaceSize: UInt32
    public var volumeSetSize: UInt16
    public var volumeSequenceNumber: UInt16
    public var logicalBlockSize: UInt16
    public var pathTables: PathTableLocations
    public var rootDirectoryRecord: DirectoryRecord
    public var fileStructureVersion: UInt8
    public var applicationUse: [UInt8]

    /// The Joliet level, when this is a version-1 descriptor whose escape sequences name UCS-2 and whose
    /// flags say they are registered.
    public var jolietLevel: JolietLevel? {
        guard version == 1, volumeFlags & 1 == 0 else { return nil }
        for level in [JolietLevel.level3, .level2, .level1]
        where escapeSequences.starts(with: level.escapeSequence) {
            return level
        }
        return nil
    }

    /// True for an ISO 9660:1999 enhanced volume descriptor.
    public var isEnhanced: Bool { version == 2 }

    /// A Joliet descriptor.
    public init(jolietLevel: JolietLevel, identifiers: VolumeDescriptorIdentifiers, dates: VolumeDescriptorDates,
                volumeSpaceSize: UInt32, pathTables: PathTableLocations, rootDirectoryRecord: DirectoryRecord) {
        self.init(version: 1, volumeFlags: 0, escapeSequences: jolietLevel.escapeSequence + [UInt8](repeating: 0, count: 29),
                  fields: VolumeDescriptorBody.Fields(identifiers: identifiers, dates: dates, volumeSpaceSize: volumeSpaceSize,
                                                      pathTables: pathTables, rootDirectoryRecord: rootDirectoryRecord))
    }

    public init(bytes: [UInt8], sector: Int64) throws {
        guard let header = VolumeDescriptorHeader(bytes: bytes), header.type == .supplementary else {
            throw ISO9660Error.invalidField(structure: "SupplementaryVolumeDescriptor", sector: sector,
                                            field: "volume descriptor type", value: "\(bytes.first ?? 0)",
                                            expected: "2 with standard identifier CD001")
        }
        guard header.version == 1 || header.version == 2 else {
            throw ISO9660Error.invalidField(structure: "SupplementaryVolumeDescriptor", sector: sector,
                                            field: "volume descriptor version", value: "\(header.version)",
                                            expected: "1 (supplementary) or 2 (enhanced)")
        }
        let escapeSequences = Array(bytes[VolumeDescriptorBody.Offset.escapeSequences..<VolumeDescriptorBody.Offset.escapeSequences + 32])
        let isJoliet = header.version == 1 && bytes[7] & 1 == 0
            && [JolietLevel.level1, .level2, .level3].contains { Array(escapeSequences.prefix(3)) == $0.escapeSequence }
        let f = try VolumeDescriptorBody.parse(bytes, sector: sector, structure: "SupplementaryVolumeDescriptor",
                                               encoding: isJoliet ? .ucs2 : .latin1)
        self.init(version: header.version, volumeFlags: bytes[7], escapeSequences: escapeSequences, fields: f)
    }

    private init(version: UInt8, volumeFlags: UInt8, escapeSequences: [UInt8], fields f: VolumeDescriptorBody.Fields) {
        self.version = version
        self.volumeFlags = volumeFlags
        self.escapeSequences = escapeSequences
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

    public var bytes: [UInt8] {
        VolumeDescriptorBody.serialise(fields, header: VolumeDescriptorHeader(type: .supplementary, version: version),
                                              flags: volumeFlags, escapeSequences: escapeSequences,
                                              encoding: jolietLevel == nil ? .latin1 : .ucs2)
    }
}
