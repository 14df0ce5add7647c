import BMCSimulator
import Foundation
import Testing
import TestSupport
@testable import VMediaCLI

/// Verified BMC TLS in hosts-file runs: `check`, `eject` and `install` honour the hosts file's `tls_ca:` /
/// `tls_pin:` and the command line's `--tls-ca` / `--tls-pin`, against a simulated BMC serving the simulator's
/// certificate (which names 127.0.0.1, so chain and name verification can pass there), and a CA openssl makes.
@Suite("BMC certificate verification in hosts-file commands", .serialized)
struct BMCTrustTests {
    static let simulatorCA = Peer.packageRoot.appendingPathComponent("Fixtures/simulator/simulator-cert.pem").path

    /// One generic simulated BMC on 127.0.0.1 (the address the simulator's certificate names).
    static func startBMC() async throws -> SimulatedBMC {
        let config = BMCConfiguration(name: "bmc-tls", flavour: .generic, address: "127.0.0.1", port: 0, useTLS: true,
                                      username: DemoLab.bmcUser, password: DemoLab.bmcPassword, index: 0,
                                      esxiPort: 9443, esxiUsesTLS: true)
        let simulator = try SimulatedBMC(configuration: config)
        try await simulator.start()
        return simulator
    }

    /// A hosts file for that BMC with `extra` added to its ipmi mapping (e.g. `, tls_ca: ca.pem`).
    static func hostsFile(_ simulator: SimulatedBMC, extra: String, in directory: TemporaryDirectory, name: String = "hosts.yaml") throws -> String {
        let text = """
            hosts:
              - ipmi: {vendor: generic, address: "https://127.0.0.1:\(simulator.port)", username: \(DemoLab.bmcUser), password: \(DemoLab.bmcPassword)\(extra)}
                esxi: {esxi_disk: local, password: "Demo-Root-2026", address: 192.0.2.10, gateway: 192.0.2.1, netmask: 255.255.255.0, hostname: esx-tls, mgtnic: vmnic0}

            """
        let path = directory.file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A self-signed certificate for 127.0.0.1 that did not sign the simulator's: the "wrong CA".
    static func otherCA(in directory: TemporaryDirectory) throws -> String {
        let cert = directory.file("other-ca.pem")
        let result = try Peer.run([try Peer.tool("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                   "-nodes", "-days", "2", "-subj", "/CN=other", "-addext", "subjectAltName=IP:127.0.0.1",
                                   "-keyout", directory.file("other-key.pem"), "-out", cert])
        #expect(result.status == 0, "\(result.stderr)")
        return cert
    }

    @Test("check: the hosts file's tls_ca verifies the BMC; a wrong CA fails that host with the reason; --tls-ca on the command line overrides the file")
    func certificateAuthority() async throws {
        let directory = try TemporaryDirectory()
        let simulator = try await Self.startBMC()
        defer { Task { await simulator.stop() } }
        let other = try Self.otherCA(in: directory)
        let known = ["--known-bmcs", directory.file("known_bmcs")]

        let right = try Self.hostsFile(simulator, extra: ", tls_ca: \(Self.simulatorCA)", in: directory)
        let ok = try VMediaBinary.run(["check", "--config", right] + known)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(!ok.stderr.contains("is not verified"), "\(ok.stderr)")

        let wrong = try Self.hostsFile(simulator, extra: ", tls_ca: \(other)", in: directory, name: "wrong.yaml")
        let refused = try VMediaBinary.run(["check", "--config", wrong, "--json"] + known)
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stdout.contains("\"succeeded\":false") && refused.stdout.contains("TLS certificate not trusted"), "\(refused.stdout)")
        #expect(refused.stdout.contains("--tls-ca"), "the failure names the fix: \(refused.stdout)")

        // The command line's choice applies to every host of the run, over the hosts file's.
        let overridden = try VMediaBinary.run(["check", "--config", right, "--tls-ca", other] + known)
        #expect(overridden.status == 1 && overridden.stdout.contains("TLS certificate not trusted"), "\(overridden.stdout)\(overridden.stderr)")
        let fixed = try VMediaBinary.run(["check", "--config", wrong, "--tls-ca", Self.simulatorCA] + known)
        #expect(fixed.status == 0, "\(fixed.stdout)\(fixed.stderr)")
        #expect(simulator.liveSessionCount == 0)
    }

    @Test("check/eject: tls_pin: true records the key on first use and checks it later; a changed key is refused; a hosts-file pin is checked as given")
    func pinning() async throws {
        let directory = try TemporaryDirectory()
        let simulator = try await Self.startBMC()
        defer { Task { await simulator.stop() } }
        let knownPath = directory.file("known_bmcs")
        let known = ["--known-bmcs", knownPath]
        let hosts = try Self.hostsFile(simulator, extra: ", tls_pin: true", in: directory)

        let first = try VMediaBinary.run(["check", "--config", hosts] + known)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let recorded = try String(contentsOfFile: knownPath, encoding: .utf8)
        let expectedPin = try #require(SimulatedLabHostsFile.simulatorKeyPin)
        #expect(recorded == "127.0.0.1:\(simulator.port) \(expectedPin)\n")
        let again = try VMediaBinary.run(["eject", "--config", hosts] + known)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try String(contentsOfFile: knownPath, encoding: .utf8) == recorded, "a known key is not recorded twice")

        // Another key on file for this BMC: what a replaced certificate or an interceptor looks like.
        let otherPin = "sha256//" + String(repeating: "B", count: 43) + "="
        try "127.0.0.1:\(simulator.port) \(otherPin)\n".write(toFile: knownPath, atomically: true, encoding: .utf8)
        let changed = try VMediaBinary.run(["check", "--config", hosts] + known)
        #expect(changed.status == 1, "\(changed.stdout)\(changed.stderr)")
        #expect(changed.stdout.contains("TLS public key changed") && changed.stdout.contains(knownPath), "\(changed.stdout)")

        // A pin written in the hosts file: the right one passes, another is refused naming tls_pin.
        let pinned = try Self.hostsFile(simulator, extra: ", tls_pin: \"\(expectedPin)\"", in: directory, name: "pinned.yaml")
        let good = try VMediaBinary.run(["check", "--config", pinned] + known)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        let badPinned = try Self.hostsFile(simulator, extra: ", tls_pin: \"\(otherPin)\"", in: directory, name: "bad-pin.yaml")
        let bad = try VMediaBinary.run(["check", "--config", badPinned] + known)
        #expect(bad.status == 1 && bad.stdout.contains("TLS public key changed") && bad.stdout.contains("update tls_pin"), "\(bad.stdout)")
        #expect(simulator.liveSessionCount == 0)
    }

