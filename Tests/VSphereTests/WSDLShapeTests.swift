import Foundation
import Testing
import TestSupport
@testable import VSphere

/// The requests vmedia writes for vCenter follow the vim25 WSDL: element names and order as govmomi's generated
/// `vim25/types` Go structs declare them (Debian's golang-github-vmware-govmomi-dev, an independent transcription
/// of the WSDL). SOAP servers generated from the WSDL (vCenter's) reject elements out of sequence.
@Suite("vim25 request shapes against govmomi's types")
struct WSDLShapeTests {
    static let typesPath = "/usr/share/gocode/src/github.com/vmware/govmomi/vim25/types/types.go"

    /// The xml element names of a Go struct's fields, in order (embedded structs such as DynamicData have none).
    static func fields(of type: String) throws -> [String] {
        guard let source = try? String(contentsOfFile: typesPath, encoding: .utf8) else {
            try Peer.unavailable("govmomi's sources are not at \(typesPath) (apt-get install golang-github-vmware-govmomi-dev)")
        }
        guard let start = source.range(of: "\ntype \(type) struct {\n") else {
            Issue.record("no struct \(type) in \(typesPath)")
            return []
        }
        let body = source[start.upperBound...].prefix { $0 != "}" }
        return body.split(separator: "\n").compactMap { line in
            guard let tag = line.range(of: "xml:\"") else { return nil }
            return String(line[tag.upperBound...].prefix { $0 != "," && $0 != "\"" })
        }
    }

    /// The names of the children of the element `name` in `xml`, in order.
    static func children(of name: String, in xml: String) throws -> [String] {
        let root = try SOAPElement.parse(xml)
        let element = root.name == name ? root : root.descendant(name)
        return element?.children.map(\.name) ?? []
    }

    /// Whether the sent names appear in the declared order (a repeated element, an array, counts once).
    static func isSubsequence(_ sent: [String], of declared: [String]) -> Bool {
        var rest = declared[...]
        var previous: String?
        for name in sent {
            if name == previous { continue }
            previous = name
            guard let index = rest.firstIndex(of: name) else { return false }
            rest = rest[rest.index(after: index)...]
        }
        return true
    }

    @Test("HostConnectSpec: hostName, port, sslThumbprint, userName, password, force in the WSDL's order")
    func hostConnectSpec() throws {
        let spec = HostConnectSpec(hostName: "10.0.0.5", port: 443, sslThumbprint: "AB:CD", userName: "root", password: "p")
        let sent = try Self.children(of: "spec", in: spec.xml("spec"))
        let declared = try Self.fields(of: "HostConnectSpec")
        #expect(sent == ["hostName", "port", "sslThumbprint", "userName", "password", "force"])
        #expect(Self.isSubsequence(sent, of: declared), "sent \(sent), govmomi declares \(declared)")
    }

    @Test("AddHost_Task, AddStandaloneHost_Task, FindByIp, FindByInventoryPath, StopService: arguments in the WSDL's order")
    func requests() throws {
        let spec = HostConnectSpec(hostName: "10.0.0.5", port: 443, sslThumbprint: nil, userName: "root", password: "p")
        let this = ManagedObjectReference(type: "ClusterComputeResource", value: "domain-c7")
        let cases: [(operation: String, request: String, arguments: String)] = [
            ("AddHost_Task", "AddHostRequestType", spec.xml("spec") + "<asConnected>true</asConnected>" + VSphereClient.licenseArgument("K")),
            ("AddStandaloneHost_Task", "AddStandaloneHostRequestType",
             spec.xml("spec") + "<addConnected>true</addConnected>" + VSphereClient.licenseArgument("K")),
            ("FindByIp", "FindByIpRequestType", "<ip>10.0.0.5</ip><vmSearch>false</vmSearch>"),
            ("FindByInventoryPath", "FindByInventoryPathRequestType", "<inventoryPath>DC0/host</inventoryPath>"),
            ("StopService", "StopServiceRequestType", "<id>TSM-SSH</id>"),
        ]
        for item in cases {
            let sent = try Self.children(of: item.operation, in: VSphereClient.envelope(item.operation, this: this, arguments: item.arguments))
            let declared = try Self.fields(of: item.request)
            #expect(sent.first == "_this")
            #expect(Self.isSubsequence(sent, of: declared), "\(item.operation): sent \(sent), govmomi declares \(declared)")
        }
    }

    @Test("UpdateDateTimeConfig (HostDateTimeConfig, HostNtpConfig), UpdateOptions (OptionValue), QueryOptions")
    func hostSettings() throws {
        let this = ManagedObjectReference(type: "HostDateTimeSystem", value: "dateTimeSystem")
        let ntp = VSphereClient.envelope("UpdateDateTimeConfig", this: this, arguments: VSphereClient.ntpArguments(["10.0.0.1", "10.0.0.2"]))
        #expect(Self.isSubsequence(try Self.children(of: "UpdateDateTimeConfig", in: ntp), of: try Self.fields(of: "UpdateDateTimeConfigRequestType")))
        #expect(Self.isSubsequence(try Self.children(of: "config", in: ntp), of: try Self.fields(of: "HostDateTimeConfig")))
        #expect(try Self.children(of: "ntpConfig", in: ntp) == ["server", "server"])
        #expect(Self.isSubsequence(try Self.children(of: "ntpConfig", in: ntp), of: try Self.fields(of: "HostNtpConfig")))
        let options = ManagedObjectReference(type: "OptionManager", value: "EsxHostAdvSettings")
        let update = VSphereClient.envelope("UpdateOptions", this: options,
                                            arguments: VSphereClient.optionArguments(key: "Syslog.global.logHost", value: "udp://10.0.0.9:514"))
        #expect(Self.isSubsequence(try Self.children(of: "UpdateOptions", in: update), of: try Self.fields(of: "UpdateOptionsRequestType")))
        #expect(try Self.children(of: "changedValue", in: update) == ["key", "value"])
        #expect(Self.isSubsequence(try Self.children(of: "changedValue", in: update), of: try Self.fields(of: "OptionValue")))
        let query = VSphereClient.envelope("QueryOptions", this: options, arguments: "<name>Syslog.global.logHost</name>")
        #expect(Self.isSubsequence(try Self.children(of: "QueryOptions", in: query), of: try Self.fields(of: "QueryOptionsRequestType")))
    }

    @Test("the check can fail: an argument out of order is not a subsequence")
    func checkCanFail() throws {
        let declared = try Self.fields(of: "AddHostRequestType")
        #expect(declared == ["_this", "spec", "asConnected", "resourcePool", "license"])
        #expect(!Self.isSubsequence(["_this", "asConnected", "spec"], of: declared))
    }
}
