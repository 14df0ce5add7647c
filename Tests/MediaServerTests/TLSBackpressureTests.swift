import Foundation
import MediaServer
import Testing
import TestSupport

/// Over TLS the image's file runs are read into buffers (a FileRegion cannot pass through TLS). A client that reads
/// slowly, or not at all, must hold the server to a bounded amount of those buffers, as the plain-HTTP path is held
/// by the socket's writability: BMC fleets read 600 MiB images over HTTPS for the length of an install.
@Suite("HTTPS media backpressure", .serialized)
struct TLSBackpressureTests {
    /// This process's resident set (VmRSS), in bytes.
    static func residentBytes() throws -> Int64 {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kib = try #require(Int64(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? ""))
        return kib * 1024
    }

    @Test("a TLS client that requests 160 MiB and reads nothing makes the server hold a few MiB, not the image; then it completes")
    func stalledReaderIsBounded() async throws {
        let python = try Peer.tool("python3")
        let directory = try TemporaryDirectory()
        let live = try await LiveServer(directory: directory, baseLength: 160 << 20)
        defer { Task { await live.server.shutdown(grace: .seconds(1)) } }
        _ = try live.server.ensureTLS(.stateDirectory(directory.file("state")), addresses: ["127.0.0.1"])
        let url = try #require(URL(string: try live.server.url(for: live.published, advertising: "127.0.0.1", https: true)))
        // The client asks for the whole image, sleeps without reading, then reads it all and prints the byte count.
        let script = """
            import socket, ssl, sys, time
            context = ssl.create_default_context(); context.check_hostname = False; context.verify_mode = ssl.CERT_NONE
            raw = socket.create_connection(("127.0.0.1", \(url.port ?? 0)))
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            tls = context.wrap_socket(raw)
            tls.sendall(b"GET \(url.path) HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n")
            print("sent", flush=True)
            time.sleep(4)
            total = 0
            while True:
                chunk = tls.recv(1 << 20)
                if not chunk: break
                total += len(chunk)
            print("read", total, flush=True)
            """
        let before = try Self.residentBytes()
        let client = try BackgroundProcess([python, "-c", script], output: directory.file("client.log"))
        _ = try await client.waitForLine(prefix: "sent", timeout: .seconds(30))
        try await Task.sleep(for: .seconds(2))
        let stalled = try Self.residentBytes()
        // The bound: socket buffers plus a few pieces in flight; reading the range into memory would be >= 160 MiB.
        #expect(stalled - before < 48 << 20, "resident set grew by \((stalled - before) >> 20) MiB while the client read nothing")
        let done = try await client.waitForLine(prefix: "read", timeout: .seconds(120))
        let headerAndBody = Int64(done.split(separator: " ").last ?? "") ?? 0
        #expect(headerAndBody > live.image.byteCount, "the whole image arrived after the stall: \(done)")
    }
}
