/// The 7 bytes that open every volume descriptor (ECMA-119 §8.1): type, standard identifier `CD001`
/// and version. Descriptors sit one per logical block from block 16 up to the terminator (type 255).
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 1 | volume descriptor type |
/// | 1 | 5 | standard identifier `CD001` |
/// | 6 | 1 | volume descriptor version |
public struct VolumeDescriptorHeader: Hashable, Sendable {
    /// ECMA-119 §8.1.1 volume descriptor types.
    public enum DescriptorType: Hashable, Sendable {
        case bootRecord
        case primary
        /// Supplementary (version 1, e.g. Joliet) or enhanced (version 2, ISO 9660:1999).
        case supplementary
        case volumePartition
        case terminator
        case other(UInt8)

        public init(rawValue: UInt8) {
            switch rawValue {
            case 0: self = .bootRecord
            case 1: self = .primary
            case 2: self = .supplementary
            case 3: self = .volumePartition
            case 255: self = .terminator
            default: self = .other(rawValue)
            }
        }

        public var rawValue: UInt8 {
            switch self {
            case .bootRecord: return 0
            case .primary: return 1
            case .supplementary: return 2
            case .volumePartition: return 3
            case .terminator: return 255
            case .other(let value): return value
            }
        }
    }

    public static let standardIdentifier: [UInt8] = Array("CD001".utf8)
    public static let byteCount = 7

    public let type: DescriptorType
    public let version: UInt8

    public init(type: DescriptorType, version: UInt8 = 1) {
        self.type = type
        self.version = version
    }

    /// Nil when the block holds no `CD001` descriptor (end of the set, or a UDF/other descriptor).
    public init?(bytes: [UInt8]) {
        guard bytes.count >= Self.byteCount, Array(bytes[1..<6]) == Self.standardIdentifier else { return nil }
        self.type = DescriptorType(rawValue: bytes[0])
        self.version = bytes[6]
    }

    public var bytes: [UInt8] { [type.rawValue] + Self.standardIdentifier + [version] }
}
