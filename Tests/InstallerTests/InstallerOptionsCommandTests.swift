import Foundation
import Testing
import TestSupport

/// The installer options of issue 13 through the commands a user runs: the licence key reaches the image's
/// KS.CFG and nothing else (validate, validate --json, kickstart, install --dry-run all mask it), and the kernel
/// options and pre-check switches land in both BOOT.CFG files and on the install line, as read by isoinfo.
@Suite("Installer options end to end: remaster, kickstart, validate, install --dry-run")
struct InstallerOptionsCommandTests {
    static let key = "AB12C-DE34F-GH56J-KL78M-NP90Q"

    static func hostsFile(in directory: TemporaryDirectory) throws -> String {
        let config = directory.file("hosts.yaml")
        try """
            defaults:
              ipmi: {vendor: generic, username: admin, password: "${VMEDIA_TEST_BMC_PW}"}
              esxi: {license_key: "${VMEDIA_TEST_LICENSE}", ignore_prereq_warnings: true}
            hosts:
              - ipmi: {address: "127.0.0.1:8443"}
                esxi: {esxi_disk: local, password: "VMware1!", address: 192.0.2.10, gateway: 192.0.2.1,
                       netmask: 255.255.255.0, mgtnic: vmnic0, hostname: esx-opt,
                       kernel_options: [allowLegacyCPU=true], force_unsupported_install: true}

            """.write(toFile: config, atomically: true, encoding: .utf8)
        return config
    }

    static let environment = ["VMEDIA_TEST_BMC_PW": "bmc-Secret-1", "VMEDIA_TEST_LICENSE": key]

    @Test("the licence key is on the image and in no output; kernel options and switches are where ESXi reads them")
    func endToEnd() throws {
        let directory = try TemporaryDirectory()
        let config = try Self.hostsFile(in: directory)
        let iso = directory.file("esxi9.iso")
        let fixture = try VMediaBinary.run(["fixture", "--esxi", "9.0", "--size", "16MiB", "--timestamp", "1700000000", "--output", iso])
        try #require(fixture.status == 0, "\(fixture.stderr)")

        let output = directory.file("out")
        let remaster = try VMediaBinary.run(["remaster", "--config", config, "--iso", iso, "--output", output, "--json"],
                                            environment: Self.environment)
        #expect(remaster.status == 0, "\(remaster.stderr)")
        let image = output + "/127.0.0.1/esxi9.iso"
        let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
        let kickstart = try Peer.run([isoinfo, "-i", image, "-x", "/KS.CFG;1"]).stdout
        #expect(kickstart.contains("vmserialnum --esx=\(Self.key)\n"), "\(kickstart)")
        #expect(kickstart.contains(" --ignoreprereqwarnings --forceunsupportedinstall\n"), "\(kickstart)")
        for path in ["/BOOT.CFG;1", "/EFI/BOOT/BOOT.CFG;1"] {
            let bootcfg = try Peer.run([isoinfo, "-i", image, "-x", path]).stdout
            #expect(bootcfg.contains("kernelopt=runweasel allowLegacyCPU=true ks=cdrom:/KS.CFG systemMediaSize=small\n"), "\(path): \(bootcfg)")
        }

        let outputs = [
            ("remaster --json", remaster),
            ("validate", try VMediaBinary.run(["validate", "--config", config], environment: Self.environment)),
            ("validate --json", try VMediaBinary.run(["validate", "--config", config, "--json"], environment: Self.environment)),
            ("kickstart", try VMediaBinary.run(["kickstart", "--config", config, "--host", "esx-opt"], environment: Self.environment)),
            ("install --dry-run", try VMediaBinary.run(["install", "--config", config, "--iso", iso, "--dry-run", "--advertise", "127.0.0.1"],
                                                       environment: Self.environment)),
        ]
        for (name, result) in outputs {
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("AB12C"), "\(name) shows the licence key")
        }
        #expect(outputs[3].1.stdout.contains("vmserialnum --esx=********\n"))
        #expect(outputs[4].1.stdout.contains("vmserialnum --esx=********"))
        #expect(outputs[4].1.stdout.contains("BOOT.CFG kernelopt gets: allowLegacyCPU=true ks=cdrom:/KS.CFG systemMediaSize=small"))
        let json = try #require(try JSONSerialization.jsonObject(with: outputs[2].1.stdoutData) as? [String: Any])
        let host = try #require((json["hosts"] as? [[String: Any]])?.first)
        #expect(host["licenseKey"] as? String == "********")
        #expect(host["kernelOptions"] as? [String] == ["allowLegacyCPU=true"])
        #expect(host["precheck"] as? [String] == ["--ignoreprereqwarnings", "--forceunsupportedinstall"])
        // Shown on request only.
        let shown = try VMediaBinary.run(["kickstart", "--config", config, "--host", "esx-opt", "--show-secrets"], environment: Self.environment)
        #expect(shown.stdout.contains("vmserialnum --esx=\(Self.key)\n"))
    }

    @Test("validate --help teaches the new keys and says a pre-check error waits for a key press forever")
    func help() throws {
        let help = try VMediaBinary.run(["validate", "--help"])
        let text = help.stdout.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        for key in ["kernel_options", "ignore_prereq_warnings", "ignore_prereq_errors", "force_unsupported_install", "license_key"] {
            #expect(text.contains(key), "\(key) missing from validate --help")
        }
        #expect(text.contains("WAITS FOR A KEY PRESS FOREVER"), "\(text)")
    }
}
