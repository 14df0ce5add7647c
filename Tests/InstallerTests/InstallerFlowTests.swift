import BMCSimulator
import CurlHTTP
import ESXi
import Foundation
import Installer
import Logging
import MediaServer
import Testing
import TestSupport
@testable import VMediaCLI

/// The installer against simulated BMCs in this process: each test gets its own 127.0.<subnet>.x addresses.
@Suite("Installer against simulated BMCs", .serialized)
struct InstallerFlowTests {
    struct Run {
        let lab: DemoLab
        let results: [HostResult]
        let events: [InstallEvent]
    }

    /// - Parameter directory: where the lab's ISO and hosts file live; a fresh one (gone on return) by default, a
    ///   caller's to run further commands against the lab's hosts file.
    static func install(count: Int, flavours: [VendorFlavor], subnet: Int, faults: [Int: FaultKnobs] = [:],
                        clock: InstallClock = .continuous, in given: TemporaryDirectory? = nil,
                        configure: (inout InstallOptions) -> Void = { _ in },
                        customize: (Int, inout BMCConfiguration) -> Void = { _, _ in },
                        targets: (DemoLab) -> [InstallTarget] = { $0.hosts.map(\.target) }) async throws -> Run {
        let directory = try given ?? TemporaryDirectory()
        let lab = try await DemoLab.start(in: directory.path, count: count, flavours: flavours, subnet: subnet,
                                          esxiPort: 9443, faults: faults, installMilliseconds: 100, customize: customize)
        do {
            let remaster = try ESXiRemaster(sourcePath: lab.isoPath)
            try Installer.verifySource(remaster)
            var quiet = Logger(label: "test")
            quiet.logLevel = .critical
            let server = MediaServer(registry: ImageRegistry(), logger: quiet)
            _ = try await server.start(host: "127.0.0.1", port: 0)
            let http = CurlHTTPClient(maxConnectionsPerHost: 4, logger: quiet)
            var options = InstallOptions()
            options.parallel = count
            options.esxiPort = 9443
            options.pollInterval = .milliseconds(100)
            options.timeouts.mediaRead = .seconds(4)
            options.timeouts.esxi = .seconds(60)
            configure(&options)
            let installer = Installer(remaster: remaster, server: server, advertise: "127.0.0.1", options: options, clock: clock,
                                      http: http, logger: quiet)
            let collected = Task { var all: [InstallEvent] = []; for await event in installer.events { all.append(event) }; return all }
            let results = await installer.run(targets(lab))
            let events = await collected.value
            http.shutdown()
            await server.shutdown(grace: .seconds(1))
            return Run(lab: lab, results: results, events: events)
        } catch {
            await lab.stop()
            throw error
        }
    }

    @Test("every working simulator flavour installs, reads its own image, and every session is deleted")
    func everyFlavour() async throws {
        let flavours: [VendorFlavor] = [.dellIDRAC10, .lenovoXCC, .hpeILO5, .supermicro, .generic]
        let run = try await Self.install(count: flavours.count, flavours: flavours, subnet: 101)
        defer { Task { await run.lab.stop() } }
        for (host, result) in zip(run.lab.hosts, run.results) {
            #expect(result.succeeded, "\(host.simulator.configuration.flavour): \(result.failure ?? "")")
            #expect(result.phase == .done)
            #expect(host.simulator.liveSessionCount == 0, "\(host.simulator.configuration.flavour) has open sessions")
            #expect(host.simulator.sessionsCreated >= 1)
            #expect(host.simulator.insertedMedia.isEmpty, "our image is still inserted on \(host.simulator.configuration.flavour)")
            #expect(host.simulator.bootOverride.enabled == "Disabled", "\(host.simulator.configuration.flavour): \(host.simulator.bootOverride)")
            #expect(host.simulator.mediaBytesRead > 0)
            #expect(result.bytesRead > 0)
            #expect(host.simulator.esxiHost?.counters.successfulLogins ?? 0 >= 1)
            // The phases ran in order, each at most once.
            let phases = result.phases.map(\.phase)
            #expect(phases.first == .validate && phases.last == .cleanup, "\(phases)")
        }
        let finished = run.events.filter { $0.kind == .finished }
        #expect(finished.count == flavours.count)
    }

    @Test("Dell iDRAC9 (Manager-scoped slots): the one-time boot goes through the SCP import and the install succeeds")
    func dellIDRAC9() async throws {
        let run = try await Self.install(count: 1, flavours: [.dellIDRAC9], subnet: 111)
        defer { Task { await run.lab.stop() } }
        let result = try #require(run.results.first)
        #expect(result.succeeded, "\(result.failure ?? "")")
        let imports = run.lab.hosts[0].simulator.requestLog.filter { $0.method == "POST" && $0.uri.hasSuffix("EID_674_Manager.ImportSystemConfiguration") }
        #expect(imports.count == 1, "the one-time boot must go through the SCP import: \(imports)")
        // Even so, what was inserted is ejected and the session deleted.
        #expect(run.lab.hosts[0].simulator.liveSessionCount == 0)
        #expect(run.lab.hosts[0].simulator.insertedMedia.isEmpty)
    }

