import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything that can go wrong in the media server. `description` is what the operator reads: what failed,
/// where, and how to fix it. `status` is the one place where failures become HTTP statuses.
public enum MediaServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A source file behind an image cannot be read (deleted, permissions).
    case sourceUnreadable(path: String, errno: Int32)
    /// A source file behind an image is not the file it was built from.
    case sourceChanged(path: String, changes: [String])
    /// A host name or file name that cannot be part of an image URL.
    case invalidPathComponent(kind: String, value: String, reason: String)
    /// The URL would be too long for BMCs (they reject URLs of 255 characters or more).
    case urlTooLong(url: String, limit: Int)
    /// Publishing under a host name that already has an image.
    case alreadyPublished(host: String)
    /// The listen address could not be parsed or bound.
    case cannotListen(address: String, reason: String)
    /// Binding failed with EADDRINUSE: another process (or another vmedia) listens there.
    case addressInUse(address: String)
    /// `start` was called twice, or the server was used after `shutdown`.
    case invalidState(String)
    /// HTTPS media: the certificate or key cannot be read, made or used, or an https URL was asked of a server
    /// without TLS.
    case tls(String)

    public var description: String {
        switch self {
        case .sourceUnreadable(let path, let code):
            return "cannot read source file \(path): \(String(cString: strerror(code))); "
                + "restore the file (or republish the images from the new one)"
        case .sourceChanged(let path, let changes):
            return "source file \(path) changed while being served (\(changes.joined(separator: ", "))); "
                + "its images answer 503 until they are rebuilt from the new file — never replace an ISO that BMCs are reading"
        case .invalidPathComponent(let kind, let value, let reason):
            return "cannot publish an image with \(kind) \"\(value)\": \(reason); "
                + "use letters, digits, '.', '-' and '_' only (not starting with '.')"
        case .urlTooLong(let url, let limit):
            return "image URL \(url) is \(url.utf8.count) characters, BMCs accept fewer than \(limit); "
                + "use a shorter host or file name"
        case .alreadyPublished(let host):
            return "host \(host) already has a published image; unpublish it first"
        case .cannotListen(let address, let reason):
            return "cannot listen on \(address): \(reason); pass --listen IP:PORT with an address of this machine and a free port"
        case .addressInUse(let address):
            return "\(address) is in use (by another process): pass --listen with a free port"
        case .invalidState(let what):
            return "media server: \(what)"
        case .tls(let what):
            return "media server HTTPS: \(what)"
        }
    }

    /// The HTTP status a request gets when answering it fails with this error.
    public var status: HTTPResponseStatus {
        switch self {
        // The image exists but its bytes cannot be trusted right now: a temporary condition for the client, which
        // BMCs retry; the log line says why.
        case .sourceUnreadable, .sourceChanged: return .serviceUnavailable
        case .invalidPathComponent, .urlTooLong, .alreadyPublished, .cannotListen, .addressInUse, .invalidState, .tls:
            return .internalServerError
        }
    }
}
