import BMCSimulator
import Foundation
import Installer
import MediaServer
import Testing
import TestSupport
@testable import VMediaCLI

/// Safe reruns, the retry file and exit 64 for bad input, with the built `vmedia` against simulated BMCs: a rerun of a
/// finished lab touches no BMC (the simulators count every request), the retry file names exactly the failed hosts and
/// `--hosts @FILE` reruns exactly them, and input refused before any host starts exits 64 with a JUnit report.
@Suite("vmedia install reruns, retry file and exit codes", .serialized)
struct RerunCommandTests {
    /// Redfish requests that change something (everything but GET and HEAD) a simulated BMC has answered.
    static func writes(_ simulator: SimulatedBMC) -> Int {
        simulator.requestLog.filter { $0.method != "GET" && $0.method != "HEAD" }.count
    }

    static func summary(_ stdout: String) throws -> [String: Any] {
        let last = try #require(stdout.split(separator: "\n").last, "no summary line: \(stdout)")
        return try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    }

    @Test("a rerun of a finished lab skips every host as already installed: exit 0, not one Redfish request; --reinstall forces")
    func rerunSkipsInstalledHosts() async throws {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 3, flavours: [.generic, .dellIDRAC9, .lenovoXCC], subnet: 191,
                                          esxiPort: 9443)
        defer { Task { await lab.stop() } }
        let install = ["install", "--config", lab.hostsFilePath, "--iso", lab.isoPath, "--listen", "127.0.0.1:0",
                       "--esxi-port", "9443", "--parallel", "3", "--json"]
        let first = try VMediaBinary.run(install, timeout: 300)
        try #require(first.status == 0, "\(first.stdout)\(first.stderr)")
        let names = lab.hosts.map(\.target.name)
        let writesBefore = lab.hosts.map { Self.writes($0.simulator) }
        let requestsBefore = lab.hosts.map { $0.simulator.requestLog.count }
        #expect(writesBefore.allSatisfy { $0 > 0 }, "the first install wrote nothing? \(writesBefore)")

        let rerun = try VMediaBinary.run(install, timeout: 120)
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        // Not a single Redfish request, let alone a write, reached any BMC.
        #expect(lab.hosts.map { Self.writes($0.simulator) } == writesBefore)
        #expect(lab.hosts.map { $0.simulator.requestLog.count } == requestsBefore)
        let summary = try Self.summary(rerun.stdout)
        let hosts = try #require(summary["hosts"] as? [[String: Any]])
        #expect(summary["succeeded"] as? Int == 3 && summary["failed"] as? Int == 0, "\(summary)")
        #expect(hosts.map { $0["alreadyInstalled"] as? Bool } == [true, true, true], "\(hosts)")
        #expect(hosts.allSatisfy { ($0["evidence"] as? String)?.contains("accepts root's password") == true }, "\(hosts)")
        #expect(rerun.stdout.contains("already installed, skipped (--reinstall installs it again)"))
        #expect(!FileManager.default.fileExists(atPath: lab.hostsFilePath + ".retry"))

