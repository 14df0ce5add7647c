import CurlHTTP
import Digest
import Foundation
import ISO9660
import Logging
import MediaServer
import NIOCore
import Redfish

/// The media pre-flight of `vmedia check --media` and `vmedia install --preflight`: before any server restarts,
/// prove that each BMC can fetch from the URL vmedia will advertise.
///
/// Per host: a tiny valid ISO (one text file) is published on the media server for the BMC's address only, inserted
/// as virtual media, and the server watches for the BMC's own reads (from its address); then it is ejected and
/// unpublished. The report says what was seen: reachable, ranges asked for and answered with 206, TLS accepted,
/// time from the insert to the first byte; or the failure and its fix. Nothing else is written: no boot override,
/// no power action, no eject of media vmedia did not insert (a slot already holding an image fails the host with
/// what it holds, for the operator to decide; `install --preflight` ejects it first, as the install would anyway).
///
/// When the BMC reads: iDRAC fetches during InsertMedia and refuses an unreachable URL with RAC0904
/// (redfish-vendors.md §4 "Verification signal"); sushy-tools downloads the image during the insert; iLO accepts
/// first and fetches afterwards (HewlettPackard/python-redfish-utility#2). A BMC that reads nothing within the wait
/// is reported as not proven, neither reachable nor failed: some firmware opens the image only when the host reads the
/// CD, so on such a rack a pre-flight that demanded a read could never pass. Only a definite failure (the URL refused,
/// TLS not completed, foreign media, a BMC error) fails a host, unless `requireRead` makes "not proven" fail too.
public enum MediaPreflight {
    public struct Options: Sendable {
        /// How long to wait for the BMC's first read after the insert answered.
        public var wait: Duration = .seconds(20)
        /// After the first read, how long to keep watching (a BMC reads a burst: HEAD, descriptors, more).
        public var settle: Duration = .seconds(1)
        /// As install: true every host https://, false http://, nil per host / vendor rule.
        public var mediaHTTPS: Bool?
        public var mediaTLS: MediaTLSIdentity.Source = .from(certificate: nil, key: nil)
        /// Let any address read the probe (BMCs behind NAT); the report then names who read.
        public var anyPeer = false
        /// Eject media vmedia did not insert before probing (install --preflight); check --media never does.
        public var ejectOthers = false
        public var knownBMCsPath: String = KnownBMCs.defaultPath
        /// `--require-read`: a BMC that read nothing fails too (for racks whose BMCs all fetch at insert, like iDRAC).
        public var requireRead = false
        public init() {}
    }

    /// What one host's pre-flight showed.
    public enum Verdict: String, Sendable, Encodable {
        /// The BMC read the probe from the media server.
        case proven
        /// The BMC accepted the probe and read nothing within the wait: normal for firmware that fetches later or
        /// only when the host boots; it shows neither that the BMC can reach the server nor that it cannot.
        case notProven = "not-proven"
        /// The URL was refused, TLS not completed, another image was in the slot, or the BMC itself failed.
        case failed
    }

    /// What the pre-flight saw for one host (`--json` prints these).
    public struct Report: Sendable, Encodable {
        public let host: String
        public let bmc: String
        /// True only when proven (the BMC read the probe); see `verdict` for not proven against failed.
        public var succeeded = false
        public var verdict: Verdict = .failed
        /// The probe's URL with the token shortened.
        public var url: String?
        public var https = false
        /// Whether the BMC's reads arrived from its address (nil: nothing proven either way).
        public var reachable: Bool?
        /// Range requests the BMC made and the server answered 206 (nil when it made none).
        public var rangesHonoured: Bool?
        /// Whether the BMC completed TLS and read over it (nil for http://).
        public var tlsAccepted: Bool?
        /// Seconds from the insert request to the first request of the BMC.
        public var timeToFirstByte: Double?
        public var requests = 0
        public var bytesRead: Int64 = 0
        /// The addresses the probe's requests came from.
        public var readers: [String] = []
        /// What another slot held before (not ejected by check --media).
        public var foundInserted: [String] = []
        public var message = ""
        /// How to fix a failure (nil on success).
        public var fix: String?
        public var seconds = 0.0
        /// Whether the slots were read back empty afterwards (nothing left behind).
        public var leftClean: Bool?

