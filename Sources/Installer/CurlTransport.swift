import CurlHTTP
import Redfish

/// Redfish's `HTTPTransport` over CurlHTTP: the one place that knows both (Redfish must not import curl,
/// CurlHTTP must not know Redfish). Used by the installer's BMC sessions and by `vmedia bmc` / `discover`.
public struct CurlTransport: HTTPTransport {
    public let http: CurlHTTPClient
    /// `scheme://host:port` of the BMC; request URIs are appended to it.
    public let baseURL: String
    public let tls: TLSPolicy
    public let connectTimeout: Duration
    /// The known-BMCs file that recorded the pinned key and the BMC's line in it (`host:port`), named when
    /// the BMC presents another key.
    public let knownBMCsPath: String?
    public let knownBMCsEndpoint: String?

    public init(http: CurlHTTPClient, baseURL: String, tls: TLSPolicy, connectTimeout: Duration,
                knownBMCsPath: String? = nil, knownBMCsEndpoint: String? = nil) {
        self.http = http
        self.baseURL = baseURL
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.knownBMCsPath = knownBMCsPath
        self.knownBMCsEndpoint = knownBMCsEndpoint
    }

    public func send(_ request: RedfishHTTPRequest) async throws -> RedfishHTTPResponse {
        let outgoing = HTTPRequest(method: request.method, url: baseURL + request.uri, headers: request.headers,
                                   body: request.body, connectTimeout: connectTimeout, timeout: request.timeout, tls: tls)
        do {
            let response = try await http.send(outgoing)
            return RedfishHTTPResponse(status: response.status, headers: response.headers, body: response.body)
        } catch CurlHTTPError.pinMismatch(let url, let expected) {
            throw BMCKeyChanged(endpoint: knownBMCsEndpoint ?? baseURL, url: url, expected: expected, file: knownBMCsPath)
        }
    }
}

/// The BMC presented another TLS key than the one recorded on first use.
public struct BMCKeyChanged: Error, CustomStringConvertible {
    public let endpoint: String
    public let url: String
    public let expected: String
    public let file: String?

    public var description: String {
        let head = "\(url): the BMC's TLS public key changed (expected \(expected)). Someone may be intercepting the connection, "
            + "or the BMC's certificate was regenerated. "
        guard let file else {
            // The pin came from the hosts file's tls_pin, not from a known-BMCs file.
            return head + "If you replaced it on purpose, update tls_pin under the host's ipmi: in the hosts file "
                + "(or write tls_pin: true to record the new key on first use)"
        }
        return head + "If you replaced it on purpose, delete the line \"\(endpoint) …\" from \(file) and run again to record the new key"
    }
}
