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
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (y, m, d) = Self.civil(fromDaysSince1970: days)
        self.init(year: y, month: m, day: d, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60,
                  second: secondOfDay % 60)
    }

    /// Seconds since 1970-01-01T00:00:00Z, taking `gmtOffset` into account.
    public var secondsSince1970: Int64 {
        let days = Self.daysSince1970(year: year, month: month, day: day)
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

    // Howard Hinnant's days-from-civil / civil-from-days: exact for the proleptic Gregorian calendar.
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDaysSince1970 days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }
}
