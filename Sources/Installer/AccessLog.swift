import MediaServer

/// The media server's recent requests, kept so that "BMC never read the image" can show who did ask for what.
actor AccessLog {
    private var events: [AccessEvent] = []
    private let limit = 2_000

    func record(_ event: AccessEvent) {
        events.append(event)
        if events.count > limit { events.removeFirst(events.count - limit) }
    }

    /// Requests for `host`'s image and requests for no known image (a wrong URL), newest last.
    func lines(for host: String, maximum: Int = 20) -> [String] {
        events.filter { $0.host == host || $0.host == nil }.suffix(maximum).map {
            "\($0.peer) \($0.method) \($0.redactedPath)\($0.range.map { " Range: \($0)" } ?? "") → \($0.status)"
        }
    }
}
