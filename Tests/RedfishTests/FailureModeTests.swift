import Foundation
import Redfish
import Testing

/// Runs `body` with a connected driver inside a session.
@discardableResult
func withDriver<T: Sendable>(_ bmc: FakeBMC, _ body: @Sendable (BMCDriver) async throws -> T) async throws -> T {
    try await RedfishClient.fake(bmc).withSession { client in
        try await body(try await BMCDriver.connect(client: client))
    }
}

func mutate(_ bmc: FakeBMC, _ uri: String, _ change: JSONValue) {
    bmc.set(uri, FakeBMC.merge(bmc.resource(uri)!, change))
}

let dellSystem = "/redfish/v1/Systems/System.Embedded.1"
let dellManager = "/redfish/v1/Managers/iDRAC.Embedded.1"

/// One test per failure mode of reference/redfish-vendors.md §2 that the driver handles (F12 and F30 are
/// about the image server and belong to MediaServer; F19, keeping the session alive until the final eject,
/// to the Installer's workflow).
@Suite("Failure modes F1–F33 of redfish-vendors.md")
struct FailureModeTests {
    @Test("F1: every occupied CD slot is ejected, not only one holding our URL")
    func f1EjectAllSlots() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        mutate(bmc, dellSystem + "/VirtualMedia/2", ["Image": "http://192.0.2.7/other.iso", "Inserted": true, "ConnectedVia": "URI"])
        let ejected = try await withDriver(bmc) { try await $0.ejectAll() }
        #expect(ejected == [dellSystem + "/VirtualMedia/2", dellSystem + "/VirtualMedia/1"])   // in collection order (/2 first)
        #expect(bmc.writes.filter { $0.uri.hasSuffix("EjectMedia") }.count == 2)
    }

    @Test("F2: eject needs no image URL: a foreign image on an XCC EXT slot is removed by PATCH")
    func f2EjectWithoutURL() async throws {
        let bmc = try FakeBMC("lenovo-xcc")
        let ejected = try await withDriver(bmc) { try await $0.ejectAll() }
        #expect(ejected == ["/redfish/v1/Managers/1/VirtualMedia/EXT1"])
        #expect(bmc.resource("/redfish/v1/Managers/1/VirtualMedia/EXT1")?["Image"] == .null)
    }

    @Test("F3: slots are found under the System first, and under the Manager when the System's link is dead")
    func f3SlotDiscovery() async throws {
        let bmc = try FakeBMC("dell-idrac9-4x")
        mutate(bmc, dellSystem, ["VirtualMedia": ["@odata.id": .string(dellSystem + "/VirtualMedia")]])   // 404 there
        let slots = try await withDriver(bmc) { try await $0.mediaSlots() }
        #expect(slots.map(\.odataID) == [dellManager + "/VirtualMedia/CD", dellManager + "/VirtualMedia/RemovableDisk"])
        let modern = try FakeBMC("dell-idrac9-6x")
        _ = try await withDriver(modern) { try await $0.mediaSlots() }
        #expect(!modern.log.contains { $0.uri.hasPrefix(dellManager + "/VirtualMedia") })
    }

    @Test("F4: iDRAC RAC0904 reaches the operator with MessageId, message and Resolution; the session is deleted")
    func f4RemoteShareError() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        bmc.addRule { request, _ in
            request.uri.hasSuffix("InsertMedia") ? FakeBMC.error(400, "IDRAC.2.8.RAC0904", "Unable to connect to the remote file location because the remote file location is not accessible.",
                                                                 resolution: "Make sure the remote file location is accessible and retry the operation.") : nil
        }
        do {
            _ = try await withDriver(bmc) { try await $0.insert(url: isoURL) }
            Issue.record("insert succeeded")
        } catch let error as RedfishError {
            let text = error.description
            #expect(text.contains("POST \(dellSystem)/VirtualMedia/2/Actions/VirtualMedia.InsertMedia") || text.contains("VirtualMedia/1/Actions/VirtualMedia.InsertMedia"))
            #expect(text.contains("HTTP 400") && text.contains("IDRAC.2.8.RAC0904") && text.contains("Resolution: Make sure the remote file location is accessible"))
        }
        #expect(bmc.deletedSessions == ["/redfish/v1/SessionService/Sessions/1"])
    }

    @Test("F5: iDRAC8 (13G) sets one-time boot through the SCP VCD-DVD import, not the Boot PATCH")
    func f5OldDellUsesSCP() async throws {
        let bmc = try FakeBMC("dell-idrac9-4x")
        mutate(bmc, dellManager, ["Model": "13G Monolithic", "FirmwareVersion": "2.75.75.75"])
        let generation = try await withDriver(bmc) { driver in
            try await driver.setOneTimeBoot(.cd)
            return driver.profile.generation
        }
        #expect(generation == "iDRAC8")
        #expect(bmc.writes.contains { $0.uri.hasSuffix("EID_674_Manager.ImportSystemConfiguration") && ($0.body ?? "").contains("VCD-DVD") })
        #expect(!bmc.writes.contains { $0.method == "PATCH" })
    }

    @Test("F6: a system that refuses Boot (PropertyNotWritable) gets it through its @Redfish.Settings object")
    func f6SettingsFallback() async throws {
        let bmc = try FakeBMC("generic")
        let system = "/redfish/v1/Systems/437XR1138R2"
        mutate(bmc, system, ["@Redfish.Settings": ["SettingsObject": ["@odata.id": .string(system + "/SD")]]])
        bmc.set(system + "/SD", ["@odata.id": .string(system + "/SD"), "Boot": ["BootSourceOverrideTarget": "None"]])
        bmc.addRule { request, _ in
            request.method == "PATCH" && request.uri == system
                ? FakeBMC.error(400, "Base.1.18.PropertyNotWritable", "The property Boot is a read-only property and cannot be assigned a value.") : nil
        }
        try await withDriver(bmc) { try await $0.setOneTimeBoot(.cd) }
        #expect(bmc.writes.filter { $0.method == "PATCH" }.map(\.uri) == [system, system + "/SD"])
        #expect(bmc.resource(system + "/SD")?["Boot"]?["BootSourceOverrideTarget"] == "Cd")
    }

    @Test("F7: action POSTs never carry If-Match (iDRAC10 answers 412)")
    func f7NoIfMatchOnActions() async throws {
        let bmc = try FakeBMC("dell-idrac10")
        bmc.addRule { request, _ in
            request.method == "POST" && request.header("If-Match") != nil ? FakeBMC.error(412, "Base.1.18.PreconditionFailed", "If-Match on an action") : nil
        }
        try await installSequence(bmc)
        #expect(bmc.writes.filter { $0.method == "POST" }.allSatisfy { $0.ifMatch == nil })
    }

    @Test("F8: iDRAC10's transient 409 ActionParameterValueConflict on On is retried")
    func f8RetryConflict() async throws {
        let bmc = try FakeBMC("dell-idrac10")
        let failures = Counter(1)
        bmc.addRule { request, _ in
            request.uri.hasSuffix("ComputerSystem.Reset") && failures.take()
                ? FakeBMC.error(409, "Base.1.18.ActionParameterValueConflict", "The parameter ResetType with value On conflicts with the current state.") : nil
        }
        let outcome = try await withDriver(bmc) { try await $0.powerOn() }
        #expect(outcome == .changed)
        #expect(bmc.writes.filter { $0.uri.hasSuffix("ComputerSystem.Reset") }.count == 2)
    }

    @Test("F9: iDRAC10 inserts only into slot 1, even when slot 2 is listed first and empty")
    func f9IDRAC10SlotOne() async throws {
        let bmc = try FakeBMC("dell-idrac10")
        mutate(bmc, dellSystem + "/VirtualMedia", ["Members": [["@odata.id": .string(dellSystem + "/VirtualMedia/2")], ["@odata.id": .string(dellSystem + "/VirtualMedia/1")]]])
        mutate(bmc, dellSystem + "/VirtualMedia/2", ["Image": nil, "Inserted": false, "ConnectedVia": "NotConnected"])
        let slot = try await withDriver(bmc) { try await $0.insert(url: isoURL) }
        #expect(slot.odataID == dellSystem + "/VirtualMedia/1")
    }

    @Test("F9: an iDRAC10 that advertises no import and refuses Boot on Settings and System still gets the SCP import")
    func f9SCPFallback() async throws {
        let bmc = try FakeBMC("dell-idrac10")
        bmc.addRule { request, _ in
            request.method == "PATCH" ? FakeBMC.error(400, "Base.1.18.PropertyNotWritable", "The property Boot is a read-only property and cannot be assigned a value.") : nil
        }
        mutate(bmc, dellManager, ["Actions": nil])
        bmc.addRule { request, _ in
            request.method == "POST" && request.uri.hasSuffix("/Actions/Oem/OemManager.ImportSystemConfiguration")
                ? RedfishHTTPResponse(status: 202, headers: [("Location", "/redfish/v1/TaskService/Tasks/JID_471269252011")]) : nil
        }
        try await withDriver(bmc) { try await $0.setOneTimeBoot(.cd) }
        #expect(bmc.writes.filter { $0.method == "PATCH" }.map(\.uri) == [dellSystem + "/Settings", dellSystem])
        #expect(bmc.writes.last { $0.method == "POST" }?.uri == dellManager + "/Actions/Oem/OemManager.ImportSystemConfiguration")
    }

    @Test("F10: with a SessionService the client never sends Basic auth (iDRAC10 1.30 leaves Basic unadvertised)")
    func f10SessionsOverBasic() async throws {
        let bmc = try FakeBMC("dell-idrac10")
        try await installSequence(bmc)
        #expect(bmc.basicAuthRequests == 0)
        #expect(bmc.log.filter { $0.uri != "/redfish/v1/" && $0.uri != "/redfish/v1/SessionService/Sessions" }.count > 10)
        let client = RedfishClient.fake(bmc)
        let auth = try await client.withSession { await $0.authentication }
        guard case .session = auth else { Issue.record("used \(auth)"); return }
    }

    @Test("F11: a failed SCP job (LC068 pending configuration) is reported with the job's own message")
    func f11SCPJobFails() async throws {
        let bmc = try FakeBMC("dell-idrac9-4x")
        bmc.set("/redfish/v1/TaskService/Tasks/JID_471269252011", [
            "@odata.id": "/redfish/v1/TaskService/Tasks/JID_471269252011", "TaskState": "Exception", "TaskStatus": "Critical",
            "Messages": [["MessageId": "IDRAC.2.8.LC068", "Message": "Unable to complete the operation because a configuration job is pending.",
                          "Resolution": "Restart the server or delete the pending job and retry."]]])
        do {
            try await withDriver(bmc) { try await $0.setOneTimeBoot(.cd) }
            Issue.record("no error")
        } catch let error as RedfishError {
            #expect(error.description.contains("JID_471269252011 ended Exception"))
            #expect(error.description.contains("IDRAC.2.8.LC068"))
            #expect(error.description.contains("Resolution: Restart the server"))
        }
        #expect(bmc.liveSessions == 0)
    }

    @Test("F13: XCC inserts into EXT1, never into RDOC1 or Remote1 listed before it")
    func f13LenovoEXTOnly() async throws {
        let bmc = try FakeBMC("lenovo-xcc")
        bmc.requireIfMatch = true
        mutate(bmc, "/redfish/v1/Managers/1/VirtualMedia/EXT1", ["Image": nil, "Inserted": false, "ConnectedVia": "NotConnected"])
        let slot = try await withDriver(bmc) { try await $0.insert(url: isoURL) }
        #expect(slot.odataID == "/redfish/v1/Managers/1/VirtualMedia/EXT1")
        #expect(!bmc.writes.contains { $0.uri.contains("RDOC") || $0.uri.contains("Remote") })
    }

    @Test("F14: 428 Precondition Required → the resource is re-read and the PATCH repeated with If-Match")
    func f14PreconditionRequired() async throws {
        let bmc = try FakeBMC("lenovo-xcc")
        bmc.requireIfMatch = true
        bmc.etagStyle = nil      // the GETs carry no ETag, so the first PATCH goes without one
        try await withDriver(bmc) { try await $0.setOneTimeBoot(.cd) }
        let patches = bmc.writes.filter { $0.method == "PATCH" }
        #expect(patches.map(\.ifMatch) == [nil, "*"])
        #expect(bmc.resource("/redfish/v1/Systems/1")?["Boot"]?["BootSourceOverrideTarget"] == "Cd")
    }

    @Test("F15: 412 on a quoted ETag → the same tag unquoted (newer XCC)")
    func f15QuotingLadder() async throws {
        let bmc = try FakeBMC("lenovo-xcc2")
        bmc.addRule { request, _ in
            request.method == "PATCH" && (request.header("If-Match") ?? "").hasPrefix("\"")
                ? FakeBMC.error(412, "Base.1.15.PreconditionFailed", "ETag supplied did not match") : nil
        }
        try await withDriver(bmc) { try await $0.setOneTimeBoot(.cd) }
        #expect(bmc.writes.filter { $0.method == "PATCH" }.map(\.ifMatch) == ["\"v0\"", "v0"])
    }

    @Test("F16: a BMC that rejects Inserted gets the payload ladder down to {Image}")
    func f16PayloadLadder() async throws {
        let bmc = try FakeBMC("generic")
        bmc.etagStyle = nil
        bmc.addRule { request, _ in
            request.uri.hasSuffix("InsertMedia") && String(decoding: request.body ?? Data(), as: UTF8.self).contains("Inserted")
                ? FakeBMC.error(400, "Base.1.5.PropertyUnknown", "The property Inserted is not in the list of valid properties for the resource.") : nil
        }
        _ = try await withDriver(bmc) { try await $0.insert(url: isoURL) }
        #expect(bmc.writes.filter { $0.uri.hasSuffix("InsertMedia") }.map(\.body) == [fullInsert, #"{"Image":"\#(isoURL)","Inserted":true}"#, #"{"Image":"\#(isoURL)"}"#])
    }

    @Test("F17: ConnectedVia NotConnected means empty although ImageName stays (Supermicro)")
    func f17NotConnectedIsEmpty() async throws {
        let bmc = try FakeBMC("supermicro-x12")
        mutate(bmc, "/redfish/v1/Managers/1/VirtualMedia/CD1", ["Inserted": false, "ConnectedVia": "NotConnected", "ImageName": "previous.iso"])
        let ejected = try await withDriver(bmc) { try await $0.ejectAll() }
        #expect(ejected.isEmpty)
        #expect(bmc.writes == [login, logout])
    }

    @Test("F18: the session is deleted after an error and after cancellation")
    func f18SessionAlwaysDeleted() async throws {
        let failing = try FakeBMC("dell-idrac9-6x")
        failing.addRule { request, _ in request.uri.hasSuffix("ComputerSystem.Reset") ? FakeBMC.error(500, "Base.1.8.InternalError", "boom") : nil }
        await #expect(throws: RedfishError.self) { _ = try await withDriver(failing) { try await $0.powerOn() } }
        #expect(failing.deletedSessions.count == 1 && failing.liveSessions == 0)

        let hanging = try FakeBMC("dell-idrac9-6x")
        hanging.addRule { request, _ in
            if request.uri.hasSuffix("InsertMedia") { Thread.sleep(forTimeInterval: 0.01) }
            return nil
        }
        let slow = SlowTransport(inner: hanging, slowSuffix: "InsertMedia")
        let client = RedfishClient(transport: slow, credentials: .init(username: "admin", password: "secret-pw"))
        let task = Task { try await client.withSession { c in try await BMCDriver.connect(client: c).insert(url: isoURL) } }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await #expect(throws: (any Error).self) { _ = try await task.value }
        #expect(hanging.deletedSessions.count == 1 && hanging.liveSessions == 0)
    }

    @Test("F20: a 401 on an expired session → one new login and the request is repeated")
    func f20Relogin() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        let once = Counter(1)
        bmc.addRule { request, _ in
            request.uri == dellSystem + "/Actions/ComputerSystem.Reset" && request.header("X-Auth-Token") == "token-1" && once.take()
                ? FakeBMC.error(401, "Base.1.8.NoValidSession", "session timed out") : nil
        }
        _ = try await withDriver(bmc) { try await $0.powerOn() }
        #expect(bmc.writes.filter { $0.uri == "/redfish/v1/SessionService/Sessions" }.count == 2)
        #expect(bmc.writes.filter { $0.uri.hasSuffix("ComputerSystem.Reset") }.count == 2)
    }

    @Test("F21: an insert the BMC accepts but never shows fails with what the slot shows")
    func f21AcceptedButNotInserted() async throws {
        let bmc = try FakeBMC("hpe-ilo5")
        bmc.addRule { request, _ in
            request.uri.hasSuffix("InsertMedia")
                ? RedfishHTTPResponse(status: 200, body: Data(#"{"error":{"code":"iLO.0.10.ExtendedInfo","@Message.ExtendedInfo":[{"MessageId":"Base.1.4.Success"}]}}"#.utf8)) : nil
        }
        do {
            _ = try await RedfishClient.fake(bmc, settle: .milliseconds(300)).withSession { client in
                try await BMCDriver.connect(client: client).insert(url: isoURL)
            }
            Issue.record("no error")
        } catch let error as RedfishError {
            #expect(error.description.contains("insert: /redfish/v1/Managers/1/VirtualMedia/2 did not reach the expected state"))
            #expect(error.description.contains("Image null"))
        }
    }

    @Test("HPE's 200 with an error envelope holding Base.Success is success")
    func hpeSuccessEnvelope() async throws {
        let bmc = try FakeBMC("hpe-ilo5")
        bmc.addRule { request, bmc in
            guard request.uri.hasSuffix("InsertMedia") else { return nil }
            mutate(bmc, "/redfish/v1/Managers/1/VirtualMedia/2", ["Image": .string(isoURL), "Inserted": true, "ConnectedVia": "URI"])
            return RedfishHTTPResponse(status: 200, body: Data(#"{"error":{"code":"iLO.0.10.ExtendedInfo","message":"See @Message.ExtendedInfo for more information.","@Message.ExtendedInfo":[{"MessageId":"Base.1.4.Success"}]}}"#.utf8))
        }
        let slot = try await withDriver(bmc) { try await $0.insert(url: isoURL) }
        #expect(slot.image == isoURL)
    }

    @Test("F22: eject always sends a JSON body {} (iLO answers an empty POST with 415)")
    func f22EjectBody() async throws {
        let bmc = try FakeBMC("hpe-ilo5")
        bmc.addRule { request, _ in
            request.uri.hasSuffix("EjectMedia") && (request.body ?? Data()).isEmpty ? FakeBMC.error(415, "Base.1.4.UnsupportedMediaType", "empty body") : nil
        }
        let ejected = try await withDriver(bmc) { try await $0.ejectAll() }
        #expect(ejected == ["/redfish/v1/Managers/1/VirtualMedia/2"])
        #expect(bmc.writes.first { $0.uri.hasSuffix("EjectMedia") }?.body == "{}")
    }

    @Test("F23: On while already on (iLO InvalidOperationForSystemState) is not an error")
    func f23AlreadyOn() async throws {
        let bmc = try FakeBMC("hpe-ilo5")
        mutate(bmc, "/redfish/v1/Systems/1", ["PowerState": "Off"])   // a stale read
        bmc.addRule { request, bmc in
            guard request.uri.hasSuffix("ComputerSystem.Reset") else { return nil }
            mutate(bmc, "/redfish/v1/Systems/1", ["PowerState": "On"])
            return FakeBMC.error(400, "iLO.2.16.InvalidOperationForSystemState", "The operation cannot be performed because the server is already powered on.")
        }
        let outcome = try await withDriver(bmc) { try await $0.powerOn() }
        #expect(outcome == .changed)
        let alreadyOn = try await withDriver(bmc) { try await $0.powerOn() }
        #expect(alreadyOn == .alreadyInState)
    }

    @Test("F24: a boot PATCH refused during POST (UnableToModifyDuringSystemPOST) is retried with back-off")
    func f24DuringPOST() async throws {
        let bmc = try FakeBMC("hpe-ilo5")
        let failures = Counter(2)
        bmc.addRule { request, _ in
            request.method == "PATCH" && request.uri == "/redfish/v1/Systems/1" && failures.take()
                ? FakeBMC.error(400, "iLO.2.16.UnableToModifyDuringSystemPOST", "The value for the property cannot be changed while the server is in POST.") : nil
        }
        try await withDriver(bmc) { try await $0.setOneTimeBoot(.cd) }
        #expect(bmc.writes.filter { $0.method == "PATCH" && $0.uri == "/redfish/v1/Systems/1" }.count == 3)
    }

    @Test("F25: iLO 4's PropertyUnknown Inserted → Image-only insert")
    func f25ImageOnly() async throws {
        let bmc = try FakeBMC("hpe-ilo5")
        bmc.addRule { request, _ in
            request.uri.hasSuffix("InsertMedia") && String(decoding: request.body ?? Data(), as: UTF8.self).contains("Inserted")
                ? FakeBMC.error(400, "Base.0.10.PropertyUnknown", "The property Inserted is not in the list of valid properties.") : nil
        }
        let slot = try await withDriver(bmc) { try await $0.insert(url: isoURL) }
        #expect(slot.image == isoURL)
        #expect(bmc.writes.filter { $0.uri.hasSuffix("InsertMedia") }.last?.body == #"{"Image":"\#(isoURL)"}"#)
    }

    @Test("F26: 412 on a weak ETag → the strong form of the same tag")
    func f26WeakETag() async throws {
        let bmc = try FakeBMC("hpe-ilo5")
        bmc.etagStyle = "weak"
        bmc.addRule { request, _ in
            request.method == "PATCH" && (request.header("If-Match") ?? "").hasPrefix("W/") ? FakeBMC.error(412, "Base.1.4.PreconditionFailed", "weak ETag") : nil
        }
        _ = try await withDriver(bmc) { try await $0.clearBootOverride() }
        #expect(bmc.writes.filter { $0.method == "PATCH" }.map(\.ifMatch) == ["W/\"v0\"", "\"v0\""])
    }

    @Test("F27: an insert refused for a missing TransferProtocolType is repeated with it, from the URL's scheme")
    func f27TransferProtocolType() async throws {
        let bmc = try FakeBMC("generic")
        bmc.etagStyle = nil
        bmc.addRule { request, _ in
            request.uri.hasSuffix("InsertMedia") && !String(decoding: request.body ?? Data(), as: UTF8.self).contains("TransferProtocolType")
                ? FakeBMC.error(400, "Base.1.8.PropertyMissing", "The property TransferProtocolType is a required property and must be included in the request.") : nil
        }
        _ = try await withDriver(bmc) { try await $0.insert(url: isoURL) }
        #expect(bmc.writes.filter { $0.uri.hasSuffix("InsertMedia") }.last?.body == #"{"Image":"\#(isoURL)","Inserted":true,"TransferProtocolType":"HTTP","WriteProtected":true}"#)
    }

    @Test("F28: a slot already showing our URL (stale Dell state) is ejected and inserted again, not skipped")
    func f28StaleSameURL() async throws {
        let bmc = try FakeBMC("dell-idrac10")
        mutate(bmc, dellSystem + "/VirtualMedia/1", ["Image": .string(isoURL), "Inserted": true, "ConnectedVia": "URI"])
        _ = try await withDriver(bmc) { try await $0.insert(url: isoURL) }
        #expect(bmc.writes.map(\.uri).filter { $0.contains("VirtualMedia/1") } == [
            dellSystem + "/VirtualMedia/1/Actions/VirtualMedia.EjectMedia", dellSystem + "/VirtualMedia/1/Actions/VirtualMedia.InsertMedia"])
    }

    @Test("F29: URLs with a query, over 255 characters, or not ending in .iso are refused before any request")
    func f29URLForm() async throws {
        let bmc = try FakeBMC("generic")
        for bad in ["http://127.0.0.1/esxi.iso?token=1", "http://127.0.0.1/" + String(repeating: "a", count: 260) + ".iso", "http://127.0.0.1/esxi.img"] {
            do {
                _ = try await withDriver(bmc) { try await $0.insert(url: bad) }
                Issue.record("accepted \(bad)")
            } catch let error as RedfishError {
                #expect(error.description.hasPrefix("insert: "))
            }
        }
        #expect(bmc.writes.isEmpty)
    }

    @Test("F31: XCC3 is told not to verify an HTTPS image server's certificate (it answers 500 otherwise)")
    func f31XCC3HTTPS() async throws {
        let bmc = try FakeBMC("lenovo-xcc2")
        bmc.requireIfMatch = true
        mutate(bmc, "/redfish/v1/Managers/1", ["Model": "Lenovo XClarity Controller 3"])
        let https = "https://127.0.0.1:8443/esx-01/esxi.iso"
        _ = try await withDriver(bmc) { try await $0.insert(url: https) }
        #expect(bmc.writes.last { $0.method == "PATCH" }?.body == #"{"Image":"\#(https)","Inserted":true,"VerifyCertificate":false,"WriteProtected":true}"#)
        let xcc2 = try FakeBMC("lenovo-xcc2")
        _ = try await withDriver(xcc2) { try await $0.insert(url: https) }
        #expect(xcc2.writes.last { $0.method == "PATCH" }?.body?.contains("VerifyCertificate") == false)
    }

    @Test("F32: an image URL with a host name gets advice to use an IP literal; IP URLs do not")
    func f32HostName() {
        #expect(BMCDriver.imageURLAdvice("http://deploy.lab.local:8080/esx-01/esxi.iso")?.contains("IP literal") == true)
        #expect(BMCDriver.imageURLAdvice("http://10.0.0.5:8080/esx-01/esxi.iso") == nil)
        #expect(BMCDriver.imageURLAdvice("http://[fd00::5]:8080/esx-01/esxi.iso") == nil)
    }

    @Test("F33: an insert that shows up only after a few reads is waited for (no reset before the media is there)")
    func f33AttachLag() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        let reads = Counter(3)
        bmc.addRule { request, bmc in
            // After the insert, the first three reads still show the slot empty.
            guard request.method == "GET", request.uri == dellSystem + "/VirtualMedia/1",
                  bmc.writes.contains(where: { $0.uri.hasSuffix("InsertMedia") }), reads.take() else { return nil }
            var slot = bmc.resource(request.uri)!.objectValue!
            slot["Image"] = .null
            slot["Inserted"] = false
            return RedfishHTTPResponse(status: 200, body: JSONValue.object(slot).jsonData)
        }
        let slot = try await withDriver(bmc) { try await $0.insert(url: isoURL) }
        #expect(slot.image == isoURL)
        #expect(reads.remaining == 0)
    }

    @Test("a hosts-file vendor that disagrees with the BMC gives a warning, and the BMC's vendor is used")
    func vendorMismatch() async throws {
        let bmc = try FakeBMC("lenovo-xcc2")
        let client = RedfishClient.fake(bmc)
        let driver = try await client.withSession { try await BMCDriver.connect(client: $0, expectedVendor: .dell) }
        #expect(driver.profile.vendor == .lenovo)
        #expect(driver.warnings.first?.contains("hosts file says vendor dell, but the BMC reports lenovo (XCC2)") == true)
    }
}

/// A countdown shared with a rule: `take()` is true while any remain.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var left: Int
    init(_ count: Int) { left = count }
    func take() -> Bool { lock.withLock { if left > 0 { left -= 1; return true } else { return false } } }
    var remaining: Int { lock.withLock { left } }
}

/// Delays requests whose URI ends with `slowSuffix` for a minute (cancellable), like a BMC that hangs.
struct SlowTransport: HTTPTransport {
    let inner: FakeBMC
    let slowSuffix: String
    func send(_ request: RedfishHTTPRequest) async throws -> RedfishHTTPResponse {
        if request.uri.hasSuffix(slowSuffix) { try await Task.sleep(for: .seconds(60)) }
        return try await inner.send(request)
    }
}
