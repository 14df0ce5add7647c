import BMCSimulator
import Foundation
import Installer
import Testing
import TestSupport
@testable import VMediaCLI

/// The pre-flight's three verdicts against simulated BMCs: only the iDRACs fetch during InsertMedia (redfish-vendors.md
/// §4 "Verification signal"); iLO accepts and fetches later (python-redfish-utility#2) and other firmware only when
/// the host reads the CD, so on a mixed rack those are "not proven", which must neither pass as reachable nor stop
/// `install --preflight` (else the flag could never pass there). `--require-read` makes them fail; a definite failure
/// (the URL unreachable) always stops the install before any power or boot write.
@Suite("Media pre-flight verdicts: proven, not proven, failed", .serialized)
struct PreflightVerdictTests {
    static let rack: [VendorFlavor] = [.dellIDRAC9, .hpeILO5, .lenovoXCC]

    static func summary(_ stdout: String) throws -> [String: Any] {
        let line = try #require(stdout.split(separator: "\n").last { $0.contains("\"summary\":true") && $0.contains("\"preflight\"") },
                                "no pre-flight summary: \(stdout)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("iDRAC reads at insert: proven; iLO and XCC read nothing: not proven, which blocks only with requireRead")
    func verdicts() async throws {
        let run = try await MediaPreflightTests.preflight(Self.rack, subnet: 231)
        defer { Task { await run.lab.stop() } }
        let verdicts = run.reports.map(\.verdict)
        #expect(verdicts == [.proven, .notProven, .notProven], "\(run.reports.map { "\($0.host): \($0.message)" })")
        for report in run.reports {
            #expect(report.blocks(requireRead: true) == (report.verdict != .proven))
            #expect(!report.blocks(requireRead: false), "\(report.host): \(report.message)")
        }
        #expect(run.reports[1].message.contains("not a failure unless --require-read"), "\(run.reports[1].message)")
        for host in run.lab.hosts { MediaPreflightTests.expectOnlyMediaWrites(host) }
    }

    @Test("check --media on a mixed rack: exit 0 with notProven counted; --require-read: exit 1")
    func checkMedia() async throws {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 3, flavours: Self.rack, subnet: 233, esxiPort: 9443)
        defer { Task { await lab.stop() } }
        let arguments = ["check", "--config", lab.hostsFilePath, "--media", "--listen", "127.0.0.1:0", "--media-wait", "2s", "--json"]
        let plain = try VMediaBinary.run(arguments, timeout: 120)
        #expect(plain.status == 0, "\(plain.stdout)\(plain.stderr)")
        let summary = try Self.summary(plain.stdout)
        #expect(summary["succeeded"] as? Int == 1 && summary["notProven"] as? Int == 2 && summary["failed"] as? Int == 0, "\(summary)")
        #expect(plain.stderr.contains("2 host(s) not proven"), "\(plain.stderr)")
        #expect(plain.stdout.contains("\"verdict\":\"not-proven\"") && plain.stdout.contains("\"verdict\":\"proven\""))

        let strict = try VMediaBinary.run(arguments + ["--require-read"], timeout: 120)
        #expect(strict.status == 1, "\(strict.stdout)\(strict.stderr)")
        #expect(try Self.summary(strict.stdout)["failed"] as? Int == 2)
    }

    @Test("install --preflight on a mixed rack installs every host; --require-read stops it before any power or boot write")
    func installPreflight() async throws {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 3, flavours: Self.rack, subnet: 235, esxiPort: 9443)
        defer { Task { await lab.stop() } }
        let install = ["install", "--config", lab.hostsFilePath, "--iso", lab.isoPath, "--listen", "127.0.0.1:0", "--esxi-port", "9443",
                       "--preflight", "--media-wait", "2s", "--json"]

        let strict = try VMediaBinary.run(install + ["--require-read"], timeout: 300)
        #expect(strict.status == 1, "\(strict.stdout)\(strict.stderr)")
        #expect(strict.stdout.contains("not started: the media pre-flight failed for esx-demo-02, esx-demo-03"), "\(strict.stdout)")
        for host in lab.hosts { MediaPreflightTests.expectOnlyMediaWrites(host) }

        let run = try VMediaBinary.run(install, timeout: 300)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("esx-demo-02, esx-demo-03 not proven"), "\(run.stderr)")
        let last = try #require(run.stdout.split(separator: "\n").last)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        #expect(summary["action"] as? String == "install" && summary["succeeded"] as? Int == 3, "\(summary)")
    }

    @Test("a definite failure (the advertised address unreachable: the iDRAC refuses the insert) stops the install untouched")
    func definiteFailureStops() async throws {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 2, flavours: [.dellIDRAC9, .hpeILO5], subnet: 237, esxiPort: 9443)
        defer { Task { await lab.stop() } }
        let run = try VMediaBinary.run(["install", "--config", lab.hostsFilePath, "--iso", lab.isoPath, "--listen", "127.0.0.1:0",
                                        "--advertise", "127.0.237.250", "--esxi-port", "9443", "--preflight", "--media-wait", "2s"],
                                       timeout: 300)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("media FAILED esx-demo-01") && run.stdout.contains("media not proven esx-demo-02"), "\(run.stdout)")
        #expect(run.stdout.contains("not started: the media pre-flight failed for esx-demo-01"), "\(run.stdout)")
        for host in lab.hosts { MediaPreflightTests.expectOnlyMediaWrites(host) }
    }

    @Test("--require-read without --preflight or --media is a usage error")
    func requireReadNeedsPreflight() throws {
        let install = try VMediaBinary.run(["install", "--config", "x.yaml", "--iso", "x.iso", "--require-read"])
        #expect(install.status == 64 && install.stderr.contains("--require-read goes with --preflight"), "\(install.stderr)")
        let check = try VMediaBinary.run(["check", "--config", "x.yaml", "--require-read"])
        #expect(check.status == 64 && check.stderr.contains("--require-read goes with --media"), "\(check.stderr)")
    }
}
