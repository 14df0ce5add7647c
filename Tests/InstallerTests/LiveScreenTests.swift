import BMCSimulator
import CurlHTTP
import ESXi
import Foundation
@testable import Installer
import Inventory
import Logging
import MediaServer
import Testing
import TestSupport
@testable import VMediaCLI

/// What an operator sees: the live table in a real terminal (tmux) with warnings and a rack of 40, the install
/// dashboard in a real browser (headless Chromium), and the typed events behind both in `--json`.
@Suite("The live table, the install dashboard and the event stream", .serialized)
struct LiveScreenTests {
    // MARK: The table in a terminal

    @Test("40 hosts whose certificates go unverified in tmux: every warning above the table, one intact table, every host ok")
    func tmuxFortyHostsWithWarnings() async throws {
        let tmux = try Peer.tool("tmux")
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 40, flavours: VendorFlavor.mixed, subnet: 221, esxiPort: 9443,
                                          installMilliseconds: 200)
        defer { Task { await lab.stop() } }
        // Without the simulators' pinned key every BMC's certificate goes unverified, and each host warns: the
        // field's "one TLS warning per host" that used to tear the table.
        let yaml = try String(contentsOfFile: lab.hostsFilePath, encoding: .utf8)
        let unpinned = yaml.replacingOccurrences(of: #", tls_pin: "[^"]*""#, with: "", options: .regularExpression)
        #expect(unpinned != yaml, "the simulated lab's hosts file pins the simulators' key")
        try unpinned.write(toFile: lab.hostsFilePath, atomically: true, encoding: .utf8)

        // One script drives tmux: the server tmux forks gets /dev/null, not our pipes, and is killed at the end.
        let command = [VMediaBinary.path, "install", "--config", lab.hostsFilePath, "--iso", lab.isoPath, "--listen", "127.0.0.1:0",
                       "--esxi-port", "9443", "--parallel", "40"].joined(separator: " ")
        let capture = directory.file("screen.txt")
        let script = """
            tmux -L "$SOCKET" -f /dev/null new-session -d -s install -x 200 -y 60 "$COMMAND; echo EXIT=\\$?; sleep 600" \
              </dev/null >/dev/null 2>&1 || exit 3
            for i in $(seq 1 480); do
              sleep 0.5
              tmux -L "$SOCKET" capture-pane -p -S - -t install </dev/null >"$CAPTURE" 2>&1
              grep -q 'EXIT=' "$CAPTURE" && break
            done
            tmux -L "$SOCKET" kill-server </dev/null >/dev/null 2>&1
            exit 0
            """
        let run = try Peer.run(["/bin/sh", "-c", script], environment: ["SOCKET": "vmedia-test-\(getpid())", "COMMAND": command,
                                                                      "CAPTURE": capture, "PATH": (tmux as NSString).deletingLastPathComponent + ":/usr/bin:/bin"],
                               timeout: 280)
        #expect(run.status == 0, "\(run.stderr)")
        let screen = (try? String(contentsOfFile: capture, encoding: .utf8)) ?? ""
        #expect(screen.contains("EXIT=0"), "\(screen)")
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        // One table, drawn in place: one header in the whole scrollback, no half-drawn copy above it.
        let headers = lines.indices.filter { lines[$0].hasPrefix("HOST ") && lines[$0].contains("MB READ") }
        try #require(headers.count == 1, "\(screen)")
        let header = headers[0]
        let names = lab.hosts.map(\.target.name)
        let rows = Array(lines[(header + 1)...].prefix(names.count))
        #expect(rows.map { $0.split(separator: " ").first.map(String.init) ?? "" } == names, "\(screen)")
        for row in rows {
            #expect(row.count > EventPrinter.resultColumn && row.dropFirst(EventPrinter.resultColumn).hasPrefix("ok"), "\(row)")
            // MB READ (columns 57-65): the media server's own count of what the host read (the demo image is 12 MiB).
            let mebibytes = Int(row.dropFirst(56).prefix(9).trimmingCharacters(in: .whitespaces)) ?? 0
            #expect((1...12).contains(mebibytes), "\(row)")
        }
        // Every message above the table as whole lines: each host's certificate warning once, and the BMCs' own
        // warnings (iDRAC10 refusing to clear a consumed boot override) likewise.
        let warnings = lines.indices.filter { lines[$0].hasPrefix("warning: ") }
        #expect(warnings.allSatisfy { $0 < header }, "\(screen)")
        let certificates = warnings.filter { lines[$0].contains(": TLS certificate of 127.0.221.") }
        #expect(certificates.count == names.count, "\(screen)")
        #expect(Set(certificates.map { lines[$0].dropFirst("warning: ".count).prefix { $0 != ":" } }.map(String.init)) == Set(names))
        #expect(!lines[header...].contains { $0.contains("warning") }, "\(screen)")
        #expect(screen.contains("40 of 40 hosts succeeded."))
        // The dashboard's address with the port --listen 127.0.0.1:0 actually bound, not 0.
        let dashboard = try #require(lines.first { $0.hasPrefix("vmedia: install dashboard: http://127.0.0.1:") }, "\(screen)")
        let port = Int(dashboard.dropFirst("vmedia: install dashboard: http://127.0.0.1:".count).prefix { $0.isNumber }) ?? 0
        #expect(port > 0 && dashboard.hasSuffix("\(port)/status"), "\(dashboard)")
    }

