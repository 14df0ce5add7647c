import BMCSimulator
import Foundation
import Testing
import TestSupport

/// The simulator models the real firmware of redfish-vendors.md §7, not our client: these tests drive it with plain
/// curl requests and check it behaves as the cited bug reports say, whatever a client would prefer.
@Suite("Simulated firmware behaves as the field reports of §7")
struct FieldQuirkSimulatorTests {
    func makeBMC(_ flavour: VendorFlavor, index: Int, faults: FaultKnobs = .none) throws -> SimulatedBMC {
        try SimulatedBMC(configuration: BMCConfiguration(name: "quirk-\(index)", flavour: flavour, address: "127.0.52.\(index)",
                                                         port: 8080, useTLS: false, password: "pw-\(index)", index: index, faults: faults))
    }

    /// Runs `body` against the started BMC with a logged-in reference client, then logs out and stops the BMC.
    func loggedIn(_ bmc: SimulatedBMC, _ body: (SimulatedBMC, ReferenceFlow) async throws -> Void) async throws {
        try await withRunning(bmc) { bmc in
            var flow = ReferenceFlow(bmc: bmc, password: bmc.configuration.password)
            try await flow.login()
            try await body(bmc, flow)
            try await flow.logout()
        }
    }

    @Test("iDRAC (5.x, 7.x, 10): a standard Cd override boots the physical drive, never the inserted virtual CD",
          arguments: [(VendorFlavor.dellIDRAC9, 1), (.dellIDRAC9v7, 2), (.dellIDRAC10, 3)])
    func dellIgnoresStandardCd(flavour: VendorFlavor, index: Int) async throws {
        let directory = try TemporaryDirectory()
        _ = try TestImage.make(in: directory, kickstart: .init(ip: "127.0.53.\(index)"))
        let nginx = try NginxRangeServer(address: "127.0.54.\(index)", port: 8080, serving: directory.path)
        try await loggedIn(try makeBMC(flavour, index: index)) { bmc, flow in
            #expect(try await flow.insert(nginx.url("/esxi.iso"), imageOnly: false).status == 204)
            let system = "/redfish/v1/Systems/System.Embedded.1"
            let target = flavour == .dellIDRAC10 ? system + "/Settings" : system
            let patch = try await flow.client.send("PATCH", target, json: ["Boot": ["BootSourceOverrideEnabled": "Once", "BootSourceOverrideTarget": "Cd"]])
            #expect(patch.status == 200, "\(patch.body)")
            #expect(try await flow.reset("On").status == 204)
            let phase = await bmc.waitForPhase(timeout: .seconds(10)) { if case .noInstallerBooted = $0 { return true }; return false }
            guard case .noInstallerBooted(let reason) = phase else { Issue.record("phase: \(phase)"); return }
            #expect(reason.contains("physical optical drive"), "\(reason)")
            // The iDRAC opened the URL once during the insert (§1.1); the boot read nothing of it.
            #expect(bmc.mediaBytesRead == 0)
        }
    }

    @Test("iDRAC10: once the host has booted, Boot is read-only on /Settings too; a power-off makes it writable again")
    func idrac10ReadOnlyAfterBoot() async throws {
        try await loggedIn(try makeBMC(.dellIDRAC10, index: 4)) { bmc, flow in
            let settings = "/redfish/v1/Systems/System.Embedded.1/Settings"
            let clear: [String: Any] = ["Boot": ["BootSourceOverrideEnabled": "Disabled", "BootSourceOverrideTarget": "None"]]
            #expect(try await flow.client.send("PATCH", settings, json: clear).status == 200)
            #expect(try await flow.reset("On").status == 204)
            _ = await bmc.waitForPhase(timeout: .seconds(10)) { if case .noInstallerBooted = $0 { return true }; return false }
            let refused = try await flow.client.send("PATCH", settings, json: clear)
            #expect(refused.status == 400)
            #expect(refused.messageID?.hasSuffix("PropertyNotWritable") == true)
            #expect(refused.body.contains("read-only"))
            #expect(try await flow.reset("ForceOff").status == 204)
            _ = await bmc.waitForPhase(timeout: .seconds(10)) { $0 == .poweredOff }
            #expect(try await flow.client.send("PATCH", settings, json: clear).status == 200)
        }
    }

    @Test("iLO 6: every BootSourceOverride PATCH answers UnsupportedOperation, Pxe included")
    func ilo6RefusesBootPatch() async throws {
        try await loggedIn(try makeBMC(.hpeILO6, index: 5)) { bmc, flow in
            for target in ["Cd", "Pxe"] {
                let reply = try await flow.client.send("PATCH", "/redfish/v1/Systems/1",
                                                       json: ["Boot": ["BootSourceOverrideEnabled": "Once", "BootSourceOverrideTarget": target]])
                #expect(reply.status == 400)
                #expect(reply.messageID == "iLO.2.30.UnsupportedOperation")
            }
            #expect(bmc.bootOverride.enabled == "Disabled")
        }
    }

    @Test("a busy iDRAC answers the SCP import 503, LC068, RAC0679, then takes it (fault knob)")
    func busyImport() async throws {
        var faults = FaultKnobs()
        faults.importBusyCount = 3
        try await loggedIn(try makeBMC(.dellIDRAC9v7, index: 6, faults: faults)) { bmc, flow in
            var answers: [String] = []
            for _ in 0..<4 {
                let reply = try await flow.bootOnceFromCD()
                answers.append("\(reply.status) \(reply.messageID ?? "")")
            }
            #expect(answers == ["503 ", "400 IDRAC.2.8.LC068", "400 IDRAC.2.8.RAC0679", "202 "])
        }
    }

