import CurlHTTP
import ESXi
import Foundation
import Logging
import NIOConcurrencyHelpers
import MediaServer

/// Installs ESXi on many hosts at once: one `HostInstall` per host, at most `options.parallel` at a time, every
/// host getting a result whatever the others do. Progress arrives on `events` until `run` returns.
public final class Installer: Sendable {
    /// What every host's run shares.
    struct Context: Sendable {
        let remaster: ESXiRemaster
        let sourcePath: String
        let imageName: String
        let server: MediaServer
        let advertise: String
        let options: InstallOptions
        let clock: InstallClock
        let http: CurlHTTPClient
        let logger: Logger
        let accessLog: AccessLog
    }

    public let events: AsyncStream<InstallEvent>
    /// The install's page for the media server's `/status` (`MediaServer.showDashboard`), fed by every event.
    public let dashboard: InstallDashboard
    private let continuation: AsyncStream<InstallEvent>.Continuation
    private let context: Context
    private let stopping = NIOLockedValueBox(false)
    private let finished = NIOLockedValueBox<[String: HostResult]>([:])

    /// - Parameters:
    ///   - remaster: the opened source ISO (checked with `verifySource` before any host is touched).
    ///   - server: a started media server; the installer publishes each host's image on it.
    ///   - advertise: the address BMCs reach the server on.
    public init(remaster: ESXiRemaster, server: MediaServer, advertise: String, options: InstallOptions = .init(),
                clock: InstallClock = .continuous, http: CurlHTTPClient, logger: Logger = Logger(label: "vmedia.install")) {
        (events, continuation) = AsyncStream.makeStream(of: InstallEvent.self, bufferingPolicy: .bufferingNewest(100_000))
        let name = (remaster.sourcePath as NSString).lastPathComponent
        context = Context(remaster: remaster, sourcePath: remaster.sourcePath,
                          imageName: name.lowercased().hasSuffix(".iso") ? name : name + ".iso",
                          server: server, advertise: advertise, options: options, clock: clock, http: http,
                          logger: logger, accessLog: AccessLog())
        dashboard = InstallDashboard(registry: server.registry, title: "vmedia install: \(context.imageName)")
    }

    /// The gzip CRC check of every boot module of the source, once before any host is touched: a corrupt download
    /// would otherwise fail every host minutes later, at the installer's "Error loading" screen.
    public static func verifySource(_ remaster: ESXiRemaster) throws {
        let report = try remaster.installer.verifyBootFiles(files: ISOInstallerFiles(image: remaster.image))
        guard report.isHealthy else {
            throw InstallError.source(path: remaster.sourcePath,
                                      reason: report.failures.map(\.summary).joined(separator: "; ")
                                        + " — download the ISO again and compare its checksum with VMware's")
        }
    }

    /// Stops starting hosts that have not begun (the first Ctrl-C); hosts already running carry on.
    public func stopStartingNewHosts() { stopping.withLockedValue { $0 = true } }

    /// The results of the hosts that have finished so far, by host name: what a SIGTERM whose time runs out
    /// still reports while `run` is cleaning up the others.
    public var finishedResults: [String: HostResult] { finished.withLockedValue { $0 } }

    /// Installs every target and returns their results in the targets' order. Cancelling the calling task stops
    /// the running hosts, each cleaning up what it inserted and deleting its session.
    public func run(_ targets: [InstallTarget]) async -> [HostResult] {
        let registry = context.server.registry
        let accessLog = context.accessLog
        let stream = registry.accessEvents()
        let collector = Task { for await event in stream { await accessLog.record(event) } }
        defer {
            collector.cancel()
            continuation.finish()
        }
        let dashboard = self.dashboard
        dashboard.begin(targets)
        let emit: @Sendable (InstallEvent) -> Void = { [continuation] in
            dashboard.record($0)
            continuation.yield($0)
        }
        let context = self.context
        let stopping = self.stopping
        let finished = self.finished
        var results = [HostResult?](repeating: nil, count: targets.count)
        await withTaskGroup(of: (Int, HostResult).self) { group in
            var next = 0
            func startNext() -> Bool {
                guard next < targets.count, !stopping.withLockedValue({ $0 }), !Task.isCancelled else { return false }
                let index = next
                next += 1
                group.addTask { (index, await HostInstall(target: targets[index], context: context, emit: emit).run()) }
                return true
            }
            for _ in 0..<max(1, context.options.parallel) where !startNext() { break }
            while let (index, result) = await group.next() {
                results[index] = result
                finished.withLockedValue { $0[result.host] = result }
                _ = startNext()
            }
        }
        // Hosts never started (Ctrl-C) still get a result, so reports list every host.
        return targets.indices.map { index in
            results[index] ?? .unfinished(targets[index], kind: .notStarted, reason: "not started: stopped by the user (Ctrl-C)")
        }
    }
}
