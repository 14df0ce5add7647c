/// The UDF volume recognition sequence (ECMA-167 §2/9.1) that "UDF bridge" images (Windows media)
/// record after the ISO 9660 descriptor set: `BEA01`, `NSR02` or `NSR03`, `TEA01`. UDF keeps its own
/// file entries and allocation, so an edit of the ISO 9660 tree alone would be invisible to UDF readers;
/// the reader reports the bridge so that callers can refuse such images.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 1 | structure type (0) |
/// | 1 | 5 | standard identifier: `BEA01`, `NSR02`, `NSR03`, `TEA01`, `BOOT2`, `CDW02` |
/// | 6 | 1 | structure version (1) |
public struct UDFVolumeRecognition: Hashable, Sendable {
    public static let identifiers = ["BEA01", "NSR02", "NSR03", "TEA01", "BOOT2", "CDW02"]

    /// Each identifier found, in order, with its block.
    public let descriptors: [(identifier: String, sector: LogicalBlockAddress)]

    public init(descriptors: [(identifier: String, sector: LogicalBlockAddress)]) { self.descriptors = descriptors }

    /// True when an NSR descriptor says the volume has a UDF file system.
    public var isUDFBridge: Bool { descriptors.contains { $0.identifier.hasPrefix("NSR") } }

    /// The identifier of a block of the recognition sequence, or nil.
    static func identifier(in block: [UInt8]) -> String? {
        guard block.count >= 7, block[0] == 0 else { return nil }
        let id = ByteFields.decodeLatin1(block[1..<6])
        return identifiers.contains(id) ? id : nil
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.descriptors.map(\.identifier) == rhs.descriptors.map(\.identifier)
            && lhs.descriptors.map(\.sector) == rhs.descriptors.map(\.sector)
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(descriptors.map(\.identifier))
        hasher.combine(descriptors.map(\.sector))
    }
}
