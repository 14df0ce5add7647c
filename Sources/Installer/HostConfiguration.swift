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

    /// `UpdateServicePolicy(TSM-SSH, on)` + `StartService(TSM-SSH)`, then `serviceInfo` must show it on and running —
    /// what `vim-cmd hostsvc/enable_ssh` and `start_ssh` do in the `%firstboot` it replaces. The sshServer firewall
    /// rule set is enabled by default on ESXi, so nothing is opened.
    func enableSSH(password: String) async throws -> String {
        do {
            let content = try await client.serviceContent()
            let session = try await client.login(userName: "root", password: password, content: content)
            do {
                let serviceSystem = try await client.serviceSystem(session)
                try await client.updateServicePolicy(serviceSystem, id: HostService.ssh, policy: "on", session: session)
                try await client.startService(serviceSystem, id: HostService.ssh, session: session)
                let ssh = try await client.services(serviceSystem, session: session).first { $0.key == HostService.ssh }
                try? await client.logout(session)
                guard let ssh else {
                    throw InstallError.configureFailed(step: "enabling SSH", address: address, detail: "serviceInfo lists no TSM-SSH service")
                }
                guard ssh.policy == "on", ssh.running else {
                    throw InstallError.configureFailed(step: "enabling SSH", address: address,
                                                      detail: "read back TSM-SSH policy \(ssh.policy), running \(ssh.running)")
                }
                return "SSH enabled through the vSphere API: TSM-SSH policy on, running (read back)"
            } catch {
                try? await client.logout(session)
                throw error
            }
        } catch let error as InstallError {
            throw error
        } catch {
            throw InstallError.configureFailed(step: "enabling SSH", address: address, detail: "\(error)")
        }
    }
}
