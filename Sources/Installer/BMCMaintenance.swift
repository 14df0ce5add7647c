import CurlHTTP
import Foundation
import ESXi
import Inventory
import Logging
import Redfish

/// The BMC-only operations of `vmedia check` (the old tool's pre-check) and `vmedia eject`: one session per host,
/// always deleted, every host answered even when others fail. `check` also maps an `esxi_disk: "serial:…"` to its
/// device id through the BMC's drives, as install will.
public enum BMCMaintenance {
    public struct Outcome: Sendable, Encodable {
        public let host: String
        public let bmc: String
        public let succeeded: Bool
        /// What was found or done ("dell iDRAC9, power On, CD slot /redfish/…"), or why it failed.
        public let message: String
        /// How long this host took, login to logout.
        public let seconds: Double
    }

    /// `vmedia check --json` / `eject --json`: one line per host as it finishes, shaped like install's
    /// `finished` events.
    public struct OutcomeLine: Sendable, Encodable {
        public let kind = "finished"
        public let action: String
        public let host: String
        public let bmc: String
        public let succeeded: Bool
        public let message: String
        /// Seconds, rounded to milliseconds as in install's events.
        public let elapsed: Double
        /// When the host finished, RFC 3339 (UTC), as in install's events.
        public let time: String

        public init(_ outcome: Outcome, action: Action, time: Date = Date()) {
            self.action = action.rawValue
            host = outcome.host
            bmc = outcome.bmc
            succeeded = outcome.succeeded
            message = outcome.message
            elapsed = InstallEvent.milliseconds(outcome.seconds)
            self.time = InstallEvent.rfc3339(time)
        }
    }

    /// The last line of `check --json` / `eject --json`, the shape of install's summary: `summary: true`,
    /// `action`, the counts, `interrupted`, and every host's outcome in the hosts file's order.
    public struct Summary: Sendable, Encodable {
        public let summary = true
        public let action: String
        public let succeeded: Int
        public let failed: Int
        public let interrupted: Bool
        public let hosts: [Outcome]

        public init(action: Action, outcomes: [Outcome], interrupted: Bool = false) {
            self.action = action.rawValue
            self.interrupted = interrupted
            succeeded = outcomes.filter(\.succeeded).count
            failed = outcomes.count - succeeded
            hosts = outcomes
        }
    }

    public enum Action: String, Sendable { case check, eject }

    /// Runs `action` on every target, at most `parallel` at once; `finished` sees each outcome as it arrives (from
    /// the calling task), the result lists them in the targets' order.
    public static func run(_ action: Action, targets: [InstallTarget], parallel: Int, http: CurlHTTPClient,
                           knownBMCs: KnownBMCs = KnownBMCs(path: KnownBMCs.defaultPath),
                           logger: Logger = Logger(label: "vmedia.bmc"),
                           finished: (Outcome) -> Void = { _ in }) async -> [Outcome] {
        var outcomes = [Outcome?](repeating: nil, count: targets.count)
        let connection = BMCConnection(http: http, knownBMCs: knownBMCs, logger: logger)
        await withTaskGroup(of: (Int, Outcome).self) { group in
            var next = 0
            func start() {
                guard next < targets.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await one(action, targets[index], connection: connection)) }
            }
            for _ in 0..<max(1, parallel) { start() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                finished(outcome)
                start()
            }
        }
        return outcomes.compactMap { $0 }
    }

    static func one(_ action: Action, _ target: InstallTarget, connection: BMCConnection) async -> Outcome {
        let plan = target.plan
        let logger = connection.logger
        let start = ContinuousClock.now
        let seconds = { (ContinuousClock.now - start).seconds }
        do {
            let trust = try await connection.resolve(target.bmcTrust, for: plan.bmc, hostName: target.name)
            if let warning = trust.warning { logger.warning("\(warning)") }
            let client = connection.client(for: plan.bmc, trust: trust,
                                           credentials: .init(username: plan.username, password: plan.password.reveal()))
            let message = try await client.withSession { client -> String in
                let driver = try await BMCDriver.connect(client: client, expectedVendor: plan.vendor,
                                                         logger: logger)
                switch action {
                case .check:
                    let slots = try await driver.mediaSlots().filter(\.isOpticalDrive)
                    guard let slot = slots.first else { throw InstallError.noCDSlot(bmc: plan.bmc.url) }
                    let power = try await driver.powerState()
                    var found = ["\(driver.profile.vendor.rawValue) \(driver.profile.generation), power \(power), CD slot \(slot.odataID ?? "?")"]
                    // Secure Boot makes ESXi skip %firstboot: refuse a firstboot: script now, as install would.
                    let secureBoot: Bool?
                    do { secureBoot = try await driver.secureBoot()?.secureBootEnable } catch let error as RedfishError { secureBoot = nil; found.append("Secure Boot unreadable: \(error)") }
                    found.append(try SecureBootPolicy.evaluate(enabled: secureBoot, target: target))
                    // A serial install disk is only usable if this BMC maps it to exactly one device id: the
                    // pre-check says so now rather than letting install fail on it later.
                    if case .serial = plan.kickstart.installDisk {
                        let resolved = try plan.resolvingInstallDisk(with: try await driver.inventory())
                        found.append("install disk \(plan.kickstart.installDisk) is \(resolved.kickstart.installDisk)")
                    }
                    return (found + driver.warnings).joined(separator: "; ")
                case .eject:
                    let ejected = try await driver.ejectAll()
                    // iDRAC10 refuses the clear after a boot; the driver's warning replaces "cleared" then.
                    let refused = try await driver.clearBootOverride()
                    return (ejected.isEmpty ? "no media inserted" : "ejected \(ejected.joined(separator: ", "))")
                        + (refused.map { "; warning: \($0)" } ?? "; boot override cleared")
                }
            }
            return Outcome(host: target.name, bmc: plan.bmc.url, succeeded: true, message: message, seconds: seconds())
        } catch {
            return Outcome(host: target.name, bmc: plan.bmc.url, succeeded: false,
                           message: CredentialAdvice.describe(error, credentialsFrom: CredentialAdvice.hostsFile), seconds: seconds())
        }
    }
}
