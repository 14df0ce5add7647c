/// `ComputerSystem`: power, boot override, reset action, and links to media, storage and NICs.
public struct ComputerSystem: Decodable, Sendable {
    public let odataID: String?
    public let etag: String?
    public let id: String?
    public let manufacturer: String?
    public let model: String?
    public let serialNumber: String?
    public let sku: String?
    public let powerState: String?
    public let boot: Boot?
    public let bootProgress: BootProgress?
    public let actions: Actions?
    public let virtualMedia: ODataLink?
    public let storage: ODataLink?
    public let simpleStorage: ODataLink?
    public let ethernetInterfaces: ODataLink?
    public let networkInterfaces: ODataLink?
    /// `SecureBoot` link (Redfish ComputerSystem ≥ 1.1).
    public let secureBoot: ODataLink?
    public let links: Links?
    public let settings: Settings?
    public let oem: JSONValue?

    public struct Boot: Decodable, Sendable {
        public let overrideEnabled: String?
        public let overrideTarget: String?
        public let overrideMode: String?
        public let allowableTargets: [String]?
        public let allowableEnabled: [String]?
        enum CodingKeys: String, CodingKey {
            case overrideEnabled = "BootSourceOverrideEnabled", overrideTarget = "BootSourceOverrideTarget",
                 overrideMode = "BootSourceOverrideMode",
                 allowableTargets = "BootSourceOverrideTarget@Redfish.AllowableValues",
                 allowableEnabled = "BootSourceOverrideEnabled@Redfish.AllowableValues"
        }
    }

    public struct BootProgress: Decodable, Sendable {
        public let lastState: String?
        public let oemLastState: String?
        enum CodingKeys: String, CodingKey { case lastState = "LastState", oemLastState = "OemLastState" }
    }

    public struct Links: Decodable, Sendable {
        public let managedBy: [ODataLink]?
        enum CodingKeys: String, CodingKey { case managedBy = "ManagedBy" }
    }

    /// `@Redfish.Settings`: where pending changes go (iDRAC10 takes the boot override only there).
    public struct Settings: Decodable, Sendable {
        public let settingsObject: ODataLink?
        enum CodingKeys: String, CodingKey { case settingsObject = "SettingsObject" }
    }

    enum CodingKeys: String, CodingKey {
        case odataID = "@odata.id", etag = "@odata.etag", id = "Id", manufacturer = "Manufacturer", model = "Model",
             serialNumber = "SerialNumber", sku = "SKU", powerState = "PowerState", boot = "Boot",
             bootProgress = "BootProgress", actions = "Actions", virtualMedia = "VirtualMedia", storage = "Storage",
             simpleStorage = "SimpleStorage", ethernetInterfaces = "EthernetInterfaces",
             networkInterfaces = "NetworkInterfaces", secureBoot = "SecureBoot", links = "Links", settings = "@Redfish.Settings", oem = "Oem"
    }

    public var resetAction: RedfishAction? { actions?["#ComputerSystem.Reset"] }
}
