/// `Task`: what a 202 Accepted started (Dell SCP import, some inserts).
public struct RedfishTask: Decodable, Sendable {
    public let odataID: String?
    public let id: String?
    public let taskState: String?
    public let taskStatus: String?
    public let percentComplete: Int?
    public let messages: [RedfishMessage]?

    enum CodingKeys: String, CodingKey {
        case odataID = "@odata.id", id = "Id", taskState = "TaskState", taskStatus = "TaskStatus",
             percentComplete = "PercentComplete", messages = "Messages"
    }

    public var isFinished: Bool { ["Completed", "Exception", "Killed", "Cancelled"].contains(taskState ?? "") }
    public var succeeded: Bool { taskState == "Completed" && (taskStatus ?? "OK") != "Critical" }
}
