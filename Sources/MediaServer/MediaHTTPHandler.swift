import Logging
import NIOCore
import NIOHTTP1

/// Sent down every connection's pipeline when the server starts draining: idle connections close at once, busy
/// ones after their current response.
struct DrainEvent: Sendable {}

/// Answers the requests of one connection: plans each response with `MediaResponder`, then writes it under
/// backpressure (the encoded head, then image bytes as `FileRegion`s and memory slices, one piece at a time while
/// the channel is writable).
///
/// The pipeline is NIO's request decoder and this handler, nothing else (`MediaServer.configureConnection`). The
/// handler does itself what NIO's server pipeline handler, protocol error handler, header validator and response
/// encoder would: it answers pipelined requests one at a time in order (holding reads while one is queued), answers
/// unparsable requests with 400 and closes, and encodes its own heads. Those four handlers cost more user-space
/// CPU per 1 MiB range than all of our own code (perf, Tests/Benchmarks/media-server.sh), and none of their
/// generality is needed for a server that only answers GET and HEAD with headers it generates itself.
///
/// One timer per connection (a watchdog, re-armed lazily) enforces the idle timeout (no complete request head
/// within `idleTimeout`, which also bounds slowloris-style header trickling) and the slow-client timeout (a response
/// making no progress for `slowClientTimeout`), without scheduling and cancelling timers on every request.
final class MediaHTTPHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = Never
    typealias OutboundOut = IOData

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
    /// Request parts that arrived while a response was being written (pipelining), handled in order after it.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    /// The request decoder failed on bytes behind the queued requests: answer 400 once they are answered.
    private var queuedParseError = false
    /// A `read` held back while a request waits in `queued` (backpressure on pipelining clients).
    private var readHeld = false
    private var processingQueue = false
    private var files = ConnectionFiles()
    /// When the connection last became idle, on the event loop's clock.
    private var idleSince = NIODeadline.uptimeNanoseconds(0)
    private var watchdog: Scheduled<Void>?
    private var watchdogDeadline = NIODeadline.distantFuture
    /// Set by `TransportSniffer` when the connection turned out to be TLS: file runs are then read into buffers
    /// (NIOSSL encrypts ByteBuffers; a FileRegion must never reach it), and access events say so.
    var overTLS = false

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
        idleSince = context.eventLoop.now
        armWatchdog(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // NIO has failed every pending write before this event, so no FileRegion still uses the handles.
        if case .responding(let response) = state {
            finish(response, completed: false, context: context, reason: response.cutReason ?? "connection closed")
        }
        connectionEnded()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if case .responding(let response) = state { response.discard() }
        connectionEnded()
    }

    private func connectionEnded() {
        state = .closed
        queued.removeAll()
        files.closeAll()
        watchdog?.cancel()
        watchdog = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if case ByteToMessageDecoderError.dataReceivedInErrorState = error, queuedParseError {
            return  // more bytes after the unparsable ones: the 400 is already decided, they are dropped
        }
        guard error is HTTPParserError else {
            // Resets and broken pipes are a client leaving; anything else is logged. Either way the connection is done.
            logger.debug("connection error", metadata: ["peer": "\(peer)", "error": "\(error)"])
            context.close(promise: nil)
            return
        }
        // Garbage request lines, oversized or malformed headers: the decoder gives up on the connection. Requests
        // decoded before the bad bytes are still answered, then a 400 (what NIO's protocol error handler sends).
        logger.debug("unparsable request", metadata: ["peer": "\(peer)", "error": "\(error)"])
        queuedParseError = true
        switch state {
        case .idle, .receiving: if queued.isEmpty { answerBadRequest(context: context) }
        case .responding, .closed: break
        }
    }

    private func answerBadRequest(context: ChannelHandlerContext) {
        state = .closed
        queued.removeAll()
        let text = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(ByteBuffer(string: text)))).assumeIsolated().whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainEvent {
            draining = true
            if case .idle = state, queued.isEmpty { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, case .responding(let response) = state {
            response.lastProgress = context.eventLoop.now
            pump(response, context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .closed: return
        case .responding: queued.append(part)
        case .idle, .receiving:
            if queued.isEmpty { handle(part, context: context) } else { queued.append(part) }
        }
    }

    /// Holds reads while a complete pipelined request waits, so a client cannot make the server buffer an endless
    /// stream of requests it has not answered yet.
    func read(context: ChannelHandlerContext) {
        if case .responding = state, !queued.isEmpty {
            readHeld = true
            return
        }
        context.read()
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            state = .receiving(head, start: .now(), wallStart: WallClock.now())
        case .body:
            break  // GET and HEAD bodies carry no meaning; they are read and dropped.
        case .end:
            guard case .receiving(let head, let start, let wallStart) = state else { return }
            respond(to: head, start: start, wallStart: wallStart, context: context)
        }
    }

    /// Handles queued parts once the response before them is finished.
    private func processQueue(context: ChannelHandlerContext) {
        guard !processingQueue else { return }  // finish() ran inside handle() below: the loop goes on by itself
        processingQueue = true
        defer { processingQueue = false }
        while let part = queued.first {
            switch state {
            case .responding, .closed: return
            case .idle, .receiving: break
            }
            queued.removeFirst()
            handle(part, context: context)
        }
        switch state {
        case .idle, .receiving:
            if queuedParseError {
                answerBadRequest(context: context)
                return
            }
            if draining, case .idle = state {
                context.close(promise: nil)
                return
            }
        case .responding, .closed: break
        }
        if readHeld {
            readHeld = false
            context.read()
        }
    }

    private func respond(to request: HTTPRequestHead, start: NIODeadline, wallStart: Double, context: ChannelHandlerContext) {
        var plan = responder.plan(request, peer: peer, now: .now())
        // A request without its Host closes the connection after the 400, as every other 400 does: the client's
        // framing of what follows cannot be trusted either.
        let keepAlive = request.isKeepAlive && !draining && plan.refusal != .missingHost
        var segments: [ImageSegment] = []
        var handles: [String: NIOFileHandle] = [:]
        if case .image(let range) = plan.body, let published = plan.image {
            segments = published.image.segments(in: range)
            // Every file is opened (or found open) before the head goes out, so a vanished file still gets a clean
            // 503 instead of a truncated body.
            do {
                for case .file(let path, _, _) in segments where handles[path] == nil {
                    handles[path] = try files.handle(path: path, etag: published.image.etag)
                }
            } catch {
                let path = segments.lazy.compactMap { segment -> String? in
                    if case .file(let path, _, _) = segment, handles[path] == nil { return path } else { return nil }
                }.first ?? published.name
                handles = [:]
                segments = []
                let failure = MediaServerError.sourceUnreadable(path: path, errno: (error as? IOError)?.errnoCode ?? 5)
                plan = responder.refuse(.failed(failure), image: published, isHead: request.method == .HEAD, now: .now())
            }
        }
        if let refusal = plan.refusal, case .failed(let error) = refusal {
            logger.error("\(error)", metadata: ["host": "\(plan.image?.host ?? "-")"])
        }
        var head: ByteBuffer
        var bodyInHead = 0
        if case .buffer(let body) = plan.body {
            head = plan.encodedHead(version: request.version, keepAlive: keepAlive, allocator: context.channel.allocator,
                                    extraCapacity: body.readableBytes)
            bodyInHead = body.readableBytes
            var body = body
            head.writeBuffer(&body)
        } else {
            head = plan.encodedHead(version: request.version, keepAlive: keepAlive, allocator: context.channel.allocator)
        }
        let response = ResponseInProgress(request: request, plan: plan, head: head, bodyInHead: bodyInHead,
                                          segments: segments, files: handles, keepAlive: keepAlive, start: start,
                                          wallStart: wallStart, now: context.eventLoop.now, chunk: limits.fileChunkBytes,
                                          readIntoBuffers: overTLS ? context.channel.allocator : nil)
        state = .responding(response)
        if !segments.isEmpty {
            setCork(true, context: context)
            response.corked = true
        }
        armWatchdog(context: context)
        pump(response, context: context)
    }

    /// Writes the next pieces while the channel is writable; `channelWritabilityChanged` resumes it. Each piece
    /// that carries body bytes gets a promise that counts them and marks progress; the last piece's promise ends
    /// the response.
    private func pump(_ response: ResponseInProgress, context: ChannelHandlerContext) {
        guard !response.lastPartWritten else { return }
        let loop = context.eventLoop
        while context.channel.isWritable, let (part, bodyBytes) = response.nextPart() {
            let isLast = response.isExhausted
            if isLast { response.lastPartWritten = true }
            guard isLast || bodyBytes > 0 else {
                context.write(wrapOutboundOut(part), promise: nil)  // the head of a response with a body to come
                continue
            }
            let promise = loop.makePromise(of: Void.self)
            promise.futureResult.assumeIsolated().whenComplete { result in
                guard case .success = result else {
                    if isLast { self.finish(response, completed: false, context: context, reason: response.cutReason ?? "write failed") }
                    return
                }
                response.bytesSent += bodyBytes
                response.lastProgress = loop.now
                if isLast { self.finish(response, completed: true, context: context, reason: nil) }
            }
            context.write(wrapOutboundOut(part), promise: promise)
            if isLast { break }
            // Over TLS, NIOSSLHandler keeps written plaintext to itself until a flush, so the channel's writability
            // never sees it: without a flush per piece this loop read the whole range into memory at once (a 200 MiB
            // GET held ~400 MiB). Flushed, the ciphertext reaches the socket's pending writes and writability stops us.
            if overTLS { context.flush() }
        }
        context.flush()
        if let failure = response.readFailure, !response.finished {
            logger.error("\(failure)", metadata: ["peer": "\(peer)"])
            response.cutReason = failure
            context.close(promise: nil)
        }
    }

    /// Ends a response exactly once: records and logs it, then keeps or closes the connection.
    private func finish(_ response: ResponseInProgress, completed: Bool, context: ChannelHandlerContext, reason: String?) {
        guard !response.finished else { return }
        response.finished = true
        if response.corked, context.channel.isActive { setCork(false, context: context) }
        response.discard()
        let plan = response.plan
        let servedRange: Range<Int64>? = if case .image(let range) = plan.body { range } else { nil }
        let event = AccessEvent(
            host: plan.image?.host,
            redactedPath: plan.image?.redactedPath ?? redactTokens(in: response.request.uri),
            peer: peer, method: response.request.method.rawValue,
            range: response.request.headers.first(name: "range"), status: Int(plan.status.code),
            bytesSent: response.bytesSent, servedRange: servedRange, time: response.wallStart,
            durationSeconds: Double((NIODeadline.now() - response.start).nanoseconds) / 1e9, completed: completed,
            overTLS: overTLS)
        registry.record(event, for: plan.image)
        logAccess(event, reason: reason)
        guard case .responding(let current) = state, current === response else { return }
        files.trim()
        state = .idle
        if completed && response.keepAlive && !draining {
            idleSince = context.eventLoop.now
            processQueue(context: context)
        } else {
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

    // MARK: Timeouts

    /// When the connection must have made progress by: a complete request within the idle timeout of becoming
    /// idle (or of its head, for a body that never ends), or response progress within the slow-client timeout.
    private var deadline: NIODeadline? {
        switch state {
        case .idle: return idleSince + limits.idleTimeout
        case .receiving: return idleSince + limits.idleTimeout
        case .responding(let response): return response.lastProgress + limits.slowClientTimeout
        case .closed: return nil
        }
    }

    /// Makes sure the watchdog fires no later than the current deadline. Deadlines mostly move later (progress,
    /// a new idle period), and then nothing is rescheduled: the watchdog fires early, finds the connection
    /// healthy and re-arms itself for the new deadline.
    private func armWatchdog(context: ChannelHandlerContext) {
        guard let deadline else { return }
        if watchdog != nil, watchdogDeadline <= deadline { return }
        watchdog?.cancel()
        watchdogDeadline = deadline
        watchdog = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.watchdog = nil
            self.watchdogFired(context: context)
        }
    }

    private func watchdogFired(context: ChannelHandlerContext) {
        guard let deadline else { return }
        guard context.eventLoop.now >= deadline else {
            armWatchdog(context: context)
            return
        }
        if case .responding(let response) = state {
            logger.notice("closing slow client: no progress", metadata: [
                "peer": "\(peer)", "seconds": "\(limits.slowClientTimeout.nanoseconds / 1_000_000_000)",
            ])
            response.cutReason = "slow client"
        } else {
            logger.debug("closing idle connection", metadata: ["peer": "\(peer)"])
        }
        context.close(promise: nil)
    }
}
