import ESXi
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The ESXi host a successful simulated install brings up on the kickstart's address: the vSphere Web Services
/// (SOAP) endpoint at `/sdk` with what `govc about`, the installer's readiness probe and its SSH step use:
/// `RetrieveServiceContent` (the booted image's release and build), `Login` (root + the kickstart's password, crypt
/// hashes verified), `Logout`, `CurrentTime`, `RetrieveProperties`/`RetrievePropertiesEx` (`runtime.bootTime`,
/// `configManager.serviceSystem`, `serviceInfo`), `UpdateServicePolicy` and `StartService`, plus
/// `/sdk/vimServiceVersions.xml`. Faults are the ones hostd sends (`InvalidLogin`, `NotAuthenticated`,
/// `InvalidProperty`, `ManagedObjectNotFound`, `NotFound`, `InvalidArgument`); their shapes are checked against
/// govmomi's simulator in InstallerTests.
public final class SimulatedESXiHost: Sendable {
    public let address: String
    public let port: Int
    public let hostname: String?
    public let release: SimulatedRelease
    /// `HostSystem.runtime.bootTime`.
    public let bootTime: Date
    /// `%firstboot` sections the first boot ran (0 under Secure Boot).
    public let firstbootSectionsRun: Int
    private let server: SimulatorHTTPServer
    private let countersBox: NIOLockedValueBox<Counters>
    private let servicesBox: NIOLockedValueBox<[SimulatedService]>
    private let rulesetsBox: NIOLockedValueBox<[String: Bool]>
    private let settingsBox: NIOLockedValueBox<SimulatedHostSettings>
    private let rootPassword: KickstartFacts.RootPassword

    public struct Counters: Sendable, Equatable {
        public var requests = 0
        public var successfulLogins = 0
        public var failedLogins = 0
        public var activeSessions = 0
    }

    /// A hostd service as `HostServiceSystem.serviceInfo` lists it.
    public struct SimulatedService: Sendable, Equatable {
        public let key: String
        public let label: String
        public var policy: String
        public var running: Bool
    }

    /// Requests and logins seen so far (tests assert that a wrong password was refused).
    public var counters: Counters { countersBox.withLockedValue { $0 } }
    /// The services now (tests read whether SSH was enabled through the API or by `%firstboot`).
    public var services: [SimulatedService] { servicesBox.withLockedValue { $0 } }
    /// Firewall rule sets by key, enabled or not (ESXi's defaults: sshServer on).
    public var firewallRulesets: [String: Bool] { rulesetsBox.withLockedValue { $0 } }
    /// NTP servers and advanced options now (what the configure phase set).
    public var settings: SimulatedHostSettings { settingsBox.withLockedValue { $0 } }

    private init(address: String, port: Int, hostname: String?, release: SimulatedRelease, bootTime: Date, firstbootSectionsRun: Int,
                 server: SimulatorHTTPServer, counters: NIOLockedValueBox<Counters>, services: NIOLockedValueBox<[SimulatedService]>,
                 rulesets: NIOLockedValueBox<[String: Bool]>, settings: NIOLockedValueBox<SimulatedHostSettings>,
                 rootPassword: KickstartFacts.RootPassword) {
        self.settingsBox = settings
        self.rootPassword = rootPassword
        self.address = address
        self.port = port
        self.hostname = hostname
        self.release = release
        self.bootTime = bootTime
        self.firstbootSectionsRun = firstbootSectionsRun
        self.server = server
        self.countersBox = counters
        self.servicesBox = services
        self.rulesetsBox = rulesets
    }

    static func start(group: EventLoopGroup, address: String, port: Int, tls: NIOSSLContext?, system: InstalledSystem,
                      bootTime: Date) async throws -> SimulatedESXiHost {
        try await start(group: group, address: address, port: port, tls: tls, rootPassword: system.plan.rootPassword,
                        hostname: system.plan.hostname, release: system.release, bootTime: bootTime,
                        sshPolicy: system.sshPolicy, firstbootSectionsRun: system.firstbootSectionsRun)
    }

