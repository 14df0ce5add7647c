import CurlHTTP
import Redfish

/// Redfish's `HTTPTransport` over CurlHTTP for the installer's BMC sessions.
struct CurlTransport: HTTPTransport {
    let http: CurlHTTPClient
    let baseURL: String
    let tls: TLSPolicy
    let connectTimeout: Duration

    func send(_ request: RedfishHTTPRequest) async throws -> RedfishHTTPResponse {
        let outgoing = HTTPRequest(method: request.method, url: baseURL + request.uri, headers: request.headers,
                                   body: request.body, connectTimeout: connectTimeout, timeout: request.timeout, tls: tls)
        let response = try await http.send(outgoing)
        return RedfishHTTPResponse(status: response.status, headers: response.headers, body: response.body)
    }
}
