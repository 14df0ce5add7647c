import ArgumentParser

/// A timeout flag's value: a number with a unit (`90s`, `45m`, `2h`, `1h30m`), or a bare number in the flag's own
/// unit (minutes for `--esxi-timeout`, as the old tool; seconds elsewhere), which its help names. One convention for
/// every timeout flag of every command.
struct TimeoutValue: Sendable, Equatable, CustomStringConvertible {
    let seconds: Int

    init(seconds: Int) { self.seconds = seconds }

    /// Parses `text`; nil when it is no duration.
    init?(_ text: String, bareUnitSeconds: Int) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let bare = Int(trimmed) {
            guard bare >= 0, bare <= Int(Int32.max) / bareUnitSeconds else { return nil }
            seconds = bare * bareUnitSeconds
            return
        }
        var total = 0
        var number = ""
        var sawUnit = false
        for character in trimmed {
            if character.isASCII, character.isNumber {
                number.append(character)
                continue
            }
            let unit: Int
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            default: return nil
            }
            guard let value = Int(number), value <= Int(Int32.max) / unit else { return nil }
            total += value * unit
            number = ""
            sawUnit = true
        }
        guard sawUnit, number.isEmpty else { return nil }
        seconds = total
    }

    /// "45m", "90s", "1h30m": how help and messages show it.
    var description: String {
        if seconds == 0 { return "0s" }
        var parts = ""
        let (hours, rest) = seconds.quotientAndRemainder(dividingBy: 3600)
        let (minutes, secs) = rest.quotientAndRemainder(dividingBy: 60)
        if hours > 0 { parts += "\(hours)h" }
        if minutes > 0 { parts += "\(minutes)m" }
        if secs > 0 { parts += "\(secs)s" }
        return parts
    }

    var duration: Duration { .seconds(seconds) }

    /// Checks `text` for flag `name` within `range` (seconds), with an error naming the accepted forms.
    static func parse(_ text: String, flag name: String, bareUnit: BareUnit, range: ClosedRange<Int>) throws -> TimeoutValue {
        guard let value = TimeoutValue(text, bareUnitSeconds: bareUnit.seconds), range.contains(value.seconds) else {
            throw ValidationError("\(name) \(text): expected a duration from \(TimeoutValue(seconds: range.lowerBound)) to "
                + "\(TimeoutValue(seconds: range.upperBound)), e.g. 90s, 45m or 1h30m (a bare number is \(bareUnit.name))")
        }
        return value
    }

    enum BareUnit {
        case seconds, minutes
        var seconds: Int { self == .seconds ? 1 : 60 }
        var name: String { self == .seconds ? "seconds" : "minutes" }
    }
}
