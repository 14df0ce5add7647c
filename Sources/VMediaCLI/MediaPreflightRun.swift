import ArgumentParser
import CurlHTTP
import Foundation
import Installer
import Logging
import MediaServer

/// `vmedia check --media`: the media pre-flight's own options (install --preflight uses install's --listen,
/// --advertise, --any-peer and HTTPS options).
struct MediaPreflightOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(
        "Also prove each BMC can fetch from the media server: insert a tiny probe ISO, watch the BMC's own reads, eject.",
        discussion: "No reboot, no boot override, no power action; a slot that already holds an image is reported and left alone."))
    var media = false

    @Option(name: .long, help: ArgumentHelp("With --media: where the media server listens (use install's).", valueName: "ADDR:PORT"))
    var listen: String = "0.0.0.0:8080"

    @Option(name: .long, help: ArgumentHelp("With --media: the address BMCs reach the media server on (default: the --listen address when it is not 0.0.0.0, else this machine's address on the route to the BMCs, as install and serve choose).", valueName: "IP"))
    var advertise: String?

    @Option(name: .customLong("media-wait"), help: ArgumentHelp("With --media: how long to wait for the BMC's first read after the insert: 20s, 2m; a bare number is seconds.", valueName: "duration"))
    var mediaWait: String = "20s"

    @Flag(name: .customLong("require-read"), help: ArgumentHelp(
        "With --media: a BMC that accepts the probe but reads nothing fails too (default: reported as not proven).",
        discussion: "iDRAC fetches during the insert; iLO, XCC and others often read only later or when the host boots, so by default only a definite failure fails."))
    var requireRead = false

    @OptionGroup(title: "Who may read the probe (--media)") var readers: MediaReaderOptions

    @OptionGroup(title: "HTTPS media") var tls: MediaTLSOptions

    func validate() throws {
        guard media else {
            if requireRead { throw ValidationError("--require-read goes with --media") }
            return
        }
        guard ListenAddress(listen) != nil else { throw ValidationError("--listen \(listen): expected ADDR:PORT, e.g. 0.0.0.0:8080") }
        if let advertise, !NetworkAddress.isIPLiteral(advertise) {
            throw ValidationError("--advertise \(advertise) is not an IP address: BMCs need an IP literal in the URL, e.g. --advertise 10.0.0.5")
        }
        _ = try TimeoutValue.parse(mediaWait, flag: "--media-wait", bareUnit: .seconds, range: 1...600)
    }
}

/// Runs the pre-flight on a media server and prints each host's report (a line, or NDJSON with --json).
enum MediaPreflightRun {
    /// `check --media`: the pre-flight for the selected hosts with check's options.
    /// Its input checked before any BMC is contacted (the reader rule, the advertised address): refused with exit 64.
    struct Plan {
        let targets: [InstallTarget]
        let listen: ListenAddress
        let advertise: String
        let options: MediaPreflight.Options
    }

    static func plan(selection: HostSelection, media: MediaPreflightOptions) throws -> Plan {
        let targets = try selection.targets()
        guard let listen = ListenAddress(media.listen) else { throw ValidationError("--listen \(media.listen): expected ADDR:PORT") }
        var options = MediaPreflight.Options()
        options.wait = try TimeoutValue.parse(media.mediaWait, flag: "--media-wait", bareUnit: .seconds, range: 1...600).duration
        options.anyPeer = media.readers.anyPeer
        options.requireRead = media.requireRead
        options.mediaHTTPS = media.tls.forcedScheme
        options.mediaTLS = media.tls.source
        options.knownBMCsPath = selection.tls.knownBMCs
        do {
            try media.readers.requireBMCAddresses(targets.map(\.plan), config: selection.config)
            let advertise = try media.advertise ?? AdvertiseAddress.choose(listen: listen, bmcs: targets.map(\.plan.bmc.host))
            return Plan(targets: targets, listen: listen, advertise: advertise, options: options)
        } catch let refusal as InputRefusal {
            throw refusal.report(junit: nil)
        }
    }

