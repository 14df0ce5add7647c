import Foundation
@testable import MediaServer
import Testing
import TestSupport

@Suite("HTTP dates, tokens and ranges")
struct PrimitivesTests {
    @Test("IMF-fixdate formatting agrees with GNU date for dates across eras, leap days and the epoch")
    func httpDateMatchesGNUDate() throws {
        let date = try Peer.tool("date", package: "coreutils")
        let samples: [Int64] = [0, 1, 86_399, 951_782_400, 1_709_164_800, 1_732_500_000, 2_147_483_647, 4_102_444_800, 253_402_300_799]
        for seconds in samples {
            let peer = try Peer.run([date, "-u", "-d", "@\(seconds)", "+%a, %d %b %Y %H:%M:%S GMT"], environment: ["LC_ALL": "C"])
            let expected = peer.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(HTTPDate(secondsSince1970: seconds).description == expected)
            #expect(HTTPDate(imfFixdate: expected)?.secondsSince1970 == seconds)
        }
    }

    @Test("IMF-fixdate parsing rejects other forms and impossible dates", arguments: [
        "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC",
        "Mon, 06 Nov 1994 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "",
    ])
    func httpDateRejects(_ text: String) {
        #expect(HTTPDate(imfFixdate: text) == nil)
    }

    @Test("stable tokens are HMAC-SHA-256(seed, \"vmedia-token\\0host\\0name\"), as Python's hmac computes it")
    func stableTokenMatchesPython() throws {
        let python = try Peer.tool("python3")
        let directory = try TemporaryDirectory()
        let image = try TestImage(in: directory, baseLength: 4096, replacedSectors: [], appendedLength: 0)
        let seed = Array("a secret seed".utf8)
        let published = try ImageRegistry(tokens: .stable(seed: seed)).publish(image, host: "esx01", name: "esxi.iso")
        let script = "import hmac,hashlib;print(hmac.new(b'a secret seed', b'vmedia-token\\x00esx01\\x00esxi.iso', hashlib.sha256).hexdigest()[:32])"
        let expected = try Peer.run([python, "-c", script]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(published.token == expected)
    }

    @Test("tokens: 128 random bits per publish; stable tokens repeat per seed, host and name only")
    func tokens() throws {
        let directory = try TemporaryDirectory()
        let image = try TestImage(in: directory, baseLength: 4096, replacedSectors: [], appendedLength: 0)
        let random1 = try ImageRegistry().publish(image, host: "esx01", name: "a.iso")
        let random2 = try ImageRegistry().publish(image, host: "esx01", name: "a.iso")
        #expect(random1.token.count == 32 && random1.token.allSatisfy(\.isHexDigit))
        #expect(random1.token != random2.token)
        let seed = Array("secret".utf8)
        let stable1 = try ImageRegistry(tokens: .stable(seed: seed)).publish(image, host: "esx01", name: "a.iso")
        let stable2 = try ImageRegistry(tokens: .stable(seed: seed)).publish(image, host: "esx01", name: "a.iso")
        let otherHost = try ImageRegistry(tokens: .stable(seed: seed)).publish(image, host: "esx02", name: "a.iso")
        let otherSeed = try ImageRegistry(tokens: .stable(seed: Array("other".utf8))).publish(image, host: "esx01", name: "a.iso")
        #expect(stable1.token == stable2.token)
        #expect(stable1.token != otherHost.token && stable1.token != otherSeed.token)
        #expect(stable1.token.count == 32)
        #expect(stable1.path == "/esx01/\(stable1.token)/a.iso")
    }

    @Test("publish refuses names that would need encoding, dot segments, non-.iso names, long URLs and duplicates",
          arguments: [("esx 01", "a.iso"), ("..", "a.iso"), (".hidden", "a.iso"), ("esx01", "a.img"), ("esx01", ".iso"),
                      ("esx/01", "a.iso"), ("esx01", "a%20b.iso"), ("esx01", "a?.iso"), (String(repeating: "h", count: 100),
                      String(repeating: "n", count: 96) + ".iso"), ("", "a.iso")])
    func publishValidation(host: String, name: String) throws {
        let directory = try TemporaryDirectory()
        let image = try TestImage(in: directory, baseLength: 4096, replacedSectors: [], appendedLength: 0)
        #expect(throws: MediaServerError.self) { try ImageRegistry().publish(image, host: host, name: name) }
    }

    @Test("a host has one image at a time; unpublish makes its URL 404 and returns the final statistics")
    func unpublish() throws {
        let directory = try TemporaryDirectory()
        let image = try TestImage(in: directory, baseLength: 4096, replacedSectors: [], appendedLength: 0)
        let registry = ImageRegistry()
        let published = try registry.publish(image, host: "esx01", name: "a.iso")
        #expect(throws: MediaServerError.alreadyPublished(host: "esx01")) { try registry.publish(image, host: "esx01", name: "b.iso") }
        #expect(registry.lookup(path: published.path) != nil)
        #expect(registry.unpublish(host: "esx01") != nil)
        #expect(registry.lookup(path: published.path) == nil)
        #expect(registry.unpublish(host: "esx01") == nil)
    }

    @Test("coalescing read ranges merges touching and overlapping ranges in any order")
    func coalescing() {
        var stats = ImageStatisticsSnapshot()
        for range: Range<Int64> in [50..<60, 0..<10, 10..<20, 100..<200, 15..<55, 300..<301, 150..<350] { stats.insert(range) }
        #expect(stats.rangesRead == [0..<60, 100..<350])
    }

    @Test("token-like segments of unknown paths are shortened in logs")
    func redaction() {
        #expect(redactTokens(in: "/esx01/0123456789abcdef0123456789abcdef/esxi.iso") == "/esx01/012345…/esxi.iso")
        #expect(redactTokens(in: "/status") == "/status")
        // Near misses of a token are almost the whole capability: shortened too.
        #expect(redactTokens(in: "/esx01/0123456789abcdeI0123456789abcdef/esxi.iso") == "/esx01/012345…/esxi.iso")
        #expect(redactTokens(in: "/esx01/0123456789a%62cdef0123456789abcdef/x") == "/esx01/012345…/x")
        #expect(redactTokens(in: "/esx01/0123456789abcdef0123456789abcde/x") == "/esx01/012345…/x")
        // Names stay readable.
        #expect(redactTokens(in: "/esx-prod-rack12-node07/VMware-VMvisor-Installer-8.0U3-24022510.x86_64.iso")
                == "/esx-prod-rack12-node07/VMware-VMvisor-Installer-8.0U3-24022510.x86_64.iso")
    }
}
