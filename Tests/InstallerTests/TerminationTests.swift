import BMCSimulator
import Foundation
import Installer
import Testing
import TestSupport
@testable import VMediaCLI

/// SIGTERM (Jenkins' abort, `docker stop`) during `vmedia install`: it must do what the second Ctrl-C does — eject
/// what it inserted, clear overrides, delete its Redfish sessions, write the summary and JUnit — within a bounded
/// time, and exit 143. Before, the default action killed the process at once: media stayed inserted, sessions stayed
/// open (an iDRAC10 with a session cap then refuses logins for 30 minutes), and no report was written.
@Suite("SIGTERM during install", .serialized)
struct TerminationTests {
    @Test("SIGTERM while two hosts wait for media reads: 0 sessions and 0 media left, both reports written, exit 143")
    func sigtermCleansUp() async throws {
        let directory = try TemporaryDirectory()
        var neverReads = FaultKnobs()
        neverReads.neverReadsMedia = true
        let lab = try await DemoLab.start(in: directory.path, count: 2, flavours: [.dellIDRAC9, .hpeILO5], subnet: 213,
                                          esxiPort: 9443, faults: [0: neverReads, 1: neverReads])
        defer { Task { await lab.stop() } }
        let junit = directory.file("results.xml")
        let (process, stdout, stderr) = try LaunchedVMedia.start(["install", "--config", lab.hostsFilePath, "--iso", lab.isoPath,
                                                                  "--listen", "127.0.0.1:0", "--until", "media-read",
                                                                  "--json", "--junit", junit])
        let waiting = "\"phase\":\"wait-media-read\""
        let deadline = Date().addingTimeInterval(90)
        while stdout.text.components(separatedBy: waiting).count < 3 || lab.hosts.contains(where: { $0.simulator.insertedMedia.isEmpty }),
              process.isRunning, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        // What an abort used to leave behind: our media inserted and our sessions open on both BMCs.
        for host in lab.hosts {
            #expect(!host.simulator.insertedMedia.isEmpty, "\(stdout.text)\(stderr.text)")
            #expect(host.simulator.liveSessionCount > 0)
        }
        let sent = Date()
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning, Date().timeIntervalSince(sent) < 30 { try await Task.sleep(for: .milliseconds(50)) }
        let seconds = Date().timeIntervalSince(sent)
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try await Task.sleep(for: .milliseconds(300))  // the last pipe chunks
        #expect(process.terminationReason == .exit && process.terminationStatus == 143,
                "\(process.terminationReason) \(process.terminationStatus): \(stderr.text)")
        #expect(seconds < 12, "SIGTERM took \(seconds) s; docker stop's default is 10 s before SIGKILL")
        #expect(stderr.text.contains("SIGTERM: ejecting our media"), "\(stderr.text)")
        for host in lab.hosts {
            #expect(host.simulator.liveSessionCount == 0, "\(host.target.name): sessions left open")
            #expect(host.simulator.insertedMedia.isEmpty, "\(host.target.name): media left inserted")
        }
        // The summary is the last NDJSON line; JUnit lists both hosts as failed, with the run's wall time.
        let last = try #require(stdout.text.split(separator: "\n").last)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "\(last)")
        #expect(summary["summary"] as? Bool == true && summary["interrupted"] as? Bool == true && summary["failed"] as? Int == 2)
        let xml = try InstallCommandTests.python("""
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            suite = root.find("testsuite")
            cases = root.findall(".//testcase")
            times = [float(c.get("time")) for c in cases]
            print(suite.get("tests"), suite.get("failures"), float(suite.get("time")) < sum(times), float(suite.get("time")) >= max(times))
            """, [junit])
        // Two hosts in parallel: the suite's time is the run's wall time, less than the sum of the cases.
        #expect(xml.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2 2 True True", "\(xml.stdout)\(xml.stderr)")
    }

    @Test("the wait after SIGTERM is bounded: a cleanup that never ends still lets the reports be written")
    func boundedWait() async throws {
        // Without SIGTERM the race is just the work.
        let quick = Task<[HostResult], Never> { [] }
        #expect(await Termination().race(quick, bound: .milliseconds(10)) == [])
        // After SIGTERM, work that never finishes (a wedged BMC holding its cleanup) loses to the bound.
        let termination = Termination()
        let stuck = Task<[HostResult], Never> {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(1)) }
            while true { try? await Task.sleep(for: .seconds(3600)) }  // ignores cancellation, like a hung transfer
        }
        #expect(termination.begin())
        #expect(!termination.begin(), "a second SIGTERM starts nothing new")
        stuck.cancel()
        let started = ContinuousClock.now
        #expect(await termination.race(stuck, bound: .milliseconds(300)) == nil)
        #expect(ContinuousClock.now - started < .seconds(30), "the race must end at the bound, not with the work")
    }
}
