import ESXi
import Foundation
import Inventory
import Testing
import TestSupport

let fixtures = Peer.packageRoot.appendingPathComponent("Fixtures/hosts")

func load(_ yaml: String, environment: [String: String] = [:], directory: String = "/nonexistent") throws(InventoryError) -> [HostPlan] {
    try HostsFile.parse(yaml: yaml, file: "hosts.yaml", baseDirectory: directory, environment: environment)
}

/// A valid one-host file; tests change one line to make one error.
let validHost = """
    hosts:
      - ipmi:
          vendor: dell
          address: 10.0.1.5
          username: root
          password: calvin
        esxi:
          esxi_disk: "DELLBOSS VD"
          password: "VMware1!"
          address: 10.0.0.10
          gateway: 10.0.0.1
          netmask: 255.255.255.0
          hostname: esxi-a
          mgtnic: vmnic0

    """

@Suite("Hosts file: the old tool's config")
struct OldConfigTests {
    @Test("the brief's example (verbatim fixture) gives two plans with the old tool's values")
    func briefExample() throws {
        let plans = try HostsFile.load(path: fixtures.appendingPathComponent("brief-example.yaml").path)
        try #require(plans.count == 2)
        #expect(plans[0].vendor == .lenovo && plans[1].vendor == .dell)
        #expect(plans[0].bmc.url == "https://10.172.70.186")
        #expect(plans[0].username == "u" && plans[0].password.reveal() == "p")
        #expect(plans[0].kickstart.installDisk == .firstDisk("ThinkSystem M.2"))
        #expect(plans[1].kickstart.installDisk == .firstDisk("DELLBOSS VD"))
        #expect(plans[0].kickstart.network.device == .vmnic(4))
        #expect(plans[1].kickstart.network.device.description == "B4:96:91:A7:3F:D6")
        #expect(plans[1].hostname == "esxi-69-87")
        #expect(plans[0].kickstart.network.nameservers.map(\.description) == ["10.172.64.1"])
        #expect(plans[0].systemMediaSize == .small)
        let text = try plans[0].renderKickstart()
        #expect(text.contains("install --overwritevmfs --firstdisk=\"ThinkSystem M.2\"\n"))
        #expect(text.contains("network --bootproto=static --hostname=esxi-69-86 --ip=10.172.69.86 --gateway=10.172.64.1 --nameserver=10.172.64.1 --netmask=255.255.240.0 --device=\"vmnic4\"\n"))
        #expect(!text.contains("rootpw Root-pw-186"))
        guard let hash = plans[0].kickstart.rootPassword.hash else { Issue.record("not crypted"); return }
        #expect(SHA512Crypt.verify(password: Array("Root-pw-186".utf8), hash: hash))
        // Loading runs no crypt (5,000 rounds, about 5 ms a host: 20,000 hosts took over a minute to validate):
        // the hash is made when the kickstart is rendered, the same each time.
        guard case .cryptedOnRender = plans[0].kickstart.rootPassword else { Issue.record("hashed while loading"); return }
        #expect(try plans[0].renderKickstart() == text)
    }

    @Test("the article's config.yaml (comments, unquoted model with a space, no hostname) works unchanged")
    func articleConfig() throws {
        let plans = try HostsFile.load(path: fixtures.appendingPathComponent("old-tool-config.yaml").path)
        try #require(plans.count == 2)
        #expect(plans[0].kickstart.installDisk == .firstDisk("ThinkSystem M.2"))
        #expect(plans[1].hostname == "esxi-10-172-18-95")
        #expect(plans[1].kickstart.network.gateway.description == "10.172.16.1")
        #expect(plans[1].password.reveal() == "password")
        #expect(plans[1].rootPassword?.reveal() == "Esxi-r00t-pw")
    }

