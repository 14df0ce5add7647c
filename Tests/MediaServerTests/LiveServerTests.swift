import Foundation
import MediaServer
import NIOCore
import Testing
import TestSupport

/// The server on loopback against independent clients: Python's http.client, curl, wget.
@Suite("Media server live on 127.0.0.1", .serialized)
struct LiveServerTests {
    @Test("3,000 random ranges over 4 keep-alive connections match the materialized image byte for byte")
    func randomRanges() async throws {
        let python = try Peer.tool("python3")
        let directory = try TemporaryDirectory()
        let live = try await LiveServer(directory: directory)
        let run = try Peer.run([python, Scripts.path("range_client.py"), live.url, live.materializedPath, "3000", "11", "4"],
                               timeout: 300)
        await live.server.shutdown(grace: .seconds(2))
        #expect(run.status == 0, "range client failed: \(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        #expect(result["ok"] as? Int == 3000, "failures: \(result["failures"] ?? "?")")
        let statuses = result["statuses"] as? [String: Int] ?? [:]
        #expect((statuses["206"] ?? 0) > 2500 && (statuses["416"] ?? 0) > 50, "the mix must include both: \(statuses)")
        let stats = try #require(live.registry.statistics(host: "esx01"))
        #expect(stats.requests == 3000)
        #expect(stats.peers == ["127.0.0.1"])
        #expect(stats.distinctBytesRead > 0 && stats.distinctBytesRead <= live.image.byteCount)
    }

    @Test("curl and wget download the whole image with the materialized file's sha256; HEAD equals GET's headers")
    func fullDownloads() async throws {
        let curl = try Peer.tool("curl")
        let wget = try Peer.tool("wget")
        let directory = try TemporaryDirectory()
        let live = try await LiveServer(directory: directory)
        defer { Task { await live.server.shutdown(grace: .seconds(1)) } }
        let expected = try LiveServer.sha256(live.materializedPath)

        let curlOut = directory.file("curl.iso"), wgetOut = directory.file("wget.iso")
        let curlRun = try Peer.run([curl, "-sS", "--fail", "-D", directory.file("get.headers"), "-o", curlOut, live.url], timeout: 120)
        #expect(curlRun.status == 0, "\(curlRun.stderr)")
        let wgetRun = try Peer.run([wget, "-q", "-O", wgetOut, live.url], timeout: 120)
        #expect(wgetRun.status == 0, "\(wgetRun.stderr)")
        #expect(try LiveServer.sha256(curlOut) == expected)
        #expect(try LiveServer.sha256(wgetOut) == expected)

        // HTTP/1.0 full download (curl -0) too.
        let http10Out = directory.file("http10.iso")
        #expect(try Peer.run([curl, "-sS", "-0", "--fail", "-o", http10Out, live.url], timeout: 120).status == 0)
        #expect(try LiveServer.sha256(http10Out) == expected)

        let head = try Peer.run([curl, "-sS", "-I", live.url]).stdout
        let get = try String(contentsOfFile: directory.file("get.headers"), encoding: .utf8)
        func comparable(_ text: String) -> [String] {
            text.components(separatedBy: "\r\n").filter { !$0.isEmpty && !$0.lowercased().hasPrefix("date:") }
        }
        #expect(comparable(head) == comparable(get))
        #expect(comparable(get).contains("Content-Length: \(live.image.byteCount)"))
        #expect(!get.lowercased().contains("transfer-encoding"))
    }

    @Test("graceful shutdown lets an in-flight download finish and refuses new connections")
    func gracefulShutdown() async throws {
        let directory = try TemporaryDirectory()
        let live = try await LiveServer(directory: directory)
        let port = try #require(live.server.localAddress?.port)
        // ~8 MiB at ~8 MiB/s through a 32 KiB receive buffer: in flight for about a second.
        async let download = SlowClient.get(port: port, path: live.published.path, bytesPerSecond: 8 << 20)
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(live.server.connectionCount == 1)
        let started = ContinuousClock.now
        await live.server.shutdown(grace: .seconds(20))
        let result = try await download
        #expect(!result.closedEarly)
        #expect(result.headerText.hasPrefix("HTTP/1.1 200 OK"))
        #expect(result.body == [UInt8](live.materialized), "the in-flight download completes with the right bytes")
        #expect(ContinuousClock.now - started < .seconds(20), "shutdown returns once the last response is done")
        await #expect(throws: (any Error).self) {
            _ = try await SlowClient.get(port: port, path: live.published.path, bytesPerSecond: 1 << 30)
        }
    }

    @Test("a download slower than the grace period is cut when the grace period ends")
    func shutdownCuts() async throws {
        let directory = try TemporaryDirectory()
        let live = try await LiveServer(directory: directory)
        let port = try #require(live.server.localAddress?.port)
        // The client stops reading for 3 s: more than the socket buffers hold stays unsent, so the cut is visible.
        async let download = SlowClient.get(port: port, path: live.published.path, bytesPerSecond: 1 << 30, stallSeconds: 3)
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(live.server.connectionCount == 1)
        let started = ContinuousClock.now
        await live.server.shutdown(grace: .seconds(1))
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .seconds(1) && elapsed < .seconds(5))
        let result = try await download
        #expect(result.closedEarly, "the cut download must end short, never look complete")
        #expect(result.body.count < live.materialized.count)
    }

    @Test("the connection cap answers 503 to connections beyond it")
    func connectionCap() async throws {
        let python = try Peer.tool("python3")
        let directory = try TemporaryDirectory()
        var configuration = MediaServer.Configuration()
        configuration.maximumConnections = 5
        let live = try await LiveServer(directory: directory, baseLength: 1 << 20, configuration: configuration)
        let script = """
            import socket, sys, time
            host, port = "127.0.0.1", int(sys.argv[1])
            held = [socket.create_connection((host, port)) for _ in range(5)]
            time.sleep(0.5)
            extra = socket.create_connection((host, port), timeout=5)
            extra.sendall(b"GET / HTTP/1.1\\r\\n\\r\\n")
            print(extra.recv(100).split(b"\\r\\n")[0].decode())
            """
        let port = try #require(live.server.localAddress?.port)
        let run = try Peer.run([python, "-c", script, "\(port)"], timeout: 30)
        await live.server.shutdown(grace: .seconds(1))
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "HTTP/1.1 503 Service Unavailable")
    }
}
