import BMCSimulator
import CurlHTTP
import Foundation
import Installer
import Logging
import MediaServer
import Testing
import TestSupport
@testable import VMediaCLI

/// The media pre-flight against the simulated vendor flavours: the BMC's own reads of a probe ISO, from its own
/// address, and nothing changed on the BMC but the insert and the eject of that probe.
@Suite("Media pre-flight (check --media)", .serialized)
struct MediaPreflightTests {
    struct Run {
        let lab: DemoLab
        let reports: [MediaPreflight.Report]
    }

    static func preflight(_ flavours: [VendorFlavor], subnet: Int, advertise: String = "127.0.0.1",
                          configure: (inout MediaPreflight.Options) -> Void = { _ in }) async throws -> Run {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: flavours.count, flavours: flavours, subnet: subnet,
                                          esxiPort: 9443, installMilliseconds: 100)
        return Run(lab: lab, reports: try await preflight(lab, directory: directory, advertise: advertise, configure: configure))
    }

    /// The pre-flight of every host of `lab` on a media server of its own (127.0.0.1, any port), waits shortened.
    static func preflight(_ lab: DemoLab, directory: TemporaryDirectory, advertise: String = "127.0.0.1",
                          configure: (inout MediaPreflight.Options) -> Void = { _ in }) async throws -> [MediaPreflight.Report] {
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let server = MediaServer(registry: ImageRegistry(), logger: quiet)
        _ = try await server.start(host: "127.0.0.1", port: 0)
        let http = CurlHTTPClient(maxConnectionsPerHost: 4, logger: quiet)
        var options = MediaPreflight.Options()
        options.wait = .seconds(3)
        options.settle = .milliseconds(300)
        options.mediaTLS = .stateDirectory(directory.file("state"))
        configure(&options)
        let reports = await MediaPreflight.run(targets: lab.hosts.map(\.target), parallel: lab.hosts.count, server: server,
                                               advertise: advertise, options: options, http: http, logger: quiet)
        http.shutdown()
        await server.shutdown(grace: .seconds(1))
        return reports
    }

    /// Every write the pre-flight sent: only sessions, the AMI's EnableRMedia, and the probe's insert and eject.
    static func expectOnlyMediaWrites(_ host: DemoLab.Host) {
        let writes = host.simulator.requestLog.filter { $0.method != "GET" }
        for write in writes {
            let allowed = write.uri.contains("/SessionService/Sessions") || write.uri.contains("VirtualMedia")
            #expect(allowed, "\(host.simulator.configuration.flavour) got a write that is not the probe's: \(write)")
            #expect(!write.body.contains("Boot") && !write.body.contains("ResetType") && !write.uri.contains("Reset")
                    && !write.uri.contains("ImportSystemConfiguration"), "no boot or power write: \(write)")
        }
        #expect(host.simulator.insertedMedia.isEmpty, "the probe was left inserted on \(host.simulator.configuration.flavour)")
        #expect(host.simulator.liveSessionCount == 0)
        #expect(host.simulator.bootOverride.enabled == "Disabled", "\(host.simulator.bootOverride)")
    }

    @Test("every flavour: iDRACs read the probe during the insert (reachable, ranges, first byte); the others are reported unproven; no boot or power write anywhere")
    func everyFlavour() async throws {
        let flavours = VendorFlavor.allCases.filter { $0 != .lenovoXCCLegacy }
        let run = try await Self.preflight(flavours, subnet: 201)
        defer { Task { await run.lab.stop() } }
        for (host, report) in zip(run.lab.hosts, run.reports) {
            let flavour = host.simulator.configuration.flavour
            Self.expectOnlyMediaWrites(host)
            #expect(report.leftClean == true, "\(flavour): \(report)")
            // iLO 7 and the AMI BMC got https:// by the vendor rule, the others http://.
            #expect(report.https == [.hpeILO7, .lenovoAMI].contains(flavour), "\(flavour): \(report)")
            if [.dellIDRAC9, .dellIDRAC9v7, .dellIDRAC10].contains(flavour) {
                #expect(report.succeeded, "\(flavour): \(report.message)")
                #expect(report.reachable == true && report.rangesHonoured == true, "\(flavour): \(report)")
                #expect(report.readers == [host.simulator.address], "read from the BMC's own address: \(report.readers)")
                #expect((report.timeToFirstByte ?? -1) >= 0 && (report.timeToFirstByte ?? 99) < 3, "\(report)")
                #expect(report.message.contains("ranges honoured"))
            } else {
                // Accepted but not read without a boot: nothing is claimed.
                #expect(!report.succeeded, "\(flavour): \(report.message)")
                #expect(report.reachable == nil && report.requests == 0, "\(flavour): \(report)")
                #expect(report.message.contains("not proven") && report.fix?.contains("--advertise") == true, "\(report)")
            }
        }
    }

    @Test("over https (--https) an iDRAC reads the probe through TLS; the report says TLS accepted")
    func tlsAccepted() async throws {
        let run = try await Self.preflight([.dellIDRAC10], subnet: 203) { $0.mediaHTTPS = true }
        defer { Task { await run.lab.stop() } }
        let report = try #require(run.reports.first)
        #expect(report.succeeded, "\(report.message)")
        #expect(report.https && report.tlsAccepted == true && report.url?.hasPrefix("https://127.0.0.1:") == true, "\(report)")
        #expect(report.message.contains("TLS accepted"))
        Self.expectOnlyMediaWrites(run.lab.hosts[0])
    }

    @Test("a URL the BMC cannot reach (an address in 127/8 where nothing listens) fails with the --advertise fix, and leaves nothing inserted")
    func unreachable() async throws {
        let run = try await Self.preflight([.dellIDRAC9v7], subnet: 205, advertise: "127.0.205.250")
        defer { Task { await run.lab.stop() } }
        let report = try #require(run.reports.first)
        #expect(!report.succeeded)
        #expect(report.reachable == false && report.requests == 0, "\(report)")
        #expect(report.message.contains("RAC0904"), "\(report.message)")
        #expect(report.fix?.contains("--advertise") == true, "\(report.fix ?? "")")
        Self.expectOnlyMediaWrites(run.lab.hosts[0])
    }

    @Test("a slot that already holds an image is reported and left inserted: check --media ejects nothing it did not insert")
    func foreignMediaIsLeftAlone() async throws {
        let directory = try TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: 1, flavours: [.hpeILO5], subnet: 207, esxiPort: 9443,
                                          installMilliseconds: 100)
        defer { Task { await lab.stop() } }
        // Someone else's image, inserted over the simulated BMC's own Redfish API by the bmc command.
        let bmc = lab.hosts[0].simulator
        let insert = try VMediaBinary.run(["bmc", "--bmc", "https://\(bmc.address):\(bmc.port)", "--username", DemoLab.bmcUser,
                                           "--password-env", "SIM_PW", "--insecure", "insert", "http://127.0.207.200/other.iso"],
                                          environment: ["SIM_PW": DemoLab.bmcPassword])
        try #require(insert.status == 0, "\(insert.stdout)\(insert.stderr)")
        let reports = try await Self.preflight(lab, directory: directory)
        let report = try #require(reports.first)
        #expect(!report.succeeded)
        #expect(report.foundInserted.first?.contains("other.iso") == true, "\(report)")
        #expect(report.message.contains("inserted before"), "\(report.message)")
        #expect(bmc.insertedMedia.values.contains { $0.contains("other.iso") }, "the other image must still be inserted: \(bmc.insertedMedia)")
    }
}
