import CCurl
import Foundation
import Primitives
import Logging

/// An async HTTP client over libcurl.
///
/// One `curl_multi` handle is driven by one dedicated thread (`curl_multi_poll` + `curl_multi_wakeup`):
/// blocking `curl_easy_perform` inside Swift tasks would pin the cooperative pool (two threads on two
/// cores), so 8 concurrent requests to a slow BMC would take 8× instead of 1×. The multi handle keeps
/// the connection cache, so keep-alive connections are reused across requests to the same host.
/// A cancelled Swift task removes its transfer from the multi handle at once.
public final class CurlHTTPClient: Sendable {
    private let driver: MultiDriver
    private let logger: Logger

    /// - Parameter maxConnectionsPerHost: upper bound of parallel connections to one host (BMCs are small
    ///   machines; more requests queue inside libcurl).
    public init(maxConnectionsPerHost: Int = 8, logger: Logger = Logger(label: "vmedia.http")) {
        CurlGlobal.ensureInitialized()
        self.driver = MultiDriver(maxConnectionsPerHost: maxConnectionsPerHost)
        self.logger = logger
    }

    deinit { driver.stop() }

    /// Sends `request` and returns the response of any HTTP status; throws `CurlHTTPError` for transport
    /// failures and `CancellationError` when the calling task is cancelled.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let transfer = try Transfer(request: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, Error>) in
                transfer.continuation = continuation
                driver.submit(transfer)
            }
        } onCancel: {
            driver.cancel(transfer.id)
        }
    }

    /// Stops the driver thread; requests still in flight fail with `CurlHTTPError.shutDown`.
    public func shutdown() { driver.stop() }

    /// The libcurl version string (for `--version` and bug reports).
    public static var libcurlVersion: String { String(cString: curl_version()) }
}

/// `curl_global_init` must run once before any other call; a `static let` runs it exactly once (swift_once).
enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    static func ensureInitialized() { _ = initialized }
}

/// The state of one request while libcurl works on it. Owned by the driver thread once submitted;
/// libcurl's callbacks reach it through an unretained pointer that `MultiDriver.running` keeps alive.
final class Transfer: @unchecked Sendable {
    private static let counter = LockedCounter()
    let id: UInt64
    let request: HTTPRequest
    var continuation: CheckedContinuation<HTTPResponse, Error>?
    var handle: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>
    var body = Data()
    var headers: [(name: String, value: String)] = []

