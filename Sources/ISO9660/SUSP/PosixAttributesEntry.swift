/// PX, POSIX file attributes (RRIP 1.12 §4.1.1): mode, link count, owner and group, and from RRIP 1.12
/// the file serial number.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 4 | header `PX`, length 36 (RRIP 1.09/1.10) or 44 (1.12), version 1 |
/// | 4 | 8 | file mode (`st_mode`), both-byte orders 32 |
/// | 12 | 8 | links (`st_nlink`), both-byte orders 32 |
/// | 20 | 8 | user id, both-byte orders 32 |
/// | 28 | 8 | group id, both-byte orders 32 |
/// | 36 | 8 | file serial number (`st_ino`), both-byte orders 32; RRIP 1.12 only |
public struct PosixAttributesEntry: Hashable, Sendable {
    public static let directoryType: UInt32 = 0o040000
    public static let regularFileType: UInt32 = 0o100000
    public static let symbolicLinkType: UInt32 = 0o120000

    public let mode: UInt32
    public let links: UInt32
    public let userID: UInt32
    public let groupID: UInt32
    public let serialNumber: UInt32?

    public init(mode: UInt32, links: UInt32, userID: UInt32 = 0, groupID: UInt32 = 0, serialNumber: UInt32? = nil) {
        self.mode = mode
        self.links = links
        self.userID = userID
        self.groupID = groupID
        self.serialNumber = serialNumber
    }

    init(data: [UInt8], sector: Int64) throws {
        guard data.count == 32 || data.count == 40 else {
            throw ISO9660Error.badEntryLength("PX", sector: sector, length: data.count, expected: "36 or 44")
        }
        self.mode = ByteFields.le32(data, 0)
        self.links = ByteFields.le32(data, 8)
        self.userID = ByteFields.le32(data, 16)
        self.groupID = ByteFields.le32(data, 24)
        self.serialNumber = data.count == 40 ? ByteFields.le32(data, 32) : nil
    }

    var data: [UInt8] {
        var b = [UInt8](repeating: 0, count: serialNumber == nil ? 32 : 40)
        ByteFields.putBoth32(&b, 0, mode)
        ByteFields.putBoth32(&b, 8, links)
        ByteFields.putBoth32(&b, 16, userID)
        ByteFields.putBoth32(&b, 24, groupID)
        if let serialNumber { ByteFields.putBoth32(&b, 32, serialNumber) }
        return b
    }
}
