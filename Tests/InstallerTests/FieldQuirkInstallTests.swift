import BMCSimulator
import Foundation
import Installer
import Testing
import TestSupport
@testable import VMediaCLI

/// Whole installs against simulated BMCs that behave as the field reports of redfish-vendors.md §7 describe: the
/// simulated firmware does what the real one does, so an install only succeeds if the driver handles the quirk.
@Suite("Installs through the field quirks of redfish-vendors.md §7", .serialized)
struct FieldQuirkInstallTests {
    @Test("iDRAC9 7.x busy and stale, iDRAC10 read-only after the boot, iLO 6 without Boot PATCH, a 200 that applied nothing")
    func quirkyFleet() async throws {
        var dell7 = FaultKnobs(); dell7.importBusyCount = 3; dell7.staleAttachCount = 1
        var ignoring = FaultKnobs(); ignoring.ignoredBootPatchCount = 1
        let flavours: [VendorFlavor] = [.dellIDRAC9v7, .dellIDRAC10, .hpeILO6, .generic]
        let run = try await InstallerFlowTests.install(count: flavours.count, flavours: flavours, subnet: 211,
                                                       faults: [0: dell7, 3: ignoring])
        defer { Task { await run.lab.stop() } }
        for (host, result) in zip(run.lab.hosts, run.results) {
            let flavour = host.simulator.configuration.flavour
            #expect(result.succeeded, "\(flavour): \(result.failure ?? "") log: \(host.simulator.log)")
            #expect(host.simulator.esxiHost?.counters.successfulLogins ?? 0 >= 1, "\(flavour) never ran the installed ESXi")
            #expect(host.simulator.liveSessionCount == 0)
            #expect(host.simulator.insertedMedia.isEmpty)
        }
        // iDRAC9 7.x: slot 1 although /2 is listed first; the import retried past 503, LC068 and RAC0679; VRM0021 once.
        let dell: [RecordedRequest] = run.lab.hosts[0].simulator.requestLog
        #expect(dell.contains { $0.uri.hasSuffix("/VirtualMedia/1/Actions/VirtualMedia.InsertMedia") && $0.status == 204 })
        #expect(!dell.contains { $0.uri.hasSuffix("/VirtualMedia/2/Actions/VirtualMedia.InsertMedia") })
        let imports: [Int] = dell.filter { $0.uri.hasSuffix("ImportSystemConfiguration") }.map { $0.status }
        let inserts: [Int] = dell.filter { $0.uri.hasSuffix("InsertMedia") }.map { $0.status }
        #expect(imports == [503, 400, 400, 202])
        #expect(inserts == [400, 204])
        #expect(!dell.contains { $0.method == "PATCH" && $0.body.contains("BootSourceOverrideTarget\":\"Cd") })
        // iDRAC10: the clear after the boot is refused; the install reports it as a warning, not a failure.
        let idrac10Name = run.lab.hosts[1].target.name
        let warnings: [String] = run.events.filter { $0.host == idrac10Name && $0.kind == .note && $0.message.hasPrefix("warning:") }.map { $0.message }
        #expect(warnings.contains { $0.contains("consumed") }, "\(warnings)")
        #expect(run.lab.hosts[1].simulator.requestLog.contains { $0.method == "PATCH" && $0.uri.hasSuffix("/Settings") && $0.status == 400 })
        // iLO 6: the Boot PATCH was refused; the slot's BootOnNextServerReset booted the image.
        let ilo6: [RecordedRequest] = run.lab.hosts[2].simulator.requestLog
        let refusedBoot = ilo6.contains { (r: RecordedRequest) in r.method == "PATCH" && r.uri == "/redfish/v1/Systems/1" && r.status == 400 }
        let slotFlag = ilo6.contains { (r: RecordedRequest) in r.method == "PATCH" && r.uri.hasSuffix("/VirtualMedia/2") && r.body.contains("BootOnNextServerReset") }
        #expect(refusedBoot)
        #expect(slotFlag)
        // The first Boot PATCH answered 200 and changed nothing; the re-read caught it and the retry applied it.
        let generic = run.lab.hosts[3].simulator.requestLog.filter { $0.method == "PATCH" && $0.body.contains("\"Once\"") }
        #expect(generic.count == 2, "\(generic)")
    }
}

