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
    case cleanup
    case done

    public var description: String { rawValue }
}

/// How far `vmedia install` takes each host (`--until`).
public enum InstallGoal: String, Sendable, Codable, CaseIterable {
    /// The server was restarted into our image; nothing is awaited after the power action.
    case rebooted
    /// The media server saw the BMC read the image.
    case mediaRead = "media-read"
    /// ESXi answers the vSphere API on its management address and accepts the root password.
    case installed
}
