import Digest
import NIOConcurrencyHelpers

/// How publish chooses an image's token, the unguessable path component that makes its URL a capability.
public enum TokenPolicy: Sendable {
    /// 128 random bits per publish (the system CSPRNG): URLs die with the process.
    case random
    /// HMAC-SHA-256(seed, host + name), truncated to 128 bits: the same URL across runs for as long as the secret
    /// seed is kept (`--stable-tokens`, so a BMC that still has the URL mounted keeps working after a restart).
    case stable(seed: [UInt8])
}

/// An image published under `/<host>/<token>/<name>`.
public struct PublishedImage: Sendable {
    public let host: String
    public let token: String
    public let name: String
    /// The URL path, e.g. `/esx01/3f2a…9c/VMware-VMvisor-Installer-8.0U3.iso`.
    public let path: String
    /// Peers (IP addresses) allowed to read the image; nil: everyone who knows the URL.
    public let allowedPeers: Set<String>?
    public let image: any ServableImage
    let statistics: ImageStatistics

    /// The path with the token shortened to `tokenPrefix`, for logs and the status page (kept, not rebuilt: every
    /// access event carries it).
    public let redactedPath: String

    init(host: String, token: String, name: String, path: String, allowedPeers: Set<String>?, image: any ServableImage,
         statistics: ImageStatistics) {
        self.host = host
        self.token = token
        self.name = name
        self.path = path
        self.allowedPeers = allowedPeers
        self.image = image
        self.statistics = statistics
        redactedPath = "/\(host)/\(token.prefix(6))…/\(name)"
    }

    /// The first characters of the token: enough to tell URLs apart in logs, useless for guessing them.
    public var tokenPrefix: String { String(token.prefix(6)) }
}

/// The images a server answers for. There is no mapping to the file system at all: a request path either equals a
/// published path byte for byte or gets 404, so `..`, percent-encodings, queries and case variants can never reach
/// anything.
public final class ImageRegistry: Sendable {
    /// BMCs reject image URLs of 255 characters or more (redfish-vendors.md §4); the scheme, address and port take
    /// at most 54 (`http://[` 39-char IPv6 `]:65535`), which leaves this much for the path.
    public static let maximumPathLength = 200

    private let policy: TokenPolicy
    private let images = NIOLockedValueBox([String: PublishedImage]())  // by path
    private let subscribers = NIOLockedValueBox([Int: AsyncStream<AccessEvent>.Continuation]())
    private let nextSubscriber = NIOLockedValueBox(0)

    public init(tokens: TokenPolicy = .random) { self.policy = tokens }

    /// Publishes `image` for `host` as `/<host>/<token>/<name>` and returns where. `name` must end in `.iso`
    /// (several BMCs refuse other URLs); `allowedPeers` restricts reads to those IP addresses (403 for others).
    @discardableResult
    public func publish(_ image: any ServableImage, host: String, name: String,
                        allowedPeers: [String]? = nil) throws -> PublishedImage {
        try Self.validate(host, kind: "host name")
        try Self.validate(name, kind: "file name")
        guard name.lowercased().hasSuffix(".iso"), name.count > 4 else {
            throw MediaServerError.invalidPathComponent(kind: "file name", value: name,
                                                        reason: "BMCs only mount URLs ending in .iso")
        }
        let token = makeToken(host: host, name: name)
        let path = "/\(host)/\(token)/\(name)"
        guard path.utf8.count <= Self.maximumPathLength else {
            throw MediaServerError.urlTooLong(url: path, limit: 255)
        }
        let published = PublishedImage(host: host, token: token, name: name, path: path,
                                       allowedPeers: allowedPeers.map { Set($0.map(PeerAddress.normalize)) },
                                       image: image, statistics: ImageStatistics())
        try images.withLockedValue { images in
            guard !images.values.contains(where: { $0.host == host }) else { throw MediaServerError.alreadyPublished(host: host) }
            images[path] = published
        }
        return published
    }

    /// Withdraws `host`'s image: its URL answers 404 from the next request on. Returns the final statistics.
    @discardableResult
    public func unpublish(host: String) -> ImageStatisticsSnapshot? {
        images.withLockedValue { images in
            guard let entry = images.first(where: { $0.value.host == host }) else { return nil }
            images[entry.key] = nil
            return entry.value.statistics.snapshot
        }
    }

    public var published: [PublishedImage] {
        images.withLockedValue { Array($0.values) }.sorted { $0.host < $1.host }
    }

    public func image(forHost host: String) -> PublishedImage? {
        images.withLockedValue { $0.values.first { $0.host == host } }
    }

