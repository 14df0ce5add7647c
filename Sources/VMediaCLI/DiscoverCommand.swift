import ArgumentParser
import Foundation
import Inventory
import Redfish

/// `vmedia discover`: what a server is and which hosts-file values select its boot disk and management NIC.
struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Show a server's system, disks and NICs, and the esxi_disk and mgtnic values for the hosts file.",
        discussion: """
            Reads the BMC's Redfish inventory (Storage/Drives or SimpleStorage,
            EthernetInterfaces) and suggests the hosts-file values:
              esxi_disk  the disk model ESXi's --firstdisk matches; a Dell BOSS
                         card is "DELLBOSS VD", M.2 boot kits come first;
                         when several disks share the model, the chosen
                         one's naa./eui. id (from its NAA/EUI durable name)
              mgtnic     the MAC of the first port with link up
            Boot devices are marked with *. The YAML snippet at the end pastes
            under the host's entry.

            A drive can also be chosen by its serial number:
            esxi_disk: "serial:SERIAL". vmedia install then looks the serial
            up in this same drive list and writes the drive's naa./eui. id
            into the kickstart (a drive without an NAA/EUI name cannot be
            chosen that way: write its model or its t10. id instead).

            With --config, every host of the hosts file (or those named by
            --host) is discovered with the BMC address, user, password and
            vendor written there; one failing host does not stop the others.

            Examples:
              vmedia discover --bmc 10.0.0.21 --username root --password-env BMC_PW
              vmedia discover --bmc 10.0.0.21 --username root \\
                  --password-file pw.txt --json
              vmedia discover --config hosts.yaml --host esx-01
            """)

    @OptionGroup var options: BMCOptions

    @Option(name: .long, help: ArgumentHelp("Discover the hosts of this hosts file.", valueName: "hosts.yaml"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("With --config: only this host (name, ESXi address or BMC address); repeatable.", valueName: "host"))
    var host: [String] = []

    @Flag(name: .long, help: "Print JSON for scripts.")
    var json = false

    struct Discovery: Encodable, Sendable {
        let host: String
        let bmc: BMCInfo?
        let inventory: DiscoveredInventory?
        let error: String?
    }

    func validate() throws {
        if config == nil { try options.requireDirect() }
        else if options.bmc != nil { throw ValidationError("give either --config or --bmc, not both") }
        if !host.isEmpty && config == nil { throw ValidationError("--host selects hosts of --config FILE") }
    }

    func run() async throws {
        var targets: [(String, BMCTarget)] = []
        if let config {
            let plans: [HostPlan]
            do { plans = try HostsFile.load(path: config) } catch { throw CommandFailure(error.description) }
            let chosen = host.isEmpty ? plans : plans.filter { plan in host.contains { plan.matches($0) } }
            guard !chosen.isEmpty else { throw CommandFailure("no host in \(config) matches \(host.joined(separator: ", "))") }
            for plan in chosen {
                targets.append((plan.hostname, BMCTarget(address: plan.bmc, username: plan.username,
                                                         password: plan.password.reveal(), vendor: plan.vendor,
                                                         trust: plan.bmcTrust, hostName: plan.hostname)))
            }
        } else {
            let target = try options.directTarget()
            targets.append((target.address.description, target))
        }
        var results: [Discovery] = []
        for (name, target) in targets {
            do {
                results.append(try await options.withDriver(target: target) { driver in
                    Discovery(host: name, bmc: try await driver.info(), inventory: DiscoveredInventory(try await driver.inventory()), error: nil)
                })
            } catch {
                results.append(Discovery(host: name, bmc: nil, inventory: nil, error: String(describing: error)))
            }
        }
        if json {
            if config == nil, let only = results.first { try printJSON(only) } else { try printJSON(results) }
        } else {
            for (index, result) in results.enumerated() {
                if targets.count > 1 { print((index > 0 ? "\n" : "") + "== \(result.host)") }
                print(Self.render(result))
            }
        }
        let failed = results.filter { $0.error != nil }
        if !failed.isEmpty {
            if targets.count == 1, let error = failed.first?.error { throw CommandFailure(error) }
            throw CommandFailure("\(failed.count) of \(results.count) hosts failed: \(failed.map(\.host).joined(separator: ", "))")
        }
    }

    static func render(_ result: Discovery) -> String {
        guard let info = result.bmc, let inventory = result.inventory?.inventory else { return "error: \(result.error ?? "?")" }
        var lines = [BMCReport.info(info), "", "disks (* = boot device)"]
        if inventory.disks.isEmpty { lines.append("  (none reported)") }
        for disk in inventory.disks {
            let size = disk.sizeBytes.map { String(format: "%.0f GB", Double($0) / 1e9) } ?? "?"
            let ids = disk.identifiers.isEmpty ? "" : "  " + disk.identifiers.joined(separator: " ")
            lines.append("  \(disk.isBootDevice ? "*" : " ") \(disk.model ?? "?")  serial \(disk.serialNumber ?? "?")  \(size)  \(disk.mediaType ?? "")  \(disk.driveProtocol ?? "")  on \(disk.controller ?? "?")\(ids)")
        }
        lines += ["", "NICs"]
        if inventory.nics.isEmpty { lines.append("  (none reported)") }
        for nic in inventory.nics {
            lines.append("  \(nic.id ?? nic.uri)  \(nic.macAddress ?? "?")  \(nic.linkStatus ?? "?")  \(nic.speedMbps.map { "\($0) Mb/s" } ?? "")")
        }
        lines += inventory.notes.map { "note: \($0)" }
        lines += ["", "hosts file (paste under the host):", inventory.yamlSnippet]
        return lines.joined(separator: "\n")
    }
}
