/// The first 12 bytes that the initial/default entry (El Torito 1.0 §2.2) and a section entry (§2.4) share,
/// parsed and serialised in one place.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 1 | boot indicator: 0x88 bootable, 0x00 not bootable |
/// | 1 | 1 | boot media type (`BootMediaType`, bits 0–3; in a section entry bit 5: extensions follow) |
/// | 2 | 2 | load segment, little-endian (0 means the traditional 0x7C0) |
/// | 4 | 1 | system type (partition type byte for hard-disk emulation) |
/// | 5 | 1 | unused (0) |
/// | 6 | 2 | sector count: 512-byte virtual sectors loaded at boot, little-endian |
/// | 8 | 4 | load RBA: the image's logical block, little-endian |
public struct BootEntryFields: Hashable, Sendable {
    public static let bootable: UInt8 = 0x88
    /// Both entries are 32 bytes long.
    static let entryLength = 32

    public var isBootable: Bool
    /// The whole media byte as stored; bits 0–3 are the media type.
    public var mediaByte: UInt8
    public var loadSegment: UInt16
    public var systemType: UInt8
    public var sectorCount: UInt16
    public var loadRBA: LogicalBlockAddress

    init(isBootable: Bool, mediaByte: UInt8, loadSegment: UInt16, systemType: UInt8, sectorCount: UInt16,
         loadRBA: LogicalBlockAddress) {
        self.isBootable = isBootable
        self.mediaByte = mediaByte
        self.loadSegment = loadSegment
        self.systemType = systemType
        self.sectorCount = sectorCount
        self.loadRBA = loadRBA
    }

    /// Parses the shared fields of the 32-byte entry at `offset`; `structure` names it in errors.
    init(bytes: [UInt8], offset: Int, sector: Int64, structure: String) throws {
        guard offset + Self.entryLength <= bytes.count else {
            throw ISO9660Error.truncated(structure: structure, sector: sector, neededBytes: Int64(offset + Self.entryLength),
                                         imageBytes: Int64(bytes.count))
        }
        guard bytes[offset] == Self.bootable || bytes[offset] == 0 else {
            throw ISO9660Error.invalidField(structure: structure, sector: sector, field: "boot indicator",
                                            value: "0x" + String(bytes[offset], radix: 16), expected: "0x88 or 0x00")
        }
        self.isBootable = bytes[offset] == Self.bootable
        self.mediaByte = bytes[offset + 1]
        self.loadSegment = ByteFields.le16(bytes, offset + 2)
        self.systemType = bytes[offset + 4]
        self.sectorCount = ByteFields.le16(bytes, offset + 6)
        self.loadRBA = LogicalBlockAddress(ByteFields.le32(bytes, offset + 8))
    }

    /// A 32-byte entry holding these fields, the rest zero.
    var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.entryLength)
        b[0] = isBootable ? Self.bootable : 0
        b[1] = mediaByte
        ByteFields.putLE16(&b, 2, loadSegment)
        b[4] = systemType
        ByteFields.putLE16(&b, 6, sectorCount)
        ByteFields.putLE32(&b, 8, loadRBA.rawValue)
        return b
    }
}

/// An initial/default or section entry of a boot catalog: the fields they share, read through `fields`.
public protocol ElToritoBootEntry {
    var fields: BootEntryFields { get }
}

extension ElToritoBootEntry {
    public var isBootable: Bool { fields.isBootable }
    public var mediaByte: UInt8 { fields.mediaByte }
    public var loadSegment: UInt16 { fields.loadSegment }
    public var systemType: UInt8 { fields.systemType }
    public var sectorCount: UInt16 { fields.sectorCount }
    public var loadRBA: LogicalBlockAddress { fields.loadRBA }
    public var mediaType: BootMediaType? { BootMediaType(rawValue: fields.mediaByte & 0x0F) }
}
