#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Primitives

/// Where image bytes come from: positional reads, so the reader never loads a whole image and can read
/// a local file (`FileSectorSource`), memory (`ByteArraySectorSource`), or, through another conformance,
/// HTTP range requests (as a BMC does).
public protocol SectorSource: Sendable {
    /// The image size in bytes.
    var byteCount: Int64 { get }
    /// Exactly `count` bytes at `offset`; throws when the range is not entirely inside the image.
    func read(at offset: Int64, count: Int) throws -> [UInt8]
}

extension SectorSource {
    /// Checked read of `count` bytes at `offset` on behalf of `structure` at `sector`: a range past the end
    /// becomes a `truncated` error naming the structure.
    func read(at offset: Int64, count: Int, for structure: String, sector: Int64) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + Int64(count) <= byteCount else {
            throw ISO9660Error.truncated(structure: structure, sector: sector, neededBytes: offset + Int64(count),
                                         imageBytes: byteCount)
        }
        return try read(at: offset, count: count)
    }

    /// Reads one logical block.
    func block(_ lba: Int64, for structure: String) throws -> [UInt8] {
        try read(at: lba * Int64(LogicalBlockAddress.blockSize), count: LogicalBlockAddress.blockSize,
                 for: structure, sector: lba)
    }
}

/// An image held in memory (tests, the fuzzer, small generated images).
public struct ByteArraySectorSource: SectorSource {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var byteCount: Int64 { Int64(bytes.count) }

    public func read(at offset: Int64, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + Int64(count) <= byteCount else {
            throw ISO9660Error.truncated(structure: "SectorSource", sector: offset / 2048,
                                         neededBytes: offset + Int64(count), imageBytes: byteCount)
        }
        return Array(bytes[Int(offset)..<(Int(offset) + count)])
    }
}

/// A local image file read with `pread(2)`. It opens the file read-only once, and counts what it reads
/// so benchmarks and tests can prove that parsing touches only metadata.
public final class FileSectorSource: SectorSource, @unchecked Sendable {
    // @unchecked: the descriptor is immutable after init and pread is thread-safe; the counters live in
    // a `Locked` box.
    public let path: String
    public let byteCount: Int64
    private let descriptor: Int32
    private struct Counters {
        var readCalls = 0
        var bytesRead: Int64 = 0
        var blocks = Set<Int64>()
    }
    private let counters = Locked(Counters())

    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ISO9660Error.io(operation: "open", path: path, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw ISO9660Error.io(operation: "stat", path: path, errno: code)
        }
        self.path = path
        self.descriptor = fd
        self.byteCount = Int64(info.st_size)
    }

    deinit { close(descriptor) }

    public func read(at offset: Int64, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + Int64(count) <= byteCount else {
            throw ISO9660Error.truncated(structure: "SectorSource", sector: offset / 2048,
                                         neededBytes: offset + Int64(count), imageBytes: byteCount)
        }
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset + Int64(done)))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ISO9660Error.io(operation: "read", path: path, errno: errno)
            }
            if n == 0 {
                throw ISO9660Error.truncated(structure: "SectorSource", sector: offset / 2048,
                                             neededBytes: offset + Int64(count), imageBytes: offset + Int64(done))
            }
            done += n
        }
        counters.withLock { counters in
            counters.readCalls += 1
            counters.bytesRead += Int64(count)
            if count > 0 {
                let first = offset / 2048, last = (offset + Int64(count) - 1) / 2048
                // Only small reads are recorded block by block; file data reads would bloat the set.
                if last - first < 64 { for block in first...last { counters.blocks.insert(block) } }
            }
        }
        return buffer
    }

    /// What this source has read so far.
    public struct Statistics: Sendable {
        public let readCalls: Int
        public let bytesRead: Int64
        /// Distinct 2048-byte blocks touched by reads of at most 64 blocks.
        public let distinctBlocks: Int
    }

    public var statistics: Statistics {
        counters.withLock { Statistics(readCalls: $0.readCalls, bytesRead: $0.bytesRead, distinctBlocks: $0.blocks.count) }
    }
}
