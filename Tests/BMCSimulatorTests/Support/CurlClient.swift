import Foundation
import Testing
import TestSupport

/// Redfish and SOAP over the real curl binary: an HTTP client independent of the code under test. Credentials,
/// headers and bodies go through curl's config on stdin (`-K -`), never through process arguments.
struct CurlClient {
    let baseURL: String
    var user: String?
    var password: String?
    var token: String?
    var timeout: Double = 10

    struct Reply {
        let status: Int
        let headers: [String: String]
        let body: String
        let exitCode: Int32

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }

        /// The first `@Message.ExtendedInfo` MessageId of a Redfish error body.
        var messageID: String? {
            let error = json["error"] as? [String: Any]
            let info = error?["@Message.ExtendedInfo"] as? [[String: Any]]
            return info?.first?["MessageId"] as? String
        }

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    /// Runs curl on a GCD thread: blocking a Swift concurrency thread would starve the simulator's own tasks
    /// (its boots and Dell-style insert probes run there) on a two-core machine.
    @discardableResult
    func send(_ method: String, _ path: String, json body: Any? = nil, raw: String? = nil,
              headers extra: [String: String] = [:], basicAuth: Bool = false) async throws -> Reply {
        let config = try configuration(method, path, json: body, raw: raw, headers: extra, basicAuth: basicAuth)
        let curl = try Peer.tool("curl")
        let timeout = self.timeout
        let result: Peer.Result = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try Peer.run([curl, "-sS", "-k", "-i", "--max-time", String(timeout), "-K", "-"],
                                 stdin: Data((config + "\n").utf8), timeout: timeout + 5)
                })
            }
        }
        return parse(result)
    }

    private func configuration(_ method: String, _ path: String, json body: Any?, raw: String?,
                               headers extra: [String: String], basicAuth: Bool) throws -> String {
        var config = ["url = \(quote(path.hasPrefix("http") ? path : baseURL + path))", "request = \(quote(method))",
                      "header = \(quote("Accept: application/json"))"]
        if let token { config.append("header = \(quote("X-Auth-Token: \(token)"))") }
        if basicAuth, let user, let password { config.append("user = \(quote("\(user):\(password)"))") }
        for (name, value) in extra { config.append("header = \(quote("\(name): \(value)"))") }
        var payload: String?
        if let body {
            payload = String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.fragmentsAllowed]), as: UTF8.self)
            config.append("header = \(quote("Content-Type: application/json"))")
        } else if let raw {
            payload = raw
        }
        if let payload { config.append("data-binary = \(quote(payload))") }
        return config.joined(separator: "\n")
    }

    private func parse(_ result: Peer.Result) -> Reply {
        let text = result.stdout
        guard let split = text.range(of: "\r\n\r\n") else {
            return Reply(status: 0, headers: [:], body: result.stderr, exitCode: result.status)
        }
        let headLines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusLine = headLines.first ?? ""
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Reply(status: status, headers: headers, body: String(text[split.upperBound...]), exitCode: result.status)
    }

    /// curl config strings: double-quoted with backslash escapes.
    private func quote(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}

/// The vSphere SOAP calls `govc about` makes, as raw envelopes.
enum SOAPEnvelopes {
    static let retrieveServiceContent = """
        <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><RetrieveServiceContent xmlns="urn:vim25">\
        <_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent></soapenv:Body></soapenv:Envelope>
        """

    static func login(user: String, password: String) -> String {
        let escaped = password.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return """
            <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><Login xmlns="urn:vim25">\
            <_this type="SessionManager">ha-sessionmgr</_this><userName>\(user)</userName><password>\(escaped)</password>\
            </Login></soapenv:Body></soapenv:Envelope>
            """
    }

    static let headers = ["Content-Type": "text/xml; charset=utf-8", "SOAPAction": "urn:vim25/8.0.3.0"]
}
