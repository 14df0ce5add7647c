import ArgumentParser
import CurlHTTP
import Foundation
import Installer

/// `vmedia check`: the hosts file's validation plus a login to every BMC (the old tool's pre-check).
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the hosts file and check every BMC (login, vendor, a CD slot, power state); change nothing.",
        discussion: """
            Run it before `vmedia install`: it finds wrong passwords, unreachable BMCs and missing virtual media \
            licences while nothing has been touched yet. Every host is checked even when others fail; sessions \
            are always deleted. A host whose esxi_disk is "serial:…" also has its serial mapped to a device id \
            through the BMC's drives, exactly as install will do it, and fails here if that is impossible.

            BMC certificates: each host's tls_ca / tls_pin from the hosts file, or --tls-ca FILE / --tls-pin for \
            every host of the run; a certificate the CA did not sign, or a pinned key that changed, fails that host.

            --json prints NDJSON like `vmedia install --json`: one object per host as it finishes \
            ({"kind":"finished","action":"check","host":…,"bmc":…,"succeeded":…,"message":…,"elapsed":…,"time":…}), then a \
            summary object shaped like install's ({"summary":true,"action":"check","succeeded":N,"failed":N,"interrupted":false,"hosts":[…]}). \
            --quiet prints only the hosts that failed; --log-file FILE keeps every outcome with its time.

            --media adds the media pre-flight for the hosts whose BMC check passed: a tiny probe ISO is published on \
            the media server (--listen, --advertise, HTTPS as install would choose it) for the BMC's address only, \
            inserted as virtual media, and the BMC's own reads are watched for --media-wait (20s); then it is \
            ejected and the slots are read back empty. Per host: reachable, ranges honoured, TLS accepted, time to \
            first byte, or the failure with its fix (the URL is not reachable from the BMC → --advertise; TLS \
            refused; the BMC needs HTTPS). No reboot, no boot override, no power action. A slot that already \
            holds an image is reported and left inserted: that host is not probed (exit status 1). A BMC that accepts \
            the probe and reads nothing is "not proven" (iLO, XCC and others often read only when the host boots): \
            said, but not a failure unless --require-read. With --json the pre-flight adds one {"kind":"preflight",…} \
            line per host (with "verdict": proven, not-proven or failed) and a {"summary":true,"action":"preflight",…} \
            line counting succeeded, notProven and failed.

            Examples:
              vmedia check --config hosts.yaml
              vmedia check --config hosts.yaml --hosts esx01,esx02 --json
              vmedia check --config hosts.yaml --tls-pin
              vmedia check --config hosts.yaml --media --listen 0.0.0.0:8080 \\
                  --advertise 10.0.0.5
            """)

    @OptionGroup var selection: HostSelection

    @Flag(name: .long, help: "NDJSON: one object per host, then a summary object.")
    var json = false

    @OptionGroup(title: "Media pre-flight") var media: MediaPreflightOptions

    func run() async throws {
        guard media.media else { return try await MaintenanceRun.run(.check, selection: selection, json: json) }
        // The pre-flight's input is checked before any BMC is contacted; then the BMC check, then the pre-flight (a
        // host whose BMC check failed fails it too, with the same cause).
        let plan = try MediaPreflightRun.plan(selection: selection, media: media)
        var checked = true
        do { try await MaintenanceRun.run(.check, selection: selection, json: json) } catch { checked = false }
        let passed = try await MediaPreflightRun.check(plan, parallel: selection.parallel, json: json)
        if !checked || !passed { throw ExitCode.failure }
    }
}

/// `vmedia eject`: clean up every host.
struct EjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eject",
        abstract: "Eject all virtual media and clear the one-time boot override on every host of a hosts file.",
        discussion: """
            The clean-up after an interrupted install: each BMC gets a session, all its CD/DVD slots are \
            ejected, the boot override is cleared and the session is deleted.

            --json prints NDJSON like `vmedia install --json`: one object per host as it finishes \
            ({"kind":"finished","action":"eject",…}), then a summary object \
            ({"summary":true,"action":"eject","succeeded":N,"failed":N,"interrupted":false,"hosts":[…]}).

            Examples:
              vmedia eject --config hosts.yaml
              vmedia eject --config hosts.yaml --hosts 10.0.0.21 --json
            """)

    @OptionGroup var selection: HostSelection

    @Flag(name: .long, help: "NDJSON: one object per host, then a summary object.")
    var json = false

    func run() async throws {
        try await MaintenanceRun.run(.eject, selection: selection, json: json)
    }
}

enum MaintenanceRun {
    static func run(_ action: BMCMaintenance.Action, selection: HostSelection, json: Bool) async throws {
        let targets = try selection.targets()
        let sink = try selection.log.makeOutput()
        defer { sink.close() }
        let logger = sink.logger(label: "vmedia.bmc")
        let http = CurlHTTPClient(maxConnectionsPerHost: 4, logger: logger)
        defer { http.shutdown() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func line(_ value: some Encodable) {
            if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
            fflush(nil)
        }
        let outcomes = await BMCMaintenance.run(action, targets: targets, parallel: selection.parallel, http: http,
                                                knownBMCs: selection.tls.store, logger: logger) { outcome in
            sink.record("\(action.rawValue) \(outcome.host) (BMC \(outcome.bmc)): \(outcome.succeeded ? "ok" : "FAILED"): \(outcome.message)")
            if json { line(BMCMaintenance.OutcomeLine(outcome, action: action)) }
        }
        if json {
            line(BMCMaintenance.Summary(action: action, outcomes: outcomes))
        } else {
            let colour = TerminalColour.enabled()
            for outcome in outcomes where !(sink.quiet && outcome.succeeded) {
                let word = outcome.succeeded ? "ok    " : "FAILED"
                let shown = colour ? TerminalColour.paint(word, ok: outcome.succeeded) : word
                print("\(shown) \(outcome.host) (BMC \(outcome.bmc)): \(outcome.message)")
            }
        }
        if !outcomes.allSatisfy(\.succeeded) { throw ExitCode.failure }
    }
}
