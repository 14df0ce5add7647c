import ArgumentParser
import Foundation
import Logging

/// --verbose, --quiet and --log-file: the same three on every command that talks to BMCs.
struct LogOptions: ParsableArguments {
    @Flag(name: .long, help: "Print more: the Redfish conversation's decisions and debug messages (no secrets).")
    var verbose = false

    @Flag(name: .long, help: "Print less: no live table or event lines, only errors and the final result.")
    var quiet = false

    @Option(name: .customLong("log-file"), help: ArgumentHelp("Also append every event and message, with its time (RFC 3339), to FILE.", valueName: "FILE"))
    var logFile: String?

    func validate() throws {
        if verbose && quiet { throw ValidationError("--verbose and --quiet contradict each other: give one of them") }
    }

    /// Opens the log file (appending; created with mode 0600, since it names hosts and BMCs).
    /// - Parameter defaultLevel: what the terminal shows without --verbose or --quiet.
    func makeOutput(defaultLevel: Logger.Level = .warning) throws -> CommandOutput {
        var handle: FileHandle?
        if let logFile {
            let descriptor = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw ValidationError("--log-file \(logFile): cannot open it for appending (\(String(cString: strerror(errno)))); check the folder exists and is writable")
            }
            handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        }
        return CommandOutput(terminalLevel: verbose ? .debug : (quiet ? .error : defaultLevel), quiet: quiet, logFile: handle)
    }
}
