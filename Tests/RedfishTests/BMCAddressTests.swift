import Redfish
import Testing

@Suite("BMC addresses: one parser for the hosts file, --bmc and the connection")
struct BMCAddressTests {
    @Test("written form, base URL, known-BMCs key and identity")
    func forms() throws {
        let bare = try BMCAddress("10.172.70.186")
        #expect(bare.url == "https://10.172.70.186" && bare.baseURL == "https://10.172.70.186:443")
        #expect(bare.endpoint == "10.172.70.186:443" && bare.isHTTPS)
        #expect(try BMCAddress("HTTPS://BMC1.Lab.Example:8443/").url == "https://bmc1.lab.example:8443")
        #expect(try BMCAddress("https://10.0.0.5:443/redfish/v1").identity == (try BMCAddress("10.0.0.5")).identity)
        let v6 = try BMCAddress("[FD00::1]")
        #expect(v6.host == "fd00::1" && v6.baseURL == "https://[fd00::1]:443" && v6.url == "https://[fd00::1]")
    }

    @Test("each bad form says what is wrong and how to write it", arguments: [
        ("ftp://10.0.0.5", "has scheme 'ftp'", "https://HOST"),
        ("10.0.0.5/ui", "has a path", "only the host"),
        ("fd00::1", "looks like IPv6 without brackets", "[fd00::1]"),
        ("[fd00::1", "unclosed", "brackets"),
        ("[bmc1]:443", "not an IPv6 address", "only for IPv6"),
        ("10.0.0.5:0", "invalid port", "1 to 65535"),
        ("10.0.0.256", "not a valid IPv4 address", "0-255"),
        ("bmc_1.lab", "RFC 1123", "valid DNS name"),
        ("  ", "is empty", "IP address"),
    ])
    func problems(text: String, message: String, fix: String) {
        guard case .failure(let problem) = BMCAddress.parse(text) else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(problem.message.contains(message), "\(problem.message)")
        #expect(problem.fix.contains(fix), "\(problem.fix)")
        #expect(throws: RedfishError.self) { _ = try BMCAddress(text) }
    }

    @Test("vendor names: canonical and the aliases --vendor takes")
    func vendors() {
        #expect(Vendor(configValue: "iDRAC") == .dell && Vendor(configValue: "xcc") == .lenovo)
        #expect(Vendor(configValue: "ilo") == .hpe && Vendor(configValue: "smc") == .supermicro)
        #expect(Vendor(configValue: "dellemc") == nil)
    }
}
