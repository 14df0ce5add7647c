/// The boot record volume descriptor (ECMA-119 §8.2), type 0; El Torito's is at logical block 17
/// (El Torito 1.0 §2.0) and points at the boot catalog.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 7 | header: type 0, `CD001`, version 1 |
/// | 7 | 32 | boot system identifier: `EL TORITO SPECIFICATION`, zero padded |
/// | 39 | 32 | boot identifier (zeros for El Torito) |
/// | 71 | 4 | El Torito: absolute block of the boot catalog, little-endian |
/// | 75 | 1973 | boot system use (zeros for El Torito) |
public struct BootRecord: Hashable, Sendable {
    public static let elToritoSystemIdentifier = "EL TORITO SPECIFICATION"

    public let bootSystemIdentifier: String
    public let bootIdentifier: String
    /// The catalog's block, read from offset 71 when the boot system identifier is El Torito's.
    public let bootCatalog: LogicalBlockAddress?
    /// Offsets 71…2047 when this is not an El Torito boot record, kept for round trips.
    public let bootSystemUse: [UInt8]

    public var isElTorito: Bool { bootCatalog != nil }

    public init(bootCatalog: LogicalBlockAddress) {
        self.bootSystemIdentifier = Self.elToritoSystemIdentifier
        self.bootIdentifier = ""
        self.bootCatalog = bootCatalog
        self.bootSystemUse = []
    }

    public init(bytes: [UInt8], sector: Int64) throws {
        guard bytes.count >= 2048, let header = VolumeDescriptorHeader(bytes: bytes), header.type == .bootRecord else {
            throw ISO9660Error.invalidField(structure: "BootRecord", sector: sector, field: "volume descriptor type",
                                            value: "\(bytes.first ?? 0)", expected: "0 with identifier CD001")
        }
        self.bootSystemIdentifier = ByteFields.text(bytes, 7, 32)
        self.bootIdentifier = ByteFields.text(bytes, 39, 32)
        if bootSystemIdentifier == Self.elToritoSystemIdentifier {
            self.bootCatalog = LogicalBlockAddress(ByteFields.le32(bytes, 71))
            self.bootSystemUse = []
        } else {
            self.bootCatalog = nil
            self.bootSystemUse = Array(bytes[71..<2048])
        }
    }

    public var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: 2048)
        b.replaceSubrange(0..<7, with: VolumeDescriptorHeader(type: .bootRecord).bytes)
        ByteFields.putText(&b, 7, 32, bootSystemIdentifier, pad: 0)
        ByteFields.putText(&b, 39, 32, bootIdentifier, pad: 0)
        if let bootCatalog {
            ByteFields.putLE32(&b, 71, bootCatalog.rawValue)
        } else {
            b.replaceSubrange(71..<(71 + bootSystemUse.count), with: bootSystemUse)
        }
        return b
    }
}
