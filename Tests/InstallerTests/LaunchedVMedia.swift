import Foundation
import TestSupport

/// The built `vmedia` started in the background with its output collected, for tests that signal it or read its
/// output while it runs.
enum LaunchedVMedia {
    static func start(_ arguments: [String]) throws -> (process: Process, stdout: OutputCollector, stderr: OutputCollector) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: VMediaBinary.path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, OutputCollector(out.fileHandleForReading), OutputCollector(err.fileHandleForReading))
    }
}

/// Reads a pipe in the background so the child never blocks on a full pipe.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self, !chunk.isEmpty else { return }
            self.lock.withLock { self.data.append(chunk) }
        }
    }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
