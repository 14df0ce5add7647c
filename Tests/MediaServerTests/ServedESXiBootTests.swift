import Foundation
import Testing
import TestSupport

/// The whole path a BMC takes, with QEMU as the BMC: `vmedia fixture` builds an ESXi installer ISO, the real
/// `vmedia serve` remasters it per host, and QEMU's HTTP block driver boots the host's URL under SeaBIOS and
/// under OVMF. The guest must see the patched boot configuration and the host's kickstart, and the server must
/// have answered with ranges (what a BMC's virtual media does), not one full download.
@Suite("vmedia serve boots a remastered ESXi fixture in QEMU from its URL", .serialized)
struct ServedESXiBootTests {
    static let hosts = Peer.packageRoot.appendingPathComponent("Fixtures/hosts/brief-example.yaml").path
    /// The host booted (hostname as serve's JSON names it) and its BMC (what `vmedia kickstart --host` takes).
    static let host = "esxi-69-86", bmc = "10.172.70.186"

    /// What one boot saw: the guest's serial output, the served image's files as xorriso reads them from the
    /// same URL, and the image's statistics from /status.json taken before anything but QEMU read it.
    struct Boot {
        let serial: String
        let seconds: Double
        let sawMarker: Bool
        let image: [String: Any]
        let servedFiles: [String: String]
        /// serve's access log lines for the host's image, QEMU's requests only.
        let accessLog: [String]
    }

    /// Builds the fixture with `firmwareArguments`, serves it, boots the host's URL, and stops QEMU and serve.
    static func boot(firmwareArguments: [String], firmware: QEMUBoot.Firmware, until marker: String,
                     extracting paths: [String], https: Bool = false) async throws -> Boot {
        let curl = try Peer.tool("curl"), xorriso = try Peer.tool("xorriso")
        let directory = try TemporaryDirectory()
        let source = directory.file("VMware-VMvisor-Installer-8.0.iso")
        let fixture = try VMediaBinary.run(["fixture", "--esxi", "8.0", "--size", "16MiB", "--timestamp", "1700000000",
                                            "--output", source] + firmwareArguments, timeout: 300)
        try #require(fixture.status == 0, "vmedia fixture failed: \(fixture.stderr)")

        // --any-peer: QEMU reads from 127.0.0.1, not from the hosts file's BMC address.
        // With https, serve generates its certificate into this run's own state folder.
        let state = directory.file("state")
        let (server, json) = try await ServeCommandTests.serve(
            ["--config", hosts, "--iso", source, "--listen", "127.0.0.1:0", "--advertise", "127.0.0.1", "--any-peer", "--json"] + (https ? ["--https"] : []),
            directory: directory, log: "serve.log", environment: ["XDG_STATE_HOME": state])
        defer { server.stop() }
        let url = try #require(ServeCommandTests.urls(json)[host], "no URL for \(host): \(json)")
        #expect(url.hasPrefix(https ? "https://127.0.0.1:" : "http://127.0.0.1:"))

        let result = try QEMUBoot.boot(https ? .unverifiedHTTPS(url) : .url(url), firmware: firmware, until: marker, timeout: 240)

        // The statistics first, so that they hold QEMU's requests only.
        let statusURL = try #require(json["status"] as? String, "no status URL: \(json)") + ".json"
        let status = try Peer.run([curl, "-sS", "--fail", statusURL], timeout: 30)
        let parsed = try JSONSerialization.jsonObject(with: status.stdoutData) as? [String: Any]
        let images = parsed?["images"] as? [[String: Any]] ?? []
        let image = try #require(images.first { $0["host"] as? String == host }, "\(host) not on /status.json: \(status.stdout)")
        let accessLog = server.output.split(whereSeparator: \.isNewline).map(String.init).filter { $0.contains(" /\(host)/") }

        // An independent reader of the very bytes QEMU was served.
        let served = directory.file("served.iso")
        let trust = https ? ["--cacert", state + "/vmedia/media-cert.pem"] : []
        let download = try Peer.run([curl, "-sS", "--fail"] + trust + ["-o", served, url], timeout: 120)
        try #require(download.status == 0, "curl \(url): \(download.stderr)")
        #expect(server.stop() == 0, "SIGTERM ends serve cleanly: \(server.output.suffix(500))")
        var files: [String: String] = [:]
        for path in paths {
            let out = directory.file("extracted" + path.replacingOccurrences(of: "/", with: "_"))
            let extracted = try Peer.run([xorriso, "-osirrox", "on", "-indev", served, "-extract", path, out], timeout: 120)
            try #require(extracted.status == 0, "xorriso -extract \(path): \(extracted.stderr)")
            files[path] = try String(contentsOfFile: out, encoding: .utf8)
        }
        return Boot(serial: result.serial, seconds: result.seconds, sawMarker: result.sawMarker, image: image, servedFiles: files,
                    accessLog: accessLog)
    }

