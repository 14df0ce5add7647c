/// An IPv4 address in strict dotted-quad form (four decimal octets 0–255, no leading zeros: `010` would be octal to
/// some tools and decimal to others, so it is refused rather than guessed).
public struct IPv4Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: UInt32

    public init(value: UInt32) { self.value = value }

    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.utf8.allSatisfy({ (48...57).contains($0) }),
                  part.count == 1 || part.first != "0", let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        self.value = value
    }

    public var octets: [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    /// "loopback", "multicast" … for addresses no interface or router can use (RFC 6890), nil for ordinary ones.
    public var specialPurpose: String? {
        switch value >> 24 {
        case 0: "'this network' (0.0.0.0/8)"
        case 127: "loopback"
        case 224...239: "multicast"
        case 240...255: value == UInt32.max ? "limited broadcast" : "reserved (240.0.0.0/4)"
        default: nil
        }
    }
    /// In 127.0.0.0/8 (RFC 1122 §3.2.1.3).
    public var isLoopback: Bool { value >> 24 == 127 }
    public var description: String { octets.map(String.init).joined(separator: ".") }
    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }
}