    /// A host on its own, for tests that talk to the vSphere API without a BMC in front (plain HTTP with
    /// `useTLS: false`).
    public static func start(address: String, port: Int = 0, useTLS: Bool = false, rootPassword: String,
                             release: SimulatedRelease, bootTime: Date = Date(), sshPolicy: String = "off",
                             group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> SimulatedESXiHost {
        try LoopbackAddress.require(address, role: "simulated ESXi")
        return try await start(group: group, address: address, port: port, tls: useTLS ? try SimulatorTLS.shared() : nil,
                               rootPassword: .plain(rootPassword), hostname: nil, release: release, bootTime: bootTime,
                               sshPolicy: sshPolicy, firstbootSectionsRun: 0)
    }

    private static func start(group: EventLoopGroup, address: String, port: Int, tls: NIOSSLContext?,
                              rootPassword: KickstartFacts.RootPassword, hostname: String?, release: SimulatedRelease,
                              bootTime: Date, sshPolicy: String, firstbootSectionsRun: Int) async throws -> SimulatedESXiHost {
        let counters = NIOLockedValueBox(Counters())
        let sessions = NIOLockedValueBox<Set<String>>([])
        // hostd's services after an install: SSH and the ESXi Shell are off unless something turned them on.
        let services = NIOLockedValueBox([
            SimulatedService(key: "DCUI", label: "Direct Console UI", policy: "on", running: true),
            SimulatedService(key: "TSM", label: "ESXi Shell", policy: "off", running: false),
            SimulatedService(key: "TSM-SSH", label: "SSH", policy: sshPolicy, running: sshPolicy == "on"),
            SimulatedService(key: "ntpd", label: "NTP Daemon", policy: "off", running: false),
        ])
        // ESXi's default firewall (govmomi's ESX model records the same): SSH server and client open.
        let rulesets = NIOLockedValueBox(["sshServer": true, "sshClient": true, "syslog": false, "ntpClient": false])
        let settings = NIOLockedValueBox(SimulatedHostSettings())
        let service = VSphereSOAPService(rootPassword: rootPassword, hostname: hostname, release: release, bootTime: bootTime,
                                         services: services, rulesets: rulesets, settings: settings)
        let server = try await SimulatorHTTPServer.start(group: group, address: address, port: port, tls: tls) { request, loop in
            counters.withLockedValue { $0.requests += 1 }
            return loop.makeSucceededFuture(service.respond(to: request, sessions: sessions, counters: counters))
        }
        return SimulatedESXiHost(address: address, port: server.port, hostname: hostname, release: release, bootTime: bootTime,
                                 firstbootSectionsRun: firstbootSectionsRun, server: server, counters: counters, services: services,
                                 rulesets: rulesets, settings: settings, rootPassword: rootPassword)
    }

    /// Whether a root `Login` with `password` would succeed (what a simulated vCenter checks when it adds the host).
    public func acceptsRootPassword(_ password: String) -> Bool {
        RootPasswordCheck.matches(password, rootPassword)
    }

    public func stop() async {
        await server.stop()
    }
}

/// The SOAP side: minimal but real vim25 envelopes (namespaces, `returnval`, managed object references with
/// `type`, faults with `faultcode`/`faultstring`/`detail`), so a govmomi or pyVmomi client can parse them.
struct VSphereSOAPService: Sendable {
    let rootPassword: KickstartFacts.RootPassword
    let hostname: String?
    let release: SimulatedRelease
    let bootTime: Date
    let services: NIOLockedValueBox<[SimulatedESXiHost.SimulatedService]>
    let rulesets: NIOLockedValueBox<[String: Bool]>
    let settings: NIOLockedValueBox<SimulatedHostSettings>

    /// hostd's API version follows its release (8.0.3 → 8.0.3.0).
    var apiVersion: String { release.version + ".0" }

