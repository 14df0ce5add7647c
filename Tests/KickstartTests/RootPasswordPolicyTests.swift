import ESXi
import Foundation
import Testing
import TestSupport

/// ESXi's root-password rules as weasel applies them: `sanityCheckPassword` + passwdqc for plaintext, the crypt
/// forms it matches for `--iscrypted`. Hashes come from openssl (an independent crypt implementation).
@Suite("ESXi root password policy (weasel)")
struct RootPasswordPolicyTests {
    @Test("7-40 printable ASCII characters from 3 classes; an upper-case first letter and a final digit don't count")
    func policy() {
        for strong in ["VMware1!", "short1!", "Root-pw-186", "correct Horse 9", "Esxi-r00t-pw", "aB1!cD2@eF3#gH4$iJ5%kL6^mN7&oP8*qR9(sT0)"] {
            #expect(RootPasswordPolicy.weakness(of: strong) == nil, "\(strong)")
        }
        let cases: [(String, String)] = [
            ("Ab1!x", "at least 7"), (String(repeating: "aB1!", count: 10) + "x", "at most 40"),
            ("password", "1 character class"), ("Password1", "1 character class (lower case)"),
            ("Passw0rd", "2 character classes"), ("VMWARE12", "character class"), ("pässword1!", "printable ASCII"),
            ("aB3!aB3!", "different characters"),
        ]
        for (weak, rule) in cases {
            let weakness = RootPasswordPolicy.weakness(of: weak)
            #expect(weakness?.contains(rule) == true, "\(weak): \(weakness ?? "accepted")")
        }
    }

    @Test("passwdqc's expected_different for the 3- and 4-class minimum of 7 characters")
    func expectedDifferent() {
        // 62 * (1 - (61/62)^7) = 6.68 and 95 * (1 - (94/95)^7) = 6.78: 5 different characters are needed.
        #expect(RootPasswordPolicy.weakness(of: "aB3!aB3!aB") != nil)
        #expect(RootPasswordPolicy.weakness(of: "aB3!cB3!aB") == nil)
    }

    @Test("--iscrypted accepts $6$ without rounds=, $1$ and DES; refuses the rest with the reason")
    func cryptedForms() throws {
        let openssl = try Peer.tool("openssl")
        func hash(_ flag: String, salt: String? = nil) throws -> String {
            try Peer.run([openssl, "passwd", flag] + (salt.map { ["-salt", $0] } ?? []) + ["-stdin"],
                         stdin: Data("Vault-managed-9\n".utf8)).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(RootPasswordPolicy.cryptedProblem(try hash("-6")) == nil)
        #expect(RootPasswordPolicy.cryptedProblem(try hash("-6", salt: "0123456789abcdef")) == nil)
        #expect(RootPasswordPolicy.cryptedProblem(try hash("-1")) == nil)
        #expect(RootPasswordPolicy.cryptedProblem("abJnggxhB/yWI") == nil)
        let rounds = SHA512Crypt.hash(password: Array("x".utf8), salt: "k5Qz1xY0", rounds: 10_000)
        #expect(RootPasswordPolicy.cryptedProblem(rounds)?.contains("rounds=") == true)
        #expect(RootPasswordPolicy.cryptedProblem(try hash("-5"))?.contains("$5$") == true)
        #expect(RootPasswordPolicy.cryptedProblem("$6$" + String(repeating: "s", count: 17) + "$" + String(repeating: "h", count: 86))?.contains("at most 16") == true)
        #expect(RootPasswordPolicy.cryptedProblem("not-a-hash") != nil)
    }

    @Test("the kickstart reader and the renderer refuse what weasel refuses, and take MACs in any case")
    func readerAndRenderer() throws {
        let weak = "vmaccepteula\nrootpw password\ninstall --firstdisk --overwritevmfs\n"
        #expect(throws: KickstartError.self) { try KickstartFile.parse(weak).interpret() }
        let rounds = SHA512Crypt.hash(password: Array("x".utf8), salt: "k5Qz1xY0", rounds: 10_000)
        #expect(throws: KickstartError.self) {
            try KickstartFile.parse("vmaccepteula\nrootpw --iscrypted \(rounds)\ninstall --firstdisk --overwritevmfs\n").interpret()
        }
        let lower = "vmaccepteula\nrootpw VMware1!\ninstall --firstdisk --overwritevmfs\n" +
            "network --bootproto=static --device=b4:96:91:a7:3f:d6 --ip=10.0.0.5 --netmask=255.255.255.0 --gateway=10.0.0.1\n"
        let read = try KickstartFile.parse(lower).interpret()
        #expect(read.network?.device.description == "B4:96:91:A7:3F:D6")
        let network = try #require(read.network)
        let plain = Kickstart(rootPassword: .plain("password"), installDisk: .firstDisk("DELLBOSS VD"), network: network)
        #expect(plain.problems.contains { $0.field == .password && $0.message.contains("password policy") })
        let crypted = Kickstart(rootPassword: .crypted(rounds), installDisk: .firstDisk("DELLBOSS VD"), network: network)
        #expect(crypted.problems.contains { $0.field == .password && $0.message.contains("rounds=") })
    }
}
