import ArgumentParser
import CurlHTTP
import Foundation
import Installer

/// `vmedia configure`: only the phases after the install (configure, join) for hosts already installed.
struct ConfigureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure",
        abstract: "Configure installed hosts through their vSphere API and add them to vCenter; touch no BMC.",
        discussion: """
            For hosts installed earlier (by vmedia install or otherwise), run what vmedia install --until joined \
            does after the install, and nothing before it: no BMC is contacted, no media inserted.

            configure: logs in to the host's vSphere API as root (the hosts file's esxi.password) and sets the SSH \
            service as ssh: asks (true: policy on, running, firewall rule set sshServer enabled; false: policy off, \
            stopped), the NTP servers of ntp: (then ntpd policy on and running, rule set ntpClient enabled) and the \
            syslog target of syslog: (Syslog.global.logHost, rule set syslog enabled), reading each back. join (when the host has a vcenter: section): reads the SHA-1 thumbprint \
            of the certificate the host presents now, logs in to vCenter, and adds the host to the cluster \
            (AddHost_Task) or folder (AddStandaloneHost_Task) with that thumbprint, user root and root's \
            password; reports the host's managed object id.

            Idempotent: every step reads the current state first and changes only what differs; a second run \
            changes nothing and says so ("SSH on and running (unchanged); … : nothing changed", "already in \
            https://vc1 as host-42 (10.0.0.5) in cluster C1: nothing to do"). Secrets \
            (root and vCenter passwords) never appear in the output, --json or the process arguments.

            Exit status: 0 when every host succeeded, 1 when any failed, 64 for usage errors.

            Examples:
              vmedia configure --config hosts.yaml
              vmedia configure --config hosts.yaml --hosts esx01 --until configured --json
            """)

    @Option(name: .long, help: ArgumentHelp("The hosts file.", valueName: "hosts.yaml"))
    var config: String

    @Option(name: .long, help: ArgumentHelp("Only these hosts (BMC address, ESXi address or hostname), comma-separated.", valueName: "a,b"))
    var hosts: String?

    @Option(name: .long, help: ArgumentHelp("configured (the host's own settings only) or joined (also vCenter, the default).", valueName: "goal"))
    var until: String = InstallGoal.joined.rawValue

    @Option(name: .customLong("esxi-port"), help: ArgumentHelp("The port of the hosts' vSphere API (443 on real hosts).", valueName: "port"))
    var esxiPort: Int = 443

    @Flag(name: .long, help: "NDJSON: one object per event, then a summary object.")
    var json = false

    func validate() throws {
        guard let goal = InstallGoal(rawValue: until), goal >= .configured else {
            throw ValidationError("--until \(until): expected configured or joined")
        }
        guard (1...65535).contains(esxiPort) else { throw ValidationError("--esxi-port must be 1…65535") }
    }

    func run() async throws {
        let plans = try HostsFileLoading.load(config)
        let chosen = try hosts.map { list in
            try list.split(separator: ",").map { try HostsFileLoading.select(String($0).trimmingCharacters(in: .whitespaces), from: plans, config: config) }
        } ?? plans
        let goal = InstallGoal(rawValue: until) ?? .joined
        let http = CurlHTTPClient(maxConnectionsPerHost: 4)
        defer { http.shutdown() }
        let json = self.json
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let print: @Sendable (String) -> Void = { text in Swift.print(text); fflush(nil) }
        let emit: @Sendable (InstallEvent) -> Void = { event in
            if json {
                if let data = try? encoder.encode(event) { print(String(decoding: data, as: UTF8.self)) }
            } else if event.kind != .phase || event.message.isEmpty == false {
                print("\(event.host): [\(event.phase)] \(event.message)")
            }
        }
        let outcomes = await AfterInstall.run(targets: chosen.map { InstallTarget(plan: $0) }, goal: goal, http: http,
                                              port: esxiPort, useTLS: true, emit: emit)
        if json {
            struct Summary: Encodable { let summary = true; let action = "configure"; let succeeded: Int; let failed: Int; let hosts: [AfterInstall.Outcome] }
            let summary = Summary(succeeded: outcomes.filter(\.succeeded).count, failed: outcomes.filter { !$0.succeeded }.count, hosts: outcomes)
            if let data = try? encoder.encode(summary) { print(String(decoding: data, as: UTF8.self)) }
        } else {
            for outcome in outcomes {
                print("\(outcome.succeeded ? "ok    " : "FAILED") \(outcome.host): \(outcome.message)")
            }
        }
        if !outcomes.allSatisfy(\.succeeded) { throw ExitCode.failure }
    }
}
