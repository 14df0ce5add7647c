import Foundation
import Testing
import TestSupport

/// `vmedia install --until media-read` against three sushy-tools emulators (an independent Redfish service, fake
/// driver) on distinct 127.0.<n>.1 addresses: each emulator's InsertMedia downloads its host's image from vmedia's
/// media server (the file it writes has the sha256 of `vmedia remaster`'s output for that host), and the boot
/// override and the power-on are seen in the emulator's own state.
@Suite("vmedia install against sushy-emulator", .serialized)
struct SushyInstallTests {
    static let password = SushyEmulator.password

    @Test("three emulators each download their host's image (sha256 equal to vmedia remaster's file), are powered on, and have the boot override cleared afterwards")
    func threeEmulators() async throws {
        _ = try Peer.tool("sushy-emulator", package: "sushy-tools (pip, Tests/Peers/setup.sh)")
        _ = try Peer.python(module: "bcrypt")
        let directory = try TemporaryDirectory()
        let iso = directory.file("esxi.iso")
        let fixture = try VMediaBinary.run(["fixture", "--esxi", "8.0", "--output", iso, "--size", "8MiB"])
        try #require(fixture.status == 0, "\(fixture.stderr)")
        let emulators = try (0..<3).map { try SushyEmulator(address: "127.0.\(151 + $0).1", port: 8000) }
        defer { emulators.forEach { $0.stop() } }
        var yaml = "hosts:\n"
        for (index, emulator) in emulators.enumerated() {
            yaml += """
                  - ipmi: {vendor: generic, address: "\(emulator.base)", username: admin, password: \(Self.password)}
                    esxi: {esxi_disk: "local", password: "Sushy-Root-2026", address: 192.0.2.\(index + 20), gateway: 192.0.2.1, netmask: 255.255.255.0, hostname: esx-sushy-\(index + 1), mgtnic: vmnic0}

                """
        }
        let hosts = directory.file("hosts.yaml")
        try yaml.write(toFile: hosts, atomically: true, encoding: .utf8)

        // The emulator downloads from 127.0.0.1 whatever address it listens on, like a BMC behind NAT: --any-peer.
        let watching = Watcher()
        let watcher = Thread {
            while !watching.stopped { emulators.forEach { $0.keepDownloads() }; Thread.sleep(forTimeInterval: 0.02) }
        }
        watcher.start()
        let install = try VMediaBinary.run(["install", "--config", hosts, "--iso", iso, "--listen", "127.0.0.1:0",
                                            "--until", "media-read", "--any-peer", "--json"], timeout: 300)
        watching.stop()
        #expect(install.status == 0, "\(install.stdout)\n\(install.stderr)")

        let remaster = try VMediaBinary.run(["remaster", "--config", hosts, "--iso", iso, "--output", directory.file("out"), "--json"])
        try #require(remaster.status == 0, "\(remaster.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: remaster.stdoutData) as? [String: Any])
        let sizes = Dictionary(uniqueKeysWithValues: ((report["hosts"] as? [[String: Any]]) ?? []).map {
            ($0["bmc"] as? String ?? "", ($0["byteCount"] as? NSNumber)?.int64Value ?? -1)
        })
        let digests = Dictionary(uniqueKeysWithValues: ((report["hosts"] as? [[String: Any]]) ?? []).map {
            ($0["bmc"] as? String ?? "", $0["sha256"] as? String ?? "")
        })
        // Each emulator fetched at least its whole image (the remastered size), read back from the NDJSON summary.
        let summaryLine = try #require(install.stdout.split(separator: "\n").last)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(summaryLine.utf8)) as? [String: Any])
        let served = Dictionary(uniqueKeysWithValues: ((summary["hosts"] as? [[String: Any]]) ?? []).map {
            ($0["bmc"] as? String ?? "", ($0["bytesRead"] as? NSNumber)?.int64Value ?? 0)
        })
        // sushy-tools copies the whole image during InsertMedia and reads nothing after the power action: the
        // media evidence says the full download is all there is, for each host.
        let media = install.stdout.split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .compactMap { $0["media"] as? String }
        #expect(media.filter { $0.contains("the evidence is the full download") }.count == emulators.count, "\(media)")
        for emulator in emulators {
            let size = sizes[emulator.address] ?? -1
            #expect(size > 0)
            #expect((served[emulator.base] ?? 0) >= size, "\(emulator.base): served \(served[emulator.base] ?? 0) of \(size)")
            // What the emulator itself wrote to disk is byte for byte its host's `vmedia remaster` output.
            let expected = try #require(digests[emulator.address], "no remaster digest for \(emulator.address)")
            #expect(expected.count == 64)
            let downloaded = try emulator.downloadedDigests()
            #expect(downloaded == [expected], "\(emulator.base): downloaded \(downloaded), remaster \(expected)")
            let system = try await emulator.read("/redfish/v1/Systems/27946b59-9e44-4fa7-8e91-f3527a1ef094")
            #expect(system["PowerState"] as? String == "On")
            #expect((system["Boot"] as? [String: Any])?["BootSourceOverrideTarget"] as? String == "None", "\(system["Boot"] ?? "")")
            #expect(emulator.log.contains("InsertMedia") || emulator.log.contains("VirtualMedia"), "\(emulator.log)")
        }
    }
}

/// Tells the download watcher thread to stop.
final class Watcher: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    var stopped: Bool { lock.withLock { done } }
    func stop() { lock.withLock { done = true } }
}
