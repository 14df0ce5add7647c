/// Supermicro X11, X12, X13 and H12/H13 boards (standard Redfish VirtualMedia, `Managers/1/VirtualMedia/CD1`).
public struct SupermicroProfile: VendorProfile {
    public let vendor = Vendor.supermicro
    public let generation: String

    public init(system: ComputerSystem, manager: Manager?) {
        let text = [system.model, manager?.model, system.sku].compactMap { $0 }.joined(separator: " ").uppercased()
        generation = ["X13", "X12", "X11", "H13", "H12"].first { text.contains($0) } ?? "Supermicro"
    }

    /// InsertMedia accepts `Image` only: `Inserted`/`WriteProtected` → 400 "The property Inserted is not in
    /// the list of valid properties" (community.general#4839; sushy fix-insert-media-payload; F16).
    public func insertPayloads(image: String) -> [JSONValue] {
        [["Image": .string(image)]]
    }

    /// Virtual media is a USB CD on X11/X12: `Cd` boots nothing, `UsbCd` does when offered
    /// (sushy system.py `_supermicro_models_cd_vmedia`; badfish).
    public func bootTarget(allowable: [String]) -> String? {
        allowable.contains("UsbCd") ? "UsbCd" : (allowable.isEmpty || allowable.contains("Cd") ? "Cd" : nil)
    }

    /// Always send Enabled and re-assert the mode: the BMC may reset the mode to Legacy when the device
    /// changes (storyboard 2008547, 2008712; Ironic redfish/management.py).
    public func bootBody(target: String, system: ComputerSystem) -> JSONValue {
        ["Boot": ["BootSourceOverrideEnabled": "Once", "BootSourceOverrideTarget": .string(target),
                  "BootSourceOverrideMode": .string(system.boot?.overrideMode ?? "UEFI")]]
    }

    // After an eject `ImageName` stays set; `ConnectedVia: NotConnected` is the reliable empty signal
    // (community.general#6969; F17): `VirtualMedia.isOccupied` honours it for every vendor.
}
