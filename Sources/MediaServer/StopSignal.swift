import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way a long-running server command (`serve`, `simulate`, `media-bench serve`) waits to be stopped:
/// SIGINT (Ctrl-C) or SIGTERM (systemd, `docker stop`, Jenkins' abort). Both are set to be ignored by default and
/// delivered through dispatch sources instead, so the process drains its work instead of dying mid-transfer.
/// (`install` has its own two-stage handling in InstallSession: a first Ctrl-C asks, a second or SIGTERM cleans up.)
public enum StopSignal {
    /// Suspends until SIGINT or SIGTERM arrives, or `timeout` has passed; returns the signal, nil after the timeout.
    /// Further signals stay ignored afterwards, so a second Ctrl-C does not cut the drain short.
    @discardableResult
    public static func wait(timeout: Duration? = nil) async -> Int32? {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32?.self)
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        let timer = timeout.map { timeout in
            Task {
                try? await Task.sleep(for: timeout)
                continuation.yield(nil)
            }
        }
        var received: Int32?
        for await value in stream {
            received = value
            break
        }
        timer?.cancel()
        sources.forEach { $0.cancel() }
        return received
    }
}
