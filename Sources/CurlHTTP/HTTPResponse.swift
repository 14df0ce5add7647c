import Foundation

/// The answer to one `HTTPRequest`.
public struct HTTPResponse: Sendable {
    public let status: Int
    /// Header lines of the final response (after any `100 Continue`), in order, names as the server sent them.
    public let headers: [(name: String, value: String)]
    public let body: Data
    /// Connections libcurl had to open for this request (0 = an existing keep-alive connection was reused).
    public let newConnections: Int
    /// `sha256//BASE64` of the server certificate's public key (SubjectPublicKeyInfo), when the request asked
    /// for it with `TLSPolicy.recordKey` and the exchange opened a new TLS connection.
    public let serverKeyPin: String?
    /// The SHA-1 of the server certificate (DER) as `AA:BB:…` (what `openssl x509 -fingerprint -sha1` prints and
    /// vSphere calls an SSL thumbprint), under the same conditions as `serverKeyPin`.
    public let serverCertificateThumbprint: String?

    public init(status: Int, headers: [(name: String, value: String)], body: Data,
                newConnections: Int = 0, serverKeyPin: String? = nil, serverCertificateThumbprint: String? = nil) {
        self.serverCertificateThumbprint = serverCertificateThumbprint
        self.status = status
        self.headers = headers
        self.body = body
        self.newConnections = newConnections
        self.serverKeyPin = serverKeyPin
    }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
