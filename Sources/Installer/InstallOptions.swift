import CurlHTTP
import MediaServer
/// How an install run behaves; every field has the default `vmedia install` uses.
public struct InstallOptions: Sendable {
    public struct Timeouts: Sendable {
        /// Login, discovery and power state.
        public var checkBMC: Duration = .seconds(120)
        /// Eject, insert, confirm, boot override, power: each one (iDRAC inserts fetch the image during the call).
        public var bmcAction: Duration = .seconds(300)
        /// From the power action until the media server sees the BMC's first read.
        public var mediaRead: Duration = .seconds(600)
        /// From the first read until the image's ESXi answers (its build, booted after the restart, root's login);
        /// an old system still answering then fails the host with what it showed (the old tool's 45 minutes).
        public var esxi: Duration = .seconds(45 * 60)
        /// Eject, clear the override, log out.
        public var cleanup: Duration = .seconds(120)
        public init() {}
    }

    public var goal: InstallGoal = .installed
    /// Install hosts that already run the ISO's build with the configured root password (`InstalledCheck`);
    /// false skips them, reported as already installed, without contacting their BMCs.
    public var reinstall = false
    /// Hosts worked on at once.
    public var parallel: Int = 8
    /// Accept reads of a host's image from any address (BMCs behind NAT), not only from its BMC's.
    public var anyPeer = false
    /// The port the ESXi readiness probe talks to (443 on real hosts; simulators may use another).
    public var esxiPort: Int = 443
    /// Whether the probe uses https (real ESXi always does).
    public var esxiTLS = true
    /// The known-BMCs file where BMC keys pinned on first use (`tls_pin: true`, `--tls-pin`) are recorded.
    public var knownBMCsPath: String = KnownBMCs.defaultPath
    /// Pause between readiness probes and media-read polls.
    public var pollInterval: Duration = .seconds(5)
    public var timeouts = Timeouts()
    /// Media URLs: `true` gives every host https://, `false` every host http:// (the BMCs that mount only HTTPS then
    /// fail with their own error), nil lets each host's `media_https:` or its BMC's vendor rule decide.
    public var mediaHTTPS: Bool?
    /// The certificate HTTPS media is served with: `--tls-cert/--tls-key`, or generated in the state folder the
    /// first time a host needs https:// (`MediaServer.ensureTLS`).
    public var mediaTLS: MediaTLSIdentity.Source = .from(certificate: nil, key: nil)
    public init() {}
}

/// Time for the installer: real by default, a virtual clock in tests so timeouts are tested without waiting.
public struct InstallClock: Sendable {
    public let now: @Sendable () -> Double
    public let sleep: @Sendable (Duration) async throws -> Void

    public init(now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }

    public static let continuous: InstallClock = {
        let start = ContinuousClock.now
        return InstallClock(now: { let d = ContinuousClock.now - start; return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 },
                            sleep: { try await Task.sleep(for: $0) })
    }()
}

extension Duration {
    /// The duration in seconds, for messages and the installer clock.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
