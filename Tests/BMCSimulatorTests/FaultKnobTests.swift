import BMCSimulator
import Foundation
import Testing
import TestSupport

/// Each fault knob and the vendor quirks a client must survive, seen from the wire (curl) and from the
/// simulator's request log and session counter.
@Suite("Fault knobs, sessions and vendor quirks")
struct FaultKnobTests {
    func makeBMC(_ flavour: VendorFlavor, index: Int, tls: Bool = false, faults: FaultKnobs = .none,
                 initialPower: BMCConfiguration.InitialPower = .off) throws -> SimulatedBMC {
        try SimulatedBMC(configuration: BMCConfiguration(name: "fault-\(index)", flavour: flavour, address: "127.0.50.\(index)",
                                                         port: 8080, useTLS: tls, password: "pw-\(index)", index: index,
                                                         faults: faults, initialPowerState: initialPower))
    }

    func session(_ bmc: SimulatedBMC) async throws -> CurlClient {
        var client = CurlClient(baseURL: bmc.baseURL, user: "root", password: bmc.configuration.password)
        let reply = try await client.send("POST", "/redfish/v1/SessionService/Sessions",
                                          json: ["UserName": "root", "Password": bmc.configuration.password])
        guard reply.status == 201 else { throw TestFailure("login: \(reply.status) \(reply.body)") }
        client.token = reply.header("X-Auth-Token")
        return client
    }

    @Test("error rate 1: every authenticated request is a 500 InternalError; the service root still answers")
    func errorRate() async throws {
        var faults = FaultKnobs()
        faults.errorRate = 1
        try await withRunning(try makeBMC(.generic, index: 1, faults: faults)) { bmc in
            let client = try await session(bmc)
            #expect(try await client.send("GET", "/redfish/v1").status == 200)
            let reply = try await client.send("GET", "/redfish/v1/Systems/system")
            #expect(reply.status == 500)
            #expect(reply.messageID?.hasSuffix(".InternalError") == true)
        }
    }

    @Test("added latency delays every answer")
    func latency() async throws {
        var faults = FaultKnobs()
        faults.addedLatencyMilliseconds = 400
        try await withRunning(try makeBMC(.generic, index: 2, faults: faults)) { bmc in
            let client = CurlClient(baseURL: bmc.baseURL)
            let start = ContinuousClock.now
            let reply = try await client.send("GET", "/redfish/v1")
            #expect(reply.status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(400))
        }
    }

    @Test("a hung BMC accepts the connection and never answers")
    func hung() async throws {
        var faults = FaultKnobs()
        faults.hung = true
        try await withRunning(try makeBMC(.generic, index: 3, faults: faults)) { bmc in
            var client = CurlClient(baseURL: bmc.baseURL)
            client.timeout = 1
            let reply = try await client.send("GET", "/redfish/v1")
            #expect(reply.exitCode == 28, "curl exit \(reply.exitCode): \(reply.body)") // 28 = operation timed out
        }
    }

    @Test("sessions are counted; past the cap the vendor's error comes back; a deleted session frees a place")
    func sessionCap() async throws {
        var faults = FaultKnobs()
        faults.sessionCap = 2
        try await withRunning(try makeBMC(.generic, index: 4, faults: faults)) { bmc in
            let first = try await session(bmc)
            _ = try await session(bmc)
            #expect(bmc.liveSessionCount == 2)
            let refused = try await CurlClient(baseURL: bmc.baseURL).send("POST", "/redfish/v1/SessionService/Sessions",
                                                                          json: ["UserName": "root", "Password": "pw-4"])
            #expect(refused.status == 503)
            #expect(refused.messageID?.hasSuffix(".SessionLimitExceeded") == true)
            let sessions = try await first.send("GET", "/redfish/v1/SessionService/Sessions").json["Members"] as? [[String: Any]] ?? []
            let location = try #require(sessions.first?["@odata.id"] as? String)
            #expect(try await first.send("DELETE", location).status == 204)
            #expect(bmc.liveSessionCount == 1)
            _ = try await session(bmc)
            #expect(bmc.sessionsCreated == 3)
            let wrong = try await CurlClient(baseURL: bmc.baseURL).send("POST", "/redfish/v1/SessionService/Sessions",
                                                                        json: ["UserName": "root", "Password": "nope"])
            #expect(wrong.status == 401)
            #expect(!bmc.requestLog.contains { $0.body.contains("pw-4") || $0.body.contains("nope") })
        }
    }

