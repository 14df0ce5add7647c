import BMCSimulator
import ESXi
import Foundation
import Inventory
import Installer

/// A rack on one machine for `vmedia demo` and the installer's tests: an ESXi-shaped installer ISO, simulated BMCs
/// of the chosen vendor flavours on their own 127.0.<subnet>.x addresses, and the host plans that point at them
/// (each host's ESXi comes up on 127.<subnet + 1>.x, distinct from every BMC).
///
/// The plans are built directly rather than read from a hosts file: the hosts file rightly refuses loopback ESXi
/// addresses, and loopback is the only place the simulated ESXi hosts may listen.
struct DemoLab {
    struct Host {
        let simulator: SimulatedBMC
        let target: InstallTarget
    }

    let isoPath: String
    let hosts: [Host]
    let esxiPort: Int

    static let bmcUser = "vmedia-demo"
    static let bmcPassword = "demo-bmc-secret"
    static let rootPassword = "Demo-Root-2026"

    /// - Parameters:
    ///   - subnet: the second-to-last octet of the BMCs' addresses (ESXi hosts use the next one); distinct labs
    ///     in one machine use distinct subnets.
    ///   - faults: fault knobs by host index (others get none).
    static func start(in directory: String, count: Int, flavours: [VendorFlavor], subnet: Int, esxiPort: Int,
                      faults: [Int: FaultKnobs] = [:], installMilliseconds: Int = 300) async throws -> DemoLab {
        let iso = (directory as NSString).appendingPathComponent("esxi-demo.iso")
        try DemoISO.write(to: iso)
        var hosts: [Host] = []
        do {
            for index in 0..<count {
                let flavour = flavours[index % flavours.count]
                let config = BMCConfiguration(name: "bmc-\(index + 1)", flavour: flavour, address: "127.0.\(subnet).\(index + 10)",
                                              port: 0, useTLS: true, username: bmcUser, password: bmcPassword, index: index,
                                              faults: faults[index] ?? .none, firmware: index % 2 == 0 ? .uefi : .bios,
                                              installMilliseconds: installMilliseconds, esxiPort: esxiPort, esxiUsesTLS: true,
                                              initialPowerState: index % 3 == 0 ? .on : .off)
                let simulator = try SimulatedBMC(configuration: config)
                try await simulator.start()
                hosts.append(Host(simulator: simulator, target: try plan(index: index, flavour: flavour, simulator: simulator,
                                                                         subnet: subnet + 1)))
            }
        } catch {
            for host in hosts { await host.simulator.stop() }
            throw error
        }
        return DemoLab(isoPath: iso, hosts: hosts, esxiPort: esxiPort)
    }

    func stop() async {
        for host in hosts { await host.simulator.stop() }
    }

    private static func plan(index: Int, flavour: VendorFlavor, simulator: SimulatedBMC, subnet: Int) throws -> InstallTarget {
        let vendor: BMCVendor = switch flavour {
        case .dellIDRAC9, .dellIDRAC10: .dell
        case .lenovoXCC: .lenovo
        case .hpeILO5: .hpe
        case .supermicro: .supermicro
        case .generic: .generic
        }
        guard case .success(let endpoint) = BMCEndpoint.parse("https://\(simulator.address):\(simulator.port)"),
              let address = IPv4Address("127.0.\(subnet).\(index + 10)"), let netmask = IPv4Netmask(prefixLength: 16),
              let gateway = IPv4Address("127.0.\(subnet).1") else {
            throw CommandFailure("demo host \(index + 1): could not form its loopback addresses")
        }
        let hostname = "esx-demo-\(String(format: "%02d", index + 1))"
        let network = KickstartNetwork(address: address, netmask: netmask, gateway: gateway, hostname: hostname, device: .vmnic(0))
        let kickstart = Kickstart(rootPassword: .crypted(password: rootPassword, saltContext: hostname),
                                  installDisk: .firstDisk("local"), network: network)
        let plan = HostPlan(index: index, vendor: vendor, bmc: endpoint, username: bmcUser, password: Secret(bmcPassword),
                            kickstart: kickstart, template: nil, systemMediaSize: .small)
        return InstallTarget(plan: plan, rootPassword: rootPassword)
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
