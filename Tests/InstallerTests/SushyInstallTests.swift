import Foundation
import Testing
import TestSupport

/// `vmedia install --until media-read` against three sushy-tools emulators (an independent Redfish service, fake
/// driver) on distinct 127.0.<n>.1 addresses: each emulator's InsertMedia downloads its host's image from vmedia's
/// media server (the file it writes has the sha256 of `vmedia remaster`'s output for that host), and the boot
/// override and the power-on are seen in the emulator's own state.
@Suite("vmedia install against sushy-emulator", .serialized)
struct SushyInstallTests {
    static let password = "sushy-install-pw"

    final class Emulator: @unchecked Sendable {
        let process = Process()
        let address: String
        let port = 8000
        let directory: TemporaryDirectory
        var base: String { "http://\(address):\(port)" }

        init(address: String) throws {
            self.address = address
            let sushy = try Peer.tool("sushy-emulator", package: "sushy-tools (pip, Tests/Peers/setup.sh)")
            let venvPython = try Peer.python(module: "bcrypt")
            directory = try TemporaryDirectory(prefix: "vmedia-sushy-install")
            for sub in ["state", "tmp"] { try FileManager.default.createDirectory(atPath: directory.file(sub), withIntermediateDirectories: true) }
            let hash = try Peer.run([venvPython, "-c", "import bcrypt,sys; print('admin:' + bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(rounds=4)).decode())", SushyInstallTests.password])
            try Data(hash.stdout.utf8).write(to: URL(fileURLWithPath: directory.file("htpasswd")))
            let config = """
                SUSHY_EMULATOR_LISTEN_IP = '\(address)'
                SUSHY_EMULATOR_LISTEN_PORT = \(port)
                SUSHY_EMULATOR_FAKE_DRIVER = True
                SUSHY_EMULATOR_AUTH_FILE = '\(directory.file("htpasswd"))'
                SUSHY_EMULATOR_STATE_DIR = '\(directory.file("state"))'
                SUSHY_EMULATOR_FAKE_SYSTEMS = [{'uuid': '27946b59-9e44-4fa7-8e91-f3527a1ef094', 'name': 'fake', 'power_state': 'Off', 'nics': [{'mac': '00:5c:52:31:3a:9c', 'ip': '127.0.0.2'}]}]

                """
            try Data(config.utf8).write(to: URL(fileURLWithPath: directory.file("emulator.conf")))
            process.executableURL = URL(fileURLWithPath: sushy)
            process.arguments = ["--config", directory.file("emulator.conf")]
            process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": directory.file("tmp")]) { $1 }
            _ = FileManager.default.createFile(atPath: directory.file("log"), contents: nil)
            let logHandle = FileHandle(forWritingAtPath: directory.file("log"))
            process.standardOutput = logHandle
            process.standardError = logHandle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let curl = try Peer.tool("curl")
            for _ in 0..<60 {
                if try Peer.run([curl, "-sf", "-o", "/dev/null", base + "/redfish/v1/"], timeout: 5).status == 0 { return }
                Thread.sleep(forTimeInterval: 0.5)
            }
            stop()
            throw SushyNotStarted(description: "sushy-emulator did not start on \(base): \(log)")
        }

        func read(_ uri: String) throws -> [String: Any] {
            let result = try Peer.run([try Peer.tool("curl"), "-sf", "-u", "admin:\(SushyInstallTests.password)", base + uri], timeout: 10)
            return (try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]) ?? [:]
        }

        var log: String { (try? String(contentsOfFile: directory.file("log"), encoding: .utf8)) ?? "" }

        /// sushy-emulator downloads an inserted image into a temporary file under its TMPDIR and unlinks it on eject,
        /// which vmedia does before it exits. A hard link made while the file exists keeps the inode, so every byte
        /// the emulator wrote can be hashed afterwards. Called in a loop while the install runs.
        func keepDownloads() {
            let tmp = directory.file("tmp"), keep = directory.file("keep")
            try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
            guard let walker = FileManager.default.enumerator(atPath: tmp) else { return }
            for case let relative as String in walker {
                var info = stat()
                let path = tmp + "/" + relative
                guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                _ = link(path, keep + "/inode-\(info.st_ino)")  // EEXIST once kept: fine
            }
        }

