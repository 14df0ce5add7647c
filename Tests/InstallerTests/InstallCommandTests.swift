import BMCSimulator
import Foundation
import Testing
import TestSupport
@testable import VMediaCLI

/// `vmedia install`, `check`, `eject` and `demo` as a user runs them: the built executable, its exit status and
/// output, with JSON and JUnit read back by Python's json and xml modules.
@Suite("vmedia install, check, eject and demo end to end", .serialized)
struct InstallCommandTests {
    /// A hosts file pointing at simulated BMCs. Their ESXi addresses are documentation-range addresses that are
    /// never contacted: these tests stop at `--until media-read` or never reach the ESXi probe.
    static func hostsFile(for simulators: [SimulatedBMC], in directory: TemporaryDirectory) throws -> String {
        var text = "hosts:\n"
        for (index, simulator) in simulators.enumerated() {
            text += """
                  - ipmi: {vendor: generic, address: "https://\(simulator.address):\(simulator.port)", username: \(DemoLab.bmcUser), password: \(DemoLab.bmcPassword)}
                    esxi: {esxi_disk: "local", password: "Demo-Root-2026", address: 192.0.2.\(index + 10), gateway: 192.0.2.1, netmask: 255.255.255.0, hostname: esx-cli-\(index + 1), mgtnic: vmnic0}

                """
        }
        let path = directory.file("hosts.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Checks `check --json` / `eject --json` NDJSON (file, action): every line is one JSON object; host lines are
    /// `finished` objects of that action, the last is the summary whose counts and hosts match them. Prints
    /// "<host lines> <succeeded> <failed> <all consistent> <sorted hosts>".
    static let maintenanceNDJSON = """
        import json, sys
        path, action = sys.argv[1], sys.argv[2]
        lines = [json.loads(l) for l in open(path) if l.strip()]
        summary, outcomes = lines[-1], lines[:-1]
        assert summary["summary"] is True and summary["action"] == action, summary
        assert all(o["kind"] == "finished" and o["action"] == action and "summary" not in o for o in outcomes), outcomes
        assert all(isinstance(o["elapsed"], (int, float)) and o["bmc"].startswith("https://127.") for o in outcomes), outcomes
        consistent = (summary["succeeded"] == sum(o["succeeded"] for o in outcomes)
                      and summary["failed"] == sum(not o["succeeded"] for o in outcomes)
                      and sorted(h["host"] for h in summary["hosts"]) == sorted(o["host"] for o in outcomes))
        print(len(outcomes), summary["succeeded"], summary["failed"], consistent, sorted(o["host"] for o in outcomes))
        """

    static func python(_ script: String, _ arguments: [String]) throws -> Peer.Result {
        try Peer.run([try Peer.tool("python3"), "-c", script] + arguments)
    }

    @Test("vmedia check, install --until media-read --json --junit, then eject, against simulated BMCs from a hosts file")
    func installFromHostsFile() async throws {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 2, flavours: [.generic, .hpeILO5], subnet: 121, esxiPort: 9443)
        defer { Task { await lab.stop() } }
        let hosts = try Self.hostsFile(for: lab.hosts.map(\.simulator), in: directory)

        let check = try VMediaBinary.run(["check", "--config", hosts, "--json"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let checkJSON = directory.file("check.json")
        try check.stdout.write(toFile: checkJSON, atomically: true, encoding: .utf8)
        let checked = try Self.python(Self.maintenanceNDJSON, [checkJSON, "check"])
        #expect(checked.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2 2 0 True ['esx-cli-1', 'esx-cli-2']", "\(checked.stderr)")
        #expect(checked.stderr.isEmpty, "\(checked.stderr)")
        let checkMessages = try Self.python("""
            import json, sys
            lines = [json.loads(l) for l in open(sys.argv[1])]
            print(all("CD slot" in o["message"] for o in lines[:-1]))
            """, [checkJSON])
        #expect(checkMessages.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "True", "\(checkMessages.stderr)")

        // One BMC refuses the password: that host fails, the other is still checked, exit 1, same NDJSON shape.
        let wrong = directory.file("wrong-password.yaml")
        let original = try String(contentsOfFile: hosts, encoding: .utf8)
        let lastBMC = try #require(original.range(of: "password: \(DemoLab.bmcPassword)", options: .backwards))
        try original.replacingCharacters(in: lastBMC, with: "password: not-the-password").write(toFile: wrong, atomically: true, encoding: .utf8)
        let failing = try VMediaBinary.run(["check", "--config", wrong, "--json"])
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        let failingJSON = directory.file("check-failing.json")
        try failing.stdout.write(toFile: failingJSON, atomically: true, encoding: .utf8)
        let failed = try Self.python(Self.maintenanceNDJSON, [failingJSON, "check"])
        #expect(failed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2 1 1 True ['esx-cli-1', 'esx-cli-2']", "\(failed.stderr)")
        #expect(!failing.stdout.contains("not-the-password"))

        let junit = directory.file("results.xml")
        let install = try VMediaBinary.run(["install", "--config", hosts, "--iso", lab.isoPath, "--listen", "127.0.0.1:0",
                                            "--until", "media-read", "--json", "--junit", junit])
        #expect(install.status == 0, "\(install.stderr)")
        let lines = install.stdout.split(separator: "\n").map(String.init)
        let ndjson = directory.file("out.ndjson")
        try install.stdout.write(toFile: ndjson, atomically: true, encoding: .utf8)
        let parsed = try Self.python("""
            import json, sys
            lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
            summary = lines[-1]
            assert summary["summary"] is True, summary
            events = lines[:-1]
            finished = [e for e in events if e["kind"] == "finished"]
            print(summary["succeeded"], summary["failed"], len(finished), sorted({e["host"] for e in events}))
            """, [ndjson])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(parsed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2 0 2 ['esx-cli-1', 'esx-cli-2']")
        #expect(lines.count > 4)
        let xml = try Self.python("""
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            cases = root.findall(".//testcase")
            print(root.get("tests"), root.get("failures"), " ".join(c.get("name") for c in cases), sum(1 for c in cases if c.find("failure") is not None))
            """, [junit])
        #expect(xml.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2 0 esx-cli-1 esx-cli-2 0", "\(xml.stderr)")
        // The server counts a range once it has written it; the simulated BMC (in this process, on a loaded
        // machine) counts it when its read completes, which may be just after vmedia exits.
        let readDeadline = Date().addingTimeInterval(10)
        while lab.hosts.contains(where: { $0.simulator.mediaBytesRead == 0 }), Date() < readDeadline { try await Task.sleep(for: .milliseconds(50)) }
        for host in lab.hosts {
            #expect(host.simulator.mediaBytesRead > 0)
            #expect(host.simulator.liveSessionCount == 0)
            #expect(host.simulator.insertedMedia.isEmpty)
        }
        // No secret reaches the output.
        #expect(!install.stdout.contains(DemoLab.bmcPassword) && !install.stderr.contains(DemoLab.bmcPassword))

        let eject = try VMediaBinary.run(["eject", "--config", hosts])
        #expect(eject.status == 0, "\(eject.stdout)\(eject.stderr)")
        #expect(eject.stdout.contains("boot override cleared"))
        #expect(lab.hosts.allSatisfy { $0.simulator.liveSessionCount == 0 })
        let ejectJSON = try VMediaBinary.run(["eject", "--config", hosts, "--hosts", "esx-cli-2", "--json"])
        #expect(ejectJSON.status == 0, "\(ejectJSON.stdout)\(ejectJSON.stderr)")
        let ejectFile = directory.file("eject.ndjson")
        try ejectJSON.stdout.write(toFile: ejectFile, atomically: true, encoding: .utf8)
        let ejected = try Self.python(Self.maintenanceNDJSON, [ejectFile, "eject"])
        #expect(ejected.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1 1 0 True ['esx-cli-2']", "\(ejected.stderr)")
        #expect(!ejectJSON.stdout.contains(DemoLab.bmcPassword) && !check.stdout.contains(DemoLab.bmcPassword))
        #expect(lab.hosts.allSatisfy { $0.simulator.liveSessionCount == 0 })
    }

    @Test("--dry-run prints URLs, vendor flows and kickstarts with secrets masked, and contacts nothing")
    func dryRun() throws {
        let directory = try TemporaryDirectory()
        let iso = directory.file("any.iso")
        // The dry run checks the ISO as the install does, so it needs an ESXi-shaped one.
        try DemoISO.write(to: iso)
        let hosts = Peer.packageRoot.appendingPathComponent("Fixtures/hosts/brief-example.yaml").path
        let result = try VMediaBinary.run(["install", "--config", hosts, "--iso", iso, "--dry-run", "--advertise", "127.0.0.1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("http://127.0.0.1:8080/esxi-69-86/<random token>/any.iso"))
        #expect(result.stdout.contains("PATCH Image + Inserted with If-Match"))
        #expect(result.stdout.contains("rootpw --iscrypted ********"))
        #expect(!result.stdout.contains("$6$"))
    }

    @Test("usage errors exit 64 with the fix named")
    func usage() throws {
        let result = try VMediaBinary.run(["install", "--config", "nothing.yaml", "--iso", "/nonexistent.iso", "--advertise", "127.0.0.1"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("cannot read the ISO /nonexistent.iso"))
        let until = try VMediaBinary.run(["demo", "--hosts", "0"])
        #expect(until.status == 64)
    }

    @Test("vmedia demo end to end: one host never reads its image; JSON and JUnit say so, exit 1, no session left open")
    func demo() throws {
        let directory = try TemporaryDirectory()
        let junit = directory.file("demo.xml")
        let result = try VMediaBinary.run(["demo", "--hosts", "4", "--never-read", "1", "--media-read-timeout", "3",
                                           "--subnet", "219", "--json", "--junit", junit], timeout: 120)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("still open") && result.stderr.contains(", 0 still open"), "\(result.stderr)")
        let ndjson = directory.file("demo.ndjson")
        try result.stdout.write(toFile: ndjson, atomically: true, encoding: .utf8)
        let parsed = try Self.python("""
            import json, sys
            lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
            s = lines[-1]
            bad = [h for h in s["hosts"] if not h["succeeded"]]
            print(s["succeeded"], s["failed"], bad[0]["host"], bad[0]["phase"], "BMC never read the image" in bad[0]["failure"])
            """, [ndjson])
        #expect(parsed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "3 1 esx-demo-04 wait-media-read True", "\(parsed.stderr)")
        let xml = try Self.python("""
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            failed = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
            print(root.get("tests"), root.get("failures"), failed, "wait-media-read" in ET.tostring(root).decode())
            """, [junit])
        #expect(xml.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "4 1 ['esx-demo-04'] True", "\(xml.stderr)")
    }

    @Test("vmedia demo writes a real hosts.yaml (simulated: true) and the ISO; the rerun commands its summary prints work by hand")
    func demoRerunByHand() throws {
        let directory = try TemporaryDirectory()
        let demo = try VMediaBinary.run(["demo", "--hosts", "2", "--vendors", "lenovo,hpe", "--subnet", "151",
                                         "--workdir", directory.path], timeout: 120)
        #expect(demo.status == 0, "\(demo.stdout)\(demo.stderr)")
        let hostsFile = directory.file("hosts.yaml"), iso = directory.file("esxi-demo.iso")
        let yaml = try String(contentsOfFile: hostsFile, encoding: .utf8)
        #expect(yaml.contains("simulated: true") && yaml.contains("address: 127.0.152.10"), "\(yaml)")
        #expect(demo.stdout.contains("Hosts file \(hostsFile) and ISO \(iso)."), "\(demo.stdout)")
        // The demo's BMC password is in its hosts file, and nowhere in what vmedia printed.
        #expect(yaml.contains(DemoLab.bmcPassword))
        #expect(!demo.stdout.contains(DemoLab.bmcPassword) && !demo.stderr.contains(DemoLab.bmcPassword))

        // Run exactly the two commands the summary printed: the simulators, then the install.
        let lines = demo.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let simulateLine = try #require(lines.first { $0.hasPrefix("vmedia simulate ") }, "\(demo.stdout)")
        let installLine = try #require(lines.first { $0.hasPrefix("vmedia install ") }, "\(demo.stdout)")
        let (simulator, simulated, _) = try LaunchedVMedia.start(simulateLine.split(separator: " ").dropFirst().map(String.init)
                                                                 + ["--duration", "120"])
        defer { if simulator.isRunning { simulator.terminate() } }
        let deadline = Date().addingTimeInterval(30)
        while !simulated.text.contains("Hosts file:"), simulator.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        try #require(simulated.text.contains("Hosts file:"), "\(simulated.text)")

        let install = try VMediaBinary.run(installLine.split(separator: " ").dropFirst().map(String.init) + ["--json"], timeout: 180)
        #expect(install.status == 0, "\(install.stderr)")
        let ndjson = directory.file("rerun.ndjson")
        try install.stdout.write(toFile: ndjson, atomically: true, encoding: .utf8)
        let parsed = try Self.python("""
            import json, sys
            lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
            s = lines[-1]
            print(s["summary"], s["succeeded"], s["failed"], sorted(h["host"] for h in s["hosts"]), sorted({h["vendor"] for h in s["hosts"]}))
            """, [ndjson])
        #expect(parsed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "True 2 0 ['esx-demo-01', 'esx-demo-02'] ['hpe', 'lenovo']",
                "\(parsed.stderr)\(install.stdout)")
        // The simulators' password (their public default, now in the rewritten file) is never printed either.
        #expect(try String(contentsOfFile: hostsFile, encoding: .utf8).contains("vmedia-simulator"))
        #expect(!install.stdout.contains("vmedia-simulator") && !install.stderr.contains("vmedia-simulator"))

        kill(simulator.processIdentifier, SIGINT)
        let exitDeadline = Date().addingTimeInterval(20)
        while simulator.isRunning, Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!simulator.isRunning)
        #expect(simulated.text.contains("ESXi running on 127.0.152.10:9443; sessions live 0"), "\(simulated.text)")
        #expect(simulated.text.contains("ESXi running on 127.0.152.11:9443; sessions live 0"), "\(simulated.text)")
    }

    @Test("Ctrl-C: the first keeps going and lists what remains, the second ejects, logs out and exits 130")
    func interrupt() throws {
        let (process, collected, errors) = try LaunchedVMedia.start(["demo", "--hosts", "2", "--never-read", "1",
                                                                     "--media-read-timeout", "300", "--subnet", "209"])
        // Wait until the healthy host is done and the other is waiting for a read that never comes.
        let deadline = Date().addingTimeInterval(60)
        while !collected.text.contains("esx-demo-01 done") || !collected.text.contains("esx-demo-02 wait-media-read"), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(collected.text.contains("esx-demo-02 wait-media-read"), "\(collected.text)")
        kill(process.processIdentifier, SIGINT)
        let firstDeadline = Date().addingTimeInterval(10)
        while !errors.text.contains("no new hosts will be started"), Date() < firstDeadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(errors.text.contains("Remaining: esx-demo-02"), "\(errors.text)")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGINT)
        let exitDeadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(errors.text.contains(", 0 still open"), "\(errors.text)")
        #expect(collected.text.contains("stopped by the user"), "\(collected.text)")
    }
}
