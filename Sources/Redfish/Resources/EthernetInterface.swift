/// `EthernetInterface` of a system: one host NIC port as the BMC sees it.
public struct EthernetInterface: Decodable, Sendable {
    public let odataID: String?
    public let id: String?
    public let name: String?
    public let macAddress: String?
    public let permanentMACAddress: String?
    public let linkStatus: String?
    public let speedMbps: Int?
    public let interfaceEnabled: Bool?

    enum CodingKeys: String, CodingKey {
        case odataID = "@odata.id", id = "Id", name = "Name", macAddress = "MACAddress",
             permanentMACAddress = "PermanentMACAddress", linkStatus = "LinkStatus", speedMbps = "SpeedMbps",
             interfaceEnabled = "InterfaceEnabled"
    }
}

/// `NetworkAdapter` (Chassis) with its `Ports`/`NetworkPorts` links: where link state lives on some BMCs.
public struct NetworkAdapter: Decodable, Sendable {
    public let odataID: String?
    public let id: String?
    public let model: String?
    public let manufacturer: String?
    public let ports: ODataLink?
    public let networkPorts: ODataLink?

    enum CodingKeys: String, CodingKey {
        case odataID = "@odata.id", id = "Id", model = "Model", manufacturer = "Manufacturer", ports = "Ports",
             networkPorts = "NetworkPorts"
    }
}

/// `Port` (or the older `NetworkPort`) of a NetworkAdapter.
public struct NetworkPort: Decodable, Sendable {
    public let id: String?
    public let linkStatus: String?
    public let currentSpeedGbps: Double?
    public let macAddresses: [String]?

    enum CodingKeys: String, CodingKey {
        case id = "Id", linkStatus = "LinkStatus", currentSpeedGbps = "CurrentSpeedGbps",
             macAddresses = "AssociatedNetworkAddresses"
    }
}
