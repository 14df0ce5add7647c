import Foundation
import CurlHTTP
import Inventory
import VSphere
import NIOConcurrencyHelpers

/// The phases after the install, on a host whose ESXi answers: `configure` (through the host's own vSphere API,
/// each step read back: the SSH service as `ssh:` asks, which also covers Secure Boot hosts where ESXi skips
/// `%firstboot`, NTP and syslog) and `join` (vCenter, see `VCenterJoin`). Used by `vmedia install --until configured|joined` and by
/// `vmedia configure` for hosts installed earlier. Every step first reads the host's state and changes only what
/// differs, so a second run changes nothing and says so.
public struct AfterInstall: Sendable {
    let http: CurlHTTPClient
    let target: InstallTarget
    let port: Int
    let useTLS: Bool
    let emit: @Sendable (InstallEvent) -> Void

    public init(http: CurlHTTPClient, target: InstallTarget, port: Int, useTLS: Bool,
                emit: @escaping @Sendable (InstallEvent) -> Void) {
        self.http = http
        self.target = target
        self.port = port
        self.useTLS = useTLS
        self.emit = emit
    }

    init(context: Installer.Context, target: InstallTarget, emit: @escaping @Sendable (InstallEvent) -> Void) {
        self.init(http: context.http, target: target, port: context.options.esxiPort, useTLS: context.options.esxiTLS, emit: emit)
    }

    private var address: String { target.plan.esxiAddress.description }

    /// The configure phase. Needs root's password (a hosts file with only a crypted hash cannot log in).
    func configure(enter: @Sendable (InstallPhase, String) -> Void, elapsed: @Sendable () -> Double,
                   phase: (Duration, @escaping @Sendable () async throws -> String) async throws -> String) async throws {
        let ssh = target.plan.kickstart.enableSSH
        let settings = target.plan.settings
        var steps = ["SSH \(ssh ? "on" : "off")"]
        if !settings.ntpServers.isEmpty { steps.append("NTP") }
        if settings.syslog != nil { steps.append("syslog") }
        enter(.configure, "configuring \(address) through its vSphere API: \(steps.joined(separator: ", "))")
        let password = try rootPassword(step: "configuring")
        let configuration = HostConfiguration(http: http, address: address, port: port, useTLS: useTLS)
        let done = try await phase(.seconds(120)) { try await configuration.apply(ssh: ssh, settings: settings, password: password) }
        emit(InstallEvent(host: target.name, kind: .note, phase: .configure, message: done, elapsed: elapsed()))
    }

    /// The join phase; `thumbprint` is the certificate's the host presented during readiness (nil: read now).
    func join(thumbprint: String?, enter: @Sendable (InstallPhase, String) -> Void, elapsed: @Sendable () -> Double,
              phase: (Duration, @escaping @Sendable () async throws -> String) async throws -> String) async throws {
        guard let plan = target.plan.settings.vcenter else {
            throw InstallError.joinFailed(vCenter: "(none)", detail: "the hosts file gives \(target.name) no vcenter: section",
                                          fix: "add vcenter: {address, username, password, datacenter, cluster | folder} to the host or to defaults, or use --until configured")
        }
        enter(.join, "adding \(address) to \(plan.placement) in \(plan.datacenter) of vCenter \(plan.url)")
        let password = try rootPassword(step: "joining vCenter")
        var seen = thumbprint
        if seen == nil, useTLS {
            let client = VSphereClient(http: http, address: address, port: port, useTLS: true)
            do {
                seen = try await client.serviceContentAndThumbprint().thumbprint
            } catch {
                throw InstallError.joinFailed(vCenter: plan.url, detail: "cannot read the TLS certificate of \(address): \(error)",
                                              fix: "check that the host is up and answers on port \(port)")
            }
        }
        if let seen {
            emit(InstallEvent(host: target.name, kind: .note, phase: .join,
                              message: "\(address) presented the certificate with SHA-1 thumbprint \(seen); vCenter must see the same", elapsed: elapsed()))
        }
        let join = VCenterJoin(http: http, plan: plan)
        let hostPort = port
        let license = target.plan.kickstart.licenseKey?.reveal()
        let done = try await phase(.seconds(600)) { [seen, address] in
            try await join.join(address: address, port: hostPort, thumbprint: seen, rootPassword: password, license: license).description
        }
        emit(InstallEvent(host: target.name, kind: .note, phase: .join, message: done, elapsed: elapsed()))
    }

    private func rootPassword(step: String) throws -> String {
        guard let password = target.rootPassword else {
            throw InstallError.configureFailed(step: step, address: address,
                                               detail: "the hosts file gives root's password only as a hash (rootpw: hash), and the vSphere API needs the password itself")
        }
        return password
    }
}

extension AfterInstall {
    /// One host's result of `vmedia configure`.
    public struct Outcome: Sendable, Encodable {
        public let host: String
        public let succeeded: Bool
        /// The last step's report, or the failure.
        public let message: String
    }

    /// `vmedia configure`: the configure phase, then (for `.joined`) the join phase, for each host in turn.
    /// Failures are per host; the others go on.
    public static func run(targets: [InstallTarget], goal: InstallGoal, http: CurlHTTPClient, port: Int, useTLS: Bool,
                           emit: @escaping @Sendable (InstallEvent) -> Void) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for target in targets {
            let clock = ContinuousClock()
            let start = clock.now
            let elapsed: @Sendable () -> Double = {
                let duration = clock.now - start
                return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            }
            let last = LastMessage()
            let steps = AfterInstall(http: http, target: target, port: port, useTLS: useTLS) { event in
                if event.kind == .note { last.set(event.message) }
                emit(event)
            }
            let enter: @Sendable (InstallPhase, String) -> Void = { phase, message in
                emit(InstallEvent(host: target.name, kind: .phase, phase: phase, message: message, elapsed: elapsed()))
            }
            // The phase's own name in its timeout: a join that hangs is not a configure that hangs.
            let phase: (InstallPhase, Duration, @escaping @Sendable () async throws -> String) async throws -> String = { name, limit, body in
                try await withThrowingTaskGroup(of: String?.self) { group in
                    group.addTask { try await body() }
                    group.addTask { try await Task.sleep(for: limit); return nil }
                    defer { group.cancelAll() }
                    guard let first = try await group.next(), let value = first else {
                        throw InstallError.timeout(phase: name, seconds: Double(limit.components.seconds))
                    }
                    return value
                }
            }
            var failure: String?
            var failedPhase = InstallPhase.configure
            do {
                try await steps.configure(enter: enter, elapsed: elapsed, phase: { try await phase(.configure, $0, $1) })
                if goal >= .joined {
                    failedPhase = .join
                    try await steps.join(thumbprint: nil, enter: enter, elapsed: elapsed, phase: { try await phase(.join, $0, $1) })
                }
            } catch {
                failure = "\(error)"
            }
            let message = failure ?? last.value
            emit(InstallEvent(host: target.name, kind: .finished, phase: failure == nil ? .done : failedPhase, message: message,
                              elapsed: elapsed(), succeeded: failure == nil))
            outcomes.append(Outcome(host: target.name, succeeded: failure == nil, message: message))
        }
        return outcomes
    }
}

/// The last note a host's steps reported (its summary line).
private final class LastMessage: Sendable {
    private let text = NIOLockedValueBox("")
    var value: String { text.withLockedValue { $0 } }
    func set(_ message: String) { text.withLockedValue { $0 = message } }
}
