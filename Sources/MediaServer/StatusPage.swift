import NIOCore

/// `GET /status`: every published image with its read statistics, as JSON (`Accept: application/json` or
/// `/status.json`) for scripts and as a small HTML page that refreshes itself for people watching an install.
///
/// Only host names, file names and token prefixes appear: the page is served without a token, and tokens are the
/// capabilities that protect the images.
struct StatusPage: Sendable {
    let registry: ImageRegistry
    let startedAt: Double
    /// Seconds between refreshes of the HTML page.
    let refreshSeconds: Int
    /// When set (by `MediaServer.showDashboard`), its page replaces the HTML below.
    var dashboardSlot = DashboardSlot()

    struct Row {
        let image: PublishedImage
        let stats: ImageStatisticsSnapshot
    }

    private var rows: [Row] { registry.published.map { Row(image: $0, stats: $0.statistics.snapshot) } }

    func json(now: HTTPDate) -> ByteBuffer {
        var out = "{\"server\":\"vmedia\",\"time\":\(JSON.string(now.description)),\"uptimeSeconds\":\(Int(WallClock.now() - startedAt)),\"images\":["
        out += rows.map { row in
            let s = row.stats
            let ranges = s.rangesRead.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ",")
            let statuses = s.statuses.keys.sorted().map { "\(JSON.string(String($0))):\(s.statuses[$0]!)" }.joined(separator: ",")
            return "{\"host\":\(JSON.string(row.image.host)),\"name\":\(JSON.string(row.image.name)),"
                + "\"tokenPrefix\":\(JSON.string(row.image.tokenPrefix)),\"byteCount\":\(row.image.image.byteCount),"
                + "\"allowedPeers\":\(row.image.allowedPeers.map { "[" + $0.sorted().map(JSON.string).joined(separator: ",") + "]" } ?? "null"),"
                + "\"requests\":\(s.requests),\"requestsOverTLS\":\(s.requestsOverTLS),\"bytesServed\":\(s.bytesServed),\"distinctBytesRead\":\(s.distinctBytesRead),"
                + "\"peers\":[\(s.peers.sorted().map(JSON.string).joined(separator: ","))],"
                + "\"firstAccess\":\(JSON.time(s.firstAccess)),\"lastAccess\":\(JSON.time(s.lastAccess)),"
                + "\"statuses\":{\(statuses)},\"rangesRead\":[\(ranges)],"
                + "\"powerActionAt\":\(JSON.time(s.markTime)),\"bytesSincePowerAction\":\(s.bytesSinceMark),"
                + "\"evidence\":\(s.evidence.map(JSON.string) ?? "null")}"
        }.joined(separator: ",")
        out += "]"
        if let dashboard = dashboardSlot.dashboard { out += ",\"install\":" + dashboard.json() }
        out += "}\n"
        return ByteBuffer(string: out)
    }

    func html(now: HTTPDate) -> ByteBuffer {
        if let dashboard = dashboardSlot.dashboard { return ByteBuffer(string: dashboard.html(refreshSeconds: refreshSeconds)) }
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="\(refreshSeconds)">
            <title>vmedia media server</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
            table{border-collapse:collapse;width:100%}
            th,td{padding:.35em .7em;border-bottom:1px solid #ddd;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            th{background:#f3f3f3}
            .bar{background:#e8e8e8;height:.8em;width:10em;position:relative;display:inline-block;vertical-align:middle}
            .bar span{position:absolute;left:0;top:0;bottom:0;background:#3a7}
            .idle{color:#888}
            </style></head><body>
            <h1>vmedia media server</h1>
            <p id="summary">\(rows.count) image(s) published · \(HTML.escape(now.description)) · refreshes every \(refreshSeconds) s</p>
            <table id="images"><thead><tr><th>Host</th><th>Image</th><th>Requests</th><th>Bytes served</th>
            <th>Read of image</th><th>Peers</th><th>Last access</th><th>Since the power action</th></tr></thead><tbody>

            """
        for row in rows {
            let s = row.stats
            let size = max(row.image.image.byteCount, 1)
            let percent = Double(s.distinctBytesRead) * 100 / Double(size)
            let last = s.lastAccess.map { HTTPDate(secondsSince1970: Int64($0)).description } ?? "never"
            out += "<tr class=\"\(s.requests == 0 ? "idle" : "active")\" data-host=\"\(HTML.escape(row.image.host))\">"
                + "<td>\(HTML.escape(row.image.host))</td><td>\(HTML.escape(row.image.name))</td>"
                + "<td class=\"n requests\">\(s.requests)</td><td class=\"n bytes\">\(s.bytesServed)</td>"
                + "<td><div class=\"bar\"><span style=\"width:\(String(format1: percent))%\"></span></div> "
                + "<span class=\"percent\">\(String(format1: percent))%</span></td>"
                + "<td class=\"peers\">\(HTML.escape(s.peers.sorted().joined(separator: ", ")))</td>"
                + "<td>\(HTML.escape(last))</td>"
                + "<td class=\"evidence\">\(HTML.escape(s.evidence ?? (s.markTime == nil ? "no power action yet" : "\(s.bytesSinceMark) bytes")))</td></tr>\n"
        }
        if rows.isEmpty { out += "<tr><td colspan=\"8\" class=\"idle\">No image published.</td></tr>\n" }
        out += "</tbody></table>\n<p><a href=\"/status.json\">JSON</a></p>\n</body></html>\n"
        return ByteBuffer(string: out)
    }
}

enum JSON {
    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func time(_ seconds: Double?) -> String {
        guard let seconds else { return "null" }
        return string(HTTPDate(secondsSince1970: Int64(seconds)).description)
    }
}

/// HTML text escaping for the status pages (the media server's and the install dashboard).
public enum HTML {
    public static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

extension String {
    /// One decimal place without Foundation's `String(format:)`.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
