import Foundation
import ISO9660
import TestSupport
import Testing
import Primitives

/// The server in its own process (`media-bench`) under hostile input, so its file descriptors and memory are its
/// own and can be compared before and after.
@Suite("Media server under hostile input", .serialized)
struct HostileInputTests {
    /// `media-bench` beside the test bundle (swift build builds it with the tests).
    static var mediaBench: String {
        URL(fileURLWithPath: VMediaBinary.path).deletingLastPathComponent().appendingPathComponent("media-bench").path
    }

    @Test("garbage, oversized headers, 1,000 dropped connections, idle clients, bad ranges and paths: valid reads keep working, fds and memory return")
    func hostileInput() async throws {
        let python = try Peer.tool("python3")
        guard FileManager.default.isExecutableFile(atPath: Self.mediaBench) else {
            Issue.record("media-bench not built at \(Self.mediaBench) (swift build --build-tests builds it)")
            return
        }
        let directory = try TemporaryDirectory()
        let source = directory.file("source.bin")
        var rng = SplitMix64(seed: 3)
        try Data(rng.bytes(16 << 20)).write(to: URL(fileURLWithPath: source))
        let image = directory.file("image.iso")
        let server = try BackgroundProcess([Self.mediaBench, "--source", source, "--materialize", image, "--timeout", "2",
                                            "--threads", "2"], output: directory.file("server.log"))
        defer { server.stop() }
        let url = try await server.waitForLine(prefix: "URL ", timeout: .seconds(60))

        let run = try Peer.run([python, Scripts.path("hostile_client.py"), url, image, "\(server.pid)", "2"], timeout: 240)
        #expect(run.status == 0, "hostile client failed: \(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any], "\(run.stdout)")
        print("hostile input report: \(run.stdout)")
        let phases = try #require(report["phases"] as? [String: Any])
        #expect((report["valid_failures"] as? [String]) == [], "valid requests failed during hostile input")

        let garbage = phases["garbage"] as? [String] ?? []
        #expect(garbage.count == 7 && garbage.allSatisfy { $0.hasPrefix("HTTP/1.1 400") || $0 == "" || $0 == "reset" },
                "garbage request lines get 400 or a closed connection: \(garbage)")
        #expect(garbage.filter { $0.hasPrefix("HTTP/1.1 400") }.count >= 5, "\(garbage)")
        let oversized = phases["oversized"] as? [String] ?? []
        #expect(oversized.allSatisfy { $0.hasPrefix("HTTP/1.1 400") || $0 == "reset" }, "\(oversized)")
        #expect(phases["idle_closed"] as? Int == 50, "every idle client is closed by the idle timeout")
        #expect((phases["idle_seconds"] as? Double ?? 99) < 5)
        #expect(phases["ranges"] as? [Int] == [200, 200, 200, 200, 200, 200, 416, 416, 416, 206])
        #expect(phases["paths"] as? [Int] == [404, 404, 404, 404, 404, 404, 404, 404])

        let baseline = try #require(report["baseline"] as? [String: Int])
        let after = try #require(report["after"] as? [String: Int])
        #expect(after["fds"] == baseline["fds"], "open file descriptors return to the baseline: \(baseline) → \(after)")
        // RSS: the allocator keeps some freed pages; what matters is that nothing grows with the number of
        // connections or requests (1,000 connections would leak far more than this).
        #expect(after["rss_kib"]! <= baseline["rss_kib"]! + 8 * 1024, "memory returns near the baseline: \(baseline) → \(after)")

        // Still serving after all of it.
        let curl = try Peer.tool("curl")
        let final = try Peer.run([curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-r", "0-99", url])
        #expect(final.stdout == "206")
    }
}
