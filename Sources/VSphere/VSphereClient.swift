import CurlHTTP
import Foundation

/// A small vSphere Web Services (SOAP, vim25) client over libcurl: the one place where vmedia writes envelopes
/// and reads answers. It speaks to a standalone ESXi host (`hostd`) or vCenter the way govc and pyVmomi do:
/// POST `/sdk` with `SOAPAction: urn:vim25/<version>`, the session in the `vmware_soap_session` cookie.
public struct VSphereClient: Sendable {
    /// The API version announced in `SOAPAction`. 7.0 is understood by ESXi 7.0 to 9.x (they list it in
    /// `vimServiceVersions.xml` as a prior version) and by govmomi; everything vmedia calls exists since 4.x.
    public static let apiVersion = "7.0"

    let http: CurlHTTPClient
    /// `https://10.0.0.5:443` (no path).
    public let endpoint: String
    var tls: TLSPolicy
    let timeout: Duration

    /// - Parameter tls: ESXi makes a self-signed certificate at first boot, so by default there is nothing to verify
    ///   it against; `.recordKey` also reports the certificate's SHA-1 thumbprint (`serviceContentAndThumbprint`).
    public init(http: CurlHTTPClient, address: String, port: Int, useTLS: Bool, timeout: Duration = .seconds(20),
                tls: TLSPolicy = .insecure) {
        self.http = http
        let host = address.contains(":") ? "[\(address)]" : address
        self.endpoint = "\(useTLS ? "https" : "http")://\(host):\(port)"
        self.tls = tls
        self.timeout = timeout
    }

    // MARK: ServiceInstance and SessionManager

    /// `RetrieveServiceContent`: answered without a login, so it tells what runs before the password is known good.
    public func serviceContent() async throws -> ServiceContent {
        let returnval = try await call("RetrieveServiceContent", this: .serviceInstance, session: nil)
        return try ServiceContent(returnval: returnval)
    }

    /// `RetrieveServiceContent` over a new TLS connection, with the SHA-1 thumbprint (`AA:BB:…`) of the certificate
    /// the server presented: what vCenter's `HostConnectSpec.sslThumbprint` must name. Nil thumbprint over http.
    public func serviceContentAndThumbprint() async throws -> (ServiceContent, thumbprint: String?) {
        var recording = self
        recording.tls = .recordKey
        let (returnval, response, _) = try await recording.exchange("RetrieveServiceContent", this: .serviceInstance, arguments: "", cookie: nil)
        return (try ServiceContent(returnval: returnval), response.serverCertificateThumbprint)
    }

    /// `Login` as `userName`. The password travels only in the request body (TLS on real hosts), never in a log.
    public func login(userName: String, password: String, content: ServiceContent) async throws -> VSphereSession {
        let arguments = "<userName>\(SOAPText.escape(userName))</userName><password>\(SOAPText.escape(password))</password>"
        let (returnval, response, _) = try await exchange("Login", this: content.sessionManager, arguments: arguments, cookie: nil)
        guard let cookie = Self.sessionCookie(response) else {
            throw VSphereError.malformed(operation: "Login", detail: "no vmware_soap_session cookie in the answer")
        }
        return VSphereSession(cookie: cookie, content: content, userName: returnval.child("userName")?.text ?? userName)
    }

    public func logout(_ session: VSphereSession) async throws {
        _ = try await call("Logout", this: session.content.sessionManager, session: session)
    }

    /// `CurrentTime`: the host's clock, to compare with its own `bootTime` (never with ours: a fresh host's clock is
    /// often off until NTP runs).
    public func currentTime(_ session: VSphereSession) async throws -> Date {
        let returnval = try await call("CurrentTime", this: .serviceInstance, session: session)
        guard let date = VSphereDate.parse(returnval.text) else {
            throw VSphereError.malformed(operation: "CurrentTime", detail: "'\(returnval.text)' is not an xsd:dateTime")
        }
        return date
    }

    // MARK: PropertyCollector

