import BMCSimulator
import ESXi
import ESXiFixture
import Foundation
import Inventory
import Installer

/// A rack on one machine for `vmedia demo` and the installer's tests: an ESXi-shaped installer ISO, simulated BMCs
/// of the chosen vendor flavours on their own 127.0.<subnet>.x addresses, and a hosts file `hosts.yaml` that points
/// at them (each host's ESXi comes up on 127.0.<subnet + 1>.x, distinct from every BMC).
///
/// The plans come from that file through the normal `HostsFile` path; it says `simulated: true`, the explicit
/// opt-in that lets a hosts file give ESXi hosts loopback addresses (the only place simulated ESXi hosts listen).
struct DemoLab {
    struct Host {
        let simulator: SimulatedBMC
        let target: InstallTarget
    }

    let isoPath: String
    let hostsFilePath: String
    let hosts: [Host]
    let esxiPort: Int

    static let bmcUser = "vmedia-demo"
    static let bmcPassword = "demo-bmc-secret"
    static let rootPassword = "Demo-Root-2026"
    static let hostnamePrefix = "esx-demo"

    /// - Parameters:
    ///   - subnet: the second-to-last octet of the BMCs' addresses (ESXi hosts use the next one); distinct labs
    ///     in one machine use distinct subnets.
    ///   - faults: fault knobs by host index (others get none).
    ///   - customize: last changes to a host's BMC configuration (Secure Boot, a preinstalled ESXi …) by index; the
    ///     host's ESXi address is `esxiAddress(subnet:index:)`.
    static func start(in directory: String, count: Int, flavours: [VendorFlavor], subnet: Int, esxiPort: Int,
                      faults: [Int: FaultKnobs] = [:], installMilliseconds: Int = 300,
                      customize: (Int, inout BMCConfiguration) -> Void = { _, _ in }) async throws -> DemoLab {
        let iso = (directory as NSString).appendingPathComponent("esxi-demo.iso")
        try DemoISO.write(to: iso)
        var simulators: [SimulatedBMC] = []
        do {
            for index in 0..<count {
                let flavour = flavours[index % flavours.count]
                var config = BMCConfiguration(name: "bmc-\(index + 1)", flavour: flavour, address: "127.0.\(subnet).\(index + 10)",
                                              port: 0, useTLS: true, username: bmcUser, password: bmcPassword, index: index,
                                              faults: faults[index] ?? .none, firmware: index % 2 == 0 ? .uefi : .bios,
                                              installMilliseconds: installMilliseconds, esxiPort: esxiPort, esxiUsesTLS: true,
                                              initialPowerState: index % 3 == 0 ? .on : .off)
                customize(index, &config)
                let simulator = try SimulatedBMC(configuration: config)
                try await simulator.start()
                simulators.append(simulator)
            }
            let hostsFile = (directory as NSString).appendingPathComponent("hosts.yaml")
            let file = SimulatedLabHostsFile(hosts: simulators.enumerated().map { index, simulator in
                SimulatedLabHostsFile.Host(flavour: simulator.configuration.flavour, bmcAddress: simulator.address,
                                           bmcPort: simulator.port, useTLS: true, username: bmcUser, passwordReference: bmcPassword,
                                           hostname: SimulatedLabHostsFile.hostname(prefix: hostnamePrefix, index: index, count: count))
            }, rootPassword: rootPassword)
            let plans = try file.write(to: hostsFile)
            let hosts = zip(simulators, plans).map { Host(simulator: $0, target: InstallTarget(plan: $1)) }
            return DemoLab(isoPath: iso, hostsFilePath: hostsFile, hosts: hosts, esxiPort: esxiPort)
        } catch {
            for simulator in simulators { await simulator.stop() }
            throw error
        }
    }

    /// Where host `index`'s ESXi answers (the hosts file's address for it).
    static func esxiAddress(subnet: Int, index: Int) -> String {
        SimulatedLabHostsFile.esxiAddress(forBMC: "127.0.\(subnet).\(index + 10)")?.description ?? "127.0.\(subnet + 1).\(index + 10)"
    }

    func stop() async {
        for host in hosts { await host.simulator.stop() }
    }
}

/// The demo's installer ISO: ESXi's fixture (the 8.0 layout with every module of the stock BOOT.CFG as a valid
/// gzip member, El Torito BIOS and UEFI entries), kept small so that a rack of simulated BMCs reads it in seconds.
/// Not VMware software: every module says so inside.
enum DemoISO {
    static let byteCount: Int64 = 12 << 20

    static func write(to path: String) throws {
        let fixture = try ESXiFixture(options: ESXiFixture.Options(release: .v8_0, imageByteCount: byteCount))
        _ = try fixture.write(to: path)
    }
}
