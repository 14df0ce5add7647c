import Primitives

/// Where a BMC's Redfish service is, from a hosts file's `ipmi.address` or `--bmc`: `host`, `host:port` or
/// `http(s)://host[:port]` (default https: the old tool's config had bare IPs, and Redfish is HTTPS on 443).
/// IPv6 literals go in brackets (`[fd00::1]:8443`); a trailing `/` or `/redfish/v1` is tolerated, since that is what
/// people paste from a browser. Host names are lower-cased and checked against RFC 1123, IPv4 addresses are strict
/// dotted quads.
public struct BMCAddress: Sendable, Hashable, CustomStringConvertible, Encodable {
    public enum Scheme: String, Sendable, Hashable, Encodable {
        case https, http
        public var defaultPort: Int { self == .https ? 443 : 80 }
    }

    public let scheme: Scheme
    /// An IPv4 or IPv6 address (without brackets) or a DNS name, lower-cased.
    public let host: String
    /// The port requests go to: the written one, else the scheme's default.
    public let port: Int
    /// Whether the address named its port (then `url` shows it).
    public let portWasWritten: Bool

    public var isHTTPS: Bool { scheme == .https }
    /// The host as it goes in a URL: IPv6 in brackets.
    public var urlHost: String { host.contains(":") ? "[\(host)]" : host }
    /// `https://10.172.70.186` or `https://bmc1.example.net:8443`: the address as written (normalised), for reports.
    public var url: String { "\(scheme.rawValue)://\(urlHost)" + (portWasWritten ? ":\(port)" : "") }
    /// `https://host:port` (no trailing slash); request URIs are appended to it.
    public var baseURL: String { "\(scheme.rawValue)://\(urlHost):\(port)" }
    /// `host:port` (IPv6 in brackets), the key of the known-BMCs file.
    public var endpoint: String { "\(urlHost):\(port)" }
    /// Two spellings of one BMC (`10.0.0.5`, `https://10.0.0.5:443`) compare equal here, for the duplicate check.
    public var identity: String { "\(scheme.rawValue)://\(endpoint)" }
    public var description: String { url }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(url)
    }

    /// Parses `text`, or throws `RedfishError.invalidAddress` with what is wrong and the accepted forms.
    public init(_ text: String) throws {
        switch Self.parse(text) {
        case .success(let address): self = address
        case .failure(let problem): throw RedfishError.invalidAddress(text, reason: "\(problem.message); \(problem.fix)")
        }
    }

    private init(scheme: Scheme, host: String, port: Int?) {
        self.scheme = scheme
        self.host = host
        self.port = port ?? scheme.defaultPort
        self.portWasWritten = port != nil
    }

    /// Parses the accepted address forms, or explains what is wrong and how to write it.
    public static func parse(_ text: String) -> Result<BMCAddress, BMCAddressProblem> {
        func problem(_ message: String, _ fix: String) -> Result<BMCAddress, BMCAddressProblem> {
            .failure(BMCAddressProblem(message: "BMC address '\(text)' \(message)", fix: fix))
        }
        var rest = Substring(text.trimmingWhitespace())
        guard !rest.isEmpty else { return problem("is empty", "write the BMC's IP address or DNS name") }
        var scheme = Scheme.https
        if let range = rest.range(of: "://") {
            let name = rest[..<range.lowerBound].lowercased()
            guard let parsed = Scheme(rawValue: name) else {
                return problem("has scheme '\(name)'; Redfish runs over https (or http)", "write https://HOST[:PORT], HOST:PORT or just HOST")
            }
            scheme = parsed
            rest = rest[range.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") {
            guard ["/", "/redfish/v1", "/redfish/v1/"].contains(rest[slash...]) else {
                return problem("has a path, query or user part", "give only the host and optional port; vmedia finds /redfish/v1 itself")
            }
            rest = rest[..<slash]
        }
        if rest.contains("@") || rest.contains("?") {
            return problem("has a path, query or user part", "give only the host and optional port; vmedia finds /redfish/v1 itself")
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                return problem("has an unclosed '['", "write IPv6 addresses in brackets, e.g. [fd00::1]:443")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return problem("has text after ']'", "write [IPV6] or [IPV6]:PORT") }
                portText = after.dropFirst()
            }
            guard host.contains(":"), host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return problem("has '\(host)' in brackets, which is not an IPv6 address", "brackets are only for IPv6 addresses, e.g. [fd00::1]")
            }
        } else if rest.filter({ $0 == ":" }).count > 1 {
            return problem("looks like IPv6 without brackets", "write IPv6 addresses in brackets, e.g. [fd00::1] or [fd00::1]:443")
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        var port: Int?
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                return problem("has an invalid port", "use a port number from 1 to 65535, e.g. 10.0.0.5:8443")
            }
            port = value
        }
        let name = host.lowercased()
        if name.isEmpty { return problem("has no host", "write the BMC's IP address or DNS name") }
        if !name.contains(":") {
            if name.allSatisfy({ $0.isNumber || $0 == "." }) {
                guard IPv4Address(name) != nil else {
                    return problem("is not a valid IPv4 address", "write four decimal numbers 0-255 without leading zeros, like 10.172.70.186")
                }
            } else if let reason = HostName.problem(name) {
                return .failure(BMCAddressProblem(message: "BMC address '\(text)': \(reason)", fix: "write the BMC's IP address or a valid DNS name"))
            }
        }
        return .success(BMCAddress(scheme: scheme, host: name, port: port))
    }
}

/// Why a BMC address cannot be used, and how to write it instead.
public struct BMCAddressProblem: Error, Sendable, Equatable {
    public let message: String
    public let fix: String
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return Substring(scalars[first...last])
    }
}
