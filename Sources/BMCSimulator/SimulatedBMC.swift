import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// One simulated server with its BMC: a Redfish service in a vendor's shape on its own loopback address, a power
/// and boot state machine, a virtual CD that reads the inserted image over HTTP ranges when the server boots it,
/// the ESXi installer's checks of the kickstart, and finally a simulated ESXi host on the kickstart's address.
///
/// All simulators share one event loop group; a BMC is a listening channel plus a little state under a lock,
/// and a boot is one Swift task doing sequential range reads, so hundreds fit on a small machine.
public final class SimulatedBMC: Sendable {
    public let configuration: BMCConfiguration
    private let group: EventLoopGroup
    private let service: RedfishService
    private let state: NIOLockedValueBox<BMCState>
    private let runtime = NIOLockedValueBox(Runtime())
    private let tls: NIOSSLContext?
    private let interpreter: KickstartInterpreter

    private struct Runtime {
        var server: SimulatorHTTPServer?
        var esxi: SimulatedESXiHost?
        var boot: Task<Void, Never>?
        /// The previous ESXi shutting down after a power action. A new system binds its address only after this
        /// ends: a real reboot drops every TCP connection, while a stopping NIO server closes its open connections
        /// after its listener, so a client's pooled keep-alive connection could otherwise reach the old system
        /// after the new one answers (the readiness probe once read the new build on a fresh connection and was
        /// refused root's login by the old system on its pooled one).
        var stopping: Task<Void, Never>?
        /// Images copied during InsertMedia (`FaultKnobs.copiesImageAtInsert`), by URL.
        var copies: [String: CopiedImage] = [:]
    }

    /// Oldest entries are dropped beyond this, so a long benchmark run keeps a bounded log per BMC.
    static let requestLogLimit = 10_000

    /// `tls` defaults to the shared context with the committed self-signed certificate.
    public init(configuration: BMCConfiguration, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        try configuration.validate()
        self.configuration = configuration
        self.group = group
        self.service = RedfishService(configuration: configuration)
        self.state = NIOLockedValueBox(BMCState(configuration: configuration))
        self.tls = configuration.useTLS || configuration.esxiUsesTLS ? try SimulatorTLS.shared() : nil
        self.interpreter = CrossCheckedKickstartInterpreter()
    }

    // MARK: Lifecycle

    public func start() async throws {
        let server = try await SimulatorHTTPServer.start(
            group: group, address: configuration.address, port: configuration.port,
            tls: configuration.useTLS ? tls : nil) { [self] request, loop in
            respond(to: request, on: loop)
        }
        runtime.withLockedValue { $0.server = server }
        // A server that is on with an ESXi on its disk runs it from the start, booted a while ago.
        if let old = configuration.preinstalled, configuration.initialPowerState == .on,
           let system = state.withLockedValue({ $0.installed }) {
            let generation = state.withLockedValue { $0.powerGeneration }
            await bringUp(system, generation: generation, bootTime: Date(timeIntervalSinceNow: -old.bootedSecondsAgo))
        }
    }

    /// Stops the Redfish service, any boot in progress and the simulated ESXi host.
    public func stop() async {
        let (server, esxi, boot) = runtime.withLockedValue { runtime in
            defer { runtime = Runtime() }
            return (runtime.server, runtime.esxi, runtime.boot)
        }
        state.withLockedValue { $0.powerGeneration += 1 }
        boot?.cancel()
        await server?.stop()
        await esxi?.stop()
    }

    // MARK: What tests and demos read

    /// The port actually bound (useful with port 0).
    public var port: Int { runtime.withLockedValue { $0.server?.port } ?? configuration.port }
    public var address: String { configuration.address }
    public var baseURL: String {
        let scheme = configuration.useTLS ? "https" : "http"
        let defaultPort = configuration.useTLS ? 443 : 80
        return port == defaultPort ? "\(scheme)://\(address)" : "\(scheme)://\(address):\(port)"
    }

