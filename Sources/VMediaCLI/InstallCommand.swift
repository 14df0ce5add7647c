import ArgumentParser
import ESXi
import Foundation
import Inventory
import Redfish
import Installer

/// Options shared by install, check and eject: which hosts file and which of its hosts.
struct HostSelection: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The hosts file (the old tool's config.yaml works as is).", valueName: "hosts.yaml"))
    var config: String

    @Option(name: .long, help: ArgumentHelp("Only these hosts (BMC address, ESXi address or hostname), comma-separated.", valueName: "a,b"))
    var hosts: String?

    @Option(name: .long, help: ArgumentHelp("Hosts worked on at once.", valueName: "N"))
    var parallel: Int = 8

    @OptionGroup(title: "BMC certificate verification")
    var tls: BMCTrustOptions

    @OptionGroup(title: "Output")
    var log: LogOptions

    func validate() throws {
        guard (1...1024).contains(parallel) else { throw ValidationError("--parallel must be 1…1024") }
    }

    func targets() throws -> [InstallTarget] {
        let plans = try HostsFileLoading.load(config)
        let chosen = try hosts.map { list in
            try list.split(separator: ",").map { try HostsFileLoading.select(String($0).trimmingCharacters(in: .whitespaces), from: plans, config: config) }
        } ?? plans
        let trust = tls.trust
        return chosen.map { InstallTarget(plan: $0, bmcTrust: trust) }
    }
}