    /// QEMU read the image as a BMC does: a HEAD for the size, then only partial GETs (Range → 206), never a full
    /// (200) GET, and far fewer bytes than the image holds.
    static func expectRangeReads(_ boot: Boot) {
        let image = boot.image
        let gets = boot.accessLog.filter { $0.contains(" GET ") }
        #expect(gets.count > 1, "QEMU should have read the image in several requests: \(boot.accessLog)")
        for line in gets {
            #expect(line.contains(" range=\"bytes=") && line.contains(" 206 "), "not a range read: \(line)")
        }
        for line in boot.accessLog where !line.contains(" GET ") {
            #expect(line.contains(" HEAD ") && line.contains(" 0B "), "unexpected request: \(line)")
        }
        let statuses = image["statuses"] as? [String: Int] ?? [:]
        #expect(statuses["206"] == gets.count && statuses["200"] == boot.accessLog.count - gets.count,
                "/status.json must count the same requests as the access log: \(image) \(boot.accessLog)")
        let bytesServed = image["bytesServed"] as? Int ?? 0, byteCount = image["byteCount"] as? Int ?? 0
        #expect(byteCount > 0 && bytesServed < byteCount / 2, "not a full download: \(image)")
        #expect(image["peers"] as? [String] == ["127.0.0.1"], "\(image)")
    }

    /// The host's kickstart as `vmedia kickstart` prints it: what serve must have put at /KS.CFG.
    static func expectedKickstart() throws -> String {
        let expected = try VMediaBinary.run(["kickstart", "--config", hosts, "--host", bmc, "--show-secrets"], timeout: 60)
        try #require(expected.status == 0, "vmedia kickstart: \(expected.stderr)")
        #expect(expected.stdout.contains("network --bootproto=static"), "not a kickstart: \(expected.stdout)")
        return expected.stdout
    }

    @Test("SeaBIOS: isolinux, booted from our URL through QEMU's HTTP block driver, prints the patched kernelopt")
    func bios() async throws {
        let isolinux = try Peer.file(["/usr/lib/ISOLINUX/isolinux.bin"], package: "isolinux")
        _ = try Peer.file(["/usr/lib/syslinux/modules/bios/ldlinux.c32"], package: "syslinux-common")
        let boot = try await Self.boot(firmwareArguments: ["--isolinux", isolinux], firmware: .bios, until: "updated=0",
                                       extracting: ["/BOOT.CFG", "/KS.CFG"])
        #expect(boot.sawMarker, "\(boot.serial.suffix(2000))")
        let kernelopt = try #require(boot.servedFiles["/BOOT.CFG"] ?? "".split(whereSeparator: \.isNewline)
            .first { $0.hasPrefix("kernelopt=") }.map(String.init), "the served /BOOT.CFG has no kernelopt line")
        #expect(kernelopt.contains("ks=cdrom:/KS.CFG"), "the served BOOT.CFG is not patched: \(kernelopt)")
        #expect(boot.serial.contains(kernelopt), "isolinux did not print \(kernelopt): \(boot.serial.suffix(2000))")
        #expect(boot.servedFiles["/KS.CFG"] == (try Self.expectedKickstart()), "the served /KS.CFG is not the host's kickstart")
        Self.expectRangeReads(boot)
        print("SeaBIOS + isolinux from vmedia serve's URL (HTTP block driver): \(String(format: "%.1f", boot.seconds)) s, "
              + "\(boot.image["requests"] ?? 0) requests (\(boot.accessLog.filter { $0.contains(" GET ") }.count) range GETs), \(boot.image["bytesServed"] ?? 0) of \(boot.image["byteCount"] ?? 0) bytes")
    }

    @Test("SeaBIOS over https: QEMU's curl block driver (not verifying, as BMCs) boots the host's https:// URL by range reads over TLS")
    func biosOverHTTPS() async throws {
        let isolinux = try Peer.file(["/usr/lib/ISOLINUX/isolinux.bin"], package: "isolinux")
        _ = try Peer.file(["/usr/lib/syslinux/modules/bios/ldlinux.c32"], package: "syslinux-common")
        let boot = try await Self.boot(firmwareArguments: ["--isolinux", isolinux], firmware: .bios, until: "updated=0",
                                       extracting: ["/BOOT.CFG", "/KS.CFG"], https: true)
        #expect(boot.sawMarker, "\(boot.serial.suffix(2000))")
        let kernelopt = try #require(boot.servedFiles["/BOOT.CFG"] ?? "".split(whereSeparator: \.isNewline)
            .first { $0.hasPrefix("kernelopt=") }.map(String.init), "the served /BOOT.CFG has no kernelopt line")
        #expect(kernelopt.contains("ks=cdrom:/KS.CFG"))
        #expect(boot.serial.contains(kernelopt), "isolinux did not print \(kernelopt): \(boot.serial.suffix(2000))")
        #expect(boot.servedFiles["/KS.CFG"] == (try Self.expectedKickstart()))
        Self.expectRangeReads(boot)
        // Every request QEMU made came over TLS (the statistics were taken before curl's own download).
        #expect(boot.image["requestsOverTLS"] as? Int == boot.image["requests"] as? Int, "\(boot.image)")
        #expect((boot.image["requests"] as? Int ?? 0) > 1)
        print("SeaBIOS + isolinux from vmedia serve's https:// URL: \(String(format: "%.1f", boot.seconds)) s, "
              + "\(boot.image["requests"] ?? 0) requests over TLS, \(boot.image["bytesServed"] ?? 0) of \(boot.image["byteCount"] ?? 0) bytes")
    }

    @Test("OVMF: GRUB, booted from our URL through QEMU's HTTP block driver, prints the patched BOOT.CFG and the host's KS.CFG")
    func uefi() async throws {
        let directory = try TemporaryDirectory()
        let grub = try GrubEFIImage.make(into: directory.path)
        let boot = try await Self.boot(firmwareArguments: ["--efi", grub], firmware: .uefi, until: GrubEFIImage.endMarker,
                                       extracting: ["/EFI/BOOT/BOOT.CFG"])
        #expect(boot.sawMarker, "\(boot.serial.suffix(2000))")
        // GRUB's serial terminal wraps lines at 80 columns, so compare without line breaks.
        let flat = { (text: String) in text.replacingOccurrences(of: "\n", with: "") }
        let config = try #require(GrubEFIImage.printedFile("/EFI/BOOT/BOOT.CFG", in: boot.serial), "\(boot.serial.suffix(2000))")
        let served = boot.servedFiles["/EFI/BOOT/BOOT.CFG"] ?? ""
        #expect(served.contains("ks=cdrom:/KS.CFG"), "the served EFI BOOT.CFG is not patched: \(served)")
        #expect(flat(config) == flat(served))

        let expected = try Self.expectedKickstart()
        let kickstart = try #require(GrubEFIImage.printedFile("/KS.CFG", in: boot.serial), "\(boot.serial.suffix(2000))")
        #expect(flat(kickstart) == flat(expected))
        Self.expectRangeReads(boot)
        print("OVMF + GRUB from vmedia serve's URL (HTTP block driver): \(String(format: "%.1f", boot.seconds)) s, "
              + "\(boot.image["requests"] ?? 0) requests (\(boot.accessLog.filter { $0.contains(" GET ") }.count) range GETs), \(boot.image["bytesServed"] ?? 0) of \(boot.image["byteCount"] ?? 0) bytes")
    }
}
