/// The 17-byte date and time format of volume descriptors (ECMA-119 §8.4.26.1, "dec-datetime").
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 4 | year, ASCII digits `0001`–`9999` |
/// | 4 | 2 | month `01`–`12` |
/// | 6 | 2 | day `01`–`31` |
/// | 8 | 2 | hour `00`–`23` |
/// | 10 | 2 | minute `00`–`59` |
/// | 12 | 2 | second `00`–`59` |
/// | 14 | 2 | hundredths `00`–`99` |
/// | 16 | 1 | offset from GMT in 15-minute intervals, signed, −48 … +52 |
///
/// "Not specified" is sixteen `'0'` digits followed by a zero offset (§8.4.26.1).
public enum VolumeDescriptorDateTime: Hashable, Sendable {
    case unspecified
    case date(ISOTimestamp)

    public static let byteCount = 17

    /// Parses the 17 bytes at `offset`. Returns nil when the digits are not digits (the caller reports
    /// the field); sixteen `'0'` digits (or sixteen zero bytes, as some writers leave the field) are
    /// `.unspecified` whatever the offset byte says: a zone for no date means nothing, and pycdlib and
    /// isoinfo read such images.
    public init?(bytes: [UInt8], offset: Int = 0) {
        let digits = bytes[offset..<offset + 16]
        if digits.allSatisfy({ $0 == UInt8(ascii: "0") }) || digits.allSatisfy({ $0 == 0 }) {
            self = .unspecified
            return
        }
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        func number(_ from: Int, _ count: Int) -> Int {
            var value = 0
            for i in 0..<count { value = value * 10 + Int(bytes[offset + from + i] - UInt8(ascii: "0")) }
            return value
        }
        self = .date(ISOTimestamp(year: number(0, 4), month: number(4, 2), day: number(6, 2),
                                  hour: number(8, 2), minute: number(10, 2), second: number(12, 2),
                                  hundredths: number(14, 2), gmtOffset: Int8(bitPattern: bytes[offset + 16])))
    }

    /// The 17 bytes of this value.
    public var bytes: [UInt8] {
        switch self {
        case .unspecified:
            return [UInt8](repeating: UInt8(ascii: "0"), count: 16) + [0]
        case .date(let t):
            func digits(_ value: Int, _ count: Int) -> [UInt8] {
                var out = [UInt8](repeating: UInt8(ascii: "0"), count: count)
                var v = max(0, value)
                for i in stride(from: count - 1, through: 0, by: -1) {
                    out[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
                return out
            }
            return digits(t.year, 4) + digits(t.month, 2) + digits(t.day, 2) + digits(t.hour, 2)
                + digits(t.minute, 2) + digits(t.second, 2) + digits(t.hundredths, 2) + [UInt8(bitPattern: t.gmtOffset)]
        }
    }

    public var timestamp: ISOTimestamp? {
        if case .date(let t) = self { return t }
        return nil
    }
}
