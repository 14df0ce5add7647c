import ESXi
import Foundation
import Testing
import TestSupport

@Suite("Kickstart parser (what the installer would check)")
struct KickstartFileTests {
    @Test("what we render reads back to the same network, disk and password")
    func roundTrip() throws {
        for kickstart in [lenovoExample(), lenovoExample(wipe: .installDisk, disk: "t10.ATA_____DISK_____SERIAL1", device: "B4:96:91:A7:3F:D6",
                                                          nameservers: ["10.172.64.53", "10.172.64.54"], vlanID: 100)] {
            let read = try KickstartFile.parse(kickstart.render()).interpret()
            #expect(read.network == kickstart.network)
            #expect(read.installDisk == kickstart.installDisk)
            #expect(read.rootPassword == kickstart.rootPassword)
            #expect(read.wipesAllDrives == (kickstart.wipe == .all))
            #expect(read.reboots)
            #expect(read.sections.first?.kind == .firstboot)
        }
    }

    @Test("VMware's documented default ks.cfg is accepted")
    func vmwareDefault() throws {
        let text = """
            #
            # Sample scripted installation file
            #
            vmaccepteula
            rootpw myp@ssw0rd
            install --firstdisk --overwritevmfs
            network --bootproto=dhcp --device=vmnic0
            %post --interpreter=python --ignorefailure=true
            import time
            stampFile = open('/finished.stamp', mode='w')
            stampFile.write( time.asctime() )

            """
        let read = try KickstartFile.parse(text).interpret()
        #expect(read.rootPassword == .plain("myp@ssw0rd"))
        #expect(read.installDisk == .firstDisk("local"))
        #expect(read.network == nil)
        #expect(read.sections.count == 1 && read.sections[0].kind == .post)
    }

    /// (kickstart text, a fragment the error must contain)
    static let broken: [(String, String)] = [
        ("rootpw x\ninstall --firstdisk\n", "vmaccepteula is missing"),
        ("vmaccepteula\ninstall --firstdisk\n", "rootpw is missing"),
        ("vmaccepteula\nrootpw x\n", "none of install, upgrade or installorupgrade"),
        ("vmaccepteula\nrootpw x\ninstall --overwritevmfs\n", "names no disk"),
        ("vmaccepteula\nrootpw x\ninstall --firstdisk\nnetwork --bootproto=static --ip=10.0.0.300 --netmask=255.255.255.0 --gateway=10.0.0.1\n", "--ip=10.0.0.300 is not an IPv4 address"),
        ("vmaccepteula\nrootpw x\ninstall --firstdisk\nnetwork --bootproto=static --ip=10.0.0.5 --netmask=255.0.255.0 --gateway=10.0.0.1\n", "not contiguous"),
        ("vmaccepteula\nrootpw x\ninstall --firstdisk\nnetwork --bootproto=static --ip=10.0.0.5 --netmask=255.255.255.0 --gateway=10.0.1.1\n", "outside the subnet"),
        ("vmaccepteula\nrootpw x\ninstall --firstdisk\nnetwork --bootproto=static --ip=10.0.0.5 --netmask=255.255.255.0 --gateway=10.0.0.1 --device=b4-96-91-a7-3f-d6\n", "colons"),
        ("vmaccepteula\nrootpw 'unclosed\ninstall --firstdisk\n", "unclosed quote"),
        ("vmaccepteula\nrootpw two words\ninstall --firstdisk\n", "exactly one password"),
        ("vmaccepteula\nrootpw x\ninstall --firstdisk\n%prepare\n", "unknown section"),
        ("vmaccepteula\nrootpw x\ninstall --firstdisk\nnetwork --bootproto=dhcp --ip=10.0.0.5\n", "--bootproto=dhcp with --ip="),
        ("vmaccepteula\nrootpw --iscrypted $6$abc\ninstall --firstdisk\n", "the only $6$ form"),
        ("vmaccepteula\nrootpw x\ninstall --firstdisk\n", "at least 7 characters"),
        ("vmaccepteula\nrootpw Password1\ninstall --firstdisk\n", "3 of digits, lower case, upper case and others"),
        ("vmaccepteula\nrootpw x\ninstall --firstdisk\nupgrade --firstdisk\n", "more than one install/upgrade"),
    ]

