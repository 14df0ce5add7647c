import Foundation
import Logging
@testable import MediaServer
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// One parsed HTTP response as a client sees it on the wire.
struct WireResponse {
    var version: String
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    /// Headers except `Date` (it may tick between two requests), lowercased names, in order.
    var comparableHeaders: [String] {
        headers.filter { $0.0.lowercased() != "date" }.map { "\($0.0.lowercased()): \($0.1)" }
    }
}

/// A media server connection on an `EmbeddedChannel`: raw request bytes in, responses parsed from the encoded
/// bytes out (FileRegions are read through their own descriptor when written, as sendfile would).
final class EmbeddedExchange {
    let channel: EmbeddedChannel
    private var wire: [UInt8] = []

    init(registry: ImageRegistry, peer: String = "127.0.0.1", logger: Logger = Logger(label: "test"),
         limits: MediaHTTPHandler.Limits = .init(idleTimeout: .seconds(60), slowClientTimeout: .seconds(60), fileChunkBytes: 4096)) throws {
        channel = EmbeddedChannel()
        channel.remoteAddress = try SocketAddress(ipAddress: peer, port: 40_000)
        let responder = MediaResponder(registry: registry, statusPage: StatusPage(registry: registry, startedAt: 0, refreshSeconds: 2))
        try MediaServer.configureConnection(channel.pipeline.syncOperations, responder: responder, limits: limits,
                                            logger: logger)
        try channel.pipeline.syncOperations.addHandler(SendfileStandIn(), position: .first)
        try channel.connect(to: channel.remoteAddress!).wait()
    }

    /// Sends `request` (CRLFs added), then parses one response per entry of `methods` (HEAD responses have no body).
    func send(_ request: String) throws {
        try channel.writeInbound(ByteBuffer(string: request))
        try drainOutbound()
    }

    func drainOutbound() throws {
        while let part = try channel.readOutbound(as: IOData.self) {
            switch part {
            case .byteBuffer(var buffer): wire += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .fileRegion: throw ExchangeError("a FileRegion got past the sendfile stand-in")
            }
        }
    }

    /// Takes the next complete response off the received bytes.
    func nextResponse(isHead: Bool = false) throws -> WireResponse {
        guard let end = wire.indices.first(where: { $0 + 3 < wire.count && wire[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }) else {
            throw ExchangeError("no complete response head in \(wire.count) received bytes")
        }
        let lines = String(decoding: wire[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw ExchangeError("bad status line \(lines[0])") }
        let headers = lines.dropFirst().map { line -> (String, String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = WireResponse(version: String(statusParts[0]), status: status, headers: headers, body: [])
        var consumed = end + 4
        if !isHead {
            guard let lengthText = response.header("content-length"), let length = Int(lengthText) else {
                throw ExchangeError("response without Content-Length")
            }
            guard wire.count - consumed >= length else { throw ExchangeError("body has \(wire.count - consumed) of \(length) bytes") }
            response.body = Array(wire[consumed..<(consumed + length)])
            consumed += length
        }
        wire.removeFirst(consumed)
        return response
    }

    var leftoverBytes: Int { wire.count }
}

struct ExchangeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Turns each FileRegion into the bytes sendfile would send, when it is written: through the region's own
/// descriptor (a handle left open on a file that was since replaced shows up as wrong bytes) and before the server
/// can close it (EmbeddedChannel would otherwise keep the region until the test reads it, after the connection and
/// its files were closed).
private final class SendfileStandIn: ChannelOutboundHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .fileRegion(let region) = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        do {
            var bytes = [UInt8](repeating: 0, count: region.readableBytes)
            let count = try region.fileHandle.withUnsafeFileDescriptor { descriptor in
                bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(region.readerIndex)) }
            }
            guard count == region.readableBytes else {
                throw ExchangeError("pread of \(region.readableBytes) bytes at \(region.readerIndex) returned \(count)")
            }
            context.write(wrapOutboundOut(.byteBuffer(ByteBuffer(bytes: bytes))), promise: promise)
        } catch {
            promise?.fail(error)
            context.fireErrorCaught(error)
        }
    }
}
