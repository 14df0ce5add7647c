import NIOCore
import NIOSSL

/// HTTP and HTTPS on one port: the first byte a client sends tells them apart (a TLS handshake record starts with
/// 0x16, an HTTP request with a method's letter), so `http://` and `https://` URLs differ only in the scheme, and the
/// listen address, the allowlist, the admission limits and the advertised port stay the same for both.
///
/// Both protocols speak first from the client, so nothing is lost by waiting for that byte; a client that sends
/// nothing is closed by `MediaHTTPHandler`'s idle timeout, which is already in the pipeline. Once decided, the
/// sniffer puts NIOSSL's server handler behind itself (for TLS), tells the HTTP handler to read file runs into
/// buffers, passes the first bytes on and leaves the pipeline.
final class TransportSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The TLS handshake record type (RFC 8446 §5.1, ContentType handshake(22)).
    static let handshakeRecord: UInt8 = 0x16

    private let tls: NIOSSLContext
    private let http: MediaHTTPHandler
    private var decided = false

    init(tls: NIOSSLContext, http: MediaHTTPHandler) {
        self.tls = tls
        self.http = http
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard !decided, let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            return context.fireChannelRead(data)
        }
        decided = true
        if first == Self.handshakeRecord {
            do {
                try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .after(self))
            } catch {
                context.close(promise: nil)
                return
            }
            http.overTLS = true
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
