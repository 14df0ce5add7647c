import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// What a BMC's virtual CD fetches: an `http(s)://127.x.y.z[:port]/path` image read with HEAD and `Range` GETs over
/// one keep-alive connection (reopened when the server closes it), the way HTTPFS-style BMC media works
/// ("many HTTP 206 Partial Content requests", redfish-vendors.md §4). It never downloads the whole image, and a
/// server that ignores `Range` (answers 200 with the full body, F30) is reported as the failure it is on hardware.
///
/// `https://` images are read over TLS without verifying the server's certificate, as the modelled BMCs do: Lenovo
/// documents `VerifyCertificate` (default false on XCC, which answers 500 to an HTTPS insert it was asked to verify
/// against a CA it does not have: aiohmi oem/lenovo/xcc3.py), DMTF's VirtualMedia `VerifyCertificate` exists
/// because services mount unverified by default (Redfish VirtualMedia v1_4_0), and iLO 7 mounts HTTPS images from
/// self-signed servers (tinkerbell/tinkerbell#304). With `verifyCertificate` the client checks the chain against
/// the system's trust store, as a BMC told `VerifyCertificate: true` would.
final class HTTPRangeClient {
    struct Response {
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let body: [UInt8]
    }

    let url: String
    let host: String
    let port: Int
    let path: String
    private let group: EventLoopGroup
    private let timeout: TimeAmount
    /// The BMC's own address: connections leave from it, so the image server's access log shows which BMC read
    /// (the installer waits for a read from the BMC's address, redfish-vendors.md §4 "Verification signal").
    private let sourceAddress: String?
    private var channel: Channel?
    /// Body bytes received so far (HEAD answers count zero), reported to the owner as read progress.
    private(set) var bytesReceived: Int64 = 0
    private(set) var requestCount = 0
    private let onProgress: @Sendable (_ bytes: Int64, _ requests: Int) -> Void
    /// Non-nil for `https://` images.
    private let tls: NIOSSLContext?

    init(url: String, group: EventLoopGroup, sourceAddress: String?, timeout: TimeAmount = .seconds(15),
         verifyCertificate: Bool = false,
         onProgress: @escaping @Sendable (_ bytes: Int64, _ requests: Int) -> Void) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https",
              let host = components.host, LoopbackAddress.isLoopback(host),
              components.user == nil, components.query == nil else {
            throw SimulatorError.unsupportedImageURL(url)
        }
        if scheme == "https" {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if !verifyCertificate { configuration.certificateVerification = .none }
            tls = try NIOSSLContext(configuration: configuration)
        } else {
            tls = nil
        }
        self.url = url
        self.host = host
        self.port = components.port ?? (scheme == "https" ? 443 : 80)
        self.path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.group = group
        self.sourceAddress = sourceAddress
        self.timeout = timeout
        self.onProgress = onProgress
    }

    /// The image size from a HEAD answer's Content-Length (what a BMC needs before it can present a CD).
    func contentLength() async throws -> Int64 {
        let response = try await send(method: .HEAD, range: nil)
        guard response.status == .ok else {
            throw SimulatorError.mediaReadFailed(url: url, range: "HEAD", reason: "HTTP \(response.status.code) \(response.status.reasonPhrase)")
        }
        guard let text = response.headers.first(name: "Content-Length"), let length = Int64(text), length > 0 else {
            throw SimulatorError.mediaReadFailed(url: url, range: "HEAD", reason: "no usable Content-Length in the HEAD answer")
        }
        return length
    }

    /// Exactly `count` bytes at `offset`, by one `Range: bytes=a-b` request that must answer 206.
    func read(at offset: Int64, count: Int) async throws -> [UInt8] {
        precondition(count > 0)
        let last = offset + Int64(count) - 1
        let label = "\(offset)-\(last)"
        let response = try await send(method: .GET, range: (offset, last))
        guard response.status == .partialContent else {
            let reason = response.status == .ok
                ? "the server ignored the Range header and answered 200 with the whole file (BMC virtual media needs 206)"
                : "HTTP \(response.status.code) \(response.status.reasonPhrase)"
            throw SimulatorError.mediaReadFailed(url: url, range: label, reason: reason)
        }
        guard response.headers.first(name: "Content-Range")?.hasPrefix("bytes \(offset)-\(last)/") == true,
              response.body.count == count else {
            throw SimulatorError.mediaReadFailed(url: url, range: label, reason:
                "206 answer has Content-Range \(response.headers.first(name: "Content-Range") ?? "(none)") and " +
                "\(response.body.count) bytes, expected bytes \(label) (\(count) bytes)")
        }
        return response.body
    }

    func close() {
        channel?.close(promise: nil)
        channel = nil
    }

    deinit { channel?.close(promise: nil) }

    private func send(method: HTTPMethod, range: (Int64, Int64)?) async throws -> Response {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: port == (tls == nil ? 80 : 443) ? host : "\(host):\(port)")
        headers.add(name: "User-Agent", value: "vmedia-bmc-simulator/virtual-cd")
        headers.add(name: "Accept", value: "*/*")
        if let (first, last) = range { headers.add(name: "Range", value: "bytes=\(first)-\(last)") }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
        // The largest body we accept: the range asked for (plus nothing), or none for HEAD. A server that
        // ignores Range is cut off after this many bytes instead of streaming the whole image into memory.
        let limit = range.map { Int($0.1 - $0.0 + 1) } ?? 0
        // One retry on a fresh connection: the server may have closed an idle keep-alive connection.
        for attempt in 0..<2 {
            let channel = try await connectedChannel()
            let promise = channel.eventLoop.makePromise(of: Response.self)
            let request = RangeClientHandler.Request(head: head, bodyLimit: limit, promise: promise)
            let timedOut = SimulatorError.mediaReadFailed(url: url, range: range.map { "\($0.0)-\($0.1)" } ?? "HEAD",
                                                          reason: "no answer within \(timeout.nanoseconds / 1_000_000_000) s")
            let timeoutTask = channel.eventLoop.scheduleTask(in: timeout) {
                promise.fail(timedOut)
                channel.close(promise: nil)
            }
            channel.writeAndFlush(request, promise: nil)
            do {
                let response = try await promise.futureResult.get()
                timeoutTask.cancel()
                requestCount += 1
                bytesReceived += Int64(response.body.count)
                onProgress(bytesReceived, requestCount)
                if response.headers.first(name: "Connection")?.lowercased() == "close" { close() }
                return response
            } catch is RangeClientHandler.ConnectionClosedEarly where attempt == 0 {
                timeoutTask.cancel()
                close()
                continue
            } catch {
                timeoutTask.cancel()
                close()
                if let simulatorError = error as? SimulatorError { throw simulatorError }
                throw SimulatorError.mediaReadFailed(url: url, range: range.map { "\($0.0)-\($0.1)" } ?? "HEAD", reason: "\(error)")
            }
        }
        throw SimulatorError.mediaReadFailed(url: url, range: range.map { "\($0.0)-\($0.1)" } ?? "HEAD",
                                             reason: "the server closed the connection twice without answering")
    }

    private func connectedChannel() async throws -> Channel {
        if let channel, channel.isActive { return channel }
        do {
            var bootstrap = ClientBootstrap(group: group)
            if let sourceAddress {
                bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: sourceAddress, port: 0))
            }
            let channel = try await bootstrap
                .connectTimeout(.seconds(5))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { [tls] channel in
                    channel.eventLoop.makeCompletedFuture {
                        // No SNI: the URL names an IP address, and BMCs send none for those either (RFC 6066 §3).
                        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: nil)) }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(RangeClientHandler())
                    }
                }
                .connect(host: host, port: port).get()
            self.channel = channel
            return channel
        } catch {
            throw SimulatorError.mediaReadFailed(url: url, range: "connect", reason: "cannot connect to \(host):\(port): \(error)")
        }
    }
}