    @Test("each injected fault fails only its own host with a clear message; sessions are deleted on every BMC")
    func faults() async throws {
        var never = FaultKnobs(); never.neverReadsMedia = true
        var broken = FaultKnobs(); broken.errorRate = 1
        var slow = FaultKnobs(); slow.addedLatencyMilliseconds = 50; slow.slowInsertMilliseconds = 1_500
        var capped = FaultKnobs(); capped.sessionCap = 1
        var etags = FaultKnobs(); etags.requireIfMatch = true; etags.staleETagCount = 1
        var lag = FaultKnobs(); lag.powerLagMilliseconds = 1_500
        let flavours: [VendorFlavor] = [.generic, .hpeILO5, .dellIDRAC10, .supermicro, .lenovoXCC, .generic, .generic]
        let run = try await Self.install(count: 7, flavours: flavours, subnet: 103,
                                         faults: [0: never, 1: broken, 2: slow, 3: capped, 4: etags, 5: lag])
        defer { Task { await run.lab.stop() } }
        let results = run.results
        #expect(!results[0].succeeded)
        #expect(results[0].phase == .waitMediaRead)
        #expect(results[0].failure?.contains("BMC never read the image") == true, "\(results[0].failure ?? "")")
        // Every request answers 500: the host fails and says what the BMC said.
        #expect(!results[1].succeeded)
        #expect(results[1].failure?.contains("InternalError") == true, "\(results[1].failure ?? "")")
        // Latency, slow inserts, a session cap of one and power lag are survived.
        for index in [2, 3, 5, 6] {
            #expect(results[index].succeeded, "host \(index): \(results[index].failure ?? "")")
        }
        // 412/428: the brief allows a clear failure; it must name the precondition status.
        if !results[4].succeeded {
            #expect(results[4].failure?.contains("412") == true || results[4].failure?.contains("428") == true,
                    "\(results[4].failure ?? "")")
        }
        for (index, host) in run.lab.hosts.enumerated() where index != 1 {
            #expect(host.simulator.liveSessionCount == 0, "\(host.simulator.configuration.name) has open sessions")
        }
        // With errorRate 1 every request but the login answers 500, the session's DELETE included: the client
        // retries the DELETE (3 attempts) before leaving the session to the BMC's session timeout.
        let deletes = run.lab.hosts[1].simulator.requestLog.filter { $0.method == "DELETE" && $0.uri.contains("/Sessions/") }
        #expect(deletes.count == 3, "DELETEs of the session: \(deletes)")
        // The failed host that got as far as an insert had it ejected again.
        #expect(run.lab.hosts[0].simulator.insertedMedia.isEmpty)
    }

    /// A clock that runs 1000 times faster than real time: the default 10-minute media-read timeout passes in
    /// 0.6 s, and the installer cannot tell (it only sees `now` and `sleep`).
    static func compressedClock() -> InstallClock {
        let start = ContinuousClock.now
        return InstallClock(now: { (ContinuousClock.now - start).seconds * 1000 },
                            sleep: { try await Task.sleep(for: $0 / 1000) })
    }

    @Test("the default 10-minute media-read timeout is enforced on the injected clock without waiting 10 minutes")
    func mediaReadTimeoutOnInjectedClock() async throws {
        var never = FaultKnobs(); never.neverReadsMedia = true
        let began = ContinuousClock.now
        let run = try await Self.install(count: 1, flavours: [.generic], subnet: 105, faults: [0: never],
                                         clock: Self.compressedClock()) { options in
            options.timeouts = InstallOptions.Timeouts()
            options.timeouts.checkBMC = .seconds(3600 * 10)
            options.timeouts.bmcAction = .seconds(3600 * 10)
            options.timeouts.cleanup = .seconds(3600 * 10)
            options.pollInterval = .seconds(5)
        }
        defer { Task { await run.lab.stop() } }
        let result = try #require(run.results.first)
        #expect(!result.succeeded)
        #expect(result.phase == .waitMediaRead)
        #expect(result.failure?.contains("within 600 s") == true, "\(result.failure ?? "")")
        #expect(ContinuousClock.now - began < .seconds(60))
        #expect(run.lab.hosts[0].simulator.liveSessionCount == 0)
    }

    @Test("a BMC action that outlasts its phase timeout fails that phase by name")
    func phaseTimeout() async throws {
        var slow = FaultKnobs(); slow.slowInsertMilliseconds = 5_000
        let run = try await Self.install(count: 1, flavours: [.dellIDRAC10], subnet: 109, faults: [0: slow]) { options in
            options.timeouts.bmcAction = .seconds(1)
        }
        defer { Task { await run.lab.stop() } }
        let result = try #require(run.results.first)
        #expect(!result.succeeded)
        #expect(result.failure?.contains("phase insert took longer than 1 s") == true, "\(result.failure ?? "")")
        #expect(run.lab.hosts[0].simulator.liveSessionCount == 0)
    }

    @Test("--until media-read stops after the first read and still cleans up")
    func untilMediaRead() async throws {
        let run = try await Self.install(count: 2, flavours: [.generic, .lenovoXCC], subnet: 107) { $0.goal = .mediaRead }
        defer { Task { await run.lab.stop() } }
        for (host, result) in zip(run.lab.hosts, run.results) {
            #expect(result.succeeded, "\(result.failure ?? "")")
            #expect(!result.phases.map(\.phase).contains(.waitESXi))
            #expect(host.simulator.liveSessionCount == 0)
            #expect(host.simulator.insertedMedia.isEmpty)
        }
    }
}
