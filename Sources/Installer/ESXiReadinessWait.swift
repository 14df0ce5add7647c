import ESXi

/// The wait-esxi phase: looks at the host's address every poll interval and asks `ReadinessJudge` whether the new
/// system is there. Another system that keeps answering is reported once per change of what it shows, and fails the
/// host at the timeout with that evidence; a refused login on the image's system fails at once.
public struct ESXiReadinessWait: Sendable {
    let probe: ESXiProbe
    let expected: InstallerBuild?
    let baseline: ESXiObservation?
    let password: String?
    let clock: InstallClock
    let timeout: Duration
    let pollInterval: Duration

    /// - Parameters:
    ///   - expected: the image's build (`ESXiInstallerImage.build`); nil skips the build comparison.
    ///   - baseline: what answered before the insert.
    ///   - password: root's password in clear; nil only when the hosts file gives nothing but a crypted hash.
    public init(probe: ESXiProbe, expected: InstallerBuild?, baseline: ESXiObservation?, password: String?,
                clock: InstallClock, timeout: Duration, pollInterval: Duration) {
        self.probe = probe
        self.expected = expected
        self.baseline = baseline
        self.password = password
        self.clock = clock
        self.timeout = timeout
        self.pollInterval = pollInterval
    }

    /// Returns the evidence the host is the new system.
    /// - Parameter restartedAt: the installer clock's time just before the power action.
    public func run(restartedAt: Double, beforeEachLook: () -> Void = {}, note: (String) -> Void = { _ in }) async throws -> String {
        try await wait(restartedAt: restartedAt, beforeEachLook: beforeEachLook, note: note).evidence
    }

    /// `run`, also returning the sighting judged ready (its certificate thumbprint is what vCenter is told to trust).
    public func wait(restartedAt: Double, beforeEachLook: () -> Void = {},
                     note: (String) -> Void = { _ in }) async throws -> (evidence: String, sighting: ESXiSighting?) {
        var judge = ReadinessJudge(address: probe.address, expected: expected, baseline: baseline)
        let start = clock.now()
        var lastNote: String?
        while true {
            beforeEachLook()
            let observation = await probe.observe(password: password)
            switch judge.judge(observation, secondsSinceRestart: clock.now() - restartedAt) {
            case .ready(let evidence):
                if case .esxi(let sighting) = observation { return (evidence, sighting) }
                return (evidence, nil)
            case .loginRefused:
                throw InstallError.esxiLoginRefused(address: probe.address, port: probe.port)
            case .notTheImage(let evidence):
                if evidence != lastNote {
                    lastNote = evidence
                    note(evidence)
                }
                if clock.now() - start > timeout.seconds {
                    throw InstallError.esxiNotTheImage(seconds: timeout.seconds, evidence: evidence)
                }
            case .waiting(let reason):
                if clock.now() - start > timeout.seconds {
                    throw InstallError.esxiNotReady(address: probe.address, port: probe.port, seconds: timeout.seconds,
                                                    lastError: lastNote ?? reason)
                }
            }
            try await clock.sleep(pollInterval)
        }
    }
}
