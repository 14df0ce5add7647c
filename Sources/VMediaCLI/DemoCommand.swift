import ArgumentParser
import BMCSimulator
import ESXi
import Foundation
import Installer

/// `vmedia demo`: the whole install on one machine, against simulated BMCs.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a complete install against simulated BMCs on this machine (nothing else needed).",
        discussion: """
            Makes a small ESXi-shaped installer ISO in a work folder, starts simulated Redfish BMCs on \
            127.0.<n>.x (Dell iDRAC9/10, Lenovo XCC, HPE iLO 4/5/6, Supermicro and generic DMTF with --vendors mixed), \
            and runs the real install flow against them: the BMCs read their per-host image from vmedia's media \
            server over HTTP ranges, check the kickstart, and bring up a simulated ESXi that must accept the root \
            password. Then, as `vmedia install --until joined`, each host is configured through its vSphere API (SSH, \
            NTP, syslog, read back) and added to the cluster of a simulated vCenter on 127.0.<n+2>.1, which checks \
            the certificate thumbprint and root login like vCenter (--no-vcenter stops at installed). Loopback only; \
            the work folder is deleted afterwards unless --keep or --workdir.

            The work folder holds the ISO (esxi-demo.iso) and a real hosts file (hosts.yaml, the old tool's \
            format with 'simulated: true', the opt-in that allows loopback ESXi addresses). The plans are read \
            from that file like `vmedia install --config` reads yours, and the summary prints the commands that \
            rerun the same install by hand with `vmedia simulate` and `vmedia install`.

            Examples:
              swift run vmedia demo
              vmedia demo --hosts 24 --vendors dell,lenovo --json
              # keeps /tmp/lab/hosts.yaml and /tmp/lab/esxi-demo.iso:
              vmedia demo --hosts 4 --workdir /tmp/lab
            """)

    @Option(name: .long, help: ArgumentHelp("How many simulated servers.", valueName: "N"))
    var hosts: Int = 8

    @Option(name: .long, help: ArgumentHelp("mixed (every simulated flavour that installs from plain HTTP), or a comma list of: dell (iDRAC9 5.x), idrac9-7, idrac10, lenovo, hpe (iLO 5), ilo4, ilo6, supermicro, generic.", valueName: "list"),
            completion: .list(["mixed", "dell", "idrac9-7", "idrac10", "lenovo", "hpe", "ilo4", "ilo6", "supermicro", "generic"]))
    var vendors: String = "mixed"

    @Option(name: .long, help: ArgumentHelp("The third octet of the simulated BMCs' 127.0.N.x addresses (ESXi hosts use N+1).", valueName: "N"))
    var subnet: Int = 77

    @Option(name: .long, help: ArgumentHelp("The work folder (default: a new temporary folder).", valueName: "DIR"))
    var workdir: String?

    @Flag(name: .customLong("no-vcenter"), help: "Stop at installed: no simulated vCenter, no configure or join phase.")
    var noVCenter = false

    @Flag(name: .long, help: "Keep the work folder.")
    var keep = false

    @Flag(name: .long, help: "NDJSON events and a summary, as `vmedia install --json`.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report, as `vmedia install --junit`.", valueName: "FILE"))
    var junit: String?

    @Option(name: .customLong("never-read"), help: ArgumentHelp("Make the last N BMCs never read their media, to see how a failing host is reported.", valueName: "N"))
    var neverRead: Int = 0

    @OptionGroup(title: "Output")
    var log: LogOptions

    @Option(name: .customLong("media-read-timeout"), help: ArgumentHelp("How long to wait for a BMC's first read of its image: 60s, 2m; a bare number is seconds.", valueName: "duration"))
    var mediaReadTimeout: String = "60s"

    func validate() throws {
        guard (1...250).contains(hosts) else { throw ValidationError("--hosts must be 1…250 (one 127.0.N.x address each)") }
        guard (1...253).contains(subnet) else { throw ValidationError("--subnet must be 1…253") }
        guard (0...hosts).contains(neverRead) else { throw ValidationError("--never-read must be 0…\(hosts)") }
        _ = try TimeoutValue.parse(mediaReadTimeout, flag: "--media-read-timeout", bareUnit: .seconds, range: 1...3600)
        guard (try? flavours()) != nil else {
            throw ValidationError("--vendors \(vendors): expected mixed or a comma list of dell, idrac9-7, idrac10, lenovo, hpe, ilo4, ilo6, supermicro, generic")
        }
    }

    func flavours() throws -> [VendorFlavor] {
        if vendors == "mixed" { return VendorFlavor.mixed }
        return try vendors.split(separator: ",").map { name -> VendorFlavor in
            switch name.lowercased() {
            case "dell", "idrac", "idrac9": return .dellIDRAC9
            case "idrac9-7": return .dellIDRAC9v7
            case "idrac10": return .dellIDRAC10
            case "lenovo", "xcc": return .lenovoXCC
            case "hpe", "ilo", "ilo5": return .hpeILO5
            case "ilo6": return .hpeILO6
            case "ilo4": return .hpeILO4
            case "supermicro": return .supermicro
            case "generic": return .generic
            default: throw CommandFailure("unknown vendor \(name)")
            }
        }
    }

    func run() async throws {
        let sink = try log.makeOutput()
        defer { sink.close() }
        let directory = workdir ?? NSTemporaryDirectory() + "vmedia-demo-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if !keep && workdir == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let esxiPort = 9443
        var faults: [Int: FaultKnobs] = [:]
        for index in (hosts - neverRead)..<hosts {
            var knobs = FaultKnobs()
            knobs.neverReadsMedia = true
            faults[index] = knobs
        }
        let lab = try await DemoLab.start(in: directory, count: hosts, flavours: try flavours(), subnet: subnet, esxiPort: esxiPort,
                                          faults: faults)
        if !json {
            print("vmedia demo: \(hosts) simulated BMCs (\(Set(lab.hosts.map { $0.simulator.configuration.flavour.displayName }).sorted().joined(separator: ", "))) "
                  + "on 127.0.\(subnet).x, hosts file \(lab.hostsFilePath), image \(lab.isoPath)\n")
        }
        let status: Int32
        var demoVCenter: DemoVCenter?
        do {
            var targets = lab.hosts.map(\.target)
            if !noVCenter {
                let started = try await DemoVCenter.start(lab: lab, subnet: subnet)
                demoVCenter = started
                targets = started.targets
                if !json { print("simulated vCenter on http://\(started.vCenter.address):\(started.vCenter.port): hosts join cluster \(SimulatedVCenter.cluster) of \(SimulatedVCenter.datacenter)\n") }
            }
            let remaster = try ESXiRemaster(sourcePath: lab.isoPath)
            try Installer.verifySource(remaster)
            var options = InstallOptions()
            options.parallel = hosts
            options.esxiPort = esxiPort
            options.pollInterval = .milliseconds(200)
            options.timeouts.esxi = .seconds(120)
            options.timeouts.mediaRead = try TimeoutValue.parse(mediaReadTimeout, flag: "--media-read-timeout", bareUnit: .seconds,
                                                                range: 1...3600).duration
            if !noVCenter { options.goal = .joined }
            let session = InstallSession(remaster: remaster, listenHost: "127.0.0.1", listenPort: 0, advertise: "127.0.0.1",
                                         options: options, output: json ? .json : (isatty(STDOUT_FILENO) == 1 ? .table : .lines),
                                         junitPath: junit, sink: sink,
                                         // The simulated BMCs' self-signed certificates would warn once per host.
                                         logLevel: log.verbose ? nil : .error)
            status = try await session.run(targets)
        } catch {
            await demoVCenter?.vCenter.stop()
            await lab.stop()
            throw CommandFailure("\(error)")
        }
        // The simulators count sessions: vmedia must have deleted every one it created, whatever happened.
        let created = lab.hosts.reduce(0) { $0 + $1.simulator.sessionsCreated }
        let open = lab.hosts.reduce(0) { $0 + $1.simulator.liveSessionCount }
        FileHandle.standardError.write(Data("vmedia demo: the simulated BMCs saw \(created) Redfish sessions created, \(open) still open\n".utf8))
        if let demoVCenter {
            let joined = demoVCenter.vCenter.hosts
            FileHandle.standardError.write(Data("vmedia demo: the simulated vCenter has \(joined.count) hosts in cluster \(SimulatedVCenter.cluster): \(joined.map { "\($0.id) (\($0.name))" }.joined(separator: ", "))\n".utf8))
            await demoVCenter.vCenter.stop()
        }
        await lab.stop()
        let kept = keep || workdir != nil
        let rerun = """
            Hosts file \(lab.hostsFilePath) and ISO \(lab.isoPath)\(kept ? "" : " (deleted now: keep them with --keep or --workdir DIR)").
            To rerun this install by hand, start the simulators in one shell (they rewrite the hosts file with their own \
            ports and password) and install from another:
              vmedia simulate --count \(hosts) --vendors \(vendors == "mixed" ? "mixed" : try flavours().map(\.rawValue).joined(separator: ",")) --first-address 127.0.\(subnet).10 --port 0 --esxi-port \(esxiPort) --hostname-prefix \(DemoLab.hostnamePrefix) --hosts-file \(lab.hostsFilePath)
              vmedia install --config \(lab.hostsFilePath) --iso \(lab.isoPath) --listen 127.0.0.1:0 --esxi-port \(esxiPort) --parallel \(hosts)

            """
        // stdout carries only NDJSON with --json.
        if json { FileHandle.standardError.write(Data(rerun.utf8)) } else { print("\n" + rerun, terminator: "") }
        if status != 0 { throw ExitCode(status) }
    }
}
