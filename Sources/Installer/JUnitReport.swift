import Foundation

/// The JUnit XML Jenkins' junit step reads: one `<testcase>` per host, its phase timings in `<system-out>`, and a
/// `<failure>` with the message when the host failed.
public enum JUnitReport {
    /// - Parameter seconds: the run's wall time, the suite's `time`. Hosts run in parallel, so the sum of the
    ///   cases' times overstates it (eight hosts of 20 minutes each are a 20-minute run, not 160 minutes).
    public static func xml(_ results: [HostResult], suite: String = "vmedia install", seconds: Double) -> String {
        let failures = results.filter { !$0.succeeded }.count
        let total = seconds
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        out += #"<testsuites name="\#(escape(suite))" tests="\#(results.count)" failures="\#(failures)" time="\#(format(total))">"# + "\n"
        out += #"  <testsuite name="\#(escape(suite))" tests="\#(results.count)" failures="\#(failures)" errors="0" time="\#(format(total))">"# + "\n"
        for result in results {
            out += #"    <testcase classname="vmedia.install" name="\#(escape(result.host))" time="\#(format(result.seconds))">"# + "\n"
            if let failure = result.failure {
                out += #"      <failure message="\#(escape(failure))" type="\#(result.phase.rawValue)">\#(escape(failure))</failure>"# + "\n"
            }
            let timings = result.phases.map { "\($0.phase.rawValue) \(format($0.seconds)) s" }.joined(separator: "\n")
            out += "      <system-out>BMC \(escape(result.bmc)) (\(escape(result.vendor))), ESXi \(escape(result.esxiAddress)), "
                + "\(result.bytesRead) bytes of the image read\n"
                + (result.evidence.map { "evidence: \(escape($0))\n" } ?? "") + "\(escape(timings))</system-out>\n"
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// The report of a run refused before any host started (a bad ISO, a port in use, an unknown host): one failed
    /// testcase naming the cause, so Jenkins' junit step has a report to read and shows why.
    public static func refused(_ cause: String, suite: String = "vmedia install") -> String {
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        out += #"<testsuites name="\#(escape(suite))" tests="1" failures="1" time="0.000">"# + "\n"
        out += #"  <testsuite name="\#(escape(suite))" tests="1" failures="1" errors="0" time="0.000">"# + "\n"
        out += #"    <testcase classname="vmedia.install" name="before any host started" time="0.000">"# + "\n"
        out += #"      <failure message="\#(escape(cause))" type="usage">\#(escape(cause))</failure>"# + "\n"
        out += "    </testcase>\n  </testsuite>\n</testsuites>\n"
        return out
    }

    static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            // XML 1.0 forbids other control characters even as references.
            case _ where scalar.value < 0x20: out += "?"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// The last line of `--json` output; `check` and `eject` write the same shape (`BMCMaintenance.Summary`).
public struct InstallSummary: Sendable, Encodable {
    public let summary = true
    public let action = "install"
    public let succeeded: Int
    public let failed: Int
    public let interrupted: Bool
    public let hosts: [HostResult]

    public init(results: [HostResult], interrupted: Bool) {
        succeeded = results.filter(\.succeeded).count
        failed = results.count - succeeded
        self.interrupted = interrupted
        hosts = results
    }
}
