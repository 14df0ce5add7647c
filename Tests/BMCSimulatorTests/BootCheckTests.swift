import BMCSimulator
import Foundation
import Testing
import TestSupport

/// What the simulated firmware and installer check on the way from the virtual CD to a running host, each failure
/// visible as the install phase, in BootProgress and in the Manager's log, as a console would show it.
@Suite("Virtual CD boot and installer checks")
struct BootCheckTests {
    struct Scenario {
        var kickstart = TestImage.Kickstart()
        var kernelopt = "runweasel ks=cdrom:/KS.CFG"
        var efiKernelopt: String?
        var firmware = BMCConfiguration.Firmware.uefi
        var rangeless = false
    }

    /// Builds the image, serves it (nginx, or python's range-less server), inserts it into a generic simulated BMC
    /// over plain HTTP, boots once from CD and waits for the install to end either way.
    func boot(_ scenario: Scenario, index: Int, expectRunning: Bool = false) async throws -> (SimulatedBMC, InstallPhase, [String: Any]) {
        let directory = try TemporaryDirectory()
        var kickstart = scenario.kickstart
        if kickstart.ip == "127.0.0.1" { kickstart.ip = "127.0.41.\(index)" }
        let image = try TestImage.make(in: directory, kickstart: kickstart, kernelopt: scenario.kernelopt,
                                       efiKernelopt: scenario.efiKernelopt)
        _ = image
        let serverAddress = "127.0.42.\(index)"
        var nginx: NginxRangeServer?
        var rangeless: RangelessServer?
        if scenario.rangeless {
            rangeless = try RangelessServer(address: serverAddress, port: 8080, serving: directory.path)
        } else {
            nginx = try NginxRangeServer(address: serverAddress, port: 8080, serving: directory.path)
        }
        defer { _ = (nginx, rangeless) }
        let configuration = BMCConfiguration(name: "boot-\(index)", flavour: .generic, address: "127.0.40.\(index)", port: 8080,
                                             useTLS: false, password: "pw", index: index, firmware: scenario.firmware,
                                             installMilliseconds: 50, esxiPort: 9443)
        let bmc = try SimulatedBMC(configuration: configuration)
        try await bmc.start()
        let client = CurlClient(baseURL: bmc.baseURL, user: "root", password: "pw")
        let system = "/redfish/v1/Systems/system"
        let insert = try await client.send("POST", system + "/VirtualMedia/CD1/Actions/VirtualMedia.InsertMedia",
                                           json: ["Image": "http://\(serverAddress):8080/esxi.iso"], basicAuth: true)
        #expect(insert.status == 204)
        let patch = try await client.send("PATCH", system, json: ["Boot": ["BootSourceOverrideEnabled": "Once", "BootSourceOverrideTarget": "Cd"]],
                                          basicAuth: true)
        #expect(patch.status == 204)
        let reset = try await client.send("POST", system + "/Actions/ComputerSystem.Reset", json: ["ResetType": "On"], basicAuth: true)
        #expect(reset.status == 204)
        let phase = await bmc.waitForPhase(timeout: .seconds(30)) {
            switch $0 {
            case .running, .failed, .noInstallerBooted: return true
            default: return false
            }
        }
        let progress = try await client.send("GET", system, basicAuth: true).json["BootProgress"] as? [String: Any] ?? [:]
        if !expectRunning { await bmc.stop() }
        return (bmc, phase, progress)
    }

    private func failure(_ phase: InstallPhase) -> String? {
        if case .failed(let reason) = phase { return reason }
        return nil
    }

    @Test("a disk the host doesn't have fails the install, visibly in BootProgress and the log")
    func missingDisk() async throws {
        var scenario = Scenario()
        scenario.kickstart.disk = "--disk=naa.600508b1001c0000000000000000dead"
        let (bmc, phase, progress) = try await boot(scenario, index: 1)
        let reason = try #require(failure(phase), "phase: \(phase)")
        #expect(reason.contains("no such disk"))
        #expect(progress["LastState"] as? String == "OEM")
        #expect((progress["OemLastState"] as? String)?.hasPrefix("Install failed") == true)
        #expect(bmc.log.contains { $0.hasPrefix("Install failed") })
    }

    @Test("the install disk may be chosen by model, as the old tool did with DELLBOSS VD")
    func diskByModel() async throws {
        var scenario = Scenario()
        scenario.kickstart.disk = "--firstdisk=\"MICRON 5300 MTFDDAV480TDS\""
        let (bmc, phase, _) = try await boot(scenario, index: 2, expectRunning: true)
        #expect(phase == .running(address: "127.0.41.2", port: 9443), "\(bmc.log)")
        await bmc.stop()
    }

    @Test("a NIC the host doesn't have fails the install")
    func missingNIC() async throws {
        var scenario = Scenario()
        scenario.kickstart.device = "vmnic9"
        let (_, phase, _) = try await boot(scenario, index: 3)
        #expect(failure(phase)?.contains("vmnic9") == true, "phase: \(phase)")
    }

