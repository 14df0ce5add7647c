import ArgumentParser
import Foundation
import Redfish

/// `vmedia discover`: what a server is and which hosts-file values select its boot disk and management NIC.
struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Show a server's system, disks and NICs, and the esxi_disk and mgtnic values for the hosts file.",
        discussion: """
            Reads the BMC's Redfish inventory (Storage/Drives or SimpleStorage, EthernetInterfaces) and
            suggests the hosts-file values: esxi_disk (the disk model ESXi's --firstdisk matches; a Dell
            BOSS card is "DELLBOSS VD", M.2 boot kits are preferred) and mgtnic (the MAC of the first port
            with link up). Boot devices are marked with *. The YAML snippet at the end pastes under the
            host's entry.

            Examples:
              vmedia discover --bmc 10.0.0.21 --username root --password-env BMC_PW
              vmedia discover --bmc 10.0.0.21 --username root --password-file pw.txt --json
            """)

    @OptionGroup var options: BMCOptions

    @Flag(name: .long, help: "Print JSON for scripts.")
    var json = false

    struct Discovery: Encodable, Sendable {
        let bmc: BMCInfo
        let inventory: SystemInventory
    }

    func run() async throws {
        let json = self.json
        let discovery = try await options.withDriver { driver in
            Discovery(bmc: try await driver.info(), inventory: try await driver.inventory())
        }
        if json { try printJSON(discovery); return }
        print(BMCReport.info(discovery.bmc))
        let inventory = discovery.inventory
        print("\ndisks")
        if inventory.disks.isEmpty { print("  (none reported)") }
        for disk in inventory.disks {
            let size = disk.sizeBytes.map { String(format: "%.0f GB", Double($0) / 1e9) } ?? "?"
            let ids = disk.identifiers.isEmpty ? "" : "  " + disk.identifiers.joined(separator: " ")
            print("  \(disk.isBootDevice ? "*" : " ") \(disk.model ?? "?")  serial \(disk.serialNumber ?? "?")  \(size)  \(disk.mediaType ?? "")  \(disk.driveProtocol ?? "")  on \(disk.controller ?? "?")\(ids)")
        }
        print("\nNICs")
        if inventory.nics.isEmpty { print("  (none reported)") }
        for nic in inventory.nics {
            print("  \(nic.id ?? nic.uri)  \(nic.macAddress ?? "?")  \(nic.linkStatus ?? "?")  \(nic.speedMbps.map { "\($0) Mb/s" } ?? "")")
        }
        for note in inventory.notes { print("note: \(note)") }
        print("\nhosts file:\n" + inventory.yamlSnippet)
    }
}
