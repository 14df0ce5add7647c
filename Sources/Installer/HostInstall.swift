import CurlHTTP
import ESXi
import Foundation
import NIOConcurrencyHelpers
import Inventory
import Logging
import LayeredMedia
import MediaServer
import Redfish
import VSphere
import Primitives

/// One host's run through the phases (see `InstallPhase`), with a timeout per phase. Whatever happens after the
/// insert — failure, timeout, cancellation — the media vmedia inserted is ejected, the boot override cleared and the
/// Redfish session deleted, so a BMC is never left with a dangling session or our URL.
struct HostInstall: Sendable {
    let target: InstallTarget
    let context: Installer.Context
    let emit: @Sendable (InstallEvent) -> Void

    private var plan: HostPlan { target.plan }
    private var name: String { target.name }

    /// Tracks what this run changed on the BMC and how long each phase took.
    /// Written by the host's task and read by its cleanup and result: every field behind the one lock.
    final class Progress: Sendable {
        private struct State {
            var phase: InstallPhase = .validate
            var phaseStart: Double
            var timings: [HostResult.PhaseTiming] = []
            var inserted = false
            var bytesRead: Int64 = 0
            var url: String?
            var evidence: String?
        }
        private let state: NIOLockedValueBox<State>
        init(start: Double) { state = NIOLockedValueBox(State(phaseStart: start)) }
        var phase: InstallPhase { state.withLockedValue { $0.phase } }
        var timings: [HostResult.PhaseTiming] { state.withLockedValue { $0.timings } }
        var inserted: Bool {
            get { state.withLockedValue { $0.inserted } }
            set { state.withLockedValue { $0.inserted = newValue } }
        }
        var bytesRead: Int64 {
            get { state.withLockedValue { $0.bytesRead } }
            set { state.withLockedValue { $0.bytesRead = newValue } }
        }
        var url: String? {
            get { state.withLockedValue { $0.url } }
            set { state.withLockedValue { $0.url = newValue } }
        }
        var evidence: String? {
            get { state.withLockedValue { $0.evidence } }
            set { state.withLockedValue { $0.evidence = newValue } }
        }
        func enter(_ phase: InstallPhase, at now: Double) {
            state.withLockedValue { state in
                state.timings.append(.init(phase: state.phase, seconds: now - state.phaseStart))
                state.phase = phase
                state.phaseStart = now
            }
        }
        func close(at now: Double) {
            state.withLockedValue { $0.timings.append(.init(phase: $0.phase, seconds: now - $0.phaseStart)) }
        }
    }

    func run() async -> HostResult {
        let clock = context.clock
        let start = clock.now()
        let progress = Progress(start: start)
        let name = self.name
        let emit = self.emit
        let elapsed: @Sendable () -> Double = { clock.now() - start }
        let enter: @Sendable (InstallPhase, String) -> Void = { phase, message in
            progress.enter(phase, at: clock.now())
            emit(InstallEvent(host: name, .phase(phase, message), elapsed: elapsed()))
        }
        emit(InstallEvent(host: name, .phase(.validate, "validating the plan"), elapsed: 0))
        var failure: HostFailure?
        var alreadyInstalled: String?
        do {
            alreadyInstalled = try await execute(progress: progress, enter: enter, elapsed: elapsed)
        } catch {
            // A failure while stopping is the stop, whatever error the interrupted request ended with.
            let stopped = error is CancellationError || Task.isCancelled
            failure = stopped ? HostFailure(phase: progress.phase, error: InstallError.cancelled(phase: progress.phase))
                              : HostFailure(phase: progress.phase, error: error)
        }
        progress.close(at: clock.now())
        let summary = alreadyInstalled.map { "already installed, skipped (--reinstall installs it again): \($0)" }
            ?? (context.options.goal == .installed ? "installed" : "reached \(context.options.goal.rawValue)")
        emit(InstallEvent(host: name, .finished(.init(phase: failure?.phase ?? .done, bytesRead: progress.bytesRead,
                                                      failure: failure, summary: summary)), elapsed: elapsed()))
        var result = HostResult(host: name, bmc: plan.bmc.url, vendor: plan.vendor.rawValue, esxiAddress: plan.esxiAddress.description,
                                url: progress.url.map(Self.redact), failed: failure, phases: progress.timings,
                                bytesRead: progress.bytesRead, seconds: elapsed(), evidence: alreadyInstalled ?? progress.evidence)
        result.alreadyInstalled = alreadyInstalled != nil
        return result
    }

