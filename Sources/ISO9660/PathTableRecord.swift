/// One record of a path table (ECMA-119 §9.4): a directory's identifier, extent and parent number.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 1 | length of directory identifier (LEN_DI) |
/// | 1 | 1 | extended attribute record length |
/// | 2 | 4 | location of extent (little-endian in the L table, big-endian in the M table) |
/// | 6 | 2 | parent directory number (same byte order) |
/// | 8 | LEN_DI | directory identifier (`0x00` for the root) |
/// | 8+LEN_DI | 0 or 1 | padding byte when LEN_DI is odd |
///
/// Directories are numbered from 1 in table order; the root is number 1 and its own parent.
public struct PathTableRecord: Hashable, Sendable {
    /// Which of the two copies of the table a record belongs to (ECMA-119 §8.4.14–§8.4.17).
    public enum ByteOrder: String, Sendable, Codable {
        /// The Type L path table: numbers little-endian.
        case typeL = "L"
        /// The Type M path table: numbers big-endian.
        case typeM = "M"
    }

    public let extendedAttributeRecordLength: UInt8
    public let extent: LogicalBlockAddress
    public let parentDirectoryNumber: UInt16
    public let directoryIdentifier: [UInt8]

    public init(extent: LogicalBlockAddress, parentDirectoryNumber: UInt16, directoryIdentifier: [UInt8],
                extendedAttributeRecordLength: UInt8 = 0) {
        self.extendedAttributeRecordLength = extendedAttributeRecordLength
        self.extent = extent
        self.parentDirectoryNumber = parentDirectoryNumber
        self.directoryIdentifier = directoryIdentifier
    }

    /// Bytes this record occupies, padding included.
    public var length: Int { Self.length(identifierLength: directoryIdentifier.count) }

    static func length(identifierLength: Int) -> Int { 8 + identifierLength + identifierLength % 2 }

    /// Parses the record at `offset`; `sector` names the table's first logical block for errors.
    public init(bytes: [UInt8], offset: Int, byteOrder: ByteOrder, sector: Int64) throws {
        guard offset + 8 <= bytes.count else {
            throw ISO9660Error.truncated(structure: "PathTableRecord", sector: sector,
                                         neededBytes: Int64(offset + 8), imageBytes: Int64(bytes.count))
        }
        let identifierLength = Int(bytes[offset])
        guard identifierLength >= 1 else {
            throw ISO9660Error.invalidField(structure: "PathTableRecord", sector: sector, field: "LEN_DI",
                                            value: "0", expected: "1…255 (record at table offset \(offset))")
        }
        guard offset + Self.length(identifierLength: identifierLength) <= bytes.count else {
            throw ISO9660Error.truncated(structure: "PathTableRecord", sector: sector,
                                         neededBytes: Int64(offset + Self.length(identifierLength: identifierLength)),
                                         imageBytes: Int64(bytes.count))
        }
        self.extendedAttributeRecordLength = bytes[offset + 1]
        switch byteOrder {
        case .typeL:
            self.extent = LogicalBlockAddress(ByteFields.le32(bytes, offset + 2))
            self.parentDirectoryNumber = ByteFields.le16(bytes, offset + 6)
        case .typeM:
            self.extent = LogicalBlockAddress(ByteFields.be32(bytes, offset + 2))
            self.parentDirectoryNumber = ByteFields.be16(bytes, offset + 6)
        }
        self.directoryIdentifier = Array(bytes[(offset + 8)..<(offset + 8 + identifierLength)])
    }

    /// Where the extent field lies in a record (little-endian in an L table, big-endian in an M table).
    static let extentRange = 2..<6

    public func bytes(_ byteOrder: ByteOrder) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: length)
        b[0] = UInt8(truncatingIfNeeded: directoryIdentifier.count)
        b[1] = extendedAttributeRecordLength
        switch byteOrder {
        case .typeL:
            ByteFields.putLE32(&b, 2, extent.rawValue)
            ByteFields.putLE16(&b, 6, parentDirectoryNumber)
        case .typeM:
            ByteFields.putBE32(&b, 2, extent.rawValue)
            ByteFields.putBE16(&b, 6, parentDirectoryNumber)
        }
        b.replaceSubrange(8..<(8 + directoryIdentifier.count), with: directoryIdentifier)
        return b
    }

    /// Parses a whole table of `size` bytes.
    static func parseTable(_ bytes: [UInt8], size: Int, byteOrder: ByteOrder, sector: Int64) throws -> [PathTableRecord] {
        var records: [PathTableRecord] = []
        var offset = 0
        let table = Array(bytes.prefix(size))
        while offset < size {
            let record = try PathTableRecord(bytes: table, offset: offset, byteOrder: byteOrder, sector: sector)
            records.append(record)
            offset += record.length
        }
        return records
    }
}
