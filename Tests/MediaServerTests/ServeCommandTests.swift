import Foundation
import ISO9660
import TestSupport
import Testing
import Primitives

/// `vmedia serve` end to end: the old tool's config.yaml, an ESXi-shaped ISO, URLs checked against the files
/// `vmedia remaster` writes for the same hosts.
@Suite("vmedia serve", .serialized)
struct ServeCommandTests {
    static let config = Peer.packageRoot.appendingPathComponent("Fixtures/hosts/old-tool-config.yaml").path
    static let hosts = [("esxi-69-86", "10.172.70.186"), ("esxi-10-172-18-95", "10.172.18.191")]

    /// An ESXi-shaped installer ISO (the BOOT.CFG fixtures and a module) built with genisoimage.
    static func source(in directory: TemporaryDirectory) throws -> String {
        var rng = SplitMix64(seed: 5)
        return try GenisoimageESXiSource.make(in: directory, module: Data(rng.bytes(3 << 20)))
    }

    static func serve(_ arguments: [String], directory: TemporaryDirectory, log: String,
                      environment: [String: String] = [:]) async throws -> (BackgroundProcess, [String: Any]) {
        let server = try BackgroundProcess([VMediaBinary.path, "serve"] + arguments, output: directory.file(log), environment: environment)
        let line = try await server.waitForLine(prefix: "{", timeout: .seconds(60))
        let parsed = try JSONSerialization.jsonObject(with: Data(("{" + line).utf8)) as? [String: Any]
        let json = try #require(parsed, "not a JSON object: {\(line)")
        return (server, json)
    }

    static func urls(_ json: [String: Any]) -> [String: String] {
        var result: [String: String] = [:]
        for entry in json["hosts"] as? [[String: Any]] ?? [] {
            if let host = entry["host"] as? String, let url = entry["url"] as? String { result[host] = url }
        }
        return result
    }

    @Test("every host's URL serves exactly the bytes vmedia remaster writes: 1,000 random ranges each, curl and wget sha256")
    func serveMatchesRemaster() async throws {
        let python = try Peer.tool("python3"), curl = try Peer.tool("curl"), wget = try Peer.tool("wget")
        let directory = try TemporaryDirectory()
        let iso = try Self.source(in: directory)
        let output = directory.file("out")
        let remaster = try VMediaBinary.run(["remaster", "--config", Self.config, "--iso", iso, "--output", output])
        try #require(remaster.status == 0, "\(remaster.stderr)")

        let (server, json) = try await Self.serve(["--config", Self.config, "--iso", iso, "--listen", "127.0.0.1:0",
                                                   "--advertise", "127.0.0.1", "--any-peer", "--json"], directory: directory, log: "serve.log")
        defer { server.stop() }
        #expect(json["failed"] as? Int == 0)
        let urls = Self.urls(json)
        #expect(urls.count == 2)
        for (host, bmc) in Self.hosts {
            let url = try #require(urls[host], "no URL for \(host): \(json)")
            #expect(url.hasPrefix("http://127.0.0.1:") && url.hasSuffix("/VMware-VMvisor-Installer-8.0U3.iso") && url.count < 255)
            #expect(url.contains("/\(host)/"))
            let file = output + "/\(bmc)/VMware-VMvisor-Installer-8.0U3.iso"
            let ranges = try Peer.run([python, Scripts.path("range_client.py"), url, file, "1000", "3", "2"], timeout: 300)
            let result = try JSONSerialization.jsonObject(with: ranges.stdoutData) as? [String: Any]
            #expect(result?["ok"] as? Int == 1000, "\(host): \(ranges.stdout) \(ranges.stderr)")
            let expected = try LiveServer.sha256(file)
            let viaCurl = try Peer.run([curl, "-sS", "--fail", "-o", directory.file("\(host).curl"), url])
            #expect(viaCurl.status == 0)
            #expect(try LiveServer.sha256(directory.file("\(host).curl")) == expected)
            #expect(try Peer.run([wget, "-q", "-O", directory.file("\(host).wget"), url]).status == 0)
            #expect(try LiveServer.sha256(directory.file("\(host).wget")) == expected)
        }
        let status = try Peer.run([curl, "-sS", (json["status"] as? String ?? "") + ".json"]).stdout
        #expect(status.contains("\"host\":\"esxi-69-86\"") && status.contains("\"requests\":1002"), "\(status.prefix(400))")
        #expect(server.stop() == 0, "SIGTERM ends serve cleanly: \(server.output.suffix(500))")
        #expect(server.output.contains("media server shutting down"))
        // stdout (the JSON with the URLs) and stderr share the file; only the log lines must be token-free.
        let logLines = server.output.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("{") }
        #expect(logLines.count > 2000, "one access log line per request")
        for url in urls.values {
            let token = url.split(separator: "/")[3]
            #expect(!logLines.contains { $0.contains(token) }, "the access log must not contain full tokens")
        }
    }

    @Test("by default only the BMC may read (as in install); --any-peer opens it; --stable-tokens keeps URLs across runs")
    func allowlistAndStableTokens() async throws {
        let curl = try Peer.tool("curl")
        let directory = try TemporaryDirectory()
        let iso = try Self.source(in: directory)
        let seedEnvironment = ["VMEDIA_TOKEN_SEED_FILE": directory.file("seed/token-seed")]
        let arguments = ["--config", Self.config, "--iso", iso, "--listen", "127.0.0.1:0", "--advertise", "127.0.0.1",
                         "--json", "--stable-tokens"]

        let (first, firstJSON) = try await Self.serve(arguments, directory: directory, log: "1.log",
                                                      environment: seedEnvironment)
        let firstURLs = Self.urls(firstJSON)
        let refused = try Peer.run([curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", try #require(firstURLs["esxi-69-86"])])
        #expect(refused.stdout == "403", "127.0.0.1 is not the BMC 10.172.70.186")
        #expect(first.stop() == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("seed/token-seed"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let (second, secondJSON) = try await Self.serve(arguments + ["--any-peer"], directory: directory, log: "2.log", environment: seedEnvironment)
        defer { second.stop() }
        let paths = { (urls: [String: String]) in urls.mapValues { $0.split(separator: "/", maxSplits: 3).last.map(String.init) ?? "" } }
        #expect(paths(Self.urls(secondJSON)) == paths(firstURLs), "same seed, same paths (ports differ)")
        let served = try Peer.run([curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-r", "0-99",
                                   try #require(Self.urls(secondJSON)["esxi-69-86"])])
        #expect(served.stdout == "206")
    }

    @Test("bad arguments fail before serving, naming the fix", arguments: [
        (["--listen", "localhost:80"], "IP:PORT"), (["--advertise", "myhost"], "not an IP address"), (["--grace", "-1"], "--grace"),
        (["--any-peer", "--allow-bmc-only"], "contradict"),
    ])
    func badArguments(_ extra: [String], _ message: String) throws {
        let directory = try TemporaryDirectory()
        let iso = try Self.source(in: directory)
        let run = try VMediaBinary.run(["serve", "--config", Self.config, "--iso", iso] + extra, timeout: 60)
        #expect(run.status != 0)
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }
}
