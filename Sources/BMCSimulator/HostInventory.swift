/// The hardware a simulated server reports and that the simulated ESXi installer checks the kickstart against:
/// `install --disk=` must name one of `disks`, `network --device=` one of `nics` (by vmnic index or MAC).
public struct HostInventory: Sendable, Equatable, Codable {
    public var systemModel: String
    public var serialNumber: String
    public var disks: [Disk]
    /// In vmnic order: the ESXi installer numbers NICs by PCI order, so `nics[0]` is vmnic0.
    public var nics: [NIC]
    public var memoryGiB: Int

    public init(systemModel: String, serialNumber: String, disks: [Disk], nics: [NIC], memoryGiB: Int = 384) {
        self.systemModel = systemModel
        self.serialNumber = serialNumber
        self.disks = disks
        self.nics = nics
        self.memoryGiB = memoryGiB
    }

    public struct Disk: Sendable, Equatable, Codable {
        /// The ESXi device name the installer accepts in `--disk=` (`naa.…`, `t10.…`, `mpx.…`).
        public var deviceName: String
        public var vendor: String
        public var model: String
        public var serialNumber: String
        public var capacityBytes: Int64
        /// Local boot devices (BOSS, M.2) match `--firstdisk=local`; SAN LUNs don't.
        public var isLocal: Bool
        /// The ESXi storage driver (`vmw_ahci`, `lsi_mr3`, `nvme_pcie`): `--firstdisk=<name>` also matches it.
        public var driverName: String?

        public init(deviceName: String, vendor: String, model: String, serialNumber: String,
                    capacityBytes: Int64, isLocal: Bool = true, driverName: String? = nil) {
            self.deviceName = deviceName
            self.vendor = vendor
            self.model = model
            self.serialNumber = serialNumber
            self.capacityBytes = capacityBytes
            self.isLocal = isLocal
            self.driverName = driverName
        }
    }

    public struct NIC: Sendable, Equatable, Codable {
        /// Lower-case colon form, as ESXi prints it (`network --device=` may name it in any case).
        public var macAddress: String
        public var speedMbps: Int

        public init(macAddress: String, speedMbps: Int = 25_000) {
            self.macAddress = macAddress.lowercased()
            self.speedMbps = speedMbps
        }
    }

    /// A plausible inventory for `flavour`, unique per `index` (serials, NAA ids and MACs derive from it) so a
    /// fleet of simulators never shares identifiers. Dell boots from a BOSS card, Lenovo from a ThinkSystem M.2
    /// mirror, the others from a SATA SSD; each also has two data disks of one model that must not be picked by
    /// mistake, told apart only by serial number and NAA id (the case `esxi_disk: "serial:…"` is for). NAA ids are
    /// 16 hex digits (NAA type 5: `5` + 24-bit OUI + 36-bit serial), as SAS drives report them.
    public static func standard(for flavour: VendorFlavor, index: Int) -> HostInventory {
        let tag = String(index, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 6 - tag.count)) + tag
        let boot: Disk
        switch flavour {
        case .dellIDRAC9, .dellIDRAC9v7, .dellIDRAC10:
            boot = Disk(deviceName: "t10.ATA_____DELLBOSS_VD_____________________________\(padded)5E0A00000000",
                        vendor: "ATA", model: "DELLBOSS VD", serialNumber: "BOSS\(padded)", capacityBytes: 480_103_981_056,
                        driverName: "vmw_ahci")
        case .lenovoXCC, .lenovoXCCLegacy, .lenovoAMI:
            // ESXi shows the M.2 mirror's model as "ThinkSystem M.2", the value the old tool's config passes to
            // --firstdisk on Lenovo servers (reference/origin-article.md); weasel needs it whole.
            boot = Disk(deviceName: "t10.ATA_____ThinkSystem_M.2_VD________________________\(padded)",
                        vendor: "Lenovo", model: "ThinkSystem M.2", serialNumber: "M2VD\(padded)", capacityBytes: 479_559_942_144,
                        driverName: "vmw_ahci")
        case .hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7, .supermicro, .generic:
            boot = Disk(deviceName: "t10.ATA_____MICRON_5300_MTFDDAV480TDS__________\(padded)",
                        vendor: "ATA", model: "MICRON 5300 MTFDDAV480TDS", serialNumber: "MTF\(padded)", capacityBytes: 480_103_981_056,
                        driverName: "vmw_ahci")
        }
        let data = ["a1", "a2"].enumerated().map { number, suffix in
            Disk(deviceName: "naa.5000c500\(padded.lowercased())\(suffix)", vendor: "SEAGATE", model: "ST2400MM0129",
                 serialNumber: "WF\(["K", "L"][number])\(padded)", capacityBytes: 2_400_476_553_216, driverName: "lsi_mr3")
        }
        let macBase = macOctets(index)
        return HostInventory(
            systemModel: flavour.defaultSystemModel,
            serialNumber: "SIM\(padded)",
            disks: [boot] + data,
            nics: (0..<4).map { NIC(macAddress: "02:5a:\(macBase):\(hexByte($0))") })
    }
}

/// Three MAC octets from an index ("00:00:0a" for 10), so simulated MACs are unique and locally administered.
private func macOctets(_ index: Int) -> String {
    let value = index & 0xFFFFFF
    return [(value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF].map(hexByte).joined(separator: ":")
}

/// Two lower-case hex digits.
private func hexByte(_ value: Int) -> String {
    let hex = String(value & 0xFF, radix: 16)
    return hex.count == 1 ? "0" + hex : hex
}