    @Test("each installer-level error is reported with its line", arguments: broken)
    func errors(text: String, fragment: String) {
        do {
            _ = try KickstartFile.parse(text).interpret()
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test("unknown commands and options are warnings, as in weasel; a plaintext rootpw warns too")
    func warnings() throws {
        let read = try KickstartFile.parse("vmaccepteula\nrootpw VMware1!\ninstall --firstdisk --frobnicate\nfirewall --enabled\n").interpret()
        let text = read.warnings.map(\.description).joined(separator: "\n")
        #expect(text.contains("line 3: install: unknown option --frobnicate"))
        #expect(text.contains("line 4: unknown command 'firewall'"))
        #expect(text.contains("line 2: rootpw in plaintext"))
        #expect(read.warnings.count == 3)
    }

    /// Lines for the shlex comparison: quotes, escapes, comments mid-word and after words, tabs, empty quotes.
    static let shlexLines = [
        ##"rootpw abc#def"##, ##"rootpw "a#b" c"##, ##"rootpw 'it''s'"##, ##"rootpw a\#b"##, "rootpw p # trailing comment",
        ##"install --firstdisk="DELLBOSS VD" --overwritevmfs"##, ##"x "a\"b\\c\$d" 'e\f'"##, "x \t tab\tseparated  ",
        ##"x '' "" z"##, ##"x a"b c"d"##, ##"x "it's" "##, "x $6$salt$hash/./", ##"x \\ \'"##,
    ]

    @Test("words split exactly like Python shlex.split(line, comments=True), weasel's tokenizer (independent peer)",
          arguments: shlexLines)
    func shlexPeer(line: String) throws {
        let python = try Peer.tool("python3")
        let script = "import json, shlex, sys; print(json.dumps(shlex.split(sys.stdin.read(), True)))"
        let peer = try Peer.run([python, "-c", script], stdin: Data(line.utf8))
        try #require(peer.status == 0, "\(peer.stderr)")
        let expected = try JSONDecoder().decode([String].self, from: peer.stdoutData)
        let file = try KickstartFile.parse(line + "\n")
        let ours = file.commands.first.map { [$0.name] + $0.arguments } ?? []
        #expect(ours == expected)
    }

    @Test("quoted and escaped words split like shlex")
    func quoting() throws {
        let read = try KickstartFile.parse("vmaccepteula\nrootpw \"a B#c 9x\"\ninstall --firstdisk='DELLBOSS VD'\n").interpret()
        #expect(read.rootPassword == .plain("a B#c 9x"))
        #expect(read.installDisk == .firstDisk("DELLBOSS VD"))
    }
}

@Suite("Kickstart templates")
struct KickstartTemplateTests {
    @Test("placeholders are filled and the result passes the installer checks")
    func fill() throws {
        let template = try KickstartTemplate(text: """
            vmaccepteula
            {{rootpw}}
            {{ install }}
            network --bootproto=static --ip={{ip}} --netmask={{netmask}} --gateway={{gateway}} --nameserver={{nameservers}} --hostname={{hostname}} --device={{device}}
            reboot
            {{firstboot_ssh}}
            """, origin: "site.ks")
        let kickstart = lenovoExample()
        let text = try template.render(kickstart)
        try Snapshot.expect(text, matches: "template.cfg")
        let read = try KickstartFile.parse(text).interpret()
        #expect(read.network == kickstart.network)
        #expect(try !template.render(kickstart, secrets: .mask).contains("$6$"))
    }

    @Test("unknown placeholders and unclosed braces are errors with line, column and a suggestion")
    func unknown() {
        do {
            _ = try KickstartTemplate(text: "vmaccepteula\nnetwork --hostname={{hostnme}}\n{{ip", origin: "site.ks")
            Issue.record("accepted")
        } catch {
            #expect(error.problems.count == 2)
            #expect(error.problems[0].line == 2 && error.problems[0].column == 20)
            #expect(error.description.contains("did you mean {{hostname}}?"))
            #expect(error.problems[1].line == 3 && error.description.contains("without a closing"))
        }
    }
}
