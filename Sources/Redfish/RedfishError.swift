import Foundation

/// Everything the Redfish module can fail with. `description` is what the operator reads: the request,
/// what the BMC said (status, MessageId, message, Resolution), and what to do next.
public enum RedfishError: Error, CustomStringConvertible, Sendable {
    /// The BMC answered with an error status.
    case http(method: String, uri: String, status: Int, messages: [RedfishMessage], bodySnippet: String)
    /// No HTTP answer (connection, TLS, timeout); `detail` is the transport's own description.
    case transport(method: String, uri: String, detail: String)
    /// A 2xx answer whose body is not JSON where a resource was expected.
    case notJSON(method: String, uri: String, status: Int, bodySnippet: String)
    /// JSON that does not fit the Redfish schema: a field of the wrong type.
    case unexpectedJSON(uri: String, field: String, detail: String)
    /// Login failed (wrong credentials, locked account, no privilege).
    case authentication(uri: String, status: Int, messages: [RedfishMessage])
    /// The BMC does not offer something the operation needs.
    case unsupported(operation: String, detail: String)
    /// A task the BMC started ended in Exception, Killed or Cancelled.
    case taskFailed(uri: String, state: String, messages: [RedfishMessage])
    /// Polling gave up: the BMC did not reach the expected state in time.
    case timedOut(operation: String, uri: String, seconds: Int, lastSeen: String)
    /// The BMC accepted a change but reading it back shows something else.
    case verificationFailed(operation: String, uri: String, expected: String, found: String)
    /// A BMC address that cannot be used.
    case invalidAddress(String, reason: String)
    /// A BMC error with the vendor profile's advice for the field (what usually causes it, what fixes it).
    indirect case advised(RedfishError, advice: String)

    public var description: String {
        switch self {
        case let .http(method, uri, status, messages, snippet):
            var text = "\(method) \(uri) → HTTP \(status)"
            text += messages.isEmpty ? (snippet.isEmpty ? "" : ": \(snippet)") : ": " + Self.describe(messages)
            if let hint = Self.hint(status: status, messages: messages) { text += " — \(hint)" }
            return text
        case let .transport(method, uri, detail):
            return "\(method) \(uri): \(detail)"
        case let .notJSON(method, uri, status, snippet):
            return "\(method) \(uri) → HTTP \(status) with a body that is not JSON (\(snippet.isEmpty ? "empty" : "\"\(snippet)\"")); "
                + "is this address a Redfish service (https://BMC/redfish/v1)?"
        case let .unexpectedJSON(uri, field, detail):
            return "\(uri): field \(field) \(detail); the BMC's answer does not follow the Redfish schema "
                + "(report it with the output of: vmedia bmc ... info --json)"
        case let .authentication(uri, status, messages):
            return "login to \(uri) refused (HTTP \(status))" + (messages.isEmpty ? "" : ": " + Self.describe(messages))
                + " — check the user name and password and that the account "
                + "has the Administrator or Operator role and is not locked"
        case let .unsupported(operation, detail):
            return "\(operation): \(detail)"
        case let .taskFailed(uri, state, messages):
            return "task \(uri) ended \(state)" + (messages.isEmpty ? "" : ": " + Self.describe(messages))
        case let .timedOut(operation, uri, seconds, lastSeen):
            return "\(operation): \(uri) did not reach the expected state within \(seconds) s (last seen: \(lastSeen))"
        case let .verificationFailed(operation, uri, expected, found):
            return "\(operation): the BMC accepted the request but \(uri) shows \(found), expected \(expected)"
        case let .invalidAddress(address, reason):
            return "BMC address \"\(address)\": \(reason) (use host, host:port or https://host:port)"
        case let .advised(error, advice):
            return "\(error) — \(advice)"
        }
    }

    /// The BMC's own words: `MessageId: Message Resolution: …` for every ExtendedInfo entry.
    static func describe(_ messages: [RedfishMessage]) -> String {
        messages.map { message in
            var parts: [String] = []
            if let id = message.messageId { parts.append(id) }
            if let text = message.message { parts.append(text) }
            var line = parts.joined(separator: ": ")
            if let resolution = message.resolution, !resolution.isEmpty { line += " Resolution: \(resolution)" }
            return line
        }.joined(separator: "; ")
    }

    /// Our advice for statuses whose cause is clear without the BMC's help.
    static func hint(status: Int, messages: [RedfishMessage]) -> String? {
        // F18: a full session table (iDRAC RAC0218 as 503, stmcginnis/gofish#75; DMTF SessionLimitExceeded). Basic
        // auth is no way round it: the sessions belong to someone, and iDRAC10 refuses Basic anyway (F10).
        if messages.contains(where: { ["RAC0218", "SessionLimitExceeded"].contains($0.key) }) {
            return "the BMC's session table is full: sessions left open by other tools or earlier runs hold every slot "
                + "(iDRAC ends an idle session after 30 minutes). Close them (iDRAC: racadm closessn, or the web interface's "
                + "Sessions page; any BMC: DELETE them under /redfish/v1/SessionService/Sessions) or wait, then retry"
        }
        switch status {
        case 401: return "the BMC rejected the credentials or the session expired"
        case 403: return "the account lacks the privilege for this (needs ConfigureComponents/Administrator), or a licence is missing"
        case 404: return "the BMC has no such resource; its firmware may use other paths (run vmedia bmc ... info)"
        case 405: return "the BMC does not allow this method here"
        case 412: return "the resource changed since it was read (ETag mismatch)"
        case 503: return "the BMC is busy or has too many sessions; wait a minute and retry"
        default: return nil
        }
    }

    /// The MessageId keys (`PropertyNotWritable`, …) of an HTTP error, for quirk handling.
    public var messageKeys: [String] {
        switch self {
        case let .http(_, _, _, messages, _), let .taskFailed(_, _, messages): return messages.map(\.key)
        case let .advised(error, _): return error.messageKeys
        default: return []
        }
    }

    public var status: Int? {
        switch self {
        case let .http(_, _, status, _, _): return status
        case let .advised(error, _): return error.status
        default: return nil
        }
    }

    /// All text the BMC sent with an HTTP error (to look for property names such as `TransferProtocolType`).
    public var bmcText: String {
        let snippet: String, messages: [RedfishMessage]
        switch self {
        case let .http(_, _, _, m, s): (snippet, messages) = (s, m)
        case let .taskFailed(_, _, m): (snippet, messages) = ("", m)
        case let .advised(error, _): return error.bmcText
        default: return ""
        }
        return ([snippet] + messages.flatMap { [$0.messageId ?? "", $0.message ?? "", $0.resolution ?? ""] + ($0.messageArgs ?? []) })
            .joined(separator: " ")
    }
}
