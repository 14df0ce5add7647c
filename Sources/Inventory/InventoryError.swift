/// Why a hosts file cannot be used. `description` is what the user reads: one line per problem, as
/// `FILE:LINE:COLUMN: error: WHAT — fix: HOW`, every problem of the file at once.
public enum InventoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or a file it names) cannot be read.
    case unreadable(path: String, reason: String)
    /// The file was read; these are all its problems, in file order.
    case invalid([Diagnostic])
    /// A host's `esxi_disk: "serial:…"` could not be mapped to one device id with the BMC's drive inventory.
    case diskNotFound(host: String, serial: String, problem: String, fix: String)

    public var diagnostics: [Diagnostic] {
        switch self {
        case .unreadable(let path, let reason):
            [Diagnostic(file: path, line: nil, column: nil, message: "cannot read the hosts file: \(reason)",
                        fix: "check the path given to --config")]
        case .invalid(let list): list
        case .diskNotFound(let host, let serial, let problem, let fix):
            [Diagnostic(file: host, line: nil, column: nil, message: "install disk serial:\(serial): \(problem)", fix: fix)]
        }
    }

    public var description: String {
        let list = diagnostics
        var text = list.map(\.description).joined(separator: "\n")
        if list.count > 1 { text += "\n\(list.count) problems in the hosts file; nothing was done." }
        return text
    }
}