    @Test("a rack taller than the terminal: failed and running hosts first, the rest counted, never more lines than fit")
    func tableFitsTheTerminal() {
        let names = (1...40).map { String(format: "esx-%02d", $0) }
        var rows: [String: EventPrinter.Row] = [:]
        let start = Date()
        for (index, name) in names.enumerated() {
            var row = EventPrinter.Row()
            if index < 30 { row.started = start; row.succeeded = true }
            if index == 7 { row.succeeded = false }
            if index == 33 { row.started = start }
            rows[name] = row
        }
        let lines = EventPrinter.lines(names: names, rows: rows, width: 120, height: 10, colour: false)
        #expect(lines.count == 10, "\(lines)")
        #expect(lines[1].hasPrefix("esx-08") && lines[1].contains("FAILED"), "\(lines)")
        // The chosen rows keep the hosts file's order, so a row never jumps while it stays on screen.
        #expect(lines[2].hasPrefix("esx-31") && lines.contains { $0.hasPrefix("esx-34") }, "\(lines)")
        #expect(lines[9] == "… 32 more hosts: 29 ok, 3 waiting, 0 running", "\(lines)")
        // Everything fits: the whole rack.
        #expect(EventPrinter.lines(names: names, rows: rows, width: 120, height: 60, colour: false).count == 41)
    }

    @Test("ELAPSED and MB READ move between events: from each host's start and the media server's count")
    func tableTicks() {
        let served = TestBox<[String: Int64]>([:])
        let printer = EventPrinter(output: .lines, names: ["esx-01", "esx-02"], bytesServed: { served.current[$0] })
        let start = Date().addingTimeInterval(-100)
        printer.show(InstallEvent(host: "esx-01", .phase(.waitESXi, "waiting for ESXi"), elapsed: 6, time: start.addingTimeInterval(6)))
        printer.show(InstallEvent(host: "esx-02", .finished(.init(phase: .done, bytesRead: 3 << 20, failure: nil, summary: "installed")),
                                  elapsed: 50, time: start.addingTimeInterval(50)))
        #expect(printer.tableLines(width: 200)[1].contains("6s"))
        served.update { $0 = ["esx-01": 7 << 20, "esx-02": 9 << 20] }
        printer.tick(now: start.addingTimeInterval(101))
        let lines = printer.tableLines(width: 200)
        let first = lines[1].split(separator: " ", omittingEmptySubsequences: true)
        #expect(first.contains("101s") && first.contains("7"), "\(lines)")
        // A finished host keeps its final time and count.
        let second = lines[2].split(separator: " ", omittingEmptySubsequences: true)
        #expect(second.contains("50s") && second.contains("3") && second.contains("ok"), "\(lines)")
    }

