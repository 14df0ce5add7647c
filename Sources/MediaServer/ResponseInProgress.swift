import NIOCore
import NIOHTTP1

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

    /// - Parameters:
    ///   - head: the encoded status line and header fields, with `bodyInHead` bytes of body already appended.
    ///   - files: an open handle for every path the segments use (owned by the connection, not closed here).
    init(request: HTTPRequestHead, plan: PlannedResponse, head: ByteBuffer, bodyInHead: Int, segments: [ImageSegment],
         files: [String: NIOFileHandle], keepAlive: Bool, start: NIODeadline, wallStart: Double, now: NIODeadline,
         chunk: Int64) {
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
                let size = min(remaining, chunk)
                let start = offset + offsetInSegment
                advance(by: size, segmentLength: length)
                return (.fileRegion(FileRegion(fileHandle: handle, readerIndex: Int(start), endIndex: Int(start + size))), size)
            }
        }
        return nil
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
