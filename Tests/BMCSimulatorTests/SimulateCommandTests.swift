import Foundation
import Testing
import TestSupport

@Suite("vmedia simulate")
struct SimulateCommandTests {
    /// Starts `vmedia simulate ARGUMENTS --duration 60 --json` and returns it with its `started` line.
    static func simulate(_ arguments: [String], password: String) throws -> (Process, [String: Any]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: VMediaBinary.path)
        process.arguments = ["simulate"] + arguments + ["--duration", "60", "--json"]
        process.environment = ["VMEDIA_SIMULATOR_PASSWORD": password]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var started = Data()
        let deadline = Date().addingTimeInterval(30)
        while !started.contains(UInt8(ascii: "\n")), process.isRunning, Date() < deadline { started.append(out.fileHandleForReading.availableData) }
        guard let line = started.split(separator: UInt8(ascii: "\n")).first,
              let first = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            if process.isRunning { process.terminate() }
            throw TestFailure("vmedia simulate printed no started line: \(String(decoding: started, as: UTF8.self))")
        }
        return (process, first)
    }

    @Test("--json prints a started line with every BMC and a stopped line, and never the password")
    func jsonOutput() throws {
        let marker = "Pw-\(UUID().uuidString)"
        let result = try VMediaBinary.run(["simulate", "--count", "3", "--vendors", "xcc,ilo5", "--first-address", "127.0.61.1",
                                           "--port", "0", "--plain-http", "--duration", "0.5", "--json"],
                                          environment: ["VMEDIA_SIMULATOR_PASSWORD": marker], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains(marker) && !result.stderr.contains(marker))
        let lines = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        try #require(lines.count == 2, "stdout: \(result.stdout)")
        #expect(lines[0]["event"] as? String == "started")
        let bmcs = lines[0]["bmcs"] as? [[String: Any]] ?? []
        #expect(bmcs.map { $0["address"] as? String } == ["127.0.61.1", "127.0.61.2", "127.0.61.3"])
        #expect(bmcs.map { $0["flavour"] as? String } == ["xcc", "ilo5", "xcc"])
        #expect(bmcs.allSatisfy { ($0["passwordSource"] as? String)?.contains("VMEDIA_SIMULATOR_PASSWORD") == true })
        #expect(bmcs.allSatisfy { ($0["port"] as? Int ?? 0) > 0 })
        #expect(lines[1]["event"] as? String == "stopped")
    }

    @Test("--hosts-file writes a simulated: true hosts file for the fleet that vmedia check reads; the password stays a ${VARIABLE}")
    func hostsFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("lab.yaml")
        let marker = "Pw-\(UUID().uuidString)"
        // The started line comes after the file is written.
        let (process, first) = try Self.simulate(["--count", "2", "--vendors", "supermicro,idrac10", "--first-address", "127.0.62.20",
                                                  "--port", "0", "--hostname-prefix", "lab", "--hosts-file", path], password: marker)
        defer { if process.isRunning { process.terminate() } }
        #expect(first["hostsFile"] as? String == path)
        let bmcs = first["bmcs"] as? [[String: Any]] ?? []
        let yaml = try String(contentsOfFile: path, encoding: .utf8)
        #expect(yaml.hasPrefix("# A lab of simulated BMCs") && yaml.contains("\nsimulated: true\nhosts:\n"), "\(yaml)")
        #expect(yaml.contains("password: \"${VMEDIA_SIMULATOR_PASSWORD}\"") && !yaml.contains(marker), "\(yaml)")
        for (index, bmc) in bmcs.enumerated() {
            #expect(yaml.contains("address: \"https://\(bmc["address"] as? String ?? "?"):\(bmc["port"] as? Int ?? 0)\""), "\(yaml)")
            #expect(yaml.contains("address: 127.0.63.\(20 + index), gateway: 127.0.0.1, netmask: 255.255.0.0, hostname: lab-0\(index + 1)"), "\(yaml)")
        }
        #expect(yaml.contains("vendor: supermicro") && yaml.contains("vendor: dell"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0, "the file may hold a password: mode 0600")

        // vmedia check logs in to both simulated BMCs with the file as written (the password from the environment).
        let check = try VMediaBinary.run(["check", "--config", path, "--json"], environment: ["VMEDIA_SIMULATOR_PASSWORD": marker], timeout: 60)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(!check.stdout.contains(marker) && !check.stderr.contains(marker))
        let lines = check.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 3 && lines.last?["summary"] as? Bool == true && lines.last?["succeeded"] as? Int == 2, "\(check.stdout)")

        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("--secure-boot: every BMC reports SecureBootEnable true at the system's SecureBoot link")
    func secureBootKnob() throws {
        let curl = try Peer.tool("curl")
        let marker = "Pw-\(UUID().uuidString)"
        let (process, first) = try Self.simulate(["--count", "1", "--vendors", "generic", "--first-address", "127.0.64.10",
                                                  "--port", "0", "--plain-http", "--secure-boot"], password: marker)
        defer { if process.isRunning { process.terminate() } }
        let bmc = try #require((first["bmcs"] as? [[String: Any]])?.first)
        let base = "http://127.0.64.10:\(bmc["port"] as? Int ?? 0)"
        func get(_ path: String) throws -> [String: Any] {
            let result = try Peer.run([curl, "-s", "-u", "root:\(marker)", base + path], timeout: 30)
            return (try? JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]) ?? [:]
        }
        let systems = try get("/redfish/v1/Systems")
        let systemPath = try #require(((systems["Members"] as? [[String: Any]])?.first?["@odata.id"]) as? String)
        let link = try #require((try get(systemPath)["SecureBoot"] as? [String: Any])?["@odata.id"] as? String)
        let secureBoot = try get(link)
        #expect(secureBoot["SecureBootEnable"] as? Bool == true, "\(secureBoot)")
        #expect(secureBoot["SecureBootCurrentBoot"] as? String == "Enabled")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
    }

    @Test("a non-loopback address is refused with exit 1 and a message naming the fix")
    func refusesRealAddresses() throws {
        let result = try VMediaBinary.run(["simulate", "--first-address", "192.0.2.10", "--duration", "0.1"], timeout: 30)
        #expect(result.status == 1)
        #expect(result.stderr.contains("127.0.0.0/8"))
    }

    @Test("an unknown vendor is a usage error (exit 64)")
    func unknownVendor() throws {
        let result = try VMediaBinary.run(["simulate", "--vendors", "cisco"], timeout: 30)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--vendors"))
    }
}
