import Foundation
import Inventory
import Redfish
import Testing
import TestSupport

/// `ipmi: {tls_ca: …}` / `tls_pin: …`: how a hosts file asks for a BMC's certificate to be verified, per host or in
/// `defaults:`, and the mistakes it refuses before any BMC is contacted.
@Suite("Hosts file: BMC certificate keys (tls_ca, tls_pin)")
struct BMCTrustKeysTests {
    static let pin = "sha256//" + String(repeating: "A", count: 43) + "="

    /// The valid host with `extra` appended to its ipmi block (and the address replaced when given).
    static func host(_ extra: String, address: String = "10.0.1.5") -> String {
        validHost.replacingOccurrences(of: "      address: 10.0.1.5\n", with: "      address: \(address)\n")
            .replacingOccurrences(of: "      password: calvin\n", with: "      password: calvin\n" + extra)
    }

    static func messages(_ yaml: String, directory: String = "/nonexistent") -> [String] {
        do {
            _ = try load(yaml, directory: directory)
            return []
        } catch {
            return error.diagnostics.map { "\($0.message) | \($0.fix)" }
        }
    }

    @Test("no key: not verified; tls_pin: true pins on first use; a pin is taken as given; tls_ca names a PEM file relative to the hosts file")
    func accepted() throws {
        #expect(try load(validHost)[0].bmcTrust == .unverified)
        #expect(try load(Self.host("      tls_pin: true\n"))[0].bmcTrust == .pinOnFirstUse)
        #expect(try load(Self.host("      tls_pin: false\n"))[0].bmcTrust == .unverified)
        #expect(try load(Self.host("      tls_pin: \"\(Self.pin)\"\n"))[0].bmcTrust == .pinned(Self.pin))
        let directory = try TemporaryDirectory()
        let ca = Peer.packageRoot.appendingPathComponent("Fixtures/simulator/simulator-cert.pem").path
        try FileManager.default.copyItem(atPath: ca, toPath: directory.file("bmc-ca.pem"))
        let plans = try load(Self.host("      tls_ca: bmc-ca.pem\n"), directory: directory.path)
        #expect(plans[0].bmcTrust == .certificateAuthority(path: directory.file("bmc-ca.pem")))
    }

    @Test("defaults: ipmi: {tls_pin: true} reaches every host; a host's own tls_ca replaces it (one choice, not both)")
    func defaults() throws {
        let directory = try TemporaryDirectory()
        let ca = Peer.packageRoot.appendingPathComponent("Fixtures/simulator/simulator-cert.pem").path
        let yaml = """
            defaults:
              ipmi: {vendor: dell, username: root, password: calvin, tls_pin: true}
              esxi: {esxi_disk: local, password: "VMware1!", gateway: 10.0.0.1, netmask: 255.255.255.0, mgtnic: vmnic0}
            hosts:
              - ipmi: {address: 10.0.1.5}
                esxi: {address: 10.0.0.10}
              - ipmi: {address: 10.0.1.6, tls_ca: \(ca)}
                esxi: {address: 10.0.0.11}
            """
        let plans = try load(yaml, directory: directory.path)
        #expect(plans.map(\.bmcTrust) == [.pinOnFirstUse, .certificateAuthority(path: ca)])
    }

    @Test("the all-options fixture: tls_pin: true from defaults, one host's own tls_ca instead")
    func allOptions() throws {
        let plans = try HostsFile.load(path: fixtures.appendingPathComponent("all-options.yaml").path,
                                       environment: ["BMC_PASSWORD": "from-env"])
        let ca = fixtures.appendingPathComponent("../simulator/simulator-cert.pem").path
        #expect(plans.map(\.bmcTrust) == [.pinOnFirstUse, .certificateAuthority(path: ca), .pinOnFirstUse, .pinOnFirstUse])
    }

    @Test("refused with the fix: both keys, TLS keys on an http:// BMC, an unreadable or non-PEM CA file, a malformed pin")
    func refused() throws {
        let directory = try TemporaryDirectory()
        try "not a certificate\n".write(toFile: directory.file("junk.pem"), atomically: true, encoding: .utf8)
        let both = Self.messages(Self.host("      tls_ca: /etc/hostname\n      tls_pin: true\n"))
        #expect(both.count == 1 && both[0].contains("both tls_ca and tls_pin") && both[0].contains("keep one"), "\(both)")
        let http = Self.messages(Self.host("      tls_pin: true\n", address: "http://10.0.1.5"))
        #expect(http.count == 1 && http[0].contains("no effect on the plain-http BMC address") && http[0].contains("https://"), "\(http)")
        let missing = Self.messages(Self.host("      tls_ca: no-such-ca.pem\n"), directory: directory.path)
        #expect(missing.count == 1 && missing[0].contains("cannot read the CA file \(directory.file("no-such-ca.pem"))"), "\(missing)")
        let folder = Self.messages(Self.host("      tls_ca: \(directory.path)\n"))
        #expect(folder.count == 1 && folder[0].contains("cannot read the CA file"), "\(folder)")
        let junk = Self.messages(Self.host("      tls_ca: junk.pem\n"), directory: directory.path)
        #expect(junk.count == 1 && junk[0].contains("holds no PEM certificate") && junk[0].contains("openssl x509"), "\(junk)")
        let pin = Self.messages(Self.host("      tls_pin: sha256//short\n"))
        #expect(pin.count == 1 && pin[0].contains("tls_pin must be true") && pin[0].contains("44 base64 characters"), "\(pin)")
    }
}
