import CurlHTTP
import Foundation
import Logging
import Redfish

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