/// `vmedia install`: build, serve and install every host of a hosts file.
struct InstallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install ESXi on every host of a hosts file through its BMC's virtual media.",
        discussion: """
            For each host, at most --parallel at a time: check the BMC (login, vendor, a CD slot, power state), \
            publish the host's remastered image on the embedded media server (readable only from the BMC's \
            address unless --any-peer), eject all virtual media, insert the image's URL, check the slot shows it, \
            set a one-time boot from CD, power on (or force a restart when on), wait until the host reads the image \
            after the restart (reads before it prove nothing: iDRAC reads the image during the insert), \
            then until the image's ESXi answers the vSphere API on its address, and finally eject, \
            clear the boot override and log out. The source ISO's modules are checked (gzip CRCs) once before any \
            host is touched. One host's failure never stops the others.

            Output: a live table on a terminal (redrawn every second; warnings print above it; ok/FAILED in \
            colour unless NO_COLOR is set), one line per event otherwise, NDJSON events (with an RFC 3339 "time") \
            and a final summary with --json; --junit FILE writes one testcase per host for Jenkins; --quiet, \
            --verbose and --log-file FILE choose how much is said and where it is kept. The media server's /status \
            (and /) is the install's dashboard while it runs; install prints its URL. The reads after the restart are \
            mapped to the image's files and shown in each of them and on the dashboard, e.g. \
            "booted our image: KS.CFG read 14:02:11, 71/80 modules". --until media-read stops once the boot \
            image, BOOT.CFG and KS.CFG were read after the restart (or, for a BMC that copied the whole image \
            when it was inserted, says that the full download is the only evidence).

            Exit status: 0 when every host succeeded, 1 when any failed, 64 for usage errors, 130 after Ctrl-C \
            twice. Ctrl-C once: no new hosts are started, hosts already booting keep being served, and what \
            remains is printed. Ctrl-C again: vmedia ejects what it inserted, logs out of every BMC and exits. \
            SIGTERM (a Jenkins abort, docker stop) does what the second Ctrl-C does within about 9 s, writes the \
            summary and the --junit report, and exits 143.

            esxi_disk: "serial:SERIAL" (a drive serial number) is mapped while checking the BMC: its Redfish \
            drive list must show exactly one drive with that serial and an NAA or EUI durable name, which becomes \
            install --disk="naa.…" (or eui.…) in the host's KS.CFG; otherwise that host fails with the serials seen.

            Readiness rests on the host itself: before the insert vmedia records what answers at the ESXi address; \
            the host is installed only when the ESXi answering has the image's build (BOOT.CFG build=), booted after \
            the restart (its own uptime) and accepts root's Login with the configured password (skipped, and said \
            so, only when the hosts file gives nothing but a crypted hash). An old ESXi that keeps answering is \
            reported while waiting and fails the host at --esxi-timeout. With UEFI Secure Boot on (read from the \
            BMC), ESXi skips %firstboot: SSH is then enabled through the vSphere API after the install, and a \
            firstboot: script fails the host before anything is inserted.

            HTTPS media: HP iLO 7 (Gen12) and Lenovo's AMD servers (SR635/SR655, AMI BMC) mount only https:// \
            images, so once the BMC is identified those hosts get an https:// URL on the same port by themselves; \
            media_https: true|false in a host's ipmi: section, or --https / --http for the run, decide otherwise. \
            The certificate is --tls-cert/--tls-key, or a self-signed pair generated on first need in \
            $XDG_STATE_HOME/vmedia (default ~/.local/state/vmedia) and reused by later runs; its SHA-256 \
            fingerprint is printed. BMCs do not verify the image server's certificate.

            --preflight runs the media pre-flight of `vmedia check --media` first, on this run's server: each BMC \
            gets a tiny probe ISO inserted and must be seen reading it from its own address (then it is ejected). \
            If any host fails, nothing is installed and the report says why and how to fix it.

            After the install: --until configured sets the SSH service as ssh: asks, the NTP servers (ntp:) and the \
            syslog target (syslog:) through the host's vSphere API, each read back; --until joined then adds the host to the vcenter: section's \
            cluster (AddHost_Task) or folder (AddStandaloneHost_Task), naming the SHA-1 thumbprint of the \
            certificate the host presented during readiness, and reports its managed object id (a host vCenter \
            already has is reported, not added twice). These failures read "installed; …", exit 1, and eject \
            nothing: the install stands. vmedia configure runs only these phases for installed hosts.

            Examples:
              vmedia install --config hosts.yaml --iso VMware-VMvisor-Installer-8.0U3.iso --advertise 10.0.0.5
              vmedia install --config hosts.yaml --iso esxi.iso --advertise 10.0.0.5 --hosts esx01,esx02 --dry-run
              vmedia install --config hosts.yaml --iso esxi.iso --advertise 10.0.0.5 --json --junit results.xml
            """)

    @OptionGroup var selection: HostSelection

    @Option(name: .long, help: ArgumentHelp("The ESXi installer ISO (read-only, never modified).", valueName: "SRC.iso"))
    var iso: String

    @Option(name: .long, help: ArgumentHelp("Where the media server listens.", valueName: "ADDR:PORT"))
    var listen: String = "0.0.0.0:8080"

    @Option(name: .long, help: ArgumentHelp("The address BMCs reach the media server on (default: the --listen address unless it is 0.0.0.0).", valueName: "IP"))
    var advertise: String?

    @Option(name: .long, help: ArgumentHelp("How far to go: rebooted, media-read, installed, configured or joined.", valueName: "goal"))
    var until: String = InstallGoal.installed.rawValue

    @Flag(name: .customLong("dry-run"), help: "Print the plan (URLs, kickstarts with secrets masked, vendor flows) and touch nothing.")
    var dryRun = false

    @Flag(name: .customLong("any-peer"), help: "Let any address read a host's image (BMCs behind NAT), not only its BMC's.")
    var anyPeer = false

    @Option(name: .customLong("esxi-port"), help: ArgumentHelp("The port of the ESXi readiness probe (443 on real hosts).", valueName: "port"))
    var esxiPort: Int = 443

    @Option(name: .customLong("esxi-timeout"), help: ArgumentHelp("Minutes to wait for ESXi after the BMC first read the image.", valueName: "minutes"))
    var esxiTimeout: Int = 45

    @Flag(name: .long, help: "NDJSON: one event per line, then a summary object.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report (one testcase per host).", valueName: "FILE"))
    var junit: String?

    @OptionGroup(title: "HTTPS media") var media: MediaTLSOptions

    @Flag(name: .long, help: ArgumentHelp(
        "First prove every BMC can read from the media server (the media pre-flight of check --media); any failure stops the run before anything restarts."))
    var preflight = false

    func validate() throws {
        guard InstallGoal(rawValue: until) != nil else { throw ValidationError("--until \(until): expected rebooted, media-read, installed, configured or joined") }
        guard ListenAddress(listen) != nil else { throw ValidationError("--listen \(listen): expected ADDR:PORT, e.g. 0.0.0.0:8080") }
        if advertise == nil, ListenAddress(listen)?.host == "0.0.0.0", !dryRun {
            throw ValidationError("--listen \(listen) listens on every interface: give --advertise IP, the address your BMCs reach this machine on")
        }
        guard (1...65535).contains(esxiPort) else { throw ValidationError("--esxi-port must be 1…65535") }
        guard (1...600).contains(esxiTimeout) else { throw ValidationError("--esxi-timeout must be 1…600 minutes") }
        guard FileManager.default.isReadableFile(atPath: iso) else {
            throw ValidationError("cannot read the ISO \(iso): check the path (the installer ISO from VMware's download portal)")
        }
    }

    func run() async throws {
        let targets = try selection.targets()
        guard let listenAddress = ListenAddress(listen) else { throw ValidationError("--listen \(listen): expected ADDR:PORT") }
        let advertised = advertise ?? listenAddress.host
        if dryRun {
            DryRun.print(targets, iso: iso, advertise: advertised, port: listenAddress.port, anyPeer: anyPeer, https: media.forcedScheme)
            return
        }
        let output: InstallSession.Output = json ? .json : (isatty(STDOUT_FILENO) == 1 ? .table : .lines)
        let sink = try selection.log.makeOutput()
        defer { sink.close() }
        let remaster: ESXiRemaster
        do {
            remaster = try ESXiRemaster(sourcePath: iso)
            try Installer.verifySource(remaster)
        } catch {
            // Refused before any BMC is contacted; CI still gets its summary and JUnit, every host failed with the reason.
            sink.message("Error: cannot install from \(iso): \(error)", level: .error, always: true)
            let results = targets.map { HostResult.unfinished($0, kind: .image, reason: "not started: the source ISO was refused: \(error)") }
            try InstallSession.report(results, output: output, printer: EventPrinter(output: output, names: targets.map(\.name), sink: sink),
                                      junitPath: junit, interrupted: false, seconds: 0)
            throw ExitCode.failure
        }
        var options = InstallOptions()
        options.goal = InstallGoal(rawValue: until) ?? .installed
        options.parallel = selection.parallel
        options.anyPeer = anyPeer
        options.esxiPort = esxiPort
        options.knownBMCsPath = selection.tls.knownBMCs
        options.timeouts.esxi = .seconds(esxiTimeout * 60)
        options.mediaHTTPS = media.forcedScheme
        options.mediaTLS = media.source
        var session = InstallSession(remaster: remaster, listenHost: listenAddress.host, listenPort: listenAddress.port,
                                     advertise: advertised, options: options,
                                     output: output, junitPath: junit, sink: sink)
        if preflight {
            var check = MediaPreflight.Options()
            check.anyPeer = anyPeer
            check.mediaHTTPS = options.mediaHTTPS
            check.mediaTLS = options.mediaTLS
            check.knownBMCsPath = options.knownBMCsPath
            check.ejectOthers = true  // the install ejects every slot anyway
            session.preflight = check
        }
        let status = try await session.run(targets)
        if status != 0 { throw ExitCode(status) }
    }
}


