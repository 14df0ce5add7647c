import Foundation
import Testing
import TestSupport

/// `vmedia remaster` as a user runs it: the old tool's config.yaml, a source ISO, an output folder.
@Suite("vmedia remaster")
struct RemasterCommandTests {
    static func source(in directory: TemporaryDirectory) throws -> String {
        try GenisoimageESXiSource.make(in: directory, module: Data(repeating: 7, count: 300_000))
    }

    @Test("writes OUTPUT/<bmc>/<name>.iso per host with a JSON report whose checksums are the files'")
    func remasterOldConfig() throws {
        let directory = try TemporaryDirectory()
        let iso = try Self.source(in: directory)
        let before = try Peer.run([try Peer.tool("sha256sum", package: "coreutils"), iso]).stdout.prefix(64)
        let config = Peer.packageRoot.appendingPathComponent("Fixtures/hosts/old-tool-config.yaml").path
        let output = directory.file("out")
        let run = try VMediaBinary.run(["remaster", "--config", config, "--iso", iso, "--output", output, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let hosts = try #require(report["hosts"] as? [[String: Any]])
        #expect(hosts.count == 2)
        #expect(report["failed"] as? Int == 0)
        for (host, bmc, address) in [("esxi-69-86", "10.172.70.186", "10.172.69.86"), ("esxi-10-172-18-95", "10.172.18.191", "10.172.18.95")] {
            let entry = try #require(hosts.first { $0["bmc"] as? String == bmc }, "no report for \(bmc)")
            #expect(entry["host"] as? String == host)
            let path = output + "/\(bmc)/VMware-VMvisor-Installer-8.0U3.iso"
            #expect(entry["output"] as? String == path)
            let digest = try Peer.run([try Peer.tool("sha256sum", package: "coreutils"), path]).stdout.prefix(64)
            #expect(entry["sha256"] as? String == String(digest))
            #expect((entry["overlayBytes"] as? Int ?? .max) <= 64 * 1024)
            let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
            let kickstart = try Peer.run([isoinfo, "-i", path, "-x", "/KS.CFG;1"]).stdout
            #expect(kickstart.contains("--ip=\(address)"), "KS.CFG of \(bmc): \(kickstart)")
            #expect(kickstart.contains("rootpw --iscrypted $6$"), "no plaintext root password on the image")
            #expect(!kickstart.contains("password\n"))
            let efi = try Peer.run([isoinfo, "-i", path, "-x", "/EFI/BOOT/BOOT.CFG;1"]).stdout
            #expect(efi.contains("ks=cdrom:/KS.CFG"))
        }
        #expect(!run.stdout.contains("\"password\""), "no secret in the JSON report")
        let after = try Peer.run([try Peer.tool("sha256sum", package: "coreutils"), iso]).stdout.prefix(64)
        #expect(before == after, "the source ISO must never change")
    }

    @Test("a non-ESXi ISO fails with the reason and writes nothing")
    func notAnInstaller() throws {
        let directory = try TemporaryDirectory()
        let tree = directory.file("tree")
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try Data("hi".utf8).write(to: URL(fileURLWithPath: tree + "/README.TXT"))
        let iso = directory.file("other.iso")
        #expect(try Peer.run([try Peer.tool("genisoimage"), "-quiet", "-o", iso, tree]).status == 0)
        let config = Peer.packageRoot.appendingPathComponent("Fixtures/hosts/old-tool-config.yaml").path
        let output = directory.file("out")
        let run = try VMediaBinary.run(["remaster", "--config", config, "--iso", iso, "--output", output])
        #expect(run.status == 1)
        #expect(run.stderr.contains("ESXi installer"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
