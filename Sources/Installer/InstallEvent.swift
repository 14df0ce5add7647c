/// What the installer reports while it works: the CLI turns these into table rows, plain lines or NDJSON.
public struct InstallEvent: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// A phase started.
        case phase
        /// Bytes of the image the BMC has read so far (`bytesRead`).
        case progress
        /// Something worth telling that is not a failure.
        case note
        /// Something the operator should act on that does not stop the host (e.g. an unverified BMC certificate).
        case warning
        /// The host finished: `result` says how.
        case finished
    }

    public let host: String
    public let kind: Kind
    public let phase: InstallPhase
    public let message: String
    public let bytesRead: Int64?
    public let imageBytes: Int64?
    /// Seconds since this host started.
    public let elapsed: Double
    public let succeeded: Bool?
    /// What the host's reads of its image since the power action show, mapped to the image's files
    /// ("booted our image: KS.CFG read 14:02:11, 71/80 modules"); see `MediaReadEvidence`.
    public let media: String?

    public init(host: String, kind: Kind, phase: InstallPhase, message: String, bytesRead: Int64? = nil,
                imageBytes: Int64? = nil, elapsed: Double, succeeded: Bool? = nil, media: String? = nil) {
        self.media = media
        self.host = host
        self.kind = kind
        self.phase = phase
        self.message = message
        self.bytesRead = bytesRead
        self.imageBytes = imageBytes
        self.elapsed = elapsed
        self.succeeded = succeeded
    }
}

/// One host's outcome, for the summary, `--json` and `--junit`.
public struct HostResult: Sendable, Codable, Equatable {
    public struct PhaseTiming: Sendable, Codable, Equatable {
        public let phase: InstallPhase
        public let seconds: Double
    }

    public let host: String
    public let bmc: String
    public let vendor: String
    public let esxiAddress: String
    public let url: String?
    public let succeeded: Bool
    /// The phase that failed, or `.done`.
    public let phase: InstallPhase
    public let failure: String?
    public let phases: [PhaseTiming]
    public let bytesRead: Int64
    public let seconds: Double
    /// What the host itself showed at the end of wait-esxi (build, boot time against the restart, login): the
    /// ground for "installed".
    public var evidence: String? = nil
    /// The host already ran the ISO's build with the configured root password, so it was left alone (`succeeded`,
    /// `evidence` says what answered): no Redfish request was made. See `InstalledCheck`.
    public var alreadyInstalled: Bool = false
}
