import Foundation
@testable import Inventory
import Testing

/// A diagnostic's subject (which host, which section, `defaults:`, the top level) is data the reader records, and
/// `merged` says a problem of every host once from that data alone; `message` is made from it and never read back.
@Suite("Hosts file: diagnostic subjects and merging")
struct DiagnosticSubjectTests {
    typealias Subject = Diagnostic.Subject

    static let head = """
        defaults:
          ipmi: {vendor: dell, username: root, password: "${H14_UNSET}"}
          esxi: {esxi_disk: local, password: "VMware1!", gateway: 10.0.0.1, netmask: 255.255.255.0, mgtnic: vmnic0}
        """

    static func diagnostics(_ yaml: String) -> [Diagnostic] {
        do {
            _ = try load(yaml)
            return []
        } catch {
            return error.diagnostics
        }
    }

    static func hosts(_ count: Int, extra: String = "") -> String {
        (1...count).map { "\n  - ipmi: {address: 10.0.1.\($0)}\n    esxi: {address: 10.0.0.\($0 + 10)\(extra)}" }.joined()
    }

    @Test("a defaults: value that fails in every host is one problem naming the hosts, with its section kept as data")
    func acrossHosts() {
        let list = Self.diagnostics(Self.head + "\nhosts:" + Self.hosts(3) + "\n")
        #expect(list.count == 1, "\(list)")
        let problem = list.first
        #expect(problem?.subject == Subject(.hosts([1, 2, 3]), section: "ipmi"))
        #expect(problem?.hosts == [1, 2, 3])
        #expect(problem?.problem == "environment variable H14_UNSET is not set")
        #expect(problem?.message == "hosts 1, 2, 3: environment variable H14_UNSET is not set")
        #expect(problem?.line == 2 && problem?.column == 50)
    }

    @Test("a problem outside the host list has its own subject and is said once, not per host")
    func outsideHostList() {
        let yaml = "hostz: 1\n" + Self.head.replacingOccurrences(of: "mgtnic: vmnic0}", with: "mgtnic: vmnic0, keyboard: [German], bogus: 1}")
            + "\nhosts:" + Self.hosts(2) + "\n"
        let list = Self.diagnostics(yaml)
        let top = list.first { $0.line == 1 }
        #expect(top?.subject == .topLevel && top?.hosts == [])
        #expect(top?.message == "the top level: unknown key 'hostz'")
        let unknown = list.first { $0.problem == "unknown key 'bogus'" }
        #expect(unknown?.subject == .defaults(section: "esxi"))
        #expect(unknown?.message == "defaults.esxi: unknown key 'bogus'")
        // Read once per host, named by no host: said once, with no subject.
        let keyboard = list.filter { $0.problem.hasPrefix("'keyboard' must be a single value") }
        #expect(keyboard.count == 1, "\(list)")
        #expect(keyboard.first?.subject == nil && keyboard.first?.message == keyboard.first?.problem)
    }

    @Test("a problem in one host's own section names the host and the section")
    func sectionSpecific() {
        let yaml = Self.head.replacingOccurrences(of: "${H14_UNSET}", with: "calvin") + "\nhosts:" + Self.hosts(2)
            + "\n    vcenter: {address: vc1, username: u, password: \"${H14_VC}\", datacenter: DC1}\n"
        let list = Self.diagnostics(yaml)
        #expect(list.count == 1, "\(list)")
        #expect(list.first?.subject == .host(2, section: "vcenter"))
        #expect(list.first?.message == "host 2 vcenter: environment variable H14_VC is not set")
        // A missing key reads as one sentence with its subject.
        let missing = Self.diagnostics(yaml.replacingOccurrences(of: "password: \"${H14_VC}\", ", with: ""))
        #expect(missing.first?.subject == .host(2, section: "vcenter") && missing.first?.phrasing == .sentence)
        #expect(missing.first?.message == "host 2 vcenter has no 'password'")
    }

