import Primitives

/// The kickstart `network` command for the management interface, and the value types it is made of.
///
/// `network --bootproto=static --ip=… --netmask=… --gateway=… --nameserver=a,b --hostname=… --device=… [--vlanid=N]`
/// (VMware "Installation and Upgrade Script Commands"). Every field is typed so that a value that reaches the
/// renderer has already been checked; `problems` holds the checks that need several fields at once.
public struct KickstartNetwork: Sendable, Equatable {
    public let address: IPv4Address
    public let netmask: IPv4Netmask
    public let gateway: IPv4Address
    /// In the order the installer should try them (at most two: the installer ignores the rest); the old tool's
    /// default was the gateway alone.
    public let nameservers: [IPv4Address]
    public let hostname: String
    public let device: NetworkDevice
    /// 802.1Q VLAN of the management port group (1...4094), nil for untagged.
    public let vlanID: Int?

    public init(address: IPv4Address, netmask: IPv4Netmask, gateway: IPv4Address, nameservers: [IPv4Address]? = nil,
                hostname: String? = nil, device: NetworkDevice, vlanID: Int? = nil) {
        self.address = address
        self.netmask = netmask
        self.gateway = gateway
        self.nameservers = nameservers ?? [gateway]
        self.hostname = hostname ?? KickstartNetwork.defaultHostname(for: address)
        self.device = device
        self.vlanID = vlanID
    }

    /// `esxi-10-172-69-86` for 10.172.69.86: what the old tool used when a host had no hostname.
    public static func defaultHostname(for address: IPv4Address) -> String {
        "esxi-" + address.octets.map(String.init).joined(separator: "-")
    }

    /// Checks that involve several fields (each field alone is already valid by its type). Empty when fine.
    public var problems: [KickstartProblem] {
        var found: [KickstartProblem] = []
        if !netmask.contains(gateway, sameSubnetAs: address) {
            found.append(KickstartProblem(field: .gateway,
                message: "gateway \(gateway) is outside the subnet \(netmask.network(of: address))/\(netmask.prefixLength) of address \(address)",
                fix: "use a gateway inside \(netmask.network(of: address))/\(netmask.prefixLength), or correct the netmask"))
        }
        if netmask.prefixLength <= 30 {
            if address == netmask.network(of: address) {
                found.append(KickstartProblem(field: .address,
                    message: "address \(address) is the network address of \(address)/\(netmask.prefixLength)",
                    fix: "use a host address between \(netmask.firstHost(of: address)) and \(netmask.lastHost(of: address))"))
            } else if address == netmask.broadcast(of: address) {
                found.append(KickstartProblem(field: .address,
                    message: "address \(address) is the broadcast address of \(netmask.network(of: address))/\(netmask.prefixLength)",
                    fix: "use a host address between \(netmask.firstHost(of: address)) and \(netmask.lastHost(of: address))"))
            }
        }
        for (field, name, value) in [(KickstartProblem.Field.address, "address", address), (.gateway, "gateway", gateway)] {
            if let kind = value.specialPurpose {
                found.append(KickstartProblem(field: field, kind: value.isLoopback ? .loopbackAddress : .invalid,
                                              message: "\(name) \(value) is a \(kind) address, not one a host or router can have",
                                              fix: "use the unicast address of the \(name == "address" ? "ESXi management interface" : "router")"))
            }
        }
        if netmask.prefixLength <= 30, gateway != address, netmask.contains(gateway, sameSubnetAs: address),
           gateway == netmask.network(of: address) || gateway == netmask.broadcast(of: address) {
            found.append(KickstartProblem(field: .gateway,
                message: "gateway \(gateway) is the \(gateway == netmask.network(of: address) ? "network" : "broadcast") address of \(netmask.network(of: address))/\(netmask.prefixLength)",
                fix: "set the router's address, usually \(netmask.firstHost(of: address))"))
        }
        if gateway == address {
            found.append(KickstartProblem(field: .gateway, message: "gateway \(gateway) is the host's own address",
                                          fix: "set the router's address as gateway"))
        }
        if let problem = HostName.problem(hostname) {
            found.append(KickstartProblem(field: .hostname, message: problem, fix: "use letters, digits and '-' in dot-separated labels of at most 63 characters, e.g. esxi-69-86"))
        }
        if let vlanID, !(1...4094).contains(vlanID) {
            found.append(KickstartProblem(field: .vlanID, message: "VLAN id \(vlanID) is outside 1...4094",
                                          fix: "use the 802.1Q id of the management VLAN, or leave vlanid out for untagged"))
        }
        if nameservers.count > 2 {
            // weasel's doNetwork keeps nameserver[0] and nameserver[1] and drops the rest without a word.
            found.append(KickstartProblem(field: .nameservers, message: "\(nameservers.count) name servers given; the ESXi installer uses only the first two",
                                          fix: "list at most two name servers (add more after the install with esxcli network ip dns server add)"))
        }
        if nameservers.isEmpty {
            found.append(KickstartProblem(field: .nameservers, message: "the name server list is empty",
                                          fix: "list at least one name server, or leave the key out to use the gateway"))
        }
        return found
    }
}

