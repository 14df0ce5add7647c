import BMCSimulator
import ESXi
import Foundation
import ISO9660
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
            throw CLIError("demo host \(index + 1): could not form its loopback addresses")
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

/// A small ESXi-shaped installer ISO (a few MiB): El Torito BIOS and UEFI entries, `/BOOT.CFG` and
/// `/EFI/BOOT/BOOT.CFG` as ESXi 8.0 ships them, and valid gzip modules, so the integrity check, the remaster and
/// the simulated boot all do their real work. Not VMware software: every module says so inside.
enum DemoISO {
    static let modules = ["jumpstrt.gz", "useropts.gz", "features.gz", "k.b00", "s.v00", "vim.v00"]

    static func write(to path: String) throws {
        let release = ESXiRelease.v8_0
        var builder = ISOBuilder(options: .init(volumeIdentifier: release.volumeIdentifier,
                                                timestamp: ISOTimestamp(year: 2026, month: 1, day: 1)))
        let bootConfig = """
            bootstate=0
            title=Loading ESXi installer
            timeout=5
            prefix=
            kernel=/b.b00
            kernelopt=runweasel cdromBoot
            modules=\(modules.map { "/" + $0 }.joined(separator: " --- "))
            build=\(release.build)
            updated=0

            """
        var filler = SystemRandomNumberGenerator()
        try builder.addFile("/ISOLINUX.BIN", content: .bytes((0..<2048).map { _ in UInt8.random(in: 0...255, using: &filler) }))
        try builder.setBIOSBootImage(path: "/ISOLINUX.BIN")
        try builder.addFile("/EFIBOOT.IMG", content: .bytes([UInt8](repeating: 0, count: 64 * 1024)))
        try builder.addEFIBootImage(path: "/EFIBOOT.IMG")
        try builder.setBootCatalog(path: "/BOOT.CAT")
        try builder.addFile("/BOOT.CFG", content: .bytes(Array(bootConfig.utf8)))
        try builder.addFile("/EFI/BOOT/BOOT.CFG", content: .bytes(Array(bootConfig.utf8)))
        try builder.addFile("/B.B00", content: .generated(byteCount: 512 * 1024, seed: 1))
        for (index, name) in modules.enumerated() {
            let size: Int64 = name.hasSuffix(".v00") || name == "k.b00" ? 1 << 20 : 16 * 1024
            let payload = try FixtureModulePayload(name: name, release: release, byteCount: size + Int64(index))
            try builder.addFile("/" + name.uppercased(), content: .bytes(try payload.bytes()))
        }
        try builder.write(to: path)
    }
}
