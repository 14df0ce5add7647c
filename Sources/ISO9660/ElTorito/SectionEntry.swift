/// A section entry of a boot catalog (El Torito 1.0 §2.4): one more boot image, such as ESXi's
/// EFIBOOT.IMG in the 0xEF section.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 1 | boot indicator: 0x88 bootable, 0x00 not bootable |
/// | 1 | 1 | boot media type: bits 0–3 `BootMediaType`, bit 5 an extension entry follows |
/// | 2 | 2 | load segment, little-endian |
/// | 4 | 1 | system type |
/// | 5 | 1 | unused (0) |
/// | 6 | 2 | sector count in 512-byte virtual sectors, little-endian (0 for EFI images over 65535 sectors) |
/// | 8 | 4 | load RBA, little-endian |
/// | 12 | 1 | selection criteria type |
/// | 13 | 19 | vendor unique selection criteria |
///
/// Section entry extensions (indicator 0x44, §2.5) that follow an entry with bit 5 set carry more
/// selection criteria; the catalog parser counts and skips them.
public struct SectionEntry: Hashable, Sendable {
    public let isBootable: Bool
    public let mediaByte: UInt8
    public let loadSegment: UInt16
    public let systemType: UInt8
    public let sectorCount: UInt16
    public let loadRBA: LogicalBlockAddress
    public let selectionCriteriaType: UInt8
    public let selectionCriteria: [UInt8]

    public var mediaType: BootMediaType? { BootMediaType(rawValue: mediaByte & 0x0F) }
    /// Bit 5 of the media byte: extension entries follow.
    public var hasExtensions: Bool { mediaByte & 0x20 != 0 }

    public init(isBootable: Bool = true, mediaType: BootMediaType = .noEmulation, loadSegment: UInt16 = 0,
                systemType: UInt8 = 0, sectorCount: UInt16, loadRBA: LogicalBlockAddress) {
        self.isBootable = isBootable
        self.mediaByte = mediaType.rawValue
        self.loadSegment = loadSegment
        self.systemType = systemType
        self.sectorCount = sectorCount
        self.loadRBA = loadRBA
        self.selectionCriteriaType = 0
        self.selectionCriteria = [UInt8](repeating: 0, count: 19)
    }

    public init(bytes: [UInt8], offset: Int = 0, sector: Int64) throws {
        guard offset + 32 <= bytes.count else {
            throw ISO9660Error.truncated(structure: "SectionEntry", sector: sector, neededBytes: Int64(offset + 32),
                                         imageBytes: Int64(bytes.count))
        }
        guard bytes[offset] == InitialEntry.bootable || bytes[offset] == 0 else {
            throw ISO9660Error.invalidField(structure: "SectionEntry", sector: sector, field: "boot indicator",
                                            value: "0x" + String(bytes[offset], radix: 16), expected: "0x88 or 0x00")
        }
        self.isBootable = bytes[offset] == InitialEntry.bootable
        self.mediaByte = bytes[offset + 1]
        self.loadSegment = ByteFields.le16(bytes, offset + 2)
        self.systemType = bytes[offset + 4]
        self.sectorCount = ByteFields.le16(bytes, offset + 6)
        self.loadRBA = LogicalBlockAddress(ByteFields.le32(bytes, offset + 8))
        self.selectionCriteriaType = bytes[offset + 12]
        self.selectionCriteria = Array(bytes[(offset + 13)..<(offset + 32)])
    }

    public var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: 32)
        b[0] = isBootable ? InitialEntry.bootable : 0
        b[1] = mediaByte
        ByteFields.putLE16(&b, 2, loadSegment)
        b[4] = systemType
        ByteFields.putLE16(&b, 6, sectorCount)
        ByteFields.putLE32(&b, 8, loadRBA.rawValue)
        b[12] = selectionCriteriaType
        b.replaceSubrange(13..<32, with: selectionCriteria.prefix(19))
        return b
    }
}
