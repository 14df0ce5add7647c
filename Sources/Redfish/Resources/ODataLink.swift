/// A reference to another resource: `{"@odata.id": "/redfish/v1/..."}`.
public struct ODataLink: Codable, Sendable, Hashable {
    public let id: String
    enum CodingKeys: String, CodingKey { case id = "@odata.id" }
    public init(_ id: String) { self.id = id }
}

/// Any resource collection: only its members matter here.
public struct ResourceCollection: Decodable, Sendable {
    public let members: [ODataLink]
    enum CodingKeys: String, CodingKey { case members = "Members" }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        members = try c.decodeIfPresent([ODataLink].self, forKey: .members) ?? []
    }
}
