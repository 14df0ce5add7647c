/// The identifier fields shared by primary and supplementary volume descriptors (ECMA-119 §8.4.5–§8.4.25,
/// §8.5). In a primary descriptor they are a-/d-characters; in a Joliet supplementary descriptor
/// UCS-2 big-endian.
public struct VolumeDescriptorIdentifiers: Hashable, Sendable {
    public var systemIdentifier: String = ""
    public var volumeIdentifier: String = ""
    public var volumeSetIdentifier: String = ""
    /// Publisher; a leading `_` (0x5F) names a file in the root directory instead (§8.4.20).
    public var publisherIdentifier: String = ""
    public var dataPreparerIdentifier: String = ""
    public var applicationIdentifier: String = ""
    public var copyrightFileIdentifier: String = ""
    public var abstractFileIdentifier: String = ""
    public var bibliographicFileIdentifier: String = ""

    public init() {}
}

/// The four dates of a volume descriptor (ECMA-119 §8.4.26–§8.4.29).
public struct VolumeDescriptorDates: Hashable, Sendable {
    public var creation: VolumeDescriptorDateTime = .unspecified
    public var modification: VolumeDescriptorDateTime = .unspecified
    public var expiration: VolumeDescriptorDateTime = .unspecified
    public var effective: VolumeDescriptorDateTime = .unspecified

    public init() {}
}

/// Where the Type L and Type M path tables (and their optional copies) are (ECMA-119 §8.4.14–§8.4.17).
public struct PathTableLocations: Hashable, Sendable {
    public var size: UInt32
    public var typeL: LogicalBlockAddress
    public var optionalTypeL: LogicalBlockAddress
    public var typeM: LogicalBlockAddress
    public var optionalTypeM: LogicalBlockAddress

    public init(size: UInt32, typeL: LogicalBlockAddress, typeM: LogicalBlockAddress,
                optionalTypeL: LogicalBlockAddress = 0, optionalTypeM: LogicalBlockAddress = 0) {
        self.size = size
        self.typeL = typeL
        self.optionalTypeL = optionalTypeL
        self.typeM = typeM
        self.optionalTypeM = optionalTypeM
    }
}

/// Parsing and serialising the body that primary (§8.4) and supplementary (§8.5) descriptors share;
/// only the text encoding of the identifiers differs.
enum VolumeDescriptorBody {
    enum TextEncoding { case latin1, ucs2 }

    struct Fields {
        var identifiers = VolumeDescriptorIdentifiers()
        var dates = VolumeDescriptorDates()
        var volumeSpaceSize: UInt32 = 0
        var volumeSetSize: UInt16 = 1
        var volumeSequenceNumber: UInt16 = 1
        var logicalBlockSize: UInt16 = 2048
        var pathTables = PathTableLocations(size: 0, typeL: 0, typeM: 0)
        var rootDirectoryRecord: DirectoryRecord
        var fileStructureVersion: UInt8 = 1
        var applicationUse: [UInt8] = [UInt8](repeating: 0, count: 512)
    }

    /// Byte offsets of the numeric fields (ECMA-119 §8.4, the table on `PrimaryVolumeDescriptor`); parse,
    /// serialise and the in-place edit of `ImageEdit` all use these.
    enum Offset {
        static let volumeSpaceSize = 80
        static let escapeSequences = 88
        static let volumeSetSize = 120
        static let volumeSequenceNumber = 124
        static let logicalBlockSize = 128
        static let pathTableSize = 132
        static let typeLPathTable = 140
        static let optionalTypeLPathTable = 144
        static let typeMPathTable = 148
        static let optionalTypeMPathTable = 152
        static let rootDirectoryRecord = 156
        static let fileStructureVersion = 881
        static let applicationUse = 883
    }

    static var identifierLayout: [(WritableKeyPath<VolumeDescriptorIdentifiers, String>, Int, Int)] { [
        (\.systemIdentifier, 8, 32), (\.volumeIdentifier, 40, 32), (\.volumeSetIdentifier, 190, 128),
        (\.publisherIdentifier, 318, 128), (\.dataPreparerIdentifier, 446, 128),
        (\.applicationIdentifier, 574, 128), (\.copyrightFileIdentifier, 702, 37),
        (\.abstractFileIdentifier, 739, 37), (\.bibliographicFileIdentifier, 776, 37),
    ] }
    static var dateLayout: [(WritableKeyPath<VolumeDescriptorDates, VolumeDescriptorDateTime>, Int, String)] { [
        (\.creation, 813, "volume creation date"), (\.modification, 830, "volume modification date"),
        (\.expiration, 847, "volume expiration date"), (\.effective, 864, "volume effective date"),
    ] }