        // The plain text says so too.
        let text = try VMediaBinary.run(Array(install.dropLast()), timeout: 120)
        #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("3 already installed, left alone (--reinstall installs them again): \(names.joined(separator: ", "))"),
                "\(text.stdout)")

        // The dry run shows the same, looking only at the ESXi addresses.
        let dry = try VMediaBinary.run(Array(install.dropLast()) + ["--dry-run", "--check-installed", "--json"], timeout: 120)
        #expect(dry.status == 0, "\(dry.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any], "\(dry.stdout)")
        let planned = try #require(plan["hosts"] as? [[String: Any]])
        #expect(planned.map { $0["action"] as? String } == ["skip", "skip", "skip"], "\(planned)")
        #expect(lab.hosts.map { $0.simulator.requestLog.count } == requestsBefore)

        // --reinstall installs the one host asked for, and only it.
        let forced = try VMediaBinary.run(Array(install.dropLast()) + ["--reinstall", "--hosts", names[1]], timeout: 300)
        #expect(forced.status == 0, "\(forced.stdout)\(forced.stderr)")
        #expect(Self.writes(lab.hosts[1].simulator) > writesBefore[1])
        #expect(Self.writes(lab.hosts[0].simulator) == writesBefore[0] && Self.writes(lab.hosts[2].simulator) == writesBefore[2])
        #expect(!forced.stdout.contains("already installed, left alone"), "\(forced.stdout)")
    }

    @Test("the retry file names exactly the failed host, the printed command reruns exactly it, and @FILE selects it")
    func retryFileRerunsFailedHosts() async throws {
        let directory = try TemporaryDirectory()
        var unlicensed = FaultKnobs()
        unlicensed.unlicensed = true
        let lab = try await DemoLab.start(in: directory.path, count: 3, flavours: [.generic, .supermicro, .hpeILO5], subnet: 193,
                                          esxiPort: 9443, faults: [1: unlicensed])
        defer { Task { await lab.stop() } }
        let names = lab.hosts.map(\.target.name)
        let first = try VMediaBinary.run(["install", "--config", lab.hostsFilePath, "--iso", lab.isoPath, "--listen", "127.0.0.1:0",
                                          "--until", "media-read", "--parallel", "3"], timeout: 300)
        #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
        let retry = lab.hostsFilePath + ".retry"
        let listed = try String(contentsOfFile: retry, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(listed == [Substring(names[1])], "\(listed)")
        #expect(first.stdout.contains("1 host(s) did not succeed; their names are in \(retry). Rerun exactly those with:"), "\(first.stdout)")
        let lines = first.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let command = try #require(lines.first { $0.hasPrefix(VMediaBinary.path + " install ") }, "\(first.stdout)")
        #expect(command.hasSuffix(" --hosts @\(retry)"), "\(command)")

        let others = [0, 2].map { lab.hosts[$0].simulator.requestLog.count }
        let again = try VMediaBinary.run(command.split(separator: " ").dropFirst().map(String.init) + ["--json"], timeout: 300)
        #expect(again.status == 1, "\(again.stdout)\(again.stderr)")
        let hosts = try #require(try Self.summary(again.stdout)["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["host"] as? String } == [names[1]], "\(hosts)")
        #expect([0, 2].map { lab.hosts[$0].simulator.requestLog.count } == others, "a host not in the retry file was contacted")
        // With --json the advice goes to stderr, the retry file still names the host.
        #expect(again.stderr.contains("Rerun exactly those with:"), "\(again.stderr)")

        // @FILE takes comments, blank lines and commas; check selects with it too.
        let chosen = directory.file("chosen.txt")
        try "# the good ones\n\(names[0])\n\n\(names[2]),\n".write(toFile: chosen, atomically: true, encoding: .utf8)
        let check = try VMediaBinary.run(["check", "--config", lab.hostsFilePath, "--hosts", "@" + chosen, "--json"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let checked = try #require(try Self.summary(check.stdout)["hosts"] as? [[String: Any]])
        #expect(Set(checked.compactMap { $0["host"] as? String }) == [names[0], names[2]], "\(checked)")

        // A run where every host succeeds removes the retry file.
        let good = try VMediaBinary.run(["install", "--config", lab.hostsFilePath, "--iso", lab.isoPath, "--listen", "127.0.0.1:0",
                                         "--until", "media-read", "--hosts", "\(names[0]),\(names[2])"], timeout: 300)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(!FileManager.default.fileExists(atPath: retry))
    }

    /// Runs `install` (or its dry run) expecting exit 64 before any host is touched: the message on stderr and a JUnit
    /// report with one failed testcase naming it.
    static func refused(_ arguments: [String], saying message: String, in directory: TemporaryDirectory,
                        lab: DemoLab? = nil) throws {
        let junit = directory.file("refused-\(UUID().uuidString).xml")
        let run = try VMediaBinary.run(arguments + ["--junit", junit], timeout: 120)
        #expect(run.status == 64, "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains(message), "\(arguments): stderr lacks \"\(message)\": \(run.stderr)")
        let xml = try Peer.run([try Peer.tool("python3"), "-c", """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            cases = root.findall(".//testcase")
            print(root.get("tests"), root.get("failures"), len(cases), cases[0].find("failure").get("type"))
            print(cases[0].find("failure").get("message"))
            """, junit])
        let lines = xml.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "1 1 1 usage", "\(xml.stdout)\(xml.stderr)")
        #expect(lines.dropFirst().joined(separator: "\n").contains(message), "\(xml.stdout)")
        if let lab { #expect(lab.hosts.allSatisfy { $0.simulator.requestLog.isEmpty }, "a BMC was contacted") }
    }

    @Test("exit 64 with a JUnit report for bad input found before any host: ISO directory, not an ISO, not ESXi, port in use, unknown host")
    func badInputExits64() async throws {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 1, flavours: [.generic], subnet: 195, esxiPort: 9443)
        defer { Task { await lab.stop() } }
        let base = ["install", "--config", lab.hostsFilePath, "--listen", "127.0.0.1:0", "--esxi-port", "9443"]

        try Self.refused(base + ["--iso", directory.path], saying: "--iso \(directory.path) is a directory", in: directory, lab: lab)
        let zeros = directory.file("zeros.iso")
        try Data(count: 64 << 10).write(to: URL(fileURLWithPath: zeros))
        try Self.refused(base + ["--iso", zeros], saying: "--iso \(zeros) is not an ISO 9660 image", in: directory, lab: lab)
        try Self.refused(base + ["--iso", zeros, "--dry-run"], saying: "--iso \(zeros) is not an ISO 9660 image", in: directory, lab: lab)
        // A valid ISO 9660 image without the ESXi installer's BOOT.CFG, made by genisoimage.
        let tree = directory.file("tree")
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try "not an installer\n".write(toFile: tree + "/README.TXT", atomically: true, encoding: .utf8)
        let other = directory.file("other.iso")
        let made = try Peer.run([try Peer.tool("genisoimage", package: "genisoimage"), "-quiet", "-R", "-J", "-o", other, tree])
        try #require(made.status == 0, "\(made.stderr)")
        try Self.refused(base + ["--iso", other], saying: "--iso \(other) is not an ESXi installer", in: directory, lab: lab)
        try Self.refused(base + ["--iso", other, "--dry-run"], saying: "is not an ESXi installer", in: directory, lab: lab)

        try Self.refused(base + ["--iso", lab.isoPath, "--hosts", "esx-nowhere"], saying: "no host in \(lab.hostsFilePath) has",
                         in: directory, lab: lab)

        // The media server's port is taken by another listener.
        let otherServer = MediaServer(registry: ImageRegistry())
        let address = try await otherServer.start(host: "127.0.0.1", port: 0)
        let port = try #require(address.port)
        try Self.refused(["install", "--config", lab.hostsFilePath, "--iso", lab.isoPath, "--listen", "127.0.0.1:\(port)",
                          "--esxi-port", "9443"],
                         saying: "127.0.0.1:\(port) is in use (by another process): pass --listen with a free port", in: directory, lab: lab)
        await otherServer.shutdown(grace: .seconds(1))
    }

    @Test("--dry-run --json prints the plan as one JSON object after checking the ISO, and contacts nothing")
    func dryRunJSON() async throws {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 2, flavours: [.generic, .dellIDRAC9], subnet: 197, esxiPort: 9443)
        defer { Task { await lab.stop() } }
        let run = try VMediaBinary.run(["install", "--config", lab.hostsFilePath, "--iso", lab.isoPath, "--listen", "127.0.0.1:0",
                                        "--dry-run", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        #expect(plan["dryRun"] as? Bool == true)
        #expect((plan["modulesChecked"] as? Int ?? 0) > 0, "\(plan)")
        let hosts = try #require(plan["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["host"] as? String } == lab.hosts.map(\.target.name))
        #expect(hosts.allSatisfy { ($0["kickstart"] as? String)?.contains("rootpw") == true && $0["action"] as? String == "install" })
        #expect(!run.stdout.contains(DemoLab.bmcPassword) && !run.stdout.contains(DemoLab.rootPassword))
        #expect(lab.hosts.allSatisfy { $0.simulator.requestLog.isEmpty })

        // Without --advertise on 0.0.0.0, install chooses as serve does (the route to the BMCs) and says so.
        let guessed = try VMediaBinary.run(["install", "--config", lab.hostsFilePath, "--iso", lab.isoPath, "--listen", "0.0.0.0:8080",
                                            "--dry-run"])
        #expect(guessed.status == 0, "\(guessed.stderr)")
        #expect(guessed.stderr.contains("vmedia: advertising 127.0.0.1: this machine's address on the route to the BMCs"), "\(guessed.stderr)")
        #expect(guessed.stdout.contains("image URL: http://127.0.0.1:8080/\(lab.hosts[0].target.name)/"), "\(guessed.stdout)")
        #expect(guessed.stdout.contains("rerun check: would install: not looked at (add --check-installed"), "\(guessed.stdout)")
    }

    @Test("advice names what exists for the command: a refused login points at the hosts file or at the options; a slow BMC at --bmc-timeout")
    func adviceNamesExistingFlags() async throws {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 1, flavours: [.generic], subnet: 199, esxiPort: 9443)
        defer { Task { await lab.stop() } }
        let wrong = directory.file("wrong.yaml")
        let original = try String(contentsOfFile: lab.hostsFilePath, encoding: .utf8)
        try original.replacingOccurrences(of: DemoLab.bmcPassword, with: "not-the-password").write(toFile: wrong, atomically: true, encoding: .utf8)
        let check = try VMediaBinary.run(["check", "--config", wrong])
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("this host's ipmi: username and password in the hosts file"), "\(check.stdout)")
        #expect(!(check.stdout + check.stderr).contains("--password-env"), "\(check.stdout)")

        let simulator = lab.hosts[0].simulator
        let bmc = try VMediaBinary.run(["bmc", "--bmc", "https://\(simulator.address):\(simulator.port)", "--username", DemoLab.bmcUser,
                                        "--password-env", "WRONG_PW", "info"], environment: ["WRONG_PW": "not-the-password"])
        #expect(bmc.status == 1, "\(bmc.stdout)\(bmc.stderr)")
        #expect(bmc.stderr.contains("come from --username and --password-env or --password-file"), "\(bmc.stderr)")

        // The timeout advice names a flag install has.
        #expect(InstallError.timeout(phase: .insert, seconds: 300).description.contains("--bmc-timeout 10m"))
        // The steps after the install talk to ESXi and vCenter, not the BMC: their timeouts name the command that redoes
        // them, never --bmc-timeout (which does not change them); a hung join is reported as join.
        let configure = InstallError.timeout(phase: .configure, seconds: 120).description
        let join = InstallError.timeout(phase: .join, seconds: 600).description
        #expect(!configure.contains("--bmc-timeout") && configure.contains("vmedia configure") && configure.contains("vSphere API"), "\(configure)")
        #expect(!join.contains("--bmc-timeout") && join.contains("vmedia configure --until joined") && join.hasPrefix("phase join"), "\(join)")
        let configureHelp = try VMediaBinary.run(["configure", "--help"])
        #expect(configureHelp.stdout.contains("--until"), "configure --help lacks --until")
        let help = try VMediaBinary.run(["install", "--help"])
        for flag in ["--bmc-timeout", "--media-read-timeout", "--esxi-timeout", "--reinstall", "--retry-file", "--check-installed"] {
            #expect(help.stdout.contains(flag), "install --help lacks \(flag)")
        }
    }

    @Test("timeouts take units; a bare number keeps the flag's unit; nonsense is a usage error naming the forms")
    func durations() throws {
        #expect(TimeoutValue("45m", bareUnitSeconds: 60)?.seconds == 2700)
        #expect(TimeoutValue("45", bareUnitSeconds: 60)?.seconds == 2700)
        #expect(TimeoutValue("90s", bareUnitSeconds: 60)?.seconds == 90)
        #expect(TimeoutValue("90", bareUnitSeconds: 1)?.seconds == 90)
        #expect(TimeoutValue("1h30m", bareUnitSeconds: 1)?.seconds == 5400)
        #expect(TimeoutValue("1h30m", bareUnitSeconds: 1)?.description == "1h30m")
        for bad in ["", "m", "5x", "1.5m", "-3", "10m5"] { #expect(TimeoutValue(bad, bareUnitSeconds: 1) == nil, "\(bad)") }
        let directory = try TemporaryDirectory()
        let iso = directory.file("esxi.iso")
        try DemoISO.write(to: iso)
        let hosts = Peer.packageRoot.appendingPathComponent("Fixtures/hosts/brief-example.yaml").path
        let bad = try VMediaBinary.run(["install", "--config", hosts, "--iso", iso, "--dry-run", "--advertise", "127.0.0.1", "--esxi-timeout", "45x"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--esxi-timeout 45x: expected a duration from 1m to 10h, e.g. 90s, 45m or 1h30m (a bare number is minutes)"),
                "\(bad.stderr)")
        for value in ["45", "45m", "2700s"] {
            let good = try VMediaBinary.run(["install", "--config", hosts, "--iso", iso, "--dry-run", "--advertise", "127.0.0.1",
                                             "--reinstall", "--esxi-timeout", value])
            #expect(good.status == 0, "\(value): \(good.stderr)")
        }
    }

    /// Starts `install` against a lab whose second host never reads its media, waits until the first is done and
    /// the second waits for its read, sends `signals`, and returns the exit status and output.
    static func interrupted(by signals: [Int32], subnet: Int) async throws -> (status: Int32, stdout: String, stderr: String,
                                                                                retry: String, names: [String]) {
        let directory = try TemporaryDirectory()
        var neverReads = FaultKnobs()
        neverReads.neverReadsMedia = true
        let lab = try await DemoLab.start(in: directory.path, count: 3, flavours: [.generic, .hpeILO5, .generic], subnet: subnet,
                                          esxiPort: 9443, faults: [1: neverReads])
        defer { Task { await lab.stop() } }
        let names = lab.hosts.map(\.target.name)
        // Two at a time: the third host has not started when the signals come.
        let (process, stdout, stderr) = try LaunchedVMedia.start(["install", "--config", lab.hostsFilePath, "--iso", lab.isoPath,
                                                                  "--listen", "127.0.0.1:0", "--until", "media-read",
                                                                  "--parallel", "2", "--media-read-timeout", "5m"])
        let deadline = Date().addingTimeInterval(90)
        while !(stdout.text.contains("\(names[0]) done") && stdout.text.contains("\(names[1]) wait-media-read")),
              process.isRunning, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        for signal in signals {
            kill(process.processIdentifier, signal)
            try await Task.sleep(for: .milliseconds(700))
        }
        let exitDeadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < exitDeadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try await Task.sleep(for: .milliseconds(300))
        let retry = (try? String(contentsOfFile: lab.hostsFilePath + ".retry", encoding: .utf8)) ?? ""
        return (process.terminationStatus, stdout.text, stderr.text, retry, names)
    }

    @Test("Ctrl-C twice and SIGTERM write the retry file and print the rerun command like a finished run", arguments: [
        ([SIGINT, SIGINT], Int32(130), 201), ([SIGTERM], Int32(143), 203),
    ])
    func signalsWriteRetryFile(_ signals: [Int32], _ expected: Int32, _ subnet: Int) async throws {
        let run = try await Self.interrupted(by: signals, subnet: subnet)
        #expect(run.status == expected, "\(run.stdout)\(run.stderr)")
        let listed = run.retry.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        // The host that never read its media is always there, the finished one never.
        #expect(listed.contains(run.names[1]) && !listed.contains(run.names[0]), "\(run.retry)\n\(run.stdout)")
        #expect(run.stdout.contains("did not succeed; their names are in "), "\(run.stdout)")
        #expect(run.stdout.contains(" --hosts @"), "\(run.stdout)")
    }

    @Test("shell completion offers files for --iso, --config and inspect IMAGE, and the values of --until and --vendors")
    func completion() throws {
        let bash = try VMediaBinary.run(["--generate-completion-script", "bash"])
        #expect(bash.status == 0, "\(bash.stderr)")
        #expect(bash.stdout.contains("-fX '!*.@(yaml|yml)'"), "no hosts-file completion")
        #expect(bash.stdout.contains("-fX '!*.@(iso)'"), "no ISO completion")
        #expect(bash.stdout.contains("'rebooted'$'\\n''media-read'$'\\n''installed'"), "no --until values")
        #expect(bash.stdout.contains("'mixed'$'\\n''dell'"), "no --vendors values")
        let zsh = try VMediaBinary.run(["--generate-completion-script", "zsh"])
        #expect(zsh.stdout.contains("___until=('rebooted' 'media-read' 'installed' 'configured' 'joined')"), "\(zsh.stdout.prefix(400))")
    }

    @Test("--hosts a,b and @FILE select hosts in kickstart and remaster too; the old --host still works, hidden")
    func hostsEverywhere() throws {
        let directory = try TemporaryDirectory()
        let hosts = Peer.packageRoot.appendingPathComponent("Fixtures/hosts/brief-example.yaml").path
        let both = try VMediaBinary.run(["kickstart", "--config", hosts, "--hosts", "esxi-69-86,esxi-69-87"])
        #expect(both.status == 0, "\(both.stderr)")
        #expect(both.stdout.hasPrefix("# ==== esxi-69-86\n") && both.stdout.contains("\n# ==== esxi-69-87\n"), "\(both.stdout)")
        let one = try VMediaBinary.run(["kickstart", "--config", hosts, "--hosts", "esxi-69-87"])
        let old = try VMediaBinary.run(["kickstart", "--config", hosts, "--host", "esxi-69-87"])
        #expect(one.status == 0 && one.stdout == old.stdout && !one.stdout.contains("# ===="), "\(one.stderr)\(old.stderr)")
        let help = try VMediaBinary.run(["kickstart", "--help"])
        #expect(help.stdout.contains("--hosts") && !help.stdout.contains("--host <"), "\(help.stdout)")

        let iso = directory.file("esxi.iso")
        try DemoISO.write(to: iso)
        let list = directory.file("list")
        try "esxi-69-87  # the Dell\n".write(toFile: list, atomically: true, encoding: .utf8)
        let remaster = try VMediaBinary.run(["remaster", "--config", hosts, "--iso", iso, "--output", directory.file("out"),
                                             "--hosts", "@" + list, "--json"])
        #expect(remaster.status == 0, "\(remaster.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: remaster.stdoutData) as? [String: Any], "\(remaster.stdout)")
        let reported = try #require(report["hosts"] as? [[String: Any]], "\(report)")
        #expect(reported.map { $0["host"] as? String } == ["esxi-69-87"], "\(reported)")
    }
}
