/// Everything that defines one simulated BMC and the server behind it.
public struct BMCConfiguration: Sendable, Codable {
    /// A label for logs and `vmedia simulate` output (e.g. "esx-dell-01").
    public var name: String
    public var flavour: VendorFlavor
    /// The BMC's own address; must be in 127.0.0.0/8.
    public var address: String
    public var port: Int
    /// HTTPS with the committed self-signed certificate (the default, like every real BMC) or plain HTTP.
    public var useTLS: Bool
    public var username: String
    /// Never logged, printed or returned by the Redfish service (AccountService is not simulated).
    public var password: String
    public var inventory: HostInventory
    public var faults: FaultKnobs
    /// How the server firmware boots the CD: UEFI reads `/EFI/BOOT/BOOT.CFG`, BIOS `/BOOT.CFG` (a kickstart
    /// patched into only one of them fails on the other, iso9660-esxi.md §4 pitfall 1).
    public var firmware: Firmware
    /// Whether the virtual CD also reads the kernel and every module listed in BOOT.CFG before the kickstart.
    public var readsModules: Bool
    /// From "kickstart accepted" to "ESXi answers on its management address" (the real install takes minutes).
    public var installMilliseconds: Int
    /// The port the simulated ESXi host answers the vSphere API on (443 like the real host; tests pick others).
    public var esxiPort: Int
    public var esxiUsesTLS: Bool
    public var initialPowerState: InitialPower
    /// UEFI Secure Boot (`SecureBoot.SecureBootEnable`): ESXi then skips `%firstboot` ("The %firstboot script does
    /// not run, if secure boot is enabled on the ESXi host", vSphere 7.0/8.0 Installation guides).
    public var secureBoot: Bool
    /// An ESXi already installed on the server's disk (what a re-install meets): it answers on its address from
    /// the start when the server is on, and again whenever the server boots its disk.
    public var preinstalled: PreinstalledESXi?

    /// An earlier ESXi on the server's disk.
    public struct PreinstalledESXi: Sendable, Codable, Equatable {
        /// Must be in 127.0.0.0/8.
        public var address: String
        public var rootPassword: String
        public var version: String
        public var build: String
        /// How long before the simulator started it booted (the host's `runtime.bootTime`).
        public var bootedSecondsAgo: Double

        public init(address: String, rootPassword: String, version: String = "7.0.3", build: String = "21930508",
                    bootedSecondsAgo: Double = 3600) {
            self.address = address
            self.rootPassword = rootPassword
            self.version = version
            self.build = build
            self.bootedSecondsAgo = bootedSecondsAgo
        }
    }

    public enum Firmware: String, Sendable, Codable, CaseIterable {
        case uefi
        case bios
    }

    public enum InitialPower: String, Sendable, Codable {
        case on = "On"
        case off = "Off"
    }

    public init(name: String, flavour: VendorFlavor, address: String, port: Int = 443, useTLS: Bool = true,
                username: String = "root", password: String, inventory: HostInventory? = nil, index: Int = 0,
                faults: FaultKnobs = .none, firmware: Firmware = .uefi, readsModules: Bool = true,
                installMilliseconds: Int = 1_000, esxiPort: Int = 443, esxiUsesTLS: Bool = true,
                initialPowerState: InitialPower = .off, secureBoot: Bool = false, preinstalled: PreinstalledESXi? = nil) {
        self.name = name
        self.flavour = flavour
        self.address = address
        self.port = port
        self.useTLS = useTLS
        self.username = username
        self.password = password
        self.inventory = inventory ?? .standard(for: flavour, index: index)
        self.faults = faults
        self.firmware = firmware
        self.readsModules = readsModules
        self.installMilliseconds = installMilliseconds
        self.esxiPort = esxiPort
        self.esxiUsesTLS = esxiUsesTLS
        self.initialPowerState = initialPowerState
        self.secureBoot = secureBoot
        self.preinstalled = preinstalled
    }

    /// Checks what would otherwise fail later or touch a real network.
    func validate() throws {
        try LoopbackAddress.require(address, role: "BMC \(name) listen")
        guard (0...65535).contains(port), (0...65535).contains(esxiPort) else {
            throw SimulatorError.invalidConfiguration("BMC \(name): ports must be 0-65535 (0 = any free port)")
        }
        guard !username.isEmpty, !password.isEmpty else {
            throw SimulatorError.invalidConfiguration("BMC \(name): username and password must not be empty")
        }
        guard (0...1).contains(faults.errorRate) else {
            throw SimulatorError.invalidConfiguration("BMC \(name): errorRate must be between 0 and 1")
        }
        if let preinstalled { try LoopbackAddress.require(preinstalled.address, role: "BMC \(name) preinstalled ESXi") }
        guard !inventory.disks.isEmpty, !inventory.nics.isEmpty else {
            throw SimulatorError.invalidConfiguration("BMC \(name): the inventory needs at least one disk and one NIC")
        }
    }
}
