import Foundation
import Redfish
import TestSupport

/// A recorded BMC: GETs answer the fixture JSON of Fixtures/redfish/<set>/ (by `@odata.id`), and writes
/// change that state the way the DMTF mockup server does (PATCH merges, InsertMedia/EjectMedia/Reset act),
/// so re-reads see the change. `rules` answer first, to play the vendor's error answers.
/// Every request is recorded with its method, URI, body and If-Match for exact sequence checks.
final class FakeBMC: HTTPTransport, @unchecked Sendable {
    struct Recorded: Equatable, CustomStringConvertible {
        let method: String
        let uri: String
        let body: String?
        let ifMatch: String?
        var description: String { "\(method) \(uri)\(body.map { " " + $0 } ?? "")\(ifMatch.map { " [If-Match \($0)]" } ?? "")" }
    }

    typealias Rule = @Sendable (RedfishHTTPRequest, FakeBMC) -> RedfishHTTPResponse?

    private let lock = NSLock()
    private var resources: [String: JSONValue] = [:]
    private var versions: [String: Int] = [:]
    private(set) var log: [Recorded] = []
    /// Requests that carried an `Authorization: Basic` header.
    private(set) var basicAuthRequests = 0
    private var rules: [Rule] = []
    var username = "admin"
    var password = "secret-pw"
    /// ETag header style: nil = none, "strong" = `"vN"`, "weak" = `W/"vN"`.
    var etagStyle: String? = "strong"
    /// Reject PATCH without If-Match with 428 (Lenovo XCC).
    var requireIfMatch = false
    private var sessions: Set<String> = []
    private(set) var deletedSessions: [String] = []
    private var nextSession = 1

    init(_ set: String) throws {
        let base = Peer.packageRoot.appendingPathComponent("Fixtures/redfish/\(set)")
        guard let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else {
            throw FakeError(message: "no fixture set \(set)")
        }
        for case let url as URL in files where url.pathExtension == "json" {
            let value = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
            guard let id = value["@odata.id"]?.stringValue else { throw FakeError(message: "\(url.path) has no @odata.id") }
            resources[Self.normal(id)] = value
        }
        guard resources["/redfish/v1"] != nil else { throw FakeError(message: "fixture set \(set) has no service root") }
    }

    static func normal(_ uri: String) -> String { uri.count > 1 && uri.hasSuffix("/") ? String(uri.dropLast()) : uri }

    func addRule(_ rule: @escaping Rule) { lock.withLock { rules.append(rule) } }
    func resource(_ uri: String) -> JSONValue? { lock.withLock { resources[Self.normal(uri)] } }
    func set(_ uri: String, _ value: JSONValue) { lock.withLock { resources[Self.normal(uri)] = value; versions[Self.normal(uri), default: 0] += 1 } }
    var writes: [Recorded] { lock.withLock { log.filter { $0.method != "GET" } } }
    var liveSessions: Int { lock.withLock { sessions.count } }

    func etag(_ uri: String) -> String? {
        guard let style = etagStyle else { return nil }
        let tag = "\"v\(versions[Self.normal(uri), default: 0])\""
        return style == "weak" ? "W/" + tag : tag
    }

    func send(_ request: RedfishHTTPRequest) async throws -> RedfishHTTPResponse {
        try Task.checkCancellation()
        let recorded = Recorded(method: request.method, uri: request.uri,
                                body: request.body.map { String(decoding: $0, as: UTF8.self) }, ifMatch: request.header("If-Match"))
        let active = lock.withLock { () -> [Rule] in
            log.append(recorded)
            if request.header("Authorization")?.hasPrefix("Basic ") == true { basicAuthRequests += 1 }
            return rules
        }
        for rule in active { if let answer = rule(request, self) { return answer } }
        return lock.withLock { handle(request) }
    }

