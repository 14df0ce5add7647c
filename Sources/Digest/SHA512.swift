/// SHA-512 (FIPS 180-4 §6.4), incremental, for SHA-crypt (`$6$` root password hashes) and the HMAC of the
/// keyed root-password salt. `update`, `finalize` and `reset`; the
/// state is eight plain words and the block buffer keeps its capacity across `reset`, because SHA-crypt runs
/// 5000 short digests per password and allocations would cost more than the arithmetic.
public struct SHA512: Sendable {
    private static let initial: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179)
    private var h0, h1, h2, h3, h4, h5, h6, h7: UInt64
    private var buffer: [UInt8] = []
    private var byteCount: UInt64 = 0

    public init() {
        (h0, h1, h2, h3, h4, h5, h6, h7) = SHA512.initial
        buffer.reserveCapacity(128)
    }

    /// Back to the initial state, keeping the buffer's storage.
    public mutating func reset() {
        (h0, h1, h2, h3, h4, h5, h6, h7) = SHA512.initial
        buffer.removeAll(keepingCapacity: true)
        byteCount = 0
    }

    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var h = SHA512()
        h.update(bytes)
        return h.finalize()
    }

    /// HMAC-SHA-512 (RFC 2104; 128-byte blocks).
    public static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let blockSize = 128
        var block = key.count > blockSize ? hash(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        let inner = hash(block.map { $0 ^ 0x36 } + message)
        return hash(block.map { $0 ^ 0x5c } + inner)
    }

    public mutating func update(_ bytes: [UInt8]) {
        byteCount &+= UInt64(bytes.count)
        var index = 0
        if !buffer.isEmpty {
            let take = min(128 - buffer.count, bytes.count)
            buffer += bytes[0..<take]
            index = take
            if buffer.count == 128 { compress(buffer[...]); buffer.removeAll(keepingCapacity: true) }
        }
        while bytes.count - index >= 128 {
            compress(bytes[index..<(index + 128)])
            index += 128
        }
        if index < bytes.count { buffer += bytes[index...] }
    }

    public mutating func finalize() -> [UInt8] {
        // Padding: 0x80, zeros to 112 mod 128, then the bit length as a 128-bit big-endian number.
        let bitLength = byteCount &* 8
        var padding: [UInt8] = [0x80]
        let afterMarker = (buffer.count + 1) % 128
        padding += [UInt8](repeating: 0, count: afterMarker <= 112 ? 112 - afterMarker : 240 - afterMarker)
        padding += [UInt8](repeating: 0, count: 8)
        for shift in stride(from: 56, through: 0, by: -8) { padding.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        let savedCount = byteCount
        update(padding)
        byteCount = savedCount
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return out
    }

    private static let k: [UInt64] = [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
        0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
        0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
        0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
        0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
        0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
        0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
        0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
        0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
        0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
        0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
        0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
        0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
    ]

    /// One 128-byte block. The message schedule lives in a stack buffer: SHA-crypt runs 5000+ of these per
    /// password and per-block heap arrays would dominate its cost.
    private mutating func compress(_ block: ArraySlice<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 80) { w in
            block.withUnsafeBufferPointer { bytes in
                for t in 0..<16 {
                    var word: UInt64 = 0
                    for i in 0..<8 { word = (word << 8) | UInt64(bytes[t * 8 + i]) }
                    w[t] = word
                }
            }
            for t in 16..<80 {
                let s0 = w[t - 15].rotatedRight(1) ^ w[t - 15].rotatedRight(8) ^ (w[t - 15] >> 7)
                let s1 = w[t - 2].rotatedRight(19) ^ w[t - 2].rotatedRight(61) ^ (w[t - 2] >> 6)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var a = h0, b = h1, c = h2, d = h3
            var e = h4, f = h5, g = h6, h = h7
            SHA512.k.withUnsafeBufferPointer { k in
                for t in 0..<80 {
                    let s1 = e.rotatedRight(14) ^ e.rotatedRight(18) ^ e.rotatedRight(41)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ ch &+ k[t] &+ w[t]
                    let s0 = a.rotatedRight(28) ^ a.rotatedRight(34) ^ a.rotatedRight(39)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    h = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
            h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
        }
    }
}

extension UInt64 {
    fileprivate func rotatedRight(_ n: UInt64) -> UInt64 { (self >> n) | (self << (64 - n)) }
}
