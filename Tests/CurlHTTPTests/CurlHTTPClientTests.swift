import CurlHTTP
import Foundation
import Testing
import TestSupport
import Primitives

private func json(_ response: HTTPResponse) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
}

@Suite("CurlHTTP client against a local Python HTTP server")
struct CurlHTTPClientTests {
    @Test("GET and PATCH carry method, headers, Basic auth and body, and read status and headers")
    func requestShape() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let get = try await client.send(HTTPRequest(url: server.baseURL + "/echo?x=1",
                                                    headers: [("X-Probe", "one")],
                                                    basicAuth: Credentials(username: "admin", password: "s3cret")))
        #expect(get.status == 200)
        #expect(get.header("etag") == "\"abc\"")
        let g = try json(get)
        #expect(g["method"] as? String == "GET")
        #expect(g["path"] as? String == "/echo?x=1")
        #expect(g["auth"] as? String == "admin:s3cret")
        #expect((g["headers"] as? [String: String])?["x-probe"] == "one")

        let body = Data(String(repeating: "{\"Image\":\"http://x/y.iso\"}", count: 100).utf8)  // > 1 KiB: no 100-continue wait
        let patch = try await client.send(HTTPRequest(method: "PATCH", url: server.baseURL + "/echo",
                                                      headers: [("Content-Type", "application/json")], body: body))
        let p = try json(patch)
        #expect(p["method"] as? String == "PATCH")
        #expect(p["body"] as? String == String(decoding: body, as: UTF8.self))
        #expect((p["headers"] as? [String: String])?["expect"] == nil)
        let delete = try await client.send(HTTPRequest(method: "DELETE", url: server.baseURL + "/echo"))
        #expect(try json(delete)["method"] as? String == "DELETE")
    }

    @Test("8 concurrent requests to a 1-second endpoint finish together, not one after another")
    func concurrency() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let client = CurlHTTPClient(maxConnectionsPerHost: 8)
        defer { client.shutdown() }
        // Measured by the server (its clock, its count of requests in progress), so a busy test process
        // cannot blur the result.
        let answers = try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
            for _ in 0..<8 { group.addTask { try await client.send(HTTPRequest(url: server.baseURL + "/slow/1")) } }
            var all: [[String: Any]] = []
            for try await response in group { #expect(response.status == 200); all.append(try json(response)) }
            return all
        }
        let starts = answers.compactMap { $0["started"] as? Double }, ends = answers.compactMap { $0["finished"] as? Double }
        let span = (ends.max() ?? 0) - (starts.min() ?? 0)
        print("8 concurrent requests to /slow/1: server-side span \(String(format: "%.2f", span)) s, at most \(answers.compactMap { $0["mostConcurrent"] as? Int }.max() ?? 0) in progress at once")
        #expect(answers.compactMap { $0["mostConcurrent"] as? Int }.max() == 8, "the server never had all 8 requests at once")
        #expect(span >= 0.95 && span < 2.5, "8 × 1 s requests spanned \(span) s at the server: they were serialised")
    }

    @Test("sequential requests reuse one keep-alive connection")
    func reuse() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        var ports: Set<Int> = []
        var connects: [Int] = []
        for _ in 0..<5 {
            let response = try await client.send(HTTPRequest(url: server.baseURL + "/echo"))
            connects.append(response.newConnections)
            ports.insert(try #require(try json(response)["clientPort"] as? Int))
        }
        #expect(connects == [1, 0, 0, 0, 0])
        #expect(ports.count == 1, "the server saw \(ports.count) client ports")
    }

    @Test("a hung server fails with a timeout error naming the URL, within the timeout")
    func timeout() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let start = ContinuousClock.now
        do {
            _ = try await client.send(HTTPRequest(url: server.baseURL + "/hang", timeout: .milliseconds(500)))
            Issue.record("no timeout")
        } catch let error as CurlHTTPError {
            guard case .timedOut = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.description.contains("/hang"))
        }
        // Wall clock includes waiting for a pool thread when other suites block it; the error kind above is the check.
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test("a closed port fails with a connection error")
    func refused() async throws {
        let server = try LocalHTTPServer()
        let url = server.baseURL + "/echo"
        server.stop()
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        await #expect(throws: CurlHTTPError.self) { _ = try await client.send(HTTPRequest(url: url, connectTimeout: .seconds(2))) }
        do { _ = try await client.send(HTTPRequest(url: url)) } catch let error as CurlHTTPError {
            guard case .connectionFailed = error else { Issue.record("wrong error \(error)"); return }
        }
    }

    @Test("cancelling the task aborts the in-flight request at once")
    func cancellation() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let start = ContinuousClock.now
        let task = Task { try await client.send(HTTPRequest(url: server.baseURL + "/hang", timeout: .seconds(60))) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        // The server would hang for 600 s and the request allows 60 s; the bound is loose because other
        // suites in this process may hold the 2-thread pool for a while.
        #expect(ContinuousClock.now - start < .seconds(30))
        // The client still works afterwards.
        #expect(try await client.send(HTTPRequest(url: server.baseURL + "/echo")).status == 200)
    }
}

@Suite("CurlHTTP TLS policies against a self-signed Python HTTPS server")
struct CurlHTTPTLSTests {
    @Test("verify off works; a CA file verifies; a wrong CA fails clearly; pins are recorded and enforced")
    func tlsPolicies() async throws {
        let dir = try TemporaryDirectory()
        let (cert, key) = try makeCertificate(in: dir, name: "bmc")
        let (otherCert, _) = try makeCertificate(in: dir, name: "other")
        let server = try LocalHTTPServer(certificate: cert, key: key)
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let url = server.baseURL + "/echo"

        #expect(try await client.send(HTTPRequest(url: url, tls: .insecure)).status == 200)
        #expect(try await client.send(HTTPRequest(url: url, tls: .caFile(cert))).status == 200)
        do {
            _ = try await client.send(HTTPRequest(url: url, tls: .caFile(otherCert)))
            Issue.record("a certificate from another CA was accepted")
        } catch let error as CurlHTTPError {
            guard case .certificateRejected = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.description.contains("--tls-ca"))
        }

        let fresh = CurlHTTPClient()   // a new connection, so the certificate is presented again
        defer { fresh.shutdown() }
        let recorded = try await fresh.send(HTTPRequest(url: url, tls: .recordKey))
        let pin = try #require(recorded.serverKeyPin)
        #expect(pin == (try opensslPin(certificate: cert)))
        #expect(try await fresh.send(HTTPRequest(url: url, tls: .pinned(pin))).status == 200)
        let wrongPin = try opensslPin(certificate: otherCert)
        let third = CurlHTTPClient()
        defer { third.shutdown() }
        do {
            _ = try await third.send(HTTPRequest(url: url, tls: .pinned(wrongPin)))
            Issue.record("a changed key was accepted")
        } catch let error as CurlHTTPError {
            #expect(error == .pinMismatch(url: url, expected: wrongPin))
            #expect(error.description.contains("known-BMCs file"))
        }
    }

    @Test("the known-BMCs file records one pin per endpoint and reads it back")
    func knownBMCs() throws {
        let dir = try TemporaryDirectory()
        let store = KnownBMCs(path: dir.file("sub/known_bmcs"))
        #expect(try store.pin(for: "127.0.0.1:8443") == nil)
        try store.record("sha256//AAAA", for: "127.0.0.1:8443")
        try store.record("sha256//BBBB", for: "127.0.0.2:443")
        #expect(try store.pin(for: "127.0.0.1:8443") == "sha256//AAAA")
        #expect(try store.pin(for: "127.0.0.2:443") == "sha256//BBBB")
        let mode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