/// `--dry-run`: what would happen, with every secret masked.
enum DryRun {
    static func print(_ targets: [InstallTarget], iso: String, advertise: String, port: Int, anyPeer: Bool, https: Bool? = nil) {
        let name = (iso as NSString).lastPathComponent
        Swift.print("Dry run: nothing is contacted or changed. Source: \(iso)\n")
        for target in targets {
            let plan = target.plan
            Swift.print("""
                == \(target.name): BMC \(plan.bmc.url) (vendor \(plan.vendor.rawValue), user \(plan.username), password \(plan.password)), ESXi \(plan.esxiAddress)
                image URL: \(https ?? plan.mediaHTTPS ?? false ? "https" : "http")://\(advertise):\(port)/\(target.name)/<random token>/\(name)\(anyPeer ? "" : " (readable only from \(plan.bmc.host))")
                flow: \(flow(plan.vendor))
                BOOT.CFG kernelopt gets: \((plan.kernelOptions + ["ks=cdrom:/KS.CFG"] + (plan.systemMediaSize.kernelOptionValue.map { ["systemMediaSize=" + $0] } ?? [])).joined(separator: " "))
                KS.CFG:
                """)
            let kickstart = (try? plan.renderKickstart(secrets: .mask))
                ?? "(written at install time: esxi_disk \(plan.kickstart.installDisk) becomes --disk=\"<naa./eui. id>\" from the BMC's drive list)"
            Swift.print(kickstart.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "  " + $0 }.joined(separator: "\n"))
        }
    }

    /// The vendor differences BMCDriver applies, in the order the installer runs its steps.
    static func flow(_ vendor: Vendor) -> String {
        let insert: String = switch vendor {
        case .dell: "InsertMedia on the CD slot (iDRAC fetches the image during the call), boot once via BootSourceOverride (iDRAC10: @Redfish.Settings)"
        case .lenovo: "PATCH Image + Inserted with If-Match on an EXT/Remote slot, boot once via BootSourceOverride"
        case .hpe: "InsertMedia on slot 2 (CD), boot once via BootSourceOverride"
        case .supermicro: "InsertMedia with Image only on CD1, boot once to UsbCd"
        case .generic: "InsertMedia on the first CD/DVD slot, boot once to Cd (standard DMTF)"
        }
        return "session login → discover → eject all → \(insert) → power on / ForceRestart → wait for media read → "
            + "wait for ESXi → eject → clear boot override → logout"
    }
}