    @Test("without any TLS setting the warning names the BMC, the host and the keys that verify it; --insecure silences it")
    func unverifiedWarning() async throws {
        let directory = try TemporaryDirectory()
        let simulator = try await Self.startBMC()
        defer { Task { await simulator.stop() } }
        let hosts = try Self.hostsFile(simulator, extra: "", in: directory)
        let known = ["--known-bmcs", directory.file("known_bmcs")]
        let warned = try VMediaBinary.run(["check", "--config", hosts] + known)
        #expect(warned.status == 0, "\(warned.stdout)\(warned.stderr)")
        #expect(warned.stderr.contains("TLS certificate of 127.0.0.1 is not verified") && warned.stderr.contains("for esx-tls")
                && warned.stderr.contains("tls_ca: FILE or tls_pin: true"), "\(warned.stderr)")
        let quiet = try VMediaBinary.run(["check", "--config", hosts, "--insecure"] + known)
        #expect(quiet.status == 0 && !quiet.stderr.contains("is not verified"), "\(quiet.stderr)")
        let both = try VMediaBinary.run(["check", "--config", hosts, "--insecure", "--tls-pin"] + known)
        #expect(both.status == 64 && both.stderr.contains("choose one of --tls-ca FILE, --tls-pin or --insecure"), "\(both.stderr)")
    }

    @Test("install: a BMC whose certificate the hosts file's CA does not sign fails in check-bmc with the reason; nothing is inserted")
    func installRefusesUntrustedBMC() async throws {
        let directory = try TemporaryDirectory()
        let simulator = try await Self.startBMC()
        defer { Task { await simulator.stop() } }
        let iso = directory.file("esxi.iso")
        try DemoISO.write(to: iso)
        let hosts = try Self.hostsFile(simulator, extra: ", tls_ca: \(try Self.otherCA(in: directory))", in: directory)
        let result = try VMediaBinary.run(["install", "--config", hosts, "--iso", iso, "--listen", "127.0.0.1:0", "--until", "rebooted",
                                           "--json", "--known-bmcs", directory.file("known_bmcs")])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let summary = try #require(result.stdout.split(separator: "\n").last.map(String.init))
        #expect(summary.contains("\"phase\":\"check-bmc\"") && summary.contains("TLS certificate not trusted"), "\(summary)")
        #expect(simulator.insertedMedia.isEmpty && simulator.sessionsCreated == 0)
    }
}
