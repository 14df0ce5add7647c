@testable import Installer
@testable import MediaServer
import Testing

@Suite("Installer access log")
struct AccessLogTests {
    static func host(_ number: Int) -> String? { [nil, "esx-a", "esx-b"][number % 3] }

    static func event(_ number: Int) -> AccessEvent {
        AccessEvent(host: host(number), redactedPath: "/\(host(number) ?? "x")/abc…/esxi.iso", peer: "127.0.0.\(number % 250 + 1)",
                    method: "GET", range: "bytes=\(number)-\(number)", status: 206, bytesSent: 1,
                    servedRange: Int64(number)..<Int64(number + 1), time: Double(number), durationSeconds: 0, completed: true)
    }

    @Test("keeps exactly the last `limit` events, oldest first, across many wraps of the ring", arguments: [0, 1, 5, 7, 8, 9, 23, 1000])
    func ring(count: Int) async {
        let log = AccessLog(limit: 8)
        for number in 0..<count { await log.record(Self.event(number)) }
        // The last 8 events overall, then those for esx-a or for no image, newest last.
        let kept = (max(0, count - 8)..<count).filter { Self.host($0) != "esx-b" }
        let lines = await log.lines(for: "esx-a", maximum: 20)
        #expect(lines == kept.map { "127.0.0.\($0 % 250 + 1) GET /\(Self.host($0) ?? "x")/abc…/esxi.iso Range: bytes=\($0)-\($0) → 206" })
        #expect(await log.lines(for: "esx-a", maximum: 2) == Array(lines.suffix(2)))
    }
}
