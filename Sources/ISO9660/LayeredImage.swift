#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A virtual image: an unchanged source file with a few byte runs laid over it and extents appended
/// after it. This is what a per-host remaster produces: the source ISO is never copied or written;
/// only the overlay (replaced sectors and appended extents, kilobytes per host) lives in memory.
///
/// ```
///  0                        sourceByteCount                        byteCount
///  |== source ==|ovl|== source ==|ovl|== source ==|--- appended ---|0 pad|
/// ```
///
/// Readers (the media server, `write(to:)`, a simulated BMC) ask for `segments(in:)` and get source-file
/// runs, which they can move in the kernel (sendfile, copy_file_range), and in-memory bytes.
public struct LayeredImage: Sendable {
    /// One piece of the image in ascending offset order.
    public enum Segment: Sendable, Equatable {
        /// `length` bytes of the source file starting at `sourceOffset`.
        case source(sourceOffset: Int64, length: Int64)
        /// Bytes held in memory (overlay or appended data).
        case bytes(ArraySlice<UInt8>)
        /// `length` zero bytes (gaps between appended extents, padding to the volume size).
        case zeros(length: Int64)

        public var length: Int64 {
            switch self {
            case .source(_, let length), .zeros(let length): return length
            case .bytes(let bytes): return Int64(bytes.count)
            }
        }
    }

    /// A byte run laid over the image at `offset`.
    public struct Patch: Sendable, Equatable {
        public let offset: Int64
        public let bytes: [UInt8]
        public init(offset: Int64, bytes: [UInt8]) {
            self.offset = offset
            self.bytes = bytes
        }
        var end: Int64 { offset + Int64(bytes.count) }
    }

    public let sourcePath: String
    /// The identity of the source file when the image was made; a changed file must not be served.
    public let sourceIdentity: FileIdentity
    /// Bytes taken from the source file: `[0, sourceByteCount)` minus the patches.
    public let sourceByteCount: Int64
    /// The image's length; bytes past the source and the patches read as zeros.
    public let byteCount: Int64
    /// Non-overlapping, sorted by offset.
    public let patches: [Patch]

    /// Makes an image from a source file and patches. Later patches win where patches overlap.
    /// - Parameters:
    ///   - byteCount: the image length (for an ISO: volume space size × 2048). Defaults to the end of
    ///     the last patch or of the source, whichever is larger.
    public init(sourcePath: String, patches: [Patch], byteCount: Int64? = nil) throws {
        let identity = try FileIdentity(path: sourcePath)
        try self.init(sourcePath: sourcePath, sourceIdentity: identity, sourceByteCount: identity.byteCount,
                      patches: patches, byteCount: byteCount)
    }

    /// Makes an image over a source whose identity the caller already holds (an opened `ISOImage`).
    public init(sourcePath: String, sourceIdentity: FileIdentity, sourceByteCount: Int64, patches: [Patch],
                byteCount: Int64? = nil) throws {
        self.sourcePath = sourcePath
        self.sourceIdentity = sourceIdentity
        self.sourceByteCount = sourceByteCount
        let normalized = LayeredImage.normalize(patches)
        let patchEnd = normalized.last?.end ?? 0
        let length = byteCount ?? max(sourceByteCount, patchEnd)
        guard length >= patchEnd, length >= 0 else {
            throw ISO9660Error.layeredImage(
                detail: "a patch ends at byte \(patchEnd), past the image length \(length)",
                fix: "make the image length (the volume space size) cover every patch")
        }
        self.byteCount = length
        self.patches = normalized
    }

