import BMCSimulator
import CurlHTTP
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Logging
import Testing
import TestSupport
import VSphere

/// Our simulated ESXi must answer the vSphere API calls vmedia makes in the same SOAP shapes as govmomi's simulator
/// (an independent implementation generated from the vim25 WSDL). Both get the same request bytes; the answers are
/// read with Foundation's XMLParser (not vmedia's reader) into element paths with their `type`/`xsi:type`
/// attributes. govmomi 0.24 has no HostServiceSystem (UpdateServicePolicy, StartService), so those are not compared;
/// HostFirewallSystem (firewallInfo, EnableRuleset) is.
@Suite("SOAP answers agree with govmomi's simulator", .serialized)
struct SOAPAgreementTests {
    static let password = "Agree-Root-2026"

    /// Element paths below the SOAP Body, with `[type=…]` / `[xsi:type=…]` where present, and text by path.
    struct Shape {
        var paths: Set<String> = []
        var text: [String: String] = [:]
        var status = 0
        var cookie: String?
    }

    final class ShapeReader: NSObject, XMLParserDelegate {
        var stack: [String] = []
        var shape = Shape()
        var buffer = ""

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            stack.append(local)
            buffer = ""
            guard let body = stack.firstIndex(of: "Body") else { return }
            let path = stack[(body + 1)...].joined(separator: "/")
            shape.paths.insert(path)
            for (name, value) in attributes where name.hasSuffix("type") && !name.hasPrefix("xmlns") {
                let key = name.contains(":") ? "xsi:type" : "type"
                // Values like "xsd:dateTime" keep their prefix; the schema prefix itself is the same in both.
                shape.paths.insert("\(path)[\(key)=\(value)]")
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { buffer += string }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            if let body = stack.firstIndex(of: "Body") {
                let text = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { shape.text[stack[(body + 1)...].joined(separator: "/")] = text }
            }
            buffer = ""
            stack.removeLast()
        }
    }

    struct Server {
        let endpoint: String
        var cookie: String?
    }

    private func send(_ http: CurlHTTPClient, _ server: Server, _ operation: String, this: ManagedObjectReference,
                      _ arguments: String = "") async throws -> Shape {
        var headers: [(name: String, value: String)] = [("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", "urn:vim25/7.0")]
        if let cookie = server.cookie { headers.append(("Cookie", cookie)) }
        let body = VSphereClient.envelope(operation, this: this, arguments: arguments)
        let response = try await http.send(HTTPRequest(method: "POST", url: server.endpoint + "/sdk", headers: headers, body: Data(body.utf8),
                                                       connectTimeout: .seconds(5), timeout: .seconds(20)))
        let reader = ShapeReader()
        let parser = XMLParser(data: response.body)
        parser.delegate = reader
        #expect(parser.parse(), "\(server.endpoint) \(operation): not XML: \(String(decoding: response.body, as: UTF8.self))")
        var shape = reader.shape
        shape.status = response.status
        shape.cookie = response.headers.first { $0.name.lowercased() == "set-cookie" }?.value.split(separator: ";").first.map(String.init)
        return shape
    }

    /// Every `required` path is in both answers, the statuses agree, and (where govmomi's answer is complete)
    /// every path of ours under `subsetOf` also appears in govmomi's.
    private func agree(_ operation: String, ours: Shape, theirs: Shape, required: [String], subsetOf prefix: String? = nil,
                       except: Set<String> = []) {
        #expect(ours.status == theirs.status, "\(operation): HTTP \(ours.status) vs govmomi \(theirs.status)")
        for path in required {
            #expect(ours.paths.contains(path), "\(operation): ours lacks \(path); ours: \(ours.paths.sorted())")
            #expect(theirs.paths.contains(path), "\(operation): govmomi lacks \(path); govmomi: \(theirs.paths.sorted())")
        }
        if let prefix {
            let extra = ours.paths.filter { $0.hasPrefix(prefix) && !theirs.paths.contains($0) && !except.contains($0) }
            #expect(extra.isEmpty, "\(operation): only ours has \(extra.sorted()); govmomi: \(theirs.paths.filter { $0.hasPrefix(prefix) }.sorted())")
        }
    }

