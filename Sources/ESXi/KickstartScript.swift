/// A script section of a kickstart: `%pre` (before install, in the installer), `%post` (after install, in the
/// installer) or `%firstboot` (once, on the installed host's first boot).
public struct KickstartScript: Sendable, Hashable {
    public enum Section: String, Sendable, Hashable, CaseIterable {
        case pre, post, firstboot
    }

    public enum Interpreter: String, Sendable, Hashable, CaseIterable {
        case busybox, python
    }

    public let section: Section
    public let interpreter: Interpreter
    /// The script text, without the `%section` line. A trailing newline is added when rendering if missing.
    public let body: String
    /// `%post --timeout=` seconds (only `%post` supports it).
    public let timeout: Int?
    /// `%post --ignorefailure=true|false` (only `%post` supports it).
    public let ignoreFailure: Bool?

    public init(section: Section, interpreter: Interpreter = .busybox, body: String, timeout: Int? = nil,
                ignoreFailure: Bool? = nil) {
        self.section = section
        self.interpreter = interpreter
        self.body = body
        self.timeout = timeout
        self.ignoreFailure = ignoreFailure
    }

    /// The `%section --interpreter=…` line.
    public var header: String {
        var header = "%\(section.rawValue) --interpreter=\(interpreter.rawValue)"
        if let timeout { header += " --timeout=\(timeout)" }
        if let ignoreFailure { header += " --ignorefailure=\(ignoreFailure)" }
        return header
    }

    /// Header and body, newline-terminated.
    public var rendered: String {
        var text = header + "\n" + body
        if !text.hasSuffix("\n") { text += "\n" }
        return text
    }

    /// Why this script cannot be rendered, or nil.
    public var problem: String? {
        if section != .post, timeout != nil || ignoreFailure != nil {
            return "timeout and ignorefailure apply to %post only, not %\(section.rawValue)"
        }
        if let timeout, timeout <= 0 { return "the %post timeout must be a positive number of seconds, not \(timeout)" }
        if body.contains("\r") { return "the %\(section.rawValue) script contains a carriage return (a file saved with Windows line endings?)" }
        // The installer ends a section at the next line that starts with '%'; such a line would cut the script and
        // be read as a command.
        for (index, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.hasPrefix("%") {
            return "line \(index + 1) of the %\(section.rawValue) script starts with '%', which the installer reads as the start of a new section"
        }
        return nil
    }
}
