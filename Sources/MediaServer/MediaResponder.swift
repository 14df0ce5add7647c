import NIOCore
import NIOHTTP1

/// Why a request gets no image bytes. The one place where refusals and failures become HTTP statuses.
enum Refusal: Sendable, Equatable {
    /// An HTTP/1.1 request without exactly one Host field (RFC 9112 §3.2: the server must answer 400).
    case missingHost
    case notFound
    case forbidden
    case methodNotAllowed
    case unsatisfiable(length: Int64)
    case failed(MediaServerError)

    var status: HTTPResponseStatus {
        switch self {
        case .missingHost: return .badRequest
        case .notFound: return .notFound
        case .forbidden: return .forbidden
        case .methodNotAllowed: return .methodNotAllowed
        case .unsatisfiable: return .rangeNotSatisfiable
        case .failed(let error): return error.status
        }
    }
}

/// A response decided from the request alone; the handler only writes it.
struct PlannedResponse {
    enum Body {
        case none
        case buffer(ByteBuffer)
        /// `range` of the image (the segments are fetched when writing starts).
        case image(range: Range<Int64>)
    }

    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: Body
    /// The published image the request addressed (nil for unknown paths and the status page).
    var image: PublishedImage?
    /// Why the image was not served, for the log (nil when served).
    var refusal: Refusal?
    /// Exactly the value of Content-Length (what a GET body carries; HEAD sends none but promises the same).
    var contentLength: Int64
}

/// Turns a request head into a `PlannedResponse`: routing, allowlist, source checks, ranges and validators.
/// Pure apart from reading the registry and the image's source identity, so every rule is tested on
/// `EmbeddedChannel` and directly.
struct MediaResponder: Sendable {
    let registry: ImageRegistry
    let statusPage: StatusPage

    static let allowedMethods = "GET, HEAD"

    func plan(_ request: HTTPRequestHead, peer: String, now: HTTPDate) -> PlannedResponse {
        let isHead = request.method == .HEAD
        let target = request.uri
        // RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request
        // message that lacks a Host header field and to any request message that contains more than one".
        let hosts = request.headers["host"].count
        if hosts > 1 || (hosts == 0 && (request.version.major, request.version.minor) >= (1, 1)) {
            return refuse(.missingHost, image: nil, isHead: isHead, now: now)
        }
        if target == "/status" || target == "/status.json" || target == "/status.html" {
            guard request.method == .GET || isHead else { return refuse(.methodNotAllowed, image: nil, isHead: isHead, now: now) }
            let wantsJSON = target == "/status.json"
                || (target == "/status" && request.headers[canonicalForm: "accept"].contains { $0.lowercased().hasPrefix("application/json") })
            let (body, type) = wantsJSON ? (statusPage.json(now: now), "application/json") : (statusPage.html(now: now), "text/html; charset=utf-8")
            var headers = baseHeaders(now: now)
            headers.add(name: "Content-Type", value: type)
            headers.add(name: "Cache-Control", value: "no-store")
            headers.add(name: "Vary", value: "Accept")
            headers.add(name: "Content-Length", value: "\(body.readableBytes)")
            return PlannedResponse(status: .ok, headers: headers, body: isHead ? .none : .buffer(body), image: nil,
                                   refusal: nil, contentLength: Int64(body.readableBytes))
        }
        // `/` leads to a program's dashboard (vmedia install's); without one it is an unknown path like any other.
        if target == "/", statusPage.dashboardSlot.dashboard != nil, request.method == .GET || isHead {
            var headers = baseHeaders(now: now)
            headers.add(name: "Location", value: "/status")
            headers.add(name: "Content-Length", value: "0")
            return PlannedResponse(status: .found, headers: headers, body: .none, image: nil, refusal: nil, contentLength: 0)
        }
        // Exact match only: no decoding, no normalisation, no file system (see ImageRegistry).
        guard let published = registry.lookup(path: target) else { return refuse(.notFound, image: nil, isHead: isHead, now: now) }
        guard request.method == .GET || isHead else { return refuse(.methodNotAllowed, image: published, isHead: isHead, now: now) }
        if let allowed = published.allowedPeers, !allowed.contains(PeerAddress.normalize(peer)) {
            return refuse(.forbidden, image: published, isHead: isHead, now: now)
        }
        let image = published.image
        do {
            try image.checkSourceUnchanged()
        } catch let error as MediaServerError {
            return refuse(.failed(error), image: published, isHead: isHead, now: now)
        } catch {
            return refuse(.failed(.invalidState("checking the source of \(published.host): \(error)")), image: published,
                          isHead: isHead, now: now)
        }

        let length = image.byteCount
        var rangeHeader = request.headers.first(name: "range")
        // RFC 9110 §13.1.5: a Range is only honoured when If-Range still matches; otherwise the client's cached part
        // is stale and it must get the whole image. Weak tags never match (strong comparison), and a date matches
        // only when it is exactly our Last-Modified.
        if rangeHeader != nil, let ifRange = request.headers.first(name: "if-range")?.trimmingOWS() {
            let matches = ifRange.hasPrefix("\"") ? ifRange == image.etag : HTTPDate(imfFixdate: String(ifRange)) == image.lastModified
            if !matches { rangeHeader = nil }
        }

        var headers = baseHeaders(now: now)
        headers.add(name: "Accept-Ranges", value: "bytes")
        headers.add(name: "ETag", value: image.etag)
        headers.add(name: "Last-Modified", value: image.lastModified.description)
        switch ByteRangeHeader.decide(rangeHeader, length: length) {
        case .unsatisfiable:
            return refuse(.unsatisfiable(length: length), image: published, isHead: isHead, now: now)
        case .full:
            headers.add(name: "Content-Type", value: "application/octet-stream")
            headers.add(name: "Content-Length", value: "\(length)")
            return PlannedResponse(status: .ok, headers: headers, body: isHead || length == 0 ? .none : .image(range: 0..<length),
                                   image: published, refusal: nil, contentLength: length)
        case .partial(let range):
            headers.add(name: "Content-Type", value: "application/octet-stream")
            headers.add(name: "Content-Range", value: "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(length)")
            headers.add(name: "Content-Length", value: "\(range.count)")
            return PlannedResponse(status: .partialContent, headers: headers, body: isHead ? .none : .image(range: range),
                                   image: published, refusal: nil, contentLength: Int64(range.count))
        }
    }

    /// A short plain-text answer. Its text names the status only: unknown paths learn nothing about what exists.
    func refuse(_ refusal: Refusal, image: PublishedImage?, isHead: Bool, now: HTTPDate) -> PlannedResponse {
        let status = refusal.status
        var headers = baseHeaders(now: now)
        switch refusal {
        case .methodNotAllowed: headers.add(name: "Allow", value: Self.allowedMethods)
        case .unsatisfiable(let length): headers.add(name: "Content-Range", value: "bytes */\(length)")
        case .failed: headers.add(name: "Retry-After", value: "60")
        case .notFound, .forbidden, .missingHost: break
        }
        let text = "\(status.code) \(status.reasonPhrase)\n"
        let body = ByteBuffer(string: text)
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(body.readableBytes)")
        return PlannedResponse(status: status, headers: headers, body: isHead ? .none : .buffer(body), image: image,
                               refusal: refusal, contentLength: Int64(body.readableBytes))
    }

    private func baseHeaders(now: HTTPDate) -> HTTPHeaders {
        // RFC 9110 §6.6.1: an origin server with a clock sends Date.
        HTTPHeaders([("Date", now.description), ("Server", "vmedia")])
    }
}
