import Inventory
import VSphere

extension HostConfiguration {
    /// `ssh: true`: TSM-SSH policy `on`, running, rule set sshServer enabled; `ssh: false`: policy `off`, stopped.
    /// Reads the service first and changes only what differs; the answer says which (a second run: "unchanged").
    func setSSH(enabled: Bool, session: VSphereSession) async throws -> String {
        do {
            let serviceSystem = try await client.serviceSystem(session)
            func ssh() async throws -> HostService {
                guard let ssh = try await client.services(serviceSystem, session: session).first(where: { $0.key == HostService.ssh }) else {
                    throw InstallError.configureFailed(step: "reading the SSH service", address: address, detail: "serviceInfo lists no TSM-SSH service")
                }
                return ssh
            }
            let before = try await ssh()
            let policy = enabled ? "on" : "off"
            var changes: [String] = []
            if before.policy != policy {
                try await client.updateServicePolicy(serviceSystem, id: HostService.ssh, policy: policy, session: session)
                changes.append("policy \(before.policy) → \(policy)")
            }
            if before.running != enabled {
                if enabled {
                    try await client.startService(serviceSystem, id: HostService.ssh, session: session)
                } else {
                    try await client.stopService(serviceSystem, id: HostService.ssh, session: session)
                }
                changes.append(enabled ? "started" : "stopped")
            }
            let after = try await ssh()
            guard after.policy == policy, after.running == enabled else {
                throw InstallError.configureFailed(step: enabled ? "enabling SSH" : "disabling SSH", address: address,
                                                   detail: "read back TSM-SSH policy \(after.policy), running \(after.running)")
            }
            if enabled {
                let firewall = try await client.firewallSystem(session)
                if try await client.firewallRulesets(firewall, session: session)["sshServer"] != true {
                    try await openFirewall(ruleset: "sshServer", session: session)
                    changes.append("firewall rule set sshServer enabled")
                }
            }
            let state = "SSH \(enabled ? "on and running" : "off and stopped")"
            return changes.isEmpty ? "\(state) (unchanged)" : "\(state) (\(changes.joined(separator: ", ")))"
        }
    }
}

extension HostConfiguration {
    /// The configure phase: SSH as `ssh:` asks, the NTP servers (`ntp:`, then ntpd policy on and running, firewall
    /// rule set ntpClient open) and the syslog target (`syslog:`, `Syslog.global.logHost`, rule set syslog open),
    /// each read first, changed only where it differs, and read back. The answer lists every step and says
    /// "nothing changed" on a second run.
    func apply(ssh: Bool, settings: HostSettings, password: String) async throws -> String {
        try await withSession(password: password, step: "configuring") { session in
            var report = [try await setSSH(enabled: ssh, session: session)]
            if !settings.ntpServers.isEmpty {
                report.append(try await setNTP(settings.ntpServers, session: session))
            }
            if let syslog = settings.syslog {
                report.append(try await setSyslog(syslog, session: session))
            }
            let changed = !report.allSatisfy { $0.hasSuffix("(unchanged)") }
            return report.joined(separator: "; ") + (changed ? ", read back" : ": nothing changed")
        }
    }

    func setNTP(_ servers: [String], session: VSphereSession) async throws -> String {
        let dateTime = try await client.configManager("dateTimeSystem", session: session)
        var changes: [String] = []
        if try await client.ntpServers(dateTime, session: session) != servers {
            try await client.updateNTPServers(dateTime, servers: servers, session: session)
            changes.append("servers set")
        }
        let readBack = try await client.ntpServers(dateTime, session: session)
        guard readBack == servers else {
            throw InstallError.configureFailed(step: "setting the NTP servers", address: address,
                                               detail: "dateTimeInfo.ntpConfig reads back [\(readBack.joined(separator: ", "))]")
        }
        let serviceSystem = try await client.serviceSystem(session)
        guard let before = try await client.services(serviceSystem, session: session).first(where: { $0.key == "ntpd" }) else {
            throw InstallError.configureFailed(step: "starting ntpd", address: address, detail: "serviceInfo lists no ntpd service")
        }
        if before.policy != "on" {
            try await client.updateServicePolicy(serviceSystem, id: "ntpd", policy: "on", session: session)
            changes.append("ntpd policy on")
        }
        // A running ntpd reads its servers only at start: restart it when they changed.
        if !before.running || !changes.isEmpty {
            if before.running { try await client.stopService(serviceSystem, id: "ntpd", session: session) }
            try await client.startService(serviceSystem, id: "ntpd", session: session)
            changes.append(before.running ? "ntpd restarted" : "ntpd started")
        }
        let after = try await client.services(serviceSystem, session: session).first { $0.key == "ntpd" }
        guard after?.policy == "on", after?.running == true else {
            throw InstallError.configureFailed(step: "starting ntpd", address: address,
                                               detail: "read back ntpd policy \(after?.policy ?? "?"), running \(after?.running ?? false)")
        }
        let firewall = try await client.firewallSystem(session)
        if try await client.firewallRulesets(firewall, session: session)["ntpClient"] != true {
            try await openFirewall(ruleset: "ntpClient", session: session)
            changes.append("firewall rule set ntpClient enabled")
        }
        let state = "NTP \(servers.joined(separator: ", ")), ntpd on and running"
        return changes.isEmpty ? "\(state) (unchanged)" : "\(state) (\(changes.joined(separator: ", ")))"
    }

    func setSyslog(_ target: String, session: VSphereSession) async throws -> String {
        let options = try await client.configManager("advancedOption", session: session)
        let key = "Syslog.global.logHost"
        var changes: [String] = []
        if try await client.option(options, key: key, session: session) != target {
            try await client.setOption(options, key: key, value: target, session: session)
            changes.append("\(key) set")
        }
        let readBack = try await client.option(options, key: key, session: session)
        guard readBack == target else {
            throw InstallError.configureFailed(step: "setting \(key)", address: address, detail: "it reads back '\(readBack ?? "(none)")'")
        }
        let firewall = try await client.firewallSystem(session)
        if try await client.firewallRulesets(firewall, session: session)["syslog"] != true {
            try await openFirewall(ruleset: "syslog", session: session)
            changes.append("firewall rule set syslog enabled")
        }
        let state = "syslog to \(target)"
        return changes.isEmpty ? "\(state) (unchanged)" : "\(state) (\(changes.joined(separator: ", ")))"
    }
}