        init(host: String, bmc: String) {
            self.host = host
            self.bmc = bmc
        }

        /// Whether this report stops `install --preflight` and fails `check --media`.
        public func blocks(requireRead: Bool) -> Bool {
            switch verdict {
            case .proven: false
            case .notProven: requireRead
            case .failed: true
            }
        }
    }

    /// Runs the pre-flight on every target, at most `parallel` at once, on a started `server`.
    public static func run(targets: [InstallTarget], parallel: Int, server: MediaServer, advertise: String,
                           options: Options, http: CurlHTTPClient, logger: Logger = Logger(label: "vmedia.preflight"),
                           finished: (Report) -> Void = { _ in }) async -> [Report] {
        let connection = BMCConnection(http: http, knownBMCs: KnownBMCs(path: options.knownBMCsPath), logger: logger)
        let probe: ProbeImage
        do {
            probe = try ProbeImage.make()
        } catch {
            return targets.map {
                var report = Report(host: $0.name, bmc: $0.plan.bmc.url)
                report.message = "cannot build the probe image: \(error)"
                return report
            }
        }
        var reports = [Report?](repeating: nil, count: targets.count)
        await withTaskGroup(of: (Int, Report).self) { group in
            var next = 0
            func start() {
                guard next < targets.count else { return }
                let index = next
                next += 1
                group.addTask {
                    (index, await one(targets[index], probe: probe, server: server, advertise: advertise, options: options,
                                      connection: connection))
                }
            }
            for _ in 0..<max(1, parallel) { start() }
            while let (index, report) = await group.next() {
                reports[index] = report
                finished(report)
                start()
            }
        }
        return reports.compactMap { $0 }
    }

