/// Why a vSphere API call failed. The description is what the user reads: the call, the host, and the cause.
public enum VSphereError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing usable answered (connection refused, TLS, timeout): the host is down or still booting.
    case unreachable(endpoint: String, detail: String)
    /// An HTTP answer that is not SOAP (a web page of a booting host, a proxy's error).
    case notSOAP(operation: String, endpoint: String, status: Int)
    /// A SOAP fault: `fault` is the vim25 type (`InvalidLogin`, `NotAuthenticated`, `ManagedObjectNotFound` …).
    case fault(operation: String, endpoint: String, fault: String, message: String)
    case malformed(operation: String, detail: String)

    public var description: String {
        switch self {
        case .unreachable(let endpoint, let detail):
            return "nothing answers the vSphere API at \(endpoint) (\(detail))"
        case .notSOAP(let operation, let endpoint, let status):
            return "\(endpoint) answered \(operation) with HTTP \(status) and no SOAP envelope: not (yet) the vSphere API"
        case .fault(let operation, let endpoint, let fault, let message):
            return "\(endpoint) refused \(operation): \(fault)" + (message.isEmpty ? "" : " (\(message))")
        case .malformed(let operation, let detail):
            return "the answer to \(operation) is not what the vSphere API sends: \(detail)"
        }
    }

    /// The vim25 fault type, if the host answered with one.
    public var faultType: String? {
        if case .fault(_, _, let fault, _) = self { return fault }
        return nil
    }
}