    static func parse(_ b: [UInt8], sector: Int64, structure: String, encoding: TextEncoding) throws -> Fields {
        guard b.count >= LogicalBlockAddress.blockSize else {
            throw ISO9660Error.truncated(structure: structure, sector: sector, neededBytes: 2048,
                                         imageBytes: Int64(b.count))
        }
        func invalid(_ field: String, _ value: String, _ expected: String) -> ISO9660Error {
            .invalidField(structure: structure, sector: sector, field: field, value: value, expected: expected)
        }
        let blockSize = ByteFields.le16(b, Offset.logicalBlockSize)
        guard blockSize == 2048 else {
            // ECMA-119 allows 512, 1024 and 2048 (§6.1.2, never more than the 2048-byte sector); every CD, DVD
            // and installer ISO uses 2048, and this reader addresses extents in 2048-byte blocks throughout.
            throw ISO9660Error.unsupported(structure: structure, sector: sector,
                                           feature: "logical block size \(blockSize) bytes",
                                           fix: "vmedia reads only images with 2048-byte logical blocks and this one declares "
                                               + "\(blockSize)-byte blocks (valid, but rare); read it with isoinfo or pycdlib, "
                                               + "or rebuild it with 2048-byte blocks, e.g. xorriso -osirrox on -indev IMAGE -extract / DIR, "
                                               + "then xorriso -as mkisofs -o NEW.iso DIR")
        }
        let space = ByteFields.both32(b, Offset.volumeSpaceSize)
        guard space.le == space.be else {
            throw invalid("volume space size", "\(space.le) (LE) / \(space.be) (BE)", "equal halves")
        }
        let pathTableSize = ByteFields.both32(b, Offset.pathTableSize)
        guard pathTableSize.le == pathTableSize.be else {
            throw invalid("path table size", "\(pathTableSize.le) (LE) / \(pathTableSize.be) (BE)", "equal halves")
        }
        let rootOffset = Offset.rootDirectoryRecord
        guard b[rootOffset] == 34 else { throw invalid("root directory record length", "\(b[rootOffset])", "34") }
        let root = try DirectoryRecord(bytes: Array(b[rootOffset..<rootOffset + 34]), sector: sector)
        // The identifier should be 0x00 (ECMA-119 §8.4.18), but pycdlib and isoinfo read an image whose root
        // record says otherwise; so does vmedia, with a note (`ISOImage.notes`). Not being a directory is fatal.
        guard root.isDirectory, root.fileIdentifier.count == 1 else {
            throw invalid("root directory record", "flags 0x\(String(root.flags.rawValue, radix: 16)), "
                            + "identifier \(root.fileIdentifier)", "a directory with a one-byte identifier (0x00)")
        }
        var fields = Fields(rootDirectoryRecord: root)
        for (path, offset, length) in identifierLayout {
            fields.identifiers[keyPath: path] = encoding == .ucs2
                ? ByteFields.ucs2Text(b, offset, length) : ByteFields.text(b, offset, length)
        }
        for (path, offset, name) in dateLayout {
            guard let date = VolumeDescriptorDateTime(bytes: b, offset: offset) else {
                throw invalid(name, "\(Array(b[offset..<offset + 17]))", "16 ASCII digits and a GMT offset")
            }
            fields.dates[keyPath: path] = date
        }
        fields.volumeSpaceSize = space.le
        fields.volumeSetSize = ByteFields.le16(b, Offset.volumeSetSize)
        fields.volumeSequenceNumber = ByteFields.le16(b, Offset.volumeSequenceNumber)
        fields.logicalBlockSize = blockSize
        fields.pathTables = PathTableLocations(
            size: pathTableSize.le, typeL: LogicalBlockAddress(ByteFields.le32(b, Offset.typeLPathTable)),
            typeM: LogicalBlockAddress(ByteFields.be32(b, Offset.typeMPathTable)),
            optionalTypeL: LogicalBlockAddress(ByteFields.le32(b, Offset.optionalTypeLPathTable)),
            optionalTypeM: LogicalBlockAddress(ByteFields.be32(b, Offset.optionalTypeMPathTable)))
        fields.fileStructureVersion = b[Offset.fileStructureVersion]
        fields.applicationUse = Array(b[Offset.applicationUse..<Offset.applicationUse + 512])
        return fields
    }