    /// The URL with its token shortened: reports and logs must not hand out a readable path to the image.
    static func redact(_ url: String) -> String {
        var parts = url.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 6 { parts[4] = String(parts[4].prefix(6)) + "…" }
        return parts.joined(separator: "/")
    }

    /// Returns the evidence when the host already runs the ISO's build and was left alone, nil after an install.
    private func execute(progress: Progress, enter: @escaping @Sendable (InstallPhase, String) -> Void,
                         elapsed: @escaping @Sendable () -> Double) async throws -> String? {
        let options = context.options
        // A rerun must not wipe finished hosts: look at the ESXi address before the BMC is contacted. Only for the
        // installed goal: the shorter goals test the media path and never probe the ESXi address.
        if options.goal == .installed, !options.reinstall {
            let check = InstalledCheck(probe: ESXiProbe(http: context.http, address: plan.esxiAddress.description,
                                                        port: options.esxiPort, useTLS: options.esxiTLS),
                                       expected: context.remaster.installer.build)
            switch await check.look(password: target.rootPassword) {
            case .installed(let evidence):
                return evidence
            case .unclear(let evidence):
                throw InstallError.installedStateUnclear(evidence: evidence)
            case .notInstalled(let seen):
                emit(InstallEvent(host: name, kind: .note, phase: .validate, message: "not installed yet: \(seen)", elapsed: elapsed()))
            }
        }
        // Validate: what can be decided without the network.
        let peer: String? = options.anyPeer ? nil : plan.bmc.host
        if let peer, IPv4Address(peer) == nil {
            throw InstallError.source(path: context.sourcePath,
                                      reason: "the BMC address \(peer) is a name, but the image allowlist needs the address the BMC reads from; write the BMC's IP address in the hosts file or use --any-peer")
        }
        // A serial-number install disk is built after the BMC check, once the BMC's drives have named its device id.
        let hostImage = plan.kickstart.installDisk.needsResolution ? nil : try image(for: plan)

        enter(.checkBMC, "logging in to \(plan.bmc.url)")
        let connection = BMCConnection(http: context.http, knownBMCs: KnownBMCs(path: options.knownBMCsPath), logger: context.logger)
        let trust = try await connection.resolve(target.bmcTrust, for: plan.bmc, hostName: name)
        if let warning = trust.warning {
            emit(InstallEvent(host: name, .warning(.checkBMC, warning), elapsed: elapsed()))
        }
        var timeouts = RedfishClient.Timeouts()
        timeouts.pollInterval = options.pollInterval < .seconds(2) ? options.pollInterval : .seconds(2)
        let client = connection.client(for: plan.bmc, trust: trust,
                                       credentials: .init(username: plan.username, password: plan.password.reveal()),
                                       timeouts: timeouts, sleep: context.clock.sleep)
        try await client.withSession { client in
            do {
                try await body(client: client, builtImage: hostImage, peer: peer, progress: progress, enter: enter, elapsed: elapsed)
            } catch {
                // Clean up on any failure after the insert, even when cancelled: a fresh task is not cancelled.
                if progress.inserted {
                    let cleanup = Task { await bestEffortCleanup(client: client) }
                    await cleanup.value
                }
                throw error
            }
        }
        return nil
    }

    /// Whether this host's BMC gets an https:// URL: `--https`/`--http` for the run, else the host's `media_https:`,
    /// else the vendor rule (iLO 7 and Lenovo's AMI BMC mount only HTTPS). Serving HTTPS for the first time loads or
    /// generates the certificate and says which one, with its fingerprint.
    private func mediaScheme(driver: BMCDriver, elapsed: @escaping @Sendable () -> Double) throws -> Bool {
        let byVendor = driver.profile.requiresHTTPSMedia
        let https = context.options.mediaHTTPS ?? plan.mediaHTTPS ?? byVendor
        guard https else { return false }
        let (identity, enabledNow) = try context.server.ensureTLS(context.options.mediaTLS, addresses: [context.advertise])
        let why = context.options.mediaHTTPS != nil ? "--https" : plan.mediaHTTPS != nil ? "media_https: true"
            : "\(driver.profile.vendor.rawValue) \(driver.profile.generation) mounts only HTTPS images"
        emit(InstallEvent(host: name, kind: .note, phase: .publish,
                          message: "https:// image URL (\(why))" + (enabledNow ? "; \(identity.summary)" : ""), elapsed: elapsed()))
        return true
    }

