#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies a file's contents cheaply: device, inode, size and modification time.
/// A source ISO whose identity changes while per-host images are served must not be served any more.
public struct FileIdentity: Sendable, Equatable {
    public let device: UInt64
    public let inode: UInt64
    public let byteCount: Int64
    public let modificationSeconds: Int64
    public let modificationNanoseconds: Int32

    public init(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw ISO9660Error.io(operation: "stat", path: path, errno: errno) }
        self.init(info)
    }

    public init(descriptor: Int32, path: String) throws {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ISO9660Error.io(operation: "fstat", path: path, errno: errno) }
        self.init(info)
    }

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        byteCount = Int64(info.st_size)
        #if canImport(Darwin)
        modificationSeconds = Int64(info.st_mtimespec.tv_sec)
        modificationNanoseconds = Int32(info.st_mtimespec.tv_nsec)
        #else
        modificationSeconds = Int64(info.st_mtim.tv_sec)
        modificationNanoseconds = Int32(info.st_mtim.tv_nsec)
        #endif
    }

    /// A short human explanation of how `other` differs from `self`.
    public func difference(to other: FileIdentity) -> String {
        var reasons: [String] = []
        if other.byteCount != byteCount { reasons.append("size \(byteCount) → \(other.byteCount) bytes") }
        if other.inode != inode || other.device != device { reasons.append("replaced by another file (inode \(inode) → \(other.inode))") }
        if other.modificationSeconds != modificationSeconds || other.modificationNanoseconds != modificationNanoseconds {
            reasons.append("modified (mtime changed)")
        }
        return reasons.isEmpty ? "unchanged" : reasons.joined(separator: ", ")
    }
}
