import Redfish

// What ESXi calls the drives and NICs a BMC reports, and the hosts-file values (`esxi_disk`, `mgtnic`) that select
// them: ESXi knowledge, so it lives beside the install-disk resolution, not in the Redfish module.

extension SystemInventory.Disk {
        /// The ESXi device name built from the drive's first NAA or EUI durable name: `naa.`/`eui.` followed by the
        /// lower-case hex digits, as in `esxcli storage core device list` (`naa.5000c500d1234567`,
        /// `eui.00a075013650aa01`). Redfish writes the hex with or without a `0x` prefix and sometimes with `:`
        /// between bytes (HPE iLO 6, Gen11 MR416i-p NVMe drive: `"DurableName": "01:CF:53:21:E2:8E:E3:8C"` in HPE's
        /// iLOrest user guide, storage commands), so those are dropped; DMTF Resource.DurableNameFormat only says
        /// "hexadecimal". Generic, not a vendor override: the forms never conflict.
        /// Nil when the BMC reports no NAA/EUI name or one that is not hex (ESXi then names the disk `t10.…`/`mpx.…`,
        /// which Redfish does not tell).
        public var esxiDeviceID: String? {
            for identifier in identifiers {
                guard let colon = identifier.firstIndex(of: ":") else { continue }
                let prefix: String
                switch identifier[..<colon].uppercased() {
                case "NAA": prefix = "naa."
                case "EUI": prefix = "eui."
                default: continue
                }
                var hex = identifier[identifier.index(after: colon)...].lowercased()
                if hex.hasPrefix("0x") { hex.removeFirst(2) }
                hex.removeAll { $0 == ":" || $0 == "-" }
                // NAA names are 8 or 16 bytes, EUI-64 8 bytes and NVMe NGUIDs 16.
                guard [16, 32].contains(hex.count), hex.allSatisfy(\.isHexDigit) else { continue }
                return prefix + hex
            }
            return nil
        }
}

extension SystemInventory {
    /// The `esxi_disk` value, preferring what the installer matches exactly: a device id (`naa.`/`eui.`) where the
    /// BMC reports one, else a model only when it is whole and unique. ESXi's `install --firstdisk=<name>` takes a
    /// disk whose vendor, model or driver name *equals* the name (weasel diskfilter; iso9660-esxi.md §7), and the
    /// model ESXi shows can differ from the BMC's Redfish `Model` (truncated, vendor `ATA`), so a model is the last
    /// resort. A BOSS card appears in ESXi as its RAID volume "DELLBOSS VD", not as its member SSDs, and its
    /// members' ids are not ESXi's. Nil when no value would pick one disk for sure: `esxiDiskAdvice` says why.
    public var suggestedESXiDisk: (value: String, reason: String)? {
        diskSuggestion.suggestion
    }

    /// Why no `esxi_disk` is suggested (several disks share a model and none has an id ESXi uses), or nil.
    public var esxiDiskAdvice: String? {
        diskSuggestion.advice
    }