    @Test("the all-options fixture: every option takes effect, the template host passes the installer checks")
    func allOptions() throws {
        let plans = try HostsFile.load(path: fixtures.appendingPathComponent("all-options.yaml").path,
                                       environment: ["BMC_PASSWORD": "from-env"])
        try #require(plans.count == 4)
        #expect(plans[0].kernelOptions == [] && plans[1].kernelOptions == ["allowLegacyCPU=true", "autoPartitionOSDataSize=8192"])
        #expect(plans[0].kickstart.precheck == [.ignoreWarnings])
        #expect(plans[1].kickstart.precheck == [.ignoreWarnings, .ignoreErrors, .forceUnsupported])
        #expect(plans.allSatisfy { $0.kickstart.licenseKey?.reveal() == "00000-00000-00000-00000-00000" })
        #expect(try plans[1].renderKickstart().contains("vmserialnum --esx=00000-00000-00000-00000-00000\n"))
        #expect(try !plans[1].renderKickstart(secrets: .mask).contains("00000-"))
        let json = String(decoding: try JSONEncoder().encode(plans), as: UTF8.self)
        #expect(!json.contains("00000-") && json.contains("\"licenseKey\":\"********\""), "\(json)")
        #expect(plans.map(\.vendor) == [.dell, .hpe, .supermicro, .dell])
        #expect(plans.map(\.username) == ["root", "Administrator", "root", "root"])
        // rootpw: hash + password_policy: unchecked: the hash goes in as is, and no plaintext is known to log in with.
        #expect(plans[3].rootPassword == nil)
        #expect(try plans[3].renderKickstart().contains("rootpw --iscrypted $6$Fe7QqZ0d1Lk2mN3p$"))
        guard case .crypted(let given) = plans[3].kickstart.rootPassword else { Issue.record("not crypted"); return }
        #expect(SHA512Crypt.verify(password: Array("Vault-managed-9".utf8), hash: given))
        #expect(plans[1].bmc.port == 8443 && plans[2].bmc.host == "bmc-c.lab.example")
        #expect(plans[0].kickstart.wipe == .installDisk && plans[1].kickstart.wipe == .all)
        #expect(plans[1].kickstart.scripts.map(\.section) == [.post, .firstboot])
        #expect(plans[1].kickstart.scripts[0].interpreter == .python && plans[1].kickstart.scripts[0].timeout == 120)
        #expect(plans[2].hostname == "esxi-10-20-0-13")
        #expect(plans[2].template != nil && plans[0].template == nil)
        let read = try KickstartFile.parse(plans[2].renderKickstart()).interpret()
        #expect(read.network == plans[2].kickstart.network)
        guard case .crypted(let hash) = read.rootPassword else { Issue.record("not crypted"); return }
        #expect(SHA512Crypt.verify(password: Array("VMware1!".utf8), hash: hash))
    }

    @Test("hostname: null (what yq printed for a missing key) means 'not set'; YAML duplicate keys are an error")
    func nullAndDuplicates() throws {
        let yaml = validHost.replacingOccurrences(of: "hostname: esxi-a", with: "hostname: null")
        #expect(try load(yaml)[0].hostname == "esxi-10-0-0-10")
        let duplicate = validHost.replacingOccurrences(of: "vendor: dell", with: "vendor: dell\n      vendor: hpe")
        #expect(throws: InventoryError.self) { try load(duplicate) }
    }

    @Test("a host is found by BMC address in any spelling, ESXi address or hostname")
    func matching() throws {
        let plans = try HostsFile.load(path: fixtures.appendingPathComponent("brief-example.yaml").path)
        for name in ["10.172.70.187", "https://10.172.70.187", "10.172.70.187:443", "10.172.69.87", "ESXI-69-87"] {
            #expect(plans.filter { $0.matches(name) }.map(\.index) == [1], "\(name)")
        }
    }
}

