import ESXi

/// Whether a host already runs what this install would give it, decided before its BMC is contacted: a rerun of
/// a finished lab must not force-restart and wipe (`clearpart --alldrives --overwritevmfs`) hosts that are done.
/// The evidence is the readiness check's (`ReadinessJudge`), from the host itself: the ESXi answering at the
/// host's address has the image's build (BOOT.CFG `build=`) and accepts root's `Login` with the configured
/// password. Only the vSphere API is spoken; nothing is written anywhere.
public struct InstalledCheck: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// The image's build answers and accepts root's password: skip the host; the text is the evidence.
        case installed(String)
        /// Install it: nothing answers, another build answers, or root's password is refused (another system's).
        case notInstalled(String)
        /// The image's build answers but root's login cannot be checked (only a crypted password is known, or
        /// hostd's login is not up): neither skipping nor wiping is safe, so the host fails untouched.
        case unclear(String)
    }

    let probe: ESXiProbe
    let expected: InstallerBuild?

    public init(probe: ESXiProbe, expected: InstallerBuild?) {
        self.probe = probe
        self.expected = expected
    }

    public func look(password: String?) async -> Verdict {
        let seen = await probe.observe(password: password)
        return Self.judge(seen, expected: expected)
    }

    static func judge(_ seen: ESXiObservation, expected: InstallerBuild?) -> Verdict {
        guard case .esxi(let sighting) = seen else { return .notInstalled(seen.description) }
        guard let expected else {
            return .notInstalled("\(sighting.description), but the ISO's BOOT.CFG names no build= to compare it with")
        }
        guard sighting.about.build == expected.buildNumber else {
            return .notInstalled("\(sighting.description), not the ISO's \(expected)")
        }
        let booted = sighting.bootedText.map { ", \($0)" } ?? ""
        switch sighting.login {
        case .accepted:
            return .installed("\(sighting.address) runs \(sighting.release) (the ISO's build)\(booted) and accepts root's password")
        case .refused:
            return .notInstalled("\(sighting.address) runs \(sighting.release) but refuses root's configured password")
        case .notTried:
            return .unclear("\(sighting.address) already runs \(sighting.release) (the ISO's build), but the hosts file gives "
                + "root's password only as a crypted hash, so vmedia cannot check that it is this install")
        case .unavailable(let reason):
            return .unclear("\(sighting.address) already runs \(sighting.release) (the ISO's build), but its login could not "
                + "be tried (\(reason))")
        }
    }
}
