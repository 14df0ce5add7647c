import Foundation
import Primitives

/// One HTTP request for `CurlHTTPClient`: method, absolute URL, headers, optional body, limits and TLS policy.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Header lines in order; names are sent as given. Never logged (they may carry tokens).
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// Connecting (TCP + TLS handshake) may take at most this long.
    public var connectTimeout: Duration
    /// The whole exchange (connect, send, wait, receive) may take at most this long.
    public var timeout: Duration
    public var basicAuth: Credentials?
    public var tls: TLSPolicy

    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [],
                body: Data? = nil, connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60),
                basicAuth: Credentials? = nil, tls: TLSPolicy = .insecure) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.basicAuth = basicAuth
        self.tls = tls
    }
}
