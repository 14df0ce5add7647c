import CurlHTTP
import Inventory

/// One host to install: its validated plan plus what the plan does not carry.
public struct InstallTarget: Sendable {
    public let plan: HostPlan
    /// The root password in clear for the readiness probe's `Login`: given, or the hosts file's (the kickstart
    /// itself holds only a crypt hash with `rootpw: crypted`, the default). Without it the probe stops after
    /// `RetrieveServiceContent`.
    public let rootPassword: String?
    /// How to verify the BMC's certificate (BMCs ship self-signed ones).
    public let bmcTLS: TLSPolicy

    public init(plan: HostPlan, rootPassword: String? = nil, bmcTLS: TLSPolicy = .insecure) {
        self.plan = plan
        if let rootPassword {
            self.rootPassword = rootPassword
        } else if let secret = plan.rootPassword {
            self.rootPassword = secret.reveal()
        } else if case .plain(let text) = plan.kickstart.rootPassword {
            self.rootPassword = text
        } else {
            self.rootPassword = nil
        }
        self.bmcTLS = bmcTLS
    }

    /// The name the host is known by in events and reports.
    public var name: String { plan.hostname }
}
