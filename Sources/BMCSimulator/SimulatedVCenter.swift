import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A vCenter reduced to what `vmedia demo` needs to end with its hosts in a cluster, without Go installed (the
/// tests use govmomi's vCenter simulator instead): one datacenter with one cluster and the host folder;
/// `RetrieveServiceContent`, `Login`/`Logout`, `SearchIndex.FindByInventoryPath`/`FindByIp`, `RetrievePropertiesEx`
/// of `name`, `parent` and `Task.info`, and `AddHost_Task`/`AddStandaloneHost_Task`. Like vCenter, adding a host
/// checks it: `hosts` says which certificate thumbprint the host at an address presents and whether it accepts
/// root's password (the demo's simulated ESXi hosts run in the same process), and a wrong thumbprint is an
/// `SSLVerifyFault` naming the real one, a wrong password `InvalidLogin`.
public final class SimulatedVCenter: Sendable {
    /// What vCenter learns by connecting to a host: its certificate's SHA-1 thumbprint and whether a root login works.
    public struct HostCheck: Sendable {
        public let thumbprint: String
        public let acceptsRoot: @Sendable (String) -> Bool

        public init(thumbprint: String, acceptsRoot: @escaping @Sendable (String) -> Bool) {
            self.thumbprint = thumbprint
            self.acceptsRoot = acceptsRoot
        }
    }

    public struct AddedHost: Sendable, Equatable {
        public let id: String
        public let name: String
        /// `domain-c1` (the cluster) or `group-h1` (the host folder).
        public let parent: String
        public let thumbprint: String
    }

    public static let datacenter = "Datacenter"
    public static let cluster = "Cluster"

    public let address: String
    public let port: Int
    private let server: SimulatorHTTPServer
    private let state: NIOLockedValueBox<State>

    struct State {
        var sessions: Set<String> = []
        var hosts: [AddedHost] = []
        var tasks: [String: String] = [:]
    }

    /// The hosts added so far, in order.
    public var hosts: [AddedHost] { state.withLockedValue { $0.hosts } }

    private init(address: String, port: Int, server: SimulatorHTTPServer, state: NIOLockedValueBox<State>) {
        self.address = address
        self.port = port
        self.server = server
        self.state = state
    }

    /// Plain http on a loopback address; `hosts` answers for the address:port a host is added by.
    public static func start(address: String, port: Int = 0, username: String, password: String,
                             hosts: @escaping @Sendable (String, Int) -> HostCheck?,
                             group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> SimulatedVCenter {
        try LoopbackAddress.require(address, role: "simulated vCenter")
        let state = NIOLockedValueBox(State())
        let service = VCenterSOAPService(username: username, password: password, hosts: hosts, state: state)
        let server = try await SimulatorHTTPServer.start(group: group, address: address, port: port, tls: nil) { request, loop in
            loop.makeSucceededFuture(service.respond(to: request))
        }
        return SimulatedVCenter(address: address, port: server.port, server: server, state: state)
    }

    public func stop() async {
        await server.stop()
    }
}

struct VCenterSOAPService: Sendable {
    let username: String
    let password: String
    let hosts: @Sendable (String, Int) -> SimulatedVCenter.HostCheck?
    let state: NIOLockedValueBox<SimulatedVCenter.State>

    private static let inventory: [String: String] = [
        SimulatedVCenter.datacenter: "<returnval type=\"Datacenter\">datacenter-1</returnval>",
        "\(SimulatedVCenter.datacenter)/host": "<returnval type=\"Folder\">group-h1</returnval>",
        "\(SimulatedVCenter.datacenter)/host/\(SimulatedVCenter.cluster)": "<returnval type=\"ClusterComputeResource\">domain-c1</returnval>",
    ]

    func respond(to request: SimulatedRequest) -> SimulatedResponse {
        guard request.method == .POST, request.path == "/sdk" else { return SimulatedResponse(status: .notFound, headers: HTTPHeaders(), body: []) }
        let body = String(decoding: request.body, as: UTF8.self)
        guard let operation = SOAPRequest.operation(in: body) else {
            return fault("InvalidRequest", "Unable to parse the SOAP request body.")
        }
        let cookie = request.headers.first(name: "Cookie").flatMap(SOAPRequest.sessionCookie)
        let authenticated = cookie.map { cookie in state.withLockedValue { $0.sessions.contains(cookie) } } ?? false
        if operation == "RetrieveServiceContent" {
            return answer(operation, """
                <returnval><rootFolder type="Folder">group-d1</rootFolder>\
                <propertyCollector type="PropertyCollector">propertyCollector</propertyCollector>\
                <about><name>VMware VirtualCenter</name><fullName>VMware vCenter Server 8.0.3 build-24022515 (vmedia simulator)</fullName>\
                <vendor>VMware, Inc.</vendor><version>8.0.3</version><build>24022515</build><osType>linux-x64</osType>\
                <productLineId>vpx</productLineId><apiType>VirtualCenter</apiType><apiVersion>8.0.3.0</apiVersion></about>\
                <searchIndex type="SearchIndex">SearchIndex</searchIndex><sessionManager type="SessionManager">SessionManager</sessionManager>\
                </returnval>
                """)
        }
        if operation == "Login" {
            guard SOAPRequest.element("userName", in: body) == username, let offered = SOAPRequest.element("password", in: body),
                  Array(offered.utf8) == Array(password.utf8) else {
                return fault("InvalidLogin", "Cannot complete login due to an incorrect user name or password.")
            }
            let key = UUID().uuidString
            state.withLockedValue { _ = $0.sessions.insert(key) }
            var response = answer(operation, "<returnval><key>\(key)</key><userName>\(SOAPRequest.escapeText(username))</userName></returnval>")
            response.headers.add(name: "Set-Cookie", value: "vmware_soap_session=\"\(key)\"; Path=/; HttpOnly; Secure;")
            return response
        }
        guard authenticated, let cookie else { return fault("NotAuthenticated", "The session is not authenticated.") }
        switch operation {
        case "Logout":
            state.withLockedValue { _ = $0.sessions.remove(cookie) }
            return answer(operation, "")
        case "FindByInventoryPath":
            return answer(operation, Self.inventory[SOAPRequest.element("inventoryPath", in: body) ?? ""] ?? "")
        case "FindByIp":
            let ip = SOAPRequest.element("ip", in: body) ?? ""
            let found = state.withLockedValue { $0.hosts.first { $0.name == ip } }
            return answer(operation, found.map { "<returnval type=\"HostSystem\">\($0.id)</returnval>" } ?? "")
        case "RetrievePropertiesEx", "RetrieveProperties":
            return properties(operation, body: body)
        case "AddHost_Task", "AddStandaloneHost_Task":
            return addHost(operation, body: body)
        default:
            return fault("NotImplemented", "The operation \(operation) is not implemented by the vmedia vCenter simulator.")
        }
    }

    private func addHost(_ operation: String, body: String) -> SimulatedResponse {
        let parent = SOAPRequest.reference("_this", in: body)
        guard let parent, (operation == "AddHost_Task" && parent == ("ClusterComputeResource", "domain-c1"))
                || (operation == "AddStandaloneHost_Task" && parent == ("Folder", "group-h1")) else {
            return fault("ManagedObjectNotFound", "The object has already been deleted or has not been completely created")
        }
        let name = SOAPRequest.element("hostName", in: body) ?? ""
        let port = Int(SOAPRequest.element("port", in: body) ?? "") ?? 443
        guard let check = hosts(name, port) else { return fault("NoHost", "Cannot contact the specified host (\(name)).") }
        let offered = SOAPRequest.element("sslThumbprint", in: body) ?? ""
        guard offered.uppercased() == check.thumbprint.uppercased() else {
            return fault("SSLVerifyFault", "Authenticity of the host's SSL certificate is not verified.",
                         fields: "<selfSigned>true</selfSigned><thumbprint>\(check.thumbprint)</thumbprint>")
        }
        guard SOAPRequest.element("userName", in: body) == "root", check.acceptsRoot(SOAPRequest.element("password", in: body) ?? "") else {
            return fault("InvalidLogin", "Cannot complete login due to an incorrect user name or password.")
        }
        let task = state.withLockedValue { state -> String in
            let id = "host-\(state.hosts.count + 10)"
            state.hosts.append(.init(id: id, name: name, parent: parent.value, thumbprint: check.thumbprint))
            let task = "task-\(state.tasks.count + 1)"
            state.tasks[task] = id
            return task
        }
        return answer(operation, "<returnval type=\"Task\">\(task)</returnval>")
    }

    private func properties(_ operation: String, body: String) -> SimulatedResponse {
        guard let object = SOAPRequest.reference("obj", in: body) else { return fault("InvalidArgument", "specSet.objectSet.obj") }
        var propSets = ""
        for path in SOAPRequest.elements("pathSet", in: body) {
            guard let value = property(path, of: object) else { return fault("InvalidProperty", "", fields: "<name>\(path)</name>") }
            propSets += "<propSet><name>\(path)</name>\(value)</propSet>"
        }
        let content = "<obj type=\"\(object.type)\">\(object.value)</obj>\(propSets)"
        return answer(operation, operation == "RetrievePropertiesEx" ? "<returnval><objects>\(content)</objects></returnval>"
                                                                     : "<returnval>\(content)</returnval>")
    }

    private func property(_ path: String, of object: (type: String, value: String)) -> String? {
        let snapshot = state.withLockedValue { $0 }
        switch (object.type, path) {
        case ("Task", "info"):
            guard let host = snapshot.tasks[object.value] else { return nil }
            return "<val xsi:type=\"TaskInfo\"><key>\(object.value)</key><task type=\"Task\">\(object.value)</task>"
                + "<state>success</state><result type=\"HostSystem\" xsi:type=\"ManagedObjectReference\">\(host)</result></val>"
        case ("HostSystem", "name"):
            return snapshot.hosts.first { $0.id == object.value }.map { "<val xsi:type=\"xsd:string\">\(SOAPRequest.escapeText($0.name))</val>" }
        case ("HostSystem", "parent"):
            return snapshot.hosts.first { $0.id == object.value }.map {
                $0.parent == "domain-c1" ? "<val type=\"ClusterComputeResource\" xsi:type=\"ManagedObjectReference\">domain-c1</val>"
                                         : "<val type=\"Folder\" xsi:type=\"ManagedObjectReference\">group-h1</val>"
            }
        case ("ClusterComputeResource", "name"):
            return "<val xsi:type=\"xsd:string\">\(SimulatedVCenter.cluster)</val>"
        case ("Folder", "name"):
            return "<val xsi:type=\"xsd:string\">host</val>"
        default:
            return nil
        }
    }

    private func answer(_ operation: String, _ content: String) -> SimulatedResponse {
        xml(.ok, "<\(operation)Response xmlns=\"urn:vim25\">\(content)</\(operation)Response>")
    }

    /// SOAP 1.1 faults with HTTP 500, the detail's `xsi:type` naming the vim25 fault (as vCenter sends them).
    private func fault(_ type: String, _ message: String, fields: String = "") -> SimulatedResponse {
        xml(.internalServerError, "<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>\(SOAPRequest.escapeText(message))</faultstring>"
            + "<detail><\(type)Fault xmlns=\"urn:vim25\" xsi:type=\"\(type)\">\(fields)</\(type)Fault></detail></soapenv:Fault>")
    }

    private func xml(_ status: HTTPResponseStatus, _ body: String) -> SimulatedResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/xml; charset=utf-8")
        let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
            + "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
            + "<soapenv:Body>\(body)</soapenv:Body></soapenv:Envelope>"
        return SimulatedResponse(status: status, headers: headers, body: Array(text.utf8))
    }
}
