/// One entry of `HostServiceSystem.serviceInfo.service`: `key` (`TSM-SSH`), `policy` (`on`, `off`, `automatic`),
/// `running`.
public struct HostService: Sendable, Equatable {
    public let key: String
    public let label: String
    public let policy: String
    public let running: Bool

    public init(key: String, label: String, policy: String, running: Bool) {
        self.key = key
        self.label = label
        self.policy = policy
        self.running = running
    }

    init(_ element: SOAPElement) {
        self.init(key: element.child("key")?.text ?? "", label: element.child("label")?.text ?? "",
                  policy: element.child("policy")?.text ?? "", running: element.child("running")?.text == "true")
    }

    /// ESXi's SSH service key.
    public static let ssh = "TSM-SSH"
}