@Suite("Hosts file: validation")
struct ValidationTests {
    /// (line to replace in `validHost`, replacement, expected line, expected column, message fragment)
    static let table: [(String, String, Int, Int, String)] = [
        ("address: 10.0.0.10", "address: 10.0.0.256", 10, 16, "'10.0.0.256' is not an IPv4 address"),
        ("address: 10.0.0.10", "address: 10.0.0.010", 10, 16, "not an IPv4 address"),
        ("netmask: 255.255.255.0", "netmask: 255.255.0.255", 12, 16, "not contiguous"),
        ("gateway: 10.0.0.1", "gateway: 10.0.1.1", 11, 16, "outside the subnet 10.0.0.0/24"),
        ("address: 10.0.0.10", "address: 10.0.0.0", 10, 16, "is the network address"),
        ("address: 10.0.0.10", "address: 10.0.0.255", 10, 16, "is the broadcast address"),
        ("mgtnic: vmnic0", "mgtnic: \"B4:96:91:A7:3F:ZZ\"", 14, 15, "neither an ESXi NIC name (vmnicN) nor a MAC"),
        ("mgtnic: vmnic0", "mgtnic: vmnicX", 14, 15, "neither an ESXi NIC name"),
        ("hostname: esxi-a", "hostname: esxi_a", 13, 17, "contains '_'"),
        ("hostname: esxi-a", "hostname: esxi-a-", 13, 17, "starts or ends with '-'"),
        ("hostname: esxi-a", "hostname: esxi..a", 13, 17, "empty label"),
        ("address: 10.0.1.5", "address: 10.0.1.5:99999", 4, 16, "invalid port"),
        ("address: 10.0.1.5", "address: \"fe80::1\"", 4, 16, "looks like IPv6"),
        ("gateway: 10.0.0.1", "gateway: 10.0.0.255", 11, 16, "gateway 10.0.0.255 is the broadcast address"),
        ("address: 10.0.0.10", "address: 127.0.0.10", 10, 16, "is a loopback address"),
        ("address: 10.0.1.5", "address: ftp://10.0.1.5", 4, 16, "scheme 'ftp'"),
        ("vendor: dell", "vendor: hp", 3, 15, "did you mean 'hpe'?"),
        ("netmask: 255.255.255.0", "netmsk: 255.255.255.0", 12, 7, "unknown key 'netmsk' — fix: did you mean 'netmask'?"),
        ("mgtnic: vmnic0", "mgtnic: vmnic0\n      vlanid: 5000", 15, 15, "VLAN id 5000 is outside 1...4094"),
        ("mgtnic: vmnic0", "mgtnic: vmnic0\n      wipe: al", 15, 13, "did you mean 'all'?"),
        ("mgtnic: vmnic0", "mgtnic: vmnic0\n      nameservers: [10.0.0.53, 10.0.0.5x]", 15, 32, "name server '10.0.0.5x'"),
        ("password: \"VMware1!\"", "password: \"naïve\"", 9, 17, "non-ASCII character 'ï'"),
        ("password: \"VMware1!\"", "password: \"--iscrypted\"\n      rootpw: plain", 9, 17, "read by the installer as the --iscrypted option"),
        ("mgtnic: vmnic0", "mgtnic: vmnic0\n      nameservers: [10.0.0.53, 10.0.0.54, 10.0.0.55]", 15, 20, "uses only the first two"),
        ("mgtnic: vmnic0", "mgtnic: vmnic0\n      post: \"%post\"", 15, 13, "starts with '%'"),
        ("esxi_disk: \"DELLBOSS VD\"", "esxi_disk: \"DELL\\\"BOSS\"", 8, 18, "cannot appear inside the quoted"),
        ("      mgtnic: vmnic0\n", "", 7, 5, "host 1 esxi has no 'mgtnic'"),
        ("password: calvin", "password: ${NOT_SET_ANYWHERE}", 6, 17, "environment variable NOT_SET_ANYWHERE is not set"),
        ("password: calvin", "password: file:missing-secret", 6, 17, "the secret file /nonexistent/missing-secret does not exist"),
        // A folder: the advice is to name the file in it, not to chmod 600 the folder (issue 17).
        ("password: calvin", "password: file:/tmp", 6, 17, "the secret file /tmp is a directory — fix: name the file inside it"),
        ("hosts:", "hostz: 1\nhosts:", 1, 1, "unknown key 'hostz' — fix: did you mean 'hosts'?"),
        ("      netmask: 255.255.255.0", "    netmask: 255.255.255.0", 13, 15, "not valid YAML"),
        // Installer options (issue 13).
        ("      mgtnic: vmnic0\n", "      mgtnic: vmnic0\n      kernel_options: [allowLegacyCPU=true, ks=usb]\n", 15, 45,
         "kernel option 'ks=usb' is managed by vmedia"),
        ("      mgtnic: vmnic0\n", "      mgtnic: vmnic0\n      kernel_options: \"a=1 a=2\"\n", 15, 23, "kernel option 'a=2' repeats 'a=1'"),
        ("      mgtnic: vmnic0\n", "      mgtnic: vmnic0\n      kernel_options: [\"x y\"]\n", 15, 24, "contains U+20"),
        ("      mgtnic: vmnic0\n", "      mgtnic: vmnic0\n      license_key: ABCDE-12345\n", 15, 20, "has 2 groups"),
        ("      mgtnic: vmnic0\n", "      mgtnic: vmnic0\n      ignore_prereq_errors: maybe\n", 15, 29,
         "ignore_prereq_errors 'maybe' is not true or false"),
    ]

