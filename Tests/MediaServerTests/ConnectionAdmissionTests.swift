import Foundation
import Logging
@testable import MediaServer
import Testing
import TestSupport

/// Nobody can starve the BMCs: idle sockets from other addresses are limited per client and kept out of the
/// capacity reserved for the published images' BMCs. Before, the 1,024-connection cap was global and checked before
/// the per-image peer check, so 1,024 idle sockets from anywhere made the BMC's range request get 503.
@Suite("Connection admission", .serialized)
struct ConnectionAdmissionTests {
    /// Holds `count` idle sockets from `sources` (round robin, each bound to its 127.x address), then the BMC at
    /// `bmc` asks for a range. Prints the BMC's status line and how many idle sockets the server kept open.
    static let script = """
        import resource, socket, sys, time
        port, bmc, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
        sources, path = sys.argv[4].split(","), sys.argv[5]
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 200)), hard))
        held = []
        for i in range(count):
            s = socket.socket()
            s.bind((sources[i % len(sources)], 0))
            s.connect(("127.0.0.1", port))
            held.append(s)
        time.sleep(1.0)
        # Sockets the server refused were closed by it: they read EOF (or a 503) without blocking.
        kept = 0
        for s in held:
            s.setblocking(False)
            try:
                data = s.recv(100)
                if data == b"" or data.startswith(b"HTTP/1.1 503"): continue
            except BlockingIOError:
                kept += 1
            except ConnectionResetError:
                pass
        c = socket.socket()
        c.bind((bmc, 0))
        c.settimeout(10)
        c.connect(("127.0.0.1", port))
        c.sendall(f"GET {path} HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nRange: bytes=0-1023\\r\\nConnection: close\\r\\n\\r\\n".encode())
        print(c.recv(64).split(b"\\r\\n")[0].decode())
        print(kept)
        """

    static func serve(allowing bmc: String, configuration: MediaServer.Configuration = .init())
        async throws -> (server: MediaServer, port: Int, path: String)
    {
        let registry = ImageRegistry()
        let server = MediaServer(registry: registry, configuration: configuration,
                                 logger: Logger(label: "admission", factory: { _ in SwiftLogNoOpLogHandler() }))
        let address = try await server.start(host: "127.0.0.1", port: 0)
        let published = try registry.publish(ZeroImage(), host: "esx01", name: "esxi.iso", allowedPeers: [bmc])
        return (server, try #require(address.port), published.path)
    }

    /// Serves an image only 127.0.0.55 may read, holds 1,100 idle sockets from `sources`, then lets that BMC ask
    /// for a range: (its status line, the idle sockets the server kept).
    static func starve(from sources: [String]) async throws -> (status: String?, kept: String?) {
        let (server, port, path) = try await serve(allowing: "127.0.0.55")
        let run = try Peer.run([try Peer.tool("python3"), "-c", script, "\(port)", "127.0.0.55", "1100",
                                sources.joined(separator: ","), path], timeout: 120)
        await server.shutdown(grace: .seconds(1))
        let lines = run.stdout.split(separator: "\n").map(String.init)
        if lines.count < 2 { Issue.record("client output: \(run.stdout)\(run.stderr)") }
        return (lines.first, lines.dropFirst().first)
    }

    @Test("1,100 idle sockets from 127.0.0.77: it keeps 64, and the BMC's range request is answered 206")
    func oneAddressCannotStarve() async throws {
        let (status, kept) = try await Self.starve(from: ["127.0.0.77"])
        #expect(status == "HTTP/1.1 206 Partial Content")
        #expect(kept == "64", "idle sockets the server kept")
    }

    @Test("1,100 idle sockets from 100 addresses: they get at most the unreserved 768, and the BMC still gets 206")
    func manyAddressesCannotStarve() async throws {
        let (status, kept) = try await Self.starve(from: (100..<200).map { "127.0.1.\($0)" })
        #expect(status == "HTTP/1.1 206 Partial Content")
        #expect(kept == "768", "idle sockets the server kept")
    }

    @Test("the allowlist applies at accept time; limits per client, reserve and release")
    func admissionRules() {
        var admission = ConnectionAdmission(limits: .init(maximum: 10, perClient: 3, reservedForBMCs: 4))
        let readers = ConnectionAdmission.Readers(bmcs: ["192.0.2.11"], anyoneMayRead: false)
        // Not a BMC of any image, not loopback: closed before a byte is read.
        #expect(admission.admit("192.0.2.99", readers: readers, draining: false) == .refuse(.notAllowed))
        // Open images (no allowlist) admit anyone.
        #expect(admission.admit("192.0.2.99", readers: .init(bmcs: [], anyoneMayRead: true), draining: false) == .admit(bmc: false))
        admission.release("192.0.2.99", bmc: false)
        for _ in 0..<3 { #expect(admission.admit("192.0.2.11", readers: readers, draining: false) == .admit(bmc: true)) }
        #expect(admission.admit("192.0.2.11", readers: readers, draining: false) == .refuse(.perClient))
        // Loopback clients share the 10 − 4 unreserved connections.
        for index in 0..<6 { #expect(admission.admit("127.0.0.\(index + 1)", readers: readers, draining: false) == .admit(bmc: false)) }
        #expect(admission.admit("127.0.0.9", readers: readers, draining: false) == .refuse(.others))
        admission.release("127.0.0.1", bmc: false)
        #expect(admission.admit("127.0.0.9", readers: readers, draining: false) == .admit(bmc: false))
        #expect(admission.total == 9 && admission.others == 6)
        #expect(admission.admit("192.0.2.11", readers: readers, draining: true) == .refuse(.draining))
    }

    @Test("refusals are logged once per interval as counts, not one line each")
    func refusalLogIsRateLimited() {
        var log = RefusalLog(interval: 10)
        var lines: [String] = []
        for index in 0..<1000 {
            if let line = log.record(.perClient, peer: index < 900 ? "127.0.0.77" : "127.0.0.78", now: 100 + Double(index) / 1000) {
                lines.append(line)
            }
        }
        #expect(lines.count == 1, "\(lines)")
        let summary = log.record(.others, peer: "127.0.0.79", now: 111)
        #expect(summary == "refused 1000 connection(s) (999 per-client connection limit, 1 connections for non-BMC clients used up); most from 127.0.0.77 (899) from 3 address(es)")
        #expect(log.flush(now: 112) == nil)
    }
}

/// 64 KiB of zeros: what is served does not matter here, only who gets served.
private struct ZeroImage: ServableImage {
    var byteCount: Int64 { 64 * 1024 }
    var etag: String { "\"zeros\"" }
    var lastModified: HTTPDate { HTTPDate(secondsSince1970: 1_700_000_000) }
    func segments(in range: Range<Int64>) -> [ImageSegment] { [.zeros(length: Int64(range.count))] }
    func checkSourceUnchanged() throws {}
}