    @Test("colour only on a terminal and never with NO_COLOR; ok green and FAILED red in the RESULT column")
    func colour() throws {
        // A pseudo-terminal from /dev/ptmx (Linux: TIOCSPTLCK unlocks it, TIOCGPTN names /dev/pts/N; Glibc's
        // module imports neither posix_openpt nor these ioctl macros, so their values are spelled out).
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        try #require(master >= 0)
        defer { close(master) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        try #require(ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0 && ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number) == 0)
        let terminal = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        try #require(terminal >= 0)
        defer { close(terminal) }
        var pipeFDs: [Int32] = [0, 0]
        try #require(pipe(&pipeFDs) == 0)
        defer { close(pipeFDs[0]); close(pipeFDs[1]) }
        #expect(TerminalColour.enabled(for: terminal, environment: [:]))
        #expect(TerminalColour.enabled(for: terminal, environment: ["NO_COLOR": ""]))
        #expect(!TerminalColour.enabled(for: terminal, environment: ["NO_COLOR": "1"]))
        #expect(!TerminalColour.enabled(for: pipeFDs[1], environment: [:]))

        var ok = EventPrinter.Row(), failed = EventPrinter.Row()
        ok.succeeded = true
        failed.succeeded = false
        let lines = EventPrinter.lines(names: ["a", "b"], rows: ["a": ok, "b": failed], width: 200, height: 50, colour: true)
        #expect(lines[1].contains("\u{1B}[32mok\u{1B}[0m") && lines[2].contains("\u{1B}[1;31mFAILED\u{1B}[0m"), "\(lines)")
        #expect(!EventPrinter.lines(names: ["a"], rows: ["a": ok], width: 200, height: 50, colour: false)[1].contains("\u{1B}"))
    }

    // MARK: --json

    @Test("--json events: the keys they always had, plus an RFC 3339 time, elapsed in ms, the identified BMC and a failure's kind")
    func jsonEvents() throws {
        let time = Date(timeIntervalSince1970: 1_796_392_931.123_4)
        let identified = InstallEvent(host: "esx-01", .identified(.init(vendor: .dell, generation: "iDRAC9", power: .on)),
                                      elapsed: 0.123_456_7, time: time)
        let object = try Self.object(identified)
        #expect(object["kind"] as? String == "note" && object["phase"] as? String == "check-bmc")
        #expect(object["message"] as? String == "dell iDRAC9, power On")
        #expect(object["vendor"] as? String == "dell" && object["generation"] as? String == "iDRAC9" && object["power"] as? String == "On")
        #expect(object["elapsed"] as? Double == 0.123)
        #expect(object["time"] as? String == "2026-12-04T14:02:11.123Z", "\(object)")

        let failure = HostFailure(phase: .waitMediaRead, error: InstallError.neverReadImage(bmc: "https://10.0.0.1", seconds: 600, accessLog: []))
        let finished = InstallEvent(host: "esx-01", .finished(.init(phase: .waitMediaRead, bytesRead: 0, failure: failure, summary: "installed")),
                                    elapsed: 600.000_4, time: time)
        let done = try Self.object(finished)
        #expect(done["kind"] as? String == "finished" && done["succeeded"] as? Bool == false && done["phase"] as? String == "wait-media-read")
        #expect((done["message"] as? String)?.hasPrefix("BMC never read the image") == true)
        #expect(done["failureKind"] as? String == "media-read" && done["elapsed"] as? Double == 600)
        #expect(Set(done.keys) == ["host", "kind", "phase", "message", "bytesRead", "elapsed", "time", "succeeded", "failureKind"])
    }

    @Test("install, check and eject summaries have one shape: summary, action, succeeded, failed, interrupted, hosts")
    func summaryShapes() throws {
        let install = try Self.object(InstallSummary(results: [], interrupted: false))
        let check = try Self.object(BMCMaintenance.Summary(action: .check, outcomes: []))
        let eject = try Self.object(BMCMaintenance.Summary(action: .eject, outcomes: []))
        let keys: Set<String> = ["summary", "action", "succeeded", "failed", "interrupted", "hosts"]
        #expect(Set(install.keys) == keys && Set(check.keys) == keys && Set(eject.keys) == keys)
        #expect(install["action"] as? String == "install" && check["action"] as? String == "check" && eject["action"] as? String == "eject")
    }

    static func object(_ value: some Encodable) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try #require(try JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any])
    }

    // MARK: The dashboard in a browser

    @Test("headless Chromium shows the install dashboard at / → /status: phases, results, MiB read and the evidence")
    func dashboardInChromium() async throws {
        let chromium = try Peer.tool("chromium")
        let curl = try Peer.tool("curl")
        let directory = try TemporaryDirectory()
        var unlicensed = FaultKnobs(), silent = FaultKnobs()
        unlicensed.unlicensed = true
        silent.neverReadsMedia = true
        let lab = try await DemoLab.start(in: directory.path, count: 4, flavours: [.dellIDRAC9, .lenovoXCC, .supermicro, .hpeILO5],
                                          subnet: 223, esxiPort: 9443, faults: [2: unlicensed, 3: silent], installMilliseconds: 100)
        defer { Task { await lab.stop() } }
        let remaster = try ESXiRemaster(sourcePath: lab.isoPath)
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let server = MediaServer(registry: ImageRegistry(), logger: quiet)
        let bound = try await server.start(host: "127.0.0.1", port: 0)
        let http = CurlHTTPClient(maxConnectionsPerHost: 4, logger: quiet)
        var options = InstallOptions()
        options.parallel = 4
        options.esxiPort = 9443
        options.pollInterval = .milliseconds(100)
        options.timeouts.mediaRead = .seconds(120)
        let installer = Installer(remaster: remaster, server: server, advertise: "127.0.0.1", options: options, http: http, logger: quiet)
        server.showDashboard(installer.dashboard)
        let names = lab.hosts.map(\.target.name)
        let finished = TestBox<Set<String>>([])
        let events = Task { for await event in installer.events { if event.kind == .finished { finished.update { $0.insert(event.host) } } } }
        let work = Task { await installer.run(lab.hosts.map(\.target)) }
        // Three hosts end (two installed, one refused for want of a licence); the fourth waits for a read.
        let deadline = Date().addingTimeInterval(90)
        while finished.current.count < 3, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        try #require(finished.current.count == 3)

        let base = "http://127.0.0.1:\(bound.port!)"
        let redirect = try Peer.run([curl, "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", base + "/"]).stdout
        #expect(redirect == "302 \(base)/status", "\(redirect)")
        let screenshot = directory.file("dashboard.png")
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(directory.file("profile"))", "--no-first-run",
                     "--hide-scrollbars"]
        let shot = try Peer.run([chromium] + flags + ["--screenshot=\(screenshot)", "--window-size=1400,760", base + "/"], timeout: 120)
        let dom = try Peer.run([chromium] + flags + ["--dump-dom", base + "/"], timeout: 120).stdout
        let json = try Peer.run([curl, "-sS", base + "/status.json"]).stdoutData
        work.cancel()
        _ = await work.value
        await events.value
        http.shutdown()
        await server.shutdown(grace: .seconds(1))

