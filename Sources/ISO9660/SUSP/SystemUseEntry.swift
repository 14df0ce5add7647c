/// One entry of a System Use Area (SUSP 1.12 §4): the SUSP entries (SP, CE, ER, ST, PD) and the Rock
/// Ridge entries (RRIP 1.12 §4.1: PX, NM, TF, SL, CL, PL, RE, and RRIP 1.09's RR) this module models.
/// Anything else is kept as `.other` so that an area survives a parse/serialise round trip.
///
/// Every entry starts with the same header (SUSP §4.1):
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 2 | signature word, two ASCII characters |
/// | 2 | 1 | length of the entry, header included |
/// | 3 | 1 | system use entry version |
/// | 4 | length − 4 | data, described by each entry's type |
public enum SystemUseEntry: Hashable, Sendable {
    case sharingProtocol(SharingProtocolEntry)
    case continuationArea(ContinuationAreaEntry)
    case extensionsReference(ExtensionsReferenceEntry)
    /// ST: ends the System Use Area early (SUSP §5.4).
    case terminator
    /// PD: padding of `count` data bytes (SUSP §5.2).
    case padding(count: Int)
    case posixAttributes(PosixAttributesEntry)
    case alternateName(AlternateNameEntry)
    case timestamps(TimestampsEntry)
    case symbolicLink(SymbolicLinkEntry)
    case childLink(ChildLinkEntry)
    case parentLink(ParentLinkEntry)
    /// RE: this directory was relocated and is also reachable through a CL entry (RRIP §4.1.5.3).
    case relocatedDirectory
    case rockRidgeFields(RockRidgeFieldsEntry)
    case other(signature: String, version: UInt8, data: [UInt8])

    static let headerLength = 4

    /// Parses the entries of one System Use Area or continuation area. A zero length or fewer than
    /// four remaining bytes ends the area (writers pad areas with zeros); an entry whose length runs past
    /// the area is an error.
    public static func parseArea(_ bytes: [UInt8], sector: Int64) throws -> [SystemUseEntry] {
        var entries: [SystemUseEntry] = []
        var offset = 0
        while offset + headerLength <= bytes.count {
            let length = Int(bytes[offset + 2])
            if length == 0 && bytes[offset] == 0 { break }
            guard length >= headerLength, offset + length <= bytes.count else {
                throw ISO9660Error.invalidField(
                    structure: "SystemUseEntry", sector: sector,
                    field: "length of \(signatureText(bytes[offset], bytes[offset + 1])) entry",
                    value: "\(length)", expected: "4…\(bytes.count - offset) (the rest of the system use area)")
            }
            let entry = try parse(signature: (bytes[offset], bytes[offset + 1]), version: bytes[offset + 3],
                                  data: Array(bytes[(offset + 4)..<(offset + length)]), sector: sector)
            entries.append(entry)
            offset += length
            if case .terminator = entry { break }
        }
        return entries
    }

    static func signatureText(_ a: UInt8, _ b: UInt8) -> String {
        ByteFields.decodeLatin1([a, b][...])
    }

    static func parse(signature: (UInt8, UInt8), version: UInt8, data: [UInt8], sector: Int64) throws -> SystemUseEntry {
        switch signatureText(signature.0, signature.1) {
        case "SP": return .sharingProtocol(try SharingProtocolEntry(data: data, sector: sector))
        case "CE": return .continuationArea(try ContinuationAreaEntry(data: data, sector: sector))
        case "ER": return .extensionsReference(try ExtensionsReferenceEntry(data: data, sector: sector))
        case "ST": return .terminator
        case "PD": return .padding(count: data.count)
        case "PX": return .posixAttributes(try PosixAttributesEntry(data: data, sector: sector))
        case "NM": return .alternateName(try AlternateNameEntry(data: data, sector: sector))
        case "TF": return .timestamps(try TimestampsEntry(data: data, sector: sector))
        case "SL": return .symbolicLink(try SymbolicLinkEntry(data: data, sector: sector))
        case "CL": return .childLink(try ChildLinkEntry(data: data, sector: sector))
        case "PL": return .parentLink(try ParentLinkEntry(data: data, sector: sector))
        case "RE": return .relocatedDirectory
        case "RR" where data.count == 1: return .rockRidgeFields(RockRidgeFieldsEntry(data: data))
        default:
            return .other(signature: signatureText(signature.0, signature.1), version: version, data: data)
        }
    }

    public var signature: String {
        switch self {
        case .sharingProtocol: return "SP"
        case .continuationArea: return "CE"
        case .extensionsReference: return "ER"
        case .terminator: return "ST"
        case .padding: return "PD"
        case .posixAttributes: return "PX"
        case .alternateName: return "NM"
        case .timestamps: return "TF"
        case .symbolicLink: return "SL"
        case .childLink: return "CL"
        case .parentLink: return "PL"
        case .relocatedDirectory: return "RE"
        case .rockRidgeFields: return "RR"
        case .other(let signature, _, _): return signature
        }
    }

    var version: UInt8 {
        if case .other(_, let version, _) = self { return version }
        return 1
    }

    /// The data after the 4-byte header.
    var data: [UInt8] {
        switch self {
        case .sharingProtocol(let e): return e.data
        case .continuationArea(let e): return e.data
        case .extensionsReference(let e): return e.data
        case .terminator, .relocatedDirectory: return []
        case .padding(let count): return [UInt8](repeating: 0, count: count)
        case .posixAttributes(let e): return e.data
        case .alternateName(let e): return e.data
        case .timestamps(let e): return e.data
        case .symbolicLink(let e): return e.data
        case .childLink(let e): return e.data
        case .parentLink(let e): return e.data
        case .rockRidgeFields(let e): return e.data
        case .other(_, _, let data): return data
        }
    }

    /// The serialised entry, header included.
    public var bytes: [UInt8] {
        let data = self.data
        return Array(signature.utf8.prefix(2)) + [UInt8(truncatingIfNeeded: data.count + 4), version] + data
    }

    /// Serialises several entries into one area.
    public static func bytes(_ entries: [SystemUseEntry]) -> [UInt8] { entries.flatMap(\.bytes) }
}

extension ISO9660Error {
    static func badEntryLength(_ signature: String, sector: Int64, length: Int, expected: String) -> ISO9660Error {
        .invalidField(structure: "SystemUseEntry", sector: sector, field: "\(signature) entry length",
                      value: "\(length + 4)", expected: expected)
    }
}
