import Dispatch
import ESXi
import Foundation
import Installer
import MediaServer
import NIOConcurrencyHelpers
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
    /// Green ok, red FAILED: only in the live table (a terminal) and never with NO_COLOR.
    var colour: Bool { output == .table && TerminalColour.enabled() }
    /// Where messages and the log file go (--verbose, --quiet, --log-file).
    var sink = CommandOutput()
    /// Library messages (media server, TLS warnings) are shown from this level on; nil: the sink's level.
    var logLevel: Logger.Level? = nil
    /// After SIGTERM, how long running hosts may take to eject, clear the override and log out before the
    /// reports are written anyway (hosts still cleaning up are reported as such). With the media server's
    /// 1 s drain this stays inside `docker stop`'s default 10 s before SIGKILL.
    var terminationBound: Duration = .seconds(8)
    /// Where the names of the hosts that did not succeed go, and the rerun command printed (`vmedia install`; the
    /// demo has none).
    var retry: RetryFile?
    /// `--preflight`: the media pre-flight on this run's server before any host is touched; any failure stops the run.
    var preflight: MediaPreflight.Options?

    func run(_ targets: [InstallTarget]) async throws -> Int32 {
        let started = ContinuousClock.now
        var logger = sink.logger(label: "vmedia.install")
        logger.logLevel = logLevel ?? sink.loggerLevel
        let server = MediaServer(registry: ImageRegistry(), logger: logger)
        let boundPort: Int?
        do {
            boundPort = try await server.start(host: listenHost, port: listenPort).port
        } catch let error as MediaServerError {
            // A port in use or an address not of this machine: the user's to fix, before any host is touched.
            throw InputRefusal(error.description)
        }
        let http = CurlHTTPClient(maxConnectionsPerHost: 4, logger: logger)
        if let preflight {
            // No BMC may have definitely failed to read from this server before any of them restarts a server; one
            // that read nothing yet is said and let through, unless --require-read.
            let reports = await MediaPreflightRun.run(targets, server: server, advertise: advertise, options: preflight, http: http,
                                                      parallel: options.parallel, json: output == .json)
            let failed = reports.filter { $0.blocks(requireRead: preflight.requireRead) }.map(\.host)
            let unproven = reports.filter { $0.verdict == .notProven }.map(\.host)
            if failed.isEmpty, !unproven.isEmpty {
                sink.message("vmedia: media pre-flight: \(unproven.joined(separator: ", ")) not proven (the BMC accepted the probe and "
                    + "read nothing yet, as some firmware does until the host boots); installing, and the install's media-read "
                    + "phase will show whether it reads (--require-read stops here instead)", level: .warning, always: true)
            }
            if !failed.isEmpty {
                http.shutdown()
                await server.shutdown(grace: .seconds(1))
                let results = targets.map {
                    HostResult.unfinished($0, reason: "not started: the media pre-flight failed for \(failed.joined(separator: ", ")) "
                        + "(see its report); nothing was inserted for the install and no server was restarted")
                }
                try Self.report(results, output: output, printer: EventPrinter(output: output, names: targets.map(\.name), sink: sink),
                                junitPath: junitPath, interrupted: false, seconds: (ContinuousClock.now - started).seconds)
                return 1
            }
        }
        let installer = Installer(remaster: remaster, server: server, advertise: advertise, options: options, http: http,
                                  logger: logger)
        server.showDashboard(installer.dashboard)
        // The real port (--listen …:0 picks one); the advertised address is the one BMCs, and so people, reach.
        let host = listenHost == "0.0.0.0" || listenHost == "::" ? advertise : listenHost
        let dashboard = "http://\(host.contains(":") ? "[\(host)]" : host):\(boundPort ?? listenPort)/status"
        sink.message("vmedia: install dashboard: \(dashboard)", level: .notice, always: true)
        let registry = server.registry
        let printer = EventPrinter(output: output, names: targets.map(\.name), sink: sink, colour: colour,
                                   bytesServed: { registry.statistics(host: $0)?.bytesServed })
        let consumer = Task { for await event in installer.events { printer.show(event) } }
        let work = Task { await installer.run(targets) }
        // ELAPSED and MB READ move at least once a second, also through a 45-minute wait-esxi.
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if !Task.isCancelled { printer.tick() }
            }
        }
        defer { ticker.cancel() }

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
                sink.message("vmedia: Ctrl-C: no new hosts will be started; hosts already booting keep "
                    + "their images. Remaining: \(printer.unfinished.joined(separator: ", ")). Press Ctrl-C again to eject, "
                    + "log out and stop.\(retry.map { " At the end, the hosts that did not succeed go to \($0.path) with the command that reruns them." } ?? "")", always: true)
            default:
                sink.message("vmedia: second Ctrl-C: ejecting our media and logging out…", always: true)
                work.cancel()
            }
        }
        source.resume()
        let limit = terminationBound
        let termSource = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        termSource.setEventHandler {
            guard termination.begin() else { return }
            installer.stopStartingNewHosts()
            sink.message("vmedia: SIGTERM: ejecting our media, clearing boot overrides and logging "
                + "out (at most \(Int(limit.seconds)) s), then writing the reports…", always: true)
            work.cancel()
        }
        termSource.resume()
        let results: [HostResult]
        let raced = await termination.race(work, bound: limit)
        if let finished = raced {
            results = finished
        } else {
            // The bound ran out: report the hosts that finished, and name the ones still cleaning up.
            let known = installer.finishedResults
            results = targets.map { target in
                known[target.name] ?? .unfinished(target, phase: .cleanup, kind: .cancelled, reason: "SIGTERM: cleanup did not finish within "
                    + "\(Int(limit.seconds)) s, so media may still be inserted and a session open; run "
                    + "`vmedia eject --config FILE --hosts \(target.name)`")
            }
        }
        source.cancel()
        termSource.cancel()
        // Events stop only when the installer returns; after a bound that ran out, stop listening instead.
        if raced != nil { await consumer.value } else { consumer.cancel() }
        ticker.cancel()
        http.shutdown()
        await server.shutdown(grace: termination.began ? .seconds(1) : .seconds(2))
        try Self.report(results, output: output, printer: printer, junitPath: junitPath,
                        interrupted: interrupts.count > 0 || termination.began, seconds: (ContinuousClock.now - started).seconds,
                        retry: retry)
        if termination.began { return 143 }
        if interrupts.count >= 2 { return 130 }
        return results.allSatisfy(\.succeeded) ? 0 : 1
    }

    /// The end of every run, whatever ended it: the summary (text or the last NDJSON line) and the JUnit file.
    /// With `retry`, the hosts that did not succeed are written to it and the command that reruns them is printed
    /// last (on stderr with --json, whose stdout is NDJSON only).
    static func report(_ results: [HostResult], output: Output, printer: EventPrinter, junitPath: String?,
                       interrupted: Bool, seconds: Double, retry: RetryFile? = nil) throws {
        printer.finish(results)
        if let junitPath {
            try JUnitReport.xml(results, seconds: seconds).write(toFile: junitPath, atomically: true, encoding: .utf8)
        }
        if output == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(InstallSummary(results: results, interrupted: interrupted)), as: UTF8.self))
        }
        if let advice = retry?.update(results) {
            if output == .json {
                FileHandle.standardError.write(Data("vmedia: \(advice)\n".utf8))
            } else {
                print("\n" + advice)
            }
        }
        fflush(nil)
    }
}

