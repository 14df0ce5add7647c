import ESXi
import Primitives

/// A BMC's Redfish service: scheme, host and port, from the hosts file's `ipmi.address`, which may be `host`,
/// `host:port` or `http(s)://host[:port]` (the old tool's config had bare IPs; Redfish is HTTPS on 443 then).
///
/// Defined here until the Redfish target's own endpoint type is merged; it carries no behaviour beyond parsing.
public struct BMCEndpoint: Sendable, Hashable, CustomStringConvertible, Encodable {
    public enum Scheme: String, Sendable, Hashable, Encodable {
        case https, http
        public var defaultPort: Int { self == .https ? 443 : 80 }
    }

    public let scheme: Scheme
    /// An IPv4 address or DNS name, lower-cased.
    public let host: String
    /// nil when the address gave none (the scheme's default applies).
    public let port: Int?

    public var effectivePort: Int { port ?? scheme.defaultPort }

    /// `https://10.172.70.186` or `https://bmc1.example.net:8443`: the Redfish base URL without a path.
    public var url: String { "\(scheme.rawValue)://\(host)" + (port.map { ":\($0)" } ?? "") }
    public var description: String { url }

    /// Parses the accepted address forms, or explains what is wrong.
    public static func parse(_ text: String) -> Result<BMCEndpoint, BMCAddressProblem> {
        var rest = Substring(text)
        var scheme = Scheme.https
        if let range = rest.range(of: "://") {
            let name = rest[..<range.lowerBound].lowercased()
            guard let parsed = Scheme(rawValue: name) else {
                return .failure(BMCAddressProblem(message: "BMC address '\(text)' has scheme '\(name)'; Redfish runs over https (or http)",
                                                  fix: "write https://HOST[:PORT], HOST:PORT or just HOST"))
            }
            scheme = parsed
            rest = rest[range.upperBound...]
            if rest.hasSuffix("/") { rest = rest.dropLast() }
        }
        if rest.contains("/") || rest.contains("@") || rest.contains("?") {
            return .failure(BMCAddressProblem(message: "BMC address '\(text)' has a path, query or user part",
                                              fix: "give only the host and optional port; vmedia finds /redfish/v1 itself"))
        }
        if rest.filter({ $0 == ":" }).count > 1 || rest.hasPrefix("[") {
            return .failure(BMCAddressProblem(message: "BMC address '\(text)' looks like IPv6, which vmedia does not handle yet",
                                              fix: "use the BMC's IPv4 address or a DNS name"))
        }
        var host = String(rest)
        var port: Int?
        if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let value = Int(rest[rest.index(after: colon)...]), (1...65535).contains(value) else {
                return .failure(BMCAddressProblem(message: "BMC address '\(text)' has an invalid port",
                                                  fix: "use a port number from 1 to 65535, e.g. 10.0.0.5:8443"))
            }
            port = value
        }
        host = host.lowercased()
        if host.isEmpty {
            return .failure(BMCAddressProblem(message: "BMC address '\(text)' has no host", fix: "write the BMC's IP address or DNS name"))
        }
        let looksNumeric = host.allSatisfy { $0.isNumber || $0 == "." }
        if looksNumeric {
            guard IPv4Address(host) != nil else {
                return .failure(BMCAddressProblem(message: "BMC address '\(text)' is not a valid IPv4 address",
                                                  fix: "write four decimal numbers 0-255 without leading zeros, like 10.172.70.186"))
            }
        } else if let problem = HostName.problem(host) {
            return .failure(BMCAddressProblem(message: "BMC address '\(text)': \(problem)", fix: "write the BMC's IP address or a valid DNS name"))
        }
        return .success(BMCEndpoint(scheme: scheme, host: host, port: port))
    }

    /// Two spellings of one BMC (`10.0.0.5`, `https://10.0.0.5:443`) compare equal here, for the duplicate check.
    public var identity: String { "\(scheme.rawValue)://\(host):\(effectivePort)" }
}

public struct BMCAddressProblem: Error, Sendable, Equatable {
    public let message: String
    public let fix: String
}

/// The BMC vendors whose Redfish quirks vmedia knows; `generic` drives a BMC by the DMTF standard alone.
public enum BMCVendor: String, Sendable, Hashable, CaseIterable, Encodable {
    case dell, lenovo, hpe, supermicro, generic
}
