import Logging
import NIOCore
import NIOHTTP1

/// Sent down every connection's pipeline when the server starts draining: idle connections close at once, busy
/// ones after their current response.
struct DrainEvent: Sendable {}

/// Answers the requests of one connection: plans each response with `MediaResponder`, then writes it under
/// backpressure (image bytes as `FileRegion`s and memory slices, one piece at a time while the channel is writable).
///
/// It sits behind NIO's `HTTPServerPipelineHandler`, which hands over one request at a time, so at most one
/// response is in flight per connection. It also enforces the idle timeout (no complete request head within
/// `idleTimeout`, which also bounds slowloris-style header trickling) and the slow-client timeout (a response making
/// no progress for `slowClientTimeout`).
final class MediaHTTPHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = Never
    typealias OutboundOut = HTTPServerResponsePart

    struct Limits: Sendable {
        var idleTimeout: TimeAmount
        var slowClientTimeout: TimeAmount
        /// File runs are sent in pieces of at most this size, so progress is observable and one client's long
        /// read cannot hold the event loop's attention in one giant write.
        var fileChunkBytes: Int64
    }

    private enum State {
        case idle
        case receiving(HTTPRequestHead, start: NIODeadline, wallStart: Double)
        case responding(ResponseInProgress)
        case closed
    }

    private let responder: MediaResponder
    private let registry: ImageRegistry
    private let limits: Limits
    private let logger: Logger
    private var state = State.idle
    private var draining = false
    private var peer = "unknown"
    private var idleTimer: Scheduled<Void>?
    private var progressTimer: Scheduled<Void>?

    init(responder: MediaResponder, limits: Limits, logger: Logger, draining: Bool) {
        self.responder = responder
        self.registry = responder.registry
        self.limits = limits
        self.logger = logger
        self.draining = draining
    }

    // MARK: Connection lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { connectionStarted(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        connectionStarted(context: context)
        context.fireChannelActive()
    }

    private func connectionStarted(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress?.ipAddress.map(PeerAddress.normalize) ?? "unknown"
        armIdleTimer(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // NIO has failed every pending write before this event, so no FileRegion still uses the handles.
        if case .responding(let response) = state { finish(response, completed: false, context: context, reason: response.cutReason ?? "connection closed") }
        state = .closed
        cancelTimers()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if case .responding(let response) = state { response.closeFiles() }
        state = .closed
        cancelTimers()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Resets and broken pipes are a client leaving; anything else is logged. Either way the connection is done.
        logger.debug("connection error", metadata: ["peer": "\(peer)", "error": "\(error)"])
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainEvent {
            draining = true
            if case .idle = state { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, case .responding(let response) = state {
            response.lastProgress = .now()
            pump(response, context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            idleTimer?.cancel()
            idleTimer = nil
            state = .receiving(head, start: .now(), wallStart: WallClock.now())
        case .body:
            break  // GET and HEAD bodies carry no meaning; they are read and dropped.
        case .end:
            guard case .receiving(let head, let start, let wallStart) = state else { return }
            respond(to: head, start: start, wallStart: wallStart, context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, start: NIODeadline, wallStart: Double, context: ChannelHandlerContext) {
        var plan = responder.plan(request, peer: peer, now: .now())
        let keepAlive = request.isKeepAlive && !draining
        var segments: [ImageSegment] = []
        var files: [String: NIOFileHandle] = [:]
        if case .image(let range) = plan.body, let published = plan.image {
            segments = published.image.segments(in: range)
            // Open every file before the head goes out, so a vanished file still gets a clean 503 instead of a
            // truncated body. One handle per response: NIO forbids sharing a handle between channels.
            do {
                for case .file(let path, _, _) in segments where files[path] == nil {
                    files[path] = try NIOFileHandle(_deprecatedPath: path)
                }
            } catch {
                for handle in files.values { try? handle.close() }
                let path = segments.lazy.compactMap { segment -> String? in
                    if case .file(let path, _, _) = segment, files[path] == nil { return path } else { return nil }
                }.first ?? published.name
                files = [:]
                segments = []
                let failure = MediaServerError.sourceUnreadable(path: path, errno: (error as? IOError)?.errnoCode ?? 5)
                plan = responder.refuse(.failed(failure), image: published, isHead: request.method == .HEAD, now: .now())
            }
        }
        if let refusal = plan.refusal, case .failed(let error) = refusal {
            logger.error("\(error)", metadata: ["host": "\(plan.image?.host ?? "-")"])
        }
        // HTTP/1.0 keeps a connection only when the response says so, HTTP/1.1 closes only when it says so; saying
        // it in both cases costs a few bytes and leaves no client guessing.
        plan.headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let response = ResponseInProgress(request: request, plan: plan, segments: segments, files: files,
                                          keepAlive: keepAlive, start: start, wallStart: wallStart,
                                          chunk: limits.fileChunkBytes)
        state = .responding(response)
        if !segments.isEmpty { setCork(true, context: context) }
        response.corked = !segments.isEmpty
        let head = HTTPResponseHead(version: request.version, status: plan.status, headers: plan.headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if case .buffer(let buffer) = plan.body {
            response.pending = [.byteBuffer(buffer)]
        }
        armProgressTimer(for: response, context: context)
        pump(response, context: context)
    }

    /// Writes the next pieces while the channel is writable; `channelWritabilityChanged` resumes it.
    private func pump(_ response: ResponseInProgress, context: ChannelHandlerContext) {
        guard !response.endWritten else { return }
        let loop = context.eventLoop
        while context.channel.isWritable, let part = response.nextPart() {
            let promise = loop.makePromise(of: Void.self)
            let length = Int64(part.readableBytes)
            promise.futureResult.assumeIsolated().whenSuccess {
                response.bytesSent += length
                response.lastProgress = .now()
            }
            context.write(wrapOutboundOut(.body(part)), promise: promise)
        }
        guard response.isExhausted else {
            context.flush()
            return
        }
        response.endWritten = true
        let promise = loop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenComplete { result in
            let completed: Bool
            if case .success = result { completed = true } else { completed = false }
            self.finish(response, completed: completed, context: context, reason: completed ? nil : "write failed")
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }

    /// Ends a response exactly once: closes its files, records and logs it, then keeps or closes the connection.
    private func finish(_ response: ResponseInProgress, completed: Bool, context: ChannelHandlerContext, reason: String?) {
        guard !response.finished else { return }
        response.finished = true
        if response.corked, context.channel.isActive { setCork(false, context: context) }
        response.closeFiles()
        progressTimer?.cancel()
        progressTimer = nil
        let plan = response.plan
        let servedRange: Range<Int64>? = if case .image(let range) = plan.body { range } else { nil }
        let event = AccessEvent(
            host: plan.image?.host,
            redactedPath: plan.image?.redactedPath ?? redactTokens(in: response.request.uri),
            peer: peer, method: response.request.method.rawValue,
            range: response.request.headers.first(name: "range"), status: Int(plan.status.code),
            bytesSent: response.bytesSent, servedRange: servedRange, time: response.wallStart,
            durationSeconds: Double((NIODeadline.now() - response.start).nanoseconds) / 1e9, completed: completed)
        registry.record(event, for: plan.image)
        logAccess(event, reason: reason)
        guard case .responding(let current) = state, current === response else { return }
        if completed && response.keepAlive && !draining {
            state = .idle
            armIdleTimer(context: context)
        } else {
            state = .idle
            context.close(promise: nil)
        }
    }

    /// One line per request. The path carries a token prefix, never the token (tokens are capabilities and logs
    /// travel further than the URLs should).
    private func logAccess(_ event: AccessEvent, reason: String?) {
        guard logger.logLevel <= .info else { return }  // the line is built eagerly below; skip it when unused
        let range = event.range.map { "\"\($0.prefix(100))\"" } ?? "-"
        let line = "\(event.peer) \(event.method) \(event.redactedPath) range=\(range) \(event.status) "
            + "\(event.bytesSent)B \(String(format1: event.durationSeconds * 1000))ms" + (reason.map { " incomplete: \($0)" } ?? "")
        logger.info("\(line)")
    }

    /// TCP_CORK while an image response is written, like nginx's `tcp_nopush`: the head (a write) and the first
    /// file run (a sendfile) leave in full segments instead of a small head segment followed by data, and
    /// uncorking at the end pushes out the last partial segment at once. Measured on loopback it saves the
    /// client a wakeup per response (Tests/Benchmarks/media-server.sh). Best effort: an option the socket
    /// refuses only costs that saving.
    private func setCork(_ on: Bool, context: ChannelHandlerContext) {
        #if os(Linux)
        let cork = ChannelOptions.Types.SocketOption(level: .tcp, name: NIOBSDSocket.Option(rawValue: 3 /* TCP_CORK */))
        try? context.channel.syncOptions?.setOption(cork, value: on ? 1 : 0)
        #endif
    }

    // MARK: Timers

    private func armIdleTimer(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: limits.idleTimeout) {
            self.logger.debug("closing idle connection", metadata: ["peer": "\(self.peer)"])
            context.close(promise: nil)
        }
    }

    private func armProgressTimer(for response: ResponseInProgress, context: ChannelHandlerContext) {
        progressTimer?.cancel()
        progressTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: response.lastProgress + limits.slowClientTimeout) {
            guard !response.finished else { return }
            if NIODeadline.now() - response.lastProgress >= self.limits.slowClientTimeout {
                self.logger.notice("closing slow client: no progress", metadata: [
                    "peer": "\(self.peer)", "seconds": "\(self.limits.slowClientTimeout.nanoseconds / 1_000_000_000)",
                ])
                response.cutReason = "slow client"
                context.close(promise: nil)
            } else {
                self.armProgressTimer(for: response, context: context)
            }
        }
    }

    private func cancelTimers() {
        idleTimer?.cancel()
        idleTimer = nil
        progressTimer?.cancel()
        progressTimer = nil
    }
}

/// The writing state of one response: the segments still to send and the file handles they use.
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
    private var files: [String: NIOFileHandle]
    var pending: [IOData] = []
    var bytesSent: Int64 = 0
    var lastProgress: NIODeadline
    var endWritten = false
    var finished = false
    var corked = false
    var cutReason: String?

    init(request: HTTPRequestHead, plan: PlannedResponse, segments: [ImageSegment], files: [String: NIOFileHandle],
         keepAlive: Bool, start: NIODeadline, wallStart: Double, chunk: Int64) {
        self.request = request
        self.plan = plan
        self.segments = segments
        self.files = files
        self.keepAlive = keepAlive
        self.start = start
        self.wallStart = wallStart
        self.chunk = chunk
        self.lastProgress = .now()
    }

    var isExhausted: Bool { pending.isEmpty && index >= segments.count }

    /// The next body piece: a file run of at most `chunk` bytes as a FileRegion, or an in-memory slice.
    func nextPart() -> IOData? {
        if !pending.isEmpty { return pending.removeFirst() }
        while index < segments.count {
            switch segments[index] {
            case .bytes(let buffer):
                index += 1
                if buffer.readableBytes > 0 { return .byteBuffer(buffer) }
            case .zeros(let length):
                let size = min(length - offsetInSegment, Int64(Self.zeros.readableBytes))
                guard size > 0 else {
                    index += 1
                    offsetInSegment = 0
                    continue
                }
                offsetInSegment += size
                if offsetInSegment >= length {
                    index += 1
                    offsetInSegment = 0
                }
                return .byteBuffer(Self.zeros.getSlice(at: 0, length: Int(size))!)
            case .file(let path, let offset, let length):
                let remaining = length - offsetInSegment
                guard remaining > 0, let handle = files[path] else {
                    index += 1
                    offsetInSegment = 0
                    continue
                }
                let size = min(remaining, chunk)
                let start = offset + offsetInSegment
                offsetInSegment += size
                if offsetInSegment >= length {
                    index += 1
                    offsetInSegment = 0
                }
                return .fileRegion(FileRegion(fileHandle: handle, readerIndex: Int(start), endIndex: Int(start + size)))
            }
        }
        return nil
    }

    /// Shared by every response: slices of it are sent for zero runs without allocating.
    private static let zeros = ByteBuffer(repeating: 0, count: 64 * 1024)

    func closeFiles() {
        for handle in files.values where handle.isOpen { try? handle.close() }
        files = [:]
        segments = []
        pending = []
    }
}
