import CurlHTTP
import ESXi
import Foundation
@testable import Installer
import Logging
import Testing
import TestSupport
import VSphere

/// The readiness probe and its verdicts against govmomi's vSphere API simulator (an independent ESXi): an old build
/// keeps the host waiting and fails it with the evidence, the image's build booted after the restart succeeds, a
/// wrong password fails clearly.
@Suite("Readiness against govmomi's vSphere API simulator", .serialized)
struct ReadinessPeerTests {
    static let password = "Peer-Root-2026"
    static let image = InstallerBuild(bootConfigValue: "8.0.3-0.35.24280767")

    /// Runs `body` with govmomi's simulator on `address` and an HTTP client, both stopped afterwards.
    private func withPeer(address: String, password: String = Self.password, version: String = "8.0.3", build: String = "24280767",
                          bootedSecondsAgo: Double = 0, _ body: (GovmomiSimulator, CurlHTTPClient) async throws -> Void) async throws {
        let simulator = try GovmomiSimulator(address: address, password: password, version: version, build: build,
                                             bootedSecondsAgo: bootedSecondsAgo)
        defer { simulator.stop() }
        let http = http()
        defer { http.shutdown() }
        try await body(simulator, http)
    }

    private func http() -> CurlHTTPClient {
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        return CurlHTTPClient(maxConnectionsPerHost: 2, logger: quiet)
    }

    private func wait(_ simulator: GovmomiSimulator, http: CurlHTTPClient, password: String?, restartedSecondsAgo: Double,
                      baseline: ESXiObservation? = nil, timeout: Duration = .seconds(2)) -> (ESXiReadinessWait, Double) {
        let probe = ESXiProbe(http: http, address: simulator.address, port: simulator.port, useTLS: false)
        let clock = InstallClock.continuous
        let wait = ESXiReadinessWait(probe: probe, expected: Self.image, baseline: baseline, password: password, clock: clock,
                                     timeout: timeout, pollInterval: .milliseconds(200))
        return (wait, clock.now() - restartedSecondsAgo)
    }

    @Test("the build= of BOOT.CFG names the build the installed host reports")
    func buildFromBootConfig() throws {
        let build = try #require(Self.image)
        #expect(build.buildNumber == "24280767" && build.version == "8.0.3")
        #expect(InstallerBuild(bootConfigValue: "7.0.3-0.95.21930508")?.buildNumber == "21930508")
        #expect(InstallerBuild(bootConfigValue: "") == nil)
    }