    /// The statistics of `host`'s image so far.
    public func statistics(host: String) -> ImageStatisticsSnapshot? { image(forHost: host)?.statistics.snapshot }

    /// Marks the power action for `host`'s image: from now on (this server's wall clock, the clock access events
    /// carry) completed reads are kept with their time in `readsSinceMark`. Returns the mark, nil without an image.
    @discardableResult
    public func markPowerAction(host: String) -> Double? {
        guard let image = image(forHost: host) else { return nil }
        let now = WallClock.now()
        image.statistics.mark(at: now)
        return now
    }

    /// Shows `text` as the image's read evidence (status page, `/status.json`); nil clears it.
    public func setEvidence(host: String, _ text: String?) {
        image(forHost: host)?.statistics.setEvidence(text)
    }

    /// Every answered request from now on (all images and unknown paths), until the stream is dropped.
    public func accessEvents() -> AsyncStream<AccessEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: AccessEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        let id = nextSubscriber.withLockedValue { value -> Int in value += 1; return value }
        subscribers.withLockedValue { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLockedValue { $0.removeValue(forKey: id) }
        }
        return stream
    }

    func lookup(path: String) -> PublishedImage? { images.withLockedValue { $0[path] } }

    /// The peers the published images allow, for admitting connections (see `ConnectionAdmission`).
    var readers: ConnectionAdmission.Readers {
        images.withLockedValue { images in
            var readers = ConnectionAdmission.Readers(bmcs: [], anyoneMayRead: false)
            for image in images.values {
                if let allowed = image.allowedPeers { readers.bmcs.formUnion(allowed) } else { readers.anyoneMayRead = true }
            }
            return readers
        }
    }

    func record(_ event: AccessEvent, for image: PublishedImage?) {
        image?.statistics.record(event)
        // No copy (and no allocation) for the usual case of nobody listening: this runs once per request.
        for continuation in subscribers.withLockedValue({ $0.isEmpty ? [] : Array($0.values) }) { continuation.yield(event) }
    }

    func finishEventStreams() {
        for continuation in subscribers.withLockedValue({ Array($0.values) }) { continuation.finish() }
    }

    private func makeToken(host: String, name: String) -> String {
        switch policy {
        case .random:
            var generator = SystemRandomNumberGenerator()
            return (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
        case .stable(let seed):
            // The name is part of the message so a new ISO version gets a new URL even with the same seed.
            let message = Array("vmedia-token\u{0}\(host)\u{0}\(name)".utf8)
            return SHA256.hmac(key: seed, message: message).prefix(16).hexString
        }
    }

    /// Host and file names become URL path segments verbatim, so they are limited to characters that never need
    /// percent-encoding and cannot form `.` or `..` segments.
    private static func validate(_ value: String, kind: String) throws {
        func fail(_ reason: String) -> MediaServerError {
            .invalidPathComponent(kind: kind, value: value, reason: reason)
        }
        guard !value.isEmpty else { throw fail("it is empty") }
        guard value.utf8.count <= 100 else { throw fail("it is longer than 100 characters") }
        guard !value.hasPrefix(".") else { throw fail("it starts with '.'") }
        for byte in value.utf8 {
            let ok = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            guard ok else { throw fail("it contains \(String(decoding: [byte], as: UTF8.self).debugDescription)") }
        }
    }
}

/// Peer addresses as compared with allowlists and counted as distinct peers.
enum PeerAddress {
    /// `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) → `192.0.2.1`, so one allowlist entry matches
    /// a BMC however the socket was bound.
    static func normalize(_ address: String) -> String {
        let lower = address.lowercased()
        if lower.hasPrefix("::ffff:"), lower.dropFirst(7).contains(".") { return String(lower.dropFirst(7)) }
        return lower
    }
}

/// Shortens every path segment that looks like a token (16+ hex digits) to its first 6 characters, for logging
/// request targets that matched no image (they may still carry a real token under a wrong host name).
func redactTokens(in target: String) -> String {
    let limited = target.utf8.count > 300 ? String(decoding: target.utf8.prefix(300), as: UTF8.self) + "…" : target
    return limited.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
        // Mostly hex, not only hex: a near miss (a token with a character flipped, inserted or percent-encoded)
        // is still almost the whole capability and must not reach a log. Host and ISO names stay readable.
        let hexDigits = segment.utf8.count { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) }
        let tokenLike = segment.utf8.count >= 16 && hexDigits * 3 >= segment.utf8.count * 2
        return tokenLike ? segment.prefix(6) + "…" : String(segment)
    }.joined(separator: "/")
}
