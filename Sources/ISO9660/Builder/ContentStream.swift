#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Primitives

/// Streams `ISOBuilder.Content` in chunks, so file data is never held in memory as a whole.
enum ContentStream {
    static let chunkSize = 1 << 20

    /// Calls `body` with consecutive chunks of the content's first `byteCount` bytes.
    static func forEachChunk(of content: ISOBuilder.Content, byteCount: Int64,
                             _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch content {
        case .bytes(let bytes):
            try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(byteCount)])) }
        case .generated(_, let seed):
            var generator = SplitMix64(seed: seed)
            var buffer = [UInt8](repeating: 0, count: chunkSize)
            var remaining = byteCount
            while remaining > 0 {
                let count = Int(min(Int64(chunkSize), remaining))
                buffer.withUnsafeMutableBytes { raw in
                    // Whole little-endian words; the last word of the content is cut short.
                    let words = (count + 7) / 8
                    for i in 0..<words {
                        let value = generator.next().littleEndian
                        if (i + 1) * 8 <= count {
                            raw.storeBytes(of: value, toByteOffset: i * 8, as: UInt64.self)
                        } else {
                            withUnsafeBytes(of: value) { word in
                                for j in 0..<(count - i * 8) { raw[i * 8 + j] = word[j] }
                            }
                        }
                    }
                }
                try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                remaining -= Int64(count)
            }
        case .file(let path):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw ISO9660Error.io(operation: "open", path: path, errno: errno) }
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: chunkSize)
            var remaining = byteCount
            while remaining > 0 {
                let want = Int(min(Int64(chunkSize), remaining))
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, want) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ISO9660Error.io(operation: "read", path: path, errno: errno)
                }
                guard n > 0 else {
                    throw ISO9660Error.invalidBuildInput(detail: "\(path) became shorter while the image was written",
                                                         fix: "do not modify input files during the build")
                }
                try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                remaining -= Int64(n)
            }
        }
    }
}