    private var diskSuggestion: (suggestion: (value: String, reason: String)?, advice: String?) {
        let caveat = "ESXi's own model string can differ from the BMC's; check it with esxcli storage core device list"
        func unique(_ model: String) -> Bool { disks.filter { $0.model == model }.count == 1 }
        if let boss = disks.first(where: { $0.isBootDevice && ($0.controller ?? "").uppercased().contains("BOSS") }) {
            return (("DELLBOSS VD", "Dell BOSS boot card (\(boss.controller ?? "BOSS")): ESXi sees its mirror as the model DELLBOSS VD"), nil)
        }
        if let boot = disks.first(where: \.isBootDevice) {
            if let id = boot.esxiDeviceID, boot.volumes.isEmpty {
                return ((id, "dedicated boot device on \(boot.controller ?? "its controller"), by the device id ESXi shows for it"), nil)
            }
            if let model = boot.model, unique(model) {
                return ((model, "dedicated boot device on \(boot.controller ?? "its controller"); the BMC reports no NAA/EUI name ESXi would use, so its model (\(caveat))"), nil)
            }
        }
        let sorted = disks.filter { $0.model != nil || $0.esxiDeviceID != nil }.sorted { ($0.sizeBytes ?? .max) < ($1.sizeBytes ?? .max) }
        guard let smallest = sorted.first else { return (nil, nil) }
        let model = smallest.model ?? "(no model)"
        let sameModel = disks.filter { $0.model == smallest.model }.count
        if let id = smallest.esxiDeviceID, smallest.volumes.isEmpty {
            let serial = smallest.serialNumber.map { "; \"serial:\($0)\" selects the same drive" } ?? ""
            let why = sameModel > 1 ? "\(sameModel) disks share model \(model): this device id picks exactly one, the smallest" : "smallest disk (\(model)), by its device id"
            return ((id, why + serial), nil)
        }
        if sameModel == 1, let name = smallest.model {
            return ((name, "smallest disk, no dedicated boot device found; the BMC reports no NAA/EUI name, so its model (\(caveat))"), nil)
        }
        // --firstdisk="<model>" would take whichever of them ESXi lists first; only a device id picks one.
        // (A bare serial is no kickstart value: ESXi would match it against models and miss.)
        if !smallest.volumes.isEmpty {
            return (nil, "\(sameModel) disks share model \(model), and the smallest belongs to a RAID volume that ESXi shows instead of it: write the volume's naa. id from esxcli storage core device list")
        }
        return (nil, "\(sameModel) disks share model \(model) and the BMC reports no NAA/EUI name for them, so a model would pick whichever ESXi lists first: write the disk's t10./naa. id from esxcli storage core device list")
    }

    /// The `mgtnic` value: the MAC of the first NIC with link up (ESXi accepts a MAC or a vmnic name; the
    /// MAC does not depend on the order in which ESXi numbers vmnics).
    public var suggestedManagementNIC: (value: String, reason: String)? {
        if let up = nics.first(where: { $0.linkStatus == "LinkUp" && $0.macAddress != nil }), let mac = up.macAddress {
            return (mac.uppercased(), "first port with link up (\(up.id ?? up.uri))")
        }
        if let any = nics.first(where: { $0.macAddress != nil }), let mac = any.macAddress {
            return (mac.uppercased(), "no port reports link up; first port listed (\(any.id ?? any.uri))")
        }
        return nil
    }

    /// The hosts-file snippet to paste under the host's `esxi:` block.
    public var yamlSnippet: String {
        var lines = ["esxi:"]
        if let disk = suggestedESXiDisk { lines.append("  esxi_disk: \"\(disk.value)\"   # \(disk.reason)") }
        if let advice = esxiDiskAdvice { lines.append("  # esxi_disk: no safe suggestion: \(advice)") }
        else { lines.append("  # esxi_disk: no disk reported by the BMC; read it from the server's setup screen") }
        if let nic = suggestedManagementNIC { lines.append("  mgtnic: \"\(nic.value)\"   # \(nic.reason)") }
        else { lines.append("  # mgtnic: no NIC reported by the BMC") }
        return lines.joined(separator: "\n")
    }
}

/// A system's inventory with the hosts-file suggestions, as `discover --json` prints it (keys: disks, nics, notes,
/// esxiDisk, esxiDiskAdvice, mgtnic, yaml).
public struct DiscoveredInventory: Sendable, Encodable {
    public let inventory: SystemInventory

    public init(_ inventory: SystemInventory) { self.inventory = inventory }

    enum CodingKeys: String, CodingKey { case disks, nics, notes, esxiDisk, esxiDiskAdvice, mgtnic, yaml }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inventory.disks, forKey: .disks)
        try c.encode(inventory.nics, forKey: .nics)
        try c.encode(inventory.notes, forKey: .notes)
        try c.encodeIfPresent(inventory.suggestedESXiDisk?.value, forKey: .esxiDisk)
        try c.encodeIfPresent(inventory.esxiDiskAdvice, forKey: .esxiDiskAdvice)
        try c.encodeIfPresent(inventory.suggestedManagementNIC?.value, forKey: .mgtnic)
        try c.encode(inventory.yamlSnippet, forKey: .yaml)
    }
}
