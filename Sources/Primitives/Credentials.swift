/// A user name and password (a BMC login, HTTP Basic). `description` never shows the password, so a credential
/// interpolated into a log line or an error by mistake leaks nothing.
public struct Credentials: Sendable, CustomStringConvertible {
    public let username: String
    public let password: String
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
    public var description: String { "\(username):******" }
}