    @Test("each validation error names file:line:column, what and the fix", arguments: table)
    func oneError(find: String, replace: String, line: Int, column: Int, fragment: String) throws {
        let yaml = validHost.replacingOccurrences(of: find, with: replace)
        try #require(yaml != validHost, "the table row does not change the file")
        do {
            _ = try load(yaml)
            Issue.record("accepted:\n\(yaml)")
        } catch {
            let matching = error.diagnostics.filter { $0.description.contains(fragment) }
            #expect(matching.count == 1, "\(error)")
            #expect(matching.first?.line == line && matching.first?.column == column, "\(error)")
            #expect(matching.first?.description.hasPrefix("hosts.yaml:\(line):\(column): error: ") == true)
            #expect(matching.first?.description.contains(" — fix: ") == true)
        }
    }

    @Test("the valid base file is accepted (so each row above fails for its own change)")
    func base() throws {
        #expect(try load(validHost).count == 1)
    }

    @Test("all problems of a file come at once, in file order; duplicates point at the second use")
    func allAtOnce() throws {
        do {
            _ = try HostsFile.load(path: fixtures.appendingPathComponent("broken.yaml").path, environment: [:])
            Issue.record("accepted")
        } catch {
            let list = error.diagnostics
            #expect(list.count == 12, "\(error)")
            #expect(list.map { $0.line ?? 0 } == list.map { $0.line ?? 0 }.sorted())
            #expect(list.contains { $0.line == 9 && $0.message.contains("BMC address https://10.0.1.5:443 is also used by the host at line 7") })
            #expect(list.contains { $0.line == 10 && $0.message.contains("ESXi address 10.0.0.10 is also used") })
            #expect(list.contains { $0.line == 2 && $0.message.hasPrefix("hosts 1, 2, 3: environment variable") })
            #expect(error.description.hasSuffix("12 problems in the hosts file; nothing was done."))
        }
    }

    @Test("duplicate hostnames across hosts are reported")
    func duplicateHostname() throws {
        let second = validHost.split(separator: "\n").dropFirst().joined(separator: "\n")
            .replacingOccurrences(of: "10.0.1.5", with: "10.0.1.6").replacingOccurrences(of: "10.0.0.10", with: "10.0.0.11")
            .replacingOccurrences(of: "esxi-a", with: "ESXI-A")
        do {
            _ = try load(validHost + second + "\n")
            Issue.record("accepted")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics[0].line == 26 && error.diagnostics[0].message.contains("hostname ESXI-A is also used by the host at line 13"), "\(error)")
        }
    }

    @Test("a missing file is a clear error")
    func missingFile() {
        #expect(throws: InventoryError.unreadable(path: "/no/such/hosts.yaml", reason: "no such file")) {
            try HostsFile.load(path: "/no/such/hosts.yaml")
        }
    }
}

