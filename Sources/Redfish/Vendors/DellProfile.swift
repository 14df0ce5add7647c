import Foundation

/// Dell iDRAC 8 (13G), 9 (14G–16G), 10 (17G).
public struct DellProfile: VendorProfile {
    public enum Generation: String, Sendable { case iDRAC8, iDRAC9, iDRAC10 }
    public let vendor = Vendor.dell
    public let idrac: Generation
    public let firmware: [Int]
    public var generation: String { idrac.rawValue }

    /// Generation from the Manager `Model` ("14G Monolithic" → 14 → iDRAC9; Ironic drac/boot.py maps
    /// 12–13 → iDRAC8, 14–16 → iDRAC9, > 16 → iDRAC10), firmware from `FirmwareVersion`.
    public init(manager: Manager?, root: ServiceRoot) {
        firmware = (manager?.firmwareVersion ?? "").split(separator: ".").compactMap { Int($0) }
        let digits = (manager?.model ?? "").prefix { $0.isNumber }
        if let server = Int(digits) {
            idrac = server > 16 ? .iDRAC10 : (server >= 14 ? .iDRAC9 : .iDRAC8)
        } else {
            idrac = (firmware.first ?? 0) >= 3 ? .iDRAC9 : .iDRAC8
        }
    }

    /// iDRAC10 inserts only into slot 1: "only virtual media ID 1 is acceptable … due to hardware
    /// limitations" (Ironic `_get_acceptable_media_id`; F9).
    public func acceptsSlot(_ slot: VirtualMedia, among slots: [VirtualMedia]) -> Bool {
        idrac == .iDRAC10 ? slot.id == "1" : true
    }

    /// iDRAC answers 5xx to an insert right after an eject while the eject is still in progress
    /// (Ironic retries; storyboard 2008504).
    public var insertRetriesOnServerError: Int { 2 }

    /// iDRAC10: `PATCH {sys}` Boot → 400 PropertyNotWritable "Boot is a read-only property"; the override
    /// goes to `@Redfish.Settings` `/Settings` (community.general#11297/#11322, F6). Settings first, the
    /// system as fallback (dsx-ai-factory/libredfish#75 saw the opposite on some firmware).
    public func bootURIs(system: ComputerSystem) -> [String] {
        let uris = [system.odataID, system.settings?.settingsObject?.id].compactMap { $0 }
        return idrac == .iDRAC10 ? uris.reversed() : uris
    }

    /// "Cd" boots the virtual CD only on iDRAC9 ≥ 4.40 with System-scoped slots; iDRAC8, older iDRAC9 and
    /// Manager-scoped slots need the SCP `VCD-DVD` one-time boot (F5; dell/iDRAC-Redfish-Scripting#90).
    public func usesOEMBootOnce(slotURI: String?) -> Bool {
        switch idrac {
        case .iDRAC8: return true
        case .iDRAC10: return false
        case .iDRAC9:
            let old = firmware.lexicographicallyPrecedes([4, 40])
            return old || (slotURI?.contains("/Managers/") ?? false)
        }
    }

    /// iDRAC10 firmware differs on where Boot may be written (Settings vs System, F6/F9): when both refuse,
    /// the SCP import still works ("try Settings, fall back to {sys}, then OEM", redfish-vendors.md §1.1).
    public var hasOEMBootOnceFallback: Bool { true }

    /// SCP import of `ServerBoot.1#BootOnce=Enabled`, `FirstBootDevice=VCD-DVD`; 202 → the job is polled
    /// by the client (sushy-oem-idrac manager.py; Dell SetNextOneTimeBootVirtualMediaDeviceOemREDFISH.py).
    /// The XML must carry no insignificant whitespace.
    public func setOEMBootOnce(driver: BMCDriver) async throws {
        guard let managerURI = driver.facts.manager?.odataID else {
            throw RedfishError.unsupported(operation: "boot-once cd", detail: "iDRAC without a Manager resource: cannot import the SCP boot setting")
        }
        let action = driver.facts.manager?.actions?["#OemManager.ImportSystemConfiguration"]
            ?? driver.facts.manager?.actions?["#EID_674_Manager.ImportSystemConfiguration"]
        let target = action?.target ?? managerURI + "/Actions/Oem/EID_674_Manager.ImportSystemConfiguration"
        let xml = "<SystemConfiguration><Component FQDD=\"iDRAC.Embedded.1\">"
            + "<Attribute Name=\"ServerBoot.1#BootOnce\">Enabled</Attribute>"
            + "<Attribute Name=\"ServerBoot.1#FirstBootDevice\">VCD-DVD</Attribute></Component></SystemConfiguration>"
        try await driver.client.post(target, ["ShareParameters": ["Target": ["IDRAC"]], "ImportBuffer": .string(xml)],
                                     timeout: driver.client.timeouts.request)
    }

    /// iDRAC10 answers 409 ActionParameterValueConflict to `On` right after a power-off (Ironic power.py; F8).
    public func isTransientResetError(_ error: RedfishError) -> Bool {
        error.status == 409 || error.messageKeys.contains("ActionParameterValueConflict")
    }
}
