import CurlHTTP
import VSphere

/// Steps on the new host through its vSphere API, each read back. Today: SSH, which the kickstart's `%firstboot`
/// turns on unless Secure Boot makes ESXi skip it (issue 15 adds NTP, syslog, licences and vCenter here).
struct HostConfiguration: Sendable {
    let client: VSphereClient
    let address: String

    init(http: CurlHTTPClient, address: String, port: Int, useTLS: Bool) {
        self.client = VSphereClient(http: http, address: address, port: port, useTLS: useTLS)
        self.address = address
    }

    /// What the `%firstboot` it replaces does (`vim-cmd hostsvc/enable_ssh`, `start_ssh`, `esxcli network firewall
    /// ruleset set --enabled=true --ruleset-id=sshServer`): `UpdateServicePolicy(TSM-SSH, on)`,
    /// `StartService(TSM-SSH)`, `EnableRuleset(sshServer)`, then `serviceInfo` and `firewallInfo` must show them.
    func enableSSH(password: String) async throws -> String {
        try await withSession(password: password, step: "enabling SSH") { session in
            let serviceSystem = try await client.serviceSystem(session)
            try await client.updateServicePolicy(serviceSystem, id: HostService.ssh, policy: "on", session: session)
            try await client.startService(serviceSystem, id: HostService.ssh, session: session)
            let ssh = try await client.services(serviceSystem, session: session).first { $0.key == HostService.ssh }
            guard let ssh else { throw failure("enabling SSH", "serviceInfo lists no TSM-SSH service") }
            guard ssh.policy == "on", ssh.running else {
                throw failure("enabling SSH", "read back TSM-SSH policy \(ssh.policy), running \(ssh.running)")
            }
            try await openFirewall(ruleset: "sshServer", session: session)
            return "SSH enabled through the vSphere API: TSM-SSH policy on, running, firewall rule set sshServer enabled (read back)"
        }
    }

    /// `EnableRuleset(ruleset)` and `firewallInfo` read back.
    func openFirewall(ruleset: String, session: VSphereSession) async throws {
        let firewall = try await client.firewallSystem(session)
        try await client.enableRuleset(firewall, id: ruleset, session: session)
        guard try await client.firewallRulesets(firewall, session: session)[ruleset] == true else {
            throw failure("opening the \(ruleset) firewall rule set", "firewallInfo does not show it enabled")
        }
    }

    /// Logs in as root, runs `body`, logs out; any error becomes `InstallError.configureFailed` naming `step`.
    func withSession(password: String, step: String, _ body: (VSphereSession) async throws -> String) async throws -> String {
        do {
            let content = try await client.serviceContent()
            let session = try await client.login(userName: "root", password: password, content: content)
            do {
                let result = try await body(session)
                try? await client.logout(session)
                return result
            } catch {
                try? await client.logout(session)
                throw error
            }
        } catch let error as InstallError {
            throw error
        } catch {
            throw failure(step, "\(error)")
        }
    }

    private func failure(_ step: String, _ detail: String) -> InstallError {
        .configureFailed(step: step, address: address, detail: detail)
    }
}
