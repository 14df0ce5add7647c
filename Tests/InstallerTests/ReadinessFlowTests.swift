import BMCSimulator
import CurlHTTP
import ESXi
import Foundation
@testable import Installer
import Inventory
import Testing
import TestSupport
@testable import VMediaCLI

/// The install's end rests on the new system, end to end against simulated BMCs and our simulated ESXi: an old
/// ESXi that keeps answering is never reported installed, and Secure Boot moves or refuses `%firstboot` steps.
@Suite("Readiness and Secure Boot against simulated BMCs", .serialized)
struct ReadinessFlowTests {
    @Test("an old ESXi that keeps answering (one-time boot ignored, same root password) is never reported installed")
    func oldESXiKeepsAnswering() async throws {
        let subnet = 141
        let esxi = DemoLab.esxiAddress(subnet: subnet, index: 0)
        var knobs = FaultKnobs()
        knobs.ignoresOneTimeBoot = true
        let run = try await InstallerFlowTests.install(count: 1, flavours: [.generic], subnet: subnet, faults: [0: knobs], configure: { options in
            options.timeouts.esxi = .seconds(3)
            options.pollInterval = .milliseconds(200)
        }, customize: { _, config in
            // The worst case: the old system even has the root password the hosts file gives.
            config.preinstalled = .init(address: esxi, rootPassword: DemoLab.rootPassword, version: "7.0.3", build: "21930508",
                                        bootedSecondsAgo: 7200)
            config.initialPowerState = .on
        })
        defer { Task { await run.lab.stop() } }
        let result = try #require(run.results.first)
        #expect(!result.succeeded)
        #expect(result.phase == .waitESXi)
        #expect(result.evidence == nil)
        let failure = result.failure ?? ""
        #expect(failure.contains("\(esxi) runs ESXi 7.0.3 build-21930508"), "\(failure)")
        #expect(failure.contains("the image installs ESXi 8.0.3 build-24280767: the host did not boot the image"), "\(failure)")
        let notes = run.events.filter { $0.kind == .note }.map(\.message)
        // Before the insert vmedia saw the old system with its boot time (it accepted the password).
        #expect(notes.contains { $0.hasPrefix("before the insert \(esxi) runs ESXi 7.0.3 build-21930508 booted") }, "\(notes)")
        // While waiting, the old system was reported once per change of what it showed.
        #expect(notes.contains { $0.contains("did not boot the image") }, "\(notes)")
        #expect(!run.events.contains { $0.kind == .finished && $0.succeeded == true })
        // The old ESXi really was up and answered logins all along: only the evidence told it apart.
        #expect((run.lab.hosts[0].simulator.esxiHost?.counters.successfulLogins ?? 0) >= 2)
        #expect(run.lab.hosts[0].simulator.esxiHost?.release.build == "21930508")
    }

    @Test("the live table shows why a host is still waiting: the old system's evidence, cut to the terminal's width")
    func tableShowsWaitingEvidence() {
        let printer = EventPrinter(output: .lines, names: ["esx-01"])
        let evidence = "10.0.0.5 still runs ESXi 7.0.3 build-21930508 booted 09:12 UTC, before the restart: the host did not boot the image"
        printer.show(InstallEvent(host: "esx-01", kind: .phase, phase: .waitESXi, message: "waiting for ESXi on 10.0.0.5:443", elapsed: 60))
        printer.show(InstallEvent(host: "esx-01", kind: .note, phase: .waitESXi, message: evidence, elapsed: 61))
        let wide = printer.tableLines(width: 400)
        #expect(wide.count == 2 && wide[1].hasPrefix("esx-01") && wide[1].contains("wait-esxi") && wide[1].hasSuffix(evidence), "\(wide)")
        let narrow = printer.tableLines(width: 120)
        #expect(narrow.allSatisfy { $0.count <= 120 }, "\(narrow)")
        #expect(narrow[1].contains("10.0.0.5 still runs ESXi 7.0.3") && narrow[1].hasSuffix("…"))
    }

