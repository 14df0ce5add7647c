#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The embedded HTTP/1.1 server that streams published images to BMCs.
///
/// ```swift
/// let registry = ImageRegistry()
/// let server = MediaServer(registry: registry)
/// let address = try await server.start(host: "0.0.0.0", port: 8080)
/// let published = try registry.publish(image, host: "esx01", name: "esxi.iso", allowedPeers: ["10.0.0.11"])
/// print(try server.url(for: published, advertising: "10.0.0.5"))
/// …
/// await server.shutdown(grace: .seconds(10))
/// ```
public final class MediaServer: Sendable {
    public struct Configuration: Sendable {
        /// A connection without a complete request head for this long is closed (keep-alive idle time, and the bound
        /// on clients that trickle headers).
        public var idleTimeout: TimeAmount = .seconds(60)
        /// A response that makes no progress (the client reads nothing) for this long is cut.
        public var slowClientTimeout: TimeAmount = .seconds(60)
        /// Connections beyond this get a canned 503 and are closed. BMCs open a handful each; 200 hosts × 4 fits.
        public var maximumConnections: Int = 1024
        /// Connections one client address may hold: a BMC opens a handful, and several BMCs behind one NAT address
        /// (`--any-peer`) still fit; one stranger cannot take more.
        public var maximumConnectionsPerClient: Int = 64
        /// Connections only the published images' BMCs may use: other clients (the status page, curl, strangers
        /// when images are open to anyone) share the rest. See `ConnectionAdmission`.
        public var connectionsReservedForBMCs: Int = 256
        /// Refused connections are logged at most once per this many seconds, as counts.
        public var refusalLogInterval: Double = 10
        /// Request header limits (bytes of one field, bytes of all fields, field count). Requests above get 400
        /// and the connection closes. BMC requests are a few hundred bytes.
        public var maximumHeaderFieldBytes: Int = 8 * 1024
        public var maximumHeaderBytes: Int = 16 * 1024
        public var maximumHeaderFields: Int = 100
        /// File runs are written in pieces of this size (see `MediaHTTPHandler.Limits`).
        public var fileChunkBytes: Int64 = 4 << 20
        /// Seconds between refreshes of the HTML status page.
        public var statusRefreshSeconds: Int = 2
        /// Event loop threads when the server creates its own group.
        public var threads: Int = System.coreCount

        public init() {}
    }

    public let registry: ImageRegistry
    public let configuration: Configuration
    private let dashboardSlot = DashboardSlot()

    /// Serves `dashboard` at `/status` (and `/` leads to it) instead of the images' statistics; nil restores them.
    public func showDashboard(_ dashboard: (any StatusDashboard)?) { dashboardSlot.dashboard = dashboard }
    private let logger: Logger
    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let state: NIOLockedValueBox<ServerState>
    /// Held while `ensureTLS` loads or generates a pair (file I/O stays out of the accept path's lock).
    private let tlsSetup = NIOLock()

    private struct ServerState {
        var serverChannel: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var admission: ConnectionAdmission
        var refusals: RefusalLog
        var draining = false
        var shutDown = false
        /// Set by `enableTLS`: connections accepted from then on may speak TLS on the same port.
        var tls: (context: NIOSSLContext, identity: MediaTLSIdentity)?
    }

    /// - Parameters:
    ///   - group: event loops to run on; by default the server creates (and later shuts down) its own.
    public init(registry: ImageRegistry, configuration: Configuration = .init(),
                logger: Logger = Logger(label: "vmedia.media"), group: (any EventLoopGroup)? = nil) {
        self.registry = registry
        self.configuration = configuration
        self.logger = logger
        state = NIOLockedValueBox(ServerState(
            admission: ConnectionAdmission(limits: .init(maximum: configuration.maximumConnections,
                                                         perClient: configuration.maximumConnectionsPerClient,
                                                         reservedForBMCs: configuration.connectionsReservedForBMCs)),
            refusals: RefusalLog(interval: configuration.refusalLogInterval)))
        if let group {
            self.group = group
            ownsGroup = false
        } else {
            self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
            ownsGroup = true
        }
    }

