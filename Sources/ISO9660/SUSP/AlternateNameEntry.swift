/// NM, the alternate (POSIX) name (RRIP 1.12 §4.1.4). A long name is split over several NM entries,
/// all but the last with the CONTINUE flag; the name parts are concatenated.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 4 | header `NM`, length 5 + name length, version 1 |
/// | 4 | 1 | flags: bit 0 CONTINUE, bit 1 CURRENT (`.`), bit 2 PARENT (`..`), bit 5 host-specific |
/// | 5 | … | name bytes (no terminator) |
public struct AlternateNameEntry: Hashable, Sendable {
    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let `continue` = Flags(rawValue: 0x01)
        public static let current = Flags(rawValue: 0x02)
        public static let parent = Flags(rawValue: 0x04)
    }

    public let flags: Flags
    public let nameBytes: [UInt8]

    public init(flags: Flags = [], nameBytes: [UInt8]) {
        self.flags = flags
        self.nameBytes = nameBytes
    }

    init(data: [UInt8], sector: Int64) throws {
        guard data.count >= 1 else { throw ISO9660Error.badEntryLength("NM", sector: sector, length: 0, expected: "at least 5") }
        self.flags = Flags(rawValue: data[0])
        self.nameBytes = Array(data[1...])
    }

    var data: [UInt8] { [flags.rawValue] + nameBytes }
}
