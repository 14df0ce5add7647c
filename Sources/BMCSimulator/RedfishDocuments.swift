import Foundation

/// The JSON documents of the simulated service, per flavour. Shapes follow the vendors' published examples
/// quoted in redfish-vendors.md; only properties that clients read for a virtual-media install are filled in.
extension RedfishService {
    func serviceRoot() -> [String: Any] {
        var root: [String: Any] = [
            "@odata.id": "/redfish/v1", "@odata.type": "#ServiceRoot.v1_11_0.ServiceRoot", "Id": "RootService",
            "Name": "Root Service", "RedfishVersion": flavour.redfishVersion,
            "UUID": "5ee1a5e0-0000-4000-8000-\(hex12(configuration.inventory.serialNumber))",
            "Systems": ["@odata.id": "/redfish/v1/Systems"], "Managers": ["@odata.id": "/redfish/v1/Managers"],
            "SessionService": ["@odata.id": Paths.sessionService], "TaskService": ["@odata.id": Paths.taskService],
            "Links": ["Sessions": ["@odata.id": Paths.sessions]],
        ]
        if let vendor = flavour.vendor { root["Vendor"] = vendor; root["Product"] = flavour.managerModel }
        if let oem = flavour.oemKey { root["Oem"] = [oem: [String: Any]()] }
        return root
    }

    func collectionDocument(_ path: String, _ type: String, _ members: [String]) -> [String: Any] {
        ["@odata.id": path, "@odata.type": "#\(type).\(type)", "Name": type,
         "Members": members.map { ["@odata.id": $0] }, "Members@odata.count": members.count]
    }

    /// DMTF `SecureBoot` (every flavour simulated exposes it at `Systems/<id>/SecureBoot`, as iDRAC9 ≥ 4.00, XCC,
    /// iLO 5 and Supermicro X11 do); `SecureBootEnable` is the per-host knob.
    func secureBootDocument() -> [String: Any] {
        let on = configuration.secureBoot
        return ["@odata.id": flavour.systemPath + "/SecureBoot", "@odata.type": "#SecureBoot.v1_1_0.SecureBoot",
                "Id": "SecureBoot", "Name": "UEFI Secure Boot", "SecureBootEnable": on,
                "SecureBootCurrentBoot": on ? "Enabled" : "Disabled", "SecureBootMode": on ? "DeployedMode" : "SetupMode"]
    }

    func systemDocument(_ state: BMCState) -> [String: Any] {
        let system = flavour.systemPath
        var boot: [String: Any] = [
            "BootSourceOverrideEnabled": state.boot.enabled, "BootSourceOverrideTarget": state.boot.target,
            "BootSourceOverrideMode": state.boot.mode,
        ]
        // §1.1 F6: on iDRAC10 the AllowableValues are only on the Settings object.
        if flavour != .dellIDRAC10 {
            boot["BootSourceOverrideTarget@Redfish.AllowableValues"] = flavour.bootTargets
            boot["BootSourceOverrideEnabled@Redfish.AllowableValues"] = flavour.bootEnabledValues
        }
        var document: [String: Any] = [
            "@odata.id": system, "@odata.type": "#ComputerSystem.v1_20_0.ComputerSystem",
            "@odata.etag": etag(system, state: state),
            "Id": String(system.split(separator: "/").last ?? ""), "Name": "System",
            "Manufacturer": flavour.manufacturer, "Model": configuration.inventory.systemModel,
            "SerialNumber": configuration.inventory.serialNumber, "SystemType": "Physical",
            "PowerState": state.power.rawValue, "Boot": boot,
            "BootProgress": bootProgress(state),
            "MemorySummary": ["TotalSystemMemoryGiB": configuration.inventory.memoryGiB],
            "Actions": ["#ComputerSystem.Reset": [
                "target": system + "/Actions/ComputerSystem.Reset",
                "ResetType@Redfish.AllowableValues": flavour.resetTypes]],
            "EthernetInterfaces": ["@odata.id": system + "/EthernetInterfaces"],
            "Storage": ["@odata.id": system + "/Storage"],
            "SecureBoot": ["@odata.id": system + "/SecureBoot"],
            "Links": ["ManagedBy": [["@odata.id": flavour.managerPath]]],
        ]
        if flavour.virtualMediaUnderSystem {
            document["VirtualMedia"] = ["@odata.id": flavour.virtualMediaCollectionPath]
        }
        if flavour == .dellIDRAC10 {
            document["@Redfish.Settings"] = ["SettingsObject": ["@odata.id": system + "/Settings"]]
        }
        if flavour.isHPE {
            // §1.3: boot progress on iLO is Oem.Hpe.PostState.
            document["Oem"] = ["Hpe": ["PostState": hpePostState(state)]]
        }
        return document
    }

