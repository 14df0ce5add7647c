import Foundation
import ISO9660
import Logging
import MediaServer
import NIOCore
import NIOPosix
import TestSupport
import Primitives

/// A media server on 127.0.0.1 (port 0) in this process, serving one `TestImage`.
final class LiveServer: @unchecked Sendable {
    let server: MediaServer
    let registry: ImageRegistry
    let image: TestImage
    let published: PublishedImage
    let url: String
    let materializedPath: String
    let materialized: Data

    init(directory: TemporaryDirectory, baseLength: Int64 = 8 << 20, configuration: MediaServer.Configuration = .init()) async throws {
        let sectors = Int64(baseLength / 2048)
        var rng = SplitMix64(seed: 7)
        let replaced = (0..<40).map { _ in Int64.random(in: 0..<sectors, using: &rng) } + [0, 16, 17, sectors - 1]
        image = try TestImage(in: directory, baseLength: baseLength + 1000, replacedSectors: replaced,
                              appendedLength: 100_000, padding: 6_000)
        materializedPath = directory.file("materialized.iso")
        materialized = try image.materialize(to: materializedPath)
        registry = ImageRegistry()
        var configuration = configuration
        configuration.threads = 2
        server = MediaServer(registry: registry, configuration: configuration, logger: Logger(label: "live", factory: { _ in SwiftLogNoOpLogHandler() }))
        let address = try await server.start(host: "127.0.0.1", port: 0)
        published = try registry.publish(image, host: "esx01", name: "VMware-VMvisor-Installer.iso")
        url = try server.url(for: published, advertising: "127.0.0.1", port: address.port)
    }

    /// sha256 of a file with the coreutils peer.
    static func sha256(_ path: String) throws -> String {
        let tool = try Peer.tool("sha256sum", package: "coreutils")
        return String(try Peer.run([tool, path]).stdout.prefix(64))
    }
}

enum Scripts {
    static func path(_ name: String) -> String {
        Peer.packageRoot.appendingPathComponent("Tests/MediaServerTests/Scripts/\(name)").path
    }
}

/// A deliberately slow HTTP client on a plain blocking socket, run on a Dispatch thread: it reads a response at a
/// chosen rate through a small receive buffer, so the server really has a response in flight for a while.
enum SlowClient {
    struct Result: Sendable {
        let headerText: String
        let body: [UInt8]
        let closedEarly: Bool
    }

    /// Reads at `bytesPerSecond`; with `stallSeconds`, stops reading for that long after the first 64 KiB, then
    /// reads at full speed.
    static func get(port: Int, path: String, bytesPerSecond: Int, stallSeconds: Double = 0) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Swift.Result {
                    try run(port: port, path: path, bytesPerSecond: bytesPerSecond, stallSeconds: stallSeconds)
                })
            }
        }
    }

    private static func run(port: Int, path: String, bytesPerSecond: Int, stallSeconds: Double) throws -> Result {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ExchangeError("socket failed") }
        defer { close(fd) }
        var small: Int32 = 32 * 1024
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ExchangeError("connect failed: errno \(errno)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { throw ExchangeError("send failed") }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var pause = useconds_t(1_000_000 * buffer.count / bytesPerSecond)
        var stalled = stallSeconds == 0
        var headerEnd: Int?
        var expected = Int.max
        while received.count < expected {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
            if headerEnd == nil, let end = received.indices.first(where: {
                $0 + 3 < received.count && received[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10])
            }) {
                headerEnd = end + 4
                let text = String(decoding: received[..<end], as: UTF8.self)
                let length = text.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                expected = end + 4 + length
            }
            if !stalled, received.count >= 64 * 1024 {
                stalled = true
                usleep(useconds_t(stallSeconds * 1_000_000))
                pause = 0
            }
            usleep(pause)
        }
        let start = headerEnd ?? received.count
        return Result(headerText: String(decoding: received[..<start], as: UTF8.self), body: Array(received[start...]),
                      closedEarly: received.count < expected)
    }
}
