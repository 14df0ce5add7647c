/// HPE iLO 5 and iLO 6 (and iLO 4 where it behaves the same).
public struct HPEProfile: VendorProfile {
    public let vendor = Vendor.hpe
    public let generation: String

    public init(manager: Manager?) {
        let model = manager?.model ?? ""
        generation = model.lowercased().hasPrefix("ilo") ? model : "iLO"
    }

    /// iLO boots the virtual CD reliably through the slot's own `BootOnNextServerReset` ("server will boot to
    /// this image on the next server reboot", HPE iLO 5 resource definitions; HPE's mount_virtual_media_iso.py
    /// sets it in a PATCH right after InsertMedia). The standard Boot PATCH follows as belt and braces.
    /// iLO 4 (Gen9) spells the OEM key `Hp`.
    public func prepareBoot(slot: VirtualMedia?, driver: BMCDriver) async throws {
        guard let slot, let uri = slot.odataID else { return }
        let key = slot.oem?["Hp"] != nil && slot.oem?["Hpe"] == nil ? "Hp" : "Hpe"
        try await driver.client.patch(uri, ["Oem": .object([key: ["BootOnNextServerReset": true]])])
    }

    // Generic behaviour that iLO needs and every BMC gets: eject with a `{}` body (empty POST → 415, sushy
    // fix-eject-media-empty-dict; F22), eject only occupied slots (empty eject errors, bmclib#410), the
    // payload ladder down to `{Image}` (iLO 4 PropertyUnknown Inserted; F25), `On` skipped when already On
    // (InvalidOperationForSystemState; F23), boot PATCH retried during POST (UnableToModifyDuringSystemPOST; F24),
    // and 200 answers with an `error` envelope taken as success (the status is authoritative).
}
