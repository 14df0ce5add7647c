/// Where vmedia adds a host in vCenter (`vcenter:` in the hosts file): the server, the account, and the place in
/// the inventory. The password is a `Secret`: never printed, never in `--json`.
public struct VCenterPlan: Sendable, Equatable, Encodable {
    /// Where the host goes in the datacenter's host folder.
    public enum Placement: Sendable, Equatable, Encodable, CustomStringConvertible {
        /// `AddHost_Task` on this cluster (`DC/host/<path>`; nested clusters in folders as `Folder/Cluster`).
        case cluster(String)
        /// `AddStandaloneHost_Task` in this folder under the datacenter's host folder; "" is the host folder itself.
        case folder(String)

        public var description: String {
            switch self {
            case .cluster(let path): "cluster \(path)"
            case .folder(let path): path.isEmpty ? "the host folder" : "folder \(path)"
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }

    /// `vc1.example.com`, `10.0.0.5` or `127.0.0.9:8989`: the vSphere API at `https://<address>/sdk` (port 443
    /// unless given), or `http://…` when written with that scheme (only simulators serve plain http).
    public let address: String
    public let port: Int
    public let useTLS: Bool
    public let username: String
    public let password: Secret
    public let datacenter: String
    public let placement: Placement

    public init(address: String, port: Int, useTLS: Bool, username: String, password: Secret, datacenter: String,
                placement: Placement) {
        self.address = address
        self.port = port
        self.useTLS = useTLS
        self.username = username
        self.password = password
        self.datacenter = datacenter
        self.placement = placement
    }

    /// `https://vc1.example.com` as the user wrote it (the port only when not the scheme's own).
    public var url: String {
        let defaultPort = useTLS ? 443 : 80
        return "\(useTLS ? "https" : "http")://\(address)\(port == defaultPort ? "" : ":\(port)")"
    }

    /// The inventory path of the place (`DC0/host/Cluster1`), as `SearchIndex.FindByInventoryPath` takes it.
    public var inventoryPath: String {
        switch placement {
        case .cluster(let path): "\(datacenter)/host/\(path)"
        case .folder(let path): path.isEmpty ? "\(datacenter)/host" : "\(datacenter)/host/\(path)"
        }
    }

    private enum CodingKeys: String, CodingKey { case url, username, password, datacenter, placement }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(url, forKey: .url)
        try container.encode(username, forKey: .username)
        try container.encode(password, forKey: .password)
        try container.encode(datacenter, forKey: .datacenter)
        try container.encode(placement, forKey: .placement)
    }
}

/// What the phases after the install use that the kickstart does not carry (`ssh:` and `license_key` are the
/// kickstart's): NTP and syslog for the configure phase, vCenter for the join phase.
public struct HostSettings: Sendable, Equatable, Encodable {
    /// `ntp: [servers]`: `HostDateTimeSystem.UpdateDateTimeConfig`, then ntpd's policy `on` and started.
    public let ntpServers: [String]
    /// `syslog: udp://host:514`: the advanced option `Syslog.global.logHost`.
    public let syslog: String?
    public let vcenter: VCenterPlan?

    public init(ntpServers: [String] = [], syslog: String? = nil, vcenter: VCenterPlan? = nil) {
        self.ntpServers = ntpServers
        self.syslog = syslog
        self.vcenter = vcenter
    }

    public static let none = HostSettings()
}
