import Dispatch
import ESXi
import Foundation
import Installer
import MediaServer
import CurlHTTP
import Logging

/// Runs an `Installer` for a command: starts the media server, turns events into output (a live table on a
/// terminal, one line per event otherwise, NDJSON with --json), handles Ctrl-C and SIGTERM, writes JUnit, and
/// returns the exit status (0 all succeeded, 1 some failed, 130 interrupted by a second Ctrl-C, 143 terminated).
struct InstallSession {
    enum Output { case table, lines, json }

    let remaster: ESXiRemaster
    let listenHost: String
    let listenPort: Int
    let advertise: String
    let options: InstallOptions
    let output: Output
    let junitPath: String?
    /// Library messages (media server, TLS warnings) go to stderr from this level on.
    var logLevel: Logger.Level = .warning
    /// After SIGTERM, how long running hosts may take to eject, clear the override and log out before the
    /// reports are written anyway (hosts still cleaning up are reported as such). With the media server's
    /// 1 s drain this stays inside `docker stop`'s default 10 s before SIGKILL.
    var terminationBound: Duration = .seconds(8)

    func run(_ targets: [InstallTarget]) async throws -> Int32 {
        let started = ContinuousClock.now
        var logger = Logger(label: "vmedia.install") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = logLevel
        let server = MediaServer(registry: ImageRegistry(), logger: logger)
        _ = try await server.start(host: listenHost, port: listenPort)
        let http = CurlHTTPClient(maxConnectionsPerHost: 4, logger: logger)
        let installer = Installer(remaster: remaster, server: server, advertise: advertise, options: options, http: http,
                                  logger: logger)
        let printer = EventPrinter(output: output, names: targets.map(\.name))
        let consumer = Task { for await event in installer.events { printer.show(event) } }
        let work = Task { await installer.run(targets) }

        // Ctrl-C: the first stops starting hosts and keeps serving the images hosts are booting from; the second
        // cancels the running hosts, which eject what vmedia inserted and delete their sessions, then exit 130.
        // SIGTERM (Jenkins' abort, docker stop, systemd) does what the second Ctrl-C does at once, bounded in time,
        // and exits 143: aborted runs must not leave media inserted or sessions open (iDRAC caps sessions).
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let interrupts = Interrupts()
        let termination = Termination()
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            switch interrupts.next() {
            case 1:
                installer.stopStartingNewHosts()
                FileHandle.standardError.write(Data(("\nvmedia: Ctrl-C: no new hosts will be started; hosts already booting keep "
                    + "their images. Remaining: \(printer.unfinished.joined(separator: ", ")). Press Ctrl-C again to eject, "
                    + "log out and stop.\n").utf8))
            default:
                FileHandle.standardError.write(Data("\nvmedia: second Ctrl-C: ejecting our media and logging out…\n".utf8))
                work.cancel()
            }
        }
        source.resume()
        let bound = terminationBound
        let termSource = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        termSource.setEventHandler {
            guard termination.begin() else { return }
            installer.stopStartingNewHosts()
            FileHandle.standardError.write(Data(("\nvmedia: SIGTERM: ejecting our media, clearing boot overrides and logging "
                + "out (at most \(Int(bound.seconds)) s), then writing the reports…\n").utf8))
            work.cancel()
        }
        termSource.resume()
        let results: [HostResult]
        let raced = await termination.race(work, bound: bound)
        if let finished = raced {
            results = finished
        } else {
            // The bound ran out: report the hosts that finished, and name the ones still cleaning up.
            let known = installer.finishedResults
            results = targets.map { target in
                known[target.name] ?? .unfinished(target, phase: .cleanup, reason: "SIGTERM: cleanup did not finish within "
                    + "\(Int(bound.seconds)) s, so media may still be inserted and a session open; run "
                    + "`vmedia eject --config FILE --hosts \(target.name)`")
            }
        }
        source.cancel()
        termSource.cancel()
        // Events stop only when the installer returns; after a bound that ran out, stop listening instead.
        if raced != nil { await consumer.value } else { consumer.cancel() }
        http.shutdown()
        await server.shutdown(grace: termination.began ? .seconds(1) : .seconds(2))
        try Self.report(results, output: output, printer: printer, junitPath: junitPath,
                        interrupted: interrupts.count > 0 || termination.began, seconds: (ContinuousClock.now - started).seconds)
        if termination.began { return 143 }
        if interrupts.count >= 2 { return 130 }
        return results.allSatisfy(\.succeeded) ? 0 : 1
    }

    /// The end of every run, whatever ended it: the summary (text or the last NDJSON line) and the JUnit file.
    static func report(_ results: [HostResult], output: Output, printer: EventPrinter, junitPath: String?,
                       interrupted: Bool, seconds: Double) throws {
        printer.finish(results)
        if let junitPath {
            try JUnitReport.xml(results, seconds: seconds).write(toFile: junitPath, atomically: true, encoding: .utf8)
        }
        if output == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(InstallSummary(results: results, interrupted: interrupted)), as: UTF8.self))
        }
    }
}

/// The first SIGTERM and the race between the installer's own cleanup and the time it is allowed.
final class Termination: @unchecked Sendable {
    private let lock = NSLock()
    private var start: ContinuousClock.Instant?
    var began: Bool { lock.withLock { start != nil } }

    /// True for the first SIGTERM only.
    func begin() -> Bool {
        lock.withLock {
            guard start == nil else { return false }
            start = .now
            return true
        }
    }

    private func expired(_ bound: Duration) -> Bool {
        lock.withLock { start.map { ContinuousClock.now - $0 >= bound } ?? false }
    }

