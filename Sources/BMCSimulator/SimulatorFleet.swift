import NIOCore
import NIOPosix

/// A set of simulated BMCs on consecutive loopback addresses sharing one event loop group: what `vmedia simulate`
/// runs, and what `vmedia demo` and benchmarks start (8 or 200 of them; each costs a listening socket and a little
/// state, never a thread).
public final class SimulatorFleet: Sendable {
    public let members: [SimulatedBMC]

    /// Everything a fleet needs besides the per-BMC fault knobs.
    public struct Plan: Sendable {
        public var count: Int
        /// Cycled over the members: [.dellIDRAC9, .lenovoXCC] gives idrac9, xcc, idrac9, …
        public var flavours: [VendorFlavor]
        /// The first BMC's address; the others follow (127.0.0.10, .11, …).
        public var firstAddress: String
        public var port: Int
        public var useTLS: Bool
        public var username: String
        public var password: String
        public var faults: FaultKnobs
        public var firmware: BMCConfiguration.Firmware
        public var readsModules: Bool
        public var installMilliseconds: Int
        public var esxiPort: Int
        public var namePrefix: String
        /// UEFI Secure Boot on every member (their ESXi hosts then skip %firstboot).
        public var secureBoot: Bool

        public init(count: Int, flavours: [VendorFlavor] = VendorFlavor.mixed, firstAddress: String = "127.0.0.10",
                    port: Int = 443, useTLS: Bool = true, username: String = "root", password: String,
                    faults: FaultKnobs = .none, firmware: BMCConfiguration.Firmware = .uefi, readsModules: Bool = true,
                    installMilliseconds: Int = 1_000, esxiPort: Int = 443, namePrefix: String = "sim", secureBoot: Bool = false) {
            self.count = count
            self.flavours = flavours
            self.firstAddress = firstAddress
            self.port = port
            self.useTLS = useTLS
            self.username = username
            self.password = password
            self.faults = faults
            self.firmware = firmware
            self.readsModules = readsModules
            self.installMilliseconds = installMilliseconds
            self.esxiPort = esxiPort
            self.namePrefix = namePrefix
            self.secureBoot = secureBoot
        }

        /// The per-BMC configurations; fails if the addresses would leave 127.0.0.0/8 or the plan is empty.
        public func configurations() throws -> [BMCConfiguration] {
            guard count > 0, !flavours.isEmpty else {
                throw SimulatorError.invalidConfiguration("a fleet needs at least one BMC and one vendor flavour")
            }
            guard let first = IPv4.value(firstAddress), LoopbackAddress.isLoopback(firstAddress) else {
                throw SimulatorError.notLoopback(address: firstAddress, role: "first BMC")
            }
            // Stay inside 127.0.0.0/8 and away from its broadcast address.
            guard UInt64(first) + UInt64(count) <= 0x7FFF_FFFF else {
                throw SimulatorError.invalidConfiguration("\(count) BMCs starting at \(firstAddress) run past 127.255.255.254")
            }
            return (0..<count).map { index in
                let value = first + UInt32(index)
                let address = [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
                let flavour = flavours[index % flavours.count]
                return BMCConfiguration(name: "\(namePrefix)-\(String(format3(index + 1)))-\(flavour.rawValue)", flavour: flavour,
                                        address: address, port: port, useTLS: useTLS, username: username, password: password,
                                        index: index + 1, faults: faults, firmware: firmware, readsModules: readsModules,
                                        installMilliseconds: installMilliseconds, esxiPort: esxiPort, secureBoot: secureBoot)
            }
        }
    }

    public init(configurations: [BMCConfiguration], group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        members = try configurations.map { try SimulatedBMC(configuration: $0, group: group) }
    }

    /// Starts every member; if one cannot start, the ones already started are stopped again.
    public func start() async throws {
        var started: [SimulatedBMC] = []
        do {
            for member in members {
                try await member.start()
                started.append(member)
            }
        } catch {
            for member in started { await member.stop() }
            throw error
        }
    }

    public func stop() async {
        await withTaskGroup(of: Void.self) { group in
            for member in members { group.addTask { await member.stop() } }
        }
    }
}

private func format3(_ value: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, 3 - text.count)) + text
}