    @Test("RetrieveServiceContent, Login (good and bad), RetrievePropertiesEx/RetrieveProperties, CurrentTime, Logout")
    func sameShapes() async throws {
        let govmomi = try GovmomiSimulator(address: "127.0.151.1", password: Self.password, bootedSecondsAgo: 60)
        defer { govmomi.stop() }
        let ourHost = try await SimulatedESXiHost.start(address: "127.0.151.2", rootPassword: Self.password,
                                                        release: SimulatedRelease(version: "8.0.3", build: "24280767", patchLevel: "0.35"))
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let http = CurlHTTPClient(maxConnectionsPerHost: 2, logger: quiet)
        defer { http.shutdown() }
        do {
            var ours = Server(endpoint: "http://127.0.151.2:\(ourHost.port)")
            var theirs = Server(endpoint: "http://127.0.151.1:\(govmomi.port)")

            let content = (try await send(http, ours, "RetrieveServiceContent", this: .serviceInstance),
                           try await send(http, theirs, "RetrieveServiceContent", this: .serviceInstance))
            let returnval = "RetrieveServiceContentResponse/returnval"
            agree("RetrieveServiceContent", ours: content.0, theirs: content.1, required: [
                "\(returnval)/about/fullName", "\(returnval)/about/version", "\(returnval)/about/build", "\(returnval)/about/apiType",
                "\(returnval)/about/apiVersion", "\(returnval)/sessionManager[type=SessionManager]",
                "\(returnval)/propertyCollector[type=PropertyCollector]", "\(returnval)/rootFolder[type=Folder]",
            ], subsetOf: returnval + "/about", except: [
                // AboutInfo.patchLevel is in the vim25 WSDL (optional) and set by ESXi; govmomi's ESX model leaves it out.
                "\(returnval)/about/patchLevel",
            ])
            #expect(content.0.text["\(returnval)/about/build"] == "24280767")
            #expect(content.1.text["\(returnval)/about/build"] == "24280767")
            #expect(content.0.text["\(returnval)/about/apiType"] == content.1.text["\(returnval)/about/apiType"])
            #expect(content.0.text["\(returnval)/sessionManager"] == content.1.text["\(returnval)/sessionManager"])
            let sessionManager = ManagedObjectReference(type: "SessionManager", value: content.1.text["\(returnval)/sessionManager"] ?? "")
            let collector = ManagedObjectReference(type: "PropertyCollector", value: content.1.text["\(returnval)/propertyCollector"] ?? "")

            let bad = "<userName>root</userName><password>wrong-password</password>"
            let refused = (try await send(http, ours, "Login", this: sessionManager, bad),
                           try await send(http, theirs, "Login", this: sessionManager, bad))
            agree("Login (wrong password)", ours: refused.0, theirs: refused.1, required: [
                "Fault", "Fault/faultcode", "Fault/faultstring", "Fault/detail", "Fault/detail/InvalidLoginFault",
                "Fault/detail/InvalidLoginFault[xsi:type=InvalidLogin]",
            ])
            #expect(refused.0.status == 500)

            let good = "<userName>root</userName><password>\(Self.password)</password>"
            let login = (try await send(http, ours, "Login", this: sessionManager, good),
                         try await send(http, theirs, "Login", this: sessionManager, good))
            agree("Login", ours: login.0, theirs: login.1, required: [
                "LoginResponse/returnval/key", "LoginResponse/returnval/userName", "LoginResponse/returnval/loginTime",
            ], subsetOf: "LoginResponse")
            #expect(login.0.cookie?.hasPrefix("vmware_soap_session=") == true)
            #expect(login.1.cookie?.hasPrefix("vmware_soap_session=") == true)
            ours.cookie = login.0.cookie
            theirs.cookie = login.1.cookie

            let spec = { (paths: [String]) in
                "<specSet><propSet><type>HostSystem</type>" + paths.map { "<pathSet>\($0)</pathSet>" }.joined()
                    + "</propSet><objectSet><obj type=\"HostSystem\">ha-host</obj><skip>false</skip></objectSet></specSet>"
            }
            let ex = (try await send(http, ours, "RetrievePropertiesEx", this: collector, spec(["runtime.bootTime", "configManager.serviceSystem"]) + "<options></options>"),
                      try await send(http, theirs, "RetrievePropertiesEx", this: collector, spec(["runtime.bootTime", "configManager.serviceSystem"]) + "<options></options>"))
            let objects = "RetrievePropertiesExResponse/returnval/objects"
            agree("RetrievePropertiesEx", ours: ex.0, theirs: ex.1, required: [
                "\(objects)/obj[type=HostSystem]", "\(objects)/propSet/name", "\(objects)/propSet/val[xsi:type=xsd:dateTime]",
                "\(objects)/propSet/val[type=HostServiceSystem]", "\(objects)/propSet/val[xsi:type=ManagedObjectReference]",
            ], subsetOf: "RetrievePropertiesExResponse")
            #expect(ex.0.text["\(objects)/obj"] == ex.1.text["\(objects)/obj"])

            let plain = (try await send(http, ours, "RetrieveProperties", this: collector, spec(["runtime.bootTime"])),
                         try await send(http, theirs, "RetrieveProperties", this: collector, spec(["runtime.bootTime"])))
            agree("RetrieveProperties", ours: plain.0, theirs: plain.1, required: [
                "RetrievePropertiesResponse/returnval/obj[type=HostSystem]", "RetrievePropertiesResponse/returnval/propSet/name",
                "RetrievePropertiesResponse/returnval/propSet/val[xsi:type=xsd:dateTime]",
            ], subsetOf: "RetrievePropertiesResponse")

            let time = (try await send(http, ours, "CurrentTime", this: .serviceInstance),
                        try await send(http, theirs, "CurrentTime", this: .serviceInstance))
            agree("CurrentTime", ours: time.0, theirs: time.1, required: ["CurrentTimeResponse/returnval"], subsetOf: "CurrentTimeResponse")
            for shape in [time.0, time.1] {
                #expect(VSphereDate.parse(shape.text["CurrentTimeResponse/returnval"] ?? "") != nil, "\(shape.text)")
            }

            // Each server names its own HostFirewallSystem (hostd: firewallSystem; govmomi: a generated id).
            func firewall(_ server: Server) async throws -> ManagedObjectReference {
                let answer = try await send(http, server, "RetrievePropertiesEx", this: collector,
                                            spec(["configManager.firewallSystem"]) + "<options></options>")
                return ManagedObjectReference(type: "HostFirewallSystem", value: answer.text["\(objects)/propSet/val"] ?? "")
            }
            let firewalls = (try await firewall(ours), try await firewall(theirs))
            let firewallSpec = { (reference: ManagedObjectReference) in
                "<specSet><propSet><type>HostFirewallSystem</type><pathSet>firewallInfo</pathSet></propSet><objectSet>"
                    + "<obj type=\"HostFirewallSystem\">\(reference.value)</obj><skip>false</skip></objectSet></specSet><options></options>"
            }
            let info = (try await send(http, ours, "RetrievePropertiesEx", this: collector, firewallSpec(firewalls.0)),
                        try await send(http, theirs, "RetrievePropertiesEx", this: collector, firewallSpec(firewalls.1)))
            agree("RetrievePropertiesEx firewallInfo", ours: info.0, theirs: info.1, required: [
                "\(objects)/obj[type=HostFirewallSystem]", "\(objects)/propSet/val[xsi:type=HostFirewallInfo]",
                "\(objects)/propSet/val/ruleset/key", "\(objects)/propSet/val/ruleset/enabled",
                "\(objects)/propSet/val/defaultPolicy/incomingBlocked",
            ])
            let enable = (try await send(http, ours, "EnableRuleset", this: firewalls.0, "<id>sshServer</id>"),
                          try await send(http, theirs, "EnableRuleset", this: firewalls.1, "<id>sshServer</id>"))
            agree("EnableRuleset", ours: enable.0, theirs: enable.1, required: ["EnableRulesetResponse"], subsetOf: "EnableRulesetResponse")
            let unknown = (try await send(http, ours, "EnableRuleset", this: firewalls.0, "<id>noSuchRuleset</id>"),
                           try await send(http, theirs, "EnableRuleset", this: firewalls.1, "<id>noSuchRuleset</id>"))
            agree("EnableRuleset (unknown id)", ours: unknown.0, theirs: unknown.1, required: ["Fault/detail/NotFoundFault[xsi:type=NotFound]"])

            let logout = (try await send(http, ours, "Logout", this: sessionManager), try await send(http, theirs, "Logout", this: sessionManager))
            agree("Logout", ours: logout.0, theirs: logout.1, required: ["LogoutResponse"], subsetOf: "LogoutResponse")

            // After Logout the session is gone: both refuse CurrentTime with NotAuthenticated.
            let after = (try await send(http, ours, "CurrentTime", this: .serviceInstance),
                         try await send(http, theirs, "CurrentTime", this: .serviceInstance))
            agree("CurrentTime after Logout", ours: after.0, theirs: after.1, required: [
                "Fault/detail/NotAuthenticatedFault[xsi:type=NotAuthenticated]",
            ])
        } catch {
            await ourHost.stop()
            throw error
        }
        await ourHost.stop()
    }
}
