import Digest
import ESXi
import Foundation
import Testing
import TestSupport

@Suite("SHA-512 and SHA-512 crypt")
struct SHA512CryptTests {
    @Test("SHA-512 matches the FIPS 180-4 examples and sha512sum across block boundaries",
          arguments: [0, 1, 3, 111, 112, 113, 127, 128, 129, 239, 240, 1000])
    func sha512(length: Int) throws {
        let input = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let sum = try Peer.tool("sha512sum", package: "coreutils")
        let peer = try Peer.run([sum], stdin: Data(input))
        let expected = String(peer.stdout.prefix(128))
        let ours = SHA512.hash(input).map { String(format: "%02x", $0) }.joined()
        #expect(ours == expected)
    }

    @Test("FIPS 180-4 'abc' example")
    func abc() {
        let ours = SHA512.hash(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(ours == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    }

    static let cases: [(password: String, salt: String)] = [
        ("p", "saltsalt"), ("x", "abc"), ("Hello world!", "saltstring"),
        ("a much longer password with spaces, quotes \" ' and # $ signs that exceeds sixty-four bytes easily", "0123456789abcdef"),
        (String(repeating: "x", count: 200), "./ABCxyz09"), ("pässwörd", "s"),
    ]

    @Test("$6$ hashes equal openssl passwd -6 (independent peer)", arguments: cases)
    func matchesOpenSSL(password: String, salt: String) throws {
        let openssl = try Peer.tool("openssl")
        // The password goes through stdin, never argv (secrets stay out of process lists even in tests).
        let peer = try Peer.run([openssl, "passwd", "-6", "-salt", salt, "-stdin"], stdin: Data((password + "\n").utf8))
        try #require(peer.status == 0, "openssl failed: \(peer.stderr)")
        let expected = peer.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let ours = SHA512Crypt.hash(password: Array(password.utf8), salt: salt)
        #expect(ours == expected)
        #expect(SHA512Crypt.verify(password: Array(password.utf8), hash: ours))
        #expect(!SHA512Crypt.verify(password: Array((password + "x").utf8), hash: ours))
    }

    @Test("rounds= variant matches the specification's published vector")
    func roundsVector() {
        // From Drepper's SHA-crypt specification, test vector 2.
        #expect(SHA512Crypt.hash(password: Array("Hello world!".utf8), salt: "saltstringsaltstring", rounds: 10000)
            == "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.")
    }
}
