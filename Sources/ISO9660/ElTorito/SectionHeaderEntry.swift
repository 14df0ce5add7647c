/// A section header entry of a boot catalog (El Torito 1.0 §2.3): opens a group of section entries
/// for one platform (UEFI images use platform 0xEF).
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 1 | header indicator: 0x90 more headers follow, 0x91 final header |
/// | 1 | 1 | platform ID (`BootPlatform`) |
/// | 2 | 2 | number of section entries that follow, little-endian |
/// | 4 | 28 | ID string |
public struct SectionHeaderEntry: Hashable, Sendable {
    public static let moreHeadersFollow: UInt8 = 0x90
    public static let finalHeader: UInt8 = 0x91

    public let isFinal: Bool
    public let platform: BootPlatform
    public let entryCount: UInt16
    public let idString: String

    public init(isFinal: Bool, platform: BootPlatform, entryCount: UInt16, idString: String = "") {
        self.isFinal = isFinal
        self.platform = platform
        self.entryCount = entryCount
        self.idString = idString
    }

    public init(bytes: [UInt8], offset: Int = 0, sector: Int64) throws {
        guard offset + 32 <= bytes.count else {
            throw ISO9660Error.truncated(structure: "SectionHeaderEntry", sector: sector,
                                         neededBytes: Int64(offset + 32), imageBytes: Int64(bytes.count))
        }
        guard bytes[offset] == Self.moreHeadersFollow || bytes[offset] == Self.finalHeader else {
            throw ISO9660Error.invalidField(structure: "SectionHeaderEntry", sector: sector, field: "header indicator",
                                            value: "0x" + String(bytes[offset], radix: 16), expected: "0x90 or 0x91")
        }
        self.isFinal = bytes[offset] == Self.finalHeader
        self.platform = BootPlatform(rawValue: bytes[offset + 1])
        self.entryCount = ByteFields.le16(bytes, offset + 2)
        self.idString = ByteFields.text(bytes, offset + 4, 28)
    }

    public var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: 32)
        b[0] = isFinal ? Self.finalHeader : Self.moreHeadersFollow
        b[1] = platform.rawValue
        ByteFields.putLE16(&b, 2, entryCount)
        ByteFields.putText(&b, 4, 28, idString, pad: 0)
        return b
    }
}
