/// `GET /redfish/v1/` (readable without credentials): the entry points and who made the service.
public struct ServiceRoot: Decodable, Sendable {
    public let redfishVersion: String?
    public let vendor: String?
    public let product: String?
    public let uuid: String?
    public let systems: ODataLink?
    public let managers: ODataLink?
    public let sessionService: ODataLink?
    public let links: Links?
    public let oem: [String: JSONValue]?

    public struct Links: Decodable, Sendable {
        public let sessions: ODataLink?
        enum CodingKeys: String, CodingKey { case sessions = "Sessions" }
    }

    enum CodingKeys: String, CodingKey {
        case redfishVersion = "RedfishVersion", vendor = "Vendor", product = "Product", uuid = "UUID",
             systems = "Systems", managers = "Managers", sessionService = "SessionService", links = "Links", oem = "Oem"
    }

    /// Where to POST credentials for a session: `Links.Sessions`, else the DMTF default path when a
    /// SessionService is advertised.
    public var sessionsURI: String? {
        if let sessions = links?.sessions?.id { return sessions }
        if sessionService != nil { return "/redfish/v1/SessionService/Sessions" }
        return nil
    }
}