    public var installPhase: InstallPhase { state.withLockedValue { $0.phase } }
    public var liveSessionCount: Int { state.withLockedValue { $0.sessions.count } }
    public var sessionsCreated: Int { state.withLockedValue { $0.sessionsCreated } }
    public var requestLog: [RecordedRequest] { state.withLockedValue { $0.requestLog } }
    /// Bytes of the inserted image(s) the virtual CD has fetched, over all boots.
    public var mediaBytesRead: Int64 { state.withLockedValue { $0.mediaBytesRead } }
    /// Bytes of inserted images read while answering InsertMedia, before any boot (Dell's check of the image, the
    /// download of a BMC that copies it): reads the installer must not take as proof of a boot.
    public var insertBytesRead: Int64 { state.withLockedValue { $0.insertBytesRead } }
    /// HTTP requests (HEAD and range GETs) the virtual CD has sent, over all boots.
    public var mediaRequestCount: Int { state.withLockedValue { $0.mediaRequests } }
    public var powerState: String { state.withLockedValue { $0.power.rawValue } }
    /// Image URLs currently inserted, by slot id.
    public var insertedMedia: [String: String] {
        state.withLockedValue { state in state.slots.compactMapValues { $0.connected ? $0.image : nil } }
    }
    /// `BootSourceOverrideMode` (UEFI or Legacy).
    public var bootOverrideMode: String { state.withLockedValue { $0.boot.mode } }

    public var bootOverride: (enabled: String, target: String) {
        state.withLockedValue { ($0.boot.enabled, $0.boot.target) }
    }
    /// The console/Lifecycle log, oldest first.
    public var log: [String] { state.withLockedValue { $0.log } }
    public var esxiHost: SimulatedESXiHost? { runtime.withLockedValue { $0.esxi } }

    public func clearRequestLog() { state.withLockedValue { $0.requestLog.removeAll() } }

