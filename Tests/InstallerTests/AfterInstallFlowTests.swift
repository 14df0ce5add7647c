import BMCSimulator
import CurlHTTP
import Foundation
@testable import Installer
import Inventory
import Logging
import Testing
import TestSupport
@testable import VMediaCLI

/// `--until configured|joined` end to end: simulated BMCs install our simulated ESXi (over TLS), which the configure
/// phase sets up through its vSphere API, and govmomi's vCenter simulator adds it to a cluster; then
/// `AfterInstall.run` (what `vmedia configure` runs) finds nothing to change.
@Suite("Configure and join after the install", .serialized)
struct AfterInstallFlowTests {
    static let vCenterPassword = "VC-Flow-Pass-2026"

    static func withSettings(_ target: InstallTarget, _ settings: HostSettings) -> InstallTarget {
        let plan = target.plan
        let changed = HostPlan(index: plan.index, vendor: plan.vendor, bmc: plan.bmc, username: plan.username, password: plan.password,
                               kickstart: plan.kickstart, template: plan.template, systemMediaSize: plan.systemMediaSize,
                               rootPassword: plan.rootPassword, bmcTrust: plan.bmcTrust, kernelOptions: plan.kernelOptions,
                               settings: settings)
        return InstallTarget(plan: changed, rootPassword: target.rootPassword, bmcTrust: target.bmcTrust)
    }

    static func vCenterPlan(_ vCenter: GovmomiSimulator, password: String = vCenterPassword) -> VCenterPlan {
        VCenterPlan(address: vCenter.address, port: vCenter.port, useTLS: false, username: "root", password: Secret(password),
                    datacenter: "DC0", placement: .cluster("DC0_C0"))
    }

    @Test("--until joined: installed, SSH/NTP/syslog set and read back, in the cluster; a configure rerun changes nothing")
    func installConfigureJoin() async throws {
        let vCenter = try GovmomiSimulator(address: "127.0.170.1", password: Self.vCenterPassword, vCenter: true)
        defer { vCenter.stop() }
        let settings = HostSettings(ntpServers: ["127.0.170.5"], syslog: "udp://127.0.170.6:514", vcenter: Self.vCenterPlan(vCenter))
        var collectedTargets: [InstallTarget] = []
        let run = try await InstallerFlowTests.install(count: 1, flavours: [.dellIDRAC10], subnet: 171, configure: { options in
            options.goal = .joined
        }, customize: { _, config in
            config.secureBoot = true
        }, targets: { lab in
            collectedTargets = lab.hosts.map { Self.withSettings($0.target, settings) }
            return collectedTargets
        })
        defer { Task { await run.lab.stop() } }
        let result = try #require(run.results.first)
        #expect(result.succeeded, "\(result.failure ?? "")")
        let phases = result.phases.map(\.phase)
        #expect(phases.contains(.configure) && phases.contains(.join))
        #expect(phases.firstIndex(of: .cleanup)! < phases.firstIndex(of: .join)!, "\(phases)")
        let host = try #require(run.lab.hosts[0].simulator.esxiHost)
        // Secure Boot: %firstboot never ran, yet SSH is on through the API.
        #expect(host.firstbootSectionsRun == 0)
        #expect(host.services.first { $0.key == "TSM-SSH" }.map { $0.policy == "on" && $0.running } == true)
        #expect(host.services.first { $0.key == "ntpd" }.map { $0.policy == "on" && $0.running } == true)
        #expect(host.settings.ntpServers == ["127.0.170.5"])
        #expect(host.settings.options["Syslog.global.logHost"] == "udp://127.0.170.6:514")
        #expect(host.firewallRulesets["ntpClient"] == true && host.firewallRulesets["syslog"] == true)
        let notes = run.events.filter { $0.kind == .note }.map(\.message)
        let address = run.lab.hosts[0].target.plan.esxiAddress.description
        #expect(notes.contains { $0.hasPrefix("\(address) presented the certificate with SHA-1 thumbprint ") }, "\(notes)")
        let joined = try #require(notes.first { $0.hasPrefix("joined http://127.0.170.1:") }, "\(notes)")
        #expect(joined.contains("in cluster DC0_C0 in DC0"), "\(joined)")
        // No secret in any event.
        let all = run.events.map(\.message).joined(separator: "\n")
        #expect(!all.contains(Self.vCenterPassword) && !all.contains(DemoLab.rootPassword))

        // vmedia configure afterwards: the same phases, nothing to change.
        let changesBefore = host.settings.changes
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let http = CurlHTTPClient(maxConnectionsPerHost: 2, logger: quiet)
        defer { http.shutdown() }
        let events = EventBox()
        let outcomes = await AfterInstall.run(targets: collectedTargets, goal: .joined, http: http, port: 9443, useTLS: true) { event in
            events.append(event)
        }
        #expect(outcomes.count == 1 && outcomes[0].succeeded, "\(outcomes)")
        #expect(outcomes[0].message.contains("already in http://127.0.170.1:"), "\(outcomes)")
        #expect(outcomes[0].message.hasSuffix("in cluster DC0_C0: nothing to do"), "\(outcomes)")
        let configured = events.all.first { $0.phase == .configure && $0.kind == .note }?.message ?? ""
        #expect(configured.hasSuffix(": nothing changed"), "\(configured)")
        #expect(configured.contains("SSH on and running (unchanged)") && configured.contains("NTP 127.0.170.5, ntpd on and running (unchanged)"))
        #expect(host.settings.changes == changesBefore)
    }

    @Test("a join failure after the install: 'installed; join failed', exit as a failure, and the media was already ejected")
    func joinFailureKeepsTheInstall() async throws {
        let vCenter = try GovmomiSimulator(address: "127.0.172.1", password: Self.vCenterPassword, vCenter: true)
        defer { vCenter.stop() }
        let settings = HostSettings(vcenter: Self.vCenterPlan(vCenter, password: "Wrong-VC-Pass-1"))
        let run = try await InstallerFlowTests.install(count: 1, flavours: [.generic], subnet: 173, configure: { options in
            options.goal = .joined
        }, targets: { lab in lab.hosts.map { Self.withSettings($0.target, settings) } })
        defer { Task { await run.lab.stop() } }
        let result = try #require(run.results.first)
        #expect(!result.succeeded)
        #expect(result.phase == .join)
        let failure = result.failure ?? ""
        #expect(failure.hasPrefix("installed; join failed: vCenter http://127.0.172.1:"), "\(failure)")
        #expect(failure.contains("refused the login of root"), "\(failure)")
        #expect(!failure.contains("Wrong-VC-Pass-1"))
        #expect(result.evidence?.contains("(the image's build)") == true, "the install's evidence stands: \(result.evidence ?? "")")
        let simulator = run.lab.hosts[0].simulator
        #expect(simulator.insertedMedia.isEmpty)
        #expect(simulator.bootOverride.enabled == "Disabled")
        // Installed once: one power action, no second insert.
        #expect(run.events.filter { $0.kind == .phase && $0.phase == .insert }.count == 1)
        #expect(!JUnitReport.xml(run.results, seconds: 1).contains("Wrong-VC-Pass-1"))
    }
}

private final class EventBox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [InstallEvent] = []
    var all: [InstallEvent] { lock.withLock { events } }
    func append(_ event: InstallEvent) { lock.withLock { events.append(event) } }
}
