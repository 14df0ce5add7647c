import ESXi
import ESXiFixture
import Foundation
import Testing
import TestSupport

/// The installer options admins need (issue 13): pre-check switches on the `install` line, a licence key as
/// `vmserialnum --esx=` masked like the password, and extra kernel options kept through the BOOT.CFG patch.
@Suite("Installer options: pre-check switches, licence key, kernel options")
struct InstallerOptionsTests {
    static let key = LicenseKey("abcde-12345-FGHIJ-67890-KLMNO")!

    static func example(precheck: PrecheckOverrides = [], licenseKey: LicenseKey? = nil) -> Kickstart {
        let base = lenovoExample()
        return Kickstart(rootPassword: base.rootPassword, installDisk: base.installDisk, network: base.network,
                         precheck: precheck, licenseKey: licenseKey)
    }

    @Test("golden kickstart with every pre-check switch and a licence key, revealed and masked")
    func golden() throws {
        let kickstart = Self.example(precheck: [.ignoreWarnings, .ignoreErrors, .forceUnsupported], licenseKey: Self.key)
        try Snapshot.expect(kickstart.render(), matches: "installer-options.cfg")
        try Snapshot.expect(kickstart.render(secrets: .mask), matches: "installer-options-masked.cfg")
    }

    @Test("the rendered kickstart is what ESXi's installer reads: install options and vmserialnum pass the parser")
    func installerReadsIt() throws {
        let text = try Self.example(precheck: [.ignoreErrors, .forceUnsupported], licenseKey: Self.key).render()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("install --overwritevmfs --firstdisk=\"ThinkSystem M.2\" --ignoreprereqerrors --forceunsupportedinstall"))
        #expect(lines.contains("vmserialnum --esx=ABCDE-12345-FGHIJ-67890-KLMNO"))
        _ = try KickstartFile.parse(text).interpret()
        // Without options the install line is the old tool's, unchanged.
        #expect(try Self.example().render() == lenovoExample().render())
    }

    @Test("the licence key never shows in masked output, descriptions or dumps")
    func keyMasked() throws {
        let kickstart = Self.example(licenseKey: Self.key)
        let masked = try kickstart.render(secrets: .mask)
        #expect(masked.contains("vmserialnum --esx=********"))
        #expect(!masked.contains("ABCDE"))
        #expect(!"\(kickstart)".contains("ABCDE") && !String(reflecting: kickstart).contains("ABCDE"))
        var dumped = ""
        dump(kickstart, to: &dumped)
        #expect(!dumped.contains("ABCDE"))
        let template = try KickstartTemplate(text: "{{vmserialnum}}\n{{install}}\n", origin: "t.ks")
        #expect(try template.render(kickstart, secrets: .mask) == "vmserialnum --esx=********\ninstall --overwritevmfs --firstdisk=\"ThinkSystem M.2\"\n")
    }

    @Test("malformed licence keys are refused with the reason, never echoing the key",
          arguments: [("", "empty"), ("ABCDE-12345-FGHIJ-67890", "4 groups"), ("ABCDE-12345-FGHIJ-67890-KLMN", "group 5"),
                      ("ABCDE-12345-FGHIJ-67890-KLM_O", "only letters"), ("ABCDE 12345 FGHIJ 67890 KLMNO", "1 group")])
    func badKeys(text: String, fragment: String) {
        #expect(LicenseKey(text) == nil)
        let problem = LicenseKey.problem(with: text) ?? ""
        #expect(problem.contains(fragment), "\(problem)")
        #expect(text.isEmpty || !problem.contains(text))
    }

    @Test("kernel options go before ks= in both BOOT.CFG copies; re-patching is idempotent; a stock value is replaced")
    func kernelOptionsPatched() throws {
        let stock = BootConfig(bytes: ESXiRelease.v8_0.stockBootConfig)
        let patched = try stock.patched(extraOptions: ["allowLegacyCPU=true", "autoPartitionOSDataSize=8192"])
        #expect(try patched.kernelOptions() == ["runweasel", "allowLegacyCPU=true", "autoPartitionOSDataSize=8192",
                                                "ks=cdrom:/KS.CFG", "systemMediaSize=small"])
        #expect(try patched.patched(extraOptions: ["allowLegacyCPU=true", "autoPartitionOSDataSize=8192"]) == patched)
        let changed = try patched.patched(extraOptions: ["autoPartitionOSDataSize=4096"])
        #expect(try changed.kernelOptions() == ["runweasel", "allowLegacyCPU=true", "autoPartitionOSDataSize=4096",
                                                "ks=cdrom:/KS.CFG", "systemMediaSize=small"])
    }

    @Test("malformed kernel options are refused with the reason",
          arguments: [("allow LegacyCPU", "U+20"), ("a=\"b\"", "'\"'"), ("ks=usb", "managed by vmedia"),
                      ("systemMediaSize=max", "system_media_size"), ("cdromBoot", "managed"), ("=x", "start with a name"),
                      ("9lives", "start with a name"), ("", "empty"), ("caf\u{E9}=1", "U+E9")])
    func badKernelOptions(token: String, fragment: String) {
        let problem = KernelOption.problem(with: token) ?? ""
        #expect(problem.contains(fragment), "\(token): \(problem)")
        #expect(throws: ESXiError.self) { try BootConfig(bytes: ESXiRelease.v8_0.stockBootConfig).patched(extraOptions: [token]) }
    }
}