    static func error(_ status: Int, _ id: String, _ message: String, resolution: String? = nil) -> RedfishHTTPResponse {
        var info: [String: JSONValue] = ["MessageId": .string(id), "Message": .string(message)]
        if let resolution { info["Resolution"] = .string(resolution) }
        let body: JSONValue = ["error": ["code": .string(id), "message": .string(message), "@Message.ExtendedInfo": [.object(info)]]]
        return RedfishHTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: body.jsonData)
    }

    private func authorized(_ request: RedfishHTTPRequest) -> Bool {
        if let token = request.header("X-Auth-Token") { return sessions.contains(token) }
        if let basic = request.header("Authorization"), basic.hasPrefix("Basic "),
           let decoded = Data(base64Encoded: String(basic.dropFirst(6))) {
            return String(decoding: decoded, as: UTF8.self) == "\(username):\(password)"
        }
        return false
    }

    private func handle(_ request: RedfishHTTPRequest) -> RedfishHTTPResponse {
        let uri = Self.normal(request.uri)
        let body = request.body.flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
        if request.method == "GET", uri == "/redfish/v1" { return json(uri) }
        if request.method == "POST", uri == "/redfish/v1/SessionService/Sessions", resources["/redfish/v1/SessionService"] != nil {
            guard body?["UserName"]?.stringValue == username, body?["Password"]?.stringValue == password else {
                return Self.error(401, "Base.1.8.NoValidSession", "There is no valid session established with the implementation.")
            }
            let token = "token-\(nextSession)"
            let location = "/redfish/v1/SessionService/Sessions/\(nextSession)"
            nextSession += 1
            sessions.insert(token)
            return RedfishHTTPResponse(status: 201, headers: [("X-Auth-Token", token), ("Location", location)],
                                       body: (["@odata.id": .string(location)] as JSONValue).jsonData)
        }
        guard authorized(request) else { return Self.error(401, "Base.1.8.AccessDenied", "While attempting to establish a connection to the resource, the authentication was denied.") }
        switch request.method {
        case "DELETE" where uri.hasPrefix("/redfish/v1/SessionService/Sessions/"):
            let token = "token-\(uri.split(separator: "/").last!)"
            sessions.remove(token)
            deletedSessions.append(uri)
            return RedfishHTTPResponse(status: 204)
        case "GET":
            return json(uri)
        case "PATCH":
            guard let current = resources[uri] else { return notFound(uri) }
            if requireIfMatch, request.header("If-Match") == nil {
                return Self.error(428, "Base.1.8.PreconditionRequired", "A precondition header or annotation is required to change the resource.")
            }
            // Real BMCs differ in how strictly they compare; this one ignores W/ and quoting, so each
            // failure-mode test states its own strictness with a rule.
            if let sent = request.header("If-Match"), sent != "*", etagStyle != nil, Self.bare(sent) != Self.bare(etag(uri) ?? "") {
                return Self.error(412, "Base.1.8.PreconditionFailed", "ETag supplied did not match the current ETag.")
            }
            var merged = Self.merge(current, body ?? [:])
            if current["MediaTypes"] != nil, let image = body?["Image"] {
                // A VirtualMedia PATCH (Lenovo EXT slots) connects or disconnects the image.
                merged = Self.merge(merged, ["ConnectedVia": image == .null ? "NotConnected" : "URI",
                                             "ImageName": image.stringValue.map { .string(String($0.split(separator: "/").last ?? "")) } ?? .null])
            }
            resources[uri] = merged
            versions[uri, default: 0] += 1
            return RedfishHTTPResponse(status: 204)
        case "POST":
            return action(uri, body ?? [:])
        default:
            return Self.error(405, "Base.1.8.OperationNotAllowed", "The method is not allowed.")
        }
    }

    private func json(_ uri: String) -> RedfishHTTPResponse {
        guard let value = resources[uri] else { return notFound(uri) }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let tag = etag(uri) { headers.append(("ETag", tag)) }
        return RedfishHTTPResponse(status: 200, headers: headers, body: value.jsonData)
    }

    private func notFound(_ uri: String) -> RedfishHTTPResponse {
        Self.error(404, "Base.1.8.ResourceMissingAtURI", "The resource at the URI \(uri) was not found.")
    }

    /// Finds the resource whose Actions list `target` and applies the action.
    private func action(_ target: String, _ body: JSONValue) -> RedfishHTTPResponse {
        for (owner, resource) in resources {
            guard let actions = resource["Actions"]?.objectValue else { continue }
            var all = actions
            if let oem = actions["Oem"]?.objectValue { all.merge(oem) { a, _ in a } }
            guard let name = all.first(where: { $0.value["target"]?.stringValue == target })?.key else { continue }
            var object = resource.objectValue ?? [:]
            switch name {
            case "#VirtualMedia.InsertMedia":
                guard let image = body["Image"]?.stringValue else { return Self.error(400, "Base.1.8.PropertyMissing", "The property Image is a required property.") }
                object["Image"] = .string(image)
                object["ImageName"] = .string(String(image.split(separator: "/").last ?? ""))
                object["Inserted"] = body["Inserted"] ?? true
                object["ConnectedVia"] = "URI"
            case "#VirtualMedia.EjectMedia":
                object["Image"] = nil
                object["ImageName"] = nil
                object["Inserted"] = false
                object["ConnectedVia"] = "NotConnected"
            case "#ComputerSystem.Reset":
                let type = body["ResetType"]?.stringValue ?? ""
                object["PowerState"] = type.contains("Off") || type == "GracefulShutdown" ? "Off" : "On"
            case let name where name.hasSuffix("ImportSystemConfiguration"):
                return RedfishHTTPResponse(status: 202, headers: [("Location", "/redfish/v1/TaskService/Tasks/JID_471269252011")])
            default:
                return RedfishHTTPResponse(status: 204)
            }
            resources[owner] = .object(object)
            versions[owner, default: 0] += 1
            return RedfishHTTPResponse(status: 204)
        }
        return notFound(target)
    }

    static func bare(_ tag: String) -> String {
        (tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    static func merge(_ base: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard var object = base.objectValue, let changes = patch.objectValue else { return patch }
        for (key, value) in changes {
            if let existing = object[key], existing.objectValue != nil, value.objectValue != nil { object[key] = merge(existing, value) }
            else { object[key] = value }
        }
        return .object(object)
    }
}

struct FakeError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension RedfishClient {
    /// A client for a fake BMC with no real waiting.
    /// Deadlines are wall-clock: generous, because other suites may keep the 2-thread pool busy; the
    /// tests that expect a timeout pass a short `settle`.
    static func fake(_ bmc: FakeBMC, password: String = "secret-pw", settle: Duration = .seconds(30)) -> RedfishClient {
        var timeouts = RedfishClient.Timeouts()
        timeouts.pollInterval = .milliseconds(1)
        timeouts.settle = settle
        timeouts.power = .seconds(30)
        timeouts.task = .seconds(30)
        return RedfishClient(transport: bmc, credentials: .init(username: "admin", password: password), timeouts: timeouts,
                             sleep: { _ in await Task.yield() })
    }
}
