import Foundation

/// Disks and NICs of a system as the BMC reports them. What ESXi calls them, and the hosts-file values that select
/// them (`esxi_disk`, `mgtnic`), are the Inventory module's business (`SystemInventory+HostsFile.swift`).
public struct SystemInventory: Sendable, Encodable {
    public struct Disk: Sendable, Encodable, Equatable {
        public let uri: String
        public let controller: String?
        public let model: String?
        public let serialNumber: String?
        public let sizeBytes: Int64?
        public let mediaType: String?
        public let driveProtocol: String?
        /// Durable names as `FORMAT:value` (`NAA:5000c500…`, `EUI:…`).
        public let identifiers: [String]
        /// A dedicated boot device (Dell BOSS, M.2 boot kits, HPE NS204i): where a hypervisor belongs.
        public let isBootDevice: Bool
        /// The logical volumes the drive belongs to (`Links.Volumes`): an OS sees the volume, not its member drives.
        public let volumes: [String]
    }

    public struct NIC: Sendable, Encodable, Equatable {
        public let uri: String
        public let id: String?
        public let macAddress: String?
        public let linkStatus: String?
        public let speedMbps: Int?
    }

    public let disks: [Disk]
    public let nics: [NIC]
    /// Sections that could not be read (e.g. a Storage collection answering 500), as readable notes.
    public let notes: [String]

    static func isBootDevice(controller: String?, drive: Drive) -> Bool {
        let text = [controller, drive.model, drive.name, drive.id].compactMap { $0 }.joined(separator: " ").uppercased()
        return text.contains("BOSS") || text.contains("M.2") || text.contains("NS204") || text.contains("AHCI.SLOT")
    }
}

extension BMCDriver {
    /// Disks (Storage → Drives, else SimpleStorage) and NICs (EthernetInterfaces). A section the BMC fails to
    /// serve becomes a note, not an error: discovery should show what it can.
    public func inventory() async throws -> SystemInventory {
        let system = try await client.get(systemURI, as: ComputerSystem.self)
        var disks: [SystemInventory.Disk] = []
        var nics: [SystemInventory.NIC] = []
        var notes: [String] = []
        if let storage = system.storage?.id {
            do {
                for controller in try await client.members(of: storage, as: Storage.self) {
                    let name = controller.storageControllers?.first?.model ?? controller.storageControllers?.first?.name ?? controller.name ?? controller.id
                    for link in controller.drives ?? [] {
                        let drive = try await client.get(link.id, as: Drive.self)
                        disks.append(SystemInventory.Disk(
                            uri: link.id, controller: name, model: drive.model?.trimmingCharacters(in: .whitespaces),
                            serialNumber: drive.serialNumber?.trimmingCharacters(in: .whitespaces), sizeBytes: drive.capacityBytes,
                            mediaType: drive.mediaType, driveProtocol: drive.driveProtocol,
                            identifiers: (drive.identifiers ?? []).compactMap { id in
                                guard let name = id.durableName, !name.isEmpty else { return nil }
                                return "\(id.durableNameFormat ?? "ID"):\(name)"
                            },
                            isBootDevice: SystemInventory.isBootDevice(controller: name, drive: drive),
                            volumes: (drive.links?.volumes ?? []).map(\.id)))
                    }
                }
            } catch let error as RedfishError {
                notes.append("disks: \(error)")
            }
        }
        if disks.isEmpty, let simple = system.simpleStorage?.id {
            do {
                for group in try await client.members(of: simple, as: SimpleStorage.self) {
                    for (index, device) in (group.devices ?? []).enumerated() {
                        disks.append(SystemInventory.Disk(
                            uri: "\(group.odataID ?? simple)#Devices/\(index)", controller: group.name, model: device.model,
                            serialNumber: nil, sizeBytes: device.capacityBytes, mediaType: nil, driveProtocol: nil,
                            identifiers: [], isBootDevice: (device.model ?? device.name ?? "").uppercased().contains("M.2"),
                            volumes: []))
                    }
                }
            } catch let error as RedfishError {
                notes.append("disks (SimpleStorage): \(error)")
            }
        }
        if let ethernet = system.ethernetInterfaces?.id {
            do {
                for interface in try await client.members(of: ethernet, as: EthernetInterface.self) {
                    nics.append(SystemInventory.NIC(uri: interface.odataID ?? ethernet, id: interface.id,
                                                    macAddress: interface.macAddress ?? interface.permanentMACAddress,
                                                    linkStatus: interface.linkStatus, speedMbps: interface.speedMbps))
                }
            } catch let error as RedfishError {
                notes.append("NICs: \(error)")
            }
        }
        return SystemInventory(disks: disks, nics: nics, notes: notes)
    }
}