    @Test("a host repeated through a YAML alias: each copy's missing section is its own problem (its text has a colon of its own)")
    func aliasedHost() {
        let list = Self.diagnostics("""
            hosts:
              - &h {ipmi: {vendor: dell, address: 10.0.1.5, username: root, password: calvin}}
              - *h

            """)
        #expect(list.map(\.description) == [
            "hosts.yaml:2:5: error: host 1 has no 'esxi:' section — fix: add 'esxi:' with the host's ESXi settings",
            "hosts.yaml:2:5: error: host 2 has no 'esxi:' section — fix: add 'esxi:' with the host's ESXi settings",
        ])
    }

    @Test("a host is named once however often one place fails in it")
    func hostNamedOnce() {
        let list = Self.diagnostics(Self.head.replacingOccurrences(of: "${H14_UNSET}", with: "calvin")
            .replacingOccurrences(of: "mgtnic: vmnic0}", with: "mgtnic: vmnic0, nameservers: \"bad, bad\"}") + "\nhosts:" + Self.hosts(2) + "\n")
        let bad = list.filter { $0.problem == "name server 'bad' is not an IPv4 address" }
        #expect(bad.map(\.message) == ["hosts 1, 2: name server 'bad' is not an IPv4 address"], "\(list)")
    }

    @Test("merging groups by place, section and problem from the fields, never from the rendered text")
    func mergeFromFields() {
        func at(_ line: Int, _ subject: Subject?, _ problem: String, _ phrasing: Diagnostic.Phrasing = .afterColon) -> Diagnostic {
            Diagnostic(file: "hosts.yaml", line: line, column: 3, subject: subject, problem: problem, phrasing: phrasing, fix: "fix")
        }
        let merged = Inventory.merged([
            at(1, .host(1, section: "ipmi"), "x is wrong"), at(1, .host(2, section: "ipmi"), "x is wrong"),
            at(1, .host(3, section: "esxi"), "x is wrong"),
            // Identical up to the first colon, different after it: two problems.
            at(2, .host(1), "a: b"), at(2, .host(2), "a: c"),
            // Same line, different column: two places.
            Diagnostic(file: "hosts.yaml", line: 2, column: 4, subject: .host(3), problem: "a: b", fix: "fix"),
            at(3, .defaults(section: "ipmi"), "y"), at(3, .defaults(section: "ipmi"), "y"),
            at(4, nil, "host 1: z"), at(4, nil, "host 2: z"),
        ])
        #expect(merged.map(\.message) == [
            "hosts 1, 2: x is wrong", "host 3 esxi: x is wrong",
            "host 1: a: b", "host 2: a: c", "host 3: a: b",
            "defaults.ipmi: y",
            "host 1: z", "host 2: z",
        ])
        #expect(merged[0].subject == Subject(.hosts([1, 2]), section: "ipmi"))
        #expect(merged.allSatisfy { $0.fix == "fix" && $0.file == "hosts.yaml" })
    }

    @Test("--json keeps its schema: file, line, column (absent for the whole file), message with its subject, fix")
    func json() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let placed = Diagnostic(file: "hosts.yaml", line: 2, column: 52, subject: Subject(.hosts([1, 2]), section: "ipmi"),
                                problem: "environment variable X is not set", fix: "export X")
        #expect(String(decoding: try encoder.encode(placed), as: UTF8.self)
            == #"{"column":52,"file":"hosts.yaml","fix":"export X","line":2,"message":"hosts 1, 2: environment variable X is not set"}"#)
        let whole = Diagnostic(file: "hosts.yaml", line: nil, column: nil, subject: .init(.plan(index: 0, hostname: "esxi-a")),
                               problem: "esxi_disk serial:X is a drive serial number", fix: "use install")
        #expect(String(decoding: try encoder.encode(whole), as: UTF8.self)
            == #"{"file":"hosts.yaml","fix":"use install","message":"host 0 (esxi-a): esxi_disk serial:X is a drive serial number"}"#)
    }
}
