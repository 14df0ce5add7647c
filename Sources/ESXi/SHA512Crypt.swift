import Digest

/// The SHA-crypt `$6$` password hash (Ulrich Drepper's "Unix crypt using SHA-256 and
/// SHA-512", the scheme glibc `crypt(3)`, `openssl passwd -6` and ESXi's `/etc/shadow` use).
///
/// Why our own code: the kickstart carries `rootpw --iscrypted <hash>` so that no plaintext root password sits in
/// an image that anyone who can reach the media server could fetch. Foundation on Linux has no SHA-512 (ours is Digest's) and
/// glibc's `crypt_r` lives in libcrypt, which not every build host links; 200 lines of arithmetic are simpler than a
/// system-library module. Tests compare every output with `openssl passwd -6` as the independent peer.
public enum SHA512Crypt {
    /// The crypt base-64 alphabet (not RFC 4648: `./0-9A-Za-z`, least significant 6 bits first).
    static let alphabet: [UInt8] = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// The rounds glibc uses when the hash carries no `rounds=` field.
    public static let defaultRounds = 5000

    /// `$6$<salt>$<hash>` (or `$6$rounds=N$<salt>$<hash>` when `rounds` is not the default) for `password`.
    ///
    /// - Parameters:
    ///   - salt: up to 16 characters from the crypt alphabet; longer salts are truncated to 16 as in glibc.
    ///   - rounds: clamped to 1000...999_999_999 as in glibc.
    public static func hash(password: [UInt8], salt: String, rounds: Int = defaultRounds) -> String {
        let saltBytes = Array(Array(salt.utf8).prefix(16))
        let rounds = min(max(rounds, 1000), 999_999_999)
        let p = password, s = saltBytes

        // Digest B = SHA512(P S P).
        let b = SHA512.hash(p + s + p)

        // Digest A = SHA512(P S, then B for as many bytes as P has, then per bit of len(P): B for 1, P for 0).
        var a = SHA512()
        a.update(p); a.update(s)
        var remaining = p.count
        while remaining > 64 { a.update(b); remaining -= 64 }
        a.update(Array(b.prefix(remaining)))
        var length = p.count
        while length > 0 {
            a.update((length & 1) != 0 ? b : p)
            length >>= 1
        }
        var c = a.finalize()

        // P-sequence: SHA512(P repeated len(P) times), stretched to len(P) bytes.
        var dp = SHA512()
        for _ in 0..<p.count { dp.update(p) }
        let pSequence = stretch(dp.finalize(), to: p.count)

        // S-sequence: SHA512(S repeated 16 + A[0] times), stretched to len(S) bytes.
        var ds = SHA512()
        for _ in 0..<(16 + Int(c[0])) { ds.update(s) }
        let sSequence = stretch(ds.finalize(), to: s.count)

        // The deliberately slow part: `rounds` digests whose inputs alternate by round number.
        var ctx = SHA512()
        for round in 0..<rounds {
            ctx.reset()
            if round & 1 != 0 { ctx.update(pSequence) } else { ctx.update(c) }
            if round % 3 != 0 { ctx.update(sSequence) }
            if round % 7 != 0 { ctx.update(pSequence) }
            if round & 1 != 0 { ctx.update(c) } else { ctx.update(pSequence) }
            c = ctx.finalize()
        }

        // Output: 21 byte triples in the scheme's fixed permutation, then the last byte alone.
        var out: [UInt8] = []
        out.reserveCapacity(86)
        for i in 0..<21 {
            let first = (i * 22) % 63
            encode24(c[first], c[(first + 21) % 63], c[(first + 42) % 63], count: 4, into: &out)
        }
        encode24(0, 0, c[63], count: 2, into: &out)

        let prefix = rounds == defaultRounds ? "$6$" : "$6$rounds=\(rounds)$"
        return prefix + String(decoding: saltBytes, as: UTF8.self) + "$" + String(decoding: out, as: UTF8.self)
    }

    /// Whether `hash` (a `$6$` string) is the SHA-crypt of `password`: recomputes with the hash's own salt and rounds.
    public static func verify(password: [UInt8], hash: String) -> Bool {
        guard let parts = components(of: hash) else { return false }
        return self.hash(password: password, salt: parts.salt, rounds: parts.rounds) == hash
    }

    /// Salt and rounds of a well-formed `$6$[rounds=N$]salt$hash` string, or nil if it is not one.
    public static func components(of hash: String) -> (salt: String, rounds: Int, checksum: String)? {
        guard hash.hasPrefix("$6$") else { return nil }
        var fields = hash.dropFirst(3).split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        var rounds = defaultRounds
        if let first = fields.first, first.hasPrefix("rounds=") {
            guard let value = Int(first.dropFirst("rounds=".count)) else { return nil }
            rounds = value
            fields.removeFirst()
        }
        guard fields.count == 2, fields[0].count <= 16, fields[1].count == 86,
              (fields[0] + fields[1]).utf8.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return (fields[0], rounds, fields[1])
    }

    /// `count` crypt-alphabet characters drawn from `source`, for salts: the same bytes give the same salt.
    public static func saltCharacters(from source: [UInt8], count: Int = 16) -> String {
        var out: [UInt8] = []
        var index = 0
        while out.count < count {
            let byte = source[index % source.count]
            out.append(alphabet[Int(byte) & 0x3f])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func stretch(_ digest: [UInt8], to count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count { out += digest.prefix(count - out.count) }
        return out
    }

    private static func encode24(_ b2: UInt8, _ b1: UInt8, _ b0: UInt8, count: Int, into out: inout [UInt8]) {
        var w = (UInt32(b2) << 16) | (UInt32(b1) << 8) | UInt32(b0)
        for _ in 0..<count {
            out.append(alphabet[Int(w & 0x3f)])
            w >>= 6
        }
    }
}
