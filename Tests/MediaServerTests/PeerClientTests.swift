import Foundation
import Logging
import MediaServer
import Testing
import TestSupport

/// Independent, real-world clients of the server: QEMU's HTTP block driver booting an ISO from our URL, and
/// headless Chromium rendering the status page.
@Suite("Media server with QEMU and Chromium", .serialized)
struct PeerClientTests {
    @Test("QEMU (SeaBIOS, HTTP block driver) boots an ISOLINUX CD from our URL and runs the overlay's patched config")
    func qemuBootsFromURL() async throws {
        let genisoimage = try Peer.tool("genisoimage")
        let isolinux = try Peer.file(["/usr/lib/ISOLINUX/isolinux.bin"], package: "isolinux")
        let modules = "/usr/lib/syslinux/modules/bios/"
        let ldlinux = try Peer.file([modules + "ldlinux.c32"], package: "syslinux-common")

        let directory = try TemporaryDirectory()
        let tree = directory.file("tree")
        try FileManager.default.createDirectory(atPath: tree + "/isolinux", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: isolinux, toPath: tree + "/isolinux/isolinux.bin")
        try FileManager.default.copyItem(atPath: ldlinux, toPath: tree + "/isolinux/ldlinux.c32")
        for module in ["cat.c32", "libcom32.c32", "libutil.c32"] {
            try FileManager.default.copyItem(atPath: try Peer.file([modules + module], package: "syslinux-common"),
                                             toPath: tree + "/isolinux/" + module)
        }
        let nonce = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let original = "ORIGINAL-MARKER-\(nonce)", patched = "PATCHED--MARKER-\(nonce)"
        // ISOLINUX 6.04's SAY does not reach the serial port; cat.c32 printing a file does (SeaBIOS without VGA
        // mirrors the console to serial).
        try "SERIAL 0 115200\nPROMPT 0\nTIMEOUT 1\nDEFAULT show\nLABEL show\n  COM32 cat.c32\n  APPEND /isolinux/marker.txt\n"
            .write(toFile: tree + "/isolinux/isolinux.cfg", atomically: true, encoding: .utf8)
        try "\(original)\n".write(toFile: tree + "/isolinux/marker.txt", atomically: true, encoding: .utf8)
        let iso = directory.file("boot.iso")
        let built = try Peer.run([genisoimage, "-quiet", "-o", iso, "-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat",
                                  "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table", "-R", "-J", tree])
        try #require(built.status == 0, "genisoimage failed: \(built.stderr)")

        // The overlay replaces the sector holding the config, as a per-host remaster does (the test finds it by
        // content; the server never looks at content).
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: iso)))
        let needle = Array(original.utf8)
        let offset = try #require((0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) })
        let sector = Int64(offset) / 2048
        var replaced = Array(bytes[Int(sector * 2048)..<Int(sector * 2048 + 2048)])
        replaced.replaceSubrange((offset - Int(sector * 2048))..<(offset - Int(sector * 2048) + needle.count), with: Array(patched.utf8))
        let image = try TestImage(existingFile: iso, overlay: [sector: replaced])

        let registry = ImageRegistry()
        let server = MediaServer(registry: registry, logger: Logger(label: "qemu-test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let address = try await server.start(host: "127.0.0.1", port: 0)
        let published = try registry.publish(image, host: "esx01", name: "boot.iso", allowedPeers: ["127.0.0.1"])
        let url = try server.url(for: published, advertising: "127.0.0.1", port: address.port)

        let boot = try QEMUBoot.boot(.url(url), firmware: .bios, until: patched, timeout: 120)
        let stats = registry.statistics(host: "esx01")
        await server.shutdown(grace: .seconds(1))
        #expect(boot.sawMarker, "serial output: \(boot.serial.suffix(2000))")
        #expect(!boot.serial.contains(original), "the unpatched config must never be what boots")
        #expect((stats?.requests ?? 0) > 1 && stats?.peers == ["127.0.0.1"], "QEMU read the image with range requests: \(String(describing: stats))")
        print("SeaBIOS + ISOLINUX CD from the in-process server's URL (HTTP block driver): \(String(format: "%.1f", boot.seconds)) s")
    }

    @Test("headless Chromium renders the self-refreshing status page with every image's statistics")
    func statusPageInChromium() async throws {
        let chromium = try Peer.tool("chromium")
        let curl = try Peer.tool("curl")
        let directory = try TemporaryDirectory()
        let live = try await LiveServer(directory: directory, baseLength: 1 << 20)
        let second = try TestImage(in: directory, name: "second.bin", baseLength: 65_536, replacedSectors: [2], appendedLength: 0)
        try live.registry.publish(second, host: "esx02", name: "esxi.iso", allowedPeers: ["127.0.0.9"])
        for range in ["0-99", "100-199", "500000-"] {
            _ = try Peer.run([curl, "-sS", "-o", "/dev/null", "-r", range, live.url])
        }
        let base = "http://127.0.0.1:\(live.server.localAddress!.port!)"
        let screenshot = directory.file("status.png")
        let profile = directory.file("profile")
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--no-first-run", "--hide-scrollbars"]
        let shot = try Peer.run([chromium] + flags + ["--screenshot=\(screenshot)", "--window-size=1100,360", base + "/status"], timeout: 120)
        let dom = try Peer.run([chromium] + flags + ["--dump-dom", base + "/status"], timeout: 120)
        let json = try Peer.run([curl, "-sS", "-H", "Accept: application/json", base + "/status"]).stdoutData
        await live.server.shutdown(grace: .seconds(1))

        #expect(shot.status == 0 && FileManager.default.fileExists(atPath: screenshot), "\(shot.stderr.suffix(1000))")
        let keep = Peer.packageRoot.appendingPathComponent(".build/media-status.png").path
        try? FileManager.default.removeItem(atPath: keep)
        try? FileManager.default.copyItem(atPath: screenshot, toPath: keep)  // for a human to look at
        let html = dom.stdout
        #expect(html.contains("<meta http-equiv=\"refresh\" content=\"2\">"))
        #expect(html.contains("<tr class=\"active\" data-host=\"esx01\"><td>esx01</td><td>VMware-VMvisor-Installer.iso</td><td class=\"n requests\">3</td>"))
        #expect(html.contains("<tr class=\"idle\" data-host=\"esx02\"><td>esx02</td><td>esxi.iso</td><td class=\"n requests\">0</td>"))
        #expect(html.contains("2 image(s) published"))
        #expect(!html.contains(live.published.token), "the status page must not reveal tokens")

        let status = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let images = try #require(status["images"] as? [[String: Any]])
        #expect(images.map { $0["host"] as? String } == ["esx01", "esx02"])
        #expect(images[0]["requests"] as? Int == 3)
        #expect(images[0]["rangesRead"] as? [[Int]] == [[0, 200], [500_000, Int(live.image.byteCount)]])
        #expect(images[1]["allowedPeers"] as? [String] == ["127.0.0.9"])
        #expect(!String(decoding: json, as: UTF8.self).contains(live.published.token))
    }
}