    @Test("iDRAC at its session cap answers 503 RAC0218 (F18)")
    func dellSessionCap() async throws {
        var faults = FaultKnobs()
        faults.sessionCap = 1
        try await withRunning(try makeBMC(.dellIDRAC9, index: 5, faults: faults)) { bmc in
            _ = try await session(bmc)
            let refused = try await CurlClient(baseURL: bmc.baseURL).send("POST", "/redfish/v1/SessionService/Sessions",
                                                                          json: ["UserName": "root", "Password": "pw-5"])
            #expect(refused.status == 503)
            #expect(refused.messageID == "IDRAC.2.8.RAC0218")
        }
    }

    @Test("If-Match required: 428 without it, 412 with a stale value, success with the current ETag")
    func requireIfMatch() async throws {
        var faults = FaultKnobs()
        faults.requireIfMatch = true
        try await withRunning(try makeBMC(.generic, index: 6, faults: faults)) { bmc in
            let client = try await session(bmc)
            let path = "/redfish/v1/Systems/system"
            let body = ["Boot": ["BootSourceOverrideEnabled": "Once", "BootSourceOverrideTarget": "Cd"]]
            #expect(try await client.send("PATCH", path, json: body).status == 428)
            #expect(try await client.send("PATCH", path, json: body, headers: ["If-Match": "\"0\""]).status == 412)
            let etag = try #require(try await client.send("GET", path).header("ETag"))
            #expect(try await client.send("PATCH", path, json: body, headers: ["If-Match": etag]).status == 204)
            #expect(bmc.bootOverride == ("Once", "Cd"))
        }
    }

    @Test("stale-ETag knob: the first PATCH with a current ETag gets 412, the refetch-and-retry succeeds (F15)")
    func staleETags() async throws {
        var faults = FaultKnobs()
        faults.staleETagCount = 1
        try await withRunning(try makeBMC(.lenovoXCC, index: 7, faults: faults)) { bmc in
            let client = try await session(bmc)
            let path = "/redfish/v1/Systems/1"
            let body = ["Boot": ["BootSourceOverrideEnabled": "Once", "BootSourceOverrideTarget": "Cd"]]
            // XCC always wants If-Match (F14).
            #expect(try await client.send("PATCH", path, json: body).status == 428)
            var etag = try #require(try await client.send("GET", path).header("ETag"))
            #expect(try await client.send("PATCH", path, json: body, headers: ["If-Match": etag]).status == 412)
            etag = try #require(try await client.send("GET", path).header("ETag"))
            #expect(try await client.send("PATCH", path, json: body, headers: ["If-Match": etag]).status == 200)
            #expect(bmc.requestLog.filter { $0.method == "PATCH" }.map(\.status) == [428, 412, 200])
        }
    }

    @Test("power lag: PowerState reads PoweringOn, then On")
    func powerLag() async throws {
        var faults = FaultKnobs()
        // Long enough that the next curl call (a process spawn, slow on a loaded CI machine) lands inside it.
        faults.powerLagMilliseconds = 4000
        try await withRunning(try makeBMC(.supermicro, index: 8, faults: faults)) { bmc in
            let client = try await session(bmc)
            #expect(try await client.send("POST", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset", json: ["ResetType": "On"]).status == 204)
            // Read in-process right after the answer: another curl spawn may take seconds on a loaded machine.
            #expect(bmc.powerState == "PoweringOn")
            var state = ""
            for _ in 0..<100 where state != "On" {
                try await Task.sleep(for: .milliseconds(200))
                state = try await client.send("GET", "/redfish/v1/Systems/1").json["PowerState"] as? String ?? ""
            }
            #expect(state == "On")
        }
    }

    @Test("slow Dell insert: 202 + Task (JID_…) Running, then Completed with the media inserted")
    func slowInsert() async throws {
        let directory = try TemporaryDirectory()
        try Data(count: 4096).write(to: URL(fileURLWithPath: directory.file("x.iso")))
        let nginx = try NginxRangeServer(address: "127.0.51.9", port: 8080, serving: directory.path)
        var faults = FaultKnobs()
        faults.slowInsertMilliseconds = 4000
        try await withRunning(try makeBMC(.dellIDRAC9, index: 9, faults: faults)) { bmc in
            let client = try await session(bmc)
            let reply = try await client.send("POST", "/redfish/v1/Managers/iDRAC.Embedded.1/VirtualMedia/CD/Actions/VirtualMedia.InsertMedia",
                                              json: ["Image": nginx.url("/x.iso"), "Inserted": true, "WriteProtected": true])
            #expect(reply.status == 202)
            let location = try #require(reply.header("Location"))
            #expect(location.contains("/TaskService/Tasks/JID_"))
            #expect(try await client.send("GET", location).json["TaskState"] as? String == "Running")
            #expect(bmc.insertedMedia.isEmpty)
            var state = ""
            for _ in 0..<100 where state != "Completed" {
                try await Task.sleep(for: .milliseconds(200))
                state = try await client.send("GET", location).json["TaskState"] as? String ?? ""
            }
            #expect(state == "Completed")
            #expect(bmc.insertedMedia["CD"] == nginx.url("/x.iso"))
        }
    }