    func respond(to request: SimulatedRequest, sessions: NIOLockedValueBox<Set<String>>,
                 counters: NIOLockedValueBox<SimulatedESXiHost.Counters>) -> SimulatedResponse {
        switch (request.method, request.path) {
        case (.GET, "/sdk/vimServiceVersions.xml"):
            return xml(.ok, """
                <?xml version="1.0" encoding="UTF-8" ?>
                <namespaces version="1.0">
                 <namespace>
                  <name>urn:vim25</name>
                  <version>\(apiVersion)</version>
                  <priorVersions>
                   <version>8.0.2.0</version>
                   <version>8.0.1.0</version>
                   <version>8.0.0.0</version>
                   <version>7.0.3.0</version>
                  </priorVersions>
                 </namespace>
                </namespaces>
                """)
        case (.GET, "/"):
            var response = xml(.ok, "<html><body>VMware ESXi (vmedia simulator)</body></html>")
            response.headers.replaceOrAdd(name: "Content-Type", value: "text/html")
            return response
        case (.POST, "/sdk"):
            break
        default:
            return SimulatedResponse(status: .notFound)
        }
        let body = String(decoding: request.body, as: UTF8.self)
        guard let operation = SOAPRequest.operation(in: body) else {
            return fault("ServerFaultCode", "Unable to parse the SOAP request body.", detail: "InvalidRequestFault", type: "InvalidRequest")
        }
        let cookie = request.headers.first(name: "Cookie").flatMap(SOAPRequest.sessionCookie)
        let authenticated = cookie.map { cookie in sessions.withLockedValue { $0.contains(cookie) } } ?? false
        switch operation {
        case "RetrieveServiceContent":
            return envelope("<RetrieveServiceContentResponse xmlns=\"urn:vim25\"><returnval>\(serviceContent)</returnval></RetrieveServiceContentResponse>")
        case "Login":
            let user = SOAPRequest.element("userName", in: body) ?? ""
            let password = SOAPRequest.element("password", in: body) ?? ""
            guard user == "root", RootPasswordCheck.matches(password, rootPassword) else {
                counters.withLockedValue { $0.failedLogins += 1 }
                return fault("ServerFaultCode", "Cannot complete login due to an incorrect user name or password.",
                             detail: "InvalidLoginFault", type: "InvalidLogin")
            }
            var generator = SystemRandomNumberGenerator()
            let key = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
            sessions.withLockedValue { _ = $0.insert(key) }
            counters.withLockedValue { $0.successfulLogins += 1; $0.activeSessions += 1 }
            let now = Self.timestamp()
            // Optional fields are left out when empty, as hostd and govmomi do (xsd minOccurs=0).
            let userAgent = request.headers.first(name: "User-Agent").map { "<userAgent>\(escape($0))</userAgent>" } ?? ""
            var response = envelope("""
                <LoginResponse xmlns="urn:vim25"><returnval><key>\(key)</key><userName>root</userName>\
                <fullName>Administrator</fullName><loginTime>\(now)</loginTime><lastActiveTime>\(now)</lastActiveTime>\
                <locale>en</locale><messageLocale>en</messageLocale><extensionSession>false</extensionSession>\
                <ipAddress>127.0.0.1</ipAddress>\(userAgent)<callCount>0</callCount></returnval></LoginResponse>
                """)
            response.headers.add(name: "Set-Cookie", value: "vmware_soap_session=\"\(key)\"; Path=/; HttpOnly; Secure;")
            return response
        case "Logout":
            guard authenticated, let cookie else { return notAuthenticated() }
            sessions.withLockedValue { _ = $0.remove(cookie) }
            counters.withLockedValue { $0.activeSessions -= 1 }
            return envelope("<LogoutResponse xmlns=\"urn:vim25\"></LogoutResponse>")
        case "CurrentTime":
            // Only inside a session, like govmomi's simulator (NotAuthenticated otherwise).
            guard authenticated else { return notAuthenticated() }
            return envelope("<CurrentTimeResponse xmlns=\"urn:vim25\"><returnval>\(Self.timestamp())</returnval></CurrentTimeResponse>")
        case "RetrieveProperties", "RetrievePropertiesEx":
            // hostd answers property reads only inside a session (govmomi's simulator is laxer).
            guard authenticated else { return notAuthenticated() }
            return retrieveProperties(operation, body: body)
        case "UpdateServicePolicy", "StartService", "StopService":
            guard authenticated else { return notAuthenticated() }
            return changeService(operation, body: body)
        case "EnableRuleset", "DisableRuleset":
            guard authenticated else { return notAuthenticated() }
            return changeRuleset(operation, body: body)
        case "UpdateDateTimeConfig", "QueryOptions", "UpdateOptions":
            guard authenticated else { return notAuthenticated() }
            switch changeSettings(operation, body: body) {
            case .success(let answer):
                return envelope("<\(operation)Response xmlns=\"urn:vim25\">\(answer)</\(operation)Response>")
            case .failure(.notFound):
                return wrongThis(body, type: "?", value: "?") ?? notFound()
            case .failure(.invalidName(let name)):
                return fault("ServerFaultCode", "A specified parameter was not correct: \(name)", detail: "InvalidNameFault",
                             type: "InvalidName", fields: "<name>\(escape(name))</name>")
            }
        default:
            guard authenticated else { return notAuthenticated() }
            return fault("ServerFaultCode", "The operation \(operation) is not implemented by the vmedia ESXi simulator.",
                         detail: "NotImplementedFault", type: "NotImplemented")
        }
    }

