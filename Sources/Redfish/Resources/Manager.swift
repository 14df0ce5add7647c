/// `Manager`: the BMC itself (model and firmware tell the generation), and its virtual media on older firmware.
public struct Manager: Decodable, Sendable {
    public let odataID: String?
    public let id: String?
    public let model: String?
    public let firmwareVersion: String?
    public let managerType: String?
    public let virtualMedia: ODataLink?
    public let actions: Actions?
    public let oem: JSONValue?

    enum CodingKeys: String, CodingKey {
        case odataID = "@odata.id", id = "Id", model = "Model", firmwareVersion = "FirmwareVersion",
             managerType = "ManagerType", virtualMedia = "VirtualMedia", actions = "Actions", oem = "Oem"
    }
}
