/// RR, the Rock Ridge fields-present bitmap of RRIP 1.09 (§4.1.7; dropped in 1.12, still written by
/// genisoimage): which RRIP entries the record carries.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 4 | header `RR`, length 5, version 1 |
/// | 4 | 1 | flags: bit 0 PX, 1 PN, 2 SL, 3 NM, 4 CL, 5 PL, 6 RE, 7 TF |
public struct RockRidgeFieldsEntry: Hashable, Sendable {
    public struct Fields: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let posixAttributes = Fields(rawValue: 0x01)
        public static let deviceNumber = Fields(rawValue: 0x02)
        public static let symbolicLink = Fields(rawValue: 0x04)
        public static let alternateName = Fields(rawValue: 0x08)
        public static let childLink = Fields(rawValue: 0x10)
        public static let parentLink = Fields(rawValue: 0x20)
        public static let relocated = Fields(rawValue: 0x40)
        public static let timestamps = Fields(rawValue: 0x80)
    }

    public let fields: Fields

    public init(fields: Fields) { self.fields = fields }

    init(data: [UInt8]) { self.fields = Fields(rawValue: data[0]) }

    var data: [UInt8] { [fields.rawValue] }
}