    @Test("an old ESXi (other build, booted before the restart) keeps the host waiting and fails it with that evidence")
    func oldBuildKeepsWaiting() async throws {
        let simulator = try GovmomiSimulator(address: "127.0.150.1", password: Self.password, version: "7.0.3", build: "21930508",
                                             bootedSecondsAgo: 7200)
        defer { simulator.stop() }
        let http = http()
        defer { http.shutdown() }
        let (wait, restartedAt) = wait(simulator, http: http, password: Self.password, restartedSecondsAgo: 30)
        var notes: [String] = []
        var looks = 0
        let error = await #expect(throws: InstallError.self) {
            _ = try await wait.run(restartedAt: restartedAt, beforeEachLook: { looks += 1 }, note: { notes.append($0) })
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("ESXi from the image did not come up within 2 s: 127.0.150.1 still runs ESXi 7.0.3 build-21930508 booted "), "\(text)")
        #expect(text.contains(" UTC, before the restart: the host did not boot the image"), "\(text)")
        #expect(looks >= 5, "it kept looking until the timeout")
        #expect(notes.count == 1, "the same evidence is reported once: \(notes)")
    }

    @Test("the image's build booted before the restart is the old system too (a re-install that did not happen)")
    func sameBuildBootedBefore() async throws {
        try await withPeer(address: "127.0.150.2", password: Self.password, bootedSecondsAgo: 3600) { simulator, http in
            let (wait, restartedAt) = wait(simulator, http: http, password: Self.password, restartedSecondsAgo: 60, timeout: .seconds(1))
            let error = await #expect(throws: InstallError.self) { _ = try await wait.run(restartedAt: restartedAt) }
            #expect("\(error.map { "\($0)" } ?? "")".contains("still runs ESXi 8.0.3 build-24280767 booted"))
        }
    }

    @Test("the image's build, booted after the restart, accepting root's password: success with the evidence")
    func matchingBuildSucceeds() async throws {
        try await withPeer(address: "127.0.150.3", password: Self.password, bootedSecondsAgo: 20) { simulator, http in
            let (wait, restartedAt) = wait(simulator, http: http, password: Self.password, restartedSecondsAgo: 300)
            let evidence = try await wait.run(restartedAt: restartedAt)
            #expect(evidence.hasPrefix("ESXi 8.0.3 build-24280767 (the image's build), booted "), "\(evidence)")
            #expect(evidence.hasSuffix("s after the restart, accepts root's password"), "\(evidence)")
        }
    }

    @Test("a wrong root password on the image's system fails at once with a clear message")
    func wrongPassword() async throws {
        try await withPeer(address: "127.0.150.4", password: Self.password, bootedSecondsAgo: 20) { simulator, http in
            let (wait, restartedAt) = wait(simulator, http: http, password: "Not-The-Password-1", restartedSecondsAgo: 300,
                                           timeout: .seconds(30))
            let start = Date()
            let error = await #expect(throws: InstallError.self) { _ = try await wait.run(restartedAt: restartedAt) }
            #expect("\(error.map { "\($0)" } ?? "")" == "ESXi on 127.0.150.4:\(simulator.port) refused root's login with the configured password; another installation may own that address")
            #expect(Date().timeIntervalSince(start) < 10, "it did not wait for the timeout")
        }
    }

    @Test("only a crypted-only hosts file skips the login, and the evidence says so")
    func cryptedOnlySkipsLogin() async throws {
        try await withPeer(address: "127.0.150.5", password: Self.password, bootedSecondsAgo: 20) { simulator, http in
            let (wait, restartedAt) = wait(simulator, http: http, password: nil, restartedSecondsAgo: 300)
            let evidence = try await wait.run(restartedAt: restartedAt)
            #expect(evidence.hasSuffix("login not checked: the hosts file gives only a crypted root password"), "\(evidence)")
        }
    }

    @Test("VSphereClient reads govmomi's ESXi and vCenter: about, login, runtime.bootTime, CurrentTime; a bad login is InvalidLogin")
    func clientAgainstGovmomi() async throws {
        let esx = try GovmomiSimulator(address: "127.0.150.6", password: Self.password, version: "7.0.3", build: "21930508",
                                       bootedSecondsAgo: 600)
        defer { esx.stop() }
        let vpx = try GovmomiSimulator(address: "127.0.150.7", password: Self.password, vCenter: true)
        defer { vpx.stop() }
        let http = http()
        defer { http.shutdown() }
        let client = VSphereClient(http: http, address: esx.address, port: esx.port, useTLS: false)
        let content = try await client.serviceContent()
        #expect(content.about.build == "21930508" && content.about.version == "7.0.3" && content.about.apiType == "HostAgent")
        #expect(content.productDescription == "ESXi 7.0.3 build-21930508")
        let session = try await client.login(userName: "root", password: Self.password, content: content)
        #expect("\(session)" == "vSphere session of root")
        let boot = try #require(try await client.hostBootTime(session))
        #expect(abs(boot.timeIntervalSince(esx.bootTime)) < 1)
        let now = try await client.currentTime(session)
        #expect(abs(now.timeIntervalSince(boot) - 600) < 30)
        try await client.logout(session)
        await #expect(throws: VSphereError.self) { _ = try await client.currentTime(session) }
        do {
            _ = try await client.login(userName: "root", password: "wrong", content: content)
            Issue.record("a wrong password was accepted")
        } catch let error as VSphereError {
            #expect(error.faultType == "InvalidLogin", "\(error)")
        }
        let center = try await VSphereClient(http: http, address: vpx.address, port: vpx.port, useTLS: false).serviceContent()
        #expect(center.about.apiType == "VirtualCenter")
        // Nothing listening: unreachable, not a fault.
        await #expect(throws: VSphereError.self) {
            _ = try await VSphereClient(http: http, address: "127.0.150.8", port: 9, useTLS: false).serviceContent()
        }
    }

    @Test("the SSH step's firewall part against govmomi: EnableRuleset(sshServer) on a closed rule set, read back enabled")
    func firewallStepAgainstGovmomi() async throws {
        try await withPeer(address: "127.0.150.10", password: Self.password, bootedSecondsAgo: 20) { simulator, http in
            let client = VSphereClient(http: http, address: simulator.address, port: simulator.port, useTLS: false)
            let session = try await client.login(userName: "root", password: Self.password, content: try await client.serviceContent())
            let firewall = try await client.firewallSystem(session)
            #expect(firewall.type == "HostFirewallSystem")
            // govmomi's ESX model (recorded from a real host) has sshServer open: close it first, with a raw call.
            let login = VSphereClient.envelope("Login", this: ManagedObjectReference(type: "SessionManager", value: "ha-sessionmgr"),
                                               arguments: "<userName>root</userName><password>\(Self.password)</password>")
            let endpoint = "http://\(simulator.address):\(simulator.port)/sdk"
            let loggedIn = try await http.send(HTTPRequest(method: "POST", url: endpoint, headers: [("Content-Type", "text/xml")], body: Data(login.utf8)))
            let cookie = try #require(loggedIn.headers.first { $0.name.lowercased() == "set-cookie" }?.value.split(separator: ";").first.map(String.init))
            let disable = VSphereClient.envelope("DisableRuleset", this: firewall, arguments: "<id>sshServer</id>")
            let disabled = try await http.send(HTTPRequest(method: "POST", url: endpoint, headers: [("Content-Type", "text/xml"), ("Cookie", cookie)],
                                                           body: Data(disable.utf8)))
            #expect(disabled.status == 200)
            #expect(try await client.firewallRulesets(firewall, session: session)["sshServer"] == false)

            let configuration = HostConfiguration(http: http, address: simulator.address, port: simulator.port, useTLS: false)
            try await configuration.openFirewall(ruleset: "sshServer", session: session)
            #expect(try await client.firewallRulesets(firewall, session: session)["sshServer"] == true)
            do {
                try await configuration.openFirewall(ruleset: "noSuchRuleset", session: session)
                Issue.record("an unknown rule set was accepted")
            } catch let error as VSphereError {
                #expect(error.faultType == "NotFound", "\(error)")
            }
            try await client.logout(session)
        }
    }

    @Test("without a readable boot time, the same system as before the insert is not taken for the new one until the address goes silent")
    func silenceTellsAReboot() throws {
        let about = ServiceContent.About(fullName: "VMware ESXi 8.0.3 build-24280767", version: "8.0.3", build: "24280767",
                                         apiType: "HostAgent", apiVersion: "8.0.3.0")
        let seen = ESXiObservation.esxi(ESXiSighting(address: "127.0.150.9", about: about, login: .notTried, bootTime: nil, uptime: nil))
        var judge = ReadinessJudge(address: "127.0.150.9", expected: Self.image, baseline: seen)
        guard case .notTheImage(let evidence) = judge.judge(seen, secondsSinceRestart: 10) else {
            Issue.record("the unchanged system was taken for the new one")
            return
        }
        #expect(evidence.contains("seen before the insert and has not gone silent since the restart"))
        #expect(judge.judge(ESXiObservation.nothing("connection refused"), secondsSinceRestart: 20) == ReadinessJudge.Verdict.waiting("nothing answers yet (connection refused)"))
        guard case .ready(let ready) = judge.judge(seen, secondsSinceRestart: 400) else {
            Issue.record("after a silence the image's build should count")
            return
        }
        #expect(ready.contains("the address went silent after the restart"))

        // Nothing answered before the insert: the first ESXi with the image's build is the new one, and the evidence
        // says on what ground when its boot time cannot be read.
        var fresh = ReadinessJudge(address: "127.0.150.9", expected: Self.image, baseline: .nothing("connection refused"))
        #expect(fresh.judge(seen, secondsSinceRestart: 400)
                == .ready("ESXi 8.0.3 build-24280767 (the image's build), boot time unreadable, nothing answered before the insert; "
                          + "login not checked: the hosts file gives only a crypted root password"))
        // Another build answering is never the image's, whatever else is known.
        let old = ESXiObservation.esxi(ESXiSighting(address: "127.0.150.9", about: ServiceContent.About(
            fullName: "", version: "7.0.3", build: "21930508", apiType: "HostAgent", apiVersion: "7.0.3.0"),
            login: .refused, bootTime: nil, uptime: nil))
        #expect(fresh.judge(old, secondsSinceRestart: 400) == .notTheImage("127.0.150.9 still runs ESXi 7.0.3 build-21930508, not the image's "
            + "ESXi 8.0.3 build-24280767 (boot time unreadable: root's login was refused): the host did not boot the image"))
    }
}
