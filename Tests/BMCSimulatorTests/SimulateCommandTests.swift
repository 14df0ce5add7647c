import Foundation
import Testing
import TestSupport

@Suite("vmedia simulate")
struct SimulateCommandTests {
    @Test("--json prints a started line with every BMC and a stopped line, and never the password")
    func jsonOutput() throws {
        let marker = "Pw-\(UUID().uuidString)"
        let result = try VMediaBinary.run(["simulate", "--count", "3", "--vendors", "xcc,ilo5", "--first-address", "127.0.61.1",
                                           "--port", "0", "--plain-http", "--duration", "0.5", "--json"],
                                          environment: ["VMEDIA_SIMULATOR_PASSWORD": marker], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains(marker) && !result.stderr.contains(marker))
        let lines = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        try #require(lines.count == 2, "stdout: \(result.stdout)")
        #expect(lines[0]["event"] as? String == "started")
        let bmcs = lines[0]["bmcs"] as? [[String: Any]] ?? []
        #expect(bmcs.map { $0["address"] as? String } == ["127.0.61.1", "127.0.61.2", "127.0.61.3"])
        #expect(bmcs.map { $0["flavour"] as? String } == ["xcc", "ilo5", "xcc"])
        #expect(bmcs.allSatisfy { ($0["passwordSource"] as? String)?.contains("VMEDIA_SIMULATOR_PASSWORD") == true })
        #expect(bmcs.allSatisfy { ($0["port"] as? Int ?? 0) > 0 })
        #expect(lines[1]["event"] as? String == "stopped")
    }

    @Test("a non-loopback address is refused with exit 1 and a message naming the fix")
    func refusesRealAddresses() throws {
        let result = try VMediaBinary.run(["simulate", "--first-address", "192.0.2.10", "--duration", "0.1"], timeout: 30)
        #expect(result.status == 1)
        #expect(result.stderr.contains("127.0.0.0/8"))
    }

    @Test("an unknown vendor is a usage error (exit 64)")
    func unknownVendor() throws {
        let result = try VMediaBinary.run(["simulate", "--vendors", "cisco"], timeout: 30)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--vendors"))
    }
}