    /// Sorts patches and resolves overlaps (a later patch in the input wins), merging adjacent runs.
    static func normalize(_ input: [Patch]) -> [Patch] {
        var result: [Patch] = []
        for patch in input where !patch.bytes.isEmpty {
            // Cut every existing run that the new patch covers, then insert it.
            var next: [Patch] = []
            for old in result {
                if old.end <= patch.offset || old.offset >= patch.end {
                    next.append(old)
                    continue
                }
                if old.offset < patch.offset {
                    next.append(Patch(offset: old.offset, bytes: Array(old.bytes[0..<Int(patch.offset - old.offset)])))
                }
                if old.end > patch.end {
                    next.append(Patch(offset: patch.end, bytes: Array(old.bytes[Int(patch.end - old.offset)...])))
                }
            }
            next.append(patch)
            result = next.sorted { $0.offset < $1.offset }
        }
        var merged: [Patch] = []
        for patch in result {
            if let last = merged.last, last.end == patch.offset {
                merged[merged.count - 1] = Patch(offset: last.offset, bytes: last.bytes + patch.bytes)
            } else {
                merged.append(patch)
            }
        }
        return merged
    }

    /// Bytes held in memory for this image: what one more host costs.
    public var overlayByteCount: Int { patches.reduce(0) { $0 + $1.bytes.count } }

    /// A strong validator: equal for byte-identical images made from the same source file, different
    /// when the source file or any patch differs. Stable across runs (no random or clock input).
    public var etag: String {
        var hasher = StableHasher()
        hasher.combine(sourceIdentity.device)
        hasher.combine(sourceIdentity.inode)
        hasher.combine(UInt64(bitPattern: sourceIdentity.byteCount))
        hasher.combine(UInt64(bitPattern: sourceIdentity.modificationSeconds))
        hasher.combine(UInt64(sourceIdentity.modificationNanoseconds))
        hasher.combine(UInt64(bitPattern: byteCount))
        for patch in patches {
            hasher.combine(UInt64(bitPattern: patch.offset))
            hasher.combine(patch.bytes)
        }
        return "\"" + hasher.hexDigest + "\""
    }

    /// The pieces that make up `range` (clamped to the image), in order, with no empty pieces.
    public func segments(in range: Range<Int64>) -> [Segment] {
        let lower = max(0, range.lowerBound)
        let upper = min(byteCount, range.upperBound)
        guard lower < upper else { return [] }
        var result: [Segment] = []
        var position = lower
        // First patch that ends after `lower` (binary search: images can carry hundreds of patches).
        var index = firstPatch(endingAfter: lower)
        while position < upper {
            let nextPatch = index < patches.count ? patches[index] : nil
            if let patch = nextPatch, patch.offset <= position {
                let start = Int(position - patch.offset)
                let end = Int(min(upper, patch.end) - patch.offset)
                result.append(.bytes(patch.bytes[start..<end]))
                position = patch.offset + Int64(end)
                index += 1
                continue
            }
            let gapEnd = min(upper, nextPatch?.offset ?? upper)
            if position < sourceByteCount {
                let end = min(gapEnd, sourceByteCount)
                result.append(.source(sourceOffset: position, length: end - position))
                position = end
            } else {
                result.append(.zeros(length: gapEnd - position))
                position = gapEnd
            }
        }
        return result
    }

