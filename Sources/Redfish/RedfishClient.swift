import Foundation
import Logging
import Primitives

/// A Redfish session with one BMC over an injected `HTTPTransport`.
///
/// - Login: `POST {Links.Sessions}` with the credentials in the body (no Basic header: some BMCs reject
///   both at once) → `X-Auth-Token` + `Location`; if the BMC has no session service (404/405/501), every
///   request carries HTTP Basic instead. One re-login on 401 (session timed out, F20).
/// - `withSession` always deletes the session: on success, on error and on cancellation (sessions are
///   capped: iDRAC RAC0218, XCC 16 — F18).
/// - ETags: `If-Match` only on PATCH, only with the ETag read from that same URI (iDRAC10 rejects If-Match on
///   action POSTs with 412 — F7); on 412 the ladder fresh → strong → other quoting → none (F15, F26); on 428
///   re-read and send it (F14).
/// - `Accept-Encoding: identity`: compressed answers carry weak `-gzip` ETags that then fail If-Match.
/// - 202 Accepted → poll the Task resource until it finishes (never XCC's TaskMonitor, whose GET deletes it).
public actor RedfishClient {
    /// The BMC login (its description masks the password).
    public typealias Credentials = Primitives.Credentials

    /// Time limits per kind of operation.
    public struct Timeouts: Sendable {
        /// Ordinary GET/PATCH/POST.
        public var request: Duration = .seconds(30)
        /// InsertMedia: iDRAC fetches the image during the call (> 30 s seen; GroundZero uses 180 s).
        public var insert: Duration = .seconds(240)
        /// A task started by 202 Accepted (Dell SCP jobs take minutes).
        public var task: Duration = .seconds(600)
        /// Power transitions.
        public var power: Duration = .seconds(300)
        /// Re-reads after eject/insert until the slot shows the change.
        public var settle: Duration = .seconds(60)
        /// Pause between polls.
        public var pollInterval: Duration = .seconds(2)
        public init() {}
    }

    public enum Authentication: Sendable, Equatable {
        case none
        case session(token: String, uri: String?)
        case basic
    }

    public let transport: any HTTPTransport
    public let timeouts: Timeouts
    let credentials: Credentials
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void
    public private(set) var authentication: Authentication = .none
    private var etags: [String: String] = [:]
    private var root: ServiceRoot?

    public init(transport: any HTTPTransport, credentials: Credentials, timeouts: Timeouts = Timeouts(),
                logger: Logger = Logger(label: "vmedia.redfish"),
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.transport = transport
        self.credentials = credentials
        self.timeouts = timeouts
        self.logger = logger
        self.sleep = sleep
    }

    // MARK: Session

    /// Logs in, runs `body`, and deletes the session whatever happens (also when the task is cancelled).
    @discardableResult
    public func withSession<T: Sendable>(_ body: @Sendable (RedfishClient) async throws -> T) async throws -> T {
        do {
            try await login()
            let result = try await body(self)
            await logoutShielded()
            return result
        } catch {
            await logoutShielded()
            throw error
        }
    }

    /// The service root, read once without credentials.
    public func serviceRoot() async throws -> ServiceRoot {
        if let root { return root }
        let response = try await exchange("GET", "/redfish/v1/", body: nil, timeout: timeouts.request, authenticated: false)
        let decoded = try decode(ServiceRoot.self, response, method: "GET", uri: "/redfish/v1/")
        root = decoded
        return decoded
    }

    public func login() async throws {
        let root = try await serviceRoot()
        guard let sessions = root.sessionsURI else {
            logger.debug("no SessionService advertised: using HTTP Basic")
            authentication = .basic
            return
        }
        let body: JSONValue = ["UserName": .string(credentials.username), "Password": .string(credentials.password)]
        let response = try await exchange("POST", sessions, body: body.jsonData, timeout: timeouts.request, authenticated: false)
        switch response.status {
        case 200, 201, 204:
            guard let token = response.header("X-Auth-Token"), !token.isEmpty else {
                logger.debug("session created without X-Auth-Token: using HTTP Basic")
                authentication = .basic
                return
            }
            let location = response.header("Location").map(Self.path(of:))
                ?? (try? JSONDecoder().decode(JSONValue.self, from: response.body))?["@odata.id"]?.stringValue
            authentication = .session(token: token, uri: location)
        case 401, 403:
            throw RedfishError.authentication(uri: sessions, status: response.status, messages: RedfishMessage.messages(in: response.body))
        case 503:
            // A busy BMC or a full session table (iDRAC RAC0218 arrives as 503, stmcginnis/gofish#75; F18). Basic auth
            // would hide the cause and fails anyway where Basic is off (iDRAC10, F10): say so instead.
            throw RedfishError.http(method: "POST", uri: sessions, status: 503, messages: RedfishMessage.messages(in: response.body),
                                    bodySnippet: Self.snippet(response.body))
        default:
            // No usable session service (404/405/501, or a BMC that wants Basic): fall back to Basic.
            logger.debug("session login answered HTTP \(response.status): using HTTP Basic")
            authentication = .basic
        }
    }

    /// Deletes the session (if any). Errors are logged, never thrown: logout must not hide the real error.
    public func logout() async {
        guard case .session(_, let uri?) = authentication else { authentication = .none; return }
        // A busy BMC may answer the DELETE with a 5xx or drop the connection; sessions are a scarce resource
        // (iDRAC allows a handful), so try a few times before leaving it to the BMC's session timeout.
        let attempts = 3
        for attempt in 1...attempts {
            do {
                let response = try await exchange("DELETE", uri, body: nil, timeout: timeouts.request, authenticated: true)
                if (200..<300).contains(response.status) || response.status == 404 { break }
                guard response.status >= 500, attempt < attempts else {
                    logger.warning("DELETE \(uri) answered HTTP \(response.status); the session will time out on the BMC")
                    break
                }
            } catch {
                guard attempt < attempts else {
                    logger.warning("could not delete session \(uri): \(error); the session will time out on the BMC")
                    break
                }
            }
            try? await sleep(.milliseconds(500 * attempt))
        }
        authentication = .none
    }

    /// Runs logout in a fresh task: a cancelled caller's cancellation must not cancel the DELETE itself.
    private func logoutShielded() async {
        await Task { await self.logout() }.value
    }

    // MARK: Requests

    /// GET and decode a resource; remembers its ETag for a later PATCH of the same URI.
    public func get<T: Decodable>(_ uri: String, as type: T.Type, timeout: Duration? = nil) async throws -> T {
        let response = try await checked("GET", uri, body: nil, timeout: timeout ?? timeouts.request)
        let value = try decode(T.self, response, method: "GET", uri: uri)
        if let etag = response.header("ETag") ?? (try? JSONDecoder().decode(JSONValue.self, from: response.body))?["@odata.etag"]?.stringValue {
            etags[uri] = etag
        }
        return value
    }

    /// Every member of a collection, decoded.
    public func members<T: Decodable>(of collection: String, as type: T.Type) async throws -> [T] {
        var result: [T] = []
        for member in try await get(collection, as: ResourceCollection.self).members {
            result.append(try await get(member.id, as: T.self))
        }
        return result
    }

    /// PATCH with the ETag rules (see the type's documentation). Returns the final response.
    @discardableResult
    public func patch(_ uri: String, _ body: JSONValue, timeout: Duration? = nil) async throws -> RedfishHTTPResponse {
        let limit = timeout ?? timeouts.request
        var etag = etags[uri]
        var response = try await exchange("PATCH", uri, body: body.jsonData, timeout: limit, ifMatch: etag)
        if response.status == 428 {
            // F14 (XCC): If-Match required. Read the resource for its ETag and send it; `*` if it has none.
            _ = try? await get(uri, as: JSONValue.self)
            etag = etags[uri] ?? "*"
            response = try await exchange("PATCH", uri, body: body.jsonData, timeout: limit, ifMatch: etag)
        }
        if response.status == 412, let sent = etag {
            // F15/F26: stale or oddly formatted ETag. Fresh read first, then strong, other quoting, none.
            _ = try? await get(uri, as: JSONValue.self)
            var ladder: [String?] = []
            if let fresh = etags[uri], fresh != sent { ladder.append(fresh) }
            let base = etags[uri] ?? sent
            if base.hasPrefix("W/") { ladder.append(String(base.dropFirst(2))) }
            let strong = base.hasPrefix("W/") ? String(base.dropFirst(2)) : base
            ladder.append(strong.hasPrefix("\"") ? String(strong.dropFirst().dropLast()) : "\"\(strong)\"")
            ladder.append(nil)
            for candidate in ladder where response.status == 412 {
                logger.debug("PATCH \(uri): 412 with If-Match \(etag ?? "none"); retrying with \(candidate ?? "no If-Match")")
                etag = candidate
                response = try await exchange("PATCH", uri, body: body.jsonData, timeout: limit, ifMatch: candidate)
            }
        }
        etags[uri] = nil   // the resource changed; a later PATCH must read it again
        return try await finish("PATCH", uri, response, timeout: limit)
    }

    /// POST (actions, sessions). Never sends If-Match (F7). 202 → waits for the task.
    @discardableResult
    public func post(_ uri: String, _ body: JSONValue, timeout: Duration? = nil) async throws -> RedfishHTTPResponse {
        let limit = timeout ?? timeouts.request
        let response = try await exchange("POST", uri, body: body.jsonData, timeout: limit)
        return try await finish("POST", uri, response, timeout: limit)
    }

    @discardableResult
    public func delete(_ uri: String) async throws -> RedfishHTTPResponse {
        try await checked("DELETE", uri, body: nil, timeout: timeouts.request)
    }

    /// Forgets the ETag of `uri` (after a change made through another URI, e.g. an action).
    public func invalidate(_ uri: String) { etags[uri] = nil }

    // MARK: Internals

    private func checked(_ method: String, _ uri: String, body: Data?, timeout: Duration) async throws -> RedfishHTTPResponse {
        let response = try await exchange(method, uri, body: body, timeout: timeout)
        return try await finish(method, uri, response, timeout: timeout)
    }

    /// Maps error statuses to `RedfishError`, follows 202 to the task's end, logs 2xx error envelopes.
    private func finish(_ method: String, _ uri: String, _ response: RedfishHTTPResponse, timeout: Duration) async throws -> RedfishHTTPResponse {
        guard (200..<300).contains(response.status) else {
            throw RedfishError.http(method: method, uri: uri, status: response.status,
                                    messages: RedfishMessage.messages(in: response.body), bodySnippet: Self.snippet(response.body))
        }
        if response.status == 202, method != "GET", method != "DELETE" {
            try await waitForTask(startedBy: method, uri, response)
        } else if logger.logLevel <= .debug, !response.body.isEmpty,
                  (try? JSONDecoder().decode(JSONValue.self, from: response.body))?["error"] != nil {
            // Only for the debug line below: decoding every answer twice cost ~7% of an install's CPU.
            // iLO answers 200 with an `error` envelope holding Base.x.Success: the status is authoritative.
            let ids = RedfishMessage.messages(in: response.body).compactMap(\.messageId)
            logger.debug("\(method) \(uri) → HTTP \(response.status) with error envelope: \(ids.joined(separator: ", "))")
        }
        return response
    }

    private func waitForTask(startedBy method: String, _ uri: String, _ response: RedfishHTTPResponse) async throws {
        let bodyID = (try? JSONDecoder().decode(JSONValue.self, from: response.body))?["@odata.id"]?.stringValue
        let location = response.header("Location").map(Self.path(of:))
        // Prefer the Task resource; a TaskMonitor is used only when nothing else is given.
        let candidates = [bodyID, location].compactMap { $0 }
        guard let taskURI = candidates.first(where: { $0.contains("/Tasks/") || $0.contains("/Jobs/") }) ?? candidates.first else {
            logger.debug("\(method) \(uri) → 202 without a task reference; treating as accepted")
            return
        }
        let deadline = ContinuousClock.now + timeouts.task
        var last = "not read"
        while ContinuousClock.now < deadline {
            let poll = try await exchange("GET", taskURI, body: nil, timeout: timeouts.request)
            if poll.status == 202 { last = "202 Accepted"; try await sleep(timeouts.pollInterval); continue }
            if poll.status == 204 || (poll.status == 200 && poll.body.isEmpty) { return }
            guard (200..<300).contains(poll.status) else {
                throw RedfishError.http(method: "GET", uri: taskURI, status: poll.status,
                                        messages: RedfishMessage.messages(in: poll.body), bodySnippet: Self.snippet(poll.body))
            }
            let task = try decode(RedfishTask.self, poll, method: "GET", uri: taskURI)
            last = "\(task.taskState ?? "no TaskState")\(task.percentComplete.map { " \($0)%" } ?? "")"
            if task.isFinished {
                guard task.succeeded else { throw RedfishError.taskFailed(uri: taskURI, state: task.taskState ?? "?", messages: task.messages ?? []) }
                return
            }
            try await sleep(timeouts.pollInterval)
        }
        throw RedfishError.timedOut(operation: "\(method) \(uri)", uri: taskURI, seconds: Int(timeouts.task.components.seconds), lastSeen: last)
    }

    /// One HTTP exchange with auth headers; re-logs in once on 401 with a session.
    private func exchange(_ method: String, _ uri: String, body: Data?, timeout: Duration,
                          ifMatch: String? = nil, authenticated: Bool = true) async throws -> RedfishHTTPResponse {
        var response = try await rawSend(method, uri, body: body, timeout: timeout, ifMatch: ifMatch, authenticated: authenticated)
        if response.status == 401, authenticated, case .session = authentication {
            logger.debug("\(method) \(uri) → 401: session expired, logging in again")
            authentication = .none
            try await login()
            response = try await rawSend(method, uri, body: body, timeout: timeout, ifMatch: ifMatch, authenticated: true)
        }
        return response
    }

    private func rawSend(_ method: String, _ uri: String, body: Data?, timeout: Duration, ifMatch: String?,
                         authenticated: Bool) async throws -> RedfishHTTPResponse {
        var headers: [(name: String, value: String)] = [("Accept", "application/json"), ("Accept-Encoding", "identity"), ("OData-Version", "4.0")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        if let ifMatch { headers.append(("If-Match", ifMatch)) }
        if authenticated {
            switch authentication {
            case .session(let token, _): headers.append(("X-Auth-Token", token))
            case .basic:
                let pair = Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString()
                headers.append(("Authorization", "Basic \(pair)"))
            case .none: break
            }
        }
        let request = RedfishHTTPRequest(method: method, uri: uri, headers: headers, body: body, timeout: timeout)
        do {
            return try await transport.send(request)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw RedfishError.transport(method: method, uri: uri, detail: String(describing: error))
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: RedfishHTTPResponse, method: String, uri: String) throws -> T {
        guard (200..<300).contains(response.status) else {
            throw RedfishError.http(method: method, uri: uri, status: response.status,
                                    messages: RedfishMessage.messages(in: response.body), bodySnippet: Self.snippet(response.body))
        }
        guard (try? JSONSerialization.jsonObject(with: response.body)) != nil else {
            throw RedfishError.notJSON(method: method, uri: uri, status: response.status, bodySnippet: Self.snippet(response.body))
        }
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch let error as DecodingError {
            throw Self.describe(error, uri: uri)
        }
    }

    static func describe(_ error: DecodingError, uri: String) -> RedfishError {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case let .typeMismatch(type, context):
            return .unexpectedJSON(uri: uri, field: path(context.codingPath), detail: "is not a \(Self.jsonTypeName(type))")
        case let .valueNotFound(type, context):
            return .unexpectedJSON(uri: uri, field: path(context.codingPath), detail: "is null where a \(Self.jsonTypeName(type)) is required")
        case let .keyNotFound(key, context):
            return .unexpectedJSON(uri: uri, field: path(context.codingPath + [key]), detail: "is missing")
        case let .dataCorrupted(context):
            return .unexpectedJSON(uri: uri, field: path(context.codingPath), detail: context.debugDescription)
        @unknown default:
            return .unexpectedJSON(uri: uri, field: "?", detail: "\(error)")
        }
    }

    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "string"
        case is Bool.Type: return "boolean"
        case is Int.Type, is Int64.Type, is Double.Type: return "number"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") ? "array" : (name.hasPrefix("Dictionary") ? "object" : "JSON \(name)")
        }
    }

    /// The path of a Location header (BMCs send absolute URLs or paths).
    static func path(of location: String) -> String {
        if let components = URLComponents(string: location), components.host != nil { return components.path }
        return location
    }

    static func snippet(_ body: Data) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        return body.count > 200 ? text + "…" : text
    }
}
