/// vim25 `HostConnectSpec`: how vCenter reaches and trusts a host it adds. Elements in the WSDL's order (govmomi's
/// `types.HostConnectSpec`: hostName, port, sslThumbprint, userName, password, vmFolder, force, …).
public struct HostConnectSpec: Sendable, CustomStringConvertible {
    /// The name or address vCenter connects to and lists the host under.
    public let hostName: String
    /// hostd's port (443 unless the host listens elsewhere).
    public let port: Int
    /// SHA-1 of the host's certificate, `AA:BB:…`: vCenter refuses (`SSLVerifyFault`) a host presenting another one.
    public let sslThumbprint: String?
    public let userName: String
    /// Root's password on the host; only in the request body, never printed.
    let password: String
    /// Take the host over from another vCenter that manages it (false: vmedia never steals a host).
    public let force: Bool

    public init(hostName: String, port: Int, sslThumbprint: String?, userName: String, password: String, force: Bool = false) {
        self.hostName = hostName
        self.port = port
        self.sslThumbprint = sslThumbprint
        self.userName = userName
        self.password = password
        self.force = force
    }

    /// `<spec>…</spec>` as the argument of `AddHost_Task` / `AddStandaloneHost_Task`.
    func xml(_ name: String) -> String {
        "<\(name)><hostName>\(SOAPText.escape(hostName))</hostName><port>\(port)</port>"
            + (sslThumbprint.map { "<sslThumbprint>\(SOAPText.escape($0))</sslThumbprint>" } ?? "")
            + "<userName>\(SOAPText.escape(userName))</userName><password>\(SOAPText.escape(password))</password>"
            + "<force>\(force)</force></\(name)>"
    }

    public var description: String {
        "\(userName)@\(hostName):\(port) thumbprint \(sslThumbprint ?? "none")"
    }
}
