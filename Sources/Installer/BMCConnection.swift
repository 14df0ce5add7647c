import CurlHTTP
import Foundation
import Logging
import Redfish

/// The one way vmedia talks to a BMC: it turns what the operator asked about the BMC's certificate (`BMCTrust`,
/// from the command line or the hosts file) into a curl policy, recording the key on first use, and builds the
/// Redfish client over curl. `vmedia install`, `check`, `eject`, `bmc` and `discover` all open BMCs here, so a
/// `--tls-ca` or a hosts file's `tls_ca:` is honoured by every command alike.
public struct BMCConnection: Sendable {
    public let http: CurlHTTPClient
    /// Where keys pinned on first use are recorded and checked (`--known-bmcs`).
    public let knownBMCs: KnownBMCs
    public let connectTimeout: Duration
    public let logger: Logger

    public init(http: CurlHTTPClient, knownBMCs: KnownBMCs = KnownBMCs(path: KnownBMCs.defaultPath),
                connectTimeout: Duration = .seconds(15), logger: Logger) {
        self.http = http
        self.knownBMCs = knownBMCs
        self.connectTimeout = connectTimeout
        self.logger = logger
    }

    /// The resolved policy and the warning to show when the certificate goes unverified (nil otherwise).
    public struct Trust: Sendable {
        public let policy: TLSPolicy
        /// Set for `pinOnFirstUse`: named when the BMC later presents another key.
        public let knownBMCsPath: String?
        public let warning: String?
    }

    /// The curl policy for `trust` at `address`. `hostName` is the hosts-file host the BMC belongs to (nil for a
    /// BMC given on the command line); the warning for an unverified certificate then names the hosts-file keys.
    public func resolve(_ trust: BMCTrust, for address: BMCAddress, hostName: String? = nil) async throws -> Trust {
        guard address.isHTTPS else { return Trust(policy: .insecure, knownBMCsPath: nil, warning: nil) }
        switch trust {
        case .unverified:
            return Trust(policy: .insecure, knownBMCsPath: nil, warning: Self.unverifiedWarning(host: address.host, hostName: hostName))
        case .unverifiedByChoice:
            return Trust(policy: .insecure, knownBMCsPath: nil, warning: nil)
        case .certificateAuthority(let path):
            return Trust(policy: .caFile(path), knownBMCsPath: nil, warning: nil)
        case .pinned(let pin):
            return Trust(policy: .pinned(pin), knownBMCsPath: nil, warning: nil)
        case .pinOnFirstUse:
            if let known = try knownBMCs.pin(for: address.endpoint) {
                return Trust(policy: .pinned(known), knownBMCsPath: knownBMCs.path, warning: nil)
            }
            let probe = try await http.send(HTTPRequest(url: address.baseURL + "/redfish/v1/", connectTimeout: connectTimeout,
                                                        timeout: .seconds(30), tls: .recordKey))
            guard let recorded = probe.serverKeyPin else {
                throw BMCConnectionError.noCertificate(url: address.baseURL)
            }
            try knownBMCs.record(recorded, for: address.endpoint)
            logger.notice("recorded the TLS key of \(address.endpoint) (\(recorded)) in \(knownBMCs.path); later connections must present the same key")
            return Trust(policy: .pinned(recorded), knownBMCsPath: knownBMCs.path, warning: nil)
        }
    }

    /// What an unverified BMC certificate is reported as: the BMC's address and how to verify it, with the hosts
    /// file's keys when the BMC came from one.
    public static func unverifiedWarning(host: String, hostName: String?) -> String {
        let base = "TLS certificate of \(host) is not verified (BMCs ship self-signed certificates); "
        guard let hostName else { return base + "use --tls-ca FILE or --tls-pin to verify it" }
        return base + "to verify it for \(hostName), add tls_ca: FILE or tls_pin: true under its ipmi: (or defaults: ipmi:) "
            + "in the hosts file, or pass --tls-ca FILE / --tls-pin; --insecure silences this warning"
    }

    /// A Redfish client for the BMC at `address` over curl with the resolved trust.
    public func client(for address: BMCAddress, trust: Trust, credentials: RedfishClient.Credentials,
                       timeouts: RedfishClient.Timeouts = .init(),
                       sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) -> RedfishClient {
        let transport = CurlTransport(http: http, baseURL: address.baseURL, tls: trust.policy, connectTimeout: connectTimeout,
                                      knownBMCsPath: trust.knownBMCsPath, knownBMCsEndpoint: address.endpoint)
        return RedfishClient(transport: transport, credentials: credentials, timeouts: timeouts, logger: logger, sleep: sleep)
    }
}

/// Opening a BMC connection failed before any Redfish request.
public enum BMCConnectionError: Error, CustomStringConvertible, Sendable {
    case noCertificate(url: String)

    public var description: String {
        switch self {
        case .noCertificate(let url):
            return "\(url) presented no certificate to pin; check the address is the BMC's HTTPS port, or drop --tls-pin / tls_pin"
        }
    }
}
