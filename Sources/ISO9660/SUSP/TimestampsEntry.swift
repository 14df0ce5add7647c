/// TF, time stamps (RRIP 1.12 §4.1.6): the POSIX times of a file. Each stamp that the flags announce is
/// recorded in flag-bit order, in the 7-byte directory record format or, with the LONG_FORM flag, in the
/// 17-byte volume descriptor format.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 4 | header `TF`, length 5 + n × (7 or 17), version 1 |
/// | 4 | 1 | flags: bit 0 CREATION, 1 MODIFY, 2 ACCESS, 3 ATTRIBUTES, 4 BACKUP, 5 EXPIRATION, 6 EFFECTIVE, 7 LONG_FORM |
/// | 5 | … | the stamps, one per set bit 0–6, in bit order |
public struct TimestampsEntry: Hashable, Sendable {
    public enum Kind: Int, CaseIterable, Sendable {
        case creation = 0, modify, access, attributes, backup, expiration, effective
    }

    public enum Stamp: Hashable, Sendable {
        case short(RecordingDateTime)
        case long(VolumeDescriptorDateTime)

        public var timestamp: ISOTimestamp? {
            switch self {
            case .short(let value): return value.timestamp
            case .long(let value): return value.timestamp
            }
        }
    }

    public let longForm: Bool
    /// The stamps present, in flag-bit order.
    public let stamps: [(kind: Kind, stamp: Stamp)]

    public init(shortForm stamps: [Kind: RecordingDateTime]) {
        self.longForm = false
        self.stamps = Kind.allCases.compactMap { kind in stamps[kind].map { (kind, Stamp.short($0)) } }
    }

    public subscript(kind: Kind) -> Stamp? { stamps.first { $0.kind == kind }?.stamp }

    init(data: [UInt8], sector: Int64) throws {
        guard data.count >= 1 else { throw ISO9660Error.badEntryLength("TF", sector: sector, length: 0, expected: "at least 5") }
        let flags = data[0]
        self.longForm = flags & 0x80 != 0
        let size = longForm ? 17 : 7
        let kinds = Kind.allCases.filter { flags & (1 << UInt8($0.rawValue)) != 0 }
        guard data.count == 1 + kinds.count * size else {
            throw ISO9660Error.badEntryLength("TF", sector: sector, length: data.count,
                                              expected: "\(5 + kinds.count * size) for flags 0x\(String(flags, radix: 16))")
        }
        var result: [(Kind, Stamp)] = []
        for (i, kind) in kinds.enumerated() {
            let offset = 1 + i * size
            if longForm {
                guard let value = VolumeDescriptorDateTime(bytes: data, offset: offset) else {
                    throw ISO9660Error.invalidField(structure: "TimestampsEntry", sector: sector,
                                                    field: "TF long-form stamp", value: "\(Array(data[offset..<offset + 17]))",
                                                    expected: "16 ASCII digits and a GMT offset")
                }
                result.append((kind, .long(value)))
            } else {
                result.append((kind, .short(RecordingDateTime(bytes: data, offset: offset))))
            }
        }
        self.stamps = result
    }

    var data: [UInt8] {
        var flags: UInt8 = longForm ? 0x80 : 0
        for (kind, _) in stamps { flags |= 1 << UInt8(kind.rawValue) }
        var b = [flags]
        for (_, stamp) in stamps {
            switch stamp {
            case .short(let value): b += value.bytes
            case .long(let value): b += value.bytes
            }
        }
        return b
    }

    public static func == (lhs: TimestampsEntry, rhs: TimestampsEntry) -> Bool { lhs.data == rhs.data }
    public func hash(into hasher: inout Hasher) { hasher.combine(data) }
}
