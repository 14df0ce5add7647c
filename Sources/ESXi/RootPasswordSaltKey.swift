import Digest
import Foundation

/// The secret the crypted root password's salt is derived from, kept outside every image.
///
/// Why: a salt computed from public inputs (the host name) and the password lets anyone who fetches an image test a
/// guess with one SHA-512 of the guess, instead of a 5,000-round crypt (issue 17 measured about 700× faster). The salt
/// is HMAC-SHA-512(key, host name ‖ password), so without the key it is as unpredictable as a random one, while one
/// machine keeps rendering the same bytes for the same inputs (per-host images and their ETags stay stable run to
/// run, as the media server's resumable downloads want).
///
/// Where the key lives: `$VMEDIA_SALT_KEY_FILE` when set, else `$XDG_CONFIG_HOME/vmedia/rootpw-salt.key` (default
/// `~/.config/vmedia/rootpw-salt.key`). It is 32 random bytes, created on first use with mode 0600 in a 0700
/// folder. When it cannot be read or created (a read-only home), the key is random for this process: salts are
/// then fresh each run, which is as safe, only not byte-stable.
public struct RootPasswordSaltKey: Sendable, Equatable, CustomStringConvertible {
    public static let byteCount = 32
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// A key that exists only in this process.
    public static func random() -> RootPasswordSaltKey {
        var generator = SystemRandomNumberGenerator()
        return RootPasswordSaltKey(bytes: (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The machine's key (see the type's documentation), loaded once per process.
    public static let machine: RootPasswordSaltKey = (try? load(path: defaultPath())) ?? .random()

    /// `$VMEDIA_SALT_KEY_FILE`, else the key file under the XDG configuration folder.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["VMEDIA_SALT_KEY_FILE"], !path.isEmpty { return path }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return config + "/vmedia/rootpw-salt.key"
    }

    /// Reads the key at `path`, creating it (and its folder) with fresh random bytes when it does not exist.
    /// Two processes racing to create it agree: the file is created exclusively and the loser reads the winner's.
    public static func load(path: String) throws -> RootPasswordSaltKey {
        if let existing = try read(path) { return existing }
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let key = random()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST, let winner = try read(path) { return winner }
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { close(fd) }
        let written = key.bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == byteCount, fsync(fd) == 0 else {
            unlink(path)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return key
    }

    private static func read(_ path: String) throws -> RootPasswordSaltKey? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        // A short file (an interrupted write) would weaken the key: treat it as unreadable.
        guard data.count >= byteCount else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path]) }
        return RootPasswordSaltKey(bytes: Array(data.prefix(byteCount)))
    }

    /// The 16 salt characters for `password` on the host `context`: HMAC-SHA-512 (RFC 2104) keyed with this key.
    public func salt(password: String, context: String) -> String {
        let message = Array("vmedia rootpw salt\u{0}\(context)\u{0}".utf8) + Array(password.utf8)
        return SHA512Crypt.saltCharacters(from: Self.hmacSHA512(key: bytes, message: message))
    }

    static func hmacSHA512(key: [UInt8], message: [UInt8]) -> [UInt8] {
        SHA512.hmac(key: key, message: message)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.bytes == rhs.bytes }
    /// Masked: the key is a secret like the password it protects.
    public var description: String { "RootPasswordSaltKey(\(SecretRendering.maskText))" }
}
