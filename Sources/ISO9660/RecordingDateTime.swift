/// The 7-byte recording date and time of a directory record (ECMA-119 §9.1.5), also used by the
/// short form of the Rock Ridge TF entry (RRIP §4.1.6).
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 1 | years since 1900 |
/// | 1 | 1 | month 1–12 |
/// | 2 | 1 | day 1–31 |
/// | 3 | 1 | hour 0–23 |
/// | 4 | 1 | minute 0–59 |
/// | 5 | 1 | second 0–59 |
/// | 6 | 1 | offset from GMT in 15-minute intervals, signed |
///
/// All zeros means "not specified".
public struct RecordingDateTime: Hashable, Sendable {
    public static let byteCount = 7

    public let yearsSince1900: UInt8
    public let month: UInt8
    public let day: UInt8
    public let hour: UInt8
    public let minute: UInt8
    public let second: UInt8
    public let gmtOffset: Int8

    public init(yearsSince1900: UInt8, month: UInt8, day: UInt8, hour: UInt8, minute: UInt8, second: UInt8,
                gmtOffset: Int8) {
        self.yearsSince1900 = yearsSince1900; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second; self.gmtOffset = gmtOffset
    }

    /// The timestamp rounded to whole seconds; years outside 1900…2155 are clamped to that range.
    public init(_ t: ISOTimestamp) {
        self.init(yearsSince1900: UInt8(clamping: t.year - 1900), month: UInt8(clamping: t.month),
                  day: UInt8(clamping: t.day), hour: UInt8(clamping: t.hour), minute: UInt8(clamping: t.minute),
                  second: UInt8(clamping: t.second), gmtOffset: t.gmtOffset)
    }

    public init(bytes: [UInt8], offset: Int = 0) {
        self.init(yearsSince1900: bytes[offset], month: bytes[offset + 1], day: bytes[offset + 2],
                  hour: bytes[offset + 3], minute: bytes[offset + 4], second: bytes[offset + 5],
                  gmtOffset: Int8(bitPattern: bytes[offset + 6]))
    }

    public var bytes: [UInt8] {
        [yearsSince1900, month, day, hour, minute, second, UInt8(bitPattern: gmtOffset)]
    }

    /// Nil when the date is "not specified" (all zeros).
    public var timestamp: ISOTimestamp? {
        if bytes.allSatisfy({ $0 == 0 }) { return nil }
        return ISOTimestamp(year: 1900 + Int(yearsSince1900), month: Int(month), day: Int(day), hour: Int(hour),
                            minute: Int(minute), second: Int(second), gmtOffset: gmtOffset)
    }
}
