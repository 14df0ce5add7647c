import CurlHTTP
import Logging
import Redfish

/// The BMC-only operations of `vmedia check` (the old tool's pre-check) and `vmedia eject`: one session per host,
/// always deleted, every host answered even when others fail.
public enum BMCMaintenance {
    public struct Outcome: Sendable, Encodable {
        public let host: String
        public let bmc: String
        public let succeeded: Bool
        /// What was found or done ("dell iDRAC9, power On, CD slot /redfish/…"), or why it failed.
        public let message: String
    }

    public enum Action: Sendable { case check, eject }

    public static func run(_ action: Action, targets: [InstallTarget], parallel: Int, http: CurlHTTPClient,
                           logger: Logger = Logger(label: "vmedia.bmc")) async -> [Outcome] {
        var outcomes = [Outcome?](repeating: nil, count: targets.count)
        await withTaskGroup(of: (Int, Outcome).self) { group in
            var next = 0
            func start() {
                guard next < targets.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await one(action, targets[index], http: http, logger: logger)) }
            }
            for _ in 0..<max(1, parallel) { start() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                start()
            }
        }
        return outcomes.compactMap { $0 }
    }

    static func one(_ action: Action, _ target: InstallTarget, http: CurlHTTPClient, logger: Logger) async -> Outcome {
        let plan = target.plan
        let client = RedfishClient(transport: CurlTransport(http: http, baseURL: plan.bmc.url, tls: target.bmcTLS,
                                                            connectTimeout: .seconds(15)),
                                   credentials: .init(username: plan.username, password: plan.password.reveal()), logger: logger)
        do {
            let message = try await client.withSession { client -> String in
                let driver = try await BMCDriver.connect(client: client, expectedVendor: Vendor(configValue: plan.vendor.rawValue),
                                                         logger: logger)
                switch action {
                case .check:
                    let slots = try await driver.mediaSlots().filter(\.isOpticalDrive)
                    guard let slot = slots.first else { throw InstallError.noCDSlot(bmc: plan.bmc.url) }
                    let power = try await driver.powerState()
                    return (["\(driver.profile.vendor.rawValue) \(driver.profile.generation), power \(power), CD slot \(slot.odataID ?? "?")"]
                            + driver.warnings).joined(separator: "; ")
                case .eject:
                    let ejected = try await driver.ejectAll()
                    try await driver.clearBootOverride()
                    return (ejected.isEmpty ? "no media inserted" : "ejected \(ejected.joined(separator: ", "))")
                        + "; boot override cleared"
                }
            }
            return Outcome(host: target.name, bmc: plan.bmc.url, succeeded: true, message: message)
        } catch {
            return Outcome(host: target.name, bmc: plan.bmc.url, succeeded: false, message: "\(error)")
        }
    }
}
