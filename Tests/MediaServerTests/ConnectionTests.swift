import Foundation
import ISO9660
@testable import MediaServer
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import TestSupport
import Testing
import Primitives

/// What one connection keeps between its requests (open source files, queued pipelined requests) and how it ends.
@Suite("Media server connections")
struct ConnectionTests {
    /// Open descriptors of this process that point at `path`.
    static func openDescriptors(of path: String) -> Int {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == target }.count
    }

    @Test("a keep-alive connection opens the source file once for all its requests and closes it with the connection")
    func sourceOpenedOncePerConnection() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let exchange = try EmbeddedExchange(registry: fixture.registry)
        #expect(Self.openDescriptors(of: fixture.image.basePath) == 0)
        for start in stride(from: 0, to: 60_000, by: 6_000) {
            try exchange.send("GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=\(start)-\(start + 4_999)\r\n\r\n")
            let response = try exchange.nextResponse()
            #expect(response.status == 206)
            #expect(response.body == Array(fixture.materialized[start..<(start + 5_000)]))
        }
        #expect(Self.openDescriptors(of: fixture.image.basePath) == 1, "ten requests, one open handle")
        _ = try exchange.channel.finish()
        #expect(Self.openDescriptors(of: fixture.image.basePath) == 0, "closing the connection closes the handle")
    }

    @Test("a source replaced and republished under the same path is read from the new file on the same connection")
    func replacedSourceIsNotReadThroughAStaleHandle() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let exchange = try EmbeddedExchange(registry: fixture.registry)
        defer { _ = try? exchange.channel.finish() }
        try exchange.send("GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=20000-20099\r\n\r\n")
        #expect(try exchange.nextResponse().body == Array(fixture.materialized[20_000..<20_100]))

        // A new file at the same path (new inode): the old image refuses, a new image over it serves its bytes.
        var rng = SplitMix64(seed: 99)
        let newBytes = rng.bytes(65_536)
        let staging = directory.file("staging")
        try Data(newBytes).write(to: URL(fileURLWithPath: staging))
        try FileManager.default.removeItem(atPath: fixture.image.basePath)
        try FileManager.default.moveItem(atPath: staging, toPath: fixture.image.basePath)
        try exchange.send("GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=20000-20099\r\n\r\n")
        #expect(try exchange.nextResponse().status == 503)

        _ = fixture.registry.unpublish(host: "esx01")
        let republished = try fixture.registry.publish(try TestImage(existingFile: fixture.image.basePath, overlay: [:]),
                                                       host: "esx01", name: "esxi.iso")
        try exchange.send("GET \(republished.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=20000-20099\r\n\r\n")
        let response = try exchange.nextResponse()
        #expect(response.status == 206)
        #expect(response.body == Array(newBytes[20_000..<20_100]), "bytes of the new file, not of a handle kept open on the old one")
    }

    @Test("requests pipelined before an unparsable one are answered, then 400 and the connection closes")
    func parseErrorAfterPipelinedRequests() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let exchange = try EmbeddedExchange(registry: fixture.registry)
        defer { _ = try? exchange.channel.finish() }
        let path = fixture.published.path
        try exchange.send("GET \(path) HTTP/1.1\r\nHost: a\r\nRange: bytes=0-9\r\n\r\nGET \(path) HTTP/1.1\r\nHost: a\r\nRange: bytes=10-19\r\n\r\n"
            + "GET / HTTP/1.1\r\nHost: a\r\nBad Header Line\r\n\r\nGET \(path) HTTP/1.1\r\nHost: a\r\n\r\n")
        for start in [0, 10] {
            let response = try exchange.nextResponse()
            #expect(response.status == 206)
            #expect(response.body == Array(fixture.materialized[start..<(start + 10)]))
        }
        let refused = try exchange.nextResponse()
        #expect(refused.status == 400)
        #expect(refused.header("connection") == "close")
        #expect(exchange.leftoverBytes == 0, "nothing is answered after the 400")
        #expect(!exchange.channel.isActive)
    }

    @Test("100 requests pipelined in one write, read slowly at first, are all answered in order byte for byte")
    func pipeliningLive() async throws {
        let python = try Peer.tool("python3")
        let directory = try TemporaryDirectory()
        let live = try await LiveServer(directory: directory)
        let run = try Peer.run([python, Scripts.path("pipelined_client.py"), live.url, live.materializedPath, "100", "5"],
                               timeout: 120)
        await live.server.shutdown(grace: .seconds(2))
        #expect(run.status == 0, "pipelining client failed: \(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        #expect(result["ok"] as? Int == 100, "failures: \(result["failures"] ?? "?")")
        let stats = try #require(live.registry.statistics(host: "esx01"))
        #expect(stats.requests == 100 && stats.statuses == [206: 100])
    }

    @Test("the slow-client timeout cuts a response that makes no progress, on the event loop's clock")
    func slowClientTimeout() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let exchange = try EmbeddedExchange(registry: fixture.registry,
                                            limits: .init(idleTimeout: .seconds(30), slowClientTimeout: .seconds(5), fileChunkBytes: 4096))
        let loop = try #require(exchange.channel.eventLoop as? EmbeddedEventLoop)
        exchange.channel.isWritable = false  // the client reads nothing: the response cannot progress
        try exchange.channel.writeInbound(ByteBuffer(string: "GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\n\r\n"))
        loop.advanceTime(by: .seconds(4))
        #expect(exchange.channel.isActive)
        loop.advanceTime(by: .seconds(2))
        #expect(!exchange.channel.isActive, "no progress for 5 s: cut")
        let stats = try #require(fixture.registry.statistics(host: "esx01"))
        #expect(stats.requests == 1 && stats.rangesRead.isEmpty, "recorded as an incomplete response")
    }
}

