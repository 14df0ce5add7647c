/// Supermicro X11, X12, X13 and H12/H13 boards (standard Redfish VirtualMedia, `Managers/1/VirtualMedia/CD1`).
public struct SupermicroProfile: VendorProfile {
    public let vendor = Vendor.supermicro
    public let generation: String
    /// The system's model (`SYS-620U-TNR`, `ARS-111GL-NHR`), for the boot target.
    public let model: String

    public init(system: ComputerSystem, manager: Manager?) {
        let text = [system.model, manager?.model, system.sku].compactMap { $0 }.joined(separator: " ").uppercased()
        generation = ["X13", "X12", "X11", "H13", "H12"].first { text.contains($0) } ?? "Supermicro"
        model = (system.model ?? "").uppercased()
    }

    /// Models whose virtual media boots as `Cd`, not `UsbCd` (openstack/sushy sushy/resources/system/system.py
    /// `_supermicro_models_cd_vmedia`: ARS-111GL-NHR, the Grace Hopper board; badfish agrees).
    static let cdModels: Set<String> = ["ARS-111GL-NHR"]

    /// InsertMedia accepts `Image` only: `Inserted`/`WriteProtected` → 400 "The property Inserted is not in
    /// the list of valid properties" (community.general#4839; sushy fix-insert-media-payload; F16).
    public func insertPayloads(image: String) -> [JSONValue] {
        [["Image": .string(image)]]
    }

    /// Virtual media is a USB CD on X11/X12: `Cd` boots nothing, `UsbCd` does when offered
    /// (sushy system.py `_supermicro_models_cd_vmedia`; badfish).
    public func bootTarget(allowable: [String]) -> String? {
        if Self.cdModels.contains(model), allowable.isEmpty || allowable.contains("Cd") { return "Cd" }
        return allowable.contains("UsbCd") ? "UsbCd" : (allowable.isEmpty || allowable.contains("Cd") ? "Cd" : nil)
    }

    /// Always send Enabled and re-assert the mode: the BMC may reset the mode to Legacy when the device
    /// changes (storyboard 2008547, 2008712; Ironic redfish/management.py).
    public func bootBody(target: String, system: ComputerSystem) -> JSONValue {
        ["Boot": ["BootSourceOverrideEnabled": "Once", "BootSourceOverrideTarget": .string(target),
                  "BootSourceOverrideMode": .string(system.boot?.overrideMode ?? "UEFI")]]
    }

    /// Clearing sends the mode too: a Supermicro BMC given `Disabled` without `BootSourceOverrideMode` reverts the
    /// mode to its default (Legacy), so the next boot of the installed UEFI host fails (DMTF/Redfishtool#106).
    public func clearBootBody(system: ComputerSystem) -> JSONValue {
        ["Boot": ["BootSourceOverrideEnabled": "Disabled", "BootSourceOverrideTarget": "None",
                  "BootSourceOverrideMode": .string(system.boot?.overrideMode ?? "UEFI")]]
    }

    /// Virtual media over Redfish is licensed on Supermicro: without a node product key the BMC answers 403
    /// `OemLicenseNotPassed` (MessageArgs name the key; abyss and other exporters' notes on X11; fakefish), the
    /// keys being SFT-DCMS-SVC-KEY or SFT-OOB-LIC / SFT-DCMS-SINGLE (redfish-vendors.md §7).
    public func advice(for error: RedfishError) -> String? {
        guard error.messageKeys.contains("OemLicenseNotPassed") || error.bmcText.localizedCaseInsensitiveContains("licen") else { return nil }
        let named = Self.licenceNames(in: error.bmcText)
        return "this Supermicro BMC needs a licence for virtual media over Redfish: activate "
            + (named.isEmpty ? "an SFT-DCMS-SVC-KEY or SFT-OOB-LIC (SFT-DCMS-SINGLE)" : named.joined(separator: " or "))
            + " node product key (BMC web interface: Maintenance > Licence, or Supermicro SUM -c ActivateProductKey), then retry"
    }

    /// `SFT-…` licence names the BMC mentions, in order, without repeats.
    static func licenceNames(in text: String) -> [String] {
        var names: [String] = []
        for word in text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") }) where word.hasPrefix("SFT-") {
            if !names.contains(String(word)) { names.append(String(word)) }
        }
        return names
    }

    // After an eject `ImageName` stays set; `ConnectedVia: NotConnected` is the reliable empty signal
    // (community.general#6969; F17): `VirtualMedia.isOccupied` honours it for every vendor.
}
