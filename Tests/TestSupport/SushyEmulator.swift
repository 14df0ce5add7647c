import Foundation

/// sushy-tools' sushy-emulator (fake driver, Basic auth), set up per redfish-testbed.md §1/§4, with a fresh state
/// folder: an independent Redfish service. On `address` (each emulator of a test gets its own 127.x.y.z) and `port`
/// (a free one by default), optionally over TLS, with a python http.server beside it offering a 1 MiB image.
public final class SushyEmulator: @unchecked Sendable {
    public static let password = "sushy-pw-7f3e"
    public static let system = "/redfish/v1/Systems/27946b59-9e44-4fa7-8e91-f3527a1ef094"
    public let dir: TemporaryDirectory
    public let address: String
    public let port: Int
    public let isoPort: Int
    public let scheme: String
    public private(set) var emulator: BackgroundProcess?
    public private(set) var isoServer: BackgroundProcess?
    public var base: String { "\(scheme)://\(address):\(port)" }
    /// The 1 MiB test image the ISO server offers.
    public var isoURL: String { "http://\(address):\(isoPort)/esx-01/esxi.iso" }
    /// What the emulator has logged (its requests, errors).
    public var log: String { emulator?.output ?? "" }

    /// Looks the peers up in the test's own context (a missing peer cancels the test, or fails it under CI).
    public static func checkPeers() throws {
        _ = try Peer.tool("sushy-emulator", package: "sushy-tools (pip, Tests/Peers/setup.sh)")
        _ = try Peer.python(module: "bcrypt")
        _ = try Peer.tool("python3")
        _ = try Peer.tool("curl")
    }

    /// `extraConfig`: more emulator.conf lines (Python), e.g. SUSHY_EMULATOR_STORAGE / _DRIVES.
    public init(address: String = "127.0.0.1", port: Int? = nil, certificate: (cert: String, key: String)? = nil,
                extraConfig: String = "") throws {
        let sushy = try Peer.tool("sushy-emulator", package: "sushy-tools (pip, Tests/Peers/setup.sh)")
        let venvPython = try Peer.python(module: "bcrypt")
        let python = try Peer.tool("python3")
        self.address = address
        dir = try TemporaryDirectory(prefix: "vmedia-sushy")
        self.port = try port ?? freePort(on: address)
        isoPort = try freePort(on: address)
        scheme = certificate == nil ? "http" : "https"
        for sub in ["state", "tmp", "iso/esx-01"] { try FileManager.default.createDirectory(atPath: dir.file(sub), withIntermediateDirectories: true) }
        // bcrypt cost 4: the default 12 adds ~0.2 s to every request (bcrypt runs per request).
        let hash = try Peer.run([venvPython, "-c", "import bcrypt,sys; print('admin:' + bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(rounds=4)).decode())", Self.password])
        try Data(hash.stdout.utf8).write(to: URL(fileURLWithPath: dir.file("htpasswd")))
        var config = """
            SUSHY_EMULATOR_LISTEN_IP = '\(address)'
            SUSHY_EMULATOR_LISTEN_PORT = \(self.port)
            SUSHY_EMULATOR_FAKE_DRIVER = True
            SUSHY_EMULATOR_AUTH_FILE = '\(dir.file("htpasswd"))'
            SUSHY_EMULATOR_STATE_DIR = '\(dir.file("state"))'
            SUSHY_EMULATOR_FAKE_SYSTEMS = [{'uuid': '27946b59-9e44-4fa7-8e91-f3527a1ef094', 'name': 'fake', 'power_state': 'Off', 'nics': [{'mac': '00:5c:52:31:3a:9c', 'ip': '127.0.0.2'}]}]

            """
        config += extraConfig
        if let certificate { config += "SUSHY_EMULATOR_SSL_CERT = '\(certificate.cert)'\nSUSHY_EMULATOR_SSL_KEY = '\(certificate.key)'\n" }
        try Data(config.utf8).write(to: URL(fileURLWithPath: dir.file("emulator.conf")))
        try Data(repeating: 0x45, count: 1 << 20).write(to: URL(fileURLWithPath: dir.file("iso/esx-01/esxi.iso")))
        isoServer = try BackgroundProcess([python, "-m", "http.server", String(isoPort), "--bind", address, "--directory", dir.file("iso")],
                                          output: dir.file("iso.log"))
        // TMPDIR: InsertMedia stores a full copy of every image there.
        emulator = try BackgroundProcess([sushy, "--config", dir.file("emulator.conf")], output: dir.file("emulator.log"),
                                         environment: ["TMPDIR": dir.file("tmp")])
        let curl = try Peer.tool("curl")
        for _ in 0..<60 {
            let probe = try Peer.run([curl, "-ksf", "-o", "/dev/null", base + "/redfish/v1/"], timeout: 5)
            if probe.status == 0 { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        stop()
        throw TestSetupError("sushy-emulator did not start on \(base): \(log)")
    }

    /// SIGKILL: the emulator and the ISO server inherit the test process's blocked SIGTERM.
    public func stop() {
        emulator?.kill()
        isoServer?.kill()
    }

    deinit { stop() }

    /// `vmedia bmc --bmc BASE --username admin --password-env SUSHY_PW ARGS…` (or another BMC command).
    public func vmedia(_ arguments: [String], command: String = "bmc", timeout: TimeInterval = 120) async throws -> Peer.Result {
        let base = self.base
        return try await offPool { try VMediaBinary.run([command, "--bmc", base, "--username", "admin", "--password-env", "SUSHY_PW"] + arguments,
                             environment: ["SUSHY_PW": Self.password], timeout: timeout) }
    }

    /// The emulator's own view of a resource, read with curl (an independent client).
    public func read(_ uri: String) async throws -> [String: Any] {
        let url = base + uri
        let result = try await offPool { try Peer.run([try Peer.tool("curl"), "-ksf", "-u", "admin:\(Self.password)", url], timeout: 10) }
        return (try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]) ?? [:]
    }

    /// sushy-emulator downloads an inserted image into a temporary file under its TMPDIR and unlinks it on eject.
    /// A hard link made while the file exists keeps the inode, so every byte the emulator wrote can be hashed
    /// afterwards. Call it in a loop while the insert runs.
    public func keepDownloads() {
        let tmp = dir.file("tmp"), keep = dir.file("keep")
        try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
        guard let walker = FileManager.default.enumerator(atPath: tmp) else { return }
        for case let relative as String in walker {
            var info = stat()
            let path = tmp + "/" + relative
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            _ = link(path, keep + "/inode-\(info.st_ino)")  // EEXIST once kept: fine
        }
    }

    /// SHA-256 of every file the emulator downloaded (kept by `keepDownloads`).
    public func downloadedDigests() throws -> [String] {
        let keep = dir.file("keep")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: keep)) ?? []
        return try names.map { name in
            let result = try Peer.run([try Peer.tool("sha256sum"), keep + "/" + name], timeout: 30)
            return String(result.stdout.prefix(64))
        }
    }
}
