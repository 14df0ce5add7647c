@testable import ESXi
import Digest
import Foundation
import Testing
import TestSupport

/// The crypted root password's salt comes from a key kept outside the image: someone who fetches an image knows
/// the host name and can guess passwords, but cannot compute the salt, so each guess costs a full crypt.
@Suite("Root password salt")
struct RootPasswordSaltTests {
    static func salt(of password: RootPassword) throws -> String {
        guard let hash = password.hash else { throw CocoaError(.coderInvalidValue) }
        // $6$<salt>$<hash> (or $6$rounds=N$<salt>$<hash>)
        let fields = hash.split(separator: "$")
        return String(fields[fields.count - 2])
    }

    @Test("the salt cannot be computed from the host name and the password")
    func notDerivableFromPublicInputs() throws {
        let password = "Sup3r-Secret", host = "esxi-69-86"
        let salt = try Self.salt(of: .crypted(password: password, saltContext: host, key: .random()))
        // The derivation an attacker knew before: SHA-512 of a constant, the host name and the password.
        let public1 = SHA512Crypt.saltCharacters(from: SHA512.hash(Array("vmedia rootpw salt\u{0}\(host)\u{0}".utf8) + Array(password.utf8)))
        #expect(salt != public1)
        // Two keys, same inputs: different salts (the key is what makes it), same key: the same bytes (stable ETags).
        let keyA = RootPasswordSaltKey.random(), keyB = RootPasswordSaltKey.random()
        #expect(keyA != keyB)
        let a = RootPassword.crypted(password: password, saltContext: host, key: keyA)
        #expect(try Self.salt(of: a) != Self.salt(of: .crypted(password: password, saltContext: host, key: keyB)))
        #expect(a == .crypted(password: password, saltContext: host, key: keyA))
        #expect(try Self.salt(of: a) != Self.salt(of: .crypted(password: password, saltContext: "esxi-69-87", key: keyA)))
        guard let hash = a.hash else { Issue.record("not crypted"); return }
        #expect(SHA512Crypt.verify(password: Array(password.utf8), hash: hash))
        #expect(!"\(keyA)".contains(String(keyA.bytes[0])) || "\(keyA)".contains("****"), "the key prints masked")
    }

    @Test("HMAC-SHA-512 matches RFC 4231 test case 2 and Python's hmac")
    func hmacVector() throws {
        let mac = RootPasswordSaltKey.hmacSHA512(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        #expect(hex == "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")
        let key = RootPasswordSaltKey.random().bytes + Array(repeating: 1, count: 120)  // longer than a block: hashed first
        let message = Array("vmedia rootpw salt\u{0}h\u{0}p".utf8)
        let python = try Peer.run([try Peer.tool("python3"), "-c",
            "import hmac, hashlib, sys; print(hmac.new(bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2]), hashlib.sha512).hexdigest())",
            key.map { String(format: "%02x", $0) }.joined(), message.map { String(format: "%02x", $0) }.joined()])
        #expect(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                == RootPasswordSaltKey.hmacSHA512(key: key, message: message).map { String(format: "%02x", $0) }.joined())
    }

    @Test("the key file is made on first use (32 bytes, mode 0600, folder 0700) and reused after")
    func keyFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("config/vmedia/rootpw-salt.key")
        let first = try RootPasswordSaltKey.load(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect((attributes[.size] as? NSNumber)?.intValue == 32)
        let folder = try FileManager.default.attributesOfItem(atPath: directory.file("config/vmedia"))
        #expect((folder[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        #expect(try RootPasswordSaltKey.load(path: path) == first)
        #expect(RootPasswordSaltKey.defaultPath(environment: ["VMEDIA_SALT_KEY_FILE": "/k"]) == "/k")
        #expect(RootPasswordSaltKey.defaultPath(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x/vmedia/rootpw-salt.key")
        #expect(RootPasswordSaltKey.defaultPath(environment: ["HOME": "/h"]) == "/h/.config/vmedia/rootpw-salt.key")
        // A truncated key file is refused rather than used as a weaker key.
        let short = directory.file("short.key")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: short))
        #expect(throws: (any Error).self) { try RootPasswordSaltKey.load(path: short) }
    }
}