    private func image(for plan: HostPlan) throws -> ESXiHostImage {
        let kickstart = Array(try plan.renderKickstart(secrets: .reveal).utf8)
        return try context.remaster.hostImage(kickstart: kickstart, systemMediaSize: plan.systemMediaSize,
                                                  kernelOptions: plan.kernelOptions)
    }

    private func body(client: RedfishClient, builtImage: ESXiHostImage?, peer: String?, progress: Progress,
                      enter: @escaping @Sendable (InstallPhase, String) -> Void, elapsed: @escaping @Sendable () -> Double) async throws {
        let options = context.options
        let limits = options.timeouts
        let vendor = plan.vendor
        let driver = try await phase(.checkBMC, limits.checkBMC) {
            try await BMCDriver.connect(client: client, expectedVendor: vendor, logger: context.logger)
        }
        let (slots, power) = try await phase(.checkBMC, limits.checkBMC) {
            (try await driver.mediaSlots(), try await driver.powerState())
        }
        guard slots.contains(where: \.isOpticalDrive) else { throw InstallError.noCDSlot(bmc: plan.bmc.url) }
        for warning in driver.warnings {
            emit(InstallEvent(host: name, .note(.checkBMC, warning), elapsed: elapsed()))
        }
        emit(InstallEvent(host: name, .identified(.init(vendor: driver.profile.vendor, generation: driver.profile.generation,
                                                        power: power)), elapsed: elapsed()))
        let secureBoot = try await checkSecureBoot(driver: driver, elapsed: elapsed)
        let hostImage: ESXiHostImage
        if let built = builtImage { hostImage = built } else { hostImage = try await resolvedImage(driver: driver, elapsed: elapsed) }
        // What answers at the ESXi address before anything changes: an old ESXi that still answers later is told
        // from the new one by this, its build and its boot time.
        let probe = ESXiProbe(http: context.http, address: plan.esxiAddress.description, port: options.esxiPort, useTLS: options.esxiTLS)
        var baseline: ESXiObservation?
        if options.goal >= .installed {
            let seen = await probe.observe(password: target.rootPassword)
            baseline = seen
            let text: String
            switch seen {
            case .nothing: text = "before the insert nothing answers the vSphere API at \(plan.esxiAddress)"
            case .esxi(let sighting): text = "before the insert \(sighting.description)"
            }
            emit(InstallEvent(host: name, .note(.checkBMC, text), elapsed: elapsed()))
        }

        enter(.publish, "publishing the image")
        let image = LayeredServableImage(hostImage.image)
        let published = try context.server.registry.publish(image, host: name, name: context.imageName,
                                                            allowedPeers: peer.map { [$0] })
        let url = try context.server.url(for: published, advertising: context.advertise,
                                         https: try mediaScheme(driver: driver, elapsed: elapsed))
        progress.url = url

        enter(.eject, "ejecting all virtual media")
        let ejected = try await phase(.eject, limits.bmcAction) { try await driver.ejectAll() }
        if !ejected.isEmpty {
            emit(InstallEvent(host: name, .note(.eject, "ejected \(ejected.joined(separator: ", "))"), elapsed: elapsed()))
        }

        enter(.insert, "inserting \(Self.redact(url))")
        progress.inserted = true
        _ = try await phase(.insert, limits.bmcAction) { try await driver.insert(url: url) }

        enter(.confirm, "reading the slots back")
        let after = try await phase(.confirm, limits.bmcAction) { try await driver.mediaSlots() }
        guard after.contains(where: { $0.image == url }) else {
            throw InstallError.insertNotShown(bmc: plan.bmc.url, url: Self.redact(url),
                                              slots: after.map { "\($0.id ?? "?")=\($0.image.map(Self.redact) ?? "empty")" })
        }

        enter(.bootOnce, "one-time boot from the virtual CD")
        if let warning = try await phase(.bootOnce, limits.bmcAction, { try await driver.setOneTimeBoot(.cd) }) {
            emit(InstallEvent(host: name, .warning(.bootOnce, warning), elapsed: elapsed()))
        }

        let isOn = (try? await driver.powerState()) == .on
        // Reads before the power action prove nothing (iDRAC reads the image during InsertMedia): the evidence
        // is what is read from here on, mapped to the image's files.
        let registry = context.server.registry
        var evidence = MediaReadEvidence(map: try BootMediaMap(hostImage: hostImage), imageBytes: image.byteCount)
        if let before = registry.statistics(host: name) { evidence.noteBeforeMark(before) }
        registry.markPowerAction(host: name)
        enter(.power, isOn ? "force restart" : "power on")
        // Taken before the request: whatever boots after it has an uptime shorter than the time since.
        let restartedAt = context.clock.now()
        _ = try await phase(.power, limits.bmcAction) { isOn ? try await driver.forceRestart() : try await driver.powerOn() }
        if options.goal == .rebooted { return try await finish(driver: driver, enter: enter, elapsed: elapsed) }

        enter(.waitMediaRead, "waiting for the host to read the image after the restart")
        let readStart = context.clock.now()
        var lastSummary = ""
        // Takes the new reads; emits the evidence and shows it on the status page when it changed.
        let report: @Sendable (inout MediaReadEvidence, inout String, InstallPhase) -> Void = { [name, emit] evidence, last, phase in
            guard let stats = registry.statistics(host: name) else { return }
            evidence.ingest(stats)
            progress.bytesRead = stats.bytesServed
            let summary = evidence.summary()
            guard summary != last else { return }
            last = summary
            registry.setEvidence(host: name, summary)
            emit(InstallEvent(host: name, .progress(.init(phase: phase, bytesRead: stats.bytesServed, imageBytes: image.byteCount,
                                                          evidence: summary)), elapsed: elapsed()))
        }
        // Until the host starts reading after the restart (or the BMC is seen to have copied the whole image before
        // it); with --until media-read, until the boot files are read.
        let reached: @Sendable (MediaReadEvidence) -> Bool = { [goal = options.goal] evidence in
            goal == .mediaRead ? evidence.mediaReadReached : (evidence.anythingRead || evidence.mediaReadReached)
        }
        while true {
            report(&evidence, &lastSummary, .waitMediaRead)
            if reached(evidence) { break }
            if context.clock.now() - readStart > limits.mediaRead.seconds {
                let stats = registry.statistics(host: name)
                if (stats?.bytesServed ?? 0) == 0 {
                    throw InstallError.neverReadImage(bmc: plan.bmc.url, seconds: limits.mediaRead.seconds,
                                                      accessLog: await context.accessLog.lines(for: name))
                }
                let before = (stats?.bytesServed ?? 0) - (stats?.bytesSinceMark ?? 0)
                throw InstallError.imageNotBooted(bmc: plan.bmc.url, seconds: limits.mediaRead.seconds,
                                                  evidence: evidence.summary() + (before > 0 ? "; \(before) bytes were read before the restart, which prove nothing" : ""))
            }
            try await context.clock.sleep(options.pollInterval)
        }
        if options.goal == .mediaRead { return try await finish(driver: driver, enter: enter, elapsed: elapsed) }

        enter(.waitESXi, "waiting for ESXi on \(plan.esxiAddress):\(options.esxiPort)")
        let wait = ESXiReadinessWait(probe: probe, expected: context.remaster.installer.build, baseline: baseline,
                                     password: target.rootPassword, clock: context.clock, timeout: limits.esxi,
                                     pollInterval: options.pollInterval)
        let (readiness, sighting) = try await wait.wait(restartedAt: restartedAt, beforeEachLook: {
            report(&evidence, &lastSummary, .waitESXi)
        }, note: { note in
            emit(InstallEvent(host: name, .note(.waitESXi, note), elapsed: elapsed()))
        })
        progress.evidence = readiness
        emit(InstallEvent(host: name, .note(.waitESXi, readiness), elapsed: elapsed()))
        if options.goal >= .configured {
            try await AfterInstall(context: context, target: target, emit: emit)
                .configure(enter: enter, elapsed: elapsed, phase: { limit, body in try await phase(.configure, limit, body) })
        } else if secureBoot == true && plan.kickstart.enableSSH, let password = target.rootPassword {
            enter(.configure, "enabling SSH through the vSphere API (Secure Boot skips %firstboot)")
            let configuration = HostConfiguration(http: context.http, address: plan.esxiAddress.description,
                                                  port: options.esxiPort, useTLS: options.esxiTLS)
            let done = try await phase(.configure, limits.bmcAction) { try await configuration.enableSSH(password: password) }
            emit(InstallEvent(host: name, .note(.configure, done), elapsed: elapsed()))
        }
        try await finish(driver: driver, enter: enter, elapsed: elapsed)
        // The install is complete: a join failure below reports it and changes nothing on the BMC.
        progress.inserted = false
        if options.goal >= .joined {
            try await AfterInstall(context: context, target: target, emit: emit)
                .join(thumbprint: sighting?.thumbprint, enter: enter, elapsed: elapsed,
                      phase: { limit, body in try await phase(.join, limit, body) })
        }
    }

