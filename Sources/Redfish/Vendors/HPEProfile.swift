/// HPE iLO 4 (Gen9), iLO 5 (Gen10), iLO 6 (Gen11), iLO 7 (Gen12).
public struct HPEProfile: VendorProfile {
    public let vendor = Vendor.hpe
    public let generation: String

    public init(manager: Manager?) {
        let model = manager?.model ?? ""
        generation = model.lowercased().hasPrefix("ilo") ? model : "iLO"
    }

    /// The iLO number from the Manager `Model` ("iLO 6" → 6), 0 when unknown.
    var iLO: Int { Int(generation.filter(\.isNumber)) ?? 0 }

    /// iLO boots the virtual CD reliably through the slot's own `BootOnNextServerReset` ("server will boot to
    /// this image on the next server reboot", HPE iLO 5 resource definitions; HPE's mount_virtual_media_iso.py
    /// sets it in a PATCH right after InsertMedia). The standard Boot PATCH follows as belt and braces.
    /// iLO 4 (Gen9) spells the OEM key `Hp`.
    public func prepareBoot(slot: VirtualMedia?, driver: BMCDriver) async throws {
        guard let slot, let uri = slot.odataID else { return }
        try await driver.client.patch(uri, ["Oem": .object([Self.oemKey(slot): ["BootOnNextServerReset": true]])])
    }

    static func oemKey(_ slot: VirtualMedia) -> String {
        slot.oem?["Hp"] != nil && slot.oem?["Hpe"] == nil ? "Hp" : "Hpe"
    }

    /// iLO 6 (Gen11) answers `UnsupportedOperation` to every BootSourceOverride PATCH, even `Pxe` (dsx-ai-factory/
    /// libredfish PR #76, DL380a Gen11 with iLO 6 1.58 and 1.72; ironcore-dev/metal-operator#606 shows the
    /// `iLO.2.30.UnsupportedOperation` answer), while the slot's `BootOnNextServerReset` works: there that flag
    /// alone is the one-time boot. The refusal is probed, not assumed from the generation, so an iLO 6 firmware that
    /// takes the PATCH still gets both.
    public var hasOEMBootOnceFallback: Bool { true }

    /// Re-reads the slot holding our image and requires `BootOnNextServerReset: true` (set again if a reset cleared it).
    public func setOEMBootOnce(driver: BMCDriver) async throws {
        let slots = try await driver.mediaSlots()
        guard let slot = slots.first(where: { $0.isOpticalDrive && $0.isOccupied }), let uri = slot.odataID else {
            throw RedfishError.unsupported(operation: "boot-once cd", detail: "the Boot PATCH was refused and no virtual CD holds an image to boot on the next reset")
        }
        let key = Self.oemKey(slot)
        if slot.oem?[key]?["BootOnNextServerReset"] != .bool(true) {
            try await driver.client.patch(uri, ["Oem": .object([key: ["BootOnNextServerReset": true]])])
        }
        let reread = try await driver.client.get(uri, as: VirtualMedia.self)
        guard reread.oem?[key]?["BootOnNextServerReset"] == .bool(true) else {
            throw RedfishError.verificationFailed(operation: "boot-once cd", uri: uri, expected: "Oem.\(key).BootOnNextServerReset true",
                                                  found: reread.oem?[key]?["BootOnNextServerReset"].map { "\($0)" } ?? "no BootOnNextServerReset")
        }
        driver.logger.notice("\(generation) refused the Boot PATCH; \(uri) boots on the next reset (Oem.\(key).BootOnNextServerReset)")
    }

    /// iLO 7 (Gen12) mounts only HTTPS images (tinkerbell/tinkerbell#304, citing HPE's iLO 7 documentation): the
    /// installer gives it an https:// URL by itself, and an http:// URL is refused before anything changes on the BMC.
    public var requiresHTTPSMedia: Bool { iLO >= 7 }

    public func checkImageURL(_ url: String) throws {
        guard requiresHTTPSMedia, !url.lowercased().hasPrefix("https://") else { return }
        throw RedfishError.unsupported(operation: "insert",
            detail: "\(generation) (HPE Gen12) mounts virtual media only from https:// URLs (tinkerbell/tinkerbell#304, HPE iLO 7 "
                + "documentation), and \(url) is plain HTTP: this host needs HTTPS media. "
                + "vmedia install serves it HTTPS by itself unless told otherwise (drop --http, or media_https: false from the host); "
                + "by hand: vmedia serve --https, then vmedia bmc BMC insert https://…")
    }

    // Generic behaviour that iLO needs and every BMC gets: eject with a `{}` body (empty POST → 415, sushy
    // fix-eject-media-empty-dict; F22), eject only occupied slots (empty eject errors, bmclib#410), the
    // payload ladder down to `{Image}` (iLO 4 PropertyUnknown Inserted; F25), the eject PATCH without `Inserted`
    // and the `Oem.Hp` eject action where iLO 4 has no standard EjectMedia (BMCDriver.eject), `On` skipped when
    // already On (InvalidOperationForSystemState; F23), boot PATCH retried during POST (UnableToModifyDuringSystemPOST;
    // F24), and 200 answers with an `error` envelope taken as success (the status is authoritative).
}
