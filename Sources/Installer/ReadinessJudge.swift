import ESXi
import Foundation

/// Decides, look by look, whether the ESXi answering at a host's address is the system vmedia just installed.
/// Three pieces of evidence, all from the host itself (reference/iso9660-esxi.md §7):
/// - its `about.build` is the image's (`build=` of BOOT.CFG);
/// - it booted after vmedia's power action: its uptime (`CurrentTime − runtime.bootTime`, both on the host's clock)
///   is shorter than the time since the restart. Where the boot time is unreadable, the address must have gone
///   silent after the restart, or have shown something else than before the insert;
/// - it accepts root's `Login` with the configured password (skipped only when the hosts file gives nothing but a
///   crypted hash, and then said so).
/// An old ESXi that keeps answering (the BMC ignored the one-time boot and booted the disk) is never taken for it.
struct ReadinessJudge: Sendable {
    enum Verdict: Sendable, Equatable {
        /// The new system; the text is the evidence.
        case ready(String)
        /// Nothing answers yet (booting, installing).
        case waiting(String)
        /// Another system answers: an old ESXi, or one that is not the image's. Keep waiting; fail with this at
        /// the timeout.
        case notTheImage(String)
        /// The image's system, booted after the restart, refuses root's password: waiting will not change that.
        case loginRefused
    }

    let address: String
    let expected: InstallerBuild?
    /// What answered before the insert.
    let baseline: ESXiObservation?
    /// The host's uptime may exceed the time since our restart by this much (rounding, the request in flight).
    static let slack = 5.0
    /// Whether nothing answered at some look after the restart (a real reboot always leaves a gap).
    private(set) var sawSilence = false

    init(address: String, expected: InstallerBuild?, baseline: ESXiObservation?) {
        self.address = address
        self.expected = expected
        self.baseline = baseline
    }

    mutating func judge(_ observation: ESXiObservation, secondsSinceRestart: Double) -> Verdict {
        let sighting: ESXiSighting
        switch observation {
        case .nothing(let reason):
            sawSilence = true
            return .waiting("nothing answers yet (\(reason))")
        case .esxi(let seen):
            sighting = seen
        }
        let bootedBeforeRestart = sighting.uptime.map { $0 > secondsSinceRestart + Self.slack }
        let asBefore = sameAsBaseline(sighting)
        if let expected, sighting.about.build != expected.buildNumber {
            return .notTheImage(otherBuild(sighting, expected: expected, bootedBeforeRestart: bootedBeforeRestart))
        }
        if bootedBeforeRestart == true {
            return .notTheImage("\(address) still runs \(sighting.release) \(sighting.bootedText ?? "booted"), before the restart: "
                + "the host did not boot the image (it ran this build already)")
        }
        if bootedBeforeRestart == nil, asBefore, !sawSilence {
            return .notTheImage("\(address) still answers as the \(sighting.release) seen before the insert and has not gone "
                + "silent since the restart (its boot time is unreadable\(sighting.login == .refused ? ": root's login was refused" : "")): "
                + "the host did not boot the image")
        }
        let build = expected.map { _ in "\(sighting.release) (the image's build)" } ?? "\(sighting.release) (the image names no build= to compare)"
        let booted: String
        if let uptime = sighting.uptime {
            booted = "\(sighting.bootedText ?? "booted"), \(Int((secondsSinceRestart - uptime).rounded())) s after the restart"
        } else {
            if sawSilence {
                booted = "boot time unreadable, the address went silent after the restart"
            } else {
                switch baseline {
                case .nothing?: booted = "boot time unreadable, nothing answered before the insert"
                case .esxi(let before)?: booted = "boot time unreadable, \(before.release) answered before the insert"
                case nil: booted = "boot time unreadable"
                }
            }
        }
        switch sighting.login {
        case .refused:
            return .loginRefused
        case .unavailable(let reason):
            return .waiting("\(sighting.release) answers but its login is not up yet (\(reason))")
        case .accepted:
            return .ready("\(build), \(booted), accepts root's password")
        case .notTried:
            return .ready("\(build), \(booted); login not checked: the hosts file gives only a crypted root password")
        }
    }

    private func otherBuild(_ sighting: ESXiSighting, expected: InstallerBuild, bootedBeforeRestart: Bool?) -> String {
        switch bootedBeforeRestart {
        case true?:
            return "\(address) still runs \(sighting.release) \(sighting.bootedText ?? "booted"), before the restart: the host did not boot the image"
        case false?:
            return "\(address) runs \(sighting.release) \(sighting.bootedText ?? "booted"), after the restart, but the image installs "
                + "\(expected): the host did not boot the image (it booted its disk or another system)"
        case nil:
            let why = sighting.login == .refused ? "root's login was refused" : "no login"
            return "\(address) still runs \(sighting.release), not the image's \(expected) (boot time unreadable: \(why)): "
                + "the host did not boot the image"
        }
    }

    private func sameAsBaseline(_ sighting: ESXiSighting) -> Bool {
        guard case .esxi(let before)? = baseline, before.about.build == sighting.about.build else { return false }
        guard let then = before.bootTime, let now = sighting.bootTime else { return true }
        return abs(then.timeIntervalSince(now)) < 1
    }
}
