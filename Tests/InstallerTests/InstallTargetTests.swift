import Foundation
import Installer
import Inventory
import Testing

/// The image carries only the root password's crypt hash, yet the installer must log in with the password
/// itself to prove ESXi accepts it: the hosts file's password reaches the probe, and nowhere else.
@Suite("InstallTarget")
struct InstallTargetTests {
    static let yaml = """
        hosts:
        - ipmi: {vendor: dell, address: 192.0.2.10, username: root, password: calvin}
          esxi: {esxi_disk: "DELLBOSS VD", password: "Str0ng pass#1", address: 198.18.0.10, gateway: 198.18.0.1,
                 netmask: 255.255.255.0, mgtnic: vmnic0}
        """

    @Test("a crypted kickstart still gives the probe the clear root password, which no report shows")
    func cryptedPasswordReachesProbe() throws {
        let plans = try HostsFile.parse(yaml: Self.yaml, file: "hosts.yaml", baseDirectory: "/")
        let plan = try #require(plans.first)
        #expect(try plan.renderKickstart().contains("rootpw --iscrypted $6$"))
        #expect(try !plan.renderKickstart().contains("Str0ng pass#1"))
        #expect(InstallTarget(plan: plan).rootPassword == "Str0ng pass#1")
        let json = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        #expect(!json.contains("Str0ng"), "\(json)")
        #expect(!String(describing: plan).contains("Str0ng"))
        #expect(!String(reflecting: plan).contains("Str0ng"))
    }
}