    /// `RetrievePropertiesEx` of `paths` on one object: the `val` element of each property that is set (an unset
    /// property is left out by the server, so it is absent here).
    public func properties(of object: ManagedObjectReference, _ paths: [String],
                           session: VSphereSession?) async throws -> [String: SOAPElement] {
        let pathSet = paths.map { "<pathSet>\(SOAPText.escape($0))</pathSet>" }.joined()
        let collector = session?.content.propertyCollector ?? ManagedObjectReference(type: "PropertyCollector", value: "ha-property-collector")
        let arguments = "<specSet><propSet><type>\(SOAPText.escape(object.type))</type>\(pathSet)</propSet>"
            + "<objectSet>\(object.xml("obj"))<skip>false</skip></objectSet></specSet><options></options>"
        let (returnval, _, _) = try await exchange("RetrievePropertiesEx", this: collector, arguments: arguments,
                                                cookie: session?.cookie)
        var values: [String: SOAPElement] = [:]
        for objectContent in returnval.children("objects") where ManagedObjectReference(objectContent.child("obj")) == object {
            for property in objectContent.children("propSet") {
                if let name = property.child("name")?.text, let value = property.child("val") { values[name] = value }
            }
        }
        return values
    }

    /// `HostSystem.runtime.bootTime` of the standalone host, or nil when the host does not set it.
    public func hostBootTime(_ session: VSphereSession) async throws -> Date? {
        let values = try await properties(of: .standaloneHost, ["runtime.bootTime"], session: session)
        guard let text = values["runtime.bootTime"]?.text else { return nil }
        guard let date = VSphereDate.parse(text) else {
            throw VSphereError.malformed(operation: "RetrievePropertiesEx", detail: "runtime.bootTime '\(text)' is not an xsd:dateTime")
        }
        return date
    }

    // MARK: HostServiceSystem

    /// The host's `HostServiceSystem` (`configManager.serviceSystem`).
    public func serviceSystem(_ session: VSphereSession) async throws -> ManagedObjectReference {
        let values = try await properties(of: .standaloneHost, ["configManager.serviceSystem"], session: session)
        guard let reference = ManagedObjectReference(values["configManager.serviceSystem"]) else {
            throw VSphereError.malformed(operation: "RetrievePropertiesEx", detail: "the host has no configManager.serviceSystem")
        }
        return reference
    }

    /// `HostServiceSystem.serviceInfo.service`: every service with its policy and whether it runs.
    public func services(_ serviceSystem: ManagedObjectReference, session: VSphereSession) async throws -> [HostService] {
        let values = try await properties(of: serviceSystem, ["serviceInfo"], session: session)
        guard let info = values["serviceInfo"] else {
            throw VSphereError.malformed(operation: "RetrievePropertiesEx", detail: "\(serviceSystem) has no serviceInfo")
        }
        return info.children("service").map(HostService.init)
    }

    /// `UpdateServicePolicy`: `on` (start with the host), `off`, `automatic` (with its firewall ports).
    public func updateServicePolicy(_ serviceSystem: ManagedObjectReference, id: String, policy: String,
                                    session: VSphereSession) async throws {
        _ = try await call("UpdateServicePolicy", this: serviceSystem,
                           arguments: "<id>\(SOAPText.escape(id))</id><policy>\(SOAPText.escape(policy))</policy>", session: session)
    }

    public func startService(_ serviceSystem: ManagedObjectReference, id: String, session: VSphereSession) async throws {
        _ = try await call("StartService", this: serviceSystem, arguments: "<id>\(SOAPText.escape(id))</id>", session: session)
    }

    /// `StopService`: stops a running service (its policy decides whether it comes back at the next boot).
    public func stopService(_ serviceSystem: ManagedObjectReference, id: String, session: VSphereSession) async throws {
        _ = try await call("StopService", this: serviceSystem, arguments: "<id>\(SOAPText.escape(id))</id>", session: session)
    }

    // MARK: HostFirewallSystem

    /// The host's `HostFirewallSystem` (`configManager.firewallSystem`).
    public func firewallSystem(_ session: VSphereSession) async throws -> ManagedObjectReference {
        let values = try await properties(of: .standaloneHost, ["configManager.firewallSystem"], session: session)
        guard let reference = ManagedObjectReference(values["configManager.firewallSystem"]) else {
            throw VSphereError.malformed(operation: "RetrievePropertiesEx", detail: "the host has no configManager.firewallSystem")
        }
        return reference
    }

    /// `HostFirewallSystem.firewallInfo.ruleset`: each rule set's key (`sshServer`) and whether it is enabled.
    public func firewallRulesets(_ firewallSystem: ManagedObjectReference, session: VSphereSession) async throws -> [String: Bool] {
        let values = try await properties(of: firewallSystem, ["firewallInfo"], session: session)
        guard let info = values["firewallInfo"] else {
            throw VSphereError.malformed(operation: "RetrievePropertiesEx", detail: "\(firewallSystem) has no firewallInfo")
        }
        var rulesets: [String: Bool] = [:]
        for ruleset in info.children("ruleset") {
            if let key = ruleset.child("key")?.text { rulesets[key] = ruleset.child("enabled")?.text == "true" }
        }
        return rulesets
    }