    @Test("ks=cdrom: paths are case-sensitive: a lower-case path fails although BOOT.CFG lookups are not")
    func kickstartPathCase() async throws {
        var scenario = Scenario()
        scenario.kernelopt = "runweasel ks=cdrom:/ks.cfg"
        let (_, phase, _) = try await boot(scenario, index: 4)
        #expect(failure(phase)?.contains("case-sensitive") == true, "phase: \(phase)")
    }

    @Test("UEFI reads EFI/BOOT/BOOT.CFG: a kickstart patched only into /BOOT.CFG boots BIOS but not UEFI")
    func onlyBIOSConfigPatched() async throws {
        var scenario = Scenario()
        scenario.efiKernelopt = "runweasel cdromBoot"
        let (_, uefi, _) = try await boot(scenario, index: 5)
        #expect(failure(uefi)?.contains("no ks= option") == true, "phase: \(uefi)")
        scenario.firmware = .bios
        let (bmc, bios, _) = try await boot(scenario, index: 6, expectRunning: true)
        #expect(bios == .running(address: "127.0.41.6", port: 9443), "\(bmc.log)")
        await bmc.stop()
    }

    @Test("an image server that ignores Range (python http.server) fails the boot as it would on a BMC")
    func serverWithoutRanges() async throws {
        var scenario = Scenario()
        scenario.rangeless = true
        let (_, phase, _) = try await boot(scenario, index: 7)
        #expect(failure(phase)?.contains("ignored the Range header") == true, "phase: \(phase)")
    }

    @Test("a management address outside 127.0.0.0/8 is refused: the simulator never binds real addresses")
    func nonLoopbackAddress() async throws {
        var scenario = Scenario()
        scenario.kickstart.ip = "192.0.2.10"
        scenario.kickstart.gateway = "192.0.2.1"
        scenario.kickstart.netmask = "255.255.255.0"
        let (_, phase, _) = try await boot(scenario, index: 8)
        #expect(failure(phase)?.contains("127.0.0.0/8") == true, "phase: \(phase)")
    }

    @Test("rootpw --iscrypted: the simulated ESXi verifies the password by crypt (hash from openssl passwd -6)")
    func cryptedRootPassword() async throws {
        let openssl = try Peer.tool("openssl")
        let hashed = try Peer.run([openssl, "passwd", "-6", "-salt", "k5Qz1xY0", "-stdin"], stdin: Data("S3cret&<pw\n".utf8))
        var scenario = Scenario()
        scenario.kickstart.rootpw = "rootpw --iscrypted " + hashed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (bmc, phase, _) = try await boot(scenario, index: 9, expectRunning: true)
        #expect(phase == .running(address: "127.0.41.9", port: 9443), "\(bmc.log)")
        let soap = CurlClient(baseURL: "https://127.0.41.9:9443")
        let good = try await soap.send("POST", "/sdk", raw: SOAPEnvelopes.login(user: "root", password: "S3cret&<pw"), headers: SOAPEnvelopes.headers)
        #expect(good.status == 200 && good.body.contains("<LoginResponse"), "\(good.body)")
        let bad = try await soap.send("POST", "/sdk", raw: SOAPEnvelopes.login(user: "root", password: "S3cret"), headers: SOAPEnvelopes.headers)
        #expect(bad.status == 500 && bad.body.contains("InvalidLogin"))
        let other = try await soap.send("POST", "/sdk", raw: SOAPEnvelopes.login(user: "admin", password: "S3cret&<pw"), headers: SOAPEnvelopes.headers)
        #expect(other.status == 500)
        await bmc.stop()
    }

    @Test("without a one-time boot override the server boots its disk and never reads the media")
    func noOverride() async throws {
        let directory = try TemporaryDirectory()
        _ = try TestImage.make(in: directory, kickstart: .init(ip: "127.0.41.10"))
        let nginx = try NginxRangeServer(address: "127.0.42.10", port: 8080, serving: directory.path)
        let bmc = try SimulatedBMC(configuration: BMCConfiguration(name: "no-override", flavour: .generic, address: "127.0.40.10",
                                                                   port: 8080, useTLS: false, password: "pw"))
        try await withRunning(bmc) { bmc in
            let client = CurlClient(baseURL: bmc.baseURL, user: "root", password: "pw")
            _ = try await client.send("POST", "/redfish/v1/Systems/system/VirtualMedia/CD1/Actions/VirtualMedia.InsertMedia",
                                      json: ["Image": nginx.url("/esxi.iso")], basicAuth: true)
            _ = try await client.send("POST", "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset", json: ["ResetType": "On"], basicAuth: true)
            let phase = await bmc.waitForPhase(timeout: .seconds(10)) { if case .noInstallerBooted = $0 { return true }; return false }
            guard case .noInstallerBooted(let reason) = phase else { Issue.record("phase: \(phase)"); return }
            #expect(reason.contains("no boot override"))
            #expect(!nginx.accessLog.contains { $0.request.contains("esxi.iso") })
            #expect(bmc.mediaRequestCount == 0)
        }
    }
}
