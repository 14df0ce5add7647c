import Foundation

/// One `@Message.ExtendedInfo` entry (Redfish Message schema): what the BMC says went wrong and how to fix it.
public struct RedfishMessage: Decodable, Sendable, Equatable {
    public let messageId: String?
    public let message: String?
    public let resolution: String?
    public let severity: String?
    public let messageArgs: [String]?

    enum CodingKeys: String, CodingKey {
        case messageId = "MessageId", message = "Message", resolution = "Resolution", severity = "Severity",
             messageArgs = "MessageArgs", messageSeverity = "MessageSeverity"
    }

    public init(messageId: String?, message: String?, resolution: String? = nil, severity: String? = nil) {
        self.messageId = messageId
        self.message = message
        self.resolution = resolution
        self.severity = severity
        self.messageArgs = nil
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        messageId = try? c.decodeIfPresent(String.self, forKey: .messageId)
        message = try? c.decodeIfPresent(String.self, forKey: .message)
        resolution = try? c.decodeIfPresent(String.self, forKey: .resolution)
        severity = (try? c.decodeIfPresent(String.self, forKey: .messageSeverity)) ?? (try? c.decodeIfPresent(String.self, forKey: .severity))
        // Some BMCs send numbers in MessageArgs; keep their text.
        messageArgs = (try? c.decodeIfPresent([JSONValue].self, forKey: .messageArgs))?.map { $0.stringValue ?? $0.description }
    }

    /// The last dotted part of the MessageId (`Base.1.18.PropertyNotWritable` → `PropertyNotWritable`),
    /// which stays the same across registry versions and vendors.
    public var key: String { messageId?.split(separator: ".").last.map(String.init) ?? "" }

    /// The messages of a Redfish error envelope `{"error": {"code", "message", "@Message.ExtendedInfo": [...]}}`,
    /// or of a resource that carries `@Message.ExtendedInfo` itself. Empty when the body is not such JSON.
    public static func messages(in body: Data) -> [RedfishMessage] {
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: body) else { return [] }
        let error = json["error"] ?? json
        var result: [RedfishMessage] = []
        if case .array(let items)? = error["@Message.ExtendedInfo"] {
            for item in items {
                if let message = try? JSONDecoder().decode(RedfishMessage.self, from: item.jsonData) { result.append(message) }
            }
        }
        if result.isEmpty, let code = error["code"]?.stringValue {
            result.append(RedfishMessage(messageId: code, message: error["message"]?.stringValue))
        }
        return result
    }
}