extension FieldQuirkInstallTests {
    @Test("iLO 4 installs (PATCH insert, eject without Inserted); Supermicro keeps UEFI after the clear; no Supermicro licence, iLO 7 and AMI told --http, and XCC 2.30 fail naming the fix")
    func moreVendors() async throws {
        var unlicensed = FaultKnobs(); unlicensed.unlicensed = true
        let flavours: [VendorFlavor] = [.hpeILO4, .supermicro, .supermicro, .hpeILO7, .lenovoAMI, .lenovoXCCLegacy]
        // --http: every BMC gets plain http://, so the HTTPS-only BMCs must be refused (HTTPSMediaInstallTests shows
        // them installing once vmedia picks https:// by itself).
        let run = try await InstallerFlowTests.install(count: flavours.count, flavours: flavours, subnet: 123, faults: [2: unlicensed],
                                                       configure: { $0.mediaHTTPS = false })
        defer { Task { await run.lab.stop() } }
        let results = run.results
        #expect(results[0].succeeded, "iLO 4: \(results[0].failure ?? "") log: \(run.lab.hosts[0].simulator.log)")
        let ilo4: [RecordedRequest] = run.lab.hosts[0].simulator.requestLog
        let imageOnly = ilo4.contains { (r: RecordedRequest) in r.method == "PATCH" && r.uri.hasSuffix("/VirtualMedia/2") && r.body == #"{"Image":null}"# && r.status == 200 }
        #expect(imageOnly, "the eject PATCH without Inserted")
        #expect(results[1].succeeded, "Supermicro: \(results[1].failure ?? "")")
        #expect(run.lab.hosts[1].simulator.bootOverrideMode == "UEFI")
        #expect(!results[2].succeeded)
        #expect(results[2].failure?.contains("SFT-DCMS-SVC-KEY") == true, "\(results[2].failure ?? "")")
        for index in [3, 4] {
            #expect(!results[index].succeeded)
            #expect(results[index].failure?.contains("needs HTTPS media") == true, "\(results[index].failure ?? "")")
            let writes = run.lab.hosts[index].simulator.requestLog.filter { $0.uri.contains("VirtualMedia") && $0.method != "GET" }
            #expect(writes.isEmpty, "nothing inserted over plain HTTP: \(writes)")
        }
        #expect(!results[5].succeeded)
        #expect(results[5].failure?.contains("older than 2.50") == true, "\(results[5].failure ?? "")")
        for host in run.lab.hosts { #expect(host.simulator.liveSessionCount == 0) }
    }

    @Test("vmedia eject after an iDRAC10 install: the refused clear is reported as a warning, the command succeeds")
    func ejectAfterBoot() async throws {
        let directory = try TemporaryDirectory()
        let run = try await InstallerFlowTests.install(count: 1, flavours: [.dellIDRAC10], subnet: 127, in: directory)
        defer { Task { await run.lab.stop() } }
        #expect(run.results.first?.succeeded == true, "\(run.results.first?.failure ?? "")")
        let eject = try VMediaBinary.run(["eject", "--config", run.lab.hostsFilePath])
        #expect(eject.status == 0, "\(eject.stdout)\(eject.stderr)")
        #expect(eject.stdout.contains("warning: the BMC refused to clear the boot override"), "\(eject.stdout)\(eject.stderr)")
        #expect(!eject.stdout.contains("boot override cleared"))
    }

    @Test("an iDRAC whose session table is full (RAC0218, 503) fails at login saying so, without trying Basic auth")
    func sessionTableFull() async throws {
        var full = FaultKnobs(); full.sessionCap = 0
        let run = try await InstallerFlowTests.install(count: 1, flavours: [.dellIDRAC9v7], subnet: 125, faults: [0: full])
        defer { Task { await run.lab.stop() } }
        let result = try #require(run.results.first)
        #expect(!result.succeeded)
        #expect(result.failure?.contains("RAC0218") == true && result.failure?.contains("session table is full") == true, "\(result.failure ?? "")")
        #expect(!run.lab.hosts[0].simulator.requestLog.contains { $0.authentication == .basic })
    }
}