@Suite("Hosts file: defaults, secrets, options")
struct DefaultsAndSecretsTests {
    static let withDefaults = """
        defaults:
          ipmi:
            vendor: hpe
            username: Administrator
            password: ${BMC_PASSWORD}
          esxi:
            esxi_disk: naa.5000cca291e10521
            password: file:root.secret
            gateway: 10.0.0.1
            netmask: 255.255.255.0
            nameservers: [10.0.0.53, 10.0.0.54]
            mgtnic: vmnic1
            wipe: install-disk
            system_media_size: min
        hosts:
          - ipmi: {address: "https://ilo-1:8443"}
            esxi: {address: 10.0.0.10}
          - ipmi: {address: ilo-2, vendor: supermicro, password: literal-pw}
            esxi: {address: 10.0.0.11, mgtnic: "b4:96:91:a7:3f:d6", nameservers: 10.0.0.99, vlanid: 42, ssh: false,
                   firstboot: "esxcli system ntp set --server=10.0.0.1 --enabled=true", keyboard: German}

        """

    @Test("defaults merge into every host key by key; a host's own value wins; secrets come from env and file")
    func merge() throws {
        let directory = try TemporaryDirectory()
        try "Root-Pw#1\n".write(toFile: directory.file("root.secret"), atomically: true, encoding: .utf8)
        let plans = try load(Self.withDefaults, environment: ["BMC_PASSWORD": "from-env"], directory: directory.path)
        try #require(plans.count == 2)
        #expect(plans[0].vendor == .hpe && plans[1].vendor == .supermicro)
        #expect(plans[0].bmc.url == "https://ilo-1:8443" && plans[1].bmc.url == "https://ilo-2")
        #expect(plans[0].username == "Administrator" && plans[1].username == "Administrator")
        #expect(plans[0].password.reveal() == "from-env" && plans[1].password.reveal() == "literal-pw")
        #expect(plans[0].kickstart.installDisk == .device("naa.5000cca291e10521"))
        #expect(plans[0].kickstart.wipe == .installDisk)
        #expect(plans[0].systemMediaSize == .min)
        #expect(plans[0].kickstart.network.nameservers.map(\.description) == ["10.0.0.53", "10.0.0.54"])
        #expect(plans[1].kickstart.network.nameservers.map(\.description) == ["10.0.0.99"])
        #expect(plans[1].kickstart.network.vlanID == 42)
        #expect(plans[1].kickstart.network.device.description == "B4:96:91:A7:3F:D6")
        #expect(plans[1].kickstart.enableSSH == false && plans[1].kickstart.keyboard == "German")
        #expect(plans[1].kickstart.scripts.map(\.section) == [.firstboot])
        // The file's trailing newline is not part of the password.
        guard let hash = plans[0].kickstart.rootPassword.hash else { Issue.record("not crypted"); return }
        #expect(SHA512Crypt.verify(password: Array("Root-Pw#1".utf8), hash: hash))
        let text = try plans[0].renderKickstart()
        #expect(text.contains("install --overwritevmfs --disk=\"naa.5000cca291e10521\"\n"))
        #expect(!text.contains("clearpart"))
        #expect(try plans[1].renderKickstart().contains("--vlanid=42\n"))
    }

