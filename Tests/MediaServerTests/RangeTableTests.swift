import Foundation
@testable import MediaServer
import NIOCore
import NIOEmbedded
import Testing
import TestSupport

/// Every rule of RFC 9110 ranges and validators the server implements, one row each, on an `EmbeddedChannel`.
@Suite("Range requests on an EmbeddedChannel")
struct RangeTableTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        var method = "GET"
        var version = "HTTP/1.1"
        var headers: [String] = []
        /// "etag" / "lastmod" in header values are replaced with the image's validators.
        let status: Int
        /// The expected body as a range of the materialized image; nil: no image bytes (checked separately).
        var body: Range<Int64>? = nil
        var contentRange: String? = nil
        var testDescription: String { name }
    }

    /// Image length used by the rows: 64 KiB + 300 base bytes, 5,000 appended, 3,000 zeros.
    static let length: Int64 = 65_536 + 300 + 5_000 + 3_000

    static let rows: [Row] = [
        Row(name: "GET without Range: whole image", status: 200, body: 0..<length),
        Row(name: "HEAD without Range: GET's headers, no body", method: "HEAD", status: 200),
        Row(name: "a-b", headers: ["Range: bytes=0-99"], status: 206, body: 0..<100, contentRange: "bytes 0-99/\(length)"),
        Row(name: "a-b across replaced sectors and file runs", headers: ["Range: bytes=2000-10300"], status: 206, body: 2000..<10301,
            contentRange: "bytes 2000-10300/\(length)"),
        Row(name: "a-b across the base/appended boundary", headers: ["Range: bytes=65800-65900"], status: 206, body: 65800..<65901,
            contentRange: "bytes 65800-65900/\(length)"),
        Row(name: "a-b across appended bytes into the zero padding", headers: ["Range: bytes=70800-70900"], status: 206,
            body: 70800..<70901, contentRange: "bytes 70800-70900/\(length)"),
        Row(name: "a- (open end)", headers: ["Range: bytes=70000-"], status: 206, body: 70000..<length,
            contentRange: "bytes 70000-\(length - 1)/\(length)"),
        Row(name: "-n (last n bytes)", headers: ["Range: bytes=-500"], status: 206, body: (length - 500)..<length,
            contentRange: "bytes \(length - 500)-\(length - 1)/\(length)"),
        Row(name: "-n larger than the image: whole image as 206", headers: ["Range: bytes=-99999999"], status: 206, body: 0..<length,
            contentRange: "bytes 0-\(length - 1)/\(length)"),
        Row(name: "end past EOF is clamped", headers: ["Range: bytes=70000-99999999999"], status: 206, body: 70000..<length,
            contentRange: "bytes 70000-\(length - 1)/\(length)"),
        Row(name: "last byte only", headers: ["Range: bytes=\(length - 1)-\(length - 1)"], status: 206, body: (length - 1)..<length,
            contentRange: "bytes \(length - 1)-\(length - 1)/\(length)"),
        Row(name: "start at EOF: 416", headers: ["Range: bytes=\(length)-"], status: 416, contentRange: "bytes */\(length)"),
        Row(name: "-0: 416", headers: ["Range: bytes=-0"], status: 416, contentRange: "bytes */\(length)"),
        Row(name: "first > last is invalid syntax: ignored, 200", headers: ["Range: bytes=500-100"], status: 200, body: 0..<length),
        Row(name: "garbage Range is ignored: 200", headers: ["Range: bytes=abc"], status: 200, body: 0..<length),
        Row(name: "another unit is ignored: 200", headers: ["Range: items=0-5"], status: 200, body: 0..<length),
        Row(name: "OWS around the list is accepted", headers: ["Range: bytes= 10-19 "], status: 206, body: 10..<20,
            contentRange: "bytes 10-19/\(length)"),
        Row(name: "several ranges: 200 whole image", headers: ["Range: bytes=0-1,5-6"], status: 200, body: 0..<length),
        Row(name: "overlapping ranges: 200 whole image", headers: ["Range: bytes=0-100,50-150"], status: 200, body: 0..<length),
        Row(name: "several ranges, none satisfiable: 416", headers: ["Range: bytes=\(length)-,\(length + 9)-"], status: 416,
            contentRange: "bytes */\(length)"),
        Row(name: "HEAD with a Range: 206 headers, no body", method: "HEAD", headers: ["Range: bytes=0-99"], status: 206,
            contentRange: "bytes 0-99/\(length)"),
        Row(name: "If-Range with the ETag: range honoured", headers: ["Range: bytes=0-99", "If-Range: etag"], status: 206,
            body: 0..<100, contentRange: "bytes 0-99/\(length)"),
        Row(name: "If-Range with another ETag: whole image", headers: ["Range: bytes=0-99", "If-Range: \"stale\""], status: 200,
            body: 0..<length),
        Row(name: "If-Range with a weak ETag never matches", headers: ["Range: bytes=0-99", "If-Range: W/etag"], status: 200,
            body: 0..<length),
        Row(name: "If-Range with Last-Modified: range honoured", headers: ["Range: bytes=0-99", "If-Range: lastmod"], status: 206,
            body: 0..<100, contentRange: "bytes 0-99/\(length)"),
        Row(name: "If-Range with another date: whole image", headers: ["Range: bytes=0-99", "If-Range: Sun, 06 Nov 1994 08:49:37 GMT"],
            status: 200, body: 0..<length),
        Row(name: "HTTP/1.0 GET with a range", version: "HTTP/1.0", headers: ["Range: bytes=4096-8191"], status: 206, body: 4096..<8192,
            contentRange: "bytes 4096-8191/\(length)"),
    ]

    @Test("each row answers the status, headers and bytes RFC 9110 prescribes", arguments: rows)
    func row(_ row: Row) throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let exchange = try EmbeddedExchange(registry: fixture.registry)
        defer { _ = try? exchange.channel.finish() }
        let headers = row.headers.map {
            $0.replacingOccurrences(of: "etag", with: fixture.image.etag)
                .replacingOccurrences(of: "lastmod", with: fixture.image.lastModified.description)
        }
        try exchange.send("\(row.method) \(fixture.published.path) \(row.version)\r\nHost: 127.0.0.1\r\n"
            + headers.map { $0 + "\r\n" }.joined() + "\r\n")
        let response = try exchange.nextResponse(isHead: row.method == "HEAD")
        #expect(response.status == row.status)
        #expect(response.header("transfer-encoding") == nil)
        #expect(response.header("content-range") == row.contentRange)
        if row.status == 200 || row.status == 206 {
            #expect(response.header("accept-ranges") == "bytes")
            #expect(response.header("etag") == fixture.image.etag)
            #expect(response.header("last-modified") == fixture.image.lastModified.description)
            #expect(HTTPDate(imfFixdate: response.header("date") ?? "") != nil)
        }
        if let body = row.body {
            #expect(response.header("content-length") == "\(body.count)")
            #expect(response.body == Array(fixture.materialized[Int(body.lowerBound)..<Int(body.upperBound)]))
        } else if row.method == "HEAD" {
            #expect(response.body.isEmpty)
            #expect(exchange.leftoverBytes == 0, "HEAD must not send a body")
        }
        if row.status == 416 { #expect(response.header("content-length") == "\(response.body.count)") }
    }

    @Test("HTTP/1.1 without Host, or with two, is answered 400 (RFC 9112 §3.2); HTTP/1.0 without Host is served")
    func hostIsRequired() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let path = fixture.published.path
        for (request, status) in [("GET \(path) HTTP/1.1\r\nRange: bytes=0-9\r\n\r\n", 400),
                                  ("GET \(path) HTTP/1.1\r\nHost: a\r\nHost: b\r\nRange: bytes=0-9\r\n\r\n", 400),
                                  ("GET /status.json HTTP/1.1\r\n\r\n", 400),
                                  ("GET \(path) HTTP/1.0\r\nRange: bytes=0-9\r\n\r\n", 206),
                                  ("GET \(path) HTTP/1.1\r\nHost: a\r\nRange: bytes=0-9\r\n\r\n", 206)] {
            let exchange = try EmbeddedExchange(registry: fixture.registry)
            try exchange.send(request)
            let response = try exchange.nextResponse()
            #expect(response.status == status, "\(request.debugDescription)")
            if status == 400 {
                #expect(response.body.count < 100, "a refusal carries no image bytes")
                #expect(!exchange.channel.isActive, "a 400 closes the connection")
            }
            _ = try? exchange.channel.finish()
        }
    }

    @Test("HEAD answers exactly the headers GET would, with and without Range")
    func headEqualsGet() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        for range in ["", "Range: bytes=100-200\r\n", "Range: bytes=\(Self.length)-\r\n"] {
            let exchange = try EmbeddedExchange(registry: fixture.registry)
            try exchange.send("GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\n\(range)\r\n")
            let get = try exchange.nextResponse()
            try exchange.send("HEAD \(fixture.published.path) HTTP/1.1\r\nHost: a\r\n\(range)\r\n")
            let head = try exchange.nextResponse(isHead: true)
            #expect(head.status == get.status)
            #expect(head.comparableHeaders == get.comparableHeaders)
            #expect(exchange.leftoverBytes == 0)
            _ = try exchange.channel.finish()
        }
    }

    @Test("keep-alive: several requests on one HTTP/1.1 connection, pipelined too; Connection: close ends it")
    func keepAlive() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let exchange = try EmbeddedExchange(registry: fixture.registry)
        let path = fixture.published.path
        try exchange.send("GET \(path) HTTP/1.1\r\nHost: a\r\nRange: bytes=0-9\r\n\r\nGET \(path) HTTP/1.1\r\nHost: a\r\nRange: bytes=10-19\r\n\r\n")
        for start in [0, 10] {
            let response = try exchange.nextResponse()
            #expect(response.status == 206)
            #expect(response.header("connection") == "keep-alive")
            #expect(response.body == Array(fixture.materialized[start..<(start + 10)]))
        }
        #expect(exchange.channel.isActive)
        try exchange.send("GET \(path) HTTP/1.1\r\nHost: a\r\nRange: bytes=20-29\r\nConnection: close\r\n\r\n")
        let last = try exchange.nextResponse()
        #expect(last.header("connection") == "close")
        #expect(last.body == Array(fixture.materialized[20..<30]))
        #expect(!exchange.channel.isActive, "the server closes after Connection: close")
    }

    @Test("HTTP/1.0: closes after the response unless keep-alive is asked for")
    func http10() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let plain = try EmbeddedExchange(registry: fixture.registry)
        try plain.send("GET \(fixture.published.path) HTTP/1.0\r\nRange: bytes=0-9\r\n\r\n")
        let first = try plain.nextResponse()
        #expect(first.version == "HTTP/1.0")
        #expect(first.header("connection") == "close")
        #expect(!plain.channel.isActive)

        let keep = try EmbeddedExchange(registry: fixture.registry)
        defer { _ = try? keep.channel.finish() }
        try keep.send("GET \(fixture.published.path) HTTP/1.0\r\nConnection: keep-alive\r\nRange: bytes=0-9\r\n\r\n")
        let kept = try keep.nextResponse()
        #expect(kept.header("connection") == "keep-alive")
        #expect(keep.channel.isActive)
        try keep.send("GET \(fixture.published.path) HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try keep.nextResponse().body == Array(fixture.materialized))
    }

    @Test("paths: only the exact published path serves; everything else 404s and reveals nothing", arguments: [
        "/", "/status.txt", "/esx01", "/esx01/", "/esx01/TOKEN", "/esx01/TOKEN/esxi.iso?x=1", "/esx01/TOKEN/esxi.iso/",
        "/esx01/TOKEN/../TOKEN/esxi.iso", "/esx01/TOKEN/esxi%2eiso", "/esx01/TOKEN/%65sxi.iso", "/ESX01/TOKEN/esxi.iso",
        "/esx01/TOKEN/esxi.iso#frag", "//esx01/TOKEN/esxi.iso", "/esx01/TOKEN/./esxi.iso", "/../../etc/passwd",
        "/esx01/WRONGTOKEN/esxi.iso", "http://127.0.0.1/esx01/TOKEN/esxi.iso",
    ])
    func unknownPaths(_ pattern: String) throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let exchange = try EmbeddedExchange(registry: fixture.registry)
        defer { _ = try? exchange.channel.finish() }
        let path = pattern.replacingOccurrences(of: "WRONGTOKEN", with: String(fixture.published.token.reversed()))
            .replacingOccurrences(of: "TOKEN", with: fixture.published.token)
        try exchange.send("GET \(path) HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try exchange.nextResponse()
        #expect(response.status == 404)
        #expect(String(decoding: response.body, as: UTF8.self) == "404 Not Found\n")
        #expect(response.header("etag") == nil)
        // The connection stays usable.
        try exchange.send("GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=0-3\r\n\r\n")
        #expect(try exchange.nextResponse().status == 206)
    }

    @Test("methods other than GET and HEAD: 405 with Allow on images, 404 elsewhere")
    func methods() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let exchange = try EmbeddedExchange(registry: fixture.registry)
        defer { _ = try? exchange.channel.finish() }
        try exchange.send("POST \(fixture.published.path) HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
        let response = try exchange.nextResponse()
        #expect(response.status == 405)
        #expect(response.header("allow") == "GET, HEAD")
        try exchange.send("DELETE /nothing HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try exchange.nextResponse().status == 404)
    }

    @Test("allowlist: the BMC's address reads, any other gets 403")
    func allowlist() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory, allowedPeers: ["127.0.0.7"])
        let bmc = try EmbeddedExchange(registry: fixture.registry, peer: "127.0.0.7")
        try bmc.send("GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=0-0\r\n\r\n")
        #expect(try bmc.nextResponse().status == 206)
        let stranger = try EmbeddedExchange(registry: fixture.registry, peer: "127.0.0.8")
        try stranger.send("GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=0-0\r\n\r\n")
        let refused = try stranger.nextResponse()
        #expect(refused.status == 403)
        #expect(refused.header("etag") == nil)
        _ = try bmc.channel.finish()
        _ = try stranger.channel.finish()
    }

    @Test("a source file changed while served (mtime, size, replaced inode) answers 503, other images keep serving",
          arguments: ["mtime", "size", "inode"])
    func sourceChanged(_ change: String) throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let other = try TestImage(in: directory, name: "other.iso", baseLength: 8192, replacedSectors: [1], appendedLength: 10, seed: 9)
        let otherPublished = try fixture.registry.publish(other, host: "esx02", name: "esxi.iso")
        switch change {
        case "mtime":
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)], ofItemAtPath: fixture.image.basePath)
        case "size":
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fixture.image.basePath))
            try handle.truncate(atOffset: 1000)
            try handle.close()
        default:
            let copy = directory.file("copy")
            try FileManager.default.copyItem(atPath: fixture.image.basePath, toPath: copy)
            try FileManager.default.removeItem(atPath: fixture.image.basePath)
            try FileManager.default.moveItem(atPath: copy, toPath: fixture.image.basePath)
        }
        let exchange = try EmbeddedExchange(registry: fixture.registry)
        defer { _ = try? exchange.channel.finish() }
        try exchange.send("GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=0-9\r\n\r\n")
        let response = try exchange.nextResponse()
        #expect(response.status == 503)
        #expect(response.header("retry-after") != nil)
        try exchange.send("GET \(otherPublished.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=0-9\r\n\r\n")
        #expect(try exchange.nextResponse().status == 206)
    }

    @Test("statistics: requests, bytes, peers, times and coalesced ranges of completed responses")
    func statistics() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let exchange = try EmbeddedExchange(registry: fixture.registry)
        defer { _ = try? exchange.channel.finish() }
        for range in ["0-99", "100-199", "300-399", "350-499", "\(Self.length)-"] {
            try exchange.send("GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=\(range)\r\n\r\n")
            _ = try exchange.nextResponse()
        }
        let stats = try #require(fixture.registry.statistics(host: "esx01"))
        #expect(stats.requests == 5)
        #expect(stats.rangesRead == [0..<200, 300..<500])
        #expect(stats.distinctBytesRead == 400)
        #expect(stats.bytesServed == 100 + 100 + 100 + 150 + Int64("416 Range Not Satisfiable\n".utf8.count))
        #expect(stats.peers == ["127.0.0.1"])
        #expect(stats.statuses == [206: 4, 416: 1])
        #expect(stats.firstAccess != nil && stats.lastAccess! >= stats.firstAccess!)
    }

    @Test("the idle timeout closes a connection that sends no complete request")
    func idleTimeout() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let exchange = try EmbeddedExchange(registry: fixture.registry,
                                            limits: .init(idleTimeout: .seconds(5), slowClientTimeout: .seconds(5), fileChunkBytes: 4096))
        try exchange.send("GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=0-0\r\n")  // head never completed
        (exchange.channel.eventLoop as! EmbeddedEventLoop).advanceTime(by: .seconds(4))
        #expect(exchange.channel.isActive)
        (exchange.channel.eventLoop as! EmbeddedEventLoop).advanceTime(by: .seconds(2))
        #expect(!exchange.channel.isActive)
    }
}

/// A published test image (64 KiB + 300 bytes base, sectors 0, 3, 4 and 31 replaced, 5,000 bytes appended, 3,000
/// zeros) and its
/// materialized bytes.
struct Fixture {
    let registry: ImageRegistry
    let image: TestImage
    let published: PublishedImage
    let materialized: [UInt8]

    init(directory: TemporaryDirectory, allowedPeers: [String]? = nil) throws {
        registry = ImageRegistry()
        image = try TestImage(in: directory, baseLength: 65_536 + 300, replacedSectors: [0, 3, 4, 31], appendedLength: 5_000,
                          padding: 3_000)
        published = try registry.publish(image, host: "esx01", name: "esxi.iso", allowedPeers: allowedPeers)
        materialized = [UInt8](try image.materialize(to: directory.file("materialized.iso")))
    }
}