        #expect(shot.status == 0 && FileManager.default.fileExists(atPath: screenshot), "\(shot.stderr.suffix(1000))")
        let size = (try FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
        #expect(size > 20_000, "a 1400×760 screenshot of a filled table is tens of KB; got \(size) bytes")
        let keep = Peer.packageRoot.appendingPathComponent(".build/install-dashboard.png").path
        try? FileManager.default.removeItem(atPath: keep)
        try? FileManager.default.copyItem(atPath: screenshot, toPath: keep)  // for a human to look at
        // Chromium followed / to the dashboard and rendered it: phases, results, bytes, evidence.
        #expect(dom.contains("<title>vmedia install</title>") && dom.contains("<h1>vmedia install: esxi-demo.iso</h1>") && dom.contains("<meta http-equiv=\"refresh\" content=\"2\">"), "\(dom)")
        #expect(dom.contains("4 hosts: 2 ok, 1 failed, 1 running, 0 waiting"), "\(dom)")
        for name in names.prefix(2) {
            #expect(dom.contains("<tr class=\"ok\" data-host=\"\(name)\">"), "\(dom)")
        }
        #expect(dom.contains("<tr class=\"failed\" data-host=\"\(names[2])\">"), "\(dom)")
        #expect(dom.contains("<tr class=\"running\" data-host=\"\(names[3])\">"), "\(dom)")
        #expect(dom.contains("<td class=\"phase\">done</td>") && dom.contains("<td class=\"phase\">wait-media-read</td>"), "\(dom)")
        #expect(dom.contains("FAILED in check-bmc") || dom.contains("FAILED in insert"), "\(dom)")
        #expect(dom.contains("booted our image"), "the files read since the power action: \(dom)")
        #expect(dom.contains("build"), "what answers at the ESXi address: \(dom)")
        #expect(dom.contains(lab.hosts[0].target.plan.esxiAddress.description))
        #expect(dom.contains("MiB") && dom.contains("%"))
        let status = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let install = try #require(status["install"] as? [[String: Any]])
        #expect(install.map { $0["host"] as? String } == names.map(Optional.some))
        #expect(install.map { $0["state"] as? String } == ["ok", "ok", "failed", "running"], "\(install)")
        #expect((install[0]["bytesRead"] as? Int ?? 0) > 0 && (install[0]["imageBytes"] as? Int ?? 0) > 0)
        #expect(status["images"] != nil, "the media server's own statistics stay in /status.json")
    }

    // MARK: --quiet, --verbose, --log-file

    @Test("check --quiet --log-file: nothing on the terminal for hosts that are fine, every outcome with its time in the file")
    func quietWithLogFile() async throws {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 2, flavours: [.dellIDRAC9, .lenovoXCC], subnet: 225, esxiPort: 9443)
        defer { Task { await lab.stop() } }
        let log = directory.file("check.log")
        let check = try VMediaBinary.run(["check", "--config", lab.hostsFilePath, "--quiet", "--log-file", log], timeout: 120)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.isEmpty && check.stderr.isEmpty, "\(check.stdout)\(check.stderr)")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        for host in lab.hosts {
            #expect(text.contains("check \(host.target.name) (BMC \(host.target.plan.bmc.url)): ok: dell") || text.contains("check \(host.target.name) (BMC \(host.target.plan.bmc.url)): ok: lenovo"), "\(text)")
        }
        #expect(text.split(separator: "\n").allSatisfy { $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "#, options: .regularExpression) != nil }, "\(text)")
        #expect(!text.contains(DemoLab.bmcPassword))
        let both = try VMediaBinary.run(["check", "--config", lab.hostsFilePath, "--quiet", "--verbose"])
        #expect(both.status == 64 && both.stderr.contains("--verbose and --quiet contradict each other"), "\(both.stderr)")
    }
}

/// A value behind a lock, for the test's own bookkeeping across tasks.
private final class TestBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    var current: Value { lock.withLock { value } }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&value) } }
}