    private func firstPatch(endingAfter offset: Int64) -> Int {
        var low = 0, high = patches.count
        while low < high {
            let mid = (low + high) / 2
            if patches[mid].end <= offset { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Checks that the source file is still the one the image was made from (size, mtime, inode).
    public func checkSourceUnchanged() throws {
        let now = try FileIdentity(path: sourcePath)
        if now != sourceIdentity {
            throw ISO9660Error.sourceChanged(path: sourcePath, reason: sourceIdentity.difference(to: now))
        }
    }

    /// Reads `range` into memory (tests, simulators, small reads; use `segments(in:)` for streaming).
    public func read(_ range: Range<Int64>) throws -> [UInt8] {
        let descriptor = open(sourcePath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ISO9660Error.io(operation: "open", path: sourcePath, errno: errno) }
        defer { close(descriptor) }
        var output: [UInt8] = []
        output.reserveCapacity(Int(max(0, min(range.upperBound, byteCount) - max(0, range.lowerBound))))
        for segment in segments(in: range) {
            switch segment {
            case .bytes(let bytes): output.append(contentsOf: bytes)
            case .zeros(let length): output.append(contentsOf: repeatElement(0, count: Int(length)))
            case .source(let offset, let length):
                let start = output.count
                output.append(contentsOf: repeatElement(0, count: Int(length)))
                try output.withUnsafeMutableBytes { buffer in
                    try FileDescriptorIO.preadFully(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[start...]),
                                          at: offset, path: sourcePath)
                }
            }
        }
        return output
    }

    /// What `write(to:)` did, for reports and benchmarks.
    public struct WriteReport: Sendable {
        public let byteCount: Int64
        /// Bytes moved by the kernel (copy_file_range) rather than through user space.
        public let kernelCopiedByteCount: Int64
        public let memoryByteCount: Int64
    }

    /// Writes the image to `path` atomically: a temporary file beside it is filled (source runs copied
    /// in the kernel with copy_file_range where the file systems allow, read/write otherwise; overlay
    /// bytes from memory), fsynced, and renamed over `path`. The source file is opened read-only and
    /// writing to it is refused.
    /// - Parameter progress: called with the bytes written so far, at most every few MiB.
    @discardableResult
    public func write(to path: String, progress: ((Int64) -> Void)? = nil) throws -> WriteReport {
        if let target = try? FileIdentity(path: path), target.device == sourceIdentity.device,
           target.inode == sourceIdentity.inode {
            throw ISO9660Error.layeredImage(detail: "refusing to write over the source image \(sourcePath)",
                                            fix: "choose another output path; the source is never modified")
        }
        try checkSourceUnchanged()
        let input = open(sourcePath, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw ISO9660Error.io(operation: "open", path: sourcePath, errno: errno) }
        defer { close(input) }
        let temporary = path + ".partial-\(getpid())"
        let output = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw ISO9660Error.io(operation: "create", path: temporary, errno: errno) }
        var committed = false
        defer {
            if !committed {
                close(output)
                unlink(temporary)
            }
        }
        var written: Int64 = 0, kernel: Int64 = 0, memory: Int64 = 0
        var lastReport: Int64 = 0, writebackStarted: Int64 = 0
        func report() {
            if written - writebackStarted >= 16 << 20 {
                FileDescriptorIO.startWriteback(output, at: writebackStarted, length: written - writebackStarted)
                writebackStarted = written
            }
            if let progress, written - lastReport >= 8 << 20 || written == byteCount {
                lastReport = written
                progress(written)
            }
        }
        for segment in segments(in: 0..<byteCount) {
            switch segment {
            case .bytes(let bytes):
                try bytes.withUnsafeBytes { try FileDescriptorIO.pwriteFully(output, $0, at: written, path: temporary) }
                memory += Int64(bytes.count)
                written += Int64(bytes.count)
            case .zeros(let length):
                // Zero runs stay holes: the final ftruncate gives the file its full length.
                written += length
            case .source(let offset, let length):
                let moved = try FileDescriptorIO.copyRange(from: input, at: offset, to: output, at: written, count: length,
                                                 sourcePath: sourcePath, targetPath: temporary) { done in
                    written += done
                    report()
                }
                kernel += moved
                continue
            }
            report()
        }
        if ftruncate(output, off_t(byteCount)) != 0 { throw ISO9660Error.io(operation: "truncate", path: temporary, errno: errno) }
        if fsync(output) != 0 { throw ISO9660Error.io(operation: "fsync", path: temporary, errno: errno) }
        if close(output) != 0 { throw ISO9660Error.io(operation: "close", path: temporary, errno: errno) }
        committed = true
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw ISO9660Error.io(operation: "rename into place", path: path, errno: code)
        }
        FileDescriptorIO.syncDirectory(of: path)
        return WriteReport(byteCount: byteCount, kernelCopiedByteCount: kernel, memoryByteCount: memory)
    }
}
