import Redfish

/// Where a refused BMC login's user name and password came from, added to the error so its advice names what the
/// user ran: the hosts file for install, check and eject, the command-line options for `bmc` and `discover --bmc`.
/// The Redfish error itself names no source (the library does not know which command runs it).
public enum CredentialAdvice {
    /// For a host of a hosts file.
    public static let hostsFile = "this host's ipmi: username and password in the hosts file"
    /// For `--bmc` on the command line.
    public static let commandLine = "--username and --password-env or --password-file"

    /// `error`'s description, with the source of the credentials when it is a refused login.
    public static func describe(_ error: any Error, credentialsFrom source: String) -> String {
        guard let redfish = error as? RedfishError, case .authentication = redfish else { return "\(error)" }
        return "\(redfish) (the user name and password come from \(source))"
    }
}
