import CurlHTTP
import Foundation
import Logging
import Redfish

/// Redfish's `HTTPTransport` over CurlHTTP: the one place that knows both (Redfish must not import curl,
/// CurlHTTP must not know Redfish).
struct CurlRedfishTransport: HTTPTransport {
    let http: CurlHTTPClient
    let address: BMCAddress
    let tls: TLSPolicy
    let connectTimeout: Duration
    let knownBMCsPath: String?

    func send(_ request: RedfishHTTPRequest) async throws -> RedfishHTTPResponse {
        let outgoing = HTTPRequest(method: request.method, url: address.baseURL + request.uri, headers: request.headers,
                                   body: request.body, connectTimeout: connectTimeout, timeout: request.timeout, tls: tls)
        do {
            let response = try await http.send(outgoing)
            return RedfishHTTPResponse(status: response.status, headers: response.headers, body: response.body)
        } catch CurlHTTPError.pinMismatch(let url, let expected) {
            throw PinChanged(endpoint: address.endpoint, url: url, expected: expected, file: knownBMCsPath)
        }
    }
}

/// The BMC presented another TLS key than the one recorded on first use.
struct PinChanged: Error, CustomStringConvertible {
    let endpoint: String
    let url: String
    let expected: String
    let file: String?
    var description: String {
        "\(url): the BMC's TLS public key changed (recorded \(expected)). Someone may be intercepting the connection, "
            + "or the BMC's certificate was regenerated. If you replaced it on purpose, delete the line \"\(endpoint) …\""
            + (file.map { " from \($0)" } ?? " from the known-BMCs file") + " and run again to record the new key"
    }
}

/// How to verify the BMC's certificate, resolved from the command-line choice (trust on first use for --tls-pin).
enum BMCTLS {
    static func policy(for address: BMCAddress, caFile: String?, pin: Bool, knownBMCs: KnownBMCs,
                       http: CurlHTTPClient, connectTimeout: Duration, logger: Logger) async throws -> TLSPolicy {
        guard address.scheme == "https" else { return .insecure }
        if let caFile { return .caFile(caFile) }
        guard pin else { return .insecure }
        if let known = try knownBMCs.pin(for: address.endpoint) { return .pinned(known) }
        let probe = try await http.send(HTTPRequest(url: address.baseURL + "/redfish/v1/", connectTimeout: connectTimeout,
                                                    timeout: .seconds(30), tls: .recordKey))
        guard let recorded = probe.serverKeyPin else {
            throw CommandFailure("\(address.baseURL) presented no certificate to pin")
        }
        try knownBMCs.record(recorded, for: address.endpoint)
        logger.notice("recorded the TLS key of \(address.endpoint) (\(recorded)) in \(knownBMCs.path); later connections must present the same key")
        return .pinned(recorded)
    }
}