/// A contiguous IPv4 netmask (ones then zeros), written as a dotted quad like the old tool's config.
public struct IPv4Netmask: Sendable, Hashable, CustomStringConvertible {
    public let prefixLength: Int
    public var value: UInt32 { prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength) }

    public init?(prefixLength: Int) {
        guard (0...32).contains(prefixLength) else { return nil }
        self.prefixLength = prefixLength
    }

    /// nil when `address` is a valid IPv4 address but not a contiguous mask (such as 255.0.255.0).
    public init?(_ address: IPv4Address) {
        let ones = address.value.leadingZeroBitCount == 0 ? (~address.value).leadingZeroBitCount : 0
        guard IPv4Netmask(prefixLength: ones)?.value == address.value else { return nil }
        self.prefixLength = ones
    }

    public var description: String { IPv4Address(value: value).description }
    public func network(of address: IPv4Address) -> IPv4Address { IPv4Address(value: address.value & value) }
    public func broadcast(of address: IPv4Address) -> IPv4Address { IPv4Address(value: address.value | ~value) }
    public func firstHost(of address: IPv4Address) -> IPv4Address { IPv4Address(value: network(of: address).value &+ 1) }
    public func lastHost(of address: IPv4Address) -> IPv4Address { IPv4Address(value: broadcast(of: address).value &- 1) }
    public func contains(_ other: IPv4Address, sameSubnetAs address: IPv4Address) -> Bool {
        other.value & value == address.value & value
    }
}

/// A 48-bit Ethernet address written `AA:BB:CC:DD:EE:FF` (also accepts `-` separators). Rendered upper case as
/// the old tool did; weasel compares `--device=` MACs lower-cased with `:` separators, so either case installs
/// (iso9660-esxi.md §7).
public struct MACAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(_ text: String) {
        let parts = text.split(separator: text.contains("-") ? "-" : ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard part.count == 2, let byte = UInt8(part, radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}

/// The management NIC: an ESXi device name `vmnicN` or the NIC's MAC address.
public enum NetworkDevice: Sendable, Hashable, CustomStringConvertible {
    case vmnic(Int)
    case mac(MACAddress)

    /// Accepts `vmnic4` (any case, as the old tool's config did: it upper-cased then restored `vmnic`) or a MAC.
    public init?(_ text: String) {
        let lower = text.lowercased()
        if lower.hasPrefix("vmnic") {
            let digits = lower.dropFirst(5)
            guard (1...3).contains(digits.count), digits.utf8.allSatisfy({ (48...57).contains($0) }),
                  digits.count == 1 || digits.first != "0", let n = Int(digits) else { return nil }
            self = .vmnic(n)
        } else if let mac = MACAddress(text) {
            self = .mac(mac)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .vmnic(let n): "vmnic\(n)"
        case .mac(let mac): mac.description
        }
    }
}