    /// Polls the install phase until `predicate` holds or `timeout` passes; returns the last phase seen.
    public func waitForPhase(timeout: Duration, _ predicate: @Sendable (InstallPhase) -> Bool) async -> InstallPhase {
        let deadline = ContinuousClock.now + timeout
        while true {
            let phase = installPhase
            if predicate(phase) || ContinuousClock.now >= deadline { return phase }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: Requests

    private func respond(to request: SimulatedRequest, on loop: EventLoop) -> EventLoopFuture<SimulatedResponse> {
        if configuration.faults.hung { return loop.makeSucceededFuture(.hangForever()) }
        let now = NIODeadline.now()
        let (decision, authentication) = state.withLockedValue { service.handle(request, state: &$0, now: now) }
        switch decision {
        case .done(let handled):
            return loop.makeSucceededFuture(finish(handled, request: request, authentication: authentication, loop: loop))
        case .probeMedia(let url, let then):
            let promise = loop.makePromise(of: SimulatedResponse.self)
            let source = configuration.address
            let group = self.group
            Task { [self] in
                var failure: String?
                do {
                    let baseBytes = state.withLockedValue { $0.insertBytesRead }
                    let client = try HTTPRangeClient(url: url, group: group, sourceAddress: source) { [state] bytes, _ in
                        state.withLockedValue { state in
                            state.mediaRequests += 1
                            state.insertBytesRead = baseBytes + bytes
                        }
                    }
                    let size = try await client.contentLength()
                    if configuration.faults.copiesImageAtInsert {
                        // The whole image, in 1 MiB ranges, before the insert answers.
                        var bytes: [UInt8] = []
                        bytes.reserveCapacity(Int(size))
                        while Int64(bytes.count) < size {
                            bytes += try await client.read(at: Int64(bytes.count), count: Int(min(1 << 20, size - Int64(bytes.count))))
                        }
                        runtime.withLockedValue { $0.copies[url] = CopiedImage(url: url, bytes: bytes) }
                    }
                    // iDRAC fetches from the image during InsertMedia, before any boot (redfish-vendors.md §4, "iDRAC
                    // fetches synchronously during InsertMedia", RAC0904 when it cannot): here the primary volume
                    // descriptor, which is what identifies an ISO. These bytes are served before the power action,
                    // so they prove nothing about what the host boots.
                    if size >= 17 * 2048 { _ = try await client.read(at: 16 * 2048, count: 2048) }
                    client.close()
                } catch {
                    failure = "\(error)"
                }
                let handled = state.withLockedValue { then(failure, &$0) }
                promise.succeed(finish(handled, request: request, authentication: authentication, loop: loop))
            }
            return promise.futureResult
        }
    }

    private func finish(_ handled: RedfishService.Handled, request: SimulatedRequest,
                        authentication: RecordedRequest.Authentication, loop: EventLoop) -> SimulatedResponse {
        let record = RecordedRequest(method: request.method.rawValue, uri: request.uri, body: Redaction.body(request.body),
                                     ifMatch: request.headers.first(name: "If-Match"), status: Int(handled.response.status.code),
                                     authentication: authentication)
        state.withLockedValue { state in
            state.requestLog.append(record)
            if state.requestLog.count > Self.requestLogLimit { state.requestLog.removeFirst(state.requestLog.count - Self.requestLogLimit) }
        }
        for effect in handled.effects { apply(effect, loop: loop) }
        var response = handled.response
        response.delay = .milliseconds(Int64(configuration.faults.addedLatencyMilliseconds))
        return response
    }

    // MARK: Power and boot

    private func apply(_ effect: RedfishService.Effect, loop: EventLoop) {
        switch effect {
        case let .power(generation, target, boots, after):
            loop.scheduleTask(in: after) { [self] in completePower(generation: generation, target: target, boots: boots) }
        case let .completeTask(id, after):
            loop.scheduleTask(in: after) { [self] in
                let flavour = configuration.flavour
                state.withLockedValue { state in
                    guard var task = state.tasks[id], task.state == "Running" else { return }
                    task.state = "Completed"
                    state.tasks[id] = task
                    RedfishService.mount(slotID: task.slotID, image: task.image, inserted: true, writeProtected: task.writeProtected,
                                         path: flavour.virtualMediaCollectionPath + "/\(task.slotID)", state: &state)
                }
            }
        case .stopESXi:
            let (esxi, boot) = runtime.withLockedValue { runtime in
                defer { runtime.esxi = nil; runtime.boot = nil }
                return (runtime.esxi, runtime.boot)
            }
            boot?.cancel()
            if let esxi {
                let stopping = Task { await esxi.stop() }
                runtime.withLockedValue { $0.stopping = stopping }
            }
        }
    }

    private enum BootAction {
        case readMedia(url: String, generation: Int)
        /// Boot the disk; `enumerate` is the virtual CD's URL when the firmware reads its volume descriptors on the way
        /// (UEFI connects every block device during POST, so a CD it does not boot is still read a little).
        case bringUpInstalled(InstalledSystem, generation: Int, enumerate: String?)
    }

    private func completePower(generation: Int, target: BMCState.Power, boots: Bool) {
        let action: BootAction? = state.withLockedValue { state in
            guard state.powerGeneration == generation else { return nil }
            state.power = target
            state.touch(configuration.flavour.systemPath)
            if target == .off {
                state.lastPowerOffAt = .now()
                state.bootReadOnly = false
                state.phase = .poweredOff
                state.note("Server powered off")
                return nil
            }
            guard boots else { return nil }
            state.note("Server powered on")
            return decideBoot(&state, generation: generation)
        }
        switch action {
        case .readMedia(let url, let generation)?:
            let task = Task { [self] in await install(from: url, generation: generation) }
            runtime.withLockedValue { $0.boot = task }
        case .bringUpInstalled(let system, let generation, let enumerate)?:
            let task = Task { [self] in
                if let enumerate { await readVolumeDescriptors(enumerate) }
                await bringUp(system, generation: generation, bootTime: Date())
            }
            runtime.withLockedValue { $0.boot = task }
        case nil:
            break
        }
    }

    /// What the firmware boots: the virtual CD if the one-time (or continuous) override names the flavour's
    /// virtual-CD target (or HPE's BootOnNextServerReset is set) and a bootable slot holds media; else the disk.
    private func decideBoot(_ state: inout BMCState, generation: Int) -> BootAction? {
        let flavour = configuration.flavour
        let overrideActive = state.boot.enabled != "Disabled"
        let target = state.boot.target
        let bootSlot = flavour.slots.first { $0.bootsAsCD && state.slots[$0.id]?.connected == true && state.slots[$0.id]?.inserted == true }
        let hpeFlag = flavour.isHPE && bootSlot.map { state.slots[$0.id]?.bootOnNextReset == true } == true
        // Supermicro ARS-111GL-NHR boots its virtual media as Cd, other boards as UsbCd (sushy system.py
        // `_supermicro_models_cd_vmedia`).
        let virtualCDTarget = flavour == .supermicro && configuration.inventory.systemModel == "ARS-111GL-NHR" ? "Cd" : flavour.virtualCDBootTarget
        // Dell: only the SCP import's BootOnce + VCD-DVD boots the virtual CD; a standard `Cd` override is the local
        // physical drive (Ironic drac/boot.py; dell/terraform-provider-redfish#332). community.general#3423 saw `Cd`
        // work on some newer iDRAC9 firmware; the simulator models the firmware that does not, which the import covers.
        let asked = flavour.isDell
            ? state.virtualCDBootOnce
            : (overrideActive && target == virtualCDTarget) || hpeFlag
        let wantsCD = asked && !configuration.faults.ignoresOneTimeBoot
        // A one-time override is consumed by this boot whatever it named (that is what "Once" means).
        if state.boot.enabled == "Once" {
            state.boot.enabled = "Disabled"
            state.boot.target = "None"
            state.touch(flavour.systemPath)
        }
        state.virtualCDBootOnce = false
        // iDRAC10: once the host has booted, Boot is read-only until it is powered off (community.general#11297).
        if flavour == .dellIDRAC10 { state.bootReadOnly = true }
        if hpeFlag, let bootSlot { state.slots[bootSlot.id]?.bootOnNextReset = false }

        var reason: String?
        if asked && !wantsCD {
            reason = "the one-time boot to the virtual CD was accepted, but the server booted its disk (fault injected: ignoresOneTimeBoot)"
        } else if !wantsCD {
            if flavour.isDell && overrideActive && target == "Cd" {
                reason = "boot override target Cd is the iDRAC's physical optical drive; the virtual CD boots once only through the "
                    + "SCP import of ServerBoot.1#BootOnce and FirstBootDevice VCD-DVD"
            } else if overrideActive && target != virtualCDTarget && ["Cd", "UsbCd"].contains(target) && flavour == .supermicro {
                // §1.4: virtual media is a USB CD on X11/X12: "plain Cd boots nothing".
                reason = "boot override target \(target) is not the virtual CD on this Supermicro (\(configuration.inventory.systemModel)); it boots as \(virtualCDTarget)"
            } else {
                reason = "no boot override to the virtual CD (BootSourceOverrideEnabled \(overrideActive ? "set" : "Disabled"), target \(target))"
            }
        } else if bootSlot == nil {
            let elsewhere = state.slots.filter { $0.value.connected }.keys.sorted()
            reason = elsewhere.isEmpty
                ? "boot override to the virtual CD, but no virtual media is inserted"
                : "boot override to the virtual CD, but the media is in slot \(elsewhere.joined(separator: ", ")), which this BMC does not boot"
        } else if configuration.faults.neverReadsMedia {
            reason = "the BMC never read the virtual media (fault injected: neverReadsMedia)"
        }
        if let reason {
            if let system = state.installed, !wantsCD {
                state.note("Booting from \(system.plan.installDisk.model)")
                let enumerate = asked ? bootSlot.flatMap { state.slots[$0.id]?.image } : nil
                return .bringUpInstalled(system, generation: generation, enumerate: enumerate)
            }
            state.phase = .noInstallerBooted(reason)
            state.note("No installer booted: \(reason)")
            return nil
        }
        guard let bootSlot, let url = state.slots[bootSlot.id]?.image else { return nil }
        state.phase = .readingMedia
        state.note("Booting virtual CD \(bootSlot.id): \(url)")
        return .readMedia(url: url, generation: generation)
    }

    /// The firmware's look at a virtual CD it does not boot: the volume descriptors (sectors 16-17) and no more.
    private func readVolumeDescriptors(_ url: String) async {
        let (baseBytes, baseRequests) = state.withLockedValue { ($0.mediaBytesRead, $0.mediaRequests) }
        guard let client = try? HTTPRangeClient(url: url, group: group, sourceAddress: configuration.address, onProgress: { [state] bytes, requests in
            state.withLockedValue { state in
                state.mediaBytesRead = baseBytes + bytes
                state.mediaRequests = baseRequests + requests
            }
        }) else { return }
        defer { client.close() }
        if let size = try? await client.contentLength() {
            _ = try? await MediaBlockCache(client: client, byteCount: size).read(at: 16 * 2048, count: 2 * 2048)
        }
    }

    /// The boot from the virtual CD up to a running ESXi host, or a visible failure with the console's reason.
    private func install(from url: String, generation: Int) async {
        let (baseBytes, baseRequests) = state.withLockedValue { ($0.mediaBytesRead, $0.mediaRequests) }
        do {
            let client = try HTTPRangeClient(url: url, group: group, sourceAddress: configuration.address) { [state] bytes, requests in
                state.withLockedValue { state in
                    state.mediaBytesRead = baseBytes + bytes
                    state.mediaRequests = baseRequests + requests
                }
            }
            defer { client.close() }
            let loader: ESXiBootLoader
            if let copy = runtime.withLockedValue({ $0.copies[url] }) {
                loader = ESXiBootLoader(media: MediaBlockCache(client: copy, byteCount: Int64(copy.bytes.count)))
            } else {
                loader = ESXiBootLoader(media: MediaBlockCache(client: client, byteCount: try await client.contentLength()))
            }
            let outcome = try await loader.boot(firmware: configuration.firmware == .uefi ? .uefi : .bios,
                                                depth: configuration.readsModules ? .modules : .bootConfig)
            try Task.checkCancellation()
            log("Loaded \(outcome.bootConfigPath) (kernelopt: \(outcome.kernelopt)); kickstart \(outcome.kickstartPath)", generation: generation)
            let facts = try interpreter.interpret(outcome.kickstart)
            let plan = try InstallPlan.make(facts: facts, inventory: configuration.inventory)
            let current = state.withLockedValue { state -> Bool in
                guard state.powerGeneration == generation else { return false }
                state.phase = .installing
                state.note("Installing ESXi on \(plan.installDisk.deviceName), management vmnic\(plan.nicIndex) \(plan.address)")
                return true
            }
            guard current else { return }
            try await Task.sleep(for: .milliseconds(configuration.installMilliseconds))
            // The installed system reports the image's release; its first boot runs %firstboot unless Secure Boot
            // is on (vSphere Installation guide: "The %firstboot script does not run, if secure boot is enabled").
            let release = SimulatedRelease(bootConfigBuild: outcome.build) ?? .unnamed
            let firstboot = FirstbootSections(kickstart: outcome.kickstart)
            let skipped = configuration.secureBoot && !firstboot.bodies.isEmpty
            if skipped {
                log("Secure Boot is enabled: \(firstboot.bodies.count) %firstboot section(s) skipped", generation: generation)
            }
            let system = InstalledSystem(plan: plan, release: release,
                                         sshPolicy: !skipped && firstboot.enablesSSH ? "on" : "off",
                                         firstbootSectionsRun: skipped ? 0 : firstboot.bodies.count)
            await bringUp(system, generation: generation, bootTime: Date())
        } catch is CancellationError {
            return
        } catch {
            let reason = "\(error)"
            state.withLockedValue { state in
                guard state.powerGeneration == generation else { return }
                state.phase = .failed(reason)
                state.note("Install failed: \(reason)", severity: "Critical")
            }
        }
    }

    /// Starts the simulated ESXi host for `system` (after an install, or when an installed server boots its disk).
    private func bringUp(_ system: InstalledSystem, generation: Int, bootTime: Date) async {
        if let stopping = runtime.withLockedValue({ $0.stopping }) { await stopping.value }
        guard !Task.isCancelled else { return }
        let plan = system.plan
        do {
            let host = try await SimulatedESXiHost.start(group: group, address: plan.address, port: configuration.esxiPort,
                                                         tls: configuration.esxiUsesTLS ? tls : nil, system: system, bootTime: bootTime)
            let current = state.withLockedValue { state -> Bool in
                guard state.powerGeneration == generation else { return false }
                state.installed = system
                state.phase = .running(address: plan.address, port: host.port)
                state.note("ESXi \(system.release.version) build-\(system.release.build) is running on \(plan.address):\(host.port)")
                return true
            }
            if current {
                runtime.withLockedValue { $0.esxi = host }
            } else {
                await host.stop()
            }
        } catch {
            let reason = "cannot bring up ESXi on \(plan.address):\(configuration.esxiPort): \(error)"
            state.withLockedValue { state in
                guard state.powerGeneration == generation else { return }
                state.phase = .failed(reason)
                state.note("Install failed: \(reason)", severity: "Critical")
            }
        }
    }

    private func log(_ message: String, generation: Int) {
        state.withLockedValue { state in
            guard state.powerGeneration == generation else { return }
            state.note(message)
        }
    }
}

extension SimulatorTLS {
    private static let context = NIOLockedValueBox<NIOSSLContext?>(nil)

    /// One TLS context for every simulator in the process (contexts are immutable and thread-safe).
    static func shared() throws -> NIOSSLContext {
        try context.withLockedValue { cached in
            if let cached { return cached }
            let made = try makeContext()
            cached = made
            return made
        }
    }
}

/// Secrets never reach the request log: any JSON `Password` value is replaced by "******".
enum Redaction {
    static func body(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.contains("Password") else { return text }
        return text.replacingOccurrences(of: #""Password"\s*:\s*"(\\.|[^"\\])*""#, with: #""Password":"******""#,
                                         options: .regularExpression)
    }
}
