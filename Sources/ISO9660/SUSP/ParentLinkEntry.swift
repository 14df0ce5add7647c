/// PL, parent link (RRIP 1.12 §4.1.5.2): in the `..` record of a relocated directory, the block of the
/// directory it logically belongs to.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 4 | header `PL`, length 12, version 1 |
/// | 4 | 8 | block of the logical parent directory, both-byte orders 32 |
public struct ParentLinkEntry: Hashable, Sendable {
    public let parentDirectory: LogicalBlockAddress

    public init(parentDirectory: LogicalBlockAddress) { self.parentDirectory = parentDirectory }

    init(data: [UInt8], sector: Int64) throws {
        guard data.count == 8 else { throw ISO9660Error.badEntryLength("PL", sector: sector, length: data.count, expected: "12") }
        self.parentDirectory = LogicalBlockAddress(ByteFields.le32(data, 0))
    }

    var data: [UInt8] {
        var b = [UInt8](repeating: 0, count: 8)
        ByteFields.putBoth32(&b, 0, parentDirectory.rawValue)
        return b
    }
}
