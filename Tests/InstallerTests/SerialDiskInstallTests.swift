import BMCSimulator
import CurlHTTP
import ESXi
import Foundation
import Installer
import Inventory
import Logging
import MediaServer
import Testing
import TestSupport
@testable import VMediaCLI

/// `esxi_disk: "serial:…"` through a whole install: the installer reads the simulated BMC's drives over Redfish in
/// its BMC check, and the simulated ESXi installer reads the resulting KS.CFG from the served image.
@Suite("Install with the disk given by serial number", .serialized)
struct SerialDiskInstallTests {
    @Test("serial of the second of two identical disks: KS.CFG says --disk=\"naa.…\" and ESXi goes on exactly that disk; an unknown serial fails before any insert")
    func installBySerial() async throws {
        // Host 1: the serial of its second SEAGATE disk (same model as the first). Host 2: a serial it doesn't have.
        func wantedDisk(_ lab: DemoLab) -> HostInventory.Disk { lab.hosts[0].simulator.configuration.inventory.disks[2] }
        let run = try await InstallerFlowTests.install(
            count: 2, flavours: [.generic, .dellIDRAC9], subnet: 229, configure: { $0.timeouts.mediaRead = .seconds(10) },
            targets: { lab in Self.targets(of: lab, serials: [wantedDisk(lab).serialNumber, "5PJAMUHD"]) })
        let (lab, results, events) = (run.lab, run.results, run.events)
        defer { Task { await lab.stop() } }
        let wanted = wantedDisk(lab)
        let twin = lab.hosts[0].simulator.configuration.inventory.disks[1]
        try #require(wanted.model == twin.model && wanted.serialNumber != twin.serialNumber)

        let good = lab.hosts[0].simulator
        #expect(results[0].succeeded, "\(results[0].failure ?? "") \(good.log)")
        // The simulated installer parsed KS.CFG from the image it read over HTTP and found that device in its inventory.
        #expect(good.log.contains { $0.hasPrefix("Installing ESXi on \(wanted.deviceName),") }, "\(good.log)")
        #expect(!good.log.contains { $0.contains(twin.deviceName) })
        let note = events.first { $0.host == results[0].host && $0.message.hasPrefix("install disk serial:") }
        #expect(note?.message == "install disk serial:\(wanted.serialNumber) is --disk=\"\(wanted.deviceName)\" on this BMC", "\(events.map(\.message))")

        let bad = lab.hosts[1].simulator
        #expect(!results[1].succeeded)
        #expect(results[1].phase == .checkBMC, "\(results[1].phase)")
        let failure = results[1].failure ?? ""
        #expect(failure.contains("install disk serial:5PJAMUHD: no drive of this host has this serial number"), "\(failure)")
        for disk in bad.configuration.inventory.disks { #expect(failure.contains(disk.serialNumber), "\(failure)") }
        #expect(failure.contains("fix: check the serial with vmedia discover"))
        #expect(bad.mediaBytesRead == 0 && bad.insertedMedia.isEmpty)
        #expect(bad.liveSessionCount == 0 && good.liveSessionCount == 0)
    }

    @Test("vmedia check maps a serial install disk through the BMC: the device id for a serial it has, a failure listing the serials for one it lacks, nothing inserted")
    func checkBySerial() async throws {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 2, flavours: [.lenovoXCC, .hpeILO5], subnet: 183,
                                          esxiPort: 9443, installMilliseconds: 100)
        defer { Task { await lab.stop() } }
        let wanted = lab.hosts[0].simulator.configuration.inventory.disks[2]
        let targets = Self.targets(of: lab, serials: [wanted.serialNumber, "5PJAMUHD"])
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let http = CurlHTTPClient(maxConnectionsPerHost: 4, logger: quiet)
        let outcomes = await BMCMaintenance.run(.check, targets: targets, parallel: 2, http: http, logger: quiet)
        http.shutdown()

        #expect(outcomes.count == 2)
        #expect(outcomes[0].succeeded, "\(outcomes[0].message)")
        #expect(outcomes[0].message.contains("install disk serial:\(wanted.serialNumber) is --disk=\"\(wanted.deviceName)\""),
                "\(outcomes[0].message)")
        #expect(!outcomes[1].succeeded)
        #expect(outcomes[1].message.contains("install disk serial:5PJAMUHD: no drive of this host has this serial number"),
                "\(outcomes[1].message)")
        for disk in lab.hosts[1].simulator.configuration.inventory.disks {
            #expect(outcomes[1].message.contains(disk.serialNumber), "\(outcomes[1].message)")
        }
        for host in lab.hosts {
            #expect(host.simulator.insertedMedia.isEmpty && host.simulator.liveSessionCount == 0)
        }
    }

    /// The lab's hosts with `esxi_disk: "serial:<serial>"`, one serial per host in order.
    static func targets(of lab: DemoLab, serials: [String]) -> [InstallTarget] {
        zip(lab.hosts, serials).map { host, serial in
            let plan = host.target.plan
            let bySerial = HostPlan(index: plan.index, vendor: plan.vendor, bmc: plan.bmc, username: plan.username, password: plan.password,
                                    kickstart: plan.kickstart.with(installDisk: InstallDisk("serial:\(serial)")), template: nil,
                                    systemMediaSize: plan.systemMediaSize, rootPassword: plan.rootPassword)
            return InstallTarget(plan: bySerial, rootPassword: host.target.rootPassword)
        }
    }
}