    @Test("Supermicro ARS-111GL-NHR boots its virtual media as Cd: UsbCd boots nothing there, Cd boots the image")
    func supermicroCdModel() async throws {
        let directory = try TemporaryDirectory()
        _ = try TestImage.make(in: directory, kickstart: .init(ip: "127.0.53.7"))
        let nginx = try NginxRangeServer(address: "127.0.54.7", port: 8080, serving: directory.path)
        var inventory = HostInventory.standard(for: .supermicro, index: 7)
        inventory.systemModel = "ARS-111GL-NHR"
        let bmc = try SimulatedBMC(configuration: BMCConfiguration(name: "quirk-7", flavour: .supermicro, address: "127.0.52.7", port: 8080,
                                                                   useTLS: false, password: "pw-7", inventory: inventory, index: 7))
        try await loggedIn(bmc) { bmc, flow in
            #expect(try await flow.insert(nginx.url("/esxi.iso"), imageOnly: true).status < 300)
            #expect(try await flow.bootOnceFromCD().status < 300)   // the reference flow picks UsbCd when offered
            #expect(bmc.bootOverride.target == "UsbCd")
            #expect(try await flow.reset("On").status < 300)
            let phase = await bmc.waitForPhase(timeout: .seconds(10)) { if case .noInstallerBooted = $0 { return true }; return false }
            guard case .noInstallerBooted(let reason) = phase else { Issue.record("phase: \(phase)"); return }
            #expect(reason.contains("boots as Cd"), "\(reason)")
            let cd = try await flow.client.send("PATCH", "/redfish/v1/Systems/1",
                                                json: ["Boot": ["BootSourceOverrideEnabled": "Once", "BootSourceOverrideTarget": "Cd"]])
            #expect(cd.status < 300)
            #expect(try await flow.reset("ForceRestart").status < 300)
            let booted = await bmc.waitForPhase(timeout: .seconds(10)) { if case .readingMedia = $0 { return true }; if case .running = $0 { return true }; return false }
            #expect(booted != .poweredOff, "\(booted)")
            let deadline = ContinuousClock.now + .seconds(10)
            while bmc.mediaBytesRead == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(bmc.mediaBytesRead > 0, "log: \(bmc.log)")
        }
    }

    @Test("Supermicro: clearing the override without BootSourceOverrideMode reverts the mode to Legacy; with it, UEFI stays")
    func supermicroClearRevertsMode() async throws {
        try await loggedIn(try makeBMC(.supermicro, index: 8)) { bmc, flow in
            let withMode = try await flow.client.send("PATCH", "/redfish/v1/Systems/1",
                json: ["Boot": ["BootSourceOverrideEnabled": "Disabled", "BootSourceOverrideTarget": "None", "BootSourceOverrideMode": "UEFI"]])
            #expect(withMode.status < 300)
            #expect(bmc.bootOverrideMode == "UEFI")
            let without = try await flow.client.send("PATCH", "/redfish/v1/Systems/1",
                json: ["Boot": ["BootSourceOverrideEnabled": "Disabled", "BootSourceOverrideTarget": "None"]])
            #expect(without.status < 300)
            #expect(bmc.bootOverrideMode == "Legacy")
        }
    }

    @Test("iLO 7 and the Lenovo AMI BMC refuse plain-HTTP images; AMI also refuses any insert until EnableRMedia")
    func httpsOnly() async throws {
        for (flavour, index) in [(VendorFlavor.hpeILO7, 9), (.lenovoAMI, 10)] {
            try await loggedIn(try makeBMC(flavour, index: index)) { bmc, flow in
                if flavour == .lenovoAMI {
                    let early = try await flow.insert("https://127.0.54.10:8443/esxi.iso", imageOnly: true)
                    #expect(early.status == 400 && early.body.contains("Remote media is disabled"), "\(early.body)")
                    let enable = try await flow.client.send("POST", "/redfish/v1/Managers/1/Actions/Oem/AMIVirtualMedia.EnableRMedia",
                                                            json: ["RMediaState": "Enable"])
                    #expect(enable.status == 204)
                }
                let http = try await flow.insert("http://127.0.54.10:8080/esxi.iso", imageOnly: true)
                #expect(http.status == 400, "\(flavour): \(http.body)")
                #expect(http.body.contains("HTTPS"))
                #expect(bmc.insertedMedia.isEmpty)
            }
        }
    }

    @Test("iLO 4: no standard actions; PATCH with Inserted is PropertyUnknown; the Oem.Hp eject action empties the slot")
    func ilo4Slots() async throws {
        try await loggedIn(try makeBMC(.hpeILO4, index: 11)) { bmc, flow in
            let slot = "/redfish/v1/Managers/1/VirtualMedia/2"
            let document = try await flow.client.send("GET", slot).json
            #expect(document["Actions"] == nil)
            let full = try await flow.client.send("PATCH", slot, json: ["Image": "http://127.0.54.11:8080/esxi.iso", "Inserted": true])
            #expect(full.status == 400 && full.messageID?.hasSuffix("PropertyUnknown") == true)
            #expect(try await flow.client.send("PATCH", slot, json: ["Image": "http://127.0.54.11:8080/esxi.iso"]).status == 200)
            #expect(!bmc.insertedMedia.isEmpty)
            #expect(try await flow.client.send("POST", slot + "/Actions/VirtualMedia.EjectMedia", json: [String: Any]()).status == 404)
            #expect(try await flow.client.send("POST", slot + "/Actions/Oem/Hp/HpiLOVirtualMedia.EjectVirtualMedia", json: [String: Any]()).status == 200)
            #expect(bmc.insertedMedia.isEmpty)
        }
    }
}
