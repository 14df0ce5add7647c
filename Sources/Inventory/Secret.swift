/// A password or other credential read from the hosts file, the environment or a file.
///
/// `description`, `debugDescription`, string interpolation, `dump` of the containing value and JSON encoding all
/// show `********`: the only way to the text is `reveal()`, so a secret that reaches a log, a report or `--json`
/// has been revealed on purpose.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, Encodable {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret text, for the one place that needs it (a Redfish login, a password hash).
    public func reveal() -> String { value }

    public static let mask = "********"
    public var description: String { Secret.mask }
    public var debugDescription: String { Secret.mask }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Secret.mask)
    }
}

/// Where a secret in the hosts file came from, for messages that must not show the secret itself.
public enum SecretSource: Sendable, Equatable, CustomStringConvertible {
    case literal
    case environment(String)
    case file(String)

    public var description: String {
        switch self {
        case .literal: "the hosts file"
        case .environment(let name): "environment variable \(name)"
        case .file(let path): "file \(path)"
        }
    }
}
