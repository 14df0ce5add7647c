@testable import BMCSimulator
import Foundation
import Testing
import TestSupport

@Suite("SHA-512 crypt used by the simulated ESXi login")
struct SHA512CryptTests {
    @Test("SHA-512 matches the FIPS 180-4 test vectors")
    func sha512Vectors() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(SHA512.hash(Array("abc".utf8))) ==
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        #expect(hex(SHA512.hash([])) ==
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")
        // 112 bytes: the padding needs a second block.
        let long = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        #expect(hex(SHA512.hash(Array(long.utf8))) ==
            "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909")
    }

    @Test("crypt agrees with openssl passwd -6 for several passwords and salts", arguments: [
        ("VMware1!", "saltsalt"), ("p", "x"), ("a much longer password with spaces & symbols <>", "0123456789abcdefXYZ"),
        ("ünïcödé", "AbC./123"),
    ])
    func agreesWithOpenSSL(password: String, salt: String) throws {
        let openssl = try Peer.tool("openssl")
        let result = try Peer.run([openssl, "passwd", "-6", "-salt", salt, "-stdin"], stdin: Data((password + "\n").utf8))
        try #require(result.status == 0, "openssl failed: \(result.stderr)")
        let expected = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(SHA512Crypt.crypt(password: password, salt: salt) == expected)
        #expect(SHA512Crypt.verify(password: password, hash: expected))
        #expect(!SHA512Crypt.verify(password: password + "x", hash: expected))
    }

    @Test("explicit rounds are honoured and written out")
    func rounds() {
        // openssl passwd has no rounds option, so this uses test vector 2 of Drepper's specification (the text
        // that glibc's implementation is checked against).
        let expected = "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v."
        #expect(SHA512Crypt.crypt(password: "Hello world!", salt: "saltstringsaltstring", rounds: 10000) == expected)
        #expect(SHA512Crypt.verify(password: "Hello world!", hash: expected))
    }
}
