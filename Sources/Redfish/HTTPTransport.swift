import Foundation

/// The seam between Redfish and whatever speaks HTTP (libcurl in the tool, recorded answers in tests).
/// The transport owns the BMC's base URL and TLS policy; Redfish passes URI paths (`/redfish/v1/...`).
public protocol HTTPTransport: Sendable {
    func send(_ request: RedfishHTTPRequest) async throws -> RedfishHTTPResponse
}

public struct RedfishHTTPRequest: Sendable {
    public var method: String
    /// Absolute path on the BMC (`/redfish/v1/Systems/1`), as found in `@odata.id` or an action target.
    public var uri: String
    public var headers: [(name: String, value: String)]
    public var body: Data?
    public var timeout: Duration

    public init(method: String, uri: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
                timeout: Duration = .seconds(30)) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

public struct RedfishHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
