/// Where the simulated server is, as its console would show it. Tests and `vmedia demo` read it through
/// `SimulatedBMC.installPhase`; the Redfish service shows it as `BootProgress` and in the Manager's log.
public enum InstallPhase: Sendable, Equatable, CustomStringConvertible {
    case poweredOff
    /// Powered on and booted something other than the virtual CD; the text says why (no override, wrong target,
    /// no media, or the BMC never read it).
    case noInstallerBooted(String)
    case readingMedia
    /// Kickstart accepted; ESXi comes up after the configured install time.
    case installing
    /// ESXi answers the vSphere API on its kickstart address.
    case running(address: String, port: Int)
    case failed(String)

    public var description: String {
        switch self {
        case .poweredOff: return "powered off"
        case .noInstallerBooted(let reason): return "booted without the installer: \(reason)"
        case .readingMedia: return "reading virtual media"
        case .installing: return "installing ESXi"
        case .running(let address, let port): return "ESXi running on \(address):\(port)"
        case .failed(let reason): return "install failed: \(reason)"
        }
    }
}

/// One request as the BMC received it, for tests to assert on. Passwords in JSON bodies are replaced by
/// "******" before the body is stored.
public struct RecordedRequest: Sendable, Equatable, CustomStringConvertible {
    public enum Authentication: String, Sendable {
        case none
        case basic
        case session
    }

    public let method: String
    public let uri: String
    public let body: String
    public let ifMatch: String?
    public let status: Int
    public let authentication: Authentication

    public var description: String {
        "\(method) \(uri) → \(status)" + (ifMatch.map { " If-Match: \($0)" } ?? "") + (body.isEmpty ? "" : " \(body)")
    }
}
