/// ER, an extensions reference (SUSP 1.12 §5.5): names a SUSP extension in use, such as Rock Ridge
/// (`RRIP_1991A` for RRIP 1.09/1.10, `IEEE_P1282` or `IEEE_1282` for 1.12). It sits in the root `.`
/// record or, as genisoimage writes it, in that record's continuation area.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 4 | header `ER`, length, version 1 |
/// | 4 | 1 | LEN_ID |
/// | 5 | 1 | LEN_DES |
/// | 6 | 1 | LEN_SRC |
/// | 7 | 1 | extension version |
/// | 8 | LEN_ID | extension identifier |
/// | … | LEN_DES | extension descriptor |
/// | … | LEN_SRC | extension source |
public struct ExtensionsReferenceEntry: Hashable, Sendable {
    public let identifier: String
    public let descriptor: String
    public let source: String
    public let extensionVersion: UInt8

    /// The ER of RRIP 1.09, as genisoimage and xorriso write it.
    public static let rockRidge109 = ExtensionsReferenceEntry(
        identifier: "RRIP_1991A",
        descriptor: "THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS",
        source: "PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN PRIMARY "
            + "VOLUME DESCRIPTOR FOR CONTACT INFORMATION.",
        extensionVersion: 1)

    public init(identifier: String, descriptor: String, source: String, extensionVersion: UInt8) {
        self.identifier = identifier
        self.descriptor = descriptor
        self.source = source
        self.extensionVersion = extensionVersion
    }

    /// True for the identifiers the Rock Ridge versions register.
    public var isRockRidge: Bool { ["RRIP_1991A", "IEEE_P1282", "IEEE_1282"].contains(identifier) }

    init(data: [UInt8], sector: Int64) throws {
        guard data.count >= 4 else { throw ISO9660Error.badEntryLength("ER", sector: sector, length: data.count, expected: "at least 8") }
        let lengths = (Int(data[0]), Int(data[1]), Int(data[2]))
        guard 4 + lengths.0 + lengths.1 + lengths.2 <= data.count else {
            throw ISO9660Error.badEntryLength("ER", sector: sector, length: data.count,
                                              expected: "at least \(8 + lengths.0 + lengths.1 + lengths.2)")
        }
        var offset = 4
        func take(_ n: Int) -> String {
            defer { offset += n }
            return ByteFields.decodeLatin1(data[offset..<(offset + n)])
        }
        self.extensionVersion = data[3]
        self.identifier = take(lengths.0)
        self.descriptor = take(lengths.1)
        self.source = take(lengths.2)
    }

    var data: [UInt8] {
        let id = ByteFields.latin1(identifier), des = ByteFields.latin1(descriptor), src = ByteFields.latin1(source)
        return [UInt8(truncatingIfNeeded: id.count), UInt8(truncatingIfNeeded: des.count),
                UInt8(truncatingIfNeeded: src.count), extensionVersion] + id + des + src
    }
}
