/// The validation entry, the first 32 bytes of a boot catalog (El Torito 1.0 §2.1). Firmware (EDK2)
/// checks the header ID, the key bytes and the checksum before it trusts any other entry.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 1 | header ID, 1 |
/// | 1 | 1 | platform ID (`BootPlatform`) |
/// | 2 | 2 | reserved (0) |
/// | 4 | 24 | ID string (manufacturer / developer) |
/// | 28 | 2 | checksum, little-endian: all sixteen 16-bit words of the entry sum to 0 |
/// | 30 | 1 | key byte 0x55 |
/// | 31 | 1 | key byte 0xAA |
public struct ValidationEntry: Hashable, Sendable {
    public let platform: BootPlatform
    public let idString: String
    /// The checksum word as stored.
    public let checksum: UInt16

    /// A validation entry with a correct checksum.
    public init(platform: BootPlatform, idString: String = "") {
        self.platform = platform
        self.idString = idString
        // The checksum word makes the sixteen words sum to zero.
        self.checksum = 0 &- Self.wordSum(Self.layout(platform: platform, idString: idString, checksum: 0))
    }

    public init(bytes: [UInt8], sector: Int64) throws {
        guard bytes.count >= 32 else {
            throw ISO9660Error.truncated(structure: "ValidationEntry", sector: sector, neededBytes: 32,
                                         imageBytes: Int64(bytes.count))
        }
        guard bytes[0] == 1 else {
            throw ISO9660Error.invalidField(structure: "ValidationEntry", sector: sector, field: "header ID",
                                            value: "\(bytes[0])", expected: "1")
        }
        guard bytes[30] == 0x55, bytes[31] == 0xAA else {
            throw ISO9660Error.invalidField(structure: "ValidationEntry", sector: sector, field: "key bytes",
                                            value: "\(bytes[30]) \(bytes[31])", expected: "0x55 0xAA")
        }
        self.platform = BootPlatform(rawValue: bytes[1])
        self.idString = ByteFields.text(bytes, 4, 24)
        self.checksum = ByteFields.le16(bytes, 28)
        self.storedWordSum = Self.wordSum(Array(bytes[0..<32]))
    }

    private var storedWordSum: UInt16 = 0

    /// Whether the sixteen words of the entry as read sum to zero (always true for built entries).
    public var checksumIsValid: Bool { storedWordSum == 0 }

    /// The checksum that would make the entry valid.
    public var expectedChecksum: UInt16 {
        0 &- Self.wordSum(Self.layout(platform: platform, idString: idString, checksum: 0))
    }

    public var bytes: [UInt8] { Self.layout(platform: platform, idString: idString, checksum: checksum) }

    static func layout(platform: BootPlatform, idString: String, checksum: UInt16) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 32)
        b[0] = 1
        b[1] = platform.rawValue
        ByteFields.putText(&b, 4, 24, idString, pad: 0)
        ByteFields.putLE16(&b, 28, checksum)
        b[30] = 0x55
        b[31] = 0xAA
        return b
    }

    static func wordSum(_ b: [UInt8]) -> UInt16 {
        var sum: UInt16 = 0
        for i in stride(from: 0, to: 32, by: 2) { sum &+= ByteFields.le16(b, i) }
        return sum
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.bytes == rhs.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}
