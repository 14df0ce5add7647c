import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The writing state of one response: its encoded head, then the image segments still to send, one piece at a time.
final class ResponseInProgress {
    let request: HTTPRequestHead
    let plan: PlannedResponse
    let keepAlive: Bool
    let start: NIODeadline
    let wallStart: Double
    private let chunk: Int64
    private var segments: [ImageSegment]
    private var index = 0
    private var offsetInSegment: Int64 = 0
    private let files: [String: NIOFileHandle]
    /// The head (with a small in-memory body appended, such as a 404's text), written first.
    private var head: ByteBuffer?
    private let headBodyBytes: Int
    /// Body bytes the client's kernel has accepted: what the access log and the statistics count.
    var bytesSent: Int64 = 0
    /// On the event loop's clock (`EventLoop.now`), so the watchdog and tests agree on time.
    var lastProgress: NIODeadline
    var lastPartWritten = false
    var finished = false
    var corked = false
    var cutReason: String?
    /// Over TLS file runs are read into buffers (a FileRegion cannot go through encryption); set when such a read
    /// failed: the response is cut there, as a failed sendfile would be.
    private(set) var readFailure: String?
    /// Non-nil over TLS: the allocator for the buffers file runs are read into.
    private let bufferAllocator: ByteBufferAllocator?

    /// - Parameters:
    ///   - head: the encoded status line and header fields, with `bodyInHead` bytes of body already appended.
    ///   - files: an open handle for every path the segments use (owned by the connection, not closed here).
    init(request: HTTPRequestHead, plan: PlannedResponse, head: ByteBuffer, bodyInHead: Int, segments: [ImageSegment],
         files: [String: NIOFileHandle], keepAlive: Bool, start: NIODeadline, wallStart: Double, now: NIODeadline,
         chunk: Int64, readIntoBuffers bufferAllocator: ByteBufferAllocator? = nil) {
        self.bufferAllocator = bufferAllocator
        self.request = request
        self.plan = plan
        self.head = head
        self.headBodyBytes = bodyInHead
        self.segments = segments
        self.files = files
        self.keepAlive = keepAlive
        self.start = start
        self.wallStart = wallStart
        self.lastProgress = now
        self.chunk = chunk
    }

    /// True once `nextPart` has nothing more to give.
    var isExhausted: Bool { head == nil && index >= segments.count }

    /// The next piece to write and how many body bytes it carries: the head first, then file runs of at most
    /// `chunk` bytes as FileRegions (sendfile) and in-memory slices.
    func nextPart() -> (data: IOData, bodyBytes: Int64)? {
        if let head {
            self.head = nil
            return (.byteBuffer(head), Int64(headBodyBytes))
        }
        while index < segments.count {
            switch segments[index] {
            case .bytes(let buffer):
                index += 1
                if buffer.readableBytes > 0 { return (.byteBuffer(buffer), Int64(buffer.readableBytes)) }
            case .zeros(let length):
                let size = min(length - offsetInSegment, Int64(Self.zeros.readableBytes))
                guard size > 0 else {
                    index += 1
                    offsetInSegment = 0
                    continue
                }
                advance(by: size, segmentLength: length)
                return (.byteBuffer(Self.zeros.getSlice(at: 0, length: Int(size))!), size)
            case .file(let path, let offset, let length):
                let remaining = length - offsetInSegment
                guard remaining > 0, let handle = files[path] else {
                    index += 1
                    offsetInSegment = 0
                    continue
                }
                let start = offset + offsetInSegment
                if let bufferAllocator {
                    let size = min(remaining, min(chunk, Self.tlsReadBytes))
                    guard let buffer = Self.read(handle, at: start, count: Int(size), allocator: bufferAllocator) else {
                        readFailure = "cannot read \(size) bytes at \(start) of \(path)"
                        discard()
                        return nil
                    }
                    advance(by: size, segmentLength: length)
                    return (.byteBuffer(buffer), size)
                }
                let size = min(remaining, chunk)
                advance(by: size, segmentLength: length)
                return (.fileRegion(FileRegion(fileHandle: handle, readerIndex: Int(start), endIndex: Int(start + size))), size)
            }
        }
        return nil
    }

    /// The piece size of file runs over TLS: big enough that reads are few (nginx reads 32 KiB–512 KiB output
    /// buffers), small enough that plaintext plus ciphertext per connection stays a fraction of a megabyte.
    static let tlsReadBytes: Int64 = 256 * 1024

    /// `count` bytes at `offset` (pread, repeated over short reads), or nil on an error or an early end of file.
    private static func read(_ handle: NIOFileHandle, at offset: Int64, count: Int, allocator: ByteBufferAllocator) -> ByteBuffer? {
        var buffer = allocator.buffer(capacity: count)
        let complete = (try? handle.withUnsafeFileDescriptor { fd -> Bool in
            var done = 0
            while done < count {
                var failed = false
                let got = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count - done) { pointer in
                    while true {
                        let n = pread(fd, pointer.baseAddress, count - done, off_t(offset) + off_t(done))
                        if n < 0, errno == EINTR { continue }
                        if n <= 0 { failed = true }  // an error, or the file ended early (it shrank)
                        return max(n, 0)
                    }
                }
                if failed { return false }
                done += got
            }
            return true
        }) ?? false
        return complete ? buffer : nil
    }

    private func advance(by size: Int64, segmentLength: Int64) {
        offsetInSegment += size
        if offsetInSegment >= segmentLength {
            index += 1
            offsetInSegment = 0
        }
    }

    /// Shared by every response: slices of it are sent for zero runs without allocating.
    private static let zeros = ByteBuffer(repeating: 0, count: 64 * 1024)

    /// Drops what is left to send (the connection is going away).
    func discard() {
        head = nil
        segments = []
    }
}
