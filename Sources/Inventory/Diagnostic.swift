/// One problem at one place in a file: where (`file`, `line`, `column`), what it is about (`subject`: a host of the
/// list and the section being read, `defaults:`, the top level), what is wrong (`problem`) and how to fix it.
/// `message` is the sentence the user reads, subject included ("host 3 ipmi: environment variable X is not set");
/// it is made from the fields and never read back: grouping and filtering use `subject` and `problem`.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible, Encodable {
    public let file: String
    /// 1-based, as editors count; nil when the problem is about the whole file.
    public let line: Int?
    public let column: Int?
    /// What the problem is about, nil when the message names nothing (a YAML syntax error, a template's line).
    public let subject: Subject?
    /// The problem without its subject.
    public let problem: String
    public let phrasing: Phrasing
    public let fix: String

    /// How `problem` follows the subject in `message`.
    public enum Phrasing: Sendable, Hashable {
        /// After a colon: "host 3 ipmi: environment variable X is not set".
        case afterColon
        /// As the rest of one sentence: "host 3 ipmi has no 'vendor'".
        case sentence
    }

    public init(file: String, line: Int?, column: Int?, subject: Subject?, problem: String, phrasing: Phrasing = .afterColon,
                fix: String) {
        self.file = file
        self.line = line
        self.column = column
        self.subject = subject
        self.problem = problem
        self.phrasing = phrasing
        self.fix = fix
    }

    /// A problem that names no subject: `message` is `problem`.
    public init(file: String, line: Int?, column: Int?, message: String, fix: String) {
        self.init(file: file, line: line, column: column, subject: nil, problem: message, fix: fix)
    }

    public var message: String {
        guard let subject else { return problem }
        return "\(subject)\(phrasing == .afterColon ? ": " : " ")\(problem)"
    }

    /// The hosts of the list the problem is about (several when one `defaults:` value causes it in each), 1-based.
    public var hosts: [Int] {
        if case .hosts(let numbers) = subject?.scope { return numbers }
        return []
    }

    public var location: String {
        guard let line else { return file }
        return "\(file):\(line)" + (column.map { ":\($0)" } ?? "")
    }

    public var description: String { "\(location): error: \(message) — fix: \(fix)" }

    enum CodingKeys: String, CodingKey { case file, line, column, message, fix }

    /// The `--json` schema of a problem: file, line, column (absent for the whole file), message, fix.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encodeIfPresent(line, forKey: .line)
        try container.encodeIfPresent(column, forKey: .column)
        try container.encode(message, forKey: .message)
        try container.encode(fix, forKey: .fix)
    }
}

extension Diagnostic {
    /// What a problem is about: a place in the hosts file's structure, and the section of it that was being read.
    public struct Subject: Sendable, Hashable, CustomStringConvertible {
        public enum Scope: Sendable, Hashable {
            /// The file's top-level mapping.
            case topLevel
            /// The `defaults:` block.
            case defaults
            /// Hosts of `hosts:`, 1-based in file order; several when one problem a `defaults:` value causes in each
            /// host is said once.
            case hosts([Int])
            /// A validated host by its `HostPlan.index` (0-based, as `validate --json` numbers it) and hostname.
            case plan(index: Int, hostname: String)
        }

        public let scope: Scope
        /// The key of the section being read: ipmi, esxi, vcenter, or a script section (pre, post, firstboot) of
        /// esxi; nil for the scope as a whole.
        public let section: String?

        public init(_ scope: Scope, section: String? = nil) {
            self.scope = scope
            self.section = section
        }

        /// Host `number` (1-based) of the list.
        public static func host(_ number: Int, section: String? = nil) -> Subject { Subject(.hosts([number]), section: section) }
        public static let topLevel = Subject(.topLevel)
        public static func defaults(section: String? = nil) -> Subject { Subject(.defaults, section: section) }

        /// The same scope, reading `name` within it.
        public func section(_ name: String) -> Subject { Subject(scope, section: name) }

        public var description: String {
            switch scope {
            case .topLevel: "the top level"
            case .defaults: "defaults" + (section.map { ".\($0)" } ?? "")
            case .hosts(let numbers) where numbers.count == 1: "host \(numbers[0])" + (section.map { " \($0)" } ?? "")
            // A merged problem sits at one `defaults:` line, which already names its section.
            case .hosts(let numbers): "hosts \(numbers.map(String.init).joined(separator: ", "))"
            case .plan(let index, let hostname): "host \(index) (\(hostname))"
            }
        }
    }
}