    /// Reads `SecureBoot.SecureBootEnable`. Under Secure Boot ESXi skips `%firstboot`: a user's `firstboot:` script
    /// fails the host here, before anything is inserted; the built-in SSH step moves to the vSphere API (which needs
    /// root's password). Nil when the BMC does not say.
    private func checkSecureBoot(driver: BMCDriver, elapsed: @escaping @Sendable () -> Double) async throws -> Bool? {
        let state: SecureBoot?
        do {
            state = try await phase(.checkBMC, context.options.timeouts.checkBMC) { try await driver.secureBoot() }
        } catch let error as InstallError {
            throw error
        } catch {
            emit(InstallEvent(host: name, .note(.checkBMC, "Secure Boot state unreadable (\(error)); if it is on, ESXi skips %firstboot"),
                              elapsed: elapsed()))
            return nil
        }
        let note = try SecureBootPolicy.evaluate(enabled: state?.secureBootEnable, target: target)
        emit(InstallEvent(host: name, .note(.checkBMC, note), elapsed: elapsed()))
        return state?.secureBootEnable
    }

    private func finish(driver: BMCDriver, enter: @escaping @Sendable (InstallPhase, String) -> Void,
                        elapsed: @escaping @Sendable () -> Double) async throws {
        enter(.cleanup, "ejecting our image and clearing the boot override")
        // iDRAC10 refuses to clear a boot override once the host has booted; a consumed Once override is no failure,
        // so the driver returns a warning instead (community.general#11297).
        let warning = try await phase(.cleanup, context.options.timeouts.cleanup) { () -> String? in
            _ = try await driver.ejectAll()
            return try await driver.clearBootOverride()
        }
        if let warning { emit(InstallEvent(host: name, .note(.cleanup, "warning: \(warning)"), elapsed: elapsed())) }
    }