        /// SHA-256 of every file the emulator downloaded.
        func downloadedDigests() throws -> [String] {
            let keep = directory.file("keep")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: keep)) ?? []
            return try names.map { name in
                let result = try Peer.run([try Peer.tool("sha256sum"), keep + "/" + name], timeout: 30)
                return String(result.stdout.prefix(64))
            }
        }

        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    @Test("three emulators each download their host's image (sha256 equal to vmedia remaster's file), are powered on, and have the boot override cleared afterwards")
    func threeEmulators() async throws {
        _ = try Peer.tool("sushy-emulator", package: "sushy-tools (pip, Tests/Peers/setup.sh)")
        _ = try Peer.python(module: "bcrypt")
        let directory = try TemporaryDirectory()
        let iso = directory.file("esxi.iso")
        let fixture = try VMediaBinary.run(["fixture", "--esxi", "8.0", "--output", iso, "--size", "8MiB"])
        try #require(fixture.status == 0, "\(fixture.stderr)")
        let emulators = try (0..<3).map { try Emulator(address: "127.0.\(151 + $0).1") }
        defer { emulators.forEach { $0.stop() } }
        var yaml = "hosts:\n"
        for (index, emulator) in emulators.enumerated() {
            yaml += """
                  - ipmi: {vendor: generic, address: "\(emulator.base)", username: admin, password: \(Self.password)}
                    esxi: {esxi_disk: "local", password: "Sushy-Root-2026", address: 192.0.2.\(index + 20), gateway: 192.0.2.1, netmask: 255.255.255.0, hostname: esx-sushy-\(index + 1), mgtnic: vmnic0}

                """
        }
        let hosts = directory.file("hosts.yaml")
        try yaml.write(toFile: hosts, atomically: true, encoding: .utf8)

        // The emulator downloads from 127.0.0.1 whatever address it listens on, like a BMC behind NAT: --any-peer.
        let watching = Watcher()
        let watcher = Thread {
            while !watching.stopped { emulators.forEach { $0.keepDownloads() }; Thread.sleep(forTimeInterval: 0.02) }
        }
        watcher.start()
        let install = try VMediaBinary.run(["install", "--config", hosts, "--iso", iso, "--listen", "127.0.0.1:0",
                                            "--until", "media-read", "--any-peer", "--json"], timeout: 300)
        watching.stop()
        #expect(install.status == 0, "\(install.stdout)\n\(install.stderr)")

        let remaster = try VMediaBinary.run(["remaster", "--config", hosts, "--iso", iso, "--output", directory.file("out"), "--json"])
        try #require(remaster.status == 0, "\(remaster.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: remaster.stdoutData) as? [String: Any])
        let sizes = Dictionary(uniqueKeysWithValues: ((report["hosts"] as? [[String: Any]]) ?? []).map {
            ($0["bmc"] as? String ?? "", ($0["byteCount"] as? NSNumber)?.int64Value ?? -1)
        })
        let digests = Dictionary(uniqueKeysWithValues: ((report["hosts"] as? [[String: Any]]) ?? []).map {
            ($0["bmc"] as? String ?? "", $0["sha256"] as? String ?? "")
        })
        // Each emulator fetched at least its whole image (the remastered size), read back from the NDJSON summary.
        let summaryLine = try #require(install.stdout.split(separator: "\n").last)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(summaryLine.utf8)) as? [String: Any])
        let served = Dictionary(uniqueKeysWithValues: ((summary["hosts"] as? [[String: Any]]) ?? []).map {
            ($0["bmc"] as? String ?? "", ($0["bytesRead"] as? NSNumber)?.int64Value ?? 0)
        })
        // sushy-tools copies the whole image during InsertMedia and reads nothing after the power action: the
        // media evidence says the full download is all there is, for each host.
        let media = install.stdout.split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .compactMap { $0["media"] as? String }
        #expect(media.filter { $0.contains("the evidence is the full download") }.count == emulators.count, "\(media)")
        for emulator in emulators {
            let size = sizes[emulator.address] ?? -1
            #expect(size > 0)
            #expect((served[emulator.base] ?? 0) >= size, "\(emulator.base): served \(served[emulator.base] ?? 0) of \(size)")
            // What the emulator itself wrote to disk is byte for byte its host's `vmedia remaster` output.
            let expected = try #require(digests[emulator.address], "no remaster digest for \(emulator.address)")
            #expect(expected.count == 64)
            let downloaded = try emulator.downloadedDigests()
            #expect(downloaded == [expected], "\(emulator.base): downloaded \(downloaded), remaster \(expected)")
            let system = try emulator.read("/redfish/v1/Systems/27946b59-9e44-4fa7-8e91-f3527a1ef094")
            #expect(system["PowerState"] as? String == "On")
            #expect((system["Boot"] as? [String: Any])?["BootSourceOverrideTarget"] as? String == "None", "\(system["Boot"] ?? "")")
            #expect(emulator.log.contains("InsertMedia") || emulator.log.contains("VirtualMedia"), "\(emulator.log)")
        }
    }
}

/// Tells the download watcher thread to stop.
final class Watcher: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    var stopped: Bool { lock.withLock { done } }
    func stop() { lock.withLock { done = true } }
}

struct SushyNotStarted: Error, CustomStringConvertible {
    let description: String
}