    /// Binds and starts accepting; returns the bound address (its port when `port` was 0).
    @discardableResult
    public func start(host: String, port: Int) async throws -> SocketAddress {
        try state.withLockedValue { state in
            guard state.serverChannel == nil, !state.shutDown else {
                throw MediaServerError.invalidState("start called twice or after shutdown")
            }
        }
        let responder = MediaResponder(registry: registry, statusPage: StatusPage(
            registry: registry, startedAt: WallClock.now(), refreshSeconds: configuration.statusRefreshSeconds,
            dashboardSlot: dashboardSlot))
        let limits = MediaHTTPHandler.Limits(idleTimeout: configuration.idleTimeout,
                                             slowClientTimeout: configuration.slowClientTimeout,
                                             fileChunkBytes: configuration.fileChunkBytes)
        let decoderLimits = {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = configuration.maximumHeaderFieldBytes
            limits.maxHeaderListSize = configuration.maximumHeaderBytes
            limits.maxHeaderFieldCount = configuration.maximumHeaderFields
            return limits
        }()
        let logger = self.logger
        let registry = self.registry

        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { [self] channel in
                // Decided before any byte is read (see ConnectionAdmission): BMCs keep their share of connections.
                let peer = PeerAddress.normalize(channel.remoteAddress?.ipAddress ?? "?")
                let readers = registry.readers
                let (decision, line, tls): (ConnectionAdmission.Decision, String?, NIOSSLContext?) = state.withLockedValue { state in
                    let decision = state.admission.admit(peer, readers: readers, draining: state.draining)
                    switch decision {
                    case .admit:
                        state.connections[ObjectIdentifier(channel)] = channel
                        return (decision, nil, state.tls?.context)
                    case .refuse(let reason):
                        return (decision, state.refusals.record(reason, peer: peer, now: WallClock.now()), nil)
                    }
                }
                if let line { logger.warning("\(line)") }
                guard case .admit(let bmc) = decision else {
                    // Not allowlisted: closed without a word. Over a limit: a 503 with Retry-After, as HTTP asks.
                    return Self.refuse(channel, answer: decision != .refuse(.notAllowed))
                }
                channel.closeFuture.whenComplete { [state] _ in
                    state.withLockedValue { state in
                        if state.connections.removeValue(forKey: ObjectIdentifier(channel)) != nil {
                            state.admission.release(peer, bmc: bmc)
                        }
                    }
                }
                return channel.eventLoop.makeCompletedFuture {
                    try Self.configureConnection(channel.pipeline.syncOperations, responder: responder, limits: limits,
                                                 decoderLimits: decoderLimits, logger: logger, tls: tls)
                }
            }

        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw MediaServerError.addressInUse(address: "\(host):\(port)")
        } catch {
            throw MediaServerError.cannotListen(address: "\(host):\(port)", reason: "\(error)")
        }
        state.withLockedValue { $0.serverChannel = channel }
        guard let address = channel.localAddress else {
            throw MediaServerError.cannotListen(address: "\(host):\(port)", reason: "the socket has no local address")
        }
        logger.info("media server listening on \(address)")
        return address
    }

    /// A connection's pipeline: NIO's request decoder (llhttp, with the header limits) and `MediaHTTPHandler`,
    /// which answers pipelined requests in order, answers unparsable ones with 400 and encodes its own responses.
    static func configureConnection(_ pipeline: ChannelPipeline.SynchronousOperations, responder: MediaResponder,
                                    limits: MediaHTTPHandler.Limits, decoderLimits: NIOHTTPDecoderLimitConfiguration = .init(),
                                    logger: Logger, tls: NIOSSLContext? = nil) throws {
        let http = MediaHTTPHandler(responder: responder, limits: limits, logger: logger, draining: false)
        // With TLS enabled the first byte decides (see TransportSniffer); without, nothing changes for plain HTTP.
        if let tls { try pipeline.addHandler(TransportSniffer(tls: tls, http: http)) }
        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop,
                                                                        limitConfiguration: decoderLimits)))
        try pipeline.addHandler(http)
    }

    /// Serves HTTPS on the listening port as well (before or after `start`): connections whose first byte is a TLS
    /// handshake get `identity`, the others stay plain HTTP with sendfile. `url(for:…, https: true)` needs this.
    public func enableTLS(_ identity: MediaTLSIdentity) throws {
        let context = try identity.makeContext()
        state.withLockedValue { $0.tls = (context, identity) }
    }

    /// Enables TLS with `source`'s pair unless it is already enabled; returns the identity in use and whether this
    /// call enabled it (the installer does this when the first host needs https://, so a plain-HTTP run never
    /// creates a certificate). Serialised: hosts asking at once share one generated pair.
    @discardableResult
    public func ensureTLS(_ source: MediaTLSIdentity.Source, addresses: [String] = []) throws -> (identity: MediaTLSIdentity, enabledNow: Bool) {
        tlsSetup.lock()
        defer { tlsSetup.unlock() }
        if let identity = tlsIdentity { return (identity, false) }
        let identity = try source.load(addresses: addresses)
        try enableTLS(identity)
        return (identity, true)
    }

    /// The certificate HTTPS connections get (nil until `enableTLS`).
    public var tlsIdentity: MediaTLSIdentity? { state.withLockedValue { $0.tls?.identity } }

    /// The canned answer for connections over the cap or during shutdown, written raw (no HTTP pipeline) as soon as
    /// the channel is active: the child initializer runs before the channel is registered, too early to write.
    private static func refuse(_ channel: any Channel, answer: Bool = true) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RefusingHandler(answer: answer)) }
    }

    private final class RefusingHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        /// False: close without a word (a peer no image allows learns nothing, not even that this is HTTP).
        let answer: Bool

        init(answer: Bool) { self.answer = answer }

        func channelActive(context: ChannelHandlerContext) {
            let channel = context.channel
            guard answer else { return channel.close(promise: nil) }
            let text = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text))).whenComplete { _ in channel.close(promise: nil) }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}  // whatever the client sends is dropped
    }

    /// The address the server is bound to (nil before `start`).
    public var localAddress: SocketAddress? { state.withLockedValue { $0.serverChannel?.localAddress } }

    /// Number of open client connections.
    public var connectionCount: Int { state.withLockedValue { $0.connections.count } }

    /// The URL BMCs use for `published`, with `address` (an IP literal reachable from the BMC network) and the bound
    /// port; `https://` when `https` (the same port: see `TransportSniffer`), which needs `enableTLS` first.
    public func url(for published: PublishedImage, advertising address: String, port: Int? = nil, https: Bool = false) throws -> String {
        guard let port = port ?? localAddress?.port else { throw MediaServerError.invalidState("url(for:) before start") }
        if https, tlsIdentity == nil {
            throw MediaServerError.tls("an https:// URL was asked for \(published.host), but the server has no certificate; "
                                       + "give --tls-cert/--tls-key or let vmedia generate one (--https)")
        }
        let hostPart = address.contains(":") ? "[\(address)]" : address
        let url = "\(https ? "https" : "http")://\(hostPart):\(port)\(published.path)"
        guard url.utf8.count < 255 else { throw MediaServerError.urlTooLong(url: url, limit: 255) }
        return url
    }

    /// `shutdown(grace:)` for callers that do not use NIO's `TimeAmount` (the CLI).
    public func shutdown(graceSeconds: Double) async {
        await shutdown(grace: .nanoseconds(Int64(graceSeconds * 1e9)))
    }

    /// Stops accepting, lets in-flight responses finish for up to `grace`, then closes whatever is left; shuts the
    /// event loops down if the server created them. Idempotent. The CLI calls it on SIGINT/SIGTERM.
    public func shutdown(grace: TimeAmount) async {
        let (server, connections) = state.withLockedValue { state -> ((any Channel)?, [any Channel]) in
            guard !state.shutDown else { return (nil, []) }
            state.draining = true
            state.shutDown = true
            return (state.serverChannel, Array(state.connections.values))
        }
        guard server != nil || !connections.isEmpty else { return }
        logger.info("media server shutting down", metadata: ["connections": "\(connections.count)", "grace": "\(grace)"])
        try? await server?.close()
        for connection in connections { connection.pipeline.fireUserInboundEventTriggered(DrainEvent()) }

        let deadline = NIODeadline.now() + grace
        while connectionCount > 0, NIODeadline.now() < deadline {
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        let remaining = state.withLockedValue { Array($0.connections.values) }
        if !remaining.isEmpty {
            logger.warning("grace period over, cutting \(remaining.count) connection(s)")
            for connection in remaining { try? await connection.close() }
        }
        if let line = state.withLockedValue({ $0.refusals.flush(now: WallClock.now()) }) { logger.warning("\(line)") }
        registry.finishEventStreams()
        if ownsGroup { try? await group.shutdownGracefully() }
    }
}
