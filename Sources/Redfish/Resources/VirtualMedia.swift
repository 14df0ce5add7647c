/// `VirtualMedia`: one virtual drive slot of the BMC.
public struct VirtualMedia: Decodable, Sendable {
    public let odataID: String?
    public let etag: String?
    public let id: String?
    public let name: String?
    public let mediaTypes: [String]?
    public let image: String?
    public let imageName: String?
    public let inserted: Bool?
    public let writeProtected: Bool?
    public let connectedVia: String?
    public let transferProtocolType: String?
    public let actions: Actions?
    public let oem: JSONValue?

    enum CodingKeys: String, CodingKey {
        case odataID = "@odata.id", etag = "@odata.etag", id = "Id", name = "Name", mediaTypes = "MediaTypes",
             image = "Image", imageName = "ImageName", inserted = "Inserted", writeProtected = "WriteProtected",
             connectedVia = "ConnectedVia", transferProtocolType = "TransferProtocolType", actions = "Actions", oem = "Oem"
    }

    public var insertAction: RedfishAction? { actions?["#VirtualMedia.InsertMedia"] }
    public var ejectAction: RedfishAction? { actions?["#VirtualMedia.EjectMedia"] }
    /// HPE's own eject (`#HpiLOVirtualMedia.EjectVirtualMedia` on iLO 4, `#HpeiLOVirtualMedia…` later), listed under
    /// `Actions.Oem` or, as iLO does, under `Oem.Hp.Actions` / `Oem.Hpe.Actions`.
    public var oemEjectTarget: String? {
        if let target = actions?.oem(endingIn: "EjectVirtualMedia")?.target { return target }
        for key in ["Hp", "Hpe"] {
            guard let listed = oem?[key]?["Actions"]?.objectValue else { continue }
            if let name = listed.keys.sorted().first(where: { $0.hasSuffix(".EjectVirtualMedia") }) { return listed[name]?["target"]?.stringValue }
        }
        return nil
    }

    public var isOpticalDrive: Bool { (mediaTypes ?? []).contains { $0 == "CD" || $0 == "DVD" } }

    /// Occupied: `Inserted`, or an `Image` set, unless `ConnectedVia` says `NotConnected` (the only reliable
    /// signal on Supermicro, which leaves `ImageName` behind after an eject).
    public var isOccupied: Bool {
        if connectedVia == "NotConnected" { return false }
        if inserted == true { return true }
        if let image, !image.isEmpty { return true }
        return false
    }
}