    /// The iDRAC10 pending-settings resource that carries the writable boot override (F6).
    func settingsDocument(_ state: BMCState) -> [String: Any] {
        ["@odata.id": flavour.systemPath + "/Settings", "@odata.type": "#ComputerSystem.v1_20_0.ComputerSystem",
         "@odata.etag": etag(flavour.systemPath, state: state), "Id": "Settings", "Name": "System Settings",
         "Boot": ["BootSourceOverrideEnabled": state.boot.enabled, "BootSourceOverrideTarget": state.boot.target,
                  "BootSourceOverrideMode": state.boot.mode,
                  "BootSourceOverrideTarget@Redfish.AllowableValues": flavour.bootTargets,
                  "BootSourceOverrideEnabled@Redfish.AllowableValues": flavour.bootEnabledValues] as [String: Any]]
    }

    /// BootProgress.LastState (ComputerSystem ≥ 1.13, §1.5), with the console's text in OemLastState.
    func bootProgress(_ state: BMCState) -> [String: Any] {
        switch state.phase {
        case .poweredOff: return ["LastState": "None"]
        case .readingMedia: return ["LastState": "OSBootStarted", "OemLastState": "Loading ESXi installer"]
        case .installing: return ["LastState": "OSBootStarted", "OemLastState": "Installing ESXi"]
        case .running: return ["LastState": "OSRunning"]
        case .noInstallerBooted(let reason): return ["LastState": "OEM", "OemLastState": "No installer booted: \(reason)"]
        case .failed(let reason): return ["LastState": "OEM", "OemLastState": "Install failed: \(reason)"]
        }
    }

    private func hpePostState(_ state: BMCState) -> String {
        switch state.power {
        case .off, .poweringOn: return "PowerOff"
        case .poweringOff: return "InPost"
        case .on: return "FinishedPost"
        }
    }

    func managerDocument(_ state: BMCState) -> [String: Any] {
        var document: [String: Any] = [
            "@odata.id": flavour.managerPath, "@odata.type": "#Manager.v1_10_0.Manager",
            "Id": String(flavour.managerPath.split(separator: "/").last ?? ""), "Name": "Manager", "ManagerType": "BMC",
            "Model": flavour.managerModel, "FirmwareVersion": flavour.managerFirmware,
            "LogServices": ["@odata.id": flavour.managerPath + "/LogServices"],
            "Links": ["ManagerForServers": [["@odata.id": flavour.systemPath]]],
        ]
        if !flavour.virtualMediaUnderSystem {
            document["VirtualMedia"] = ["@odata.id": flavour.virtualMediaCollectionPath]
        }
        if flavour == .lenovoAMI {
            // §1.2: the AMI BMC of Lenovo's AMD servers reports remote media in Oem.Ami and switches it on by action.
            document["Oem"] = ["Ami": ["VirtualMedia": ["RMediaStatus": state.rMediaEnabled ? "Enabled" : "Disabled"]]]
            document["Actions"] = ["Oem": ["#AMIVirtualMedia.EnableRMedia": [
                "target": flavour.managerPath + "/Actions/Oem/AMIVirtualMedia.EnableRMedia",
                "RMediaState@Redfish.AllowableValues": ["Enable", "Disable"]]]]
        }
        if let action = flavour.importAction {
            document["Actions"] = ["Oem": [action.key: [
                "target": action.target,
                "HostPowerState@Redfish.AllowableValues": ["On", "Off"],
                "ImportSystemConfiguration@Redfish.AllowableValues": ["TimeToWait", "ImportBuffer"],
                "ShareParameters": ["Target@Redfish.AllowableValues": ["ALL", "IDRAC", "BIOS", "NIC", "RAID"]],
            ] as [String: Any]]]
        }
        return document
    }

    func virtualMediaDocument(_ slot: SlotSpec, state: BMCState) -> [String: Any] {
        let path = flavour.virtualMediaCollectionPath + "/\(slot.id)"
        let current = state.slots[slot.id] ?? BMCState.Slot()
        var document: [String: Any] = [
            "@odata.id": path, "@odata.type": "#VirtualMedia.v1_6_0.VirtualMedia", "@odata.etag": etag(path, state: state),
            "Id": slot.id, "Name": "Virtual Media \(slot.id)", "MediaTypes": slot.mediaTypes,
            "Image": current.image.map { $0 as Any } ?? NSNull(), "ImageName": current.imageName.map { $0 as Any } ?? NSNull(),
            "Inserted": current.inserted, "WriteProtected": current.writeProtected,
            "ConnectedVia": current.connected ? "URI" : "NotConnected",
        ]
        if current.connected { document["TransferProtocolType"] = (current.image ?? "").hasPrefix("https") ? "HTTPS" : "HTTP" }
        if flavour == .dellIDRAC10 {
            document["Description"] = "Virtual Network File \(slot.id)" // §1.1: how BIOS shows slots 1/2.
        }
        if flavour != .lenovoXCC && flavour != .hpeILO4 {
            // F13: XCC EXT slots have no InsertMedia/EjectMedia actions (PATCH only); iLO 4 has only its OEM ones.
            document["Actions"] = [
                "#VirtualMedia.InsertMedia": ["target": path + "/Actions/VirtualMedia.InsertMedia"],
                "#VirtualMedia.EjectMedia": ["target": path + "/Actions/VirtualMedia.EjectMedia"],
            ]
        }
        if flavour == .hpeILO4 {
            // iLO 4 (Gen9): `Oem.Hp`, with the eject/insert as OEM actions (openshift-metal3/fakefish iLO 4 scripts).
            document["Oem"] = ["Hp": ["BootOnNextServerReset": current.bootOnNextReset, "Actions": [
                "#HpiLOVirtualMedia.EjectVirtualMedia": ["target": path + "/Actions/Oem/Hp/HpiLOVirtualMedia.EjectVirtualMedia"],
                "#HpiLOVirtualMedia.InsertVirtualMedia": ["target": path + "/Actions/Oem/Hp/HpiLOVirtualMedia.InsertVirtualMedia"]]] as [String: Any]]
        } else if flavour.isHPE {
            document["Oem"] = ["Hpe": ["BootOnNextServerReset": current.bootOnNextReset]]
        }
        return document
    }

