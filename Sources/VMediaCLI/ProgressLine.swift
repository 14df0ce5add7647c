import Foundation

/// A single status line on a terminal's standard error, redrawn in place; silent when stderr is not a
/// terminal (CI logs, pipes) so that logs get no carriage-return noise.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private var width = 0

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Redraws the line, at most ten times a second.
    func show(_ text: String) {
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = Date()
        let padded = text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0)
        width = text.count
        FileHandle.standardError.write(Data(("\r" + padded).utf8))
    }

    func clear() {
        guard enabled, width > 0 else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: width) + "\r").utf8))
        width = 0
        lastDraw = .distantPast
    }
}