/// The first SIGTERM and the race between the installer's own cleanup and the time it is allowed.
final class Termination: Sendable {
    private let start = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
    var began: Bool { start.withLockedValue { $0 != nil } }

    /// True for the first SIGTERM only.
    func begin() -> Bool {
        start.withLockedValue { start in
            guard start == nil else { return false }
            start = .now
            return true
        }
    }

    private func expired(_ bound: Duration) -> Bool {
        start.withLockedValue { start in start.map { ContinuousClock.now - $0 >= bound } ?? false }
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
private final class OnceContinuation: Sendable {
    private struct State {
        var continuation: CheckedContinuation<[HostResult]?, Never>?
        var resumed = false
    }
    private let state = NIOLockedValueBox(State())
    var done: Bool { state.withLockedValue { $0.resumed } }
    func set(_ continuation: CheckedContinuation<[HostResult]?, Never>) { state.withLockedValue { $0.continuation = continuation } }
    func resume(_ value: [HostResult]?) {
        let pending: CheckedContinuation<[HostResult]?, Never>? = state.withLockedValue { state in
            guard !state.resumed else { return nil }
            state.resumed = true
            return state.continuation
        }
        pending?.resume(returning: value)
    }
}

final class Interrupts: Sendable {
    private let value = NIOLockedValueBox(0)
    var count: Int { value.withLockedValue { $0 } }
    func next() -> Int { value.withLockedValue { $0 += 1; return $0 } }
}
