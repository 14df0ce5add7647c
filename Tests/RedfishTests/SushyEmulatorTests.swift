import Foundation
import Testing
import TestSupport

@Suite("vmedia bmc and discover against sushy-emulator, an independent Redfish service", .serialized)
struct SushyEmulatorTests {
    @Test("discover, eject, insert (the emulator downloads the image), boot once, power on and restart")
    func fullFlow() async throws {
        try SushyEmulator.checkPeers()
        let sushy = try await offPool { try SushyEmulator() }
        defer { sushy.stop() }

        let info = try await sushy.vmedia(["--json", "info"])
        #expect(info.status == 0, "\(info.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: info.stdoutData) as? [String: Any])
        #expect(json["vendor"] as? String == "generic")
        #expect(json["authentication"] as? String == "basic")
        #expect(json["powerState"] as? String == "Off")
        // sushy's fake system defaults to Secure Boot off (get_secure_boot → False).
        #expect(json["secureBoot"] as? String == "off")

        let discover = try await sushy.vmedia([], command: "discover")
        #expect(discover.status == 0, "\(discover.stderr)")
        #expect(discover.stdout.contains("Sushy Emulator"))
        #expect(discover.stdout.contains("hosts file (paste under the host):"))

        #expect(try await sushy.vmedia(["eject"]).status == 0)
        let insert = try await sushy.vmedia(["insert", sushy.isoURL])
        #expect(insert.status == 0, "\(insert.stderr)")
        #expect(insert.stdout.contains("inserted \(sushy.isoURL) into \(SushyEmulator.system)/VirtualMedia/Cd"))
        let slot = try await sushy.read(SushyEmulator.system + "/VirtualMedia/Cd")
        #expect(slot["Image"] as? String == sushy.isoURL && slot["Inserted"] as? Bool == true)
        #expect(sushy.isoServer?.output.contains("\"GET /esx-01/esxi.iso HTTP/1.1\" 200") == true)

        let boot = try await sushy.vmedia(["boot-once", "cd"])
        #expect(boot.status == 0, "\(boot.stderr)")
        #expect((try await sushy.read(SushyEmulator.system)["Boot"] as? [String: Any])?["BootSourceOverrideTarget"] as? String == "Cd")

        let on = try await sushy.vmedia(["power", "on"])
        #expect(on.status == 0, "\(on.stderr)")
        #expect(on.stdout.contains("PowerState On"))
        #expect(try await sushy.read(SushyEmulator.system)["PowerState"] as? String == "On")
        let restart = try await sushy.vmedia(["--json", "power", "restart"])
        #expect(restart.status == 0, "\(restart.stderr)")
        #expect(restart.stdout.contains("\"powerState\" : \"On\""))

        let eject = try await sushy.vmedia(["eject"])
        #expect(eject.stdout.contains("ejected \(SushyEmulator.system)/VirtualMedia/Cd"))
        for result in [info, discover, insert, boot, on, restart, eject] {
            #expect(!result.stdout.contains(SushyEmulator.password) && !result.stderr.contains(SushyEmulator.password))
        }
    }

    @Test("Secure Boot as sushy-emulator reports it (SecureBootEnable at Systems/<id>/SecureBoot) shows in vmedia bmc info")
    func secureBoot() async throws {
        try SushyEmulator.checkPeers()
        // A later assignment in emulator.conf replaces the default fake system with one under Secure Boot.
        let sushy = try await offPool { try SushyEmulator(extraConfig: """
            SUSHY_EMULATOR_FAKE_SYSTEMS = [{'uuid': '27946b59-9e44-4fa7-8e91-f3527a1ef094', 'name': 'fake', 'power_state': 'Off', 'secure_boot': True, 'nics': [{'mac': '00:5c:52:31:3a:9c', 'ip': '127.0.0.2'}]}]

            """) }
        defer { sushy.stop() }
        let secure = try await sushy.read(SushyEmulator.system + "/SecureBoot")
        #expect(secure["SecureBootEnable"] as? Bool == true, "\(secure)")
        let info = try await sushy.vmedia(["--json", "info"])
        #expect(info.status == 0, "\(info.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: info.stdoutData) as? [String: Any])
        #expect(json["secureBoot"] as? String == "on")
        let text = try await sushy.vmedia(["info"])
        #expect(text.stdout.contains("secure boot  on (ESXi skips %firstboot)"), "\(text.stdout)")
    }

