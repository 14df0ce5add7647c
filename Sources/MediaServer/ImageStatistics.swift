import NIOConcurrencyHelpers

/// One answered request for a published image (or for an unknown path: then `host` is nil), as the access log
/// line and the installer's event stream see it.
public struct AccessEvent: Sendable, Hashable {
    /// The image's host name, or nil when the path matched no image.
    public let host: String?
    /// The request target with every token shortened to its first characters: tokens are capabilities and do not
    /// belong in logs or on the status page.
    public let redactedPath: String
    public let peer: String
    public let method: String
    /// The `Range` header as sent (nil without one).
    public let range: String?
    public let status: Int
    /// Body bytes actually written to the socket (less than promised when the client went away).
    public let bytesSent: Int64
    /// The image bytes the response covered (nil for responses that carried no image bytes).
    public let servedRange: Range<Int64>?
    /// Wall-clock seconds since 1970 when the request arrived.
    public let time: Double
    public let durationSeconds: Double
    /// Whether the whole response went out (false: the client disconnected or was cut by a timeout or shutdown).
    public let completed: Bool
    /// Whether the request came over HTTPS (what the media pre-flight reports as "TLS accepted").
    public var overTLS: Bool = false
}

/// Per-image counters kept in process: what the installer watches to know a BMC really reads its image.
public struct ImageStatisticsSnapshot: Sendable, Hashable {
    public var requests: Int = 0
    public var bytesServed: Int64 = 0
    public var peers: Set<String> = []
    public var firstAccess: Double? = nil
    public var lastAccess: Double? = nil
    /// The image bytes sent in completed responses, sorted, coalesced (touching or overlapping ranges merged).
    public var rangesRead: [Range<Int64>] = []
    /// Statuses answered, by code (200, 206, 304, 403, 416, 503 …).
    public var statuses: [Int: Int] = [:]
    /// Requests that came over HTTPS (the rest came over plain HTTP on the same port).
    public var requestsOverTLS: Int = 0

    /// When the installer marked the power action (wall-clock seconds since 1970), nil before. iDRAC reads the
    /// image during InsertMedia (redfish-vendors.md §4), so only reads from the mark on show what the host booted.
    public var markTime: Double? = nil
    /// Completed reads that arrived at or after `markTime`, in the order they finished: what the host's boot read.
    public var readsSinceMark: [TimedRead] = []
    /// Body bytes sent for requests that arrived at or after `markTime`.
    public var bytesSinceMark: Int64 = 0
    /// What the image's files tell about those reads ("booted our image: KS.CFG read 14:02:11, 71/80 modules"),
    /// set by whoever knows the files (the installer); the status page shows it.
    public var evidence: String? = nil

    /// Bytes covered by `rangesRead`: how much of the image a BMC has actually seen.
    public var distinctBytesRead: Int64 { rangesRead.reduce(0) { $0 + Int64($1.count) } }

    mutating func record(_ event: AccessEvent) {
        if let markTime, event.time >= markTime {
            bytesSinceMark += event.bytesSent
            if event.completed, let range = event.servedRange, !range.isEmpty {
                readsSinceMark.append(TimedRead(range: range, time: event.time + event.durationSeconds, peer: event.peer))
            }
        }
        requests += 1
        if event.overTLS { requestsOverTLS += 1 }
        bytesServed += event.bytesSent
        peers.insert(event.peer)
        if firstAccess == nil { firstAccess = event.time }
        lastAccess = max(lastAccess ?? event.time, event.time)
        statuses[event.status, default: 0] += 1
        if event.completed, let range = event.servedRange, !range.isEmpty { insert(range) }
    }

    /// Inserts `range` into the sorted, disjoint `rangesRead`, merging it with every range it touches.
    mutating func insert(_ range: Range<Int64>) {
        // First index whose range ends at or after range.lowerBound (it may touch or overlap).
        var low = 0, high = rangesRead.count
        while low < high {
            let mid = (low + high) / 2
            if rangesRead[mid].upperBound < range.lowerBound { low = mid + 1 } else { high = mid }
        }
        var merged = range
        var end = low
        while end < rangesRead.count, rangesRead[end].lowerBound <= merged.upperBound {
            merged = min(merged.lowerBound, rangesRead[end].lowerBound)..<max(merged.upperBound, rangesRead[end].upperBound)
            end += 1
        }
        rangesRead.replaceSubrange(low..<end, with: CollectionOfOne(merged))
    }
}

/// One completed read of image bytes: the range served and when its last byte went out.
public struct TimedRead: Sendable, Hashable {
    public let range: Range<Int64>
    /// Wall-clock seconds since 1970 when the response was complete.
    public let time: Double
    public let peer: String

    public init(range: Range<Int64>, time: Double, peer: String) {
        self.range = range
        self.time = time
        self.peer = peer
    }
}

/// The mutable, lock-protected statistics of one published image (updated from every event loop).
final class ImageStatistics: Sendable {
    private let state = NIOLockedValueBox(ImageStatisticsSnapshot())
    func record(_ event: AccessEvent) { state.withLockedValue { $0.record(event) } }
    var snapshot: ImageStatisticsSnapshot { state.withLockedValue { $0 } }

    /// Starts (or restarts) the record of reads after the power action at `time`.
    func mark(at time: Double) {
        state.withLockedValue { state in
            state.markTime = time
            state.readsSinceMark = []
            state.bytesSinceMark = 0
        }
    }

    func setEvidence(_ text: String?) { state.withLockedValue { $0.evidence = text } }
}