    @Test("a fresh install over an old ESXi succeeds on the new build, booted after the restart, with the evidence reported")
    func freshInstallOverOldESXi() async throws {
        let subnet = 143
        let esxi = DemoLab.esxiAddress(subnet: subnet, index: 0)
        let run = try await InstallerFlowTests.install(count: 1, flavours: [.dellIDRAC10], subnet: subnet, customize: { _, config in
            config.preinstalled = .init(address: esxi, rootPassword: "Old-Password-1", version: "7.0.3", build: "21930508")
            config.initialPowerState = .on
        })
        defer { Task { await run.lab.stop() } }
        let result = try #require(run.results.first)
        #expect(result.succeeded, "\(result.failure ?? "")")
        let notes = run.events.filter { $0.kind == .note }.map(\.message)
        #expect(notes.contains("before the insert \(esxi) runs ESXi 7.0.3 build-21930508"), "\(notes)")
        let evidence = try #require(notes.first { $0.contains("(the image's build)") })
        #expect(evidence.hasPrefix("ESXi 8.0.3 build-24280767 (the image's build), booted "), "\(evidence)")
        #expect(evidence.contains("s after the restart, accepts root's password"), "\(evidence)")
        #expect(result.evidence == evidence, "--json and JUnit carry the evidence")
        #expect(JUnitReport.xml(run.results, seconds: 1).contains("evidence: ESXi 8.0.3 build-24280767 (the image&apos;s build)")
                || JUnitReport.xml(run.results, seconds: 1).contains("evidence: ESXi 8.0.3 build-24280767 (the image's build)"))
        #expect(run.lab.hosts[0].simulator.esxiHost?.release.build == "24280767")
    }

    @Test("Secure Boot on: SSH goes through the vSphere API after the install and is read back")
    func secureBootSSHThroughAPI() async throws {
        let run = try await InstallerFlowTests.install(count: 1, flavours: [.hpeILO5], subnet: 145, customize: { _, config in
            config.secureBoot = true
        })
        defer { Task { await run.lab.stop() } }
        let result = try #require(run.results.first)
        #expect(result.succeeded, "\(result.failure ?? "")")
        #expect(result.phases.map(\.phase).contains(.configure))
        let host = try #require(run.lab.hosts[0].simulator.esxiHost)
        #expect(host.firstbootSectionsRun == 0)
        let ssh = try #require(host.services.first { $0.key == "TSM-SSH" })
        #expect(ssh.policy == "on" && ssh.running)
        let notes = run.events.filter { $0.kind == .note }.map(\.message)
        #expect(notes.contains { $0.hasPrefix("Secure Boot on: ESXi will skip %firstboot") })
        #expect(notes.contains("SSH enabled through the vSphere API: TSM-SSH policy on, running, firewall rule set sshServer enabled (read back)"))
        #expect(host.firewallRulesets["sshServer"] == true)
    }

    @Test("Secure Boot off: %firstboot enables SSH and no API step runs")
    func secureBootOffUsesFirstboot() async throws {
        let run = try await InstallerFlowTests.install(count: 1, flavours: [.generic], subnet: 147)
        defer { Task { await run.lab.stop() } }
        let result = try #require(run.results.first)
        #expect(result.succeeded, "\(result.failure ?? "")")
        #expect(!result.phases.map(\.phase).contains(.configure))
        let host = try #require(run.lab.hosts[0].simulator.esxiHost)
        #expect(host.firstbootSectionsRun == 1)
        #expect(host.services.first { $0.key == "TSM-SSH" }?.policy == "on")
        #expect(run.events.contains { $0.kind == .note && $0.message == "Secure Boot off" })
    }

    @Test("Secure Boot on and a firstboot: script: the host fails before anything is inserted, naming the choice")
    func secureBootRefusesUserFirstboot() async throws {
        let run = try await InstallerFlowTests.install(count: 1, flavours: [.lenovoXCC], subnet: 149, customize: { _, config in
            config.secureBoot = true
        }, targets: { lab in lab.hosts.map { Self.withFirstbootScript($0.target) } })
        defer { Task { await run.lab.stop() } }
        let result = try #require(run.results.first)
        #expect(!result.succeeded)
        #expect(result.phase == .checkBMC)
        let failure = result.failure ?? ""
        #expect(failure.contains("UEFI Secure Boot is on"), "\(failure)")
        #expect(failure.contains("remove firstboot: for this host"), "\(failure)")
        #expect(failure.contains("turn Secure Boot off"), "\(failure)")
        let simulator = run.lab.hosts[0].simulator
        #expect(simulator.insertedMedia.isEmpty)
        #expect(!simulator.requestLog.contains { $0.uri.contains("InsertMedia") || $0.method == "PATCH" })
    }

    @Test("vmedia check refuses the same plan under Secure Boot, and reports Secure Boot off elsewhere")
    func checkRefusesUserFirstboot() async throws {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 2, flavours: [.generic], subnet: 227, esxiPort: 9443,
                                          customize: { index, config in config.secureBoot = index == 0 })
        defer { Task { await lab.stop() } }
        let http = CurlHTTPClient(maxConnectionsPerHost: 2)
        defer { http.shutdown() }
        let outcomes = await BMCMaintenance.run(.check, targets: lab.hosts.map { Self.withFirstbootScript($0.target) }, parallel: 2, http: http)
        #expect(outcomes.map(\.succeeded) == [false, true])
        #expect(outcomes[0].message.contains("ESXi skips %firstboot under Secure Boot"), "\(outcomes[0].message)")
        #expect(outcomes[1].message.contains("Secure Boot off"), "\(outcomes[1].message)")

        // A hosts file that gives only a crypted hash: under Secure Boot the SSH step cannot log in, so it is refused
        // before the insert; with ssh: false there is nothing to move.
        let plan = lab.hosts[0].target.plan
        func cryptedOnly(ssh: Bool) -> InstallTarget {
            let k = plan.kickstart
            return Self.replacing(plan, kickstart: Kickstart(
                rootPassword: .crypted(SHA512Crypt.hash(password: Array("Demo-Root-2026".utf8), salt: "abcdefgh")),
                keyboard: k.keyboard, wipe: k.wipe, installDisk: k.installDisk, network: k.network, enableSSH: ssh), rootPassword: nil)
        }
        #expect(cryptedOnly(ssh: true).rootPassword == nil)
        #expect(throws: InstallError.self) { try SecureBootPolicy.evaluate(enabled: true, target: cryptedOnly(ssh: true)) }
        #expect(try SecureBootPolicy.evaluate(enabled: true, target: cryptedOnly(ssh: false)) == "Secure Boot on (no %firstboot step planned)")
        #expect(try SecureBootPolicy.evaluate(enabled: nil, target: cryptedOnly(ssh: true)).hasPrefix("the BMC does not report Secure Boot"))
    }

    /// The host's plan with a user's own `firstboot:` script added.
    static func withFirstbootScript(_ target: InstallTarget) -> InstallTarget {
        let k = target.plan.kickstart
        return replacing(target.plan, kickstart: Kickstart(
            rootPassword: k.rootPassword, keyboard: k.keyboard, wipe: k.wipe, installDisk: k.installDisk, network: k.network,
            enableSSH: k.enableSSH, scripts: k.scripts + [KickstartScript(section: .firstboot, body: "esxcli system ntp set --enabled=true\n")]),
            rootPassword: target.plan.rootPassword)
    }

    /// `plan` with another kickstart and hosts-file root password.
    static func replacing(_ plan: HostPlan, kickstart: Kickstart, rootPassword: Secret?) -> InstallTarget {
        InstallTarget(plan: HostPlan(index: plan.index, vendor: plan.vendor, bmc: plan.bmc, username: plan.username,
                                     password: plan.password, kickstart: kickstart, template: plan.template,
                                     systemMediaSize: plan.systemMediaSize, rootPassword: rootPassword))
    }
}
