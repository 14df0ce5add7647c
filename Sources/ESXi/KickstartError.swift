/// What is wrong with a kickstart (model, template or parsed file): every problem at once, each saying what failed,
/// where when known, and how to fix it. Callers that know a better location (the hosts file's line and column)
/// map `KickstartProblem.field` to it instead of printing these lines.
public struct KickstartError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [KickstartProblem]

    public init(_ problems: [KickstartProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// One problem in a kickstart: the field or line it is about, the message and the fix.
public struct KickstartProblem: Sendable, Equatable, CustomStringConvertible {
    /// The model field (for the hosts file to point at its own key), nil for whole-file problems.
    public enum Field: String, Sendable, Equatable {
        case address, netmask, gateway, nameservers, hostname, device, vlanID, installDisk, password, keyboard
        case script, template
    }

    /// What kind of problem it is, for code that treats one kind differently (the hosts file lets a simulated lab
    /// use loopback addresses; the simulator's cross-check tolerates exactly those), so nobody matches message text.
    public enum Kind: Sendable, Equatable {
        /// The value is wrong for the ESXi installer.
        case invalid
        /// An address in 127.0.0.0/8: wrong on a real network, what simulated hosts use.
        case loopbackAddress
    }

    public let field: Field?
    public let kind: Kind
    /// 1-based line (and column) in the kickstart or template text, when the problem comes from a text.
    public let line: Int?
    public let column: Int?
    public let message: String
    public let fix: String

    public init(field: Field? = nil, kind: Kind = .invalid, line: Int? = nil, column: Int? = nil, message: String, fix: String) {
        self.field = field
        self.kind = kind
        self.line = line
        self.column = column
        self.message = message
        self.fix = fix
    }

    public var description: String {
        var location = ""
        if let line { location = column.map { "line \(line), column \($0): " } ?? "line \(line): " }
        return "\(location)\(message) — fix: \(fix)"
    }
}