    @Test("secrets never appear in description, debugDescription, dump or JSON")
    func masked() throws {
        let directory = try TemporaryDirectory()
        try "Root-Pw#1".write(toFile: directory.file("root.secret"), atomically: true, encoding: .utf8)
        let plans = try load(Self.withDefaults, environment: ["BMC_PASSWORD": "from-env"], directory: directory.path)
        var dumped = ""
        dump(plans, to: &dumped)
        let json = String(decoding: try JSONEncoder().encode(plans), as: UTF8.self)
        for text in ["\(plans)", String(reflecting: plans), dumped, json, try plans[0].renderKickstart(secrets: .mask)] {
            for secret in ["from-env", "literal-pw", "Root-Pw#1"] { #expect(!text.contains(secret)) }
            #expect(!text.contains("$6$"))
        }
        #expect(json.contains("\"password\":\"********\""))
    }

    @Test("a template file fills per host; its unknown placeholders point into the template")
    func template() throws {
        let directory = try TemporaryDirectory()
        try "vmaccepteula\n{{rootpw}}\n{{install}}\n{{network}}\nreboot\n".write(toFile: directory.file("site.ks"), atomically: true, encoding: .utf8)
        let yaml = validHost.replacingOccurrences(of: "mgtnic: vmnic0", with: "mgtnic: vmnic0\n      template: site.ks")
        let plans = try load(yaml, directory: directory.path)
        #expect(try plans[0].renderKickstart().hasPrefix("vmaccepteula\nrootpw --iscrypted $6$"))
        #expect(try plans[0].renderKickstart().contains("--device=\"vmnic0\"\nreboot\n"))

        try "vmaccepteula\n{{rootpw}}\ninstall {{disk_opton}}\n".write(toFile: directory.file("site.ks"), atomically: true, encoding: .utf8)
        do {
            _ = try load(yaml, directory: directory.path)
            Issue.record("accepted")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics[0].location == directory.file("site.ks") + ":3:9", "\(error)")
            #expect(error.description.contains("did you mean {{disk_option}}?"))
        }

        // Known placeholders but a result the installer would refuse (no network line is fine, no install is not).
        try "vmaccepteula\n{{rootpw}}\n".write(toFile: directory.file("site.ks"), atomically: true, encoding: .utf8)
        do {
            _ = try load(yaml, directory: directory.path)
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("would be rejected by the ESXi installer: none of install"), "\(error)")
        }
    }
}

@Suite("Hosts file: simulated labs (simulated: true)")
struct SimulatedLabTests {
    /// `validHost` moved to loopback, as `vmedia simulate --hosts-file` and `vmedia demo` write it.
    static let loopbackHost = validHost
        .replacingOccurrences(of: "address: 10.0.1.5", with: "address: \"https://127.0.90.10:8443\"")
        .replacingOccurrences(of: "address: 10.0.0.10", with: "address: 127.0.91.10")
        .replacingOccurrences(of: "gateway: 10.0.0.1", with: "gateway: 127.0.0.1")
        .replacingOccurrences(of: "netmask: 255.255.255.0", with: "netmask: 255.255.0.0")

    @Test("without the opt-in a loopback ESXi address is refused, and the fix names 'simulated: true'")
    func refusedWithoutOptIn() throws {
        for yaml in [Self.loopbackHost, "simulated: false\n" + Self.loopbackHost] {
            do {
                _ = try load(yaml)
                Issue.record("accepted:\n\(yaml)")
            } catch {
                let address = error.diagnostics.filter { $0.message.contains("address 127.0.91.10 is a loopback address") }
                #expect(address.count == 1, "\(error)")
                #expect(address.first?.fix.contains("put 'simulated: true' at the top of the hosts file") == true, "\(error)")
                #expect(error.diagnostics.contains { $0.message.contains("gateway 127.0.0.1 is a loopback address") }, "\(error)")
            }
        }
    }

    @Test("with 'simulated: true' loopback BMC, ESXi and gateway addresses are accepted")
    func acceptedWithOptIn() throws {
        let plans = try load("simulated: true\n" + Self.loopbackHost)
        try #require(plans.count == 1)
        #expect(plans[0].esxiAddress.description == "127.0.91.10")
        #expect(plans[0].bmc.url == "https://127.0.90.10:8443")
        #expect(try plans[0].renderKickstart().contains("--ip=127.0.91.10"))
    }

    @Test("'simulated: true' never relaxes a file for real servers: a non-loopback BMC or ESXi address is an error")
    func realAddressesWithOptIn() throws {
        let realBMC = "simulated: true\n" + Self.loopbackHost.replacingOccurrences(of: "\"https://127.0.90.10:8443\"", with: "10.0.1.5")
        let realESXi = "simulated: true\n" + validHost
        for (yaml, fragment) in [(realBMC, "BMC address 10.0.1.5 is not a loopback address"),
                                 (realESXi, "ESXi address 10.0.0.10 is not a loopback address")] {
            do {
                _ = try load(yaml)
                Issue.record("accepted:\n\(yaml)")
            } catch {
                let matching = error.diagnostics.filter { $0.message.contains(fragment) }
                #expect(matching.count == 1, "\(error)")
                #expect(matching.first?.fix.contains("remove 'simulated: true'") == true, "\(error)")
            }
        }
    }

