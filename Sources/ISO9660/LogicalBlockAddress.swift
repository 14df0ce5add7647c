/// A logical block number on the volume (ECMA-119 §6.2.2): the unit every extent, path table and
/// descriptor location is counted in. This module supports only 2048-byte logical blocks, the size
/// every CD/DVD image and every firmware reader (EDK2, the ESX UEFI ISO 9660 driver) uses.
public struct LogicalBlockAddress: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    CustomStringConvertible, ExpressibleByIntegerLiteral
{
    /// Bytes per logical block (ECMA-119 §6.2.2; the primary volume descriptor field at offset 128).
    public static let blockSize = 2048

    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ value: UInt32) { self.rawValue = value }
    public init(integerLiteral value: UInt32) { self.rawValue = value }

    /// The byte offset of this block in the image.
    public var byteOffset: Int64 { Int64(rawValue) * Int64(Self.blockSize) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }

    /// The block `count` blocks after this one (the caller keeps the sum inside 32 bits).
    func advanced(by count: UInt32) -> LogicalBlockAddress { LogicalBlockAddress(rawValue + count) }

    /// The number of logical blocks that `byteCount` bytes occupy (at least 0, rounded up).
    public static func blocks(for byteCount: Int64) -> Int64 {
        (byteCount + Int64(blockSize) - 1) / Int64(blockSize)
    }
}
