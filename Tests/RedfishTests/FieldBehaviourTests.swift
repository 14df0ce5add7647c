import Foundation
import Redfish
import Testing

/// One test per field behaviour of reference/redfish-vendors.md §7 (issue 12), each against a recorded BMC whose
/// answers are the ones the cited bug reports show. Every test fails without the handling it names.
@Suite("Field behaviour of redfish-vendors.md §7")
struct FieldBehaviourTests {
    static let importPath = dellManager + "/Actions/Oem/EID_674_Manager.ImportSystemConfiguration"

    // MARK: Dell iDRAC

    @Test("Dell: the virtual CD boots once through the SCP import on iDRAC9 6.x and iDRAC10, never through a Boot PATCH")
    func dellImportOnEveryGeneration() async throws {
        for set in ["dell-idrac9-4x", "dell-idrac9-6x", "dell-idrac10"] {
            let bmc = try FakeBMC(set)
            try await withDriver(bmc) { try await $0.setOneTimeBoot(.cd) }
            #expect(bmc.writes.contains { $0.uri.hasSuffix("ImportSystemConfiguration") && $0.body == scpBootOnce }, "\(set)")
            #expect(!bmc.writes.contains { $0.method == "PATCH" }, "\(set): \(bmc.writes)")
        }
    }

