import Foundation
import Logging
import MediaServer
import Testing
import TestSupport

/// HTTPS media: the same port answers TLS and plain HTTP; curl, wget and openssl are the independent clients.
@Suite("HTTPS media on the media server's port", .serialized)
struct HTTPSMediaTests {
    /// A live server (the usual test image) with a pair generated into `directory`/state, and the image's URLs.
    struct Secured {
        let live: LiveServer
        let identity: MediaTLSIdentity
        let certificate: String
        let httpsURL: String
    }

    static func secured(_ directory: TemporaryDirectory) async throws -> Secured {
        let live = try await LiveServer(directory: directory)
        let state = directory.file("state")
        let (identity, enabledNow) = try live.server.ensureTLS(.stateDirectory(state), addresses: ["127.0.0.1"])
        #expect(enabledNow)
        let httpsURL = try live.server.url(for: live.published, advertising: "127.0.0.1", https: true)
        #expect(httpsURL.hasPrefix("https://127.0.0.1:") && httpsURL.dropFirst(8) == live.url.dropFirst(7), "same port and path: \(httpsURL)")
        return Secured(live: live, identity: identity, certificate: state + "/" + MediaTLSIdentity.certificateFileName, httpsURL: httpsURL)
    }

    @Test("curl (--cacert) and wget (--ca-certificate) download, read ranges and HEAD over https; plain http still works")
    func peersOverTLS() async throws {
        let curl = try Peer.tool("curl"), wget = try Peer.tool("wget"), openssl = try Peer.tool("openssl")
        let directory = try TemporaryDirectory()
        let secured = try await Self.secured(directory)
        let live = secured.live
        defer { Task { await live.server.shutdown(grace: .seconds(1)) } }
        let expected = try LiveServer.sha256(live.materializedPath)

        // Whole image, both peers, verifying against the generated certificate.
        let curlOut = directory.file("curl.iso"), wgetOut = directory.file("wget.iso")
        let curlRun = try Peer.run([curl, "-sS", "--fail", "--cacert", secured.certificate, "-o", curlOut, secured.httpsURL], timeout: 120)
        #expect(curlRun.status == 0, "\(curlRun.stderr)")
        #expect(try LiveServer.sha256(curlOut) == expected)
        let wgetRun = try Peer.run([wget, "-q", "--ca-certificate=" + secured.certificate, "-O", wgetOut, secured.httpsURL], timeout: 120)
        #expect(wgetRun.status == 0, "\(wgetRun.stderr)")
        #expect(try LiveServer.sha256(wgetOut) == expected)

        // Ranges: across the overlay and file runs, compared with the materialized bytes.
        let ranges: [(Int, Int)] = [(0, 2047), (32768, 40959), (1_000_001, 1_300_000), (Int(live.image.byteCount) - 5000, Int(live.image.byteCount) - 1)]
        for (index, (first, last)) in ranges.enumerated() {
            let out = directory.file("range\(index)")
            let run = try Peer.run([curl, "-sS", "--fail", "--cacert", secured.certificate, "-r", "\(first)-\(last)",
                                    "-D", out + ".headers", "-o", out, secured.httpsURL], timeout: 60)
            #expect(run.status == 0, "\(run.stderr)")
            let headers = try String(contentsOfFile: out + ".headers", encoding: .utf8)
            #expect(headers.hasPrefix("HTTP/1.1 206"), "\(headers)")
            #expect(headers.contains("Content-Range: bytes \(first)-\(last)/\(live.image.byteCount)"), "\(headers)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == live.materialized[first...last], "bytes \(first)-\(last)")
        }
        // wget's HEAD (--spider) over TLS, verifying: the size it reports is the image's.
        let spider = try Peer.run([wget, "--spider", "--server-response", "--ca-certificate=" + secured.certificate, secured.httpsURL], timeout: 60)
        #expect(spider.status == 0, "\(spider.stderr)")
        #expect(spider.stderr.contains("Content-Length: \(live.image.byteCount)"), "\(spider.stderr)")

        // HEAD over TLS carries the same headers as over HTTP.
        let tlsHead = try Peer.run([curl, "-sS", "-I", "--cacert", secured.certificate, secured.httpsURL]).stdout
        let plainHead = try Peer.run([curl, "-sS", "-I", live.url]).stdout
        func comparable(_ text: String) -> [String] {
            text.components(separatedBy: "\r\n").filter { !$0.isEmpty && !$0.lowercased().hasPrefix("date:") }
        }
        #expect(comparable(tlsHead) == comparable(plainHead))
        #expect(comparable(tlsHead).contains("Content-Length: \(live.image.byteCount)"))

        // A client that verifies against the system's CAs refuses the self-signed certificate: this is real TLS.
        let unverified = try Peer.run([curl, "-sS", "--fail", "-o", "/dev/null", secured.httpsURL], timeout: 30)
        #expect(unverified.status == 60, "curl's 'peer certificate cannot be authenticated': \(unverified.stderr)")

        // The fingerprint the server reports is the one openssl computes from the certificate file.
        let printed = try Peer.run([openssl, "x509", "-in", secured.certificate, "-noout", "-fingerprint", "-sha256"]).stdout
        #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("=" + secured.identity.fingerprint), "\(printed)")

        // Statistics: every request above counted, TLS ones marked.
        // 2 downloads, 4 ranges, wget's and curl's HEAD over TLS (the unverified curl sent no request); 1 HEAD over HTTP.
        let stats = try #require(live.registry.statistics(host: "esx01"))
        #expect(stats.requestsOverTLS >= 8 && stats.requestsOverTLS == stats.requests - 1, "\(stats)")
        #expect(stats.statuses[206] == 4, "\(stats)")
        #expect(stats.peers == ["127.0.0.1"])
    }