    func sessionDocument(id: String, user: String) -> [String: Any] {
        ["@odata.id": Paths.sessions + "/\(id)", "@odata.type": "#Session.v1_3_0.Session", "Id": id,
         "Name": "User Session", "UserName": user]
    }

    func taskDocument(_ task: BMCState.Task) -> [String: Any] {
        ["@odata.id": Paths.tasks + "/\(task.id)", "@odata.type": "#Task.v1_5_0.Task", "Id": task.id,
         "Name": task.name, "TaskState": task.state,
         "TaskStatus": task.state == "Completed" ? "OK" : "OK",
         "PercentComplete": task.state == "Completed" ? 100 : 50,
         "Messages": [] as [Any]]
    }

    func nicDocument(_ index: Int) -> [String: Any] {
        let nic = configuration.inventory.nics[index]
        let path = flavour.systemPath + "/EthernetInterfaces/\(nicID(index))"
        return ["@odata.id": path, "@odata.type": "#EthernetInterface.v1_6_0.EthernetInterface", "Id": nicID(index),
                "Name": "NIC \(index + 1)", "MACAddress": nic.macAddress.uppercased(),
                "PermanentMACAddress": nic.macAddress.uppercased(), "SpeedMbps": nic.speedMbps,
                "LinkStatus": "LinkUp", "Status": ["State": "Enabled", "Health": "OK"]]
    }

    func storageDocument() -> [String: Any] {
        let path = flavour.systemPath + "/Storage/1"
        return ["@odata.id": path, "@odata.type": "#Storage.v1_9_0.Storage", "Id": "1", "Name": "Storage",
                "Drives": configuration.inventory.disks.indices.map { ["@odata.id": path + "/Drives/\($0)"] },
                "Drives@odata.count": configuration.inventory.disks.count]
    }

    func driveDocument(_ index: Int) -> [String: Any] {
        let disk = configuration.inventory.disks[index]
        let path = flavour.systemPath + "/Storage/1/Drives/\(index)"
        // Identifiers as the recorded iDRAC9 6.x drives write them (Fixtures/redfish/dell-idrac9-6x): NAA in upper-case
        // hex without prefix, EUI with a 0x prefix. ESXi's t10./mpx. names have no Redfish durable name.
        var identifiers: [[String: Any]] = []
        let lower = disk.deviceName.lowercased()
        if lower.hasPrefix("naa.") {
            identifiers.append(["DurableNameFormat": "NAA", "DurableName": String(disk.deviceName.dropFirst(4)).uppercased()])
        } else if lower.hasPrefix("eui.") {
            identifiers.append(["DurableNameFormat": "EUI", "DurableName": "0x" + String(disk.deviceName.dropFirst(4)).lowercased()])
        }
        return ["@odata.id": path, "@odata.type": "#Drive.v1_9_0.Drive", "Id": String(index), "Name": disk.model,
                "Manufacturer": disk.vendor, "Model": disk.model, "SerialNumber": disk.serialNumber,
                "CapacityBytes": disk.capacityBytes, "Identifiers": identifiers,
                "Oem": ["VMedia": ["ESXiDeviceName": disk.deviceName, "Local": disk.isLocal]]]
    }

    func logDocument(_ state: BMCState) -> [String: Any] {
        let path = flavour.managerPath + "/LogServices/Log/Entries"
        return ["@odata.id": path, "@odata.type": "#LogEntryCollection.LogEntryCollection", "Name": "Log Entries",
                "Members": state.logEntries.enumerated().map { index, entry in
                    ["@odata.id": path + "/\(index + 1)", "Id": String(index + 1), "EntryType": "Oem",
                     "Severity": entry.severity, "Message": entry.message] as [String: Any]
                },
                "Members@odata.count": state.logEntries.count]
    }

    private func hex12(_ text: String) -> String {
        var hash: UInt64 = 1469598103934665603
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
        let hex = String(hash & 0xFFFF_FFFF_FFFF, radix: 16)
        return String(repeating: "0", count: 12 - hex.count) + hex
    }
}
