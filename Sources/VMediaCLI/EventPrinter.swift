import Foundation
import Installer
import NIOConcurrencyHelpers

/// Shows install events as they come: a live table on a terminal, one line per event otherwise, NDJSON with
/// --json. It owns the screen while the table is drawn: messages (warnings, log lines, Ctrl-C notices) arrive
/// through `CommandOutput` and are printed above the table under the same lock as every redraw, so no message
/// lands inside a half-drawn table. `tick` (once a second) keeps ELAPSED and MB READ moving while hosts run.
final class EventPrinter: Sendable {
    struct Row {
        var vendor = ""
        var phase = "waiting"
        var bytes: Int64 = 0
        var elapsed = 0.0
        /// nil while running or waiting; true ok, false FAILED.
        var succeeded: Bool?
        var result: String { succeeded.map { $0 ? "ok" : "FAILED" } ?? "" }
        /// The latest word from the host itself while waiting for ESXi ("… still runs ESXi 7.0.3 …, before the
        /// restart"), so the table shows why a host is still waiting.
        var detail = ""
        /// The media evidence since the power action ("booted our image: KS.CFG read 14:02:11, 71/80 modules"),
        /// shown while the host has nothing else to say.
        var media = ""
        /// When the host started (wall clock), for a live ELAPSED; nil until its first event.
        var started: Date?
        var finished: Bool { succeeded != nil }
    }

    /// Columns before RESULT: HOST 20, VENDOR 20, PHASE 16, MB READ 9, ELAPSED 9.
    static let resultColumn = 74

    let output: InstallSession.Output
    private let names: [String]
    private let sink: CommandOutput
    private let colour: Bool
    /// The media server's own count of the bytes it sent for a host's image (nil when none is published).
    private let bytesServed: (@Sendable (String) -> Int64?)?
    private struct State {
        var rows: [String: Row] = [:]
        var drawnLines = 0
        var lastDraw = Date.distantPast
    }
    private let state: NIOLockedValueBox<State>

    init(output: InstallSession.Output, names: [String], sink: CommandOutput = CommandOutput(), colour: Bool = false,
         bytesServed: (@Sendable (String) -> Int64?)? = nil) {
        self.output = output
        self.names = names
        self.sink = sink
        self.colour = colour
        self.bytesServed = bytesServed
        var initial = State()
        for name in names { initial.rows[name] = Row() }
        state = NIOLockedValueBox(initial)
        if output == .table && !sink.quiet {
            sink.setAbove { [weak self] text in self?.printAbove(text) }
        }
    }

    var unfinished: [String] { state.withLockedValue { state in names.filter { state.rows[$0].map { !$0.finished } ?? false } } }

    func show(_ event: InstallEvent) {
        state.withLockedValue { state in
            var row = state.rows[event.host] ?? Row()
            row.elapsed = event.elapsed
            if row.started == nil { row.started = event.time.addingTimeInterval(-event.elapsed) }
            if let bytes = event.bytesRead { row.bytes = max(row.bytes, bytes) }
            switch event.payload {
            case .phase(let phase, _):
                row.phase = phase.rawValue
            case .identified(let bmc):
                row.vendor = bmc.name
            case .progress(let progress):
                row.media = progress.evidence
            case .note(let phase, let text) where phase == .waitESXi || phase == .configure || phase == .join:
                row.detail = text
            case .note, .warning:
                break
            case .finished(let finish):
                row.phase = finish.phase.rawValue
                row.succeeded = finish.failure == nil
            }
            state.rows[event.host] = row
        }
        let line = String(format: "%7.1fs %@ %@: %@", event.elapsed, event.host, event.phase.rawValue, event.message)
            + (event.bytesRead.map { " [\($0 >> 20) MiB read]" } ?? "")
        if case .warning = event.payload {
            // A warning is a message: above the table, in the plain lines as a line of its own, in the log file.
            if output != .json { sink.message("warning: \(event.host): \(event.message)") }
        } else {
            sink.record(line)
        }
        switch output {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(event) { print(String(decoding: data, as: UTF8.self)) }
            if case .warning = event.payload { sink.record(line) }
        case .lines:
            if !sink.quiet, !isWarning(event) { print(line) }
        case .table:
            redraw(force: event.kind == .finished)
        }
        fflush(nil)
    }

    private func isWarning(_ event: InstallEvent) -> Bool {
        if case .warning = event.payload { return true }
        return false
    }

    /// Once a second while hosts run: ELAPSED from each host's start, MB READ from the media server's count.
    func tick(now: Date = Date()) {
        state.withLockedValue { state in
            for name in names {
                guard var row = state.rows[name], let started = row.started, !row.finished else { continue }
                row.elapsed = max(row.elapsed, now.timeIntervalSince(started))
                if let served = bytesServed?(name) { row.bytes = max(row.bytes, served) }
                state.rows[name] = row
            }
        }
        if output == .table { redraw(force: true) }
    }