    private var serviceContent: String {
        """
        <rootFolder type="Folder">ha-folder-root</rootFolder>\
        <propertyCollector type="PropertyCollector">ha-property-collector</propertyCollector>\
        <viewManager type="ViewManager">ViewManager</viewManager>\
        <about><name>VMware ESXi</name><fullName>\(release.fullName)</fullName>\
        <vendor>VMware, Inc.</vendor><version>\(release.version)</version><patchLevel>\(release.patchLevel)</patchLevel>\
        <build>\(release.build)</build>\
        <localeVersion>INTL</localeVersion><localeBuild>000</localeBuild><osType>vmnix-x86</osType>\
        <productLineId>embeddedEsx</productLineId><apiType>HostAgent</apiType><apiVersion>\(apiVersion)</apiVersion>\
        <licenseProductName>VMware ESX Server</licenseProductName><licenseProductVersion>8.0</licenseProductVersion></about>\
        <setting type="OptionManager">HostAgentSettings</setting>\
        <userDirectory type="UserDirectory">ha-user-directory</userDirectory>\
        <sessionManager type="SessionManager">ha-sessionmgr</sessionManager>\
        <authorizationManager type="AuthorizationManager">ha-authmgr</authorizationManager>\
        <perfManager type="PerformanceManager">ha-perfmgr</perfManager>\
        <searchIndex type="SearchIndex">ha-searchindex</searchIndex>\
        <fileManager type="FileManager">ha-nfc-file-manager</fileManager>\
        <virtualDiskManager type="VirtualDiskManager">ha-vdiskmanager</virtualDiskManager>\
        <accountManager type="HostLocalAccountManager">ha-localacctmgr</accountManager>
        """
    }

