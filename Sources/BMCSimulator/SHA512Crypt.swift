/// SHA-512 crypt (`$6$`, Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512", as glibc/libxcrypt implement
/// it), so the simulated ESXi host can check a login against `rootpw --iscrypted $6$…` the way ESXi's PAM does:
/// by hashing the offered password with the stored salt and rounds. Kept inside the simulator (the ESXi module
/// has its own for generating hashes) so a bug in one cannot be mirrored by the other; tests compare both with
/// `openssl passwd -6`.
enum SHA512Crypt {
    static let defaultRounds = 5000

    /// True if `password` hashes to `hash` (`$6$[rounds=N$]salt$digest`); false for any other format.
    static func verify(password: String, hash: String) -> Bool {
        guard hash.hasPrefix("$6$") else { return false }
        let fields = hash.dropFirst(3).split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        var rounds: Int?
        var rest = fields[...]
        if let first = rest.first, first.hasPrefix("rounds=") {
            guard let value = Int(first.dropFirst(7)) else { return false }
            rounds = value
            rest = rest.dropFirst()
        }
        guard rest.count == 2, let salt = rest.first else { return false }
        return crypt(password: password, salt: salt, rounds: rounds) == hash
    }

    /// The full crypt string for `password` with `salt` (at most 16 characters are used) and optional rounds
    /// (clamped to 1000…999 999 999 as the reference implementation does; `nil` = 5000, not written out).
    static func crypt(password: String, salt rawSalt: String, rounds requested: Int? = nil) -> String {
        let p = Array(password.utf8)
        let s = Array(rawSalt.utf8.prefix(16))
        let rounds = requested.map { min(max($0, 1000), 999_999_999) } ?? defaultRounds

        let b = SHA512.hash(p + s + p)
        var a = SHA512()
        a.update(p)
        a.update(s)
        a.update(repeating: b, count: p.count)
        var length = p.count
        while length > 0 {
            a.update(length & 1 != 0 ? b : p)
            length >>= 1
        }
        var c = a.finalize()

        var dp = SHA512()
        for _ in 0..<p.count { dp.update(p) }
        let pBytes = repeated(dp.finalize(), count: p.count)
        var ds = SHA512()
        for _ in 0..<(16 + Int(c[0])) { ds.update(s) }
        let sBytes = repeated(ds.finalize(), count: s.count)

        for round in 0..<rounds {
            var context = SHA512()
            context.update(round & 1 != 0 ? pBytes : c)
            if round % 3 != 0 { context.update(sBytes) }
            if round % 7 != 0 { context.update(pBytes) }
            context.update(round & 1 != 0 ? c : pBytes)
            c = context.finalize()
        }

        var output = "$6$"
        if let requested { output += "rounds=\(min(max(requested, 1000), 999_999_999))$" }
        output += String(decoding: s, as: UTF8.self) + "$"
        let order: [(Int, Int, Int)] = [
            (0, 21, 42), (22, 43, 1), (44, 2, 23), (3, 24, 45), (25, 46, 4), (47, 5, 26), (6, 27, 48),
            (28, 49, 7), (50, 8, 29), (9, 30, 51), (31, 52, 10), (53, 11, 32), (12, 33, 54), (34, 55, 13),
            (56, 14, 35), (15, 36, 57), (37, 58, 16), (59, 17, 38), (18, 39, 60), (40, 61, 19), (62, 20, 41),
        ]
        for (x, y, z) in order { output += base64(c[x], c[y], c[z], characters: 4) }
        output += base64(0, 0, c[63], characters: 2)
        return output
    }

    private static let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    private static func base64(_ b2: UInt8, _ b1: UInt8, _ b0: UInt8, characters: Int) -> String {
        var word = UInt32(b2) << 16 | UInt32(b1) << 8 | UInt32(b0)
        var result = ""
        for _ in 0..<characters {
            result.append(alphabet[Int(word & 0x3F)])
            word >>= 6
        }
        return result
    }

    private static func repeated(_ digest: [UInt8], count: Int) -> [UInt8] {
        (0..<count).map { digest[$0 % digest.count] }
    }
}

/// FIPS 180-4 SHA-512, streaming. Written over unsafe buffers because crypt runs 5000 rounds per login and the
/// simulator is often a debug build (`swift run vmedia demo`), where checked array code is ~50x slower.
struct SHA512 {
    private var state: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179
    )
    /// Pending input shorter than one 128-byte block.
    private var buffer: [UInt8] = []
    private var totalBytes: UInt64 = 0

    static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var context = SHA512()
        context.update(bytes)
        return context.finalize()
    }

    mutating func update(_ bytes: [UInt8]) {
        totalBytes &+= UInt64(bytes.count)
        var input = bytes[...]
        if !buffer.isEmpty {
            let take = min(128 - buffer.count, input.count)
            buffer += input.prefix(take)
            input = input.dropFirst(take)
            if buffer.count == 128 {
                buffer.withUnsafeBufferPointer { compress($0.baseAddress!) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        let whole = input.count / 128 * 128
        if whole > 0 {
            input.withUnsafeBufferPointer { pointer in
                var offset = 0
                while offset < whole {
                    compress(pointer.baseAddress! + offset)
                    offset += 128
                }
            }
        }
        buffer += input.dropFirst(whole)
    }

    /// `count` bytes of `digest` repeated (the "for each block of 64 bytes of P add B" steps).
    mutating func update(repeating digest: [UInt8], count: Int) {
        var remaining = count
        while remaining > 0 {
            let take = min(remaining, digest.count)
            update(Array(digest[0..<take]))
            remaining -= take
        }
    }

    mutating func finalize() -> [UInt8] {
        let bitLength = totalBytes &* 8
        var padding: [UInt8] = [0x80]
        let afterMarker = (buffer.count + 1) % 128
        padding += [UInt8](repeating: 0, count: afterMarker <= 112 ? 112 - afterMarker : 240 - afterMarker)
        padding += [UInt8](repeating: 0, count: 8) // high 64 bits of the 128-bit length
        for shift in stride(from: 56, through: 0, by: -8) { padding.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        update(padding)
        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        var digest = [UInt8](repeating: 0, count: 64)
        for (index, word) in words.enumerated() {
            for byte in 0..<8 { digest[index * 8 + byte] = UInt8(truncatingIfNeeded: word >> UInt64(56 - byte * 8)) }
        }
        return digest
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

    private mutating func compress(_ block: UnsafePointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 80) { w in
            Self.k.withUnsafeBufferPointer { k in
                for i in 0..<16 {
                    var word: UInt64 = 0
                    for j in 0..<8 { word = word << 8 | UInt64(block[i * 8 + j]) }
                    w[i] = word
                }
                @inline(__always) func rotr(_ x: UInt64, _ n: UInt64) -> UInt64 { x >> n | x << (64 - n) }
                for i in 16..<80 {
                    let s0 = rotr(w[i - 15], 1) ^ rotr(w[i - 15], 8) ^ (w[i - 15] >> 7)
                    let s1 = rotr(w[i - 2], 19) ^ rotr(w[i - 2], 61) ^ (w[i - 2] >> 6)
                    w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                }
                var (a, b, c, d, e, f, g, h) = state
                for i in 0..<80 {
                    let s1 = rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)
                    let choice = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ choice &+ k[i] &+ w[i]
                    let s0 = rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ majority
                    (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
                }
                state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
                         state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
            }
        }
    }
}