    /// Prints `text` above the table: the table is erased (cursor up, clear to the end of the screen), the text
    /// written, and the table drawn again below it, all under the lock that serialises redraws.
    private func printAbove(_ text: String) {
        state.withLockedValue { state in
            let erase = state.drawnLines > 0 ? "\u{1B}[\(state.drawnLines)A\r\u{1B}[J" : ""
            FileHandle.standardOutput.write(Data(erase.utf8))
            FileHandle.standardError.write(Data((text + "\n").utf8))
            state.drawnLines = 0
            draw(&state)
        }
    }

    /// Redraws the table in place (cursor up over the previous drawing), at most ten times a second unless forced.
    private func redraw(force: Bool) {
        guard !sink.quiet else { return }
        state.withLockedValue { state in
            let now = Date()
            guard force || now.timeIntervalSince(state.lastDraw) > 0.1 else { return }
            draw(&state)
        }
    }

    private func draw(_ state: inout State) {
        state.lastDraw = Date()
        var text = state.drawnLines > 0 ? "\u{1B}[\(state.drawnLines)A\r" : ""
        let size = Self.terminalSize()
        let lines = Self.lines(names: names, rows: state.rows, width: size.columns, height: size.rows - 1, colour: colour)
        text += lines.map { $0 + "\u{1B}[K" }.joined(separator: "\n") + "\n"
        state.drawnLines = lines.count
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// The table as drawn: a header and one row per host, each cut to `width` so no line wraps (the redraw moves
    /// the cursor up by lines, which a wrapped row would break).
    func tableLines(width: Int) -> [String] {
        state.withLockedValue { Self.lines(names: names, rows: $0.rows, width: width, height: .max, colour: false) }
    }

    /// At most `height` lines: a cursor can only move up within the screen, so a table taller than the terminal
    /// would scroll and leave torn copies in the scrollback. A rack larger than the screen shows the hosts that
    /// are running or failed first and counts the others on the last line.
    static func lines(names: [String], rows: [String: Row], width: Int, height: Int, colour: Bool) -> [String] {
        let header = pad("HOST", 20) + pad("VENDOR", 20) + pad("PHASE", 16) + pad("MB READ", 9) + pad("ELAPSED", 9) + "RESULT"
        var shown = names
        var hidden = ""
        if names.count + 1 > height {
            let room = max(1, height - 2)
            func rank(_ row: Row) -> Int { row.succeeded == false ? 0 : (row.started != nil && !row.finished ? 1 : (row.finished ? 3 : 2)) }
            let chosen = Set(names.enumerated().sorted { (rank(rows[$0.element] ?? Row()), $0.offset) < (rank(rows[$1.element] ?? Row()), $1.offset) }
                .prefix(room).map(\.element))
            shown = names.filter(chosen.contains)
            let rest = names.filter { !chosen.contains($0) }.map { rows[$0] ?? Row() }
            let ok = rest.filter { $0.succeeded == true }.count
            let waiting = rest.filter { $0.started == nil }.count
            hidden = "… \(rest.count) more hosts: \(ok) ok, \(waiting) waiting, \(rest.count - ok - waiting) running"
        }
        var lines = [(header, Bool?.none)]
        for name in shown {
            let row = rows[name] ?? Row()
            let said = row.detail.isEmpty ? row.media : row.detail
            let result = said.isEmpty ? row.result : pad(row.result, 7) + said
            lines.append((pad(name, 20) + pad(row.vendor, 20) + pad(row.phase, 16) + pad(String(row.bytes >> 20), 9)
                          + pad(String(format: "%.0fs", row.elapsed), 9) + result, row.succeeded))
        }
        if !hidden.isEmpty { lines.append((hidden, nil)) }
        return lines.map { line, succeeded in
            let cut = line.count > width ? String(line.prefix(max(1, width - 1))) + "…" : line
            // Green ok, red FAILED in the RESULT column, when the cut left the whole word.
            guard colour, let succeeded else { return cut }
            let word = succeeded ? "ok" : "FAILED"
            guard cut.count >= resultColumn + word.count else { return cut }
            return cut.prefix(resultColumn) + TerminalColour.paint(word, ok: succeeded) + cut.dropFirst(resultColumn + word.count)
        }
    }

    /// The terminal's size (TIOCGWINSZ on standard output), 120×50 when it cannot be read.
    static func terminalSize() -> (columns: Int, rows: Int) {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 else { return (120, 50) }
        return (Int(size.ws_col), size.ws_row > 3 ? Int(size.ws_row) : 50)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ", count: width - text.count)
    }

    func finish(_ results: [HostResult]) {
        guard output != .json else { return }
        if output == .table {
            tick()
            sink.setAbove(nil)
        }
        let ok = results.filter(\.succeeded).count
        print("\n\(ok) of \(results.count) hosts succeeded.")
        let skipped = results.filter(\.alreadyInstalled).map(\.host)
        if !skipped.isEmpty {
            print("\(skipped.count) already installed, left alone (--reinstall installs them again): \(skipped.joined(separator: ", "))")
        }
        for result in results where !result.succeeded {
            let failed = colour ? TerminalColour.paint("FAILED", ok: false) : "failed"
            print("  \(result.host) (BMC \(result.bmc)) \(failed) in \(result.phase): \(result.failure ?? "")")
        }
    }
}
