/// CL, child link (RRIP 1.12 §4.1.5.1): in a file record that stands for a relocated directory, the
/// block of that directory's real extent (deep directories are moved under `rr_moved` because
/// ECMA-119 allows only 8 levels).
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 4 | header `CL`, length 12, version 1 |
/// | 4 | 8 | block of the child directory, both-byte orders 32 |
public struct ChildLinkEntry: Hashable, Sendable {
    public let childDirectory: LogicalBlockAddress

    public init(childDirectory: LogicalBlockAddress) { self.childDirectory = childDirectory }

    init(data: [UInt8], sector: Int64) throws {
        guard data.count == 8 else { throw ISO9660Error.badEntryLength("CL", sector: sector, length: data.count, expected: "12") }
        self.childDirectory = LogicalBlockAddress(ByteFields.le32(data, 0))
    }

    var data: [UInt8] {
        var b = [UInt8](repeating: 0, count: 8)
        ByteFields.putBoth32(&b, 0, childDirectory.rawValue)
        return b
    }
}
