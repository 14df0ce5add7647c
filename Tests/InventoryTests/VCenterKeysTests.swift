import Foundation
import Inventory
import Testing
import TestSupport

/// `vcenter: {address, username, password, datacenter, cluster | folder}`: per host or in `defaults:`, merged key by
/// key, with a host's own cluster or folder replacing both of the defaults; every mistake at its file:line:column.
@Suite("Hosts file: vcenter keys")
struct VCenterKeysTests {
    static let head = """
        defaults:
          ipmi: {vendor: dell, username: root, password: calvin}
          esxi: {esxi_disk: local, password: "VMware1!", gateway: 10.0.0.1, netmask: 255.255.255.0, mgtnic: vmnic0}
        """

    static func diagnostics(_ yaml: String, environment: [String: String] = [:]) -> [Diagnostic] {
        do {
            _ = try load(yaml, environment: environment)
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test("defaults give vCenter to every host; a host's own folder replaces the default cluster; no vcenter: joins nothing")
    func mergedFromDefaults() throws {
        let yaml = Self.head + """

              vcenter: {address: vc1.example.com, username: administrator@vsphere.local, password: "${VC_PASSWORD}", datacenter: DC1, cluster: Rack1/Cluster1}
            hosts:
              - ipmi: {address: 10.0.1.5}
                esxi: {address: 10.0.0.10}
              - ipmi: {address: 10.0.1.6}
                esxi: {address: 10.0.0.11}
                vcenter: {folder: Standalone}
            """
        let plans = try load(yaml, environment: ["VC_PASSWORD": "vc-secret-1"])
        let first = try #require(plans[0].settings.vcenter)
        #expect(first.url == "https://vc1.example.com")
        #expect(first.port == 443 && first.useTLS)
        #expect(first.username == "administrator@vsphere.local")
        #expect(first.password.reveal() == "vc-secret-1")
        #expect(first.placement == .cluster("Rack1/Cluster1"))
        #expect(first.inventoryPath == "DC1/host/Rack1/Cluster1")
        let second = try #require(plans[1].settings.vcenter)
        #expect(second.placement == .folder("Standalone"))
        #expect(second.inventoryPath == "DC1/host/Standalone")
        // The password never reaches --json.
        let json = String(decoding: try JSONEncoder().encode(plans), as: UTF8.self)
        #expect(!json.contains("vc-secret-1"))
        #expect(json.contains("\"placement\":\"cluster Rack1\\/Cluster1\""), "\(json)")

        let none = try load(Self.head + "\nhosts:\n  - ipmi: {address: 10.0.1.5}\n    esxi: {address: 10.0.0.10}\n")
        #expect(none[0].settings.vcenter == nil)
    }

    @Test("a port, http:// for simulators, and no cluster or folder: the datacenter's host folder")
    func addressForms() throws {
        let yaml = Self.head + """

            hosts:
              - ipmi: {address: 10.0.1.5}
                esxi: {address: 10.0.0.10}
                vcenter: {address: "http://10.0.0.9:8989", username: u, password: p, datacenter: DC0}
            """
        let plan = try #require(try load(yaml)[0].settings.vcenter)
        #expect(plan.url == "http://10.0.0.9:8989")
        #expect(plan.placement == .folder(""))
        #expect(plan.inventoryPath == "DC0/host")
    }

    @Test("both cluster and folder, a missing datacenter, an unset password variable, a bad address: each at its line and column")
    func mistakes() {
        let yaml = Self.head + """

            hosts:
              - ipmi: {address: 10.0.1.5}
                esxi: {address: 10.0.0.10}
                vcenter:
                  address: "ftp://vc1"
                  username: u
                  password: ${VC_MISSING}
                  cluster: C1
                  folder: F1
                  clustre: C2
            """
        let found = Self.diagnostics(yaml)
        let text = found.map { "\($0.line.map(String.init) ?? "?"):\($0.column.map(String.init) ?? "?") \($0.message) | \($0.fix)" }
        #expect(text.contains { $0.hasPrefix("8:16 host 1: vCenter address 'ftp://vc1' has a scheme other than https:// or http://") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("10:17 host 1 vcenter: environment variable VC_MISSING is not set") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("12:7 host 1: vcenter has both cluster and folder") }, "\(text)")
        #expect(text.contains { $0.contains("host 1 vcenter has no 'datacenter'") }, "\(text)")
        #expect(text.contains { $0.contains("unknown key 'clustre'") && $0.contains("did you mean 'cluster'?") }, "\(text)")
    }

    @Test("simulated: true refuses a vCenter that is not on loopback")
    func simulatedNeedsLoopback() {
        let yaml = """
            simulated: true
            hosts:
              - ipmi: {vendor: dell, username: root, password: calvin, address: 127.0.3.1}
                esxi: {esxi_disk: local, password: "VMware1!", address: 127.0.3.2, gateway: 127.0.3.254, netmask: 255.255.255.0, mgtnic: vmnic0}
                vcenter: {address: 10.0.0.9, username: u, password: p, datacenter: DC0}
            """
        let messages = Self.diagnostics(yaml).map(\.message)
        #expect(messages.contains("host 1: vCenter address 10.0.0.9 is not a loopback address, but the file says 'simulated: true'"), "\(messages)")
    }

    @Test("the all-options fixture: vCenter from defaults with a file: password, one host standalone in a folder")
    func allOptionsFixture() throws {
        let path = Peer.packageRoot.appendingPathComponent("Fixtures/hosts/all-options.yaml").path
        let plans = try HostsFile.load(path: path, environment: ["BMC_PASSWORD": "from-env"])
        let places = plans.map { $0.settings.vcenter?.placement }
        #expect(places == [.cluster("Cluster1"), .folder("Standalone"), .cluster("Cluster1"), .cluster("Cluster1")])
        #expect(plans[0].settings.vcenter?.password.reveal() == "Example-VC-Password-1")
        #expect(plans[0].settings.vcenter?.url == "https://vc1.lab.example")
    }

    @Test("ntp: a list or one value; syslog: udp/tcp/ssl targets; both in --json; mistakes at their line and column")
    func ntpAndSyslog() throws {
        let yaml = """
            defaults:
              ipmi: {vendor: dell, username: root, password: calvin}
              esxi: {esxi_disk: local, password: "VMware1!", gateway: 10.0.0.1, netmask: 255.255.255.0, mgtnic: vmnic0,
                     ntp: [10.0.0.1, ntp2.example.com], syslog: "udp://10.0.0.5:514"}
            hosts:
              - ipmi: {address: 10.0.1.5}
                esxi: {address: 10.0.0.10}
              - ipmi: {address: 10.0.1.6}
                esxi: {address: 10.0.0.11, ntp: 10.0.0.2, syslog: "tcp://log1.example.com:1514, ssl://log2.example.com"}
            """
        let plans = try load(yaml)
        #expect(plans[0].settings.ntpServers == ["10.0.0.1", "ntp2.example.com"])
        #expect(plans[0].settings.syslog == "udp://10.0.0.5:514")
        #expect(plans[1].settings.ntpServers == ["10.0.0.2"])
        #expect(plans[1].settings.syslog == "tcp://log1.example.com:1514,ssl://log2.example.com")
        let json = String(decoding: try JSONEncoder().encode(plans[0]), as: UTF8.self)
        #expect(json.contains("\"ntp\":[\"10.0.0.1\",\"ntp2.example.com\"]") && json.contains("\"syslog\":\"udp:\\/\\/10.0.0.5:514\""), "\(json)")

        let broken = Self.head + """

            hosts:
              - ipmi: {address: 10.0.1.5}
                esxi:
                  address: 10.0.0.10
                  ntp: [10.0.0.1, 10.0.0.300, 10.0.0.1]
                  syslog: "http://10.0.0.5"
            """
        let text = Self.diagnostics(broken).map { "\($0.line.map(String.init) ?? "?"):\($0.column.map(String.init) ?? "?") \($0.message)" }
        #expect(text.contains("8:23 host 1: NTP server '10.0.0.300' is not an IPv4 address"), "\(text)")
        #expect(text.contains("8:35 host 1: NTP server '10.0.0.1' is listed twice"), "\(text)")
        #expect(text.contains("9:15 host 1: syslog target 'http://10.0.0.5' uses 'http', not udp, tcp or ssl"), "\(text)")
    }
}
