/// One host's outcome, for the summary, `--json` and `--junit`.
public struct HostResult: Sendable, Encodable, Equatable {
    public struct PhaseTiming: Sendable, Codable, Equatable {
        public let phase: InstallPhase
        public let seconds: Double
    }

    public let host: String
    public let bmc: String
    public let vendor: String
    public let esxiAddress: String
    public let url: String?
    public var succeeded: Bool { failed == nil }
    /// The phase that failed, or `.done`.
    public var phase: InstallPhase { failed?.phase ?? .done }
    /// Why the host failed (phase, kind, message); nil when it succeeded.
    public let failed: HostFailure?
    /// The failure's message: what `--json` (`failure`), JUnit and the summary print.
    public var failure: String? { failed?.message }
    public let phases: [PhaseTiming]
    public let bytesRead: Int64
    public let seconds: Double
    /// What the host itself showed at the end of wait-esxi (build, boot time against the restart, login): the
    /// ground for "installed".
    public var evidence: String? = nil
    /// The host already ran the ISO's build with the configured root password, so it was left alone (`succeeded`,
    /// `evidence` says what answered): no Redfish request was made. See `InstalledCheck`.
    public var alreadyInstalled: Bool = false

    public init(host: String, bmc: String, vendor: String, esxiAddress: String, url: String?, failed: HostFailure?,
                phases: [PhaseTiming], bytesRead: Int64, seconds: Double, evidence: String? = nil) {
        self.host = host
        self.bmc = bmc
        self.vendor = vendor
        self.esxiAddress = esxiAddress
        self.url = url
        self.failed = failed
        self.phases = phases
        self.bytesRead = bytesRead
        self.seconds = seconds
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case host, bmc, vendor, esxiAddress, url, succeeded, phase, failure, failureKind, phases, bytesRead, seconds, evidence, alreadyInstalled
    }

    /// The keys of the `hosts` entries of `--json`'s summary (documented in the README): the same as before the
    /// failure was typed, plus `failureKind`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(host, forKey: .host)
        try container.encode(bmc, forKey: .bmc)
        try container.encode(vendor, forKey: .vendor)
        try container.encode(esxiAddress, forKey: .esxiAddress)
        try container.encodeIfPresent(url, forKey: .url)
        try container.encode(succeeded, forKey: .succeeded)
        try container.encode(phase, forKey: .phase)
        try container.encodeIfPresent(failure, forKey: .failure)
        try container.encodeIfPresent(failed?.kind, forKey: .failureKind)
        try container.encode(phases, forKey: .phases)
        try container.encode(bytesRead, forKey: .bytesRead)
        try container.encode(seconds, forKey: .seconds)
        try container.encodeIfPresent(evidence, forKey: .evidence)
        try container.encode(alreadyInstalled, forKey: .alreadyInstalled)
    }
}
