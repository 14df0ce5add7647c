/// Lenovo XClarity Controller: XCC, XCC2, XCC3.
public struct LenovoProfile: VendorProfile {
    public let vendor = Vendor.lenovo
    public let generation: String

    public init(manager: Manager?) {
        let model = (manager?.model ?? "").uppercased()
        if model.contains("XCC3") || model.hasSuffix("CONTROLLER 3") { generation = "XCC3" }
        else if model.contains("XCC2") || model.hasSuffix("CONTROLLER 2") { generation = "XCC2" }
        else { generation = "XCC" }
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
    public func insertPayloads(image: String) -> [JSONValue] {
        let base: [JSONValue] = [["Image": .string(image), "Inserted": true, "WriteProtected": true],
                                 ["Image": .string(image), "Inserted": true], ["Image": .string(image)]]
        guard generation == "XCC3", image.lowercased().hasPrefix("https://") else { return base }
        return base.map { .object(($0.objectValue ?? [:]).merging(["VerifyCertificate": false]) { $1 }) }
    }

    // EXT slots have no InsertMedia action, so the generic driver PATCHes them; XCC wants If-Match on every
    // PATCH (428 without, ansible/ansible#56150; F14), which the client sends from the slot's own GET.
}
