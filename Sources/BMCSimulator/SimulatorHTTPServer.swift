import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP request as the simulated services see it: whole body collected, headers as sent.
struct SimulatedRequest: Sendable {
    let method: HTTPMethod
    /// The request target as sent (path plus query).
    let uri: String
    let headers: HTTPHeaders
    let body: [UInt8]

    /// The path without query string and without a trailing slash (Redfish services accept both spellings).
    var path: String {
        var path = String(uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }
}

/// The answer to a `SimulatedRequest`, or silence: `hang` keeps the connection open and never answers.
struct SimulatedResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: [UInt8]
    var delay: TimeAmount = .zero
    var hang: Bool = false

    init(status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func hangForever() -> SimulatedResponse {
        var response = SimulatedResponse(status: .ok)
        response.hang = true
        return response
    }
}

typealias SimulatedResponder = @Sendable (SimulatedRequest, EventLoop) -> EventLoopFuture<SimulatedResponse>

/// A small HTTP/1.1 (optionally TLS) server on the shared event loop group: every simulated BMC and ESXi host is
/// one listening channel, never a thread, so hundreds of them fit on two cores.
final class SimulatorHTTPServer: Sendable {
    let address: String
    let port: Int
    private let serverChannel: Channel
    /// Open connections, closed on `stop()` so keep-alive clients and hung requests don't outlive the simulator.
    private let children: NIOLockedValueBox<[ObjectIdentifier: Channel]>

    private init(address: String, port: Int, serverChannel: Channel, children: NIOLockedValueBox<[ObjectIdentifier: Channel]>) {
        self.address = address
        self.port = port
        self.serverChannel = serverChannel
        self.children = children
    }

    /// Largest request body accepted; Redfish bodies are tiny, SOAP logins a few KiB.
    static let maximumBodySize = 1 << 20

    static func start(group: EventLoopGroup, address: String, port: Int, tls: NIOSSLContext?,
                      responder: @escaping SimulatedResponder) async throws -> SimulatorHTTPServer {
        try LoopbackAddress.require(address, role: "listen")
        let children = NIOLockedValueBox<[ObjectIdentifier: Channel]>([:])
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                children.withLockedValue { $0[id] = channel }
                channel.closeFuture.whenComplete { _ in _ = children.withLockedValue { $0.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(SimulatorRequestHandler(responder: responder))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: address, port: port).get()
        } catch {
            throw SimulatorError.bindFailed(address: address, port: port, reason: "\(error)")
        }
        let boundPort = channel.localAddress?.port ?? port
        return SimulatorHTTPServer(address: address, port: boundPort, serverChannel: channel, children: children)
    }

    func stop() async {
        try? await serverChannel.close()
        let open = children.withLockedValue { Array($0.values) }
        for child in open { try? await child.close() }
    }
}

/// Collects one request (head, body, end), asks the responder, and writes the answer after its delay.
/// `configureHTTPServerPipeline` already serialises pipelined requests, so one request is in flight at a time.
private final class SimulatorRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: SimulatedResponder
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false

    init(responder: @escaping SimulatedResponder) {
        self.responder = responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
            tooLarge = false
        case .body(var buffer):
            if body.count + buffer.readableBytes > SimulatorHTTPServer.maximumBodySize {
                tooLarge = true
            } else {
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let keepAlive = head.isKeepAlive
            if tooLarge {
                write(SimulatedResponse(status: .payloadTooLarge), keepAlive: false, context: context)
                return
            }
            let request = SimulatedRequest(method: head.method, uri: head.uri, headers: head.headers, body: body)
            body = []
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            responder(request, loop).hop(to: loop).whenComplete { result in
                let (handler, context) = bound.value
                let response: SimulatedResponse
                switch result {
                case .success(let answer): response = answer
                case .failure(let error):
                    response = SimulatedResponse(status: .internalServerError, body: Array("\(error)".utf8))
                }
                if response.hang { return }
                if response.delay > .zero {
                    loop.scheduleTask(in: response.delay) {
                        let (handler, context) = bound.value
                        handler.write(response, keepAlive: keepAlive, context: context)
                    }
                } else {
                    handler.write(response, keepAlive: keepAlive, context: context)
                }
            }
        }
    }

    private func write(_ response: SimulatedResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var headers = response.headers
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // TLS clients that give up mid-handshake (curl -k probes, closed keep-alives) end up here; the
        // connection is simply dropped, as a real BMC's web server does.
        context.close(promise: nil)
    }
}

/// The TLS context the simulated BMCs and ESXi hosts serve with: the committed self-signed certificate
/// (Fixtures/simulator, embedded in `SimulatorCertificate`), so clients test their "don't verify" or
/// "trust this CA file" settings against it.
enum SimulatorTLS {
    static func makeContext() throws -> NIOSSLContext {
        do {
            let certificate = try NIOSSLCertificate(bytes: Array(SimulatorCertificate.certificatePEM.utf8), format: .pem)
            let key = try NIOSSLPrivateKey(bytes: Array(SimulatorCertificate.privateKeyPEM.utf8), format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(certificate)],
                                                                         privateKey: .privateKey(key))
            // Closing a connection waits this long for the client's close_notify (NIO's default is 5 s). A simulated
            // ESXi that reboots closes its connections and must be gone before the next system binds its address,
            // as a real reboot drops them at once; 5 s per kept-alive client would stall every reinstall.
            configuration.shutdownTimeout = .milliseconds(100)
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw SimulatorError.tlsSetupFailed("\(error)")
        }
    }
}
