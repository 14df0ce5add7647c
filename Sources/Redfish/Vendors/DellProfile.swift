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
        importTarget = manager?.actions?.oem(endingIn: "ImportSystemConfiguration")?.target
        firmware = (manager?.firmwareVersion ?? "").split(separator: ".").compactMap { Int($0) }
        let digits = (manager?.model ?? "").prefix { $0.isNumber }
        if let server = Int(digits) {
            idrac = server > 16 ? .iDRAC10 : (server >= 14 ? .iDRAC9 : .iDRAC8)
        } else {
            idrac = (firmware.first ?? 0) >= 3 ? .iDRAC9 : .iDRAC8
        }
    }

    /// Only virtual media slot 1 boots on iDRAC9 6.x/7.x (System-scoped slots `1`/`2`, since 6.00.02) as on iDRAC10, and
    /// the collection lists `/2` before `/1` (dell/terraform-provider-redfish#329; bmclib's Dell fixtures; Ironic
    /// `_get_acceptable_media_id`: "only virtual media ID 1 is acceptable … due to hardware limitations"; F9).
    /// Manager-scoped slots (`CD`, `RemovableDisk`, iDRAC9 ≤ 5.x) have no such rule.
    public func acceptsSlot(_ slot: VirtualMedia, among slots: [VirtualMedia]) -> Bool {
        let numbered = idrac == .iDRAC10 || slots.contains { $0.id == "1" || $0.odataID?.hasSuffix("/VirtualMedia/1") == true }
        return numbered ? (slot.id == "1" || slot.odataID?.hasSuffix("/VirtualMedia/1") == true) : true
    }

    /// iDRAC fetches the image during InsertMedia and refuses an unreachable URL with RAC0904 (redfish-vendors.md §4
    /// "Verification signal"; dell/iDRAC-Redfish-Scripting#265): an accepted insert with no read is suspicious here.
    public var readsMediaAtInsert: Bool { true }

    /// iDRAC answers 5xx to an insert right after an eject while the eject is still in progress
    /// (Ironic retries; storyboard 2008504).
    public var insertRetriesOnServerError: Int { 2 }

    /// iDRAC10: `PATCH {sys}` Boot → 400 PropertyNotWritable "Boot is a read-only property"; the override
    /// goes to `@Redfish.Settings` `/Settings` (community.general#11297/#11322, F6). Settings first, the
    /// system as fallback (dsx-ai-factory/libredfish#75 saw the opposite on some firmware). Used only where the
    /// SCP import is not offered.
    public func bootURIs(system: ComputerSystem) -> [String] {
        let uris = [system.odataID, system.settings?.settingsObject?.id].compactMap { $0 }
        return idrac == .iDRAC10 ? uris.reversed() : uris
    }

    /// The Server Configuration Profile import, wherever the Manager advertises it. The action key varies:
    /// `#OemManager.ImportSystemConfiguration`, `OemManager.v1_0_0#OemManager.ImportSystemConfiguration` (no leading
    /// `#`, iDRAC9 and Dell's scripts), `#OemManager.v1_3_0.OemManager#OemManager.ImportSystemConfiguration`, or the
    /// `EID_674_Manager` spelling (redfish-vendors.md §7; redhat-performance/jetlag#697).
    public let importTarget: String?

    /// The virtual CD boots once only through the SCP import of `ServerBoot.1#BootOnce` and `FirstBootDevice
    /// VCD-DVD`, on every generation: "Dell iDRAC Redfish implementation does not support setting boot device to
    /// virtual media via standard Redfish means. Instead, Dell BMC sets boot device to local physical CD/floppy"
    /// (openstack/ironic drivers/modules/drac/boot.py, which always imports); "Tried Cd, UefiTarget and
    /// RemoteDrive. It just boots to the OS" (dell/terraform-provider-redfish#332, iDRAC10). community.general#3423
    /// saw `Cd` work on some newer iDRAC9 firmware: the sources disagree by firmware, and the import works on all of
    /// them, so it is used whenever the Manager offers it. The standard `Cd` override remains the fallback where it
    /// does not (an iDRAC whose Manager lists no import action); iDRAC8 gets the import at its documented URI.
    public func usesOEMBootOnce(slotURI: String?) -> Bool {
        importTarget != nil || idrac == .iDRAC8
    }

    /// iDRAC10 firmware differs on where Boot may be written (Settings vs System, F6/F9): when both refuse,
    /// the SCP import still works ("try Settings, fall back to {sys}, then OEM", redfish-vendors.md §1.1).
    public var hasOEMBootOnceFallback: Bool { true }

    /// How often, and after how long, a busy import is tried again: 503, or 400 with `LC068` (configuration
    /// pending) / `RAC0679` (a job is running) on a busy Lifecycle Controller (dell/iDRAC-Redfish-Scripting#116,
    /// #90; sushy-oem-idrac retries both, 35 × 15 s there). Bounded: 6 tries, back-off doubling from the poll interval.
    static let importAttempts = 6

    /// SCP import of `ServerBoot.1#BootOnce=Enabled`, `FirstBootDevice=VCD-DVD`; 202 → the job is polled by the
    /// client (sushy-oem-idrac manager.py; Dell SetNextOneTimeBootVirtualMediaDeviceOemREDFISH.py). The XML carries
    /// no insignificant whitespace. `Target` is a list (`["IDRAC"]`, required on iDRAC10, jetlag#697); a firmware that
    /// names `Target` in its refusal gets the old scripts' string `"ALL"`. The device is written `VCD-DVD` (Ironic,
    /// sushy-oem-idrac, the attribute registry); a firmware that refuses it by name gets newer scripts' `vCD-DVD`.
    public func setOEMBootOnce(driver: BMCDriver) async throws {
        guard let managerURI = driver.facts.manager?.odataID else {
            throw RedfishError.unsupported(operation: "boot-once cd", detail: "iDRAC without a Manager resource: cannot import the SCP boot setting")
        }
        // Not advertised (iDRAC8, or the fallback after refused Boot PATCHes): the generation's documented URI.
        let target = importTarget ?? managerURI + (idrac == .iDRAC10 ? "/Actions/Oem/OemManager.ImportSystemConfiguration"
                                                                     : "/Actions/Oem/EID_674_Manager.ImportSystemConfiguration")
        var device = "VCD-DVD"
        var shareTarget: JSONValue = ["IDRAC"]
        var attempt = 0
        var busyWait = driver.client.timeouts.pollInterval
        while true {
            attempt += 1
            let xml = "<SystemConfiguration><Component FQDD=\"iDRAC.Embedded.1\">"
                + "<Attribute Name=\"ServerBoot.1#BootOnce\">Enabled</Attribute>"
                + "<Attribute Name=\"ServerBoot.1#FirstBootDevice\">\(device)</Attribute></Component></SystemConfiguration>"
            do {
                try await driver.client.post(target, ["ShareParameters": ["Target": shareTarget], "ImportBuffer": .string(xml)],
                                             timeout: driver.client.timeouts.request)
                return
            } catch let error as RedfishError {
                guard attempt < Self.importAttempts else { throw Self.busyAdvice(error) }
                let keys = error.messageKeys
                if error.status == 503 || keys.contains("LC068") || keys.contains("RAC0679") {
                    driver.logger.notice("SCP import: the iDRAC is busy (\(keys.last ?? "HTTP \(error.status ?? 0)")); retrying in \(busyWait)")
                    try await driver.client.sleep(busyWait)
                    busyWait = busyWait * 2
                    continue
                }
                let text = error.bmcText
                if device == "VCD-DVD", text.contains("FirstBootDevice") || text.contains("VCD-DVD") {
                    device = "vCD-DVD"
                    continue
                }
                if shareTarget != "ALL", error.status == 400, text.contains("Target") {
                    shareTarget = "ALL"
                    continue
                }
                throw error
            }
        }
    }

    static func busyAdvice(_ error: RedfishError) -> RedfishError {
        let keys = error.messageKeys
        if keys.contains("LC068") {
            return .advised(error, advice: "a configuration job is pending on the iDRAC: delete it (Lifecycle Controller job queue, "
                            + "racadm jobqueue delete) or let a reboot apply it, then retry")
        }
        if keys.contains("RAC0679") || error.status == 503 {
            return .advised(error, advice: "the iDRAC stayed busy with another job; wait for it to finish (Lifecycle Controller job queue) and retry")
        }
        return error
    }

    /// The insert errors of a stale attachment: VRM0021 (virtual media detached or in use on another device),
    /// VRM0012 (already connected), RAC0904 (remote file not accessible, also seen for a share left half-attached)
    /// — eject everything and retry once (openshift/openshift-docs#29321; microsoft/lisa idrac.py).
    public func isStaleAttachError(_ error: RedfishError) -> Bool {
        error.messageKeys.contains { ["VRM0021", "VRM0012", "RAC0904"].contains($0) }
    }

    /// What the field has found behind these errors (dell/iDRAC-Redfish-Scripting#265, #68, #24; openshift-docs#29321).
    public func advice(for error: RedfishError) -> String? {
        let keys = error.messageKeys
        if keys.contains("RAC0904") {
            return "the iDRAC itself could not read the image: the URL must be reachable from the iDRAC's own network (its "
                + "VLAN, firewall and routes, not this machine's), served without authentication; also check the iDRAC's "
                + "virtual media attach mode (AutoAttach) and that no virtual console session (eHTML5 plugin) holds the drive"
        }
        if keys.contains("VRM0021") || keys.contains("VRM0012") {
            return "the virtual drive stayed busy after an eject: close any virtual console session that attached media "
                + "(eHTML5 plugin), set virtual media to AutoAttach (iDRAC Settings > Virtual Media), then retry"
        }
        return nil
    }

    /// iDRAC10 answers 409 ActionParameterValueConflict to `On` right after a power-off (Ironic power.py; F8).
    public func isTransientResetError(_ error: RedfishError) -> Bool {
        error.status == 409 || error.messageKeys.contains("ActionParameterValueConflict")
    }
}
