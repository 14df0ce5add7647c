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

    /// Appends `endpoint pin`, creating the file (mode 0600) and its folder when missing. One `O_APPEND` write
    /// per line, so hosts recorded at once by concurrent installs (or two vmedia runs) never overwrite each other.
    public func record(_ pin: String, for endpoint: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RecordError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let line = Array("\(endpoint) \(pin)\n".utf8)
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else {
            throw RecordError(path: path, reason: written < 0 ? String(cString: strerror(errno)) : "short write")
        }
    }

    /// The known-BMCs file could not be written.
    public struct RecordError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String {
            "cannot record the BMC's TLS key in \(path): \(reason); make the file writable or pass --known-bmcs FILE"
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
