/// CE, a continuation area (SUSP 1.12 §5.1): where the System Use Area of a record continues when it
/// does not fit in the record. The location is an absolute block, so a directory can be copied
/// elsewhere byte for byte and its continuation areas stay valid.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 4 | header `CE`, length 28, version 1 |
/// | 4 | 8 | block location of the continuation area, both-byte orders 32 |
/// | 12 | 8 | offset into that block, both-byte orders 32 |
/// | 20 | 8 | length of the continuation area, both-byte orders 32 |
public struct ContinuationAreaEntry: Hashable, Sendable {
    public static let entryLength = 28

    public let block: LogicalBlockAddress
    public let offset: UInt32
    public let length: UInt32

    public init(block: LogicalBlockAddress, offset: UInt32, length: UInt32) {
        self.block = block
        self.offset = offset
        self.length = length
    }

    init(data: [UInt8], sector: Int64) throws {
        guard data.count == 24 else { throw ISO9660Error.badEntryLength("CE", sector: sector, length: data.count, expected: "28") }
        self.block = LogicalBlockAddress(ByteFields.le32(data, 0))
        self.offset = ByteFields.le32(data, 8)
        self.length = ByteFields.le32(data, 16)
    }

    var data: [UInt8] {
        var b = [UInt8](repeating: 0, count: 24)
        ByteFields.putBoth32(&b, 0, block.rawValue)
        ByteFields.putBoth32(&b, 8, offset)
        ByteFields.putBoth32(&b, 16, length)
        return b
    }
}
