/// The initial/default entry of a boot catalog (El Torito 1.0 §2.2), bytes 32–63 of the catalog: the
/// image a BIOS boots (ESXi: ISOLINUX.BIN, no emulation, 4 sectors).
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 12 | the fields every boot entry has (`BootEntryFields`): indicator, media type, load segment, system type, sector count, load RBA |
/// | 12 | 20 | unused (0) |
public struct InitialEntry: Hashable, Sendable {
    public static let bootable: UInt8 = BootEntryFields.bootable

    private var fields: BootEntryFields

    public var isBootable: Bool { fields.isBootable }
    /// The whole media byte as stored; bits 0–3 are the media type.
    public var mediaByte: UInt8 { fields.mediaByte }
    public var loadSegment: UInt16 { fields.loadSegment }
    public var systemType: UInt8 { fields.systemType }
    public var sectorCount: UInt16 { fields.sectorCount }
    public var loadRBA: LogicalBlockAddress { fields.loadRBA }

    public var mediaType: BootMediaType? { BootMediaType(rawValue: mediaByte & 0x0F) }

    public init(isBootable: Bool = true, mediaType: BootMediaType = .noEmulation, loadSegment: UInt16 = 0,
                systemType: UInt8 = 0, sectorCount: UInt16, loadRBA: LogicalBlockAddress) {
        self.fields = BootEntryFields(isBootable: isBootable, mediaByte: mediaType.rawValue, loadSegment: loadSegment,
                                      systemType: systemType, sectorCount: sectorCount, loadRBA: loadRBA)
    }

    public init(bytes: [UInt8], offset: Int = 0, sector: Int64) throws {
        self.fields = try BootEntryFields(bytes: bytes, offset: offset, sector: sector, structure: "InitialEntry")
    }

    public var bytes: [UInt8] { fields.bytes }
}
