import Foundation

/// Colour for FAILED and ok: on a terminal only, and never when NO_COLOR is set to anything non-empty
/// (https://no-color.org).
enum TerminalColour {
    static func enabled(for descriptor: Int32 = STDOUT_FILENO,
                        environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard isatty(descriptor) == 1 else { return false }
        return (environment["NO_COLOR"] ?? "").isEmpty
    }

    static func paint(_ text: String, ok: Bool) -> String {
        (ok ? "\u{1B}[32m" : "\u{1B}[1;31m") + text + "\u{1B}[0m"
    }
}
