@testable import BMCSimulator
import ESXi
import Foundation
import Testing
import TestSupport

/// The simulated installer refuses what ESXi's installer (weasel) refuses: `--firstdisk` names that are only part
/// of a model, `rootpw --iscrypted` hashes with `rounds=`, and plaintext passwords ESXi's policy rejects; it
/// accepts MACs in any case. Each case runs the simulator's kickstart check (both readers) against a standard host.
@Suite("Simulated installer follows weasel's rules")
struct WeaselRulesTests {
    static let dell = HostInventory.standard(for: .dellIDRAC9, index: 7)
    static let generic = HostInventory.standard(for: .generic, index: 7)

    static func kickstart(rootpw: String = "rootpw VMware1!", disk: String = "--firstdisk=local", device: String = "vmnic0") -> String {
        """
        vmaccepteula
        \(rootpw)
        install \(disk) --overwritevmfs
        network --bootproto=static --device=\(device) --ip=127.0.43.7 --netmask=255.0.0.0 --gateway=127.0.0.254
        reboot
        """
    }

    static func plan(_ text: String, inventory: HostInventory = generic) throws -> InstallPlan {
        let facts = try CrossCheckedKickstartInterpreter().interpret(text)
        return try InstallPlan.make(facts: facts, inventory: inventory)
    }

    static func refusal(_ text: String, inventory: HostInventory = generic) -> String? {
        do { _ = try plan(text, inventory: inventory); return nil } catch { return "\(error)" }
    }

    @Test("--firstdisk=<name> takes a disk whose vendor, model or driver name equals the name, ignoring case")
    func firstDiskEquals() throws {
        let boot = Self.generic.disks[0]
        #expect(try Self.plan(Self.kickstart(disk: "--firstdisk=\"MICRON 5300 MTFDDAV480TDS\"")).installDisk == boot)
        #expect(try Self.plan(Self.kickstart(disk: "--firstdisk=\"micron 5300 mtfddav480tds\"")).installDisk == boot)
        #expect(try Self.plan(Self.kickstart(disk: "--firstdisk=ST2400MM0129")).installDisk == Self.generic.disks[1])
        #expect(try Self.plan(Self.kickstart(disk: "--firstdisk=lsi_mr3")).installDisk == Self.generic.disks[1])
        #expect(try Self.plan(Self.kickstart(disk: "--firstdisk=\"DELLBOSS VD\""), inventory: Self.dell).installDisk == Self.dell.disks[0])
        #expect(try Self.plan(Self.kickstart(disk: "--firstdisk=remote,local")).installDisk == boot)
    }

    @Test("--firstdisk=<part of a model> matches nothing and the install stops, as weasel's diskfilter does")
    func firstDiskSubstringRefused() {
        for name in ["MICRON 5300", "MICRON", "DELLBOSS", "BOSS VD", "ST2400"] {
            let inventory = name.contains("BOSS") ? Self.dell : Self.generic
            let reason = Self.refusal(Self.kickstart(disk: "--firstdisk=\"\(name)\""), inventory: inventory)
            #expect(reason?.contains("no disk's vendor, model or driver name equals it") == true, "\(name): \(reason ?? "accepted")")
        }
    }

    @Test("rootpw --iscrypted: $6$ (openssl passwd -6), $1$ (openssl passwd -1) and DES pass; rounds= and other schemes stop the install")
    func cryptedForms() throws {
        let openssl = try Peer.tool("openssl")
        func hash(_ flag: String) throws -> String {
            try Peer.run([openssl, "passwd", flag, "-stdin"], stdin: Data("Vault-managed-9\n".utf8)).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for accepted in [try hash("-6"), try hash("-1"), "abJnggxhB/yWI"] {
            #expect(Self.refusal(Self.kickstart(rootpw: "rootpw --iscrypted \(accepted)")) == nil, "\(accepted.prefix(3))")
        }
        let rounds = SHA512Crypt.hash(password: Array("Vault-managed-9".utf8), salt: "k5Qz1xY0", rounds: 10_000)
        #expect(rounds.hasPrefix("$6$rounds=10000$"))
        let reason = Self.refusal(Self.kickstart(rootpw: "rootpw --iscrypted \(rounds)"))
        #expect(reason?.contains("rounds=") == true, "\(reason ?? "accepted")")
        let sha256 = try hash("-5")
        #expect(Self.refusal(Self.kickstart(rootpw: "rootpw --iscrypted \(sha256)")) != nil)
        let longSalt = "$6$" + String(repeating: "a", count: 17) + "$" + String(repeating: "b", count: 86)
        #expect(Self.refusal(Self.kickstart(rootpw: "rootpw --iscrypted \(longSalt)")) != nil)
    }

    @Test("a plaintext rootpw ESXi's password policy refuses stops the install with weasel's message")
    func weakPlaintext() {
        for weak in ["password", "Password1", "passw0rd", "VMWARE12", "aB3!aB3!"] {
            let reason = Self.refusal(Self.kickstart(rootpw: "rootpw \(weak)"))
            #expect(reason?.contains("Password does not have enough character types.") == true, "\(weak): \(reason ?? "accepted")")
        }
        #expect(Self.refusal(Self.kickstart(rootpw: "rootpw Ab1!x"))?.contains("at least 7 characters") == true)
        #expect(Self.refusal(Self.kickstart(rootpw: "rootpw " + String(repeating: "aB1!", count: 10) + "x"))?.contains("less than 41") == true)
        for strong in ["short1!", "VMware1!", "Root-pw-186", "'correct Horse 9'"] {
            #expect(Self.refusal(Self.kickstart(rootpw: "rootpw \(strong)")) == nil, "\(strong)")
        }
    }

    @Test("network --device=<MAC> matches in any case (weasel compares lower-cased)")
    func macAnyCase() throws {
        let mac = Self.generic.nics[2].macAddress
        #expect(try Self.plan(Self.kickstart(device: mac.uppercased())).nicIndex == 2)
        #expect(try Self.plan(Self.kickstart(device: mac.lowercased())).nicIndex == 2)
    }
}