    private func bestEffortCleanup(client: RedfishClient) async {
        guard let driver = try? await BMCDriver.connect(client: client, logger: context.logger) else { return }
        _ = try? await driver.ejectAll()
        _ = try? await driver.clearBootOverride()
    }

    /// Runs `body`, failing with `InstallError.timeout` when it takes longer than `limit` on the installer's clock.
    /// `esxi_disk: "serial:…"`: the BMC's drive inventory names the drive's naa./eui. id, which the kickstart gets.
    private func resolvedImage(driver: BMCDriver, elapsed: @escaping @Sendable () -> Double) async throws -> ESXiHostImage {
        let inventory = try await phase(.checkBMC, context.options.timeouts.checkBMC) { try await driver.inventory() }
        let resolved = try plan.resolvingInstallDisk(with: inventory)
        emit(InstallEvent(host: name, .note(.checkBMC, "install disk \(plan.kickstart.installDisk) is \(resolved.kickstart.installDisk) on this BMC"),
                          elapsed: elapsed()))
        return try image(for: resolved)
    }

    private func phase<T: Sendable>(_ phase: InstallPhase, _ limit: Duration,
                                    _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let sleep = context.clock.sleep
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask { try await sleep(limit); return nil }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw InstallError.timeout(phase: phase, seconds: limit.seconds)
            }
            return value
        }
    }
}