    /// `EnableRuleset`: opens the rule set's ports (what `esxcli network firewall ruleset set --enabled=true` does).
    public func enableRuleset(_ firewallSystem: ManagedObjectReference, id: String, session: VSphereSession) async throws {
        _ = try await call("EnableRuleset", this: firewallSystem, arguments: "<id>\(SOAPText.escape(id))</id>", session: session)
    }

    // MARK: Envelopes

    /// The request envelope of `operation` on `this` (exposed for tests that compare servers' answers).
    public static func envelope(_ operation: String, this: ManagedObjectReference, arguments: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
        xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
        <soapenv:Body><\(operation) xmlns="urn:vim25">\(this.xml("_this"))\(arguments)</\(operation)></soapenv:Body></soapenv:Envelope>
        """
    }

    func call(_ operation: String, this: ManagedObjectReference, arguments: String = "",
                      session: VSphereSession?) async throws -> SOAPElement {
        try await exchange(operation, this: this, arguments: arguments, cookie: session?.cookie).returnval
    }

    /// Like `call`, for operations that answer a list: every `returnval` element.
    func callReturningAll(_ operation: String, this: ManagedObjectReference, arguments: String,
                          session: VSphereSession?) async throws -> [SOAPElement] {
        try await exchange(operation, this: this, arguments: arguments, cookie: session?.cookie).answer.children("returnval")
    }

    /// Sends one call; returns its `returnval` (an empty element for void operations) and the HTTP answer.
    func exchange(_ operation: String, this: ManagedObjectReference, arguments: String,
                          cookie: String?) async throws -> (returnval: SOAPElement, response: HTTPResponse, answer: SOAPElement) {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", "urn:vim25/\(Self.apiVersion)"),
        ]
        if let cookie { headers.append(("Cookie", cookie)) }
        let request = HTTPRequest(method: "POST", url: endpoint + "/sdk", headers: headers,
                                  body: Data(Self.envelope(operation, this: this, arguments: arguments).utf8),
                                  connectTimeout: .seconds(5), timeout: timeout, tls: tls)
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            throw VSphereError.unreachable(endpoint: endpoint, detail: "\(error)")
        }
        let text = String(decoding: response.body, as: UTF8.self)
        guard let envelope = try? SOAPElement.parse(text), envelope.name == "Envelope", let body = envelope.child("Body") else {
            throw VSphereError.notSOAP(operation: operation, endpoint: endpoint, status: response.status)
        }
        if let fault = body.child("Fault") {
            let detail = fault.child("detail")?.children.first
            let type = detail.map { $0.attributes["xsi:type"] ?? String($0.name.hasSuffix("Fault") ? $0.name.dropLast(5) : Substring($0.name)) }
            var message = fault.child("faultstring")?.text ?? ""
            // SSLVerifyFault names the certificate the host really presents: the one fact the user needs.
            if let thumbprint = detail?.child("thumbprint")?.text, !thumbprint.isEmpty {
                message += (message.isEmpty ? "" : "; ") + "the host presents \(thumbprint)"
            }
            throw VSphereError.fault(operation: operation, endpoint: endpoint,
                                     fault: type ?? fault.child("faultcode")?.text ?? "fault", message: message)
        }
        guard response.status == 200, let answer = body.child(operation + "Response") else {
            throw VSphereError.malformed(operation: operation, detail: "HTTP \(response.status) without \(operation)Response")
        }
        return (answer.child("returnval") ?? SOAPElement(name: "returnval"), response, answer)
    }

    /// `vmware_soap_session="…"` from `Set-Cookie`, as the `Cookie` header sends it back.
    static func sessionCookie(_ response: HTTPResponse) -> String? {
        for (name, value) in response.headers where name.lowercased() == "set-cookie" {
            guard let pair = value.split(separator: ";").first?.trimmingCharacters(in: .whitespaces),
                  pair.hasPrefix("vmware_soap_session=") else { continue }
            return pair
        }
        return nil
    }
}

/// A logged-in session: the cookie (a secret: it is never printed) and the service content it was made with.
public struct VSphereSession: Sendable, CustomStringConvertible {
    let cookie: String
    public let content: ServiceContent
    public let userName: String

    public var description: String { "vSphere session of \(userName)" }
}
