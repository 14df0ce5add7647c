import Foundation
import NIOConcurrencyHelpers

/// A single status line on a terminal's standard error, redrawn in place; silent when stderr is not a
/// terminal (CI logs, pipes) so that logs get no carriage-return noise. Safe from any thread: the time of the
/// last draw and the drawn width are read and written under one lock, which also keeps two draws from
/// interleaving their bytes.
final class ProgressLine: Sendable {
    private struct State {
        var lastDraw = Date.distantPast
        var width = 0
    }
    private let enabled: Bool
    private let state = NIOLockedValueBox(State())

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Redraws the line, at most ten times a second.
    func show(_ text: String) {
        guard enabled else { return }
        state.withLockedValue { state in
            guard Date().timeIntervalSince(state.lastDraw) >= 0.1 else { return }
            state.lastDraw = Date()
            let padded = text.padding(toLength: max(state.width, text.count), withPad: " ", startingAt: 0)
            state.width = text.count
            FileHandle.standardError.write(Data(("\r" + padded).utf8))
        }
    }

    func clear() {
        guard enabled else { return }
        state.withLockedValue { state in
            guard state.width > 0 else { return }
            FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: state.width) + "\r").utf8))
            state.width = 0
            state.lastDraw = .distantPast
        }
    }
}
