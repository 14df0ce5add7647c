import Foundation
import MediaServer
import NIOConcurrencyHelpers

/// The install's page on the media server (`/status`, and `/` leads to it) while `vmedia install` runs: per host
/// the phase, elapsed time, result or error, ESXi address, the image read in MiB and %, and the evidence seen (the
/// files of the image read since the power action, and what answers at the ESXi address). It refreshes itself.
/// Fed by the installer's events; bytes come from the media server's own count at the time of the request.
public final class InstallDashboard: StatusDashboard {
    struct Row: Sendable {
        var host: String
        var bmc: String
        var vendor: String
        var esxiAddress: String
        var phase = "waiting"
        var started: Date?
        var elapsed = 0.0
        var finished = false
        var failure: HostFailure?
        var bytes: Int64 = 0
        var imageBytes: Int64 = 0
        /// The image's files read since the power action ("booted our image: KS.CFG read …").
        var media = ""
        /// What the host's ESXi address says (build, boot time, login), the ground for "installed".
        var answering = ""
        var warnings: [String] = []
    }

    private let registry: ImageRegistry
    private let title: String
    private let rows = NIOLockedValueBox<[Row]>([])

    public init(registry: ImageRegistry, title: String) {
        self.registry = registry
        self.title = title
    }

    /// The hosts of the run, in the hosts file's order, before any event.
    func begin(_ targets: [InstallTarget]) {
        rows.withLockedValue { rows in
            rows = targets.map { Row(host: $0.name, bmc: $0.plan.bmc.url, vendor: $0.plan.vendor.rawValue,
                                     esxiAddress: $0.plan.esxiAddress.description) }
        }
    }

    func record(_ event: InstallEvent) {
        rows.withLockedValue { rows in
            guard let index = rows.firstIndex(where: { $0.host == event.host }) else { return }
            var row = rows[index]
            if row.started == nil { row.started = event.time.addingTimeInterval(-event.elapsed) }
            row.elapsed = event.elapsed
            switch event.payload {
            case .phase(let phase, _): row.phase = phase.rawValue
            case .identified(let bmc): row.vendor = "\(bmc.name), power \(bmc.power)"
            case .progress(let progress):
                row.bytes = max(row.bytes, progress.bytesRead)
                row.imageBytes = progress.imageBytes
                row.media = progress.evidence
            case .note(let phase, let text) where phase == .waitESXi || phase == .configure: row.answering = text
            case .note: break
            case .warning(_, let text): row.warnings.append(text)
            case .finished(let finish):
                row.phase = finish.phase.rawValue
                row.finished = true
                row.failure = finish.failure
                row.bytes = max(row.bytes, finish.bytesRead)
            }
            rows[index] = row
        }
    }

    /// The rows with live elapsed times and the media server's current byte counts.
    func snapshot(now: Date = Date()) -> [Row] {
        rows.withLockedValue { $0 }.map { row in
            var row = row
            if let started = row.started, !row.finished { row.elapsed = max(row.elapsed, now.timeIntervalSince(started)) }
            if let published = registry.image(forHost: row.host), let stats = registry.statistics(host: row.host) {
                row.bytes = max(row.bytes, stats.bytesServed)
                row.imageBytes = published.image.byteCount
            }
            return row
        }
    }

    public func json() -> String {
        let hosts = snapshot().map { row -> [String: Any] in
            var object: [String: Any] = [
                "host": row.host, "bmc": row.bmc, "vendor": row.vendor, "esxiAddress": row.esxiAddress, "phase": row.phase,
                "elapsed": InstallEvent.milliseconds(row.elapsed), "bytesRead": row.bytes, "imageBytes": row.imageBytes,
                "state": Self.state(row), "media": row.media, "answering": row.answering,
            ]
            if let failure = row.failure { object["failure"] = failure.message; object["failureKind"] = failure.kind.rawValue }
            return object
        }
        let data = (try? JSONSerialization.data(withJSONObject: hosts, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func state(_ row: Row) -> String {
        if row.finished { return row.failure == nil ? "ok" : "failed" }
        return row.started == nil ? "waiting" : "running"
    }

    public func html(refreshSeconds: Int) -> String {
        let rows = snapshot()
        let count = { (state: String) in rows.filter { Self.state($0) == state }.count }
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="\(refreshSeconds)">
            <title>vmedia install</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
            table{border-collapse:collapse;width:100%}
            th,td{padding:.35em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
            td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            td.host,td.phase{white-space:nowrap}
            td.media,td.answering{min-width:14em;max-width:24em}
            td.result{min-width:10em;max-width:28em}
            th{background:#f3f3f3}
            .bar{background:#e8e8e8;height:.8em;width:7em;position:relative;display:inline-block;vertical-align:middle}
            .bar span{position:absolute;left:0;top:0;bottom:0;background:#3a7}
            tr.ok td.result{color:#176b2c;font-weight:bold}
            tr.failed td.result{color:#b00020;font-weight:bold}
            tr.waiting{color:#888}
            .warn{color:#8a5a00}
            </style></head><body>
            <h1>\(HTML.escape(title))</h1>
            <p id="summary">\(rows.count) hosts: \(count("ok")) ok, \(count("failed")) failed, \(count("running")) running, \(count("waiting")) waiting · \(HTML.escape(InstallEvent.rfc3339(Date()))) · refreshes every \(refreshSeconds) s · <a href="/status.json">JSON</a></p>
            <table id="hosts"><thead><tr><th>Host</th><th>BMC</th><th>ESXi</th><th>Phase</th><th>Elapsed</th>
            <th>Image read</th><th>Files read since the power action</th><th>ESXi answering</th><th>Result</th></tr></thead><tbody>

            """
        for row in rows {
            let state = Self.state(row)
            let percent = row.imageBytes > 0 ? min(100, Double(row.bytes) * 100 / Double(row.imageBytes)) : 0
            let mib = String(format: "%.1f MiB", Double(row.bytes) / 1_048_576)
            let result = switch state {
            case "ok": "ok"
            case "failed": "FAILED in \(row.failure?.phase.rawValue ?? row.phase): \(row.failure?.message ?? "")"
            case "running": "running"
            default: "waiting"
            }
            let warnings = row.warnings.map { "<div class=\"warn\">warning: \(HTML.escape($0))</div>" }.joined()
            out += "<tr class=\"\(state)\" data-host=\"\(HTML.escape(row.host))\">"
                + "<td class=\"host\">\(HTML.escape(row.host))</td><td>\(HTML.escape(row.bmc))<br>\(HTML.escape(row.vendor))</td>"
                + "<td>\(HTML.escape(row.esxiAddress))</td><td class=\"phase\">\(HTML.escape(row.phase))</td>"
                + "<td class=\"n elapsed\">\(String(format: "%.0f s", row.elapsed))</td>"
                + "<td class=\"n read\">\(mib) <div class=\"bar\"><span style=\"width:\(String(format: "%.1f", percent))%\"></span></div> "
                + "<span class=\"percent\">\(String(format: "%.1f", percent))%</span></td>"
                + "<td class=\"media\">\(HTML.escape(row.media))</td><td class=\"answering\">\(HTML.escape(row.answering))</td>"
                + "<td class=\"result\">\(HTML.escape(result))\(warnings)</td></tr>\n"
        }
        out += "</tbody></table>\n</body></html>\n"
        return out
    }
}
