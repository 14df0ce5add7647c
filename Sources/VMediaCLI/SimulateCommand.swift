import ArgumentParser
import BMCSimulator
import ESXi
import Foundation
import MediaServer
import Primitives

/// `vmedia simulate`: runs simulated BMCs on loopback until interrupted, for manual testing and for other tests.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run simulated Redfish BMCs (Dell, Lenovo, HPE, Supermicro, generic) on 127.0.0.x.",
        discussion: """
            Each simulated BMC listens on its own loopback address with a Redfish service shaped like its vendor \
            (URIs, payload rules, ETag and session behaviour, error bodies). Insert an ISO URL, set a one-time boot \
            to the virtual CD and power on: the BMC reads the image with HTTP range requests like a real virtual CD \
            (El Torito, BOOT.CFG, the ks=cdrom: kickstart), checks the kickstart against its simulated disks and \
            NICs, and then brings up a simulated ESXi host answering the vSphere SOAP API on the kickstart's \
            address (which must be in 127.0.0.0/8).

            The BMC password is read from the environment variable named by --password-env (default \
            VMEDIA_SIMULATOR_PASSWORD); without it the public test default "vmedia-simulator" is used. It is never \
            printed: the output names only its source. TLS uses the committed self-signed certificate \
            (Fixtures/simulator/simulator-cert.pem): use curl -k, or --cacert with that file for 127.0.0.1.

            Examples:
              vmedia simulate --count 4
              vmedia simulate --count 8 --vendors idrac10,xcc \\
                  --first-address 127.0.0.20 --port 8443
              VMEDIA_SIMULATOR_PASSWORD=secret vmedia simulate --count 2 \\
                  --plain-http --port 8080 --json
              vmedia simulate --vendors ilo5 --error-rate 0.2 --latency-ms 300 \\
                  --duration 60
              curl -k -u root:vmedia-simulator https://127.0.0.10/redfish/v1/Systems

            With --hosts-file FILE it also writes a hosts file for these BMCs (the old tool's format, with \
            'simulated: true', which lets ESXi hosts have loopback addresses): each BMC at 127.a.b.c gets its ESXi \
            host at 127.a.(b+1).c. Install against the fleet from another shell with that file; give install the \
            same --esxi-port. The file names the password as ${VARIABLE} when it comes from the environment, and \
            holds the public default otherwise.
              vmedia fixture --esxi 8.0 --size 12MiB --output esxi.iso
              vmedia simulate --count 8 --port 8443 --esxi-port 9443 \\
                  --hosts-file hosts.yaml &
              vmedia install --config hosts.yaml --iso esxi.iso \\
                  --listen 127.0.0.1:0 --esxi-port 9443

            Runs until Ctrl-C (or --duration seconds), then prints each BMC's final state.
            """
    )

    @Option(help: "How many BMCs to run.")
    var count = 4

    @Option(help: ArgumentHelp("Vendor flavours, cycled over the BMCs: idrac9, idrac9-7, idrac10, xcc, xcc-2.30, lenovo-ami, ilo4, ilo5, ilo6, ilo7, supermicro, generic, or 'mixed' (every flavour that installs from a plain-HTTP image).",
                               valueName: "list"))
    var vendors = "mixed"

    @Option(help: "Address of the first BMC; the others take the following addresses. Must be in 127.0.0.0/8.")
    var firstAddress = "127.0.0.10"

    @Option(help: "Port every BMC listens on (each has its own address). 0 picks a free port per BMC.")
    var port = 443

    @Flag(help: "Serve Redfish over plain HTTP instead of HTTPS.")
    var plainHTTP = false

    @Option(help: "BMC user name.")
    var username = "root"

    @Option(help: ArgumentHelp("Environment variable holding the BMC password.", valueName: "name"))
    var passwordEnv = "VMEDIA_SIMULATOR_PASSWORD"

    @Option(help: "Port the simulated ESXi hosts answer the vSphere API on.")
    var esxiPort = 443

    @Option(help: "Seconds from an accepted kickstart until ESXi answers.")
    var installSeconds = 1.0

    @Option(help: "Server firmware: uefi reads /EFI/BOOT/BOOT.CFG, bios reads /BOOT.CFG.")
    var firmware = "uefi"

    @Flag(help: "Stop after the kickstart: don't read the kernel and modules listed in BOOT.CFG.")
    var skipModules = false

    @Option(help: "Fault: probability (0-1) of a 500 answer to each authenticated request.")
    var errorRate = 0.0

    @Option(help: "Fault: milliseconds added to every answer.")
    var latencyMs = 0

    @Flag(help: "Fault: accept inserts but never read the media.")
    var neverReadMedia = false

    @Option(help: "Fault: answer inserts with 202 + a Task that completes after this many milliseconds.")
    var slowInsertMs: Int?

    @Option(help: "Fault: maximum concurrent sessions (vendor default otherwise).")
    var sessionCap: Int?

    @Flag(help: "Fault: PATCH without If-Match answers 428.")
    var requireIfMatch = false

    @Option(help: "Fault: the first N PATCHes with If-Match answer 412.")
    var staleEtags = 0

    @Option(help: "Fault: milliseconds PowerState takes to settle after a reset.")
    var powerLagMs = 0

    @Flag(help: "Fault: accept connections and never answer.")
    var hung = false

    @Flag(help: "Fault: accept the one-time boot to the virtual CD but boot the disk (old iDRAC9 firmware, Supermicro boot-mode resets).")
    var ignoreOneTimeBoot = false

    @Flag(help: "UEFI Secure Boot on (Redfish SecureBoot.SecureBootEnable): the simulated ESXi skips %firstboot.")
    var secureBoot = false

    @Option(name: .customLong("hosts-file"), help: ArgumentHelp("Write a hosts file (simulated: true) for these BMCs once they listen, for vmedia install/check/eject --config.", valueName: "FILE"))
    var hostsFile: String?

    @Option(help: ArgumentHelp("Host names in --hosts-file: PREFIX-01, PREFIX-02, … (three digits from 100 BMCs on).", valueName: "PREFIX"))
    var hostnamePrefix = "esx-sim"

    @Option(help: "Stop after this many seconds (default: run until interrupted).")
    var duration: Double?

    @Flag(help: "Print NDJSON: a 'started' line with every BMC, and a 'stopped' line with their final state.")
    var json = false

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be at least 1") }
        guard (try? flavours()) != nil else {
            throw ValidationError("--vendors: unknown flavour in '\(vendors)'; use idrac9, idrac9-7, idrac10, xcc, xcc-2.30, lenovo-ami, ilo4, ilo5, ilo6, ilo7, supermicro, generic or mixed")
        }
        guard BMCConfiguration.Firmware(rawValue: firmware) != nil else { throw ValidationError("--firmware must be uefi or bios") }
        guard (0...1).contains(errorRate) else { throw ValidationError("--error-rate must be between 0 and 1") }
        guard installSeconds >= 0 else { throw ValidationError("--install-seconds must not be negative") }
        if hostsFile != nil, SimulatedLabHostsFile.esxiAddress(forBMC: firstAddress) == nil {
            throw ValidationError("--hosts-file: the ESXi hosts go to 127.a.(b+1).c for the BMC 127.a.b.c, so --first-address needs b below 255")
        }
        guard HostName.problem(hostnamePrefix + "-001") == nil else {
            throw ValidationError("--hostname-prefix \(hostnamePrefix): use letters, digits and '-'")
        }
    }

    private func flavours() throws -> [VendorFlavor] {
        if vendors.lowercased() == "mixed" { return VendorFlavor.mixed }
        return try vendors.split(separator: ",").map { name in
            guard let flavour = VendorFlavor(name: String(name).trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown vendor flavour '\(name)'")
            }
            return flavour
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let fromEnvironment = environment[passwordEnv].flatMap { $0.isEmpty ? nil : $0 }
        let passwordSource = fromEnvironment == nil ? "built-in default (see vmedia simulate --help)" : "environment variable \(passwordEnv)"
        var faults = FaultKnobs()
        faults.errorRate = errorRate
        faults.addedLatencyMilliseconds = latencyMs
        faults.neverReadsMedia = neverReadMedia
        faults.slowInsertMilliseconds = slowInsertMs
        faults.sessionCap = sessionCap
        faults.requireIfMatch = requireIfMatch
        faults.staleETagCount = staleEtags
        faults.powerLagMilliseconds = powerLagMs
        faults.hung = hung
        faults.ignoresOneTimeBoot = ignoreOneTimeBoot
        let plan = SimulatorFleet.Plan(count: count, flavours: try flavours(), firstAddress: firstAddress, port: port,
                                       useTLS: !plainHTTP, username: username, password: fromEnvironment ?? "vmedia-simulator",
                                       faults: faults, firmware: BMCConfiguration.Firmware(rawValue: firmware) ?? .uefi,
                                       readsModules: !skipModules, installMilliseconds: Int(installSeconds * 1000),
                                       esxiPort: esxiPort, secureBoot: secureBoot)
        let fleet: SimulatorFleet
        do {
            fleet = try SimulatorFleet(configurations: try plan.configurations())
            try await fleet.start()
        } catch let error as SimulatorError {
            throw CommandFailure("\(error)")
        }

        if let hostsFile {
            let file = SimulatedLabHostsFile(hosts: fleet.members.enumerated().map { index, bmc in
                SimulatedLabHostsFile.Host(flavour: bmc.configuration.flavour, bmcAddress: bmc.address, bmcPort: bmc.port,
                                           useTLS: !plainHTTP, username: username,
                                           passwordReference: fromEnvironment == nil ? "vmedia-simulator" : "${\(passwordEnv)}",
                                           hostname: SimulatedLabHostsFile.hostname(prefix: hostnamePrefix, index: index, count: count))
            }, rootPassword: "Simulated-Root-1")
            do {
                _ = try file.write(to: hostsFile)
            } catch {
                await fleet.stop()
                throw error
            }
        }

        if json {
            var started: [String: Any] = ["event": "started", "bmcs": fleet.members.map { describe($0, passwordSource: passwordSource) }]
            if let hostsFile { started["hostsFile"] = hostsFile }
            emit(started)
        } else {
            print("Running \(fleet.members.count) simulated BMC(s); Ctrl-C stops them.")
            for bmc in fleet.members {
                let c = bmc.configuration
                print("\(c.name)  \(c.flavour.displayName.padding(toLength: 13, withPad: " ", startingAt: 0))  \(bmc.baseURL)  " +
                      "user \(c.username), password from \(passwordSource)  [\(c.inventory.systemModel), serial \(c.inventory.serialNumber)]")
            }
            if let hostsFile {
                print("Hosts file: \(hostsFile)  (vmedia install --config \(hostsFile) --iso ISO --listen 127.0.0.1:0 --esxi-port \(esxiPort))")
            }
        }
        // Scripts wait for these lines before they start installing; a pipe would otherwise hold them back.
        fflush(nil)

        await waitForStop()
        if json {
            emit(["event": "stopped", "bmcs": fleet.members.map { bmc in
                ["name": bmc.configuration.name, "phase": bmc.installPhase.description, "liveSessions": bmc.liveSessionCount,
                 "sessionsCreated": bmc.sessionsCreated, "mediaBytesRead": bmc.mediaBytesRead,
                 "mediaRequests": bmc.mediaRequestCount] as [String: Any]
            }])
        } else {
            for bmc in fleet.members {
                print("\(bmc.configuration.name): \(bmc.installPhase); sessions live \(bmc.liveSessionCount), created \(bmc.sessionsCreated); " +
                      "media read \(bmc.mediaBytesRead) bytes in \(bmc.mediaRequestCount) requests")
            }
        }
        await fleet.stop()
    }

    private func describe(_ bmc: SimulatedBMC, passwordSource: String) -> [String: Any] {
        let c = bmc.configuration
        return [
            "name": c.name, "flavour": c.flavour.rawValue, "vendor": c.flavour.displayName, "address": c.address,
            "port": bmc.port, "url": bmc.baseURL, "tls": c.useTLS, "username": c.username, "passwordSource": passwordSource,
            "systemModel": c.inventory.systemModel, "serialNumber": c.inventory.serialNumber,
            "disks": c.inventory.disks.map { ["deviceName": $0.deviceName, "model": $0.model, "serialNumber": $0.serialNumber,
                                              "capacityBytes": $0.capacityBytes, "local": $0.isLocal] as [String: Any] },
            "nics": c.inventory.nics.enumerated().map { ["name": "vmnic\($0.offset)", "mac": $0.element.macAddress] },
        ]
    }

    private func emit(_ object: [String: Any]) {
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// Until SIGINT/SIGTERM or --duration, whichever comes first.
    private func waitForStop() async {
        await StopSignal.wait(timeout: duration.map { .milliseconds(Int64($0 * 1000)) })
    }
}