    /// The work's results, or nil when a SIGTERM came and `bound` passed before the work ended.
    func race(_ work: Task<[HostResult], Never>, bound: Duration) async -> [HostResult]? {
        let once = OnceContinuation()
        return await withCheckedContinuation { continuation in
            once.set(continuation)
            Task { once.resume(await work.value) }
            Task {
                while !once.done, !self.expired(bound) {
                    try? await Task.sleep(for: .milliseconds(100))
                }
                once.resume(nil)
            }
        }
    }
}

/// Resumes a continuation once, from whichever side gets there first.
private final class OnceContinuation: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<[HostResult]?, Never>?
    private var resumed = false
    var done: Bool { lock.withLock { resumed } }
    func set(_ continuation: CheckedContinuation<[HostResult]?, Never>) { lock.withLock { self.continuation = continuation } }
    func resume(_ value: [HostResult]?) {
        let pending: CheckedContinuation<[HostResult]?, Never>? = lock.withLock {
            guard !resumed else { return nil }
            resumed = true
            return continuation
        }
        pending?.resume(returning: value)
    }
}

final class Interrupts: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var count: Int { lock.withLock { value } }
    func next() -> Int { lock.withLock { value += 1; return value } }
}

/// Shows events as they come. One instance per run; `show` is called from one task only.
final class EventPrinter: @unchecked Sendable {
    struct Row {
        var vendor = ""
        var phase = "waiting"
        var bytes: Int64 = 0
        var elapsed = 0.0
        var result = ""
        /// The latest word from the host itself while waiting for ESXi ("… still runs ESXi 7.0.3 …, before the
        /// restart"), so the table shows why a host is still waiting.
        var detail = ""
        /// The media evidence since the power action ("booted our image: KS.CFG read 14:02:11, 71/80 modules"),
        /// shown while the host has nothing else to say.
        var media = ""
    }

    let output: InstallSession.Output
    private let names: [String]
    private let lock = NSLock()
    private var rows: [String: Row] = [:]
    /// Warnings seen while the live table is drawn: printed under it at the end, so they never tear the table.
    private var warnings: [String] = []
    private var drawnLines = 0
    private var lastDraw = 0.0

    init(output: InstallSession.Output, names: [String]) {
        self.output = output
        self.names = names
        for name in names { rows[name] = Row() }
    }

    var unfinished: [String] { lock.withLock { names.filter { rows[$0]?.result.isEmpty ?? false } } }

    func show(_ event: InstallEvent) {
        lock.withLock {
            var row = rows[event.host] ?? Row()
            row.elapsed = event.elapsed
            if let bytes = event.bytesRead { row.bytes = bytes }
            if let media = event.media { row.media = media }
            switch event.kind {
            case .phase: row.phase = event.phase.rawValue
            case .finished:
                row.phase = event.phase.rawValue
                row.result = event.succeeded == true ? "ok" : "FAILED"
            case .note where event.phase == .checkBMC && row.vendor.isEmpty: row.vendor = String(event.message.split(separator: ",").first ?? "")
            case .note where event.phase == .waitESXi || event.phase == .configure || event.phase == .join: row.detail = event.message
            case .warning: warnings.append("\(event.host): \(event.message)")
            default: break
            }
            rows[event.host] = row
        }
        switch output {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(event) { print(String(decoding: data, as: UTF8.self)) }
        case .lines:
            let bytes = event.bytesRead.map { " [\($0 >> 20) MiB read]" } ?? ""
            print(String(format: "%7.1fs %@ %@: %@%@", event.elapsed, event.host, event.phase.rawValue, event.message, bytes))
        case .table:
            redraw(force: event.kind == .finished)
        }
        fflush(nil)
    }

    /// Redraws the table in place (cursor up over the previous drawing), at most ten times a second.
    private func redraw(force: Bool) {
        let now = Date().timeIntervalSince1970
        guard force || now - lastDraw > 0.1 else { return }
        lastDraw = now
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
        let lines = tableLines(width: Self.terminalColumns())
        text += lines.map { $0 + "\u{1B}[K" }.joined(separator: "\n") + "\n"
        drawnLines = lines.count
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// The table as drawn: a header and one row per host, each cut to `width` so no line wraps (the redraw moves
    /// the cursor up by lines, which a wrapped row would break).
    func tableLines(width: Int) -> [String] {
        let header = pad("HOST", 20) + pad("VENDOR", 20) + pad("PHASE", 16) + pad("MB READ", 9) + pad("ELAPSED", 9) + "RESULT"
        var lines = [header]
        lock.withLock {
            for name in names {
                let row = rows[name] ?? Row()
                let said = row.detail.isEmpty ? row.media : row.detail
                let result = said.isEmpty ? row.result : pad(row.result, 7) + said
                lines.append(pad(name, 20) + pad(row.vendor, 20) + pad(row.phase, 16) + pad(String(row.bytes >> 20), 9)
                             + pad(String(format: "%.0fs", row.elapsed), 9) + result)
            }
        }
        return lines.map { $0.count > width ? String($0.prefix(max(1, width - 1))) + "…" : $0 }
    }

    /// The terminal's width (TIOCGWINSZ on standard output), 120 when it cannot be read.
    static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 else { return 120 }
        return Int(size.ws_col)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ", count: width - text.count)
    }

    func finish(_ results: [HostResult]) {
        guard output != .json else { return }
        if output == .table {
            redraw(force: true)
            let seen = lock.withLock { warnings }
            if !seen.isEmpty { print("\nWarnings:\n" + seen.map { "  " + $0 }.joined(separator: "\n")) }
        }
        let ok = results.filter(\.succeeded).count
        print("\n\(ok) of \(results.count) hosts succeeded.")
        for result in results where !result.succeeded {
            print("  \(result.host) (BMC \(result.bmc)) failed in \(result.phase): \(result.failure ?? "")")
        }
    }
}
