import BMCSimulator
import CurlHTTP
import ESXi
import Foundation
import Inventory
import Redfish
import Primitives

/// The hosts file of a lab of simulated BMCs, in the old tool's format (`hosts: - ipmi: {…} esxi: {…}`) with
/// `simulated: true`, written by `vmedia simulate --hosts-file` and `vmedia demo` and read back through the normal
/// `HostsFile` path by `vmedia install/check/eject --config`.
///
/// Each BMC at 127.a.b.c gets its ESXi host at 127.a.(b+1).c (the simulator brings ESXi up on the kickstart's
/// address), in 127.a.0.0/16 with the gateway 127.a.0.1.
struct SimulatedLabHostsFile {
    struct Host {
        let flavour: VendorFlavor
        let bmcAddress: String
        let bmcPort: Int
        let useTLS: Bool
        let username: String
        /// How the file gives the BMC password: a literal or `${VARIABLE}`. Never printed by vmedia.
        let passwordReference: String
        let hostname: String
    }

    let hosts: [Host]
    /// The same for every host; the simulated ESXi accepts whatever the kickstart sets.
    let rootPassword: String

    /// The hosts-file vendor a flavour answers as (both iDRAC generations are `dell`).
    static func vendor(of flavour: VendorFlavor) -> Vendor {
        switch flavour {
        case .dellIDRAC9, .dellIDRAC9v7, .dellIDRAC10: .dell
        case .lenovoXCC, .lenovoXCCLegacy, .lenovoAMI: .lenovo
        case .hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7: .hpe
        case .supermicro: .supermicro
        case .generic: .generic
        }
    }

    /// PREFIX-01 … PREFIX-99, or PREFIX-001 … for labs of 100 hosts and more (index from 0).
    static func hostname(prefix: String, index: Int, count: Int) -> String {
        let digits = max(2, String(count).count)
        let number = String(index + 1)
        return "\(prefix)-" + String(repeating: "0", count: max(0, digits - number.count)) + number
    }

    /// 127.a.(b+1).c for the BMC 127.a.b.c; nil when b is 255.
    static func esxiAddress(forBMC address: String) -> IPv4Address? {
        guard let bmc = IPv4Address(address), bmc.octets[0] == 127, bmc.octets[2] < 255 else { return nil }
        return IPv4Address(value: bmc.value + 256)
    }

    /// Every simulated BMC serves the same public test certificate (`SimulatorCertificate`), so the lab's hosts
    /// file pins its key: the demo verifies its BMCs the way a careful operator would, with no warning.
    static let simulatorKeyPin = PublicKeyPin.pin(certificatePEM: SimulatorCertificate.certificatePEM)

    var yaml: String {
        var text = """
            # A lab of simulated BMCs (vmedia simulate / vmedia demo): loopback addresses only.
            # 'simulated: true' lets ESXi hosts have 127.x.y.z addresses; never set it for real servers.
            simulated: true
            hosts:

            """
        for host in hosts {
            let esxi = Self.esxiAddress(forBMC: host.bmcAddress)?.description ?? "invalid"
            let gateway = IPv4Address(host.bmcAddress).map { IPv4Address(value: $0.value & 0xFFFF_0000 | 1).description } ?? "invalid"
            let scheme = host.useTLS ? "https" : "http"
            let pin = host.useTLS ? Self.simulatorKeyPin.map { ", tls_pin: \"\($0)\"" } ?? "" : ""
            text += """
                  - ipmi: {vendor: \(Self.vendor(of: host.flavour).rawValue), address: "\(scheme)://\(host.bmcAddress):\(host.bmcPort)", username: \(quoted(host.username)), password: \(quoted(host.passwordReference))\(pin)}
                    esxi: {esxi_disk: local, password: \(quoted(rootPassword)), address: \(esxi), gateway: \(gateway), netmask: 255.255.0.0, hostname: \(host.hostname), mgtnic: vmnic0}

                """
        }
        return text
    }

    /// Writes the file (mode 0600: it may hold the BMC password) and reads it back through `HostsFile`, so a lab
    /// whose addresses do not add up fails here with the hosts file's own message.
    func write(to path: String) throws -> [HostPlan] {
        let text = yaml
        let plans: [HostPlan]
        do {
            plans = try HostsFile.parse(yaml: text, file: path, baseDirectory: (path as NSString).deletingLastPathComponent)
        } catch {
            throw CommandFailure("the simulated lab's hosts file would be invalid:\n\(error)")
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure("cannot write the hosts file \(path): check that its folder exists and is writable")
        }
        return plans
    }

    /// YAML double-quoted scalar, so a password with ':' or '#' stays one value.
    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
