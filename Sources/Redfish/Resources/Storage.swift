/// `Storage`: one controller (or group) and its drives.
public struct Storage: Decodable, Sendable {
    public let odataID: String?
    public let id: String?
    public let name: String?
    public let drives: [ODataLink]?
    public let storageControllers: [Controller]?

    public struct Controller: Decodable, Sendable {
        public let name: String?
        public let model: String?
        enum CodingKeys: String, CodingKey { case name = "Name", model = "Model" }
    }

    enum CodingKeys: String, CodingKey {
        case odataID = "@odata.id", id = "Id", name = "Name", drives = "Drives", storageControllers = "StorageControllers"
    }
}

/// `Drive`: a physical disk with its durable identifiers (NAA, EUI-64 …) that ESXi also shows.
public struct Drive: Decodable, Sendable {
    public let odataID: String?
    public let id: String?
    public let name: String?
    public let model: String?
    public let manufacturer: String?
    public let serialNumber: String?
    public let capacityBytes: Int64?
    public let mediaType: String?
    public let driveProtocol: String?
    public let identifiers: [Identifier]?
    /// `Links.Volumes`: the logical volumes (RAID virtual disks, BOSS mirrors) this drive belongs to. The host's OS
    /// sees those volumes, not the drive.
    public let links: Links?

    public struct Links: Decodable, Sendable {
        public let volumes: [ODataLink]?
        enum CodingKeys: String, CodingKey { case volumes = "Volumes" }
    }

    public struct Identifier: Decodable, Sendable {
        public let durableName: String?
        public let durableNameFormat: String?
        enum CodingKeys: String, CodingKey { case durableName = "DurableName", durableNameFormat = "DurableNameFormat" }
    }

    enum CodingKeys: String, CodingKey {
        case odataID = "@odata.id", id = "Id", name = "Name", model = "Model", manufacturer = "Manufacturer",
             serialNumber = "SerialNumber", capacityBytes = "CapacityBytes", mediaType = "MediaType",
             driveProtocol = "Protocol", identifiers = "Identifiers", links = "Links"
    }
}

/// `SimpleStorage`: older BMCs list disks here instead of Storage/Drives.
public struct SimpleStorage: Decodable, Sendable {
    public let odataID: String?
    public let name: String?
    public let devices: [Device]?

    public struct Device: Decodable, Sendable {
        public let name: String?
        public let model: String?
        public let manufacturer: String?
        public let capacityBytes: Int64?
        enum CodingKeys: String, CodingKey { case name = "Name", model = "Model", manufacturer = "Manufacturer", capacityBytes = "CapacityBytes" }
    }

    enum CodingKeys: String, CodingKey { case odataID = "@odata.id", name = "Name", devices = "Devices" }
}
