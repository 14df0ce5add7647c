import BMCSimulator
import Foundation
import Installer

/// The demo's vCenter: our own simulated vCenter (no Go needed) on 127.0.<subnet+2>.1, written into the lab's
/// hosts file as `defaults: {vcenter: …}` with NTP and syslog targets, so the demo runs `--until joined` from a hosts
/// file like a user's and ends with its hosts in the cluster.
struct DemoVCenter {
    static let username = "administrator@vsphere.local"
    static let password = "Demo-VC-2026"

    let vCenter: SimulatedVCenter
    let targets: [InstallTarget]

    static func start(lab: DemoLab, subnet: Int) async throws -> DemoVCenter {
        let hosts = lab.hosts.map(\.simulator)
        // vCenter connects to the host being added: here that is the simulated ESXi the BMC booted, in this process.
        let vCenter = try await SimulatedVCenter.start(address: "127.0.\(subnet + 2).1", username: username, password: password) { address, port in
            guard let host = hosts.lazy.compactMap(\.esxiHost).first(where: { $0.address == address && $0.port == port }) else { return nil }
            return SimulatedVCenter.HostCheck(thumbprint: SimulatorCertificate.sha1Thumbprint, acceptsRoot: host.acceptsRootPassword)
        }
        let services = "127.0.\(subnet + 2)"
        let section = """
            defaults:
              esxi: {ntp: [\(services).123], syslog: "udp://\(services).5:514"}
              vcenter: {address: "http://\(vCenter.address):\(vCenter.port)", username: \(username), password: "\(password)",
                        datacenter: \(SimulatedVCenter.datacenter), cluster: \(SimulatedVCenter.cluster)}

            """
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: lab.hostsFilePath))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(section.utf8))
            try handle.close()
            let plans = try HostsFileLoading.load(lab.hostsFilePath)
            return DemoVCenter(vCenter: vCenter, targets: plans.map { InstallTarget(plan: $0) })
        } catch {
            await vCenter.stop()
            throw error
        }
    }
}
