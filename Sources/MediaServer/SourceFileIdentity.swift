#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies a source file's content cheaply: device, inode, size and modification time (ns).
///
/// Images built over a source ISO record this when built and compare it on every request, so replacing or
/// rewriting the ISO while BMCs read it yields `503` and a log line instead of silently mixed bytes.
public struct SourceFileIdentity: Sendable, Hashable, CustomStringConvertible {
    public let device: UInt64
    public let inode: UInt64
    public let size: Int64
    public let modificationTime: Int64  // nanoseconds since 1970

    /// Reads the identity of the file at `path` (following symlinks, like `open` does).
    public init(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw MediaServerError.sourceUnreadable(path: path, errno: errno)
        }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modificationTime = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
        modificationTime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
    }

    /// Throws `MediaServerError.sourceChanged` naming what differs between `self` and the file now at `path`.
    public func check(path: String) throws {
        let now = try SourceFileIdentity(path: path)
        var changes: [String] = []
        if now.device != device || now.inode != inode { changes.append("inode \(inode) → \(now.inode)") }
        if now.size != size { changes.append("size \(size) → \(now.size) bytes") }
        if now.modificationTime != modificationTime {
            // Nanoseconds, because a rewrite within the same second still changes the file.
            changes.append("mtime \(Self.format(modificationTime)) → \(Self.format(now.modificationTime))")
        }
        if !changes.isEmpty { throw MediaServerError.sourceChanged(path: path, changes: changes) }
    }

    private static func format(_ nanoseconds: Int64) -> String {
        var fraction = "\(nanoseconds % 1_000_000_000)"
        while fraction.count < 9 { fraction = "0" + fraction }
        return "\(HTTPDate(nanoseconds: nanoseconds)) +.\(fraction)s"
    }

    /// The modification time as an HTTP date (whole seconds), for `Last-Modified`.
    public var lastModified: HTTPDate { HTTPDate(nanoseconds: modificationTime) }

    public var description: String { "dev \(device) inode \(inode) size \(size) mtime \(modificationTime)ns" }
}
