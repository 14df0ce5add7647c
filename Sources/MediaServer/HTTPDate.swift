import Primitives

/// A point in time with one-second resolution, as HTTP carries it (RFC 9110 §5.6.7 IMF-fixdate,
/// `Sun, 06 Nov 1994 08:49:37 GMT`).
///
/// Formatting and parsing are done here with integer calendar arithmetic (H. Hinnant's days-from-civil), not with
/// Foundation or the C library's locale- and time-zone-dependent functions, so the header text is the same on every
/// machine and in every time zone.
public struct HTTPDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let secondsSince1970: Int64

    public init(secondsSince1970: Int64) { self.secondsSince1970 = secondsSince1970 }

    /// Truncates to whole seconds, as HTTP dates do (a file's mtime in ns → its `Last-Modified`).
    public init(nanoseconds: Int64) {
        self.secondsSince1970 = nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
    }

    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate, the only form RFC 9110 lets a sender generate. Written byte by byte into one 29-byte string:
    /// every response carries a Date, and interpolating eight pieces cost more than the rest of the head.
    public var description: String {
        let days = CivilDate.days(ofSecondsSince1970: secondsSince1970)
        let secondOfDay = secondsSince1970 - days * 86_400
        let date = CivilDate(daysSince1970: days)
        let (year, month, day) = (date.year, date.month, date.day)
        guard (0...9999).contains(year) else { return Self.interpolated(year: year, month: month, day: day, days: days, secondOfDay: secondOfDay) }
        let weekday = Self.weekdays[Int(((days % 7) + 7) % 7)].utf8
        let monthName = Self.months[Int(month) - 1].utf8
        return String(unsafeUninitializedCapacity: 29) { bytes in
            var index = 0
            func put(_ byte: UInt8) { bytes[index] = byte; index += 1 }
            func digits(_ value: Int64, _ count: Int) {
                var divisor: Int64 = 1
                for _ in 1..<count { divisor *= 10 }
                while divisor > 0 { put(UInt8(48 + (value / divisor) % 10)); divisor /= 10 }
            }
            for byte in weekday { put(byte) }
            put(44); put(32)  // ", "
            digits(day, 2); put(32)
            for byte in monthName { put(byte) }
            put(32); digits(year, 4); put(32)
            digits(secondOfDay / 3600, 2); put(58); digits(secondOfDay / 60 % 60, 2); put(58); digits(secondOfDay % 60, 2)
            put(32); put(71); put(77); put(84)  // " GMT"
            return index
        }
    }

    /// Years outside 0...9999 (never a clock's, but a file's mtime can be anything).
    private static func interpolated(year: Int64, month: Int64, day: Int64, days: Int64, secondOfDay: Int64) -> String {
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var yearText = "\(year)"
        while yearText.count < 4 { yearText = "0" + yearText }
        return "\(weekday), \(two(day)) \(months[Int(month) - 1]) \(yearText) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) GMT"
    }

    /// Parses an IMF-fixdate. The obsolete RFC 850 and asctime forms are not accepted: they only reach this server
    /// in `If-Range`, where a date that cannot be compared must count as a mismatch (the client then gets the whole
    /// image, which is always correct).
    public init?(imfFixdate text: String) {
        let utf8 = Array(text.utf8)
        // "Sun, 06 Nov 1994 08:49:37 GMT" is exactly 29 bytes.
        guard utf8.count == 29, utf8[3] == UInt8(ascii: ","), utf8[4] == 32, utf8[7] == 32, utf8[11] == 32,
              utf8[16] == 32, utf8[19] == UInt8(ascii: ":"), utf8[22] == UInt8(ascii: ":"), utf8[25] == 32,
              String(decoding: utf8[26...], as: UTF8.self) == "GMT"
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in utf8[range] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        let weekday = String(decoding: utf8[0..<3], as: UTF8.self)
        let monthName = String(decoding: utf8[8..<11], as: UTF8.self)
        guard let day = number(5..<7), let year = number(12..<16), let hour = number(17..<19),
              let minute = number(20..<22), let second = number(23..<25),
              let monthIndex = Self.months.firstIndex(of: monthName),
              (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let date = CivilDate(year: year, month: Int64(monthIndex + 1), day: day)
        let days = date.daysSince1970
        guard CivilDate(daysSince1970: days) == date,
              Self.weekdays[Int(((days % 7) + 7) % 7)] == weekday
        else { return nil }
        self.secondsSince1970 = days * 86_400 + hour * 3600 + minute * 60 + second
    }

    public static func < (lhs: HTTPDate, rhs: HTTPDate) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension HTTPDate {
    /// The wall-clock time now (for `Date` headers and access times).
    public static func now() -> HTTPDate { HTTPDate(secondsSince1970: Int64(WallClock.now())) }
}

/// Wall-clock seconds since 1970 with sub-second precision (access timestamps; durations use `NIODeadline`).
enum WallClock {
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