    @Test("a BMC that never reads the media boots without it and fetches nothing")
    func neverReadsMedia() async throws {
        let directory = try TemporaryDirectory()
        _ = try TestImage.make(in: directory, kickstart: .init(ip: "127.0.51.11"))
        let nginx = try NginxRangeServer(address: "127.0.51.10", port: 8080, serving: directory.path)
        var faults = FaultKnobs()
        faults.neverReadsMedia = true
        try await withRunning(try makeBMC(.dellIDRAC9, index: 10, faults: faults)) { bmc in
            var flow = ReferenceFlow(bmc: bmc, password: bmc.configuration.password)
            try await flow.login()
            #expect(try await flow.insert(nginx.url("/esxi.iso"), imageOnly: false).status == 204)
            #expect(try await flow.bootOnceFromCD().status == 202)   // the SCP import's job
            #expect(try await flow.reset("On").status == 204)
            let phase = await bmc.waitForPhase(timeout: .seconds(10)) { if case .noInstallerBooted = $0 { return true }; return false }
            guard case .noInstallerBooted(let reason) = phase else { Issue.record("phase: \(phase)"); return }
            #expect(reason.contains("never read"))
            #expect(bmc.mediaRequestCount == 0)
            #expect(!nginx.accessLog.contains { $0.request.contains("esxi.iso") })
            try await flow.logout()
        }
    }

    @Test("Dell insert opens the URL during the call: an unreachable image is 400 RAC0904 (F4)")
    func dellUnreachableImage() async throws {
        try await withRunning(try makeBMC(.dellIDRAC9, index: 12)) { bmc in
            let client = try await session(bmc)
            let reply = try await client.send("POST", "/redfish/v1/Managers/iDRAC.Embedded.1/VirtualMedia/CD/Actions/VirtualMedia.InsertMedia",
                                              json: ["Image": "http://127.0.51.12:9/missing.iso"])
            #expect(reply.status == 400)
            #expect(reply.messageID == "IDRAC.2.8.RAC0904")
            #expect(bmc.insertedMedia.isEmpty)
        }
    }

    @Test("iDRAC10: Basic auth refused (F10), Boot only via Settings (F6), If-Match on actions is 412 (F7)")
    func iDRAC10Quirks() async throws {
        try await withRunning(try makeBMC(.dellIDRAC10, index: 13, tls: true)) { bmc in
            let basic = try await CurlClient(baseURL: bmc.baseURL, user: "root", password: "pw-13")
                .send("GET", "/redfish/v1/Systems/System.Embedded.1", basicAuth: true)
            #expect(basic.status == 401)
            #expect(basic.messageID == "Base.1.18.AccessDenied")
            let client = try await session(bmc)
            let body = ["Boot": ["BootSourceOverrideEnabled": "Once", "BootSourceOverrideTarget": "Cd"]]
            let onSystem = try await client.send("PATCH", "/redfish/v1/Systems/System.Embedded.1", json: body)
            #expect(onSystem.status == 400)
            #expect(onSystem.messageID == "Base.1.18.PropertyNotWritable")
            #expect(try await client.send("PATCH", "/redfish/v1/Systems/System.Embedded.1/Settings", json: body).status == 200)
            let reset = try await client.send("POST", "/redfish/v1/Systems/System.Embedded.1/Actions/ComputerSystem.Reset",
                                              json: ["ResetType": "On"], headers: ["If-Match": "*"])
            #expect(reset.status == 412)
        }
    }

