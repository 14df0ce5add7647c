#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why making, reading or writing a `LayeredImage` failed. `description` is what the user reads.
public enum LayeredImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The patches or options are inconsistent (a programming or planning error upstream).
    case layeredImage(String)
    /// The source file changed since the image was made; serving or writing it would mix two files.
    case sourceChanged(path: String, reason: String)
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .layeredImage(let message):
            return message
        case .sourceChanged(let path, let reason):
            return "the source image \(path) changed after the per-host images were made (\(reason)); "
                + "restore the original file or run the command again"
        case .io(let path, let operation, let code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code)))"
        }
    }
}
