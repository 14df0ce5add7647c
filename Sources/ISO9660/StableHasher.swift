/// A 128-bit, non-cryptographic, run-to-run stable hash (two FNV-1a-64 lanes with different offsets),
/// used for HTTP ETags: Swift's `Hasher` is randomly seeded per process, so it cannot be used for
/// values that must be equal across runs.
struct StableHasher {
    private var lane1: UInt64 = 0xcbf2_9ce4_8422_2325
    private var lane2: UInt64 = 0x6c62_272e_07bb_0142
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    mutating func combine(_ value: UInt64) {
        var value = value
        for _ in 0..<8 {
            combine(byte: UInt8(truncatingIfNeeded: value))
            value >>= 8
        }
    }

    mutating func combine(_ bytes: [UInt8]) {
        combine(UInt64(bytes.count))
        for byte in bytes { combine(byte: byte) }
    }

    private mutating func combine(byte: UInt8) {
        lane1 = (lane1 ^ UInt64(byte)) &* StableHasher.prime
        lane2 = (lane2 ^ UInt64(byte ^ 0x5a)) &* StableHasher.prime
    }

    var hexDigest: String {
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex(lane1) + hex(lane2)
    }
}
