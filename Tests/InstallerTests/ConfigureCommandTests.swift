import BMCSimulator
import Foundation
import Testing
import TestSupport

/// `vmedia configure` as a user runs it: the built binary against an installed (simulated) ESXi and govmomi's
/// vCenter simulator. Secrets come from the environment and a file, never argv, and appear in no output.
@Suite("vmedia configure", .serialized)
struct ConfigureCommandTests {
    static let rootPassword = "Cfg-Root-2026"
    static let vCenterPassword = "Cfg-VC-Pass-2026"

    @Test("joins, then a second run changes nothing and says so; --json carries no secret; a wrong --until is a usage error")
    func idempotent() async throws {
        let vCenter = try GovmomiSimulator(address: "127.0.175.1", password: Self.vCenterPassword, vCenter: true)
        defer { vCenter.stop() }
        let host = try await SimulatedESXiHost.start(address: "127.0.175.2", useTLS: true, rootPassword: Self.rootPassword,
                                                     release: SimulatedRelease(version: "8.0.3", build: "24280767", patchLevel: "0.35"))
        let directory = try TemporaryDirectory()
        try Self.rootPassword.write(toFile: directory.file("root.txt"), atomically: true, encoding: .utf8)
        let hostsFile = directory.file("hosts.yaml")
        try """
            simulated: true
            hosts:
              - ipmi: {vendor: dell, username: root, password: calvin, address: 127.0.175.3}
                esxi: {esxi_disk: local, password: file:root.txt, address: 127.0.175.2, gateway: 127.0.175.254,
                       netmask: 255.255.255.0, mgtnic: vmnic0, ssh: false, ntp: [127.0.175.5], syslog: "udp://127.0.175.6:514"}
                vcenter: {address: "http://127.0.175.1:\(vCenter.port)", username: root, password: "${VC_PASSWORD}",
                          datacenter: DC0, cluster: DC0_C0}
            """.write(toFile: hostsFile, atomically: true, encoding: .utf8)
        let environment = ["VC_PASSWORD": Self.vCenterPassword]
        let arguments = ["configure", "--config", hostsFile, "--esxi-port", String(host.port)]
        let first = try VMediaBinary.run(arguments, environment: environment, timeout: 120)
        let second = try VMediaBinary.run(arguments + ["--json"], environment: environment, timeout: 120)
        let usage = try VMediaBinary.run(["configure", "--config", hostsFile, "--until", "installed"], timeout: 60)
        let settings = host.settings
        let ssh = host.services.first { $0.key == "TSM-SSH" }
        await host.stop()

        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("SSH off and stopped"), "\(first.stdout)")
        #expect(first.stdout.contains("NTP 127.0.175.5, ntpd on and running (servers set, ntpd policy on"), "\(first.stdout)")
        #expect(first.stdout.contains("syslog to udp://127.0.175.6:514 (Syslog.global.logHost set, firewall rule set syslog enabled)"), "\(first.stdout)")
        #expect(first.stdout.contains("ok     esxi-127-0-175-2: joined http://127.0.175.1:\(vCenter.port) as host-"), "\(first.stdout)")
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains(": nothing changed\""), "\(second.stdout)")
        #expect(second.stdout.contains("already in http://127.0.175.1:\(vCenter.port) as host-"), "\(second.stdout)")
        #expect(second.stdout.contains("\"summary\":true"), "\(second.stdout)")
        for output in [first.stdout + first.stderr, second.stdout + second.stderr] {
            #expect(!output.contains(Self.rootPassword) && !output.contains(Self.vCenterPassword))
        }
        #expect(usage.status == 64, "\(usage.stderr)")
        #expect(usage.stderr.contains("--until installed: expected configured or joined"), "\(usage.stderr)")
        #expect(settings.ntpServers == ["127.0.175.5"])
        #expect(ssh?.policy == "off" && ssh?.running == false)
    }

    @Test("a root password the host refuses fails that host with exit 1 and the reason, never the password")
    func failureExitsOne() async throws {
        let vCenter = try GovmomiSimulator(address: "127.0.176.1", password: Self.vCenterPassword, vCenter: true)
        defer { vCenter.stop() }
        let host = try await SimulatedESXiHost.start(address: "127.0.176.2", useTLS: true, rootPassword: "Other-Root-2026",
                                                     release: SimulatedRelease(version: "8.0.3", build: "24280767", patchLevel: "0.35"))
        let directory = try TemporaryDirectory()
        let hostsFile = directory.file("hosts.yaml")
        try """
            simulated: true
            hosts:
              - ipmi: {vendor: dell, username: root, password: calvin, address: 127.0.176.3}
                esxi: {esxi_disk: local, password: "\(Self.rootPassword)", address: 127.0.176.2, gateway: 127.0.176.254,
                       netmask: 255.255.255.0, mgtnic: vmnic0}
                vcenter: {address: "http://127.0.176.1:\(vCenter.port)", username: root, password: "\(Self.vCenterPassword)", datacenter: DC0}
            """.write(toFile: hostsFile, atomically: true, encoding: .utf8)
        let result = try VMediaBinary.run(["configure", "--config", hostsFile, "--esxi-port", String(host.port)], timeout: 120)
        await host.stop()
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("FAILED esxi-127-0-176-2: installed, but configuring on 127.0.176.2 failed: https://127.0.176.2:\(host.port) refused Login: InvalidLogin"), "\(result.stdout)")
        #expect(!result.stdout.contains(Self.rootPassword))
    }

    @Test("vmedia demo ends with its hosts configured and in the simulated vCenter's cluster; --no-vcenter stops at installed")
    func demoJoins() throws {
        let demo = try VMediaBinary.run(["demo", "--hosts", "2", "--subnet", "181", "--json"], timeout: 120)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stderr.contains("the simulated vCenter has 2 hosts in cluster Cluster: host-10 (127.0.182.10), host-11 (127.0.182.11)")
                || demo.stderr.contains("the simulated vCenter has 2 hosts in cluster Cluster: host-10 (127.0.182.11), host-11 (127.0.182.10)"),
                "\(demo.stderr)")
        #expect(demo.stdout.contains("\"phase\":\"join\""), "\(demo.stdout)")
        #expect(demo.stdout.contains("joined http:"), "\(demo.stdout)")
        #expect(!demo.stdout.contains("Demo-VC-2026") && !demo.stderr.contains("Demo-VC-2026"))
        let plain = try VMediaBinary.run(["demo", "--hosts", "1", "--subnet", "217", "--no-vcenter", "--json"], timeout: 120)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(!plain.stdout.contains("\"phase\":\"join\"") && !plain.stderr.contains("simulated vCenter"))
    }

    @Test("--help teaches the keys and phases: validate (vcenter, ntp, syslog), install (--until configured|joined), configure")
    func help() throws {
        func flat(_ text: String) -> String {
            text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        }
        let validate = flat(try VMediaBinary.run(["validate", "--help"]).stdout)
        for key in ["vcenter: (optional", "datacenter", "cluster (PATH: AddHost_Task)", "folder (PATH", "ntp (NTP servers)", "syslog (udp://HOST:514",
                    "vcenter.password may be ${ENV_VAR} or file:PATH"] {
            #expect(validate.contains(key), "\(key) missing from validate --help")
        }
        let install = flat(try VMediaBinary.run(["install", "--help"]).stdout)
        #expect(install.contains("rebooted, media-read, installed, configured or joined"))
        #expect(install.contains("installed; …"), "\(install)")
        let configure = flat(try VMediaBinary.run(["configure", "--help"]).stdout)
        #expect(configure.contains("AddHost_Task") && configure.contains("AddStandaloneHost_Task") && configure.contains("Syslog.global.logHost"))
    }
}
