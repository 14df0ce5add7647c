import Foundation
import Testing
import TestSupport
import Digest

/// SHA-256 against independent implementations: coreutils' sha256sum and Python's hmac module.
@Suite("SHA-256 and HMAC-SHA-256")
struct SHA256Tests {
    static func reference(_ bytes: [UInt8]) throws -> String {
        String(try Peer.run([try Peer.tool("sha256sum", package: "coreutils")], stdin: Data(bytes)).stdout.prefix(64))
    }

    @Test("matches sha256sum at every padding boundary and in odd-sized streaming chunks",
          arguments: [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 1 << 20])
    func digest(length: Int) throws {
        var state: UInt64 = UInt64(length) &+ 12345
        let bytes = (0..<length).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let expected = try Self.reference(bytes)
        #expect(SHA256.hash(bytes).hexString == expected)
        var streaming = SHA256()
        var offset = 0, chunk = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            streaming.update(bytes[offset..<end])
            offset = end
            chunk = chunk * 3 % 997 + 1
        }
        #expect(streaming.finalize().hexString == expected)
    }

    @Test("HMAC matches Python's hmac for short and long keys", arguments: [3, 64, 65, 200])
    func hmac(keyLength: Int) throws {
        let key = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
        let message = Array("The quick brown fox jumps over the lazy dog".utf8)
        let python = try Peer.run(["/usr/bin/python3", "-c",
            "import hmac,hashlib,sys; print(hmac.new(bytes(range(0)) + bytes([(i*7+1) % 256 for i in range(int(sys.argv[1]))]), sys.argv[2].encode(), hashlib.sha256).hexdigest())",
            String(keyLength), String(decoding: message, as: UTF8.self)])
        #expect(SHA256.hmac(key: key, message: message).hexString == python.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