    static func check(_ plan: Plan, parallel: Int, json: Bool) async throws -> Bool {
        try await run(plan.targets, listen: plan.listen, advertise: plan.advertise, options: plan.options, parallel: parallel, json: json)
    }

    /// Starts a server on `listen`, runs, stops it. Returns whether every host passed.
    static func run(_ targets: [InstallTarget], listen: ListenAddress, advertise: String, options: MediaPreflight.Options,
                    parallel: Int, json: Bool) async throws -> Bool {
        var logger = Logger(label: "vmedia.preflight") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let server = MediaServer(registry: ImageRegistry(), logger: logger)
        do {
            _ = try await server.start(host: listen.host, port: listen.port)
        } catch {
            throw CommandFailure("\(error)")
        }
        let http = CurlHTTPClient(maxConnectionsPerHost: 4, logger: logger)
        let reports = await run(targets, server: server, advertise: advertise, options: options, http: http, parallel: parallel, json: json)
        http.shutdown()
        await server.shutdown(grace: .seconds(1))
        let unproven = reports.filter { $0.verdict == .notProven }.map(\.host)
        if !unproven.isEmpty, !options.requireRead {
            FileHandle.standardError.write(Data(("vmedia: \(unproven.count) host(s) not proven (\(unproven.joined(separator: ", "))): their BMCs "
                + "accepted the probe and read nothing yet, which some firmware does until the host boots; not counted as failed "
                + "(--require-read to fail them)\n").utf8))
        }
        return !reports.contains { $0.blocks(requireRead: options.requireRead) }
    }

    /// On a started server (install --preflight's own).
    static func run(_ targets: [InstallTarget], server: MediaServer, advertise: String, options: MediaPreflight.Options,
                    http: CurlHTTPClient, parallel: Int, json: Bool) async -> [MediaPreflight.Report] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var tlsSaid = false
        let reports = await MediaPreflight.run(targets: targets, parallel: parallel, server: server, advertise: advertise,
                                               options: options, http: http) { report in
            if json {
                if let data = try? encoder.encode(Line(report: report)) { print(String(decoding: data, as: UTF8.self)) }
            } else {
                if !tlsSaid, report.https, let identity = server.tlsIdentity {
                    tlsSaid = true
                    print(identity.summary)
                }
                let label = switch report.verdict {
                case .proven: "media ok    "
                case .notProven: options.requireRead ? "media FAILED" : "media not proven"
                case .failed: "media FAILED"
                }
                print("\(label) \(report.host) (BMC \(report.bmc)): \(report.message)"
                      + (report.fix.map { " — fix: \($0)" } ?? ""))
            }
            fflush(nil)
        }
        if json, let data = try? encoder.encode(Summary(reports: reports, requireRead: options.requireRead,
                                                        fingerprint: server.tlsIdentity?.fingerprint)) {
            print(String(decoding: data, as: UTF8.self))
        }
        fflush(nil)
        return reports
    }

    /// One NDJSON line per host, shaped like check's `finished` lines.
    struct Line: Encodable {
        let kind = "preflight"
        let report: MediaPreflight.Report
        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(kind, forKey: .kind)
        }
        enum Key: String, CodingKey { case kind }
    }

    /// The last line: `succeeded` counts proven hosts, `notProven` those that read nothing, `failed` those that stop the
    /// run (with `--require-read`, not-proven ones too).
    struct Summary: Encodable {
        let summary = true
        let action = "preflight"
        let succeeded: Int
        let notProven: Int
        let failed: Int
        let requireRead: Bool
        let tlsFingerprint: String?
        let hosts: [MediaPreflight.Report]
        init(reports: [MediaPreflight.Report], requireRead: Bool, fingerprint: String?) {
            succeeded = reports.filter { $0.verdict == .proven }.count
            notProven = reports.filter { $0.verdict == .notProven }.count
            failed = reports.filter { $0.blocks(requireRead: requireRead) }.count
            self.requireRead = requireRead
            tlsFingerprint = fingerprint
            hosts = reports
        }
    }
}
