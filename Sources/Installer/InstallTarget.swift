import Inventory
import Redfish

/// One host to install: its validated plan plus what the plan does not carry.
public struct InstallTarget: Sendable {
    public let plan: HostPlan
    /// The root password in clear for the readiness probe's `Login`: given, or the hosts file's (the kickstart
    /// itself holds only a crypt hash with `rootpw: crypted`, the default). Nil only when the hosts file gives
    /// nothing but a crypted hash: then the login (and the boot time it reads) is skipped, and the evidence says so.
    public let rootPassword: String?
    /// How to verify the BMC's certificate: the command line's choice when it made one, else the hosts file's
    /// (`ipmi: {tls_ca: …}` / `tls_pin: …`), else not at all with a warning (BMCs ship self-signed certificates).
    public let bmcTrust: BMCTrust

    public init(plan: HostPlan, rootPassword: String? = nil, bmcTrust: BMCTrust? = nil) {
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
        self.bmcTrust = bmcTrust ?? plan.bmcTrust
    }

    /// The name the host is known by in events and reports.
    public var name: String { plan.hostname }
}