    @Test("'simulated' takes true or false only")
    func notBoolean() throws {
        do {
            _ = try load("simulated: maybe\n" + Self.loopbackHost)
            Issue.record("accepted")
        } catch {
            #expect(error.diagnostics.contains { $0.message.contains("simulated 'maybe' is not true or false") && $0.line == 1 }, "\(error)")
        }
    }
}

/// ESXi's password policy (weasel `sanityCheckPassword` + passwdqc) applied before anything is inserted, and the
/// per-host opt-out for crypted passwords, the only form the installer does not check itself.
@Suite("Hosts file: root password policy")
struct RootPasswordPolicyFileTests {
    func host(_ lines: String) -> String {
        validHost.replacingOccurrences(of: "      password: \"VMware1!\"\n", with: lines)
    }

    func problems(_ yaml: String) -> String? {
        do { _ = try load(yaml); return nil } catch { return error.description }
    }

    @Test("a weak password is refused for crypted and plain alike, naming the rule, never the password")
    func weakRefused() throws {
        for form in ["", "      rootpw: plain\n", "      rootpw: crypted\n"] {
            let text = problems(host("      password: Password1\n" + form))
            #expect(text?.contains("breaks ESXi's password policy") == true, "\(form): \(text ?? "accepted")")
            #expect(text?.contains("an upper-case first letter and a final digit") == true)
            #expect(text?.contains("hosts.yaml:9:") == true, "\(text ?? "")")
            #expect(text?.contains("Password1") == false)
        }
        #expect(problems(host("      password: short\n"))?.contains("at least 7") == true)
    }

    @Test("password_policy: unchecked lets a weak crypted password through, never a plain one (weasel would stop)")
    func optOut() throws {
        let crypted = try load(host("      password: Password1\n      password_policy: unchecked\n"))
        guard let hash = crypted[0].kickstart.rootPassword.hash else { Issue.record("not crypted"); return }
        #expect(SHA512Crypt.verify(password: Array("Password1".utf8), hash: hash))
        let plain = problems(host("      password: Password1\n      rootpw: plain\n      password_policy: unchecked\n"))
        #expect(plain?.contains("the installer itself refuses a weak one") == true, "\(plain ?? "accepted")")
    }

    @Test("rootpw: hash needs the opt-out (vmedia cannot check a hash) and a hash the installer accepts")
    func givenHash() throws {
        let openssl = try Peer.tool("openssl")
        let hash = try Peer.run([openssl, "passwd", "-6", "-stdin"], stdin: Data("weak\n".utf8)).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let without = problems(host("      password: \"\(hash)\"\n      rootpw: hash\n"))
        #expect(without?.contains("password_policy: unchecked") == true, "\(without ?? "accepted")")
        #expect(without?.contains(hash) == false)
        let plans = try load(host("      password: \"\(hash)\"\n      rootpw: hash\n      password_policy: unchecked\n"))
        #expect(plans[0].kickstart.rootPassword == .crypted(hash))
        #expect(plans[0].rootPassword == nil)
        let rounds = SHA512Crypt.hash(password: Array("x".utf8), salt: "k5Qz1xY0", rounds: 10_000)
        let refused = problems(host("      password: \"\(rounds)\"\n      rootpw: hash\n      password_policy: unchecked\n"))
        #expect(refused?.contains("rounds=") == true, "\(refused ?? "accepted")")
    }

    @Test("password_policy in defaults: would waive the policy for every host, so it is refused")
    func notInDefaults() {
        let yaml = "defaults:\n  esxi: {password_policy: unchecked}\n" + validHost
        #expect(problems(yaml)?.contains("waive ESXi's password policy for every host") == true)
    }
}
