/// Lenovo XClarity Controller: XCC, XCC2, XCC3; and the AMI MegaRAC BMC of Lenovo's AMD servers (SR635/SR655).
public struct LenovoProfile: VendorProfile {
    public let vendor = Vendor.lenovo
    public let generation: String
    /// The AMD platforms' BMC is AMI MegaRAC: its Manager carries `Oem.Ami` (lenovo/python-redfish-lenovo
    /// examples/lenovo_mount_virtual_media.py).
    public let isAMI: Bool
    /// The XCC version from `FirmwareVersion` ("TGBT58S 5.10" → [5, 10]).
    public let firmware: [Int]
    let managerURI: String?
    let enableRMedia: String?
    let rMediaEnabled: Bool

    public init(manager: Manager?) {
        let model = (manager?.model ?? "").uppercased()
        isAMI = manager?.oem?["Ami"] != nil
        if isAMI { generation = "AMI (AMD)" }
        else if model.contains("XCC3") || model.hasSuffix("CONTROLLER 3") { generation = "XCC3" }
        else if model.contains("XCC2") || model.hasSuffix("CONTROLLER 2") { generation = "XCC2" }
        else { generation = "XCC" }
        let version = (manager?.firmwareVersion ?? "").split(separator: " ").last { $0.contains(".") } ?? ""
        firmware = version.split(separator: ".").compactMap { Int($0) }
        managerURI = manager?.odataID
        enableRMedia = manager?.actions?.oem(endingIn: "EnableRMedia")?.target
        rMediaEnabled = manager?.oem?["Ami"]?["VirtualMedia"]?["RMediaStatus"]?.stringValue == "Enabled"
    }

    /// Only `EXT1..EXT4` take remote URLs; `Remote*` are vKVM-only and `RDOC*` are uploads to the BMC, and
    /// inserting there fails (lenovo/python-redfish-lenovo#9, #21; community.general skips them; F13).
    /// Firmware before XCC 2.50 has no predefined slots: then only the RDOC/Remote filter applies.
    public func acceptsSlot(_ slot: VirtualMedia, among slots: [VirtualMedia]) -> Bool {
        let id = slot.id ?? slot.odataID?.split(separator: "/").last.map(String.init) ?? ""
        if slots.contains(where: { ($0.id ?? "").hasPrefix("EXT") }) { return id.hasPrefix("EXT") }
        return !id.hasPrefix("RDOC") && !id.hasPrefix("Remote")
    }

    /// XCC3 does not trust the image server's certificate and answers 500 InternalError to an HTTPS insert
    /// (aiohmi oem/lenovo/xcc3.py; pubs.lenovo.com/xcc3-restapi insert_eject_virtual_media_patch; F31):
    /// for HTTPS images it is told not to verify, as the documented `VerifyCertificate: false`.
    /// The AMI BMC wants the protocol named (`TransferProtocolType`, Lenovo's mount script).
    public func insertPayloads(image: String) -> [JSONValue] {
        let https = image.lowercased().hasPrefix("https://")
        if isAMI { return [["Image": .string(image), "TransferProtocolType": https ? "HTTPS" : "NFS"]] }
        let base: [JSONValue] = [["Image": .string(image), "Inserted": true, "WriteProtected": true],
                                 ["Image": .string(image), "Inserted": true], ["Image": .string(image)]]
        guard generation == "XCC3", https else { return base }
        return base.map { .object(($0.objectValue ?? [:]).merging(["VerifyCertificate": false]) { $1 }) }
    }

    /// The AMI BMC mounts remote images only over HTTPS, NFS or CIFS, never plain HTTP (Lenovo's
    /// lenovo_mount_virtual_media.py `mount_virtual_media_from_cd`): the installer gives it an https:// URL by
    /// itself, and an http:// URL is refused before anything changes.
    public var requiresHTTPSMedia: Bool { isAMI }

    public func checkImageURL(_ url: String) throws {
        guard isAMI, url.lowercased().hasPrefix("http://") else { return }
        throw RedfishError.unsupported(operation: "insert",
            detail: "Lenovo's AMD servers (SR635/SR655, AMI BMC) mount remote images only over HTTPS or NFS, and \(url) is plain "
                + "HTTP: this host needs HTTPS media. vmedia install serves it HTTPS by itself unless told otherwise (drop --http, "
                + "or media_https: false from the host); by hand: vmedia serve --https, then vmedia bmc BMC insert https://…")
    }

    /// AMI: remote media is off until `#AMIVirtualMedia.EnableRMedia` switches it on (`RMediaStatus` in the Manager's
    /// `Oem.Ami.VirtualMedia`); Lenovo's mount script posts `{"RMediaState": "Enable"}` first.
    public func prepareInsert(driver: BMCDriver) async throws {
        guard isAMI, !rMediaEnabled, let enableRMedia else { return }
        try await driver.client.post(enableRMedia, ["RMediaState": "Enable"])
        if let managerURI { await driver.client.invalidate(managerURI) }
    }

    /// XCC firmware below 2.50 has no predefined EXT slots, so Redfish cannot mount a remote image there
    /// (lenovo/python-redfish-lenovo#9); with no slot at all on later firmware, the Enterprise licence is missing.
    public func advice(for error: RedfishError) -> String? {
        guard !isAMI, case .unsupported(_, let detail) = error, detail.contains("VirtualMedia") || detail.contains("slot") else { return nil }
        if !firmware.isEmpty, firmware.lexicographicallyPrecedes([2, 50]) {
            return "XCC firmware \(firmware.map(String.init).joined(separator: ".")) is older than 2.50, which has no EXT slots for "
                + "remote media (lenovo/python-redfish-lenovo#9): update the XCC firmware to 2.50 or later"
        }
        return "an XCC without EXT slots lacks the XClarity Controller Enterprise (or Advanced) licence for remote media"
    }

    // EXT slots have no InsertMedia action, so the generic driver PATCHes them; XCC wants If-Match on every
    // PATCH (428 without, ansible/ansible#56150; F14), which the client sends from the slot's own GET.
}
