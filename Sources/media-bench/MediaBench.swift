import ArgumentParser
import Dispatch
import Foundation
import ISO9660
import LayeredMedia
import Logging
import MediaServer
import NIOCore
import Primitives

/// A stand-alone media server over a synthetic layered image, for Tests/Benchmarks/media-server.sh and for tests
/// that need the server in its own process (file descriptor and memory accounting).
@main
struct MediaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media-bench",
        abstract: "Serve a synthetic per-host layered image with vmedia's media server (benchmarks and process-level tests).",
        discussion: """
            Lays --patches random 2048-byte sectors and an appended extent of --append bytes over SOURCE, exactly as
            a per-host remaster does, optionally writes the same bytes to --materialize (for nginx or for byte
            comparisons), publishes the image and serves it until SIGINT/SIGTERM, then shuts down gracefully.

            It prints one line `URL <url>` on stdout once it listens.

            Example:
              swift run -c release media-bench --source /tmp/src.bin --patches 64 --append 1048576 \\
                  --materialize /tmp/image.iso --listen 127.0.0.1:0
            """)

    @Option(help: "The source file the image is laid over.") var source: String
    @Option(help: "Sectors of the source replaced by random bytes.") var patches = 64
    @Option(help: "Random bytes appended after the source (rounded up to whole sectors with zero padding).") var append = 1 << 20
    @Option(help: "Seed of the random overlay (same seed, same bytes).") var seed: UInt64 = 1
    @Option(help: "Also write the image's bytes to this file.") var materialize: String?
    @Option(help: "Address and port to listen on (port 0 picks a free one).") var listen = "127.0.0.1:0"
    @Option(help: "Host name in the URL.") var host = "bench"
    @Option(help: "Event loop threads.") var threads = System.coreCount
    @Option(help: "Idle and slow-client timeout in seconds.") var timeout = 60
    @Option(help: "Connection cap.") var maxConnections = 1024
    @Option(help: "Connections one client address may hold (default: the cap; wrk connects from one address).")
    var maxConnectionsPerClient: Int?
    @Flag(help: "Log one line per request on stderr.") var accessLog = false
    @Option(help: "Also serve HTTPS on the same port with this certificate (PEM); prints `HTTPS_URL <url>` too.") var tlsCert: String?
    @Option(help: "The private key (PEM) of --tls-cert.") var tlsKey: String?

    func run() async throws {
        let layered = try Self.makeImage(source: source, patches: patches, append: append, seed: seed)
        if let materialize { try layered.write(to: materialize) }

        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "media-bench")
        logger.logLevel = accessLog ? .info : .warning
        var configuration = MediaServer.Configuration()
        configuration.threads = threads
        configuration.idleTimeout = .seconds(Int64(timeout))
        configuration.slowClientTimeout = .seconds(Int64(timeout))
        configuration.maximumConnections = maxConnections
        configuration.maximumConnectionsPerClient = maxConnectionsPerClient ?? maxConnections
        let registry = ImageRegistry()
        let server = MediaServer(registry: registry, configuration: configuration, logger: logger)
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ValidationError("--listen must be IP:PORT, e.g. 127.0.0.1:0")
        }
        let bound = try await server.start(host: String(listen[..<colon]), port: port)
        let published = try registry.publish(LayeredServableImage(layered), host: host, name: "image.iso")
        var line = "URL \(try server.url(for: published, advertising: bound.ipAddress ?? "127.0.0.1"))\n"
        if let tlsCert, let tlsKey {
            try server.enableTLS(try MediaTLSIdentity.load(certificate: tlsCert, key: tlsKey))
            line = "HTTPS_URL \(try server.url(for: published, advertising: bound.ipAddress ?? "127.0.0.1", https: true))\n" + line
        }
        FileHandle.standardOutput.write(Data(line.utf8))  // unbuffered: the script waits for the URL line

        // Serve until SIGINT/SIGTERM, then drain for up to 5 s.
        await StopSignal.wait()
        await server.shutdown(grace: .seconds(5))
    }

    /// The synthetic per-host image: `patches` random sectors spread over the source and an appended extent.
    static func makeImage(source: String, patches count: Int, append: Int, seed: UInt64) throws -> LayeredImage {
        let size = try FileIdentity(path: source).byteCount
        var generator = SplitMix64(seed: seed)
        let sectors = max(1, size / 2048)
        var chosen = Set<Int64>()
        while chosen.count < min(count, Int(sectors)) { chosen.insert(Int64.random(in: 0..<sectors, using: &generator)) }
        var patches = chosen.sorted().map { sector in
            LayeredImage.Patch(offset: sector * 2048, bytes: (0..<2048).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        if append > 0 {
            patches.append(.init(offset: size, bytes: (0..<append).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        }
        let end = size + Int64(append)
        return try LayeredImage(sourcePath: source, patches: patches, byteCount: (end + 2047) / 2048 * 2048)
    }
}