    @Test("iLO 5: eject needs a JSON body (F22), ejecting an empty slot errors, On when on is refused (F23)")
    func iLOQuirks() async throws {
        try await withRunning(try makeBMC(.hpeILO5, index: 14, initialPower: .on)) { bmc in
            let client = try await session(bmc)
            let eject = "/redfish/v1/Managers/1/VirtualMedia/2/Actions/VirtualMedia.EjectMedia"
            #expect(try await client.send("POST", eject).status == 415)
            let empty = try await client.send("POST", eject, json: [String: Any]())
            #expect(empty.status == 400)
            #expect(empty.messageID == "iLO.2.23.NoVirtualMediaConnectionAvailable")
            let on = try await client.send("POST", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset", json: ["ResetType": "On"])
            #expect(on.status == 400)
            #expect(on.messageID == "iLO.2.16.InvalidOperationForSystemState")
            let root = try await client.send("GET", "/redfish/v1").json
            #expect(root["Vendor"] as? String == "HPE")
            let etag = try await client.send("GET", "/redfish/v1/Managers/1/VirtualMedia/2").header("ETag")
            #expect(etag?.hasPrefix("W/\"") == true)
        }
    }

    @Test("Supermicro: Inserted in the insert body is PropertyUnknown (F16); ImageName survives eject (F17)")
    func supermicroQuirks() async throws {
        let directory = try TemporaryDirectory()
        try Data(count: 4096).write(to: URL(fileURLWithPath: directory.file("x.iso")))
        let nginx = try NginxRangeServer(address: "127.0.51.15", port: 8080, serving: directory.path)
        try await withRunning(try makeBMC(.supermicro, index: 15)) { bmc in
            let client = try await session(bmc)
            let slot = "/redfish/v1/Managers/1/VirtualMedia/CD1"
            let full = try await client.send("POST", slot + "/Actions/VirtualMedia.InsertMedia",
                                             json: ["Image": nginx.url("/x.iso"), "Inserted": true])
            #expect(full.status == 400)
            #expect(full.messageID?.hasSuffix(".PropertyUnknown") == true)
            #expect(try await client.send("POST", slot + "/Actions/VirtualMedia.InsertMedia", json: ["Image": nginx.url("/x.iso")]).status == 204)
            #expect(try await client.send("POST", slot + "/Actions/VirtualMedia.EjectMedia", json: [String: Any]()).status == 204)
            let after = try await client.send("GET", slot).json
            #expect(after["ImageName"] as? String == "x.iso")
            #expect(after["ConnectedVia"] as? String == "NotConnected")
            #expect(after["Inserted"] as? Bool == false)
        }
    }

    @Test("XCC: no InsertMedia action on EXT slots (F13); Remote/RDOC slots refuse URLs")
    func xccQuirks() async throws {
        try await withRunning(try makeBMC(.lenovoXCC, index: 16)) { bmc in
            let client = try await session(bmc)
            let post = try await client.send("POST", "/redfish/v1/Managers/1/VirtualMedia/EXT1/Actions/VirtualMedia.InsertMedia",
                                             json: ["Image": "http://127.0.51.16/x.iso"])
            #expect(post.status == 404)
            let rdoc = "/redfish/v1/Managers/1/VirtualMedia/RDOC1"
            let etag = try #require(try await client.send("GET", rdoc).header("ETag"))
            let refused = try await client.send("PATCH", rdoc, json: ["Image": "http://127.0.51.16/x.iso", "Inserted": true],
                                                headers: ["If-Match": etag])
            #expect(refused.status == 400)
            #expect(bmc.insertedMedia.isEmpty)
        }
    }

    @Test("the embedded TLS certificate is the committed fixture, and openssl accepts it")
    func certificateMatchesFixture() throws {
        let openssl = try Peer.tool("openssl")
        let fixtures = Peer.packageRoot.appendingPathComponent("Fixtures/simulator")
        let cert = try String(contentsOf: fixtures.appendingPathComponent("simulator-cert.pem"), encoding: .utf8)
        let key = try String(contentsOf: fixtures.appendingPathComponent("simulator-key.pem"), encoding: .utf8)
        #expect(cert.trimmingCharacters(in: .whitespacesAndNewlines) == SimulatorCertificate.certificatePEM.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(key.trimmingCharacters(in: .whitespacesAndNewlines) == SimulatorCertificate.privateKeyPEM.trimmingCharacters(in: .whitespacesAndNewlines))
        let check = try Peer.run([openssl, "x509", "-noout", "-ext", "subjectAltName"], stdin: Data(cert.utf8))
        #expect(check.status == 0)
        #expect(check.stdout.contains("127.0.0.1"))
    }
}