    @Test("over TLS: verify off works with a warning, a wrong CA fails clearly, the right CA works, a changed pinned key fails")
    func tls() async throws {
        let dir = try TemporaryDirectory()
        let openssl = try Peer.tool("openssl")
        var made: [(cert: String, key: String)] = []
        for name in ["bmc", "other"] {
            let cert = dir.file("\(name).pem"), key = dir.file("\(name).key")
            let result = try await offPool { try Peer.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                                                           "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], timeout: 60) }
            #expect(result.status == 0)
            made.append((cert, key))
        }
        let certs = made
        try SushyEmulator.checkPeers()
        let sushy = try await offPool { try SushyEmulator(certificate: certs[0]) }
        defer { sushy.stop() }

        let insecure = try await sushy.vmedia(["info"])
        #expect(insecure.status == 0, "\(insecure.stderr)")
        #expect(insecure.stderr.contains("TLS certificate of 127.0.0.1 is not verified"))

        let wrongCA = try await sushy.vmedia(["--tls-ca", certs[1].cert, "info"])
        #expect(wrongCA.status != 0)
        #expect(wrongCA.stderr.contains("GET /redfish/v1/"))
        #expect(wrongCA.stderr.contains("TLS certificate not trusted"))

        #expect(try await sushy.vmedia(["--tls-ca", certs[0].cert, "info"]).status == 0)

        let known = dir.file("known_bmcs")
        let first = try await sushy.vmedia(["--tls-pin", "--known-bmcs", known, "info"])
        #expect(first.status == 0, "\(first.stderr)")
        let recorded = try String(contentsOfFile: known, encoding: .utf8)
        #expect(recorded.hasPrefix("127.0.0.1:\(sushy.port) sha256//"))
        #expect(try await sushy.vmedia(["--tls-pin", "--known-bmcs", known, "info"]).status == 0)

        // The BMC "regenerates" its key: the file now holds another key's pin.
        let pubkey = try await offPool { try Peer.run([openssl, "x509", "-in", certs[1].cert, "-pubkey", "-noout"]) }
        let der = try await offPool { try Peer.run([openssl, "pkey", "-pubin", "-outform", "der"], stdin: Data(pubkey.stdout.utf8)) }
        let digest = try await offPool { try Peer.run([openssl, "dgst", "-sha256", "-binary"], stdin: der.stdoutData) }
        try Data("127.0.0.1:\(sushy.port) sha256//\(digest.stdoutData.base64EncodedString())\n".utf8).write(to: URL(fileURLWithPath: known))
        let changed = try await sushy.vmedia(["--tls-pin", "--known-bmcs", known, "info"])
        #expect(changed.status != 0)
        #expect(changed.stderr.contains("TLS public key changed"))
        #expect(changed.stderr.contains(known))
    }

    @Test("discover --config reads the BMC from the hosts file; a vendor: that disagrees gives a warning")
    func discoverFromHostsFile() async throws {
        try SushyEmulator.checkPeers()
        let sushy = try await offPool { try SushyEmulator() }
        defer { sushy.stop() }
        // The ESXi addresses are documentation addresses that discover never contacts: only the BMC is asked.
        let hosts = sushy.dir.file("hosts.yaml")
        try Data("""
            hosts:
              - ipmi:
                  vendor: dell
                  address: \(sushy.base)
                  username: admin
                  password: "${SUSHY_PW}"
                esxi:
                  esxi_disk: "unknown"
                  password: "VMware1!"
                  address: 192.0.2.20
                  gateway: 192.0.2.1
                  netmask: 255.255.255.0
                  hostname: esxi-a
                  mgtnic: vmnic0
            """.utf8).write(to: URL(fileURLWithPath: hosts))
        let result = try await runVMedia(["discover", "--config", hosts, "--host", "esxi-a"], environment: ["SUSHY_PW": SushyEmulator.password])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("the hosts file says vendor dell, but the BMC reports generic"))
        #expect(result.stdout.contains("Sushy Emulator"))
        #expect(!result.stdout.contains(SushyEmulator.password) && !result.stderr.contains(SushyEmulator.password))
        let none = try await runVMedia(["discover", "--config", hosts, "--host", "esxi-zz"], environment: ["SUSHY_PW": SushyEmulator.password])
        #expect(none.status != 0 && none.stderr.contains("no host in"))
    }

    @Test("a BMC that accepts the connection and never answers fails within --timeout, naming the URI")
    func hungBMC() async throws {
        let python = try Peer.tool("python3")
        let port = try freePort()
        let dir = try TemporaryDirectory()
        let server = try BackgroundProcess([python, "-c", """
            import socket, time
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('127.0.0.1', \(port))); s.listen(16); print('ready', flush=True)
            held = []
            while True:
                c, _ = s.accept(); held.append(c)
            """], output: dir.file("hang.log"))
        defer { server.kill() }
        for _ in 0..<50 where !server.output.contains("ready") { try await Task.sleep(for: .milliseconds(100)) }
        let start = Date()
        let result = try await runVMedia(["bmc", "--bmc", "http://127.0.0.1:\(port)", "--username", "admin", "--password-env", "PW",
                                           "--timeout", "2", "info"], environment: ["PW": "x"], timeout: 60)
        #expect(result.status != 0)
        #expect(result.stderr.contains("GET /redfish/v1/"))
        #expect(result.stderr.contains("no complete answer within 2 s"))
        #expect(Date().timeIntervalSince(start) < 15)
    }

    @Test("vmedia bmc refuses a password on the command line and bad actions, with the fix")
    func usage() async throws {
        let noPassword = try await runVMedia(["bmc", "--bmc", "127.0.0.1", "--username", "admin", "info"])
        #expect(noPassword.status != 0)
        #expect(noPassword.stderr.contains("--password-env VAR or --password-file FILE"))
        let badAction = try await runVMedia(["bmc", "--bmc", "127.0.0.1", "--username", "admin", "--password-env", "X", "power", "cycle"])
        #expect(badAction.status != 0)
        #expect(badAction.stderr.contains("expected info, media, insert URL, eject, boot-once cd, or power status|on|off|restart"))
        let help = try await runVMedia(["bmc", "--help"])
        #expect(help.stdout.contains("Examples:"))
    }
}

/// `VMediaBinary.run` off the cooperative pool.
func runVMedia(_ arguments: [String], environment: [String: String]? = nil, timeout: TimeInterval = 120) async throws -> Peer.Result {
    try await offPool { try VMediaBinary.run(arguments, environment: environment, timeout: timeout) }
}