    static func serialise(_ f: Fields, header: VolumeDescriptorHeader, flags: UInt8, escapeSequences: [UInt8],
                          encoding: TextEncoding) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: LogicalBlockAddress.blockSize)
        b.replaceSubrange(0..<7, with: header.bytes)
        b[7] = flags
        for (path, offset, length) in identifierLayout {
            if encoding == .ucs2 {
                ByteFields.putUCS2Text(&b, offset, length, f.identifiers[keyPath: path])
            } else {
                ByteFields.putText(&b, offset, length, f.identifiers[keyPath: path])
            }
        }
        putVolumeSpaceSize(&b, f.volumeSpaceSize)
        for (i, byte) in escapeSequences.prefix(32).enumerated() { b[Offset.escapeSequences + i] = byte }
        ByteFields.putBoth16(&b, Offset.volumeSetSize, f.volumeSetSize)
        ByteFields.putBoth16(&b, Offset.volumeSequenceNumber, f.volumeSequenceNumber)
        ByteFields.putBoth16(&b, Offset.logicalBlockSize, f.logicalBlockSize)
        putPathTables(&b, f.pathTables)
        b.replaceSubrange(Offset.rootDirectoryRecord..<Offset.rootDirectoryRecord + 34, with: f.rootDirectoryRecord.bytes)
        for (path, offset, _) in dateLayout {
            b.replaceSubrange(offset..<offset + 17, with: f.dates[keyPath: path].bytes)
        }
        b[Offset.fileStructureVersion] = f.fileStructureVersion
        b.replaceSubrange(Offset.applicationUse..<Offset.applicationUse + 512, with: f.applicationUse.prefix(512) + [UInt8](repeating: 0, count: max(0, 512 - f.applicationUse.count)))
        return b
    }

    // MARK: - Fields an edit rewrites in place

    static func putVolumeSpaceSize(_ b: inout [UInt8], _ volumeSpaceSize: UInt32) {
        ByteFields.putBoth32(&b, Offset.volumeSpaceSize, volumeSpaceSize)
    }

    static func putPathTables(_ b: inout [UInt8], _ tables: PathTableLocations) {
        ByteFields.putBoth32(&b, Offset.pathTableSize, tables.size)
        ByteFields.putLE32(&b, Offset.typeLPathTable, tables.typeL.rawValue)
        ByteFields.putLE32(&b, Offset.optionalTypeLPathTable, tables.optionalTypeL.rawValue)
        ByteFields.putBE32(&b, Offset.typeMPathTable, tables.typeM.rawValue)
        ByteFields.putBE32(&b, Offset.optionalTypeMPathTable, tables.optionalTypeM.rawValue)
    }

    /// Points the root directory record at a new extent and length, keeping its other bytes.
    static func putRootDirectory(_ b: inout [UInt8], extent: LogicalBlockAddress, dataLength: UInt32) {
        DirectoryRecord.putExtent(&b, at: Offset.rootDirectoryRecord, extent: extent, dataLength: dataLength)
    }
}

/// The primary and supplementary descriptors hold the same body fields; this builds `VolumeDescriptorBody.Fields`
/// from either, for serialising.
protocol VolumeDescriptorBodyFields {
    var identifiers: VolumeDescriptorIdentifiers { get }
    var dates: VolumeDescriptorDates { get }
    var volumeSpaceSize: UInt32 { get }
    var volumeSetSize: UInt16 { get }
    var volumeSequenceNumber: UInt16 { get }
    var logicalBlockSize: UInt16 { get }
    var pathTables: PathTableLocations { get }
    var rootDirectoryRecord: DirectoryRecord { get }
    var fileStructureVersion: UInt8 { get }
    var applicationUse: [UInt8] { get }
}

extension VolumeDescriptorBodyFields {
    var fields: VolumeDescriptorBody.Fields {
        VolumeDescriptorBody.Fields(identifiers: identifiers, dates: dates, volumeSpaceSize: volumeSpaceSize,
                                    volumeSetSize: volumeSetSize, volumeSequenceNumber: volumeSequenceNumber,
                                    logicalBlockSize: logicalBlockSize, pathTables: pathTables,
                                    rootDirectoryRecord: rootDirectoryRecord,
                                    fileStructureVersion: fileStructureVersion, applicationUse: applicationUse)
    }
}
