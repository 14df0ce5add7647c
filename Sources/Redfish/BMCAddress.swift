import Foundation

/// Where a BMC's Redfish service is: `host`, `host:port` or `http(s)://host:port` (default https, port 443/80).
/// IPv6 literals go in brackets (`[fd00::1]:8443`).
public struct BMCAddress: Sendable, Equatable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int

    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw RedfishError.invalidAddress(text, reason: "empty") }
        var rest = Substring(trimmed)
        var scheme = "https"
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            guard scheme == "https" || scheme == "http" else {
                throw RedfishError.invalidAddress(text, reason: "scheme \(scheme) is not http or https")
            }
            rest = rest[range.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[slash...]
            guard path == "/" || path == "/redfish/v1" || path == "/redfish/v1/" else {
                throw RedfishError.invalidAddress(text, reason: "give only the host and port, not a path")
            }
            rest = rest[..<slash]
        }
        var host = String(rest)
        var port: Int?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw RedfishError.invalidAddress(text, reason: "unclosed [") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()); if port == nil { throw RedfishError.invalidAddress(text, reason: "bad port") } }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            guard let value = Int(rest[rest.index(after: colon)...]) else { throw RedfishError.invalidAddress(text, reason: "bad port") }
            port = value
        } else if rest.contains(":") {
            throw RedfishError.invalidAddress(text, reason: "write IPv6 addresses in brackets, e.g. [fd00::1]:443")
        }
        guard !host.isEmpty, !host.contains("@") else { throw RedfishError.invalidAddress(text, reason: "no host name") }
        let resolved = port ?? (scheme == "https" ? 443 : 80)
        guard (1...65535).contains(resolved) else { throw RedfishError.invalidAddress(text, reason: "port \(resolved) out of range") }
        self.scheme = scheme
        self.host = host
        self.port = resolved
    }

    /// `https://host:port` (no trailing slash); request URIs are appended to it.
    public var baseURL: String { "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
    /// `host:port`, the key of the known-BMCs file.
    public var endpoint: String { "\(host.contains(":") ? "[\(host)]" : host):\(port)" }
    public var description: String { baseURL }
}
