/// The steps of one host's install, in order. Each has its own timeout (`InstallOptions.Timeouts`).
public enum InstallPhase: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case validate
    case checkBMC = "check-bmc"
    case publish
    case eject
    case insert
    case confirm
    case bootOnce = "boot-once"
    case power
    case waitMediaRead = "wait-media-read"
    case waitESXi = "wait-esxi"
    /// After readiness: steps through the new host's vSphere API (SSH under Secure Boot, where %firstboot is skipped).
    case configure
    case cleanup
    /// After the cleanup (the install stands whatever happens here): the host is added to vCenter.
    case join
    case done

    public var description: String { rawValue }
}

/// How far `vmedia install` takes each host (`--until`).
public enum InstallGoal: String, Sendable, Codable, CaseIterable {
    /// The server was restarted into our image; nothing is awaited after the power action.
    case rebooted
    /// The media server saw the BMC read the image.
    case mediaRead = "media-read"
    /// The image's ESXi (its build, booted after the restart) answers the vSphere API on its management address and
    /// accepts the root password.
    case installed
    /// Installed, then NTP, syslog, SSH and the licence set through the host's vSphere API and read back.
    case configured
    /// Configured, then added to the hosts file's vCenter cluster or folder.
    case joined
}

extension InstallGoal: Comparable {
    public static func < (lhs: InstallGoal, rhs: InstallGoal) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
