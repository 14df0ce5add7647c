import BMCSimulator
import Foundation
import Testing
import TestSupport

/// Starts `bmc`, runs `body`, and always stops it (so a failing test never leaves listeners behind).
func withRunning<T>(_ bmc: SimulatedBMC, _ body: (SimulatedBMC) async throws -> T) async throws -> T {
    try await bmc.start()
    do {
        let result = try await body(bmc)
        await bmc.stop()
        return result
    } catch {
        await bmc.stop()
        throw error
    }
}

@Suite("Each vendor flavour through a whole install")
struct FlavourInstallFlowTests {
    @Test("eject → insert → boot once → power on → media read by ranges → ESXi SOAP login", arguments: VendorFlavor.mixed)
    func install(flavour: VendorFlavor) async throws {
        let index = VendorFlavor.allCases.firstIndex(of: flavour)! + 1
        let directory = try TemporaryDirectory()
        let esxiAddress = "127.0.21.\(index)"
        let image = try TestImage.make(in: directory, kickstart: .init(ip: esxiAddress))
        try FileManager.default.copyItem(atPath: image.path, toPath: directory.file("old.iso"))
        let nginx = try NginxRangeServer(address: "127.0.22.\(index)", port: 8080, serving: directory.path)
        let password = "bmc-secret-\(index)"
        let configuration = BMCConfiguration(name: "flow-\(flavour.rawValue)", flavour: flavour, address: "127.0.20.\(index)",
                                             port: 8443, password: password, index: index, installMilliseconds: 100,
                                             esxiPort: 9443)
        let bmc = try SimulatedBMC(configuration: configuration)
        try await withRunning(bmc) { bmc in
            var flow = ReferenceFlow(bmc: bmc, password: password)
            try await flow.login()
            #expect(bmc.liveSessionCount == 1)

            // Something left in the drive from an earlier run (F1), then the canonical sequence.
            let imageOnly = flavour == .supermicro || flavour.rawValue.hasPrefix("ilo")
            let stale = try await flow.insert(nginx.url("/old.iso"), imageOnly: imageOnly)
            #expect(stale.status < 300, "stale insert: \(stale.status) \(stale.body)")
            try await flow.ejectAll()
            #expect(bmc.insertedMedia.isEmpty)
            let url = nginx.url("/esxi.iso")
            let insert = try await flow.insert(url, imageOnly: imageOnly)
            #expect(insert.status < 300, "insert: \(insert.status) \(insert.body)")
            let slot = try await flow.discover().slot
            #expect(slot["Image"] as? String == url)
            #expect(slot["Inserted"] as? Bool == true)

            let boot = try await flow.bootOnceFromCD()
            #expect(boot.status < 300, "boot override: \(boot.status) \(boot.body)")
            // iLO 6 takes no Boot PATCH: its one-time boot is the slot's BootOnNextServerReset alone (§7).
            #expect(bmc.bootOverride.enabled == (flavour == .hpeILO6 ? "Disabled" : "Once"))
            let reset = try await flow.reset("On")
            #expect(reset.status < 300, "reset: \(reset.status) \(reset.body)")

            let phase = await bmc.waitForPhase(timeout: .seconds(30)) {
                if case .running = $0 { return true }
                if case .failed = $0 { return true }
                return false
            }
            #expect(phase == .running(address: esxiAddress, port: 9443), "log: \(bmc.log)")
            // A Once override is consumed by the boot.
            #expect(bmc.bootOverride.enabled == "Disabled")
            let progress = try await flow.discover().system["BootProgress"] as? [String: Any]
            #expect(progress?["LastState"] as? String == "OSRunning")

            // The virtual CD read with ranges only, from the BMC's own address (nginx's log is the outside view).
            let reads = nginx.accessLog.filter { $0.request.contains("/esxi.iso") }
            #expect(!reads.isEmpty)
            for entry in reads {
                #expect(entry.client == configuration.address)
                let isHead = entry.request.hasPrefix("HEAD")
                #expect(isHead ? entry.status == 200 : (entry.status == 206 && entry.range.hasPrefix("bytes=")), "\(entry)")
            }
            let served = reads.reduce(0) { $0 + $1.bytes }
            // Dell reads each inserted image's volume descriptor during InsertMedia (the stale /old.iso's too):
            // served, but not by the boot.
            let servedOld = nginx.accessLog.filter { $0.request.contains("/old.iso") }.reduce(0) { $0 + $1.bytes }
            #expect(Int64(served + servedOld) == bmc.mediaBytesRead + bmc.insertBytesRead)
            #expect((bmc.insertBytesRead > 0) == [.dellIDRAC9, .dellIDRAC9v7, .dellIDRAC10].contains(configuration.flavour))
            #expect(bmc.mediaBytesRead < image.byteCount)

            // The simulated ESXi answers govc-style SOAP: service content, the right password, not a wrong one.
            let soap = CurlClient(baseURL: "https://\(esxiAddress):9443")
            let content = try await soap.send("POST", "/sdk", raw: SOAPEnvelopes.retrieveServiceContent, headers: SOAPEnvelopes.headers)
            #expect(content.status == 200)
            #expect(content.body.contains("<apiType>HostAgent</apiType>"))
            let good = try await soap.send("POST", "/sdk", raw: SOAPEnvelopes.login(user: "root", password: "VMware1!"), headers: SOAPEnvelopes.headers)
            #expect(good.status == 200)
            #expect(good.body.contains("<LoginResponse"))
            #expect(good.header("Set-Cookie")?.hasPrefix("vmware_soap_session=") == true)
            let bad = try await soap.send("POST", "/sdk", raw: SOAPEnvelopes.login(user: "root", password: "wrong"), headers: SOAPEnvelopes.headers)
            #expect(bad.status == 500)
            #expect(bad.body.contains("InvalidLogin"))
            #expect(bmc.esxiHost?.counters.successfulLogins == 1)
            #expect(bmc.esxiHost?.counters.failedLogins == 1)

            try await flow.ejectAll()
            #expect(bmc.insertedMedia.isEmpty)
            try await flow.logout()
            #expect(bmc.liveSessionCount == 0)
            #expect(bmc.sessionsCreated == 1)

            // The vendor-specific writes are on record as the vendor expects them.
            let log = bmc.requestLog
            #expect(!log.contains { $0.body.contains(password) }, "passwords must be redacted from the request log")
            switch flavour {
            case .lenovoXCC:
                #expect(log.contains { $0.method == "PATCH" && $0.uri.hasSuffix("/VirtualMedia/EXT1") && $0.ifMatch != nil && $0.status == 200 })
                #expect(!log.contains { $0.uri.contains("InsertMedia") })
            case .dellIDRAC10:
                #expect(log.contains { $0.method == "POST" && $0.uri.hasSuffix("/Actions/Oem/OemManager.ImportSystemConfiguration") && $0.status == 202 })
                #expect(log.contains { $0.method == "POST" && $0.uri.hasSuffix("/VirtualMedia/1/Actions/VirtualMedia.InsertMedia") })
            case .dellIDRAC9v7:
                #expect(log.contains { $0.method == "POST" && $0.uri.hasSuffix("/EID_674_Manager.ImportSystemConfiguration") && $0.status == 202 })
                #expect(log.contains { $0.method == "POST" && $0.uri.hasSuffix("/System.Embedded.1/VirtualMedia/1/Actions/VirtualMedia.InsertMedia") })
            case .dellIDRAC9:
                #expect(log.contains { $0.method == "POST" && $0.uri.hasSuffix("/iDRAC.Embedded.1/VirtualMedia/CD/Actions/VirtualMedia.InsertMedia") && $0.status == 204 })
            case .hpeILO4:
                #expect(log.contains { $0.method == "PATCH" && $0.uri.hasSuffix("/Managers/1/VirtualMedia/2") && $0.body.contains("\"Image\"") && $0.status == 200 })
                #expect(log.contains { $0.method == "POST" && $0.uri.hasSuffix("/Actions/Oem/Hp/HpiLOVirtualMedia.EjectVirtualMedia") && $0.status == 200 })
            case .hpeILO7, .lenovoAMI, .lenovoXCCLegacy:
                Issue.record("\(flavour) does not install from plain HTTP and is not in VendorFlavor.mixed")
            case .hpeILO6:
                #expect(log.contains { $0.method == "PATCH" && $0.uri.hasSuffix("/Managers/1/VirtualMedia/2") && $0.body.contains("BootOnNextServerReset") && $0.status == 200 })
                #expect(!log.contains { $0.method == "PATCH" && $0.uri.hasSuffix("/Systems/1") && $0.status < 300 })
            case .hpeILO5:
                #expect(log.contains { $0.method == "POST" && $0.uri.hasSuffix("/Managers/1/VirtualMedia/2/Actions/VirtualMedia.EjectMedia") && $0.body == "{}" && $0.status == 200 })
            case .supermicro:
                #expect(log.contains { $0.method == "PATCH" && $0.body.contains("UsbCd") })
            case .generic:
                #expect(log.contains { $0.method == "POST" && $0.uri.hasSuffix("/Systems/system/VirtualMedia/CD1/Actions/VirtualMedia.InsertMedia") })
            }
        }
    }
}