    /// The objects hostd has and the properties the simulator knows of each.
    private func property(_ path: String, of object: (type: String, value: String)) -> String? {
        switch (object.type, object.value, path) {
        case ("HostSystem", "ha-host", "runtime.bootTime"):
            return "<val xsi:type=\"xsd:dateTime\">\(Self.timestamp(bootTime))</val>"
        case ("HostSystem", "ha-host", "name"):
            return "<val xsi:type=\"xsd:string\">\(escape(hostname ?? "localhost"))</val>"
        case ("HostSystem", "ha-host", "configManager.serviceSystem"):
            return "<val type=\"HostServiceSystem\" xsi:type=\"ManagedObjectReference\">serviceSystem</val>"
        case ("HostSystem", "ha-host", "configManager.firewallSystem"):
            return "<val type=\"HostFirewallSystem\" xsi:type=\"ManagedObjectReference\">firewallSystem</val>"
        case ("HostFirewallSystem", "firewallSystem", "firewallInfo"):
            let entries = rulesets.withLockedValue { $0 }.sorted { $0.key < $1.key }.map { key, enabled in
                "<ruleset><key>\(key)</key><label>\(key)</label><required>false</required><enabled>\(enabled)</enabled></ruleset>"
            }.joined()
            return "<val xsi:type=\"HostFirewallInfo\"><defaultPolicy><incomingBlocked>true</incomingBlocked>"
                + "<outgoingBlocked>true</outgoingBlocked></defaultPolicy>\(entries)</val>"
        case ("HostServiceSystem", "serviceSystem", "serviceInfo"):
            let entries = services.withLockedValue { $0 }.map { service in
                "<service><key>\(service.key)</key><label>\(escape(service.label))</label><required>false</required>"
                    + "<uninstallable>false</uninstallable><running>\(service.running)</running>"
                    + (service.key == "TSM-SSH" ? "<ruleset>sshServer</ruleset>" : "")
                    + "<policy>\(service.policy)</policy><sourcePackage><sourcePackageName>esx-base</sourcePackageName>"
                    + "<description>This VMware ESX</description></sourcePackage></service>"
            }.joined()
            return "<val xsi:type=\"HostServiceInfo\">\(entries)</val>"
        default:
            return settingsProperty(path, of: object)
        }
    }

    private static let knownObjects = Set(["HostSystem:ha-host", "HostServiceSystem:serviceSystem", "HostFirewallSystem:firewallSystem"])
        .union(settingsObjects)

    /// `RetrievePropertiesEx` answers `returnval/objects/{obj,propSet}`; the older `RetrieveProperties` answers a list
    /// of `returnval/{obj,propSet}`.
    private func retrieveProperties(_ operation: String, body: String) -> SimulatedResponse {
        guard let object = SOAPRequest.reference("obj", in: body) else {
            return fault("ServerFaultCode", "A specified parameter was not correct: specSet.objectSet.obj", detail: "InvalidArgumentFault",
                         type: "InvalidArgument", fields: "<invalidProperty>specSet</invalidProperty>")
        }
        guard Self.knownObjects.contains("\(object.type):\(object.value)") else {
            return fault("ServerFaultCode", "The object '\(object.type):\(object.value)' has already been deleted or has not been completely created",
                         detail: "ManagedObjectNotFoundFault", type: "ManagedObjectNotFound",
                         fields: "<obj type=\"\(escape(object.type))\">\(escape(object.value))</obj>")
        }
        var propSets = ""
        for path in SOAPRequest.elements("pathSet", in: body) {
            guard let value = property(path, of: object) else {
                return fault("ServerFaultCode", "", detail: "InvalidPropertyFault", type: "InvalidProperty",
                             fields: "<name>\(escape(path))</name>")
            }
            propSets += "<propSet><name>\(escape(path))</name>\(value)</propSet>"
        }
        let content = "<obj type=\"\(escape(object.type))\">\(escape(object.value))</obj>\(propSets)"
        let result = operation == "RetrievePropertiesEx" ? "<returnval><objects>\(content)</objects></returnval>" : "<returnval>\(content)</returnval>"
        return envelope("<\(operation)Response xmlns=\"urn:vim25\">\(result)</\(operation)Response>")
    }

    /// The `ManagedObjectNotFound` fault when `_this` is not the expected object, else nil.
    private func wrongThis(_ body: String, type: String, value: String) -> SimulatedResponse? {
        guard let this = SOAPRequest.reference("_this", in: body), this.type == type, this.value == value else {
            let this = SOAPRequest.reference("_this", in: body)
            return fault("ServerFaultCode", "The object has already been deleted or has not been completely created",
                         detail: "ManagedObjectNotFoundFault", type: "ManagedObjectNotFound",
                         fields: this.map { "<obj type=\"\(escape($0.type))\">\(escape($0.value))</obj>" } ?? "")
        }
        return nil
    }

