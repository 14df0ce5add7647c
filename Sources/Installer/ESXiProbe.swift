import CurlHTTP
import Foundation

/// Whether ESXi is installed and up: the vSphere Web Services API at `https://<address>/sdk` answers
/// `RetrieveServiceContent`, and `Login` as root with the configured password succeeds (then `Logout`), which is
/// what `govc about` proved in the old tool.
public struct ESXiProbe: Sendable {
    public enum Outcome: Sendable, Equatable {
        case ready(fullName: String)
        /// Nothing or something else answers yet (keep waiting).
        case notYet(String)
        /// ESXi answers but refuses the password (stop waiting: it will not change).
        case loginRefused
    }

    let http: CurlHTTPClient
    let baseURL: String
    let tls: TLSPolicy

    public init(http: CurlHTTPClient, address: String, port: Int, useTLS: Bool) {
        self.http = http
        let scheme = useTLS ? "https" : "http"
        self.baseURL = "\(scheme)://\(address):\(port)"
        // ESXi ships a self-signed certificate made at first boot: nothing to verify it against yet.
        self.tls = .insecure
    }

    public func probe(password: String?) async -> Outcome {
        do {
            let content = try await call("RetrieveServiceContent",
                                         #"<_this type="ServiceInstance">ServiceInstance</_this>"#, cookie: nil)
            guard content.status == 200, let body = String(data: content.body, encoding: .utf8),
                  let manager = Self.element("sessionManager", in: body) else {
                return .notYet("RetrieveServiceContent answered HTTP \(content.status)")
            }
            let fullName = Self.element("fullName", in: body) ?? "ESXi"
            guard let password else { return .ready(fullName: fullName) }
            let login = try await call("Login", "<_this type=\"SessionManager\">\(Self.escape(manager))</_this>"
                                       + "<userName>root</userName><password>\(Self.escape(password))</password>", cookie: nil)
            let loginBody = String(decoding: login.body, as: UTF8.self)
            if login.status != 200 {
                return loginBody.contains("InvalidLogin") ? .loginRefused : .notYet("Login answered HTTP \(login.status)")
            }
            if let cookie = login.header("Set-Cookie")?.split(separator: ";").first {
                _ = try? await call("Logout", "<_this type=\"SessionManager\">\(Self.escape(manager))</_this>", cookie: String(cookie))
            }
            return .ready(fullName: fullName)
        } catch {
            return .notYet("\(error)")
        }
    }

    private func call(_ operation: String, _ arguments: String, cookie: String?) async throws -> HTTPResponse {
        let envelope = """
            <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
            xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
            <soapenv:Body><\(operation) xmlns="urn:vim25">\(arguments)</\(operation)></soapenv:Body></soapenv:Envelope>
            """
        var headers: [(name: String, value: String)] = [("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", "urn:vim25/8.0.3.0")]
        if let cookie { headers.append(("Cookie", cookie)) }
        return try await http.send(HTTPRequest(method: "POST", url: baseURL + "/sdk", headers: headers, body: Data(envelope.utf8),
                                               connectTimeout: .seconds(5), timeout: .seconds(20), tls: tls))
    }

    static func element(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)"), let close0 = text[open.upperBound...].range(of: ">"),
              let end = text[close0.upperBound...].range(of: "</\(name)>") else { return nil }
        return String(text[close0.upperBound..<end.lowerBound])
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