    @Test("the read allowlist refuses strangers over TLS as over HTTP")
    func allowlistOverTLS() async throws {
        let curl = try Peer.tool("curl")
        let directory = try TemporaryDirectory()
        let secured = try await Self.secured(directory)
        let live = secured.live
        defer { Task { await live.server.shutdown(grace: .seconds(1)) } }
        let image = try TestImage(in: directory, baseLength: 1 << 20, replacedSectors: [16], appendedLength: 0, padding: 0)
        let other = try live.registry.publish(image, host: "esx02", name: "esxi.iso", allowedPeers: ["127.0.0.9"])
        let url = try live.server.url(for: other, advertising: "127.0.0.1", https: true)
        // Loopback may connect (for /status), so the stranger gets the image's 403, over TLS.
        let refused = try Peer.run([curl, "-sS", "--fail", "--cacert", secured.certificate, "-o", "/dev/null", url], timeout: 30)
        #expect(refused.status == 22 && refused.stderr.contains("403"), "a peer the image does not allow must get 403: \(refused.stderr)")
        let allowed = try Peer.run([curl, "-sS", "--fail", "--cacert", secured.certificate, "--interface", "127.0.0.9",
                                    "-o", directory.file("allowed.iso"), url], timeout: 60)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        let stats = try #require(live.registry.statistics(host: "esx02"))
        #expect(stats.statuses == [403: 1, 200: 1] && stats.requestsOverTLS == 2, "\(stats)")
    }

    @Test("the generated pair is kept: a second server reuses it (same fingerprint); a given pair is loaded; a mismatched key is refused")
    func pairIsKeptAndChecked() throws {
        let directory = try TemporaryDirectory()
        let state = directory.file("state")
        let first = try MediaTLSIdentity.loadOrGenerate(directory: state, addresses: ["127.0.0.1"])
        #expect(first.origin == .generated(directory: state))
        let second = try MediaTLSIdentity.loadOrGenerate(directory: state)
        #expect(second.origin == .reused(directory: state))
        #expect(second.fingerprint == first.fingerprint)
        let keyMode = try FileManager.default.attributesOfItem(atPath: state + "/" + MediaTLSIdentity.keyFileName)[.posixPermissions] as? Int
        #expect(keyMode == 0o600)

        let given = try MediaTLSIdentity.load(certificate: state + "/" + MediaTLSIdentity.certificateFileName,
                                              key: state + "/" + MediaTLSIdentity.keyFileName)
        #expect(given.fingerprint == first.fingerprint)

        let other = try MediaTLSIdentity.loadOrGenerate(directory: directory.file("other"))
        #expect(other.fingerprint != first.fingerprint)
        #expect(throws: MediaServerError.self) {
            try MediaTLSIdentity.load(certificate: state + "/" + MediaTLSIdentity.certificateFileName,
                                      key: directory.file("other") + "/" + MediaTLSIdentity.keyFileName)
        }
    }

    @Test("an https URL from a server without a certificate is an error that names the fix")
    func httpsNeedsACertificate() async throws {
        let directory = try TemporaryDirectory()
        let live = try await LiveServer(directory: directory)
        defer { Task { await live.server.shutdown(grace: .seconds(1)) } }
        #expect(throws: MediaServerError.self) { try live.server.url(for: live.published, advertising: "127.0.0.1", https: true) }
        do {
            _ = try live.server.url(for: live.published, advertising: "127.0.0.1", https: true)
        } catch {
            #expect("\(error)".contains("--tls-cert"))
        }
    }
}
