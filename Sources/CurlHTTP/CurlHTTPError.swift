import Foundation

/// Everything `CurlHTTPClient` can fail with. `description` says what failed, where, and what to do.
public enum CurlHTTPError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The request could not be set up (bad URL, libcurl refused an option).
    case setup(url: String, detail: String)
    /// No answer within the total or connect timeout.
    case timedOut(method: String, url: String, seconds: Double, detail: String)
    /// TCP connection refused, host unreachable, name not resolved.
    case connectionFailed(method: String, url: String, detail: String)
    /// The certificate did not verify against the CA file (or the system store).
    case certificateRejected(url: String, detail: String)
    /// The server's public key differs from the pinned one.
    case pinMismatch(url: String, expected: String)
    /// Any other libcurl error (code and text from libcurl).
    case transfer(method: String, url: String, code: Int, detail: String)
    /// The client was shut down before the request finished.
    case shutDown(url: String)

    public var description: String {
        switch self {
        case let .setup(url, detail):
            return "cannot send a request to \(url): \(detail)"
        case let .timedOut(method, url, seconds, detail):
            return "\(method) \(url): no complete answer within \(Self.format(seconds)) s (\(detail)); "
                + "check that the address and port are right and the service is up, or raise the timeout"
        case let .connectionFailed(method, url, detail):
            return "\(method) \(url): cannot connect (\(detail)); check the address, port and scheme (http/https) "
                + "and that this machine can reach it"
        case let .certificateRejected(url, detail):
            return "\(url): TLS certificate not trusted (\(detail)); give the CA that signed it with --tls-ca FILE, "
                + "pin its key with --tls-pin, or accept it unverified with --insecure"
        case let .pinMismatch(url, expected):
            return "\(url): the server's TLS public key changed (pinned \(expected)). Someone may be intercepting "
                + "the connection, or the BMC's certificate was regenerated. If you replaced it on purpose, delete "
                + "this BMC's line from the known-BMCs file and run again to pin the new key"
        case let .transfer(method, url, code, detail):
            return "\(method) \(url): transfer failed (libcurl error \(code): \(detail))"
        case let .shutDown(url):
            return "request to \(url) abandoned: the HTTP client was shut down"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
