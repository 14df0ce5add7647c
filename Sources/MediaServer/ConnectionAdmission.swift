/// Who may hold a connection, decided when it is accepted, before any byte is read: the hosts' BMCs must always
/// get their image, whatever other clients do.
///
/// - The allowlist applies at accept time: when every published image names its readers (`allowedPeers`), a peer
///   in none of the lists is closed at once (loopback excepted, for the operator's `/status` and local tools).
/// - Each client address holds at most `perClient` connections (a BMC opens a handful; the default leaves room for
///   several BMCs behind one NAT address, which `--any-peer` serves).
/// - Clients that are not a published image's BMC share at most `maximum − reservedForBMCs` connections, so the
///   rest stays free for the BMCs however many addresses the others come from.
/// Before this, the 1,024-connection cap was global and checked before the per-image peer check, so 1,024 idle
/// sockets from any address made every BMC get 503 (issue 17).
struct ConnectionAdmission {
    enum Decision: Equatable {
        case admit(bmc: Bool)
        case refuse(Reason)
    }

    enum Reason: String, CaseIterable {
        case draining = "shutting down"
        case notAllowed = "not a BMC of any published image"
        case perClient = "per-client connection limit"
        case others = "connections for non-BMC clients used up"
        case full = "all connections in use"
    }

    struct Limits {
        var maximum: Int
        var perClient: Int
        var reservedForBMCs: Int
    }

    /// What the registry allows: the union of the images' allowlists, and whether some image is open to anyone.
    struct Readers {
        var bmcs: Set<String>
        var anyoneMayRead: Bool
    }

    let limits: Limits
    private(set) var total = 0
    private(set) var others = 0
    private var byPeer: [String: Int] = [:]

    init(limits: Limits) { self.limits = limits }

    func count(of peer: String) -> Int { byPeer[peer] ?? 0 }

    /// Decides for a new connection from `peer` (normalised) and, when admitted, counts it.
    mutating func admit(_ peer: String, readers: Readers, draining: Bool) -> Decision {
        if draining { return .refuse(.draining) }
        let bmc = readers.bmcs.contains(peer)
        if !bmc, !readers.anyoneMayRead, !readers.bmcs.isEmpty, !Self.isLoopback(peer) { return .refuse(.notAllowed) }
        if count(of: peer) >= limits.perClient { return .refuse(.perClient) }
        if total >= limits.maximum { return .refuse(.full) }
        // The reserve matters only when there are BMCs to reserve it for (images published with allowlists).
        if !bmc, !readers.bmcs.isEmpty, others >= max(0, limits.maximum - limits.reservedForBMCs) { return .refuse(.others) }
        total += 1
        if !bmc { others += 1 }
        byPeer[peer, default: 0] += 1
        return .admit(bmc: bmc)
    }

    /// Forgets a closed connection admitted earlier.
    mutating func release(_ peer: String, bmc: Bool) {
        total -= 1
        if !bmc { others -= 1 }
        let left = count(of: peer) - 1
        byPeer[peer] = left > 0 ? left : nil
    }

    static func isLoopback(_ address: String) -> Bool {
        address == "::1" || address.hasPrefix("127.")
    }
}

/// Refusals are logged at most once per `interval`: the first one at once, later ones as a count per reason and
/// the busiest address, so a flood of connections cannot flood the log as well.
struct RefusalLog {
    let interval: Double
    private var lastLine: Double = -.infinity
    private var counts: [ConnectionAdmission.Reason: Int] = [:]
    private var byPeer: [String: Int] = [:]

    init(interval: Double = 10) { self.interval = interval }

    /// Records a refusal at time `now` (seconds); returns the line to log, or nil while inside the interval.
    mutating func record(_ reason: ConnectionAdmission.Reason, peer: String, now: Double) -> String? {
        counts[reason, default: 0] += 1
        byPeer[peer, default: 0] += 1
        guard now - lastLine >= interval else { return nil }
        return flush(now: now)
    }

    /// The summary of the refusals not logged yet, or nil when there are none.
    mutating func flush(now: Double) -> String? {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return nil }
        let reasons = ConnectionAdmission.Reason.allCases.compactMap { reason in counts[reason].map { "\($0) \(reason.rawValue)" } }
        let busiest = byPeer.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!
        let line = "refused \(total) connection(s) (\(reasons.joined(separator: ", "))); most from \(busiest.key) (\(busiest.value)) "
            + "from \(byPeer.count) address(es)"
        counts = [:]
        byPeer = [:]
        lastLine = now
        return line
    }
}
