import Foundation
import Installer
import Logging
import NIOConcurrencyHelpers

/// The one owner of a command's messages: log messages (TLS warnings, the media server, Redfish decisions with
/// --verbose), Ctrl-C notices and warnings go through it, so that while a live table is drawn they print above the
/// table instead of tearing it, and `--log-file` gets every one of them with its time.
final class CommandOutput: Sendable {
    /// What the terminal shows: `.warning` by default, `.debug` with --verbose, `.error` with --quiet.
    let terminalLevel: Logger.Level
    let quiet: Bool
    private struct State {
        var file: FileHandle?
        /// Set while a live table is on screen: prints a message above it (the table redraws below).
        var above: (@Sendable (String) -> Void)?
    }
    private let state: NIOLockedValueBox<State>

    init(terminalLevel: Logger.Level = .warning, quiet: Bool = false, logFile: FileHandle? = nil) {
        self.terminalLevel = terminalLevel
        self.quiet = quiet
        state = NIOLockedValueBox(State(file: logFile))
    }

    /// The level loggers need so that both the terminal and the log file get what they want.
    var loggerLevel: Logger.Level {
        state.withLockedValue { $0.file } != nil ? min(terminalLevel, .info) : terminalLevel
    }

    var hasLogFile: Bool { state.withLockedValue { $0.file } != nil }

    func logger(label: String) -> Logger {
        var logger = Logger(label: label) { [self] label in OutputLogHandler(label: label, output: self) }
        logger.logLevel = loggerLevel
        return logger
    }

    /// Routes messages above the live table while `above` is set; nil restores plain standard error.
    func setAbove(_ above: (@Sendable (String) -> Void)?) { state.withLockedValue { $0.above = above } }

    /// A message for the operator: to the terminal when `level` reaches `terminalLevel` (above the live table
    /// when one is drawn, else standard error), and to the log file.
    /// `always`: shown even with --quiet (Ctrl-C notices, the dashboard's address).
    func message(_ text: String, level: Logger.Level = .warning, always: Bool = false) {
        let (file, above) = state.withLockedValue { ($0.file, $0.above) }
        if let file { file.write(Data("\(Self.stamp()) \(level) \(text)\n".utf8)) }
        guard always || level >= terminalLevel else { return }
        if let above { above(text) } else { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    /// A line for the log file only (events already shown on the terminal in another form).
    func record(_ text: String) {
        guard let file = state.withLockedValue({ $0.file }) else { return }
        file.write(Data("\(Self.stamp()) \(text)\n".utf8))
    }

    func close() { state.withLockedValue { try? $0.file?.close(); $0.file = nil } }

    static func stamp() -> String { InstallEvent.rfc3339(Date()) }
}

/// swift-log's handler for `CommandOutput`: "warning: …" lines, metadata appended.
struct OutputLogHandler: LogHandler {
    let label: String
    let output: CommandOutput
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .warning

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let extra = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        output.message("\(event.level): \(event.message)\(extra)", level: event.level)
    }
}
