import Foundation

/// A long-running child of a test (a server, an emulator) whose output goes to a file. `stop()` sends SIGTERM
/// first (vmedia's servers drain and exit 0 on it), then SIGKILL after 5 s; `kill()` is for children that cannot
/// be stopped politely (Python peers started by the test inherit a blocked SIGTERM). Killed when released.
public final class BackgroundProcess: @unchecked Sendable {
    private let process = Process()
    /// The file that collects stdout and stderr.
    public let outputPath: String

    public init(_ argv: [String], output: String, environment: [String: String] = [:]) throws {
        outputPath = output
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        guard FileManager.default.createFile(atPath: output, contents: nil) else { throw TestSetupError("cannot create \(output)") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    /// Everything the child has written so far.
    public var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// The rest of the first output line starting with `prefix`.
    public func waitForLine(prefix: String, timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            // Split on any newline: "\r\n" (serial consoles) is one Character, not "\n".
            if let line = output.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix(prefix) }) {
                return String(line.dropFirst(prefix.count))
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw TestSetupError("no line starting with \(prefix) within \(timeout); output: \(output)")
    }

    /// Stops the child and returns its exit status (SIGTERM first: servers shut down gracefully on it).
    @discardableResult
    public func stop() -> Int32 {
        guard process.isRunning || Foundation.kill(pid, 0) == 0 else {
            process.waitUntilExit()
            return process.terminationStatus
        }
        Foundation.kill(pid, SIGTERM)
        for _ in 0..<100 where Foundation.kill(pid, 0) == 0 && process.isRunning { usleep(50_000) }
        return kill()
    }

    /// SIGKILL (if still running) and the exit status.
    @discardableResult
    public func kill() -> Int32 {
        if process.isRunning { Foundation.kill(pid, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { kill() }
}

/// A test's setup went wrong (a peer did not start, a file could not be made): what, with the output that explains it.
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs blocking test code (process launches and waits) on its own thread, so it never occupies the
/// cooperative pool (2 threads here) that other suites' async tests need.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// A free TCP port on `address` (asked from the kernel through Python).
public func freePort(on address: String = "127.0.0.1") throws -> Int {
    let python = try Peer.tool("python3")
    let result = try Peer.run([python, "-c", "import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])", address])
    guard let port = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw TestSetupError("no free port on \(address)") }
    return port
}