    static func one(_ target: InstallTarget, probe: ProbeImage, server: MediaServer, advertise: String, options: Options,
                    connection: BMCConnection) async -> Report {
        let plan = target.plan
        var report = Report(host: target.name, bmc: plan.bmc.url)
        let started = ContinuousClock.now
        let registry = server.registry
        let publishName = target.name
        do {
            let trust = try await connection.resolve(target.bmcTrust, for: plan.bmc, hostName: target.name)
            let client = connection.client(for: plan.bmc, trust: trust,
                                           credentials: .init(username: plan.username, password: plan.password.reveal()))
            let initial = report
            report = try await client.withSession { client -> Report in
                var report = initial
                let driver = try await BMCDriver.connect(client: client, expectedVendor: plan.vendor,
                                                         logger: connection.logger)
                let before = try await driver.mediaSlots().filter(\.isOpticalDrive)
                guard !before.isEmpty else { throw InstallError.noCDSlot(bmc: plan.bmc.url) }
                let occupied = before.filter(\.isOccupied)
                report.foundInserted = occupied.map { "\($0.odataID ?? $0.id ?? "?")=\($0.image.map(HostInstall.redact) ?? $0.imageName ?? "inserted")" }
                if !occupied.isEmpty {
                    guard options.ejectOthers else {
                        report.message = "not probed: \(report.foundInserted.joined(separator: ", ")) was inserted before, and the "
                            + "pre-flight ejects nothing it did not insert"
                        report.fix = "if that image is stale, eject it (vmedia eject --config … --hosts \(target.name)) and run the pre-flight again"
                        return report
                    }
                    try await driver.ejectAll()
                }

                let https = options.mediaHTTPS ?? plan.mediaHTTPS ?? driver.profile.requiresHTTPSMedia
                report.https = https
                if https { try server.ensureTLS(options.mediaTLS, addresses: [advertise]) }
                let image = try registry.publish(probe, host: publishName, name: "vmedia-preflight.iso",
                                                 allowedPeers: options.anyPeer ? nil : [plan.bmc.host])
                defer { _ = registry.unpublish(host: publishName) }
                let url = try server.url(for: image, advertising: advertise, https: https)
                report.url = HostInstall.redact(url)

                let insertedAt = Date().timeIntervalSince1970
                var insertError: Error?
                do {
                    try await driver.insert(url: url)
                } catch {
                    insertError = error
                }
                // Watch for the BMC's reads: until the first one, then a short burst.
                guard var stats = registry.statistics(host: publishName) else {
                    throw InstallError.source(path: "vmedia-preflight.iso", reason: "the probe was unpublished while in use")
                }
                if insertError == nil {
                    let deadline = ContinuousClock.now + options.wait
                    while stats.requests == 0, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(100))
                        stats = registry.statistics(host: publishName) ?? stats
                    }
                    if stats.requests > 0 {
                        try await Task.sleep(for: options.settle)
                        stats = registry.statistics(host: publishName) ?? stats
                    }
                }
                // Leave nothing behind: eject what this inserted (nothing else is occupied now), read the slots back.
                var cleanupError: Error?
                do {
                    try await driver.ejectAll()
                    report.leftClean = try await driver.mediaSlots().filter(\.isOpticalDrive).allSatisfy { !$0.isOccupied }
                } catch {
                    cleanupError = error
                    report.leftClean = false
                }
                report.requests = stats.requests
                report.bytesRead = stats.bytesServed
                report.readers = stats.peers.sorted()
                if let first = stats.firstAccess { report.timeToFirstByte = max(0, first - insertedAt) }
                judge(&report, stats: stats, insertError: insertError, advertise: advertise, bmcHost: plan.bmc.host,
                      vendor: "\(driver.profile.vendor.rawValue) \(driver.profile.generation)",
                      requiresHTTPS: driver.profile.requiresHTTPSMedia, readsAtInsert: driver.profile.readsMediaAtInsert)
                if let cleanupError {
                    report.succeeded = false
                    report.verdict = .failed
                    report.message += "; the probe could not be ejected: \(cleanupError)"
                    report.fix = "eject it: vmedia eject --config … --hosts \(target.name)"
                }
                return report
            }
        } catch {
            report.message = "\(error)"
            report.fix = report.fix ?? "the BMC itself failed the check (login, vendor, slots): see vmedia check"
        }
        report.seconds = (ContinuousClock.now - started).seconds
        return report
    }

    /// Turns what the server saw into the verdict, and a failure into its fix.
    static func judge(_ report: inout Report, stats: ImageStatisticsSnapshot, insertError: Error?, advertise: String,
                      bmcHost: String, vendor: String, requiresHTTPS: Bool = false, readsAtInsert: Bool = false) {
        let ranged = stats.statuses[206] ?? 0
        if stats.requests > 0 {
            report.reachable = true
            report.rangesHonoured = ranged > 0 ? true : nil
            if report.https { report.tlsAccepted = stats.requestsOverTLS > 0 }
        }
        let fromElsewhere = stats.peers.subtracting([bmcHost])
        if let insertError {
            report.succeeded = false
            let text = "\(insertError)"
            report.message = "the BMC refused the probe: \(text)"
            if stats.requests == 0 {
                report.reachable = false
                report.fix = report.https
                    ? "the BMC could not fetch \(report.url ?? "the URL") (nothing arrived at the media server): check that it reaches "
                        + "\(advertise) (routing, firewall: --advertise IP names the address it can reach), and that it accepts "
                        + "HTTPS media from a self-signed server (--http if it needs plain HTTP)"
                    : "the BMC could not fetch \(report.url ?? "the URL") (nothing arrived at the media server): give --advertise IP "
                        + "with this machine's address on the BMC network, and check routing and firewalls between them"
                if requiresHTTPS && !report.https { report.fix = "this BMC needs HTTPS media: drop --http / media_https: false" }
            } else if report.https, stats.requestsOverTLS == 0 {
                report.tlsAccepted = false
                report.fix = "the BMC reached the server but did not complete TLS: give --tls-cert/--tls-key with a certificate it "
                    + "accepts, or --http where it mounts plain HTTP"
            } else {
                report.fix = "the BMC read the probe and still refused it: see the BMC's message"
            }
            return
        }
        guard stats.requests > 0 else {
            report.succeeded = false
            report.verdict = .notProven
            report.reachable = nil
            report.message = "\(vendor) accepted the probe but read nothing from the media server within the wait: reachability "
                + "is not proven (some firmware opens the image only when the host reads the CD"
                + (readsAtInsert ? "; this BMC normally reads during the insert, so it may not reach the server" : "")
                + "); not a failure unless --require-read"
            report.fix = "check that the BMC reaches \(advertise) (routing, firewall; --advertise IP), or give it longer (--media-wait)"
            return
        }
        if !fromElsewhere.isEmpty, !stats.peers.contains(bmcHost) {
            report.message = "read from \(fromElsewhere.sorted().joined(separator: ", ")), not from the BMC's address \(bmcHost) (NAT?)"
        }
        if report.https, stats.requestsOverTLS == 0 {
            report.succeeded = false
            report.tlsAccepted = false
            report.message = "the BMC connected but made no request over TLS"
            report.fix = "give --tls-cert/--tls-key with a certificate the BMC accepts, or --http where it mounts plain HTTP"
            return
        }
        report.succeeded = true
        report.verdict = .proven
        let ttfb = report.timeToFirstByte.map { String(format: "%.2f s", $0) } ?? "?"
        let parts = ["reachable (\(stats.requests) request\(stats.requests == 1 ? "" : "s"), \(stats.bytesServed) bytes from "
                        + "\(stats.peers.sorted().joined(separator: ", ")))",
                     ranged > 0 ? "ranges honoured (\(ranged) × 206)" : "no range requests (whole-file reads)",
                     report.https ? "TLS accepted" : "plain HTTP",
                     "first byte \(ttfb) after the insert"]
        report.message = (report.message.isEmpty ? "" : report.message + "; ") + parts.joined(separator: ", ")
    }
}

