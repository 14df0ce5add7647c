import MediaServer

/// The media server's recent requests, kept so that "BMC never read the image" can show who did ask for what.
///
/// A ring of the last `limit` events: a BMC's virtual CD makes ~190 range requests per boot, so at 200 hosts
/// dropping the oldest event by `removeFirst` shifted 2,000 events per request (~3% of an install's CPU).
actor AccessLog {
    private var events: [AccessEvent] = []
    /// Once the ring is full: the slot of the oldest event, which the next one overwrites.
    private var oldest = 0
    let limit: Int

    init(limit: Int = 2_000) {
        self.limit = max(1, limit)
    }

    func record(_ event: AccessEvent) {
        if events.count < limit {
            events.append(event)
        } else {
            events[oldest] = event
            oldest = (oldest + 1) % limit
        }
    }

    /// Requests for `host`'s image and requests for no known image (a wrong URL), newest last.
    func lines(for host: String, maximum: Int = 20) -> [String] {
        (events[oldest...] + events[..<oldest]).filter { $0.host == host || $0.host == nil }.suffix(maximum).map {
            "\($0.peer) \($0.method) \($0.redactedPath)\($0.range.map { " Range: \($0)" } ?? "") → \($0.status)"
        }
    }
}
