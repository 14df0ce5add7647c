import CCurl
import Foundation
import Primitives

/// The one thread that owns the curl multi handle and every easy handle in it.
///
/// Other threads only touch `Shared` (pending, cancelled, stopping) under its lock and nudge the thread with
/// `curl_multi_wakeup`; every libcurl call on a handle happens here, so no handle is used by two threads.
/// The nudge itself is sent under the lock and only while `stopped` is false, and the thread sets `stopped`
/// under the lock before `curl_multi_cleanup`: a cancel or submit racing with shutdown never wakes a freed handle.
final class MultiDriver: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    /// What other threads hand to the driver thread, behind one lock.
    private struct Shared {
        var pending: [Transfer] = []
        var cancelled: Set<UInt64> = []
        var stopping = false
        var stopped = false
    }
    private let shared = Locked(Shared())
    /// Transfers inside libcurl, by easy handle. Driver thread only.
    private var running: [UnsafeMutableRawPointer: Transfer] = [:]
    private let hooks: Hooks

    /// The two libcurl calls whose order across threads matters, injectable so a test can see a wakeup that
    /// would reach a freed handle (without making it).
    struct Hooks: Sendable {
        var wakeUp: @Sendable (UnsafeMutableRawPointer) -> Void = { _ = curl_multi_wakeup($0) }
        var cleanUp: @Sendable (UnsafeMutableRawPointer) -> Void = { _ = curl_multi_cleanup($0) }
    }

    init(maxConnectionsPerHost: Int, hooks: Hooks = Hooks()) {
        self.hooks = hooks
        multi = curl_multi_init()!
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, maxConnectionsPerHost))
        let thread = Thread { [self] in loop() }
        thread.name = "vmedia.curl-multi"
        thread.start()
    }

    func submit(_ transfer: Transfer) {
        let accepted = shared.withLock { state -> Bool in
            guard !state.stopping else { return false }
            state.pending.append(transfer)
            wakeUp(state)
            return true
        }
        if !accepted { finish(transfer, .failure(CurlHTTPError.shutDown(url: transfer.request.url))) }
    }

    func cancel(_ id: UInt64) {
        shared.withLock { state in
            state.cancelled.insert(id)
            wakeUp(state)
        }
    }

    func stop() {
        shared.withLock { state in
            guard !state.stopping else { return }
            state.stopping = true
            wakeUp(state)
        }
    }

    /// Interrupts `curl_multi_poll` (thread-safe in libcurl). Called inside `shared.withLock`; once the driver
    /// thread has set `stopped` the handle is (about to be) freed and there is nobody left to wake.
    private func wakeUp(_ state: Shared) {
        if !state.stopped { hooks.wakeUp(multi) }
    }

    private func loop() {
        while true {
            let (incoming, cancels, stop) = shared.withLock { state -> ([Transfer], Set<UInt64>, Bool) in
                defer { state.pending.removeAll() }
                return (state.pending, state.cancelled, state.stopping)
            }
            for transfer in incoming {
                if cancels.contains(transfer.id) { forget(transfer.id); finish(transfer, .failure(CancellationError())); continue }
                do {
                    try transfer.configure()
                    let handle = transfer.handle!
                    running[handle] = transfer
                    curl_multi_add_handle(multi, handle)
                } catch {
                    finish(transfer, .failure(error))
                }
            }
            for (handle, transfer) in running where cancels.contains(transfer.id) {
                curl_multi_remove_handle(multi, handle)
                running[handle] = nil
                forget(transfer.id)
                finish(transfer, .failure(CancellationError()))
            }
            if stop {
                for (handle, transfer) in running {
                    curl_multi_remove_handle(multi, handle)
                    finish(transfer, .failure(CurlHTTPError.shutDown(url: transfer.request.url)))
                }
                running.removeAll()
                let late = shared.withLock { state -> [Transfer] in
                    state.stopped = true
                    defer { state.pending.removeAll() }
                    return state.pending
                }
                for transfer in late { finish(transfer, .failure(CurlHTTPError.shutDown(url: transfer.request.url))) }
                hooks.cleanUp(multi)
                return
            }
            var stillRunning: Int32 = 0
            curl_multi_perform(multi, &stillRunning)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                // Read the result before remove_handle: removing invalidates the message.
                let code = ccurl_msg_result(message)
                curl_multi_remove_handle(multi, handle)
                if let transfer = running.removeValue(forKey: handle) {
                    forget(transfer.id)
                    finish(transfer, transfer.outcome(code: code))
                }
            }
            var ready: Int32 = 0
            curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
    }

    /// A cancel that arrived for a finished transfer must not linger in the set.
    private func forget(_ id: UInt64) { shared.withLock { _ = $0.cancelled.remove(id) } }

    private func finish(_ transfer: Transfer, _ result: Result<HTTPResponse, Error>) {
        let continuation = transfer.continuation
        transfer.continuation = nil
        continuation?.resume(with: result)
    }
}
