import Primitives

/// A point in time as ISO 9660 records it: a civil date and time plus the offset from Greenwich in
/// 15-minute intervals (ECMA-119 §8.4.26.1 and §9.1.5 both carry that offset).
///
/// The builder stamps every date with one fixed `ISOTimestamp` so that the same inputs give the same
/// bytes; build it from seconds since 1970 (`ISOTimestamp(secondsSince1970: 1_700_000_000)`).
public struct ISOTimestamp: Hashable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int
    public let hour: Int
    public let minute: Int
    public let second: Int
    /// Hundredths of a second (only the 17-byte volume descriptor format can hold them).
    public let hundredths: Int
    /// Offset from Greenwich Mean Time in 15-minute intervals, −48 (west) … +52 (east).
    public let gmtOffset: Int8

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                hundredths: Int = 0, gmtOffset: Int8 = 0) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second
        self.hundredths = hundredths; self.gmtOffset = gmtOffset
    }

    /// The UTC civil time `seconds` after 1970-01-01T00:00:00Z (offset 0).
    public init(secondsSince1970 seconds: Int64) {
        let days = CivilDate.days(ofSecondsSince1970: seconds)
        let secondOfDay = Int(seconds - days * 86_400)
        let date = CivilDate(daysSince1970: days)
        self.init(year: Int(date.year), month: Int(date.month), day: Int(date.day), hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60,
                  second: secondOfDay % 60)
    }

    /// Seconds since 1970-01-01T00:00:00Z, taking `gmtOffset` into account.
    public var secondsSince1970: Int64 {
        let days = CivilDate(year: Int64(year), month: Int64(month), day: Int64(day)).daysSince1970
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(gmtOffset) * 900
    }

    /// ISO 8601 text, for reports.
    public var description: String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let minutes = Int(gmtOffset) * 15
        let sign = minutes < 0 ? "-" : "+"
        let zone = minutes == 0 ? "Z" : "\(sign)\(two(abs(minutes) / 60)):\(two(abs(minutes) % 60))"
        return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))\(zone)"
    }
}
