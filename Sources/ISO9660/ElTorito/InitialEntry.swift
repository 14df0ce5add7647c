/// The initial/default entry of a boot catalog (El Torito 1.0 §2.2), bytes 32–63 of the catalog: the
/// image a BIOS boots (ESXi: ISOLINUX.BIN, no emulation, 4 sectors).
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 12 | the fields every boot entry has (`BootEntryFields`): indicator, media type, load segment, system type, sector count, load RBA |
/// | 12 | 20 | unused (0) |
public struct InitialEntry: ElToritoBootEntry, Hashable, Sendable {
    public static let bootable: UInt8 = BootEntryFields.bootable

    public private(set) var fields: BootEntryFields

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
