import Foundation
import Testing
import TestSupport

/// `vmedia check --media` end to end against sushy-tools (an independent Redfish service): its InsertMedia downloads
/// the probe from vmedia's media server, and afterwards the emulator is as it was: powered off, no boot override,
/// nothing inserted.
@Suite("vmedia check --media against sushy-emulator", .serialized)
struct SushyPreflightTests {
    @Test("sushy-tools reads the probe during the insert: reachable, whole-file read, first byte; power, boot and media as before")
    func preflight() async throws {
        try SushyEmulator.checkPeers()
        let directory = try TemporaryDirectory()
        let emulator = try SushyEmulator(address: "127.0.155.1")
        defer { emulator.stop() }
        let hosts = directory.file("hosts.yaml")
        try """
            hosts:
              - ipmi: {vendor: generic, address: "\(emulator.base)", username: admin, password: \(SushyEmulator.password)}
                esxi: {esxi_disk: "local", password: "Sushy-Root-2026", address: 192.0.2.30, gateway: 192.0.2.1, netmask: 255.255.255.0, hostname: esx-sushy-pre, mgtnic: vmnic0}

            """.write(toFile: hosts, atomically: true, encoding: .utf8)
        let systemURI = SushyEmulator.system
        let before = try await emulator.read(systemURI)

        // sushy downloads from 127.0.0.1 whatever address it listens on (as a BMC behind NAT): --any-peer.
        let check = try VMediaBinary.run(["check", "--config", hosts, "--media", "--listen", "127.0.0.1:0", "--any-peer",
                                          "--media-wait", "10", "--json"], timeout: 120)
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
        let lines = check.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let report = try #require(lines.first { $0["kind"] as? String == "preflight" }, "\(check.stdout)")
        #expect(report["succeeded"] as? Bool == true, "\(report)")
        #expect(report["reachable"] as? Bool == true, "\(report)")
        #expect((report["requests"] as? Int ?? 0) >= 1 && (report["bytesRead"] as? Int ?? 0) > 0, "\(report)")
        #expect((report["timeToFirstByte"] as? Double).map { $0 >= 0 && $0 < 10 } == true, "\(report)")
        #expect(report["leftClean"] as? Bool == true, "\(report)")
        #expect(lines.contains { $0["summary"] as? Bool == true && $0["action"] as? String == "preflight" && $0["failed"] as? Int == 0 }, "\(check.stdout)")

        // Nothing changed: power, boot override, media.
        let after = try await emulator.read(systemURI)
        #expect(after["PowerState"] as? String == before["PowerState"] as? String, "\(after)")
        let boot = after["Boot"] as? [String: Any]
        #expect(boot?["BootSourceOverrideEnabled"] as? String == (before["Boot"] as? [String: Any])?["BootSourceOverrideEnabled"] as? String, "\(boot ?? [:])")
        #expect(!emulator.log.contains("ComputerSystem.Reset"), "no power action: \(emulator.log)")
        // The probe went into the system's Cd slot, which must be empty again.
        let cd = try await emulator.read(systemURI + "/VirtualMedia/Cd")
        #expect(cd["Image"] as? String == nil || cd["Image"] as? String == "", "the probe is still inserted: \(cd)")
        #expect((cd["Inserted"] as? Bool) != true, "the probe is still inserted: \(cd)")
    }
}