/// Mutated request streams, split at random points: the connection never traps, every answer is a complete,
/// correctly framed response, every 206 carries exactly the bytes its Content-Range names, nothing follows a
/// 400, no descriptor outlives the connection, and no log line carries the token (or a near miss of it) beyond
/// its prefix. Seeded, so a failure names the iteration that replays it.
@Suite("Media server connections under mutated input")
struct MutatedInputTests {
    @Test("2,000 mutated, randomly split request streams")
    func mutatedStreams() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let path = fixture.published.path
        var rng = SplitMix64(seed: 2026)
        let length = UInt64(fixture.materialized.count)
        var statuses: [Int: Int] = [:]
        let log = CollectingLogHandler()
        let secret = String(fixture.published.token.dropFirst(6).prefix(12))
        for iteration in 0..<2_000 {
            var stream: [UInt8] = []
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let first = rng.next() % length, last = first + rng.next() % 9_000
                var request = Array("GET \(path) HTTP/1.1\r\nHost: x\r\nRange: bytes=\(first)-\(last)\r\n\r\n".utf8)
                if rng.next() % 3 == 0 {  // mutate one request in three: flips, insertions, deletions past the method
                    for _ in 0..<(1 + Int(rng.next() % 4)) {
                        let at = 4 + Int(rng.next() % UInt64(request.count - 4))
                        switch rng.next() % 3 {
                        case 0: request[at] = UInt8(truncatingIfNeeded: rng.next())
                        case 1: request.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                        default: request.remove(at: at)
                        }
                    }
                }
                stream += request
            }
            let exchange = try EmbeddedExchange(registry: fixture.registry, logger: Logger(label: "mutated") { _ in log })
            var offset = 0
            while offset < stream.count, exchange.channel.isActive {
                let size = 1 + Int(rng.next() % UInt64(min(stream.count - offset, 200)))
                try exchange.channel.writeInbound(ByteBuffer(bytes: stream[offset..<(offset + size)]))
                offset += size
            }
            try exchange.drainOutbound()
            var sawBadRequest = false
            while exchange.leftoverBytes > 0 {
                #expect(!sawBadRequest, "iteration \(iteration): bytes after a 400")
                let response = try exchange.nextResponse()
                statuses[response.status, default: 0] += 1
                if response.status == 400 { sawBadRequest = true }
                if response.status == 206 {
                    let range = try #require(response.header("content-range"), "iteration \(iteration)")
                    let numbers = range.dropFirst("bytes ".count).split(whereSeparator: { $0 == "-" || $0 == "/" }).compactMap { Int($0) }
                    try #require(numbers.count == 3, "iteration \(iteration): \(range)")
                    #expect(response.body == Array(fixture.materialized[numbers[0]...numbers[1]]), "iteration \(iteration): \(range)")
                }
            }
            if sawBadRequest { #expect(!exchange.channel.isActive, "iteration \(iteration): still open after a 400") }
            _ = try? exchange.channel.finish()
            #expect(ConnectionTests.openDescriptors(of: fixture.image.basePath) == 0, "iteration \(iteration): descriptor left open")
            let leaked = log.drain().filter { $0.contains(secret) }
            #expect(leaked.isEmpty, "iteration \(iteration): the token reached the log: \(leaked)")
        }
        // The mix must reach the interesting paths, or the test proves nothing.
        #expect((statuses[206] ?? 0) > 2_000 && (statuses[400] ?? 0) > 100 && statuses.keys.contains { $0 != 206 && $0 != 400 },
                "statuses: \(statuses)")
    }
}

/// Keeps every log line (message and metadata) at every level, for checks on what reaches logs.
final class CollectingLogHandler: LogHandler, Sendable {
    private let lines = NIOLockedValueBox<[String]>([])
    var metadata: Logger.Metadata {
        get { [:] }
        set {}  // the collector keeps everything
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}  // the collector keeps everything
    }
    subscript(metadataKey _: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}  // the collector keeps everything
    }

    func log(event: LogEvent) {
        let line = "\(event.message) \(event.metadata.map { "\($0)" } ?? "")"
        lines.withLockedValue { $0.append(line) }
    }

    /// The lines logged since the last call.
    func drain() -> [String] { lines.withLockedValue { lines in defer { lines = [] }; return lines } }
}