/// Pairs each written request with the response that follows (one request in flight at a time).
private final class RangeClientHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Request
    typealias OutboundOut = HTTPClientRequestPart

    struct Request: Sendable {
        let head: HTTPRequestHead
        let bodyLimit: Int
        let promise: EventLoopPromise<HTTPRangeClient.Response>
    }

    /// The connection closed before any answer to the request started: safe to retry on a new connection.
    struct ConnectionClosedEarly: Error {}
    struct BodyTooLarge: Error, CustomStringConvertible {
        let limit: Int
        var description: String {
            "the server sent more than the \(limit) bytes asked for (it ignored the Range header: BMC virtual media needs 206)"
        }
    }

    private var pending: Request?
    private var responseHead: HTTPResponseHead?
    private var body: [UInt8] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        // A server that closes after each answer (python's HTTP/1.0 http.server) may have closed the reused
        // connection before this write: without this check the request would wait for its timeout instead of
        // being retried on a new connection.
        guard context.channel.isActive else {
            request.promise.fail(ConnectionClosedEarly())
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        pending = request
        responseHead = nil
        body = []
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        let written = promise ?? context.eventLoop.makePromise(of: Void.self)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        written.futureResult.whenFailure { _ in
            let this = handler.value
            guard let pending = this.pending, pending.promise.futureResult === request.promise.futureResult else { return }
            this.pending = nil
            request.promise.fail(ConnectionClosedEarly())
        }
        context.write(wrapOutboundOut(.end(nil)), promise: written)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let request = pending else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            responseHead = head
        case .body(var buffer):
            if body.count + buffer.readableBytes > request.bodyLimit {
                pending = nil
                request.promise.fail(BodyTooLarge(limit: request.bodyLimit))
                context.close(promise: nil)
                return
            }
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            pending = nil
            guard let head = responseHead else { return }
            request.promise.succeed(HTTPRangeClient.Response(status: head.status, headers: head.headers, body: body))
            body = []
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let request = pending {
            pending = nil
            request.promise.fail(responseHead == nil ? ConnectionClosedEarly() as Error : ChannelError.eof)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let request = pending {
            pending = nil
            request.promise.fail(error)
        }
        context.close(promise: nil)
    }
}
