import ESXi
import Foundation
import Testing
import TestSupport

@Suite("vmedia kickstart and vmedia validate (end to end)")
struct KickstartCommandTests {
    let brief = fixtures.appendingPathComponent("brief-example.yaml").path
    let broken = fixtures.appendingPathComponent("broken.yaml").path

    @Test("prints the host's KS.CFG with the password masked; --show-secrets gives a hash openssl reproduces")
    func kickstart() throws {
        let masked = try VMediaBinary.run(["kickstart", "--config", brief, "--host", "10.172.70.187"])
        #expect(masked.status == 0, "\(masked.stderr)")
        #expect(masked.stdout.contains("rootpw --iscrypted ********\n"))
        #expect(masked.stdout.contains("--device=\"B4:96:91:A7:3F:D6\"\n"))
        #expect(!masked.stdout.contains("$6$"))

        let shown = try VMediaBinary.run(["kickstart", "--config", brief, "--host", "esxi-69-87", "--show-secrets"])
        #expect(shown.status == 0)
        #expect(shown.stdout.replacingOccurrences(of: #"\$6\$[^\n]*"#, with: "********", options: .regularExpression) == masked.stdout)
        // The installer-side reading of the printed file, then the hash recomputed by an independent peer.
        let read = try KickstartFile.parse(shown.stdout).interpret()
        guard case .crypted(let hash) = read.rootPassword, let parts = SHA512Crypt.components(of: hash) else {
            Issue.record("no crypted rootpw in:\n\(shown.stdout)"); return
        }
        let openssl = try Peer.tool("openssl")
        let peer = try Peer.run([openssl, "passwd", "-6", "-salt", parts.salt, "-stdin"], stdin: Data("Root-pw-187\n".utf8))
        #expect(peer.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == hash)
    }

    @Test("a broken hosts file: exit 1, every problem on stderr as file:line:column, nothing on stdout")
    func brokenFile() throws {
        let result = try VMediaBinary.run(["kickstart", "--config", broken, "--host", "10.0.1.5"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(broken):5:20: error: host 1: unknown BMC vendor 'dellemc' — fix: did you mean 'dell'?"))
        #expect(result.stderr.contains("12 problems in the hosts file; nothing was done."))
    }

    @Test("an unknown --host lists the hosts there are")
    func unknownHost() throws {
        let result = try VMediaBinary.run(["kickstart", "--config", brief, "--host", "10.9.9.9"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no host in"))
        #expect(result.stderr.contains("10.172.70.186 (esxi-69-86, 10.172.69.86)"))
    }

    @Test("secrets from the environment reach the kickstart; validate --json never shows them")
    func environmentAndJSON() throws {
        let directory = try TemporaryDirectory()
        let config = directory.file("hosts.yaml")
        try """
            defaults:
              ipmi: {vendor: generic, username: admin, password: "${VMEDIA_TEST_BMC_PW}"}
            hosts:
              - ipmi: {address: "127.0.0.1:8443"}
                esxi: {esxi_disk: local, password: "${VMEDIA_TEST_ROOT_PW}", address: 192.0.2.10, gateway: 192.0.2.1,
                       netmask: 255.255.255.0, mgtnic: vmnic0}

            """.write(toFile: config, atomically: true, encoding: .utf8)
        let environment = ["VMEDIA_TEST_BMC_PW": "bmc-Secret-1", "VMEDIA_TEST_ROOT_PW": "root Secret#2"]
        let shown = try VMediaBinary.run(["kickstart", "--config", config, "--show-secrets"], environment: environment)
        #expect(shown.status == 0, "\(shown.stderr)")
        let read = try KickstartFile.parse(shown.stdout).interpret()
        guard case .crypted(let hash) = read.rootPassword else { Issue.record("not crypted"); return }
        #expect(SHA512Crypt.verify(password: Array("root Secret#2".utf8), hash: hash))

        let json = try VMediaBinary.run(["validate", "--config", config, "--json"], environment: environment)
        #expect(json.status == 0)
        #expect(!json.stdout.contains("bmc-Secret-1") && !json.stdout.contains("root Secret#2"))
        let object = try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any]
        #expect(object?["ok"] as? Bool == true)
        let hosts = object?["hosts"] as? [[String: Any]]
        #expect(hosts?.first?["bmc"] as? String == "https://127.0.0.1:8443")
        #expect(hosts?.first?["password"] as? String == "********")

        let missing = try VMediaBinary.run(["validate", "--config", config, "--json"])
        #expect(missing.status == 1)
        let problems = (try JSONSerialization.jsonObject(with: missing.stdoutData) as? [String: Any])?["problems"] as? [[String: Any]]
        #expect(problems?.count == 2)
        #expect(problems?.first?["line"] as? Int == 2)
    }
}
