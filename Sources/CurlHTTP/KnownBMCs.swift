import Foundation

/// The known-BMCs file: one line per TLS endpoint, `host:port sha256//BASE64`, like SSH's known_hosts.
/// The first connection records the server's public-key pin; later connections must present the same key.
public struct KnownBMCs: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// `~/.config/vmedia/known_bmcs` (or `$XDG_CONFIG_HOME/vmedia/known_bmcs`).
    public static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CONFIG_HOME"] ?? ((env["HOME"] ?? NSTemporaryDirectory()) + "/.config")
        return base + "/vmedia/known_bmcs"
    }

    /// The pin recorded for `endpoint` (`host:port`), if any.
    public func pin(for endpoint: String) throws -> String? {
        try entries()[endpoint]
    }

    /// Appends `endpoint pin`, creating the file (mode 0600) and its folder when missing.
    public func record(_ pin: String, for endpoint: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let line = "\(endpoint) \(pin)\n"
        if FileManager.default.fileExists(atPath: path) {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(line.utf8))
        } else {
            try Data(line.utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
    }

    func entries() throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var result: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, !fields[0].hasPrefix("#") else { continue }
            result[String(fields[0])] = String(fields[1])
        }
        return result
    }
}