    @Test("Dell: an iDRAC whose Manager offers no import falls back to the standard Cd override")
    func dellStandardFallback() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        mutate(bmc, dellManager, ["Actions": nil])
        try await withDriver(bmc) { try await $0.setOneTimeBoot(.cd) }
        #expect(bmc.writes.filter { $0.method != "DELETE" }.dropFirst().map(\.description) == ["PATCH \(dellSystem) \(bootOnceCd) [If-Match \"v0\"]"])
    }

    @Test("Dell: an import refused for VCD-DVD by name is repeated with the vCD-DVD spelling")
    func dellDeviceSpelling() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        bmc.addRule { request, _ in
            guard request.uri == Self.importPath, let body = request.body.map({ String(decoding: $0, as: UTF8.self) }), body.contains(">VCD-DVD<") else { return nil }
            return FakeBMC.error(400, "IDRAC.2.8.SYS011", "The value VCD-DVD for ServerBoot.1#FirstBootDevice is not valid.")
        }
        try await withDriver(bmc) { try await $0.setOneTimeBoot(.cd) }
        let imports = bmc.writes.filter { $0.uri == Self.importPath }
        #expect(imports.count == 2)
        #expect(imports.last?.body?.contains(">vCD-DVD<") == true)
    }

    @Test("Dell: 503, LC068 and RAC0679 from a busy Lifecycle Controller are retried; a lasting LC068 fails with advice")
    func dellBusyImport() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        let answers = Counter(3)
        bmc.addRule { request, _ in
            guard request.uri == Self.importPath, answers.take() else { return nil }
            switch answers.remaining {
            case 2: return RedfishHTTPResponse(status: 503)
            case 1: return FakeBMC.error(400, "IDRAC.2.8.LC068", "Unable to continue with the operation because there is a pending configuration job.")
            default: return FakeBMC.error(400, "IDRAC.2.8.RAC0679", "Unable to run the method while a job is running.")
            }
        }
        try await withDriver(bmc) { try await $0.setOneTimeBoot(.cd) }
        #expect(bmc.writes.filter { $0.uri == Self.importPath }.count == 4)

        let stuck = try FakeBMC("dell-idrac9-6x")
        stuck.addRule { request, _ in
            request.uri == Self.importPath ? FakeBMC.error(400, "IDRAC.2.8.LC068", "Unable to continue with the operation because there is a pending configuration job.") : nil
        }
        await #expect { try await withDriver(stuck) { try await $0.setOneTimeBoot(.cd) } } throws: { error in
            "\(error)".contains("LC068") && "\(error)".contains("a configuration job is pending")
        }
        #expect(stuck.writes.filter { $0.uri == Self.importPath }.count == 6)
    }

    @Test("Dell iDRAC9 6.x: slot 1 takes the image although /2 is listed first and empty")
    func dellSlotOne() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        mutate(bmc, dellSystem + "/VirtualMedia/1", ["Image": nil, "Inserted": false, "ConnectedVia": "NotConnected"])
        let slot = try await withDriver(bmc) { try await $0.insert(url: isoURL) }
        #expect(slot.odataID == dellSystem + "/VirtualMedia/1")
        #expect(!bmc.writes.contains { $0.uri.contains("/VirtualMedia/2/") })
    }

    @Test("iDRAC10 after the boot: a refused clear of a consumed Once override is a warning, not a failure")
    func idrac10ReadOnlyAfterBoot() async throws {
        let bmc = try FakeBMC("dell-idrac10")
        bmc.addRule { request, _ in
            request.method == "PATCH" ? FakeBMC.error(400, "Base.1.18.PropertyNotWritable", "The property Boot is a read-only property and cannot be assigned a value.") : nil
        }
        let warning = try await withDriver(bmc) { try await $0.clearBootOverride() }
        #expect(warning?.contains("consumed") == true, "\(warning ?? "no warning")")
        mutate(bmc, dellSystem, ["Boot": ["BootSourceOverrideEnabled": "Once", "BootSourceOverrideTarget": "Cd"]])
        let still = try await withDriver(bmc) { try await $0.clearBootOverride() }
        #expect(still?.contains("still shows BootSourceOverrideEnabled Once") == true, "\(still ?? "no warning")")
    }

    @Test("Dell 13G: a Boot PATCH answered 200 with SYS444 in ExtendedInfo is re-read, retried once, then an error")
    func patchAnsweredOKButNotApplied() async throws {
        let ignored = #"{"error":{"@Message.ExtendedInfo":[{"Message":"Unable to set the attribute value because it depends on other attribute(s).","MessageId":"IDRAC.1.6.SYS444","Resolution":"Change the value on the other attribute and retry the operation."}]}}"#
        let system = "/redfish/v1/Systems/437XR1138R2"
        let once = try FakeBMC("generic")
        let first = Counter(1)
        once.addRule { request, _ in
            request.method == "PATCH" && first.take() ? RedfishHTTPResponse(status: 200, body: Data(ignored.utf8)) : nil
        }
        try await withDriver(once) { try await $0.setOneTimeBoot(.cd) }
        #expect(once.writes.filter { $0.method == "PATCH" }.count == 2)
        #expect(once.resource(system)?["Boot"]?["BootSourceOverrideTarget"] == "Cd")

        let never = try FakeBMC("generic")
        never.addRule { request, _ in request.method == "PATCH" ? RedfishHTTPResponse(status: 200, body: Data(ignored.utf8)) : nil }
        await #expect { try await withDriver(never) { try await $0.setOneTimeBoot(.cd) } } throws: { error in
            "\(error)".contains("SYS444") && "\(error)".contains("expected BootSourceOverrideEnabled Once")
        }
        #expect(never.writes.filter { $0.method == "PATCH" }.count == 2)
    }

    @Test("iDRAC VRM0021 on insert: eject every slot, retry once, and it goes through")
    func staleAttachRetried() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        let first = Counter(1)
        bmc.addRule { request, _ in
            request.uri.hasSuffix("InsertMedia") && first.take()
                ? FakeBMC.error(400, "IDRAC.2.8.VRM0021", "Virtual Media is detached or Virtual Media devices are already in use.") : nil
        }
        let slot = try await withDriver(bmc) { try await $0.insert(url: isoURL) }
        #expect(slot.image == isoURL)
        #expect(bmc.writes.filter { $0.uri.hasSuffix("InsertMedia") }.count == 2)
    }

    @Test("iDRAC RAC0904 twice: one retry after an eject, then the error with the field's hints")
    func remoteFileHints() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        bmc.addRule { request, _ in
            request.uri.hasSuffix("InsertMedia")
                ? FakeBMC.error(400, "IDRAC.2.8.RAC0904", "Unable to complete the operation because the remote file location is not accessible.") : nil
        }
        await #expect { try await withDriver(bmc) { try await $0.insert(url: isoURL) } } throws: { error in
            let text = "\(error)"
            return text.contains("RAC0904") && text.contains("reachable from the iDRAC's own network") && text.contains("AutoAttach")
                && text.contains("eHTML5")
        }
        #expect(bmc.writes.filter { $0.uri.hasSuffix("InsertMedia") }.count == 2)
    }

    @Test("RAC0218 (maximum sessions, 503) at login says so and never falls back to Basic auth")
    func sessionTableFull() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        bmc.addRule { request, _ in
            request.method == "POST" && request.uri == "/redfish/v1/SessionService/Sessions"
                ? FakeBMC.error(503, "IDRAC.2.8.RAC0218", "The maximum number of user sessions is reached.") : nil
        }
        await #expect { try await withDriver(bmc) { try await $0.powerState() } } throws: { error in
            let text = "\(error)"
            return text.contains("RAC0218") && text.contains("session table is full") && text.contains("racadm closessn")
        }
        #expect(bmc.basicAuthRequests == 0)
    }

    // MARK: HPE iLO

    @Test("iLO 6: every Boot PATCH answers UnsupportedOperation; BootOnNextServerReset on the slot is the one-time boot")
    func ilo6BootOnNextReset() async throws {
        let bmc = try FakeBMC("hpe-ilo5")
        mutate(bmc, "/redfish/v1/Managers/1", ["Model": "iLO 6", "FirmwareVersion": "iLO 6 v1.58"])
        bmc.addRule { request, _ in
            request.method == "PATCH" && request.uri.hasPrefix("/redfish/v1/Systems/")
                ? FakeBMC.error(400, "iLO.2.30.UnsupportedOperation", "The operation is not supported.") : nil
        }
        try await withDriver(bmc) { driver in
            _ = try await driver.insert(url: isoURL)
            try await driver.setOneTimeBoot(.cd)
        }
        #expect(bmc.resource("/redfish/v1/Managers/1/VirtualMedia/2")?["Oem"]?["Hpe"]?["BootOnNextServerReset"] == true)
        #expect(bmc.writes.contains { $0.method == "PATCH" && $0.uri == "/redfish/v1/Systems/1" })
    }

    @Test("iLO 4: no EjectMedia action; PropertyUnknown Inserted → eject PATCH without it; no PATCH at all → Oem.Hp eject")
    func ilo4Eject() async throws {
        let slot = "/redfish/v1/Managers/1/VirtualMedia/2"
        let bmc = try FakeBMC("hpe-ilo5")
        mutate(bmc, "/redfish/v1/Managers/1", ["Model": "iLO 4", "FirmwareVersion": "2.80"])
        var resource = bmc.resource(slot)!.objectValue!
        resource["Actions"] = nil
        resource["Oem"] = ["Hp": ["BootOnNextServerReset": false, "Actions": [
            "#HpiLOVirtualMedia.EjectVirtualMedia": ["target": .string(slot + "/Actions/Oem/Hp/HpiLOVirtualMedia.EjectVirtualMedia")]]]]
        bmc.set(slot, .object(resource))
        bmc.addRule { request, _ in
            guard request.method == "PATCH", request.uri == slot, let body = request.body.map({ String(decoding: $0, as: UTF8.self) }),
                  body.contains("Inserted") else { return nil }
            return FakeBMC.error(400, "Base.0.10.PropertyUnknown", "The property Inserted is not in the list of valid properties for the resource.")
        }
        let ejected = try await withDriver(bmc) { try await $0.ejectAll() }
        #expect(ejected == [slot])
        #expect(bmc.writes.filter { $0.uri == slot }.map(\.body) == [#"{"Image":null,"Inserted":false}"#, #"{"Image":null}"#])

        let noPatch = try FakeBMC("hpe-ilo5")
        noPatch.set(slot, .object(resource))
        noPatch.addRule { request, _ in
            request.method == "PATCH" && request.uri == slot ? FakeBMC.error(405, "Base.0.10.OperationNotAllowed", "PATCH is not allowed.") : nil
        }
        noPatch.addRule { request, bmc in
            guard request.method == "POST", request.uri.hasSuffix("HpiLOVirtualMedia.EjectVirtualMedia") else { return nil }
            mutate(bmc, slot, ["Image": nil, "Inserted": false, "ConnectedVia": "NotConnected"])
            return RedfishHTTPResponse(status: 200)
        }
        _ = try await withDriver(noPatch) { try await $0.ejectAll() }
        #expect(noPatch.writes.contains { $0.uri == slot + "/Actions/Oem/Hp/HpiLOVirtualMedia.EjectVirtualMedia" && $0.body == "{}" })
    }

    @Test("iLO 7 mounts only HTTPS: a plain HTTP image is refused before any write, naming the need for HTTPS media")
    func ilo7NeedsHTTPS() async throws {
        let bmc = try FakeBMC("hpe-ilo5")
        mutate(bmc, "/redfish/v1/Managers/1", ["Model": "iLO 7", "FirmwareVersion": "iLO 7 v1.12"])
        await #expect { try await withDriver(bmc) { try await $0.insert(url: isoURL) } } throws: { error in
            "\(error)".contains("https://") && "\(error)".contains("needs HTTPS media")
        }
        #expect(bmc.writes.filter { $0.method != "DELETE" }.count == 1)   // the login only
        let https = try await withDriver(bmc) { try await $0.insert(url: "https://127.0.0.1:8443/esx-01/4f2a9c/esxi.iso") }
        #expect(https.image == "https://127.0.0.1:8443/esx-01/4f2a9c/esxi.iso")
    }

    // MARK: Supermicro

    @Test("Supermicro ARS-111GL-NHR boots virtual media as Cd although UsbCd is offered; other models get UsbCd")
    func supermicroCdModel() async throws {
        let bmc = try FakeBMC("supermicro-x12")
        mutate(bmc, "/redfish/v1/Systems/1", ["Model": "ARS-111GL-NHR"])
        try await withDriver(bmc) { try await $0.setOneTimeBoot(.cd) }
        #expect(bmc.resource("/redfish/v1/Systems/1")?["Boot"]?["BootSourceOverrideTarget"] == "Cd")
        let usb = try FakeBMC("supermicro-x12")
        try await withDriver(usb) { try await $0.setOneTimeBoot(.cd) }
        #expect(usb.resource("/redfish/v1/Systems/1")?["Boot"]?["BootSourceOverrideTarget"] == "UsbCd")
    }

    @Test("Supermicro: clearing the override re-asserts BootSourceOverrideMode (it reverts otherwise)")
    func supermicroClearKeepsMode() async throws {
        let bmc = try FakeBMC("supermicro-x12")
        _ = try await withDriver(bmc) { try await $0.clearBootOverride() }
        #expect(bmc.writes.contains { $0.method == "PATCH" && ($0.body ?? "").contains(#""BootSourceOverrideMode":"UEFI""#) && ($0.body ?? "").contains("Disabled") })
    }

    @Test("Supermicro without the licence: the insert error names the licence the BMC asks for")
    func supermicroLicence() async throws {
        let bmc = try FakeBMC("supermicro-x12")
        let refusal = #"{"error":{"code":"Base.v1_4_0.GeneralError","Message":"A general error has occurred. See ExtendedInfo for more information.","@Message.ExtendedInfo":[{"MessageId":"SMC.1.0.OemLicenseNotPassed","Message":"Not licensed to perform this request. The following licenses SFT-DCMS-SVC-KEY were needed","MessageArgs":["SFT-DCMS-SVC-KEY"]}]}}"#
        bmc.addRule { request, _ in
            request.uri.hasSuffix("InsertMedia") ? RedfishHTTPResponse(status: 403, body: Data(refusal.utf8)) : nil
        }
        await #expect { try await withDriver(bmc) { try await $0.insert(url: isoURL) } } throws: { error in
            "\(error)".contains("needs a licence for virtual media over Redfish: activate SFT-DCMS-SVC-KEY node product key")
        }
    }

    // MARK: Lenovo

    @Test("Lenovo AMD (AMI BMC): EnableRMedia first, HTTPS only; plain HTTP is refused before any write")
    func lenovoAMI() async throws {
        let manager = "/redfish/v1/Managers/1"
        let bmc = try FakeBMC("lenovo-xcc")
        mutate(bmc, manager, ["Oem": ["Ami": ["VirtualMedia": ["RMediaStatus": "Disabled"]]],
                              "Actions": ["Oem": ["#AMIVirtualMedia.EnableRMedia": ["target": .string(manager + "/Actions/Oem/AMIVirtualMedia.EnableRMedia")]]]])
        bmc.addRule { request, _ in
            request.uri.hasSuffix("AMIVirtualMedia.EnableRMedia") ? RedfishHTTPResponse(status: 204) : nil
        }
        // AMI's slots are CD1…CD4 with the standard InsertMedia action (Lenovo's mount script).
        let cd1 = manager + "/VirtualMedia/CD1"
        bmc.set(manager + "/VirtualMedia", ["@odata.id": .string(manager + "/VirtualMedia"), "Members": [["@odata.id": .string(cd1)]]])
        bmc.set(cd1, ["@odata.id": .string(cd1), "Id": "CD1", "MediaTypes": ["CD", "DVD"], "Image": nil, "Inserted": false, "ConnectedVia": "NotConnected",
                      "Actions": ["#VirtualMedia.InsertMedia": ["target": .string(cd1 + "/Actions/VirtualMedia.InsertMedia")],
                                  "#VirtualMedia.EjectMedia": ["target": .string(cd1 + "/Actions/VirtualMedia.EjectMedia")]]])
        await #expect { try await withDriver(bmc) { try await $0.insert(url: isoURL) } } throws: { error in
            "\(error)".contains("only over HTTPS or NFS") && "\(error)".contains("needs HTTPS media")
        }
        #expect(!bmc.writes.contains { $0.method != "DELETE" && $0.uri != "/redfish/v1/SessionService/Sessions" })
        _ = try await withDriver(bmc) { try await $0.insert(url: "https://127.0.0.1:8443/esx-01/4f2a9c/esxi.iso") }
        let writes = bmc.writes.filter { $0.method != "DELETE" && $0.uri != "/redfish/v1/SessionService/Sessions" }
        #expect(writes.first?.uri == manager + "/Actions/Oem/AMIVirtualMedia.EnableRMedia")
        #expect(writes.first?.body == #"{"RMediaState":"Enable"}"#)
        #expect(writes.contains { ($0.body ?? "").contains(#""TransferProtocolType":"HTTPS""#) })
    }

    @Test("XCC below 2.50 lists no EXT slots: the insert error says to update the XCC firmware")
    func xccWithoutExtSlots() async throws {
        let bmc = try FakeBMC("lenovo-xcc")
        mutate(bmc, "/redfish/v1/Managers/1", ["FirmwareVersion": "TGBT22N 2.30"])
        mutate(bmc, "/redfish/v1/Managers/1/VirtualMedia", ["Members": [], "Members@odata.count": 0])
        await #expect { try await withDriver(bmc) { try await $0.insert(url: isoURL) } } throws: { error in
            "\(error)".contains("older than 2.50") && "\(error)".contains("update the XCC firmware")
        }
    }
}