    private func notFound() -> SimulatedResponse {
        fault("ServerFaultCode", "The object or item referred to could not be found.", detail: "NotFoundFault", type: "NotFound")
    }

    private func changeRuleset(_ operation: String, body: String) -> SimulatedResponse {
        if let refusal = wrongThis(body, type: "HostFirewallSystem", value: "firewallSystem") { return refusal }
        let id = SOAPRequest.element("id", in: body) ?? ""
        let found = rulesets.withLockedValue { rulesets -> Bool in
            guard rulesets[id] != nil else { return false }
            rulesets[id] = operation == "EnableRuleset"
            return true
        }
        guard found else { return notFound() }
        return envelope("<\(operation)Response xmlns=\"urn:vim25\"></\(operation)Response>")
    }

    private func changeService(_ operation: String, body: String) -> SimulatedResponse {
        if let refusal = wrongThis(body, type: "HostServiceSystem", value: "serviceSystem") { return refusal }
        let id = SOAPRequest.element("id", in: body) ?? ""
        let policy = SOAPRequest.element("policy", in: body)
        if operation == "UpdateServicePolicy", !["on", "off", "automatic"].contains(policy ?? "") {
            return fault("ServerFaultCode", "A specified parameter was not correct: policy", detail: "InvalidArgumentFault",
                         type: "InvalidArgument", fields: "<invalidProperty>policy</invalidProperty>")
        }
        let found = services.withLockedValue { services -> Bool in
            guard let index = services.firstIndex(where: { $0.key == id }) else { return false }
            switch operation {
            case "UpdateServicePolicy": services[index].policy = policy ?? "off"
            case "StartService": services[index].running = true
            default: services[index].running = false
            }
            return true
        }
        guard found else { return notFound() }
        return envelope("<\(operation)Response xmlns=\"urn:vim25\"></\(operation)Response>")
    }

    private func envelope(_ body: String) -> SimulatedResponse {
        xml(.ok, Self.wrap(body))
    }

    /// SOAP 1.1 faults travel with HTTP 500 (ESXi does the same).
    private func fault(_ code: String, _ message: String, detail: String, type: String, fields: String = "") -> SimulatedResponse {
        xml(.internalServerError, Self.wrap("""
            <soapenv:Fault><faultcode>\(code)</faultcode><faultstring>\(escape(message))</faultstring>\
            <detail><\(detail) xmlns="urn:vim25" xsi:type="\(type)">\(fields)</\(detail)></detail></soapenv:Fault>
            """))
    }

    private func notAuthenticated() -> SimulatedResponse {
        fault("ServerFaultCode", "The session is not authenticated.", detail: "NotAuthenticatedFault", type: "NotAuthenticated")
    }

