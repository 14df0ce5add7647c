/// A section entry of a boot catalog (El Torito 1.0 §2.4): one more boot image, such as ESXi's
/// EFIBOOT.IMG in the 0xEF section.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 12 | the fields every boot entry has (`BootEntryFields`); bit 5 of the media byte: an extension entry follows; the sector count is 0 for EFI images over 65535 sectors |
/// | 12 | 1 | selection criteria type |
/// | 13 | 19 | vendor unique selection criteria |
///
/// Section entry extensions (indicator 0x44, §2.5) that follow an entry with bit 5 set carry more
/// selection criteria; the catalog parser counts and skips them.
public struct SectionEntry: ElToritoBootEntry, Hashable, Sendable {
    public private(set) var fields: BootEntryFields
    public let selectionCriteriaType: UInt8
    public let selectionCriteria: [UInt8]
    /// Bit 5 of the media byte: extension entries follow.
    public var hasExtensions: Bool { mediaByte & 0x20 != 0 }

    public init(isBootable: Bool = true, mediaType: BootMediaType = .noEmulation, loadSegment: UInt16 = 0,
                systemType: UInt8 = 0, sectorCount: UInt16, loadRBA: LogicalBlockAddress) {
        self.fields = BootEntryFields(isBootable: isBootable, mediaByte: mediaType.rawValue, loadSegment: loadSegment,
                                      systemType: systemType, sectorCount: sectorCount, loadRBA: loadRBA)
        self.selectionCriteriaType = 0
        self.selectionCriteria = [UInt8](repeating: 0, count: 19)
    }

    public init(bytes: [UInt8], offset: Int = 0, sector: Int64) throws {
        self.fields = try BootEntryFields(bytes: bytes, offset: offset, sector: sector, structure: "SectionEntry")
        self.selectionCriteriaType = bytes[offset + 12]
        self.selectionCriteria = Array(bytes[(offset + 13)..<(offset + 32)])
    }

    public var bytes: [UInt8] {
        var b = fields.bytes
        b[12] = selectionCriteriaType
        b.replaceSubrange(13..<32, with: selectionCriteria.prefix(19))
        return b
    }
}
