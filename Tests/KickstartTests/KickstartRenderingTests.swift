import ESXi
import Foundation
import Testing
import TestSupport
import Primitives

/// A fixed salt key, so golden files do not depend on the machine's key file.
let testSaltKey = RootPasswordSaltKey(bytes: Array(0..<32))

/// The old tool's first host: the defaults must reproduce its kickstart command for command.
func lenovoExample(password: RootPassword = .crypted(password: "Root-pw-186", saltContext: "esxi-69-86", key: testSaltKey),
                   wipe: Kickstart.Wipe = .all, disk: String = "ThinkSystem M.2", device: String = "vmnic4",
                   hostname: String? = "esxi-69-86", nameservers: [String]? = nil, vlanID: Int? = nil,
                   scripts: [KickstartScript] = [], enableSSH: Bool = true) -> Kickstart {
    let network = KickstartNetwork(
        address: IPv4Address("10.172.69.86")!, netmask: IPv4Netmask(IPv4Address("255.255.240.0")!)!,
        gateway: IPv4Address("10.172.64.1")!, nameservers: nameservers.map { $0.map { IPv4Address($0)! } },
        hostname: hostname, device: NetworkDevice(device)!, vlanID: vlanID)
    return Kickstart(rootPassword: password, wipe: wipe, installDisk: InstallDisk(disk), network: network,
                     enableSSH: enableSSH, scripts: scripts)
}

@Suite("Kickstart rendering")
struct KickstartRenderingTests {
    @Test("golden kickstarts: defaults, old-tool plaintext, device id, VLAN and name servers, scripts, masked")
    func golden() throws {
        try Snapshot.expect(lenovoExample().render(), matches: "lenovo-default.cfg")
        try Snapshot.expect(lenovoExample(password: .plain("Root-pw-186")).render(), matches: "lenovo-plain.cfg")
        try Snapshot.expect(lenovoExample(wipe: .installDisk, disk: "naa.5000cca291e10521", device: "b4:96:91:a7:3f:d6",
                                          hostname: nil, nameservers: ["10.172.64.53", "10.172.64.54"], vlanID: 69).render(),
                            matches: "device-id-vlan.cfg")
        let scripts = [
            KickstartScript(section: .pre, body: "echo pre > /tmp/pre.log\n"),
            KickstartScript(section: .post, interpreter: .python, body: "print('post')", timeout: 60, ignoreFailure: true),
            KickstartScript(section: .firstboot, body: "esxcli system ntp set --server=10.0.0.1 --enabled=true\n"),
        ]
        try Snapshot.expect(lenovoExample(scripts: scripts, enableSSH: false).render(), matches: "scripts-no-ssh.cfg")
        try Snapshot.expect(lenovoExample().render(secrets: .mask), matches: "lenovo-masked.cfg")
    }

    @Test("rendering is byte-deterministic and hashes differ per host")
    func deterministic() throws {
        #expect(try lenovoExample().render() == lenovoExample().render())
        let a = RootPassword.crypted(password: "Root-pw-186", saltContext: "esxi-69-86")
        let b = RootPassword.crypted(password: "Root-pw-186", saltContext: "esxi-69-87")
        #expect(a != b)
        guard let hash = a.hash else { Issue.record("not crypted"); return }
        #expect(SHA512Crypt.verify(password: Array("Root-pw-186".utf8), hash: hash))
    }

    @Test("plaintext mode keeps the old tool's exact lines")
    func oldToolLines() throws {
        let text = try lenovoExample(password: .plain("Root-pw-186")).render()
        // The old tool's heredoc lines, command for command (its comments differ and are not compared).
        let commands = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(Array(commands.prefix(8)) == [
            "vmaccepteula", "rootpw Root-pw-186", "keyboard 'US Default'", "clearpart --alldrives --overwritevmfs",
            "install --overwritevmfs --firstdisk=\"ThinkSystem M.2\"",
            "network --bootproto=static --hostname=esxi-69-86 --ip=10.172.69.86 --gateway=10.172.64.1 --nameserver=10.172.64.1 --netmask=255.255.240.0 --device=\"vmnic4\"",
            "reboot", "%firstboot --interpreter=busybox",
        ])
    }

    @Test("masked rendering never contains the password or its hash")
    func masked() throws {
        let kickstart = lenovoExample(password: .crypted(password: "Sup3r$ecret", saltContext: "h"))
        guard let hash = kickstart.rootPassword.hash else { Issue.record("not crypted"); return }
        let masked = try kickstart.render(secrets: .mask)
        #expect(!masked.contains(hash))
        #expect(masked.contains("rootpw --iscrypted ********"))
        #expect(!"\(kickstart)".contains(hash))
        #expect(!String(reflecting: kickstart.rootPassword).contains("Sup3r"))
        #expect(!String(reflecting: RootPassword.plain("Sup3r$ecret")).contains("Sup3r"))
    }

    @Test("hostname defaults to esxi-a-b-c-d like the old tool")
    func defaultHostname() {
        #expect(lenovoExample(hostname: nil).network.hostname == "esxi-10-172-69-86")
    }
}

@Suite("Root password edge cases")
struct RootPasswordTests {
    /// (password, accepted as plaintext, accepted for hashing)
    static let table: [(String, Bool, Bool)] = [
        ("p", true, true),
        ("VMware1!", true, true),
        ("pa$$W0rd", true, true),
        ("With space 9x", true, true),
        ("quote\"D1x", true, true),
        ("single'Quote7x", true, true),
        ("both ' and \" and \\ 9x", true, true),
        ("hash#Tag5x", true, true),
        ("#leading5X", true, true),
        ("back\\Slash5x", true, true),
        ("--iscrypted", false, true),
        ("--iscrypted=x", false, true),
        ("naïve", false, false),
        ("密码", false, false),
        ("tab\there", false, false),
        ("line\nbreak", false, false),
        ("", false, false),
    ]

    @Test("each password is rendered correctly or rejected with the reason", arguments: table)
    func edgeCase(password: String, plainOK: Bool, cryptedOK: Bool) throws {
        let plainProblem = RootPassword.problem(with: password, plain: true)
        let cryptProblem = RootPassword.problem(with: password, plain: false)
        #expect((plainProblem == nil) == plainOK, "\(plainProblem ?? "accepted")")
        #expect((cryptProblem == nil) == cryptedOK, "\(cryptProblem ?? "accepted")")
        if cryptedOK {
            // Rendered crypted: the installer's shell-style split must give back exactly the hash, which verifies.
            let text = try lenovoExample(password: .crypted(password: password, saltContext: "h")).render()
            let read = try KickstartFile.parse(text).interpret()
            guard case .crypted(let hash) = read.rootPassword else { Issue.record("read back as plain"); return }
            #expect(SHA512Crypt.verify(password: Array(password.utf8), hash: hash))
        }
        if plainOK {
            let text = try lenovoExample(password: .plain(password)).render()
            if RootPasswordPolicy.weakness(of: password) == nil {
                #expect(try KickstartFile.parse(text).interpret().rootPassword == .plain(password))
            } else {
                // Typable, but weasel's policy check stops the install: the reader and the model both say so.
                #expect(throws: KickstartError.self) { try KickstartFile.parse(text).interpret() }
                #expect(lenovoExample(password: .plain(password)).problems.contains { $0.message.contains("password policy") })
            }
        } else {
            #expect(!lenovoExample(password: .plain(password)).problems.isEmpty)
        }
    }
}