    private static func wrap(_ body: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" \
        xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" \
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        <soapenv:Body>
        \(body)
        </soapenv:Body>
        </soapenv:Envelope>
        """
    }

    private func xml(_ status: HTTPResponseStatus, _ text: String) -> SimulatedResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/xml; charset=utf-8")
        return SimulatedResponse(status: status, headers: headers, body: Array(text.utf8))
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

/// Just enough XML reading for SOAP requests: the first element inside the Body (the operation) and the text of
/// a named element, with namespace prefixes ignored and the five predefined entities plus numeric references
/// decoded (a password may contain `&` or `<`).
enum SOAPRequest {
    static func operation(in body: String) -> String? {
        guard let bodyTag = body.range(of: #"<([A-Za-z0-9_]+:)?Body[^>]*>"#, options: .regularExpression) else { return nil }
        guard let element = body.range(of: #"<[A-Za-z_][A-Za-z0-9_.:-]*"#, options: .regularExpression,
                                       range: bodyTag.upperBound..<body.endIndex) else { return nil }
        let name = body[element].dropFirst()
        return String(name.split(separator: ":").last ?? name)
    }

    static func element(_ name: String, in body: String) -> String? {
        let pattern = #"<([A-Za-z0-9_]+:)?"# + name + #"(\s[^>]*)?>([^<]*)</([A-Za-z0-9_]+:)?"# + name + #"\s*>"#
        guard let range = body.range(of: pattern, options: .regularExpression) else { return nil }
        let match = body[range]
        guard let open = match.firstIndex(of: ">"), let close = match.range(of: "</", options: .backwards) else { return nil }
        return unescape(String(match[match.index(after: open)..<close.lowerBound]))
    }

    /// The text of every element called `name` (`pathSet` of a property spec).
    static func elements(_ name: String, in body: String) -> [String] {
        let pattern = #"<([A-Za-z0-9_]+:)?"# + name + #"(\s[^>]*)?>([^<]*)</([A-Za-z0-9_]+:)?"# + name + #"\s*>"#
        var found: [String] = []
        var searchRange = body.startIndex..<body.endIndex
        while let range = body.range(of: pattern, options: .regularExpression, range: searchRange) {
            let match = body[range]
            if let open = match.firstIndex(of: ">"), let close = match.range(of: "</", options: .backwards) {
                found.append(unescape(String(match[match.index(after: open)..<close.lowerBound])))
            }
            searchRange = range.upperBound..<body.endIndex
        }
        return found
    }

    /// A managed object reference argument (`<obj type="HostSystem">ha-host</obj>`).
    static func reference(_ name: String, in body: String) -> (type: String, value: String)? {
        let pattern = #"<([A-Za-z0-9_]+:)?"# + name + #"\s[^>]*type="([^"]*)"[^>]*>([^<]*)</"#
        guard let range = body.range(of: pattern, options: .regularExpression) else { return nil }
        let match = String(body[range])
        guard let typeStart = match.range(of: "type=\""), let typeEnd = match[typeStart.upperBound...].firstIndex(of: "\""),
              let open = match[typeEnd...].firstIndex(of: ">"), let close = match.range(of: "</", options: .backwards) else { return nil }
        return (unescape(String(match[typeStart.upperBound..<typeEnd])),
                unescape(String(match[match.index(after: open)..<close.lowerBound])))
    }

    static func escapeText(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func sessionCookie(_ header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            guard pair.hasPrefix("vmware_soap_session=") else { continue }
            return String(pair.dropFirst("vmware_soap_session=".count)).trimmingCharacters(in: ["\""])
        }
        return nil
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "&", let semicolon = text[index...].firstIndex(of: ";") {
                let entity = String(text[text.index(after: index)..<semicolon])
                let replacement: String?
                switch entity {
                case "amp": replacement = "&"
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "quot": replacement = "\""
                case "apos": replacement = "'"
                default:
                    if entity.hasPrefix("#x"), let value = UInt32(entity.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(value) {
                        replacement = String(Character(scalar))
                    } else if entity.hasPrefix("#"), let value = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(value) {
                        replacement = String(Character(scalar))
                    } else {
                        replacement = nil
                    }
                }
                if let replacement {
                    result += replacement
                    index = text.index(after: semicolon)
                    continue
                }
            }
            result.append(text[index])
            index = text.index(after: index)
        }
        return result
    }
}

/// How ESXi checks the root password a kickstart set: plain text compares directly; `--iscrypted` hashes are
/// checked by crypt(3) of the offered password (SHA-512 `$6$` is what ESXi writes and accepts).
enum RootPasswordCheck {
    static func matches(_ offered: String, _ stored: KickstartFacts.RootPassword) -> Bool {
        switch stored {
        case .plain(let password): return constantTimeEqual(Array(offered.utf8), Array(password.utf8))
        case .crypted(let hash): return SHA512Crypt.verify(password: Array(offered.utf8), hash: hash)
        }
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