    init(request: HTTPRequest) throws {
        self.id = Self.counter.next()
        self.request = request
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        guard URLComponents(string: request.url)?.scheme != nil else {
            throw CurlHTTPError.setup(url: request.url, detail: "not an absolute URL (expected http://host[:port]/path)")
        }
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    /// Creates and configures the easy handle. Runs on the driver thread.
    func configure() throws {
        guard let handle = curl_easy_init() else { throw CurlHTTPError.setup(url: request.url, detail: "curl_easy_init failed") }
        self.handle = handle
        let r = request
        try set(ccurl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer), "ERRORBUFFER")
        // Threads and signals do not mix: without NOSIGNAL libcurl uses SIGALRM for DNS timeouts.
        try set(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        try set(ccurl_setopt_str(handle, CURLOPT_URL, r.url), "URL")
        try set(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(r.connectTimeout)), "CONNECTTIMEOUT_MS")
        try set(ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(r.timeout)), "TIMEOUT_MS")
        try set(ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0), "FOLLOWLOCATION")
        let method = r.method.uppercased()
        switch method {
        case "GET": try set(ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1), "HTTPGET")
        case "HEAD": try set(ccurl_setopt_long(handle, CURLOPT_NOBODY, 1), "NOBODY")
        default:
            if let body = r.body ?? (method == "DELETE" ? nil : Data()) {
                try set(ccurl_setopt_long(handle, CURLOPT_POST, 1), "POST")
                try set(ccurl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "POSTFIELDSIZE_LARGE")
                // COPYPOSTFIELDS: libcurl keeps its own copy, so the Data may go away before the transfer ends.
                try body.withUnsafeBytes { raw in
                    let empty: StaticString = ""
                    let pointer = raw.baseAddress ?? UnsafeRawPointer(empty.utf8Start)
                    try set(ccurl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: pointer)), "COPYPOSTFIELDS")
                }
            }
            if method != "POST" { try set(ccurl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, method), "CUSTOMREQUEST") }
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for header in r.headers { list = curl_slist_append(list, "\(header.name): \(header.value)") }
        // An empty Expect: stops libcurl from waiting for 100-continue before sending bodies over 1 KiB.
        list = curl_slist_append(list, "Expect:")
        headerList = list
        try set(ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, list), "HTTPHEADER")
        if let auth = r.basicAuth {
            try set(ccurl_setopt_long(handle, CURLOPT_HTTPAUTH, Int(CCURLAUTH_BASIC)), "HTTPAUTH")
            try set(ccurl_setopt_str(handle, CURLOPT_USERNAME, auth.username), "USERNAME")
            try set(ccurl_setopt_str(handle, CURLOPT_PASSWORD, auth.password), "PASSWORD")
        }
        switch r.tls {
        case .insecure:
            try set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0), "SSL_VERIFYPEER")
            try set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0), "SSL_VERIFYHOST")
        case .recordKey:
            try set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0), "SSL_VERIFYPEER")
            try set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0), "SSL_VERIFYHOST")
            try set(ccurl_setopt_long(handle, CURLOPT_CERTINFO, 1), "CERTINFO")
            // Only a handshake shows a certificate: a reused keep-alive connection would report none.
            try set(ccurl_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1), "FRESH_CONNECT")
        case .caFile(let path):
            try set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1), "SSL_VERIFYPEER")
            try set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2), "SSL_VERIFYHOST")
            try set(ccurl_setopt_str(handle, CURLOPT_CAINFO, path), "CAINFO")
        case .pinned(let pin):
            // The pin is the trust anchor (self-signed BMC certificates have no chain to check); libcurl
            // compares it on every new connection even with peer verification off.
            try set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0), "SSL_VERIFYPEER")
            try set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0), "SSL_VERIFYHOST")
            try set(ccurl_setopt_str(handle, CURLOPT_PINNEDPUBLICKEY, pin), "PINNEDPUBLICKEY")
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        try set(ccurl_setopt_write_cb(handle, CURLOPT_WRITEFUNCTION) { data, size, count, user in
            let transfer = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            if let data { transfer.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count) }
            return size * count
        }, "WRITEFUNCTION")
        try set(ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, context), "WRITEDATA")
        try set(ccurl_setopt_write_cb(handle, CURLOPT_HEADERFUNCTION) { data, size, count, user in
            let transfer = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            if let data { transfer.headerBytes(UnsafeRawBufferPointer(start: data, count: size * count)) }
            return size * count
        }, "HEADERFUNCTION")
        try set(ccurl_setopt_ptr(handle, CURLOPT_HEADERDATA, context), "HEADERDATA")
    }

    /// One raw header line from libcurl. ASCII lines (in practice all of them) are split on the bytes, which made
    /// header parsing ~4% of an install's CPU cheaper than trimming Strings; others go through `headerLine`.
    /// Same result either way: ASCII whitespace is exactly what `.whitespacesAndNewlines` trims in ASCII.
    func headerBytes(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.allSatisfy({ $0 < 0x80 }) else { headerLine(String(decoding: bytes, as: UTF8.self)); return }
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
            var start = range.lowerBound, end = range.upperBound
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            return start..<end
        }
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        let line = trimmed(0..<bytes.count)
        if bytes[line].starts(with: "HTTP/".utf8) { headers.removeAll(); return }
        guard let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")) else { return }
        headers.append((text(trimmed(line.lowerBound..<colon)), text(trimmed((colon + 1)..<line.upperBound))))
    }

    /// A status line starts a new header block (after `100 Continue` or a redirect): keep only the last one.
    func headerLine(_ raw: String) {
        let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") { headers.removeAll(); return }
        guard let colon = line.firstIndex(of: ":") else { return }
        headers.append((String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                        String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
    }

    /// Turns the finished transfer into a response or an error. Runs on the driver thread.
    func outcome(code: CURLcode) -> Result<HTTPResponse, Error> {
        let method = request.method.uppercased(), url = request.url
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        guard code == CURLE_OK else {
            switch code {
            case CURLE_OPERATION_TIMEDOUT:
                let limit = body.isEmpty && headers.isEmpty ? min(request.connectTimeout, request.timeout) : request.timeout
                let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
                return .failure(CurlHTTPError.timedOut(method: method, url: url, seconds: seconds, detail: detail))
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR:
                return .failure(CurlHTTPError.connectionFailed(method: method, url: url, detail: detail))
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
                return .failure(CurlHTTPError.certificateRejected(url: url, detail: detail))
            case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
                if case .pinned(let pin) = request.tls { return .failure(CurlHTTPError.pinMismatch(url: url, expected: pin)) }
                return .failure(CurlHTTPError.transfer(method: method, url: url, code: Int(code.rawValue), detail: detail))
            default:
                return .failure(CurlHTTPError.transfer(method: method, url: url, code: Int(code.rawValue), detail: detail))
            }
        }
        var status = 0, connects = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        _ = ccurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        var pin: String?
        var thumbprint: String?
        if request.tls == .recordKey {
            var info: UnsafeMutablePointer<curl_certinfo>?
            if ccurl_getinfo_certinfo(handle, &info) == CURLE_OK, let info, info.pointee.num_of_certs > 0,
               var item = info.pointee.certinfo[0] {
                while true {
                    let text = String(cString: item.pointee.data)
                    if text.hasPrefix("Cert:") {
                        pin = PublicKeyPin.pin(certificatePEM: String(text.dropFirst(5)))
                        thumbprint = PublicKeyPin.sha1Thumbprint(certificatePEM: String(text.dropFirst(5)))
                        break
                    }
                    guard let next = item.pointee.next else { break }
                    item = next
                }
            }
        }
        return .success(HTTPResponse(status: status, headers: headers, body: body, newConnections: connects, serverKeyPin: pin,
                                     serverCertificateThumbprint: thumbprint))
    }

    private func set(_ code: CURLcode, _ option: String) throws {
        guard code == CURLE_OK else {
            throw CurlHTTPError.setup(url: request.url, detail: "libcurl rejected CURLOPT_\(option): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let parts = duration.components
        return max(1, Int(parts.seconds) * 1000 + Int(parts.attoseconds / 1_000_000_000_000_000))
    }
}

final class LockedCounter: Sendable {
    private let value = Locked<UInt64>(0)
    func next() -> UInt64 { value.withLock { $0 += 1; return $0 } }
}
