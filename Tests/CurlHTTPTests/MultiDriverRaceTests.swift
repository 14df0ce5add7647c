@testable import CurlHTTP
import Foundation
import Testing

/// The curl driver thread frees the multi handle when the client stops, while other threads may still be
/// cancelling requests or submitting new ones (a Ctrl-C during shutdown, a task group unwinding). Every
/// `curl_multi_wakeup` must happen before that free. Run under ThreadSanitizer by .ci/run
/// (`swift test --sanitize=thread --filter MultiDriverRaceTests`), where a wakeup of the freed handle is a
/// reported heap-use-after-free; without the sanitizer it is at least a crash now and then.
@Suite("CurlHTTP driver: cancel and submit racing with shutdown")
struct MultiDriverRaceTests {
    /// A loopback listener that never accepts: connections complete in the kernel's backlog and requests hang,
    /// so every request is in flight when it is cancelled or the client stops.
    final class SilentListener: @unchecked Sendable {
        let fd: Int32
        let port: Int

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(fd, 4096) == 0 else {
                close(fd)
                throw POSIXError(.EADDRINUSE)
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            self.fd = fd
            self.port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit { close(fd) }
    }

    /// What the driver asked of libcurl, seen through its hooks.
    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var freed = false
        private var lateWakeups = 0
        let live = MultiDriver.Hooks()

        var cleanedUp: Bool { lock.withLock { freed } }
        var wakeupsAfterCleanup: Int { lock.withLock { lateWakeups } }

        var hooks: MultiDriver.Hooks {
            MultiDriver.Hooks(wakeUp: { [self] handle in
                // A wakeup of the freed handle is counted, never made: the test must not corrupt memory itself.
                let late = lock.withLock { () -> Bool in
                    if freed { lateWakeups += 1 }
                    return freed
                }
                if !late { live.wakeUp(handle) }
            }, cleanUp: { [self] handle in
                lock.withLock { freed = true }
                live.cleanUp(handle)
            })
        }
    }

    @Test("once the driver thread has freed the multi handle, a cancel or a submit never wakes it")
    func noWakeupAfterCleanup() async throws {
        let listener = try SilentListener()
        let url = "http://127.0.0.1:\(listener.port)/hang"
        let calls = Calls()
        let driver = MultiDriver(maxConnectionsPerHost: 1, hooks: calls.hooks)
        let first = try Transfer(request: HTTPRequest(url: url, timeout: .seconds(30)))
        driver.submit(first)
        driver.stop()
        let deadline = ContinuousClock.now + .seconds(10)
        while !calls.cleanedUp && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        try #require(calls.cleanedUp, "the driver thread did not stop")
        // What a task group unwinding after the client stopped does: cancel its request, or send another.
        driver.cancel(first.id)
        driver.submit(try Transfer(request: HTTPRequest(url: url, timeout: .seconds(30))))
        #expect(calls.wakeupsAfterCleanup == 0)
    }

    @Test("200 rounds: requests in flight are cancelled while the client stops, and new ones are submitted after; each ends with an error, none hangs")
    func cancelWhileStopping() async throws {
        let listener = try SilentListener()
        let url = "http://127.0.0.1:\(listener.port)/hang"
        for round in 0..<200 {
            let client = CurlHTTPClient()
            let requests = (0..<4).map { _ in
                Task { try await client.send(HTTPRequest(url: url, connectTimeout: .seconds(5), timeout: .seconds(30))) }
            }
            // Let some requests reach the driver; alternate the order of cancel and stop between rounds.
            if round % 3 != 0 { await Task.yield() }
            let stopper = Thread { client.shutdown() }
            if round % 2 == 0 {
                stopper.start()
                for request in requests { request.cancel() }
            } else {
                for request in requests { request.cancel() }
                stopper.start()
            }
            let late = Task { try await client.send(HTTPRequest(url: url, connectTimeout: .seconds(5), timeout: .seconds(30))) }
            for request in requests + [late] {
                do {
                    _ = try await request.value
                    Issue.record("round \(round): a request to a listener that never answers succeeded")
                } catch is CancellationError {
                } catch let error as CurlHTTPError {
                    guard case .shutDown = error else { Issue.record("round \(round): unexpected \(error)"); continue }
                }
            }
        }
    }
}
