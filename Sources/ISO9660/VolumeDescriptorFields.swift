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
        let blockSize = ByteFields.le16(b, 128)
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
        let space = ByteFields.both32(b, 80)
        guard space.le == space.be else {
            throw invalid("volume space size", "\(space.le) (LE) / \(space.be) (BE)", "equal halves")
        }
        let pathTableSize = ByteFields.both32(b, 132)
        guard pathTableSize.le == pathTableSize.be else {
            throw invalid("path table size", "\(pathTableSize.le) (LE) / \(pathTableSize.be) (BE)", "equal halves")
        }
        guard b[156] == 34 else { throw invalid("root directory record length", "\(b[156])", "34") }
        let root = try DirectoryRecord(bytes: Array(b[156..<190]), sector: sector)
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
        fields.volumeSetSize = ByteFields.le16(b, 120)
        fields.volumeSequenceNumber = ByteFields.le16(b, 124)
        fields.logicalBlockSize = blockSize
        fields.pathTables = PathTableLocations(
            size: pathTableSize.le, typeL: LogicalBlockAddress(ByteFields.le32(b, 140)),
            typeM: LogicalBlockAddress(ByteFields.be32(b, 148)),
            optionalTypeL: LogicalBlockAddress(ByteFields.le32(b, 144)),
            optionalTypeM: LogicalBlockAddress(ByteFields.be32(b, 152)))
        fields.fileStructureVersion = b[881]
        fields.applicationUse = Array(b[883..<1395])
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
        ByteFields.putBoth32(&b, 80, f.volumeSpaceSize)
        for (i, byte) in escapeSequences.prefix(32).enumerated() { b[88 + i] = byte }
        ByteFields.putBoth16(&b, 120, f.volumeSetSize)
        ByteFields.putBoth16(&b, 124, f.volumeSequenceNumber)
        ByteFields.putBoth16(&b, 128, f.logicalBlockSize)
        ByteFields.putBoth32(&b, 132, f.pathTables.size)
        ByteFields.putLE32(&b, 140, f.pathTables.typeL.rawValue)
        ByteFields.putLE32(&b, 144, f.pathTables.optionalTypeL.rawValue)
        ByteFields.putBE32(&b, 148, f.pathTables.typeM.rawValue)
        ByteFields.putBE32(&b, 152, f.pathTables.optionalTypeM.rawValue)
        b.replaceSubrange(156..<190, with: f.rootDirectoryRecord.bytes)
        for (path, offset, _) in dateLayout {
            b.replaceSubrange(offset..<offset + 17, with: f.dates[keyPath: path].bytes)
        }
        b[881] = f.fileStructureVersion
        b.replaceSubrange(883..<1395, with: f.applicationUse.prefix(512) + [UInt8](repeating: 0, count: max(0, 512 - f.applicationUse.count)))
        return b
    }
}
