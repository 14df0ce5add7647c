import Foundation
import Testing

/// Independent peer tools (xorriso, isoinfo, 7z, pycdlib, qemu, curl, sushy-emulator …) that tests run against.
///
/// A plain `swift test` cancels a test whose peer is missing, with the reason printed. Under `CI=true`, and under
/// `bash Tests/run` (which installs every peer with `Tests/Peers/setup.sh` and sets `VMEDIA_REQUIRE_PEERS=1`), it
/// is a failure: a skip there would hide a broken setup, and a green local run must mean what CI means.
public enum Peer {
    /// The package root, found from this file's path (Tests/TestSupport/Peer.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether a missing peer fails the test instead of skipping it.
    public static var peersRequired: Bool { isCI || ProcessInfo.processInfo.environment["VMEDIA_REQUIRE_PEERS"] == "1" }

    /// The absolute path of `name` on PATH (or the venv's bin), or cancels/fails the test.
    public static func tool(_ name: String, package: String? = nil) throws -> String {
        if let path = which(name) { return path }
        try unavailable("\(name) is not installed (apt-get install \(package ?? name), or run bash Tests/Peers/setup.sh)")
    }

    /// The Python interpreter of the peers' venv (pycdlib, sushy-tools), or cancels/fails the test.
    public static func python(module: String) throws -> String {
        let venv = ProcessInfo.processInfo.environment["VMEDIA_PEERS_VENV"]
            ?? packageRoot.appendingPathComponent(".build-peers/venv").path
        let python = venv + "/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            try unavailable("no peers venv at \(venv) (run bash Tests/Peers/setup.sh)")
        }
        let probe = try run([python, "-c", "import \(module)"])
        guard probe.status == 0 else { try unavailable("python module \(module) missing in \(venv): \(probe.stderr)") }
        return python
    }

    /// A file that Debian installs (OVMF firmware, isolinux.bin …), or cancels/fails the test.
    public static func file(_ candidates: [String], package: String) throws -> String {
        for path in candidates where FileManager.default.fileExists(atPath: path) { return path }
        try unavailable("none of \(candidates.joined(separator: ", ")) exists (apt-get install \(package))")
    }

    public static func which(_ name: String) -> String? {
        var dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        dirs += ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        let venv = ProcessInfo.processInfo.environment["VMEDIA_PEERS_VENV"]
            ?? packageRoot.appendingPathComponent(".build-peers/venv").path
        dirs.append(venv + "/bin")
        for dir in dirs {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    public static func unavailable(_ reason: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Never {
        if peersRequired {
            Issue.record("peer unavailable under \(isCI ? "CI=true" : "VMEDIA_REQUIRE_PEERS=1 (bash Tests/run)"): \(reason)", sourceLocation: sourceLocation)
            throw PeerUnavailable(reason: reason)
        }
        print("skipped: \(reason)")
        try Test.cancel(Comment(rawValue: reason), sourceLocation: sourceLocation)
    }

    public struct PeerUnavailable: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "peer unavailable: \(reason)" }
    }

    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public let stdoutData: Data
    }

    /// Runs a command to completion and captures its output. `timeout` kills it (SIGKILL) when exceeded.
    @discardableResult
    public static func run(_ argv: [String], stdin: Data? = nil, environment: [String: String]? = nil,
                           currentDirectory: String? = nil, timeout: TimeInterval = 300) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            // Written from another thread: a child that answers before reading all of its input would
            // otherwise fill its output pipe while we block on the input pipe.
            let writer = input.fileHandleForWriting
            DispatchQueue.global().async {
                writer.write(stdin)
                try? writer.close()
            }
        }
        let killer = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        killer.cancel()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self),
                      stdoutData: outData)
    }
}