/// The probe: a small valid ISO 9660 image with one text file, held in memory and served like any image.
struct ProbeImage: ServableImage {
    let bytes: ByteBuffer
    let etag: String
    var byteCount: Int64 { Int64(bytes.readableBytes) }
    var lastModified: HTTPDate { HTTPDate(secondsSince1970: 1_700_000_000) }
    func segments(in range: Range<Int64>) -> [ImageSegment] {
        [.bytes(bytes.getSlice(at: Int(range.lowerBound), length: range.count)!)]
    }
    func checkSourceUnchanged() throws {}

    static func make() throws -> ProbeImage {
        var builder = ISOBuilder(options: .init(volumeIdentifier: "VMEDIA_PREFLIGHT", timestamp: ISOTimestamp(secondsSince1970: 1_700_000_000)))
        try builder.addFile("/README.TXT", content: .bytes(Array("vmedia media pre-flight probe: nothing boots from this image.\n".utf8)))
        let path = NSTemporaryDirectory() + "vmedia-preflight-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).iso"
        defer { unlink(path) }
        _ = try builder.write(to: path)
        guard let data = FileManager.default.contents(atPath: path) else { throw InstallError.source(path: path, reason: "the probe image vanished") }
        let bytes = ByteBuffer(bytes: data)
        return ProbeImage(bytes: bytes, etag: "\"probe-" + SHA256.hash(Array(data)).prefix(8).map { String(format: "%02x", $0) }.joined() + "\"")
    }
}
