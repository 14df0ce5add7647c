/// A directory record (ECMA-119 §9.1): one entry of a directory, and the root record embedded in a
/// volume descriptor at offset 156.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 1 | length of directory record (LEN_DR) |
/// | 1 | 1 | extended attribute record length |
/// | 2 | 8 | location of extent, both-byte orders 32 |
/// | 10 | 8 | data length, both-byte orders 32 |
/// | 18 | 7 | recording date and time (`RecordingDateTime`) |
/// | 25 | 1 | file flags (`FileFlags`) |
/// | 26 | 1 | file unit size (interleaved files only) |
/// | 27 | 1 | interleave gap size |
/// | 28 | 4 | volume sequence number, both-byte orders 16 |
/// | 32 | 1 | length of file identifier (LEN_FI) |
/// | 33 | LEN_FI | file identifier (`0x00` is `.`, `0x01` is `..`) |
/// | 33+LEN_FI | 0 or 1 | padding byte, present when LEN_FI is even |
/// | … | … | system use area (SUSP/Rock Ridge entries), then a zero byte if needed to make LEN_DR even |
///
/// The file identifier is kept as raw bytes: its character set depends on the tree it belongs to
/// (d-characters in the primary tree, UCS-2 big-endian in a Joliet tree), which the reader knows.
public struct DirectoryRecord: Hashable, Sendable {
    /// ECMA-119 §9.1.6 file flags.
    public struct FileFlags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Bit 0 "existence": the file need not be made known to the user.
        public static let hidden = FileFlags(rawValue: 0x01)
        /// Bit 1: the record identifies a directory.
        public static let directory = FileFlags(rawValue: 0x02)
        /// Bit 2: an associated file.
        public static let associatedFile = FileFlags(rawValue: 0x04)
        /// Bit 3: the record format is given by an extended attribute record.
        public static let record = FileFlags(rawValue: 0x08)
        /// Bit 4: owner and group permissions are given by an extended attribute record.
        public static let protection = FileFlags(rawValue: 0x10)
        /// Bit 7: this is not the final record of a multi-extent file (§6.5.1).
        public static let multiExtent = FileFlags(rawValue: 0x80)
    }

    /// The fixed part of every record, before the file identifier.
    public static let fixedLength = 33
    /// The largest record this module writes: pycdlib and Linux reject 255, and LEN_DR must be even.
    public static let maximumLength = 254

    public let extendedAttributeRecordLength: UInt8
    public let extent: LogicalBlockAddress
    public let dataLength: UInt32
    public let recordingDate: RecordingDateTime
    public let flags: FileFlags
    public let fileUnitSize: UInt8
    public let interleaveGapSize: UInt8
    public let volumeSequenceNumber: UInt16
    public let fileIdentifier: [UInt8]
    public let systemUse: [UInt8]

    public init(extent: LogicalBlockAddress, dataLength: UInt32, recordingDate: RecordingDateTime,
                flags: FileFlags, fileIdentifier: [UInt8], systemUse: [UInt8] = [],
                extendedAttributeRecordLength: UInt8 = 0, fileUnitSize: UInt8 = 0, interleaveGapSize: UInt8 = 0,
                volumeSequenceNumber: UInt16 = 1) {
        self.extendedAttributeRecordLength = extendedAttributeRecordLength
        self.extent = extent
        self.dataLength = dataLength
        self.recordingDate = recordingDate
        self.flags = flags
        self.fileUnitSize = fileUnitSize
        self.interleaveGapSize = interleaveGapSize
        self.volumeSequenceNumber = volumeSequenceNumber
        self.fileIdentifier = fileIdentifier
        self.systemUse = systemUse
    }

    /// `.` (identifier 0x00): the record of a directory for itself.
    public var isSelf: Bool { fileIdentifier == [0] }
    /// `..` (identifier 0x01): the record of a directory for its parent.
    public var isParent: Bool { fileIdentifier == [1] }
    public var isDirectory: Bool { flags.contains(.directory) }

    /// Where the system use area starts inside the record (after the identifier and its padding byte).
    public var systemUseOffset: Int { Self.systemUseOffset(identifierLength: fileIdentifier.count) }

    static func systemUseOffset(identifierLength: Int) -> Int {
        fixedLength + identifierLength + (identifierLength % 2 == 0 ? 1 : 0)
    }

    /// LEN_DR of the serialised record.
    public var length: Int {
        let raw = systemUseOffset + systemUse.count
        return raw + raw % 2
    }

    /// Parses the record at `offset` of `bytes`. `sector` names the logical block for error messages.
    /// The record must lie entirely inside `bytes`; a LEN_DR of zero is the caller's business (it
    /// means "continue in the next sector").
    public init(bytes: [UInt8], offset: Int = 0, sector: Int64) throws {
        guard offset < bytes.count else {
            throw ISO9660Error.truncated(structure: "DirectoryRecord", sector: sector,
                                         neededBytes: Int64(offset + 1), imageBytes: Int64(bytes.count))
        }
        let length = Int(bytes[offset])
        guard length >= Self.fixedLength + 1 else {
            throw ISO9660Error.invalidField(structure: "DirectoryRecord", sector: sector, field: "LEN_DR",
                                            value: "\(length)", expected: "at least 34")
        }
        guard offset + length <= bytes.count else {
            throw ISO9660Error.truncated(structure: "DirectoryRecord", sector: sector,
                                         neededBytes: Int64(offset + length), imageBytes: Int64(bytes.count))
        }
        let identifierLength = Int(bytes[offset + 32])
        guard identifierLength >= 1, Self.fixedLength + identifierLength <= length else {
            throw ISO9660Error.invalidField(structure: "DirectoryRecord", sector: sector, field: "LEN_FI",
                                            value: "\(identifierLength)",
                                            expected: "1…\(length - Self.fixedLength) for LEN_DR \(length)")
        }
        let extent = ByteFields.both32(bytes, offset + 2)
        // pycdlib rejects a disagreeing extent: two readers would find different data.
        guard extent.le == extent.be else {
            throw ISO9660Error.invalidField(structure: "DirectoryRecord", sector: sector,
                                            field: "location of extent",
                                            value: "\(extent.le) (LE) / \(extent.be) (BE)",
                                            expected: "equal little- and big-endian halves")
        }
        self.extendedAttributeRecordLength = bytes[offset + 1]
        self.extent = LogicalBlockAddress(extent.le)
        // The big-endian data length is not checked: some writers get it wrong and readers (pycdlib,
        // Linux) use the little-endian half.
        self.dataLength = ByteFields.le32(bytes, offset + 10)
        self.recordingDate = RecordingDateTime(bytes: bytes, offset: offset + 18)
        self.flags = FileFlags(rawValue: bytes[offset + 25])
        self.fileUnitSize = bytes[offset + 26]
        self.interleaveGapSize = bytes[offset + 27]
        self.volumeSequenceNumber = ByteFields.le16(bytes, offset + 28)
        self.fileIdentifier = Array(bytes[(offset + 33)..<(offset + 33 + identifierLength)])
        let suStart = min(offset + Self.systemUseOffset(identifierLength: identifierLength), offset + length)
        self.systemUse = Array(bytes[suStart..<(offset + length)])
    }

    /// The serialised record, LEN_DR bytes.
    public var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: length)
        b[0] = UInt8(truncatingIfNeeded: length)
        b[1] = extendedAttributeRecordLength
        Self.putExtent(&b, at: 0, extent: extent, dataLength: dataLength)
        b.replaceSubrange(18..<25, with: recordingDate.bytes)
        b[25] = flags.rawValue
        b[26] = fileUnitSize
        b[27] = interleaveGapSize
        ByteFields.putBoth16(&b, 28, volumeSequenceNumber)
        b[32] = UInt8(truncatingIfNeeded: fileIdentifier.count)
        b.replaceSubrange(33..<(33 + fileIdentifier.count), with: fileIdentifier)
        b.replaceSubrange(systemUseOffset..<(systemUseOffset + systemUse.count), with: systemUse)
        return b
    }

    /// Writes the extent (both-endian at +2) and data length (both-endian at +10) of the record at `offset`
    /// of `bytes`, leaving its other fields: the two an in-place edit changes.
    static func putExtent(_ bytes: inout [UInt8], at offset: Int, extent: LogicalBlockAddress, dataLength: UInt32) {
        ByteFields.putBoth32(&bytes, offset + 2, extent.rawValue)
        ByteFields.putBoth32(&bytes, offset + 10, dataLength)
    }

    /// A copy with a different extent and data length (what an in-place editor patches).
    public func with(extent: LogicalBlockAddress, dataLength: UInt32) -> DirectoryRecord {
        DirectoryRecord(extent: extent, dataLength: dataLength, recordingDate: recordingDate, flags: flags,
                        fileIdentifier: fileIdentifier, systemUse: systemUse,
                        extendedAttributeRecordLength: extendedAttributeRecordLength, fileUnitSize: fileUnitSize,
                        interleaveGapSize: interleaveGapSize, volumeSequenceNumber: volumeSequenceNumber)
    }

    /// A copy with a different system use area.
    public func with(systemUse: [UInt8]) -> DirectoryRecord {
        DirectoryRecord(extent: extent, dataLength: dataLength, recordingDate: recordingDate, flags: flags,
                        fileIdentifier: fileIdentifier, systemUse: systemUse,
                        extendedAttributeRecordLength: extendedAttributeRecordLength, fileUnitSize: fileUnitSize,
                        interleaveGapSize: interleaveGapSize, volumeSequenceNumber: volumeSequenceNumber)
    }
}
