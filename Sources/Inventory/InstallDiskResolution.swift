import ESXi
import Redfish

/// Maps a hosts-file `esxi_disk: "serial:<serial>"` to the ESXi device id of that drive, using the drives the BMC
/// reports over Redfish (`Storage/…/Drives/…`: `SerialNumber` and `Identifiers[].DurableName`).
///
/// The kickstart can only name a disk by device id or by a model filter, and only the BMC knows which drive carries
/// which serial before ESXi runs. Exactly one drive must match; anything else is an error that lists what the BMC
/// reported, so the user can correct the serial or write the device id instead.
///
/// Limit: the id is built from the drive's NAA/EUI durable name, which is how ESXi names SAS drives, SATA drives
/// behind a SAS HBA and NVMe namespaces. A SATA drive on a plain AHCI port appears as `t10.ATA_…` instead; the
/// installer then stops with "disk not found" (it never picks another disk), and the t10. id from
/// `esxcli storage core device list` is the value to write. A drive that belongs to a logical volume (RAID virtual
/// disk, Dell BOSS mirror) is refused: ESXi sees the volume, and Redfish does not say how ESXi names it.
public enum InstallDiskResolution {
    /// The `naa.`/`eui.` id of the one drive whose serial number is `serial` (compared ignoring case and surrounding
    /// spaces, as BMCs pad serials). `host` only names the host in errors.
    public static func deviceID(forSerial serial: String, in inventory: SystemInventory, host: String) throws(InventoryError) -> String {
        let wanted = serial.trimmed.uppercased()
        let matches = inventory.disks.filter { ($0.serialNumber?.trimmed.uppercased() ?? "") == wanted && !wanted.isEmpty }
        let seen = inventory.disks.compactMap { disk in
            disk.serialNumber.map { "\($0) (\(disk.model ?? "unknown model")\(disk.esxiDeviceID.map { ", " + $0 } ?? ""))" }
        }
        let seenText = seen.isEmpty ? "the BMC reported no drive serial numbers" : "the BMC reported: " + seen.joined(separator: "; ")
        switch matches.count {
        case 0:
            var problem = "no drive of this host has this serial number; \(seenText)"
            if !inventory.notes.isEmpty { problem += " (could not read: \(inventory.notes.joined(separator: "; ")))" }
            throw .diskNotFound(host: host, serial: serial, problem: problem,
                                fix: "check the serial with vmedia discover, or write the disk's model or naa./eui./t10. id as esxi_disk")
        case 1:
            // A RAID member (PERC/MR virtual disk, Dell BOSS mirror, HPE MR "non-RAID" volume) is hidden from ESXi
            // behind its volume: the drive's own name would make the installer stop with "disk not found".
            if !matches[0].volumes.isEmpty {
                throw .diskNotFound(host: host, serial: serial,
                                    problem: "the drive \(matches[0].uri) with this serial belongs to the volume \(matches[0].volumes.joined(separator: ", ")), and ESXi sees the volume, not the drive",
                                    fix: "write the volume's model (a Dell BOSS card is \"DELLBOSS VD\") or its naa. id from esxcli storage core device list as esxi_disk")
            }
            guard let id = matches[0].esxiDeviceID else {
                let names = matches[0].identifiers.isEmpty ? "none" : matches[0].identifiers.joined(separator: ", ")
                throw .diskNotFound(host: host, serial: serial,
                                    problem: "the drive \(matches[0].uri) has this serial but the BMC reports no NAA or EUI durable name for it (identifiers: \(names)), so its ESXi device id is unknown",
                                    fix: "write the disk's model, or its t10./mpx. id from esxcli storage core device list, as esxi_disk")
            }
            return id
        default:
            throw .diskNotFound(host: host, serial: serial,
                                problem: "\(matches.count) drives report this serial number (\(matches.map(\.uri).joined(separator: ", "))); one kickstart cannot choose between them",
                                fix: "write the naa./eui. id of the wanted drive as esxi_disk (vmedia discover lists them)")
        }
    }
}

extension HostPlan {
    /// This plan with a `serial:` install disk replaced by the drive's device id from `inventory`; a plan whose disk
    /// needs no BMC is returned as is.
    public func resolvingInstallDisk(with inventory: SystemInventory) throws(InventoryError) -> HostPlan {
        guard case .serial(let serial) = kickstart.installDisk else { return self }
        let id = try InstallDiskResolution.deviceID(forSerial: serial, in: inventory, host: hostname)
        return HostPlan(index: index, vendor: vendor, bmc: bmc, username: username, password: password,
                        kickstart: kickstart.with(installDisk: kickstart.installDisk.resolved(to: id)), template: template,
                        systemMediaSize: systemMediaSize, rootPassword: rootPassword, bmcTrust: bmcTrust,
                        kernelOptions: kernelOptions, settings: settings)
    }

    /// Fails, before anything is written, when a host's install disk is still a serial number: commands that do
    /// not talk to BMCs (`remaster`, `kickstart`, `serve`) cannot map it and must not render a guess. `file` is the
    /// hosts file, `command` the command's name, both for the message.
    public static func requireResolvedInstallDisks(_ plans: [HostPlan], file: String, command: String) throws(InventoryError) {
        let unresolved = plans.filter(\.kickstart.installDisk.needsResolution)
        guard !unresolved.isEmpty else { return }
        throw .invalid(unresolved.map { plan in
            Diagnostic(file: file, line: nil, column: nil, subject: .init(.plan(index: plan.index, hostname: plan.hostname)),
                       problem: "esxi_disk \(plan.kickstart.installDisk) is a drive serial number; only the BMC can map it to the device id the kickstart needs, and vmedia \(command) does not contact BMCs",
                       fix: "use vmedia install (it maps serials through the BMC), or run vmedia discover --config \(file) --host \(plan.hostname) and write the naa./eui. id it prints as esxi_disk")
        })
    }
}

extension String {
    fileprivate var trimmed: String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return String(slice)
    }
}
