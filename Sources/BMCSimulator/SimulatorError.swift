/// Everything that can go wrong while starting or driving a simulator. `description` is what the user reads:
/// what failed, where, and how to fix it.
public enum SimulatorError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The simulator only ever binds or contacts 127.0.0.0/8 (tests and demos must never touch a real network).
    case notLoopback(address: String, role: String)
    case bindFailed(address: String, port: Int, reason: String)
    case invalidConfiguration(String)
    case tlsSetupFailed(String)
    /// A media read (HTTP range request) failed: the URL, the byte range and why.
    case mediaReadFailed(url: String, range: String, reason: String)
    case unsupportedImageURL(String)

    public var description: String {
        switch self {
        case let .notLoopback(address, role):
            return "\(role) address \(address) is not in 127.0.0.0/8: the simulator never binds or contacts other " +
                "addresses; use a loopback address such as 127.0.0.10"
        case let .bindFailed(address, port, reason):
            return "cannot listen on \(address):\(port): \(reason); pick another port with --port or stop the " +
                "process using it (binding ports below 1024 needs root or CAP_NET_BIND_SERVICE)"
        case let .invalidConfiguration(message):
            return "invalid simulator configuration: \(message)"
        case let .tlsSetupFailed(reason):
            return "cannot set up TLS for the simulator: \(reason); use plain HTTP (--plain-http) or check the " +
                "certificate and key"
        case let .mediaReadFailed(url, range, reason):
            return "virtual CD could not read \(url) (bytes \(range)): \(reason); the image server must answer " +
                "HTTP range requests with 206 Partial Content"
        case let .unsupportedImageURL(url):
            return "image URL \(url) is not an http:// or https:// URL on 127.0.0.0/8: the simulated virtual CD only reads " +
                "HTTP(S) from loopback"
        }
    }
}
