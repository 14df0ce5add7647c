/// The initial/default entry of a boot catalog (El Torito 1.0 §2.2), bytes 32–63 of the catalog: the
/// image a BIOS boots (ESXi: ISOLINUX.BIN, no emulation, 4 sectors).
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 1 | boot indicator: 0x88 bootable, 0x00 not bootable |
/// | 1 | 1 | boot media type (`BootMediaType`, bits 0–3) |
/// | 2 | 2 | load segment, little-endian (0 means the traditional 0x7C0) |
/// | 4 | 1 | system type (partition type byte for hard-disk emulation) |
/// | 5 | 1 | unused (0) |
/// | 6 | 2 | sector count: 512-byte virtual sectors loaded at boot, little-endian |
/// | 8 | 4 | load RBA: the image's logical block, little-endian |
/// | 12 | 20 | unused (0) |
public struct InitialEntry: Hashable, Sendable {
    public static let bootable: UInt8 = 0x88

    public let isBootable: Bool
    /// The whole media byte as stored; bits 0–3 are the media type.
    public let mediaByte: UInt8
    public let loadSegment: UInt16
    public let systemType: UInt8
    public let sectorCount: UInt16
    public let loadRBA: LogicalBlockAddress

    public var mediaType: BootMediaType? { BootMediaType(rawValue: mediaByte & 0x0F) }

    public init(isBootable: Bool = true, mediaType: BootMediaType = .noEmulation, loadSegment: UInt16 = 0,
                systemType: UInt8 = 0, sectorCount: UInt16, loadRBA: LogicalBlockAddress) {
        self.isBootable = isBootable
        self.mediaByte = mediaType.rawValue
        self.loadSegment = loadSegment
        self.systemType = systemType
        self.sectorCount = sectorCount
        self.loadRBA = loadRBA
    }

    public init(bytes: [UInt8], offset: Int = 0, sector: Int64) throws {
        guard offset + 32 <= bytes.count else {
            throw ISO9660Error.truncated(structure: "InitialEntry", sector: sector, neededBytes: Int64(offset + 32),
                                         imageBytes: Int64(bytes.count))
        }
        guard bytes[offset] == Self.bootable || bytes[offset] == 0 else {
            throw ISO9660Error.invalidField(structure: "InitialEntry", sector: sector, field: "boot indicator",
                                            value: "0x" + String(bytes[offset], radix: 16), expected: "0x88 or 0x00")
        }
        self.isBootable = bytes[offset] == Self.bootable
        self.mediaByte = bytes[offset + 1]
        self.loadSegment = ByteFields.le16(bytes, offset + 2)
        self.systemType = bytes[offset + 4]
        self.sectorCount = ByteFields.le16(bytes, offset + 6)
        self.loadRBA = LogicalBlockAddress(ByteFields.le32(bytes, offset + 8))
    }

    public var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: 32)
        b[0] = isBootable ? Self.bootable : 0
        b[1] = mediaByte
        ByteFields.putLE16(&b, 2, loadSegment)
        b[4] = systemType
        ByteFields.putLE16(&b, 6, sectorCount)
        ByteFields.putLE32(&b, 8, loadRBA.rawValue)
        return b
    }
}
