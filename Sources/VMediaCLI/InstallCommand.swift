import ArgumentParser
import CurlHTTP
import ESXi
import Foundation
import ISO9660
import Logging
import Inventory
import Redfish
import Installer

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

            Reruns are safe: before a host's BMC is contacted, vmedia looks at its ESXi address with the readiness \
            check's evidence. A host that runs the ISO's build (BOOT.CFG build=) and accepts root's configured \
            password is reported "already installed" and skipped: no Redfish request, no restart, no wipe. \
            --reinstall installs it anyway. When it runs the ISO's build but root's login cannot be checked (only a \
            crypted password in the hosts file), the host fails untouched. --dry-run shows which hosts would be \
            skipped. --until rebooted and media-read never probe the ESXi address, so they skip nothing.

            Retry file: after every run that started hosts (also after Ctrl-C or SIGTERM), the names of the hosts \
            that did not succeed are written to HOSTS.retry beside the hosts file (--retry-file FILE to choose), \
            and the exact command that reruns only them is printed: the same command with --hosts @HOSTS.retry. \
            A run where every host succeeded removes that file.

            Exit status: 0 when every host succeeded or was already installed, 1 when any host failed, 64 for bad \
            input found before any host is touched (usage errors, an --iso that is a directory, not an ISO or not an \
            ESXi installer, a --listen address in use, an unknown name in --hosts, a hosts file that does not \
            validate; --junit still gets a report with one failed testcase naming the cause), 130 after Ctrl-C \
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
              vmedia install --config hosts.yaml \\
                  --iso VMware-VMvisor-Installer-8.0U3.iso --advertise 10.0.0.5
              vmedia install --config hosts.yaml --iso esxi.iso --advertise 10.0.0.5 \\
                  --hosts esx01,esx02 --dry-run
              vmedia install --config hosts.yaml --iso esxi.iso --advertise 10.0.0.5 \\
                  --json --junit results.xml
              vmedia install --config hosts.yaml --iso esxi.iso --advertise 10.0.0.5 \\
                  --hosts @hosts.yaml.retry
            """)

    @OptionGroup var selection: HostSelection

    @Option(name: .long, help: ArgumentHelp("The ESXi installer ISO (read-only, never modified).", valueName: "SRC.iso"),
            completion: .file(extensions: ["iso"]))
    var iso: String

    @Option(name: .long, help: ArgumentHelp("Where the media server listens.", valueName: "ADDR:PORT"))
    var listen: String = "0.0.0.0:8080"

    @Option(name: .long, help: ArgumentHelp("The address BMCs reach the media server on (default: the --listen address when it is not 0.0.0.0, else this machine's address on the route to the BMCs, as `vmedia serve` does).", valueName: "IP"))
    var advertise: String?

    @Option(name: .long, help: ArgumentHelp("How far to go: rebooted, media-read, installed, configured or joined. rebooted and media-read eject "
                                            + "the image as soon as they are reached, so the booting host loses its CD: they test the media path, "
                                            + "they do not install.", valueName: "goal"),
            completion: .list(InstallGoal.allCases.map(\.rawValue)))
    var until: String = InstallGoal.installed.rawValue

    @Flag(name: .customLong("dry-run"), help: "Check the ISO as the install does (readable, an ESXi installer, module CRCs), print the plan (URLs, kickstarts with secrets masked, vendor flows) and contact nothing; --json prints it as one JSON object.")
    var dryRun = false

    @Flag(name: .customLong("check-installed"), help: "With --dry-run: also look at each host's ESXi address (vSphere API, read-only; no BMC is contacted) and show which hosts would be skipped as already installed.")
    var checkInstalled = false

    @Flag(name: .long, help: "Install hosts that already run the ISO's build with the configured root password too (they are skipped otherwise). Wipes them.")
    var reinstall = false

    @Option(name: .customLong("retry-file"), help: ArgumentHelp("Where the names of the hosts that did not succeed are written (default: the hosts file's path + .retry).", valueName: "FILE"),
            completion: .file())
    var retryFile: String?

    @OptionGroup(title: "Who may read the images") var readers: MediaReaderOptions

    @Option(name: .customLong("esxi-port"), help: ArgumentHelp("The port of the ESXi readiness probe (443 on real hosts).", valueName: "port"))
    var esxiPort: Int = 443

    @Option(name: .customLong("esxi-timeout"), help: ArgumentHelp("How long to wait for ESXi after the BMC first read the image: 45m, 90s, 1h30m; a bare number is minutes.", valueName: "duration"))
    var esxiTimeout: String = "45m"

    @Option(name: .customLong("media-read-timeout"), help: ArgumentHelp("How long to wait, after the power action, for the BMC's first read of the image: 10m, 90s; a bare number is seconds.", valueName: "duration"))
    var mediaReadTimeout: String = "10m"

    @Option(name: .customLong("bmc-timeout"), help: ArgumentHelp("How long each BMC step may take (login and checks, eject, insert, boot override, power, cleanup): 5m, 90s; a bare number is seconds (default: 2m for login and checks, 5m for the others).", valueName: "duration"))
    var bmcTimeout: String?

    @Flag(name: .long, help: "NDJSON: one event per line, then a summary object.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report (one testcase per host).", valueName: "FILE"))
    var junit: String?

    @OptionGroup(title: "HTTPS media") var media: MediaTLSOptions

    @Flag(name: .long, help: ArgumentHelp(
        "First prove every BMC can read from the media server (the media pre-flight of check --media); a failure stops the run before anything restarts.",
        discussion: "A BMC that accepts the probe but reads nothing (iLO, XCC and others often read only when the host boots) is reported as not proven and the install goes on, unless --require-read."))
    var preflight = false

    @Flag(name: .customLong("require-read"), help: "With --preflight: a BMC that accepts the probe but reads nothing stops the run too.")
    var requireRead = false

    @Option(name: .customLong("media-wait"), help: ArgumentHelp("With --preflight: how long to wait for each BMC's first read of the probe: 20s, 2m; a bare number is seconds.", valueName: "duration"))
    var mediaWait: String = "20s"

    func validate() throws {
        if checkInstalled, !dryRun { throw ValidationError("--check-installed goes with --dry-run (a real install always checks)") }
        if requireRead, !preflight { throw ValidationError("--require-read goes with --preflight") }
        _ = try TimeoutValue.parse(mediaWait, flag: "--media-wait", bareUnit: .seconds, range: 1...600)
        guard InstallGoal(rawValue: until) != nil else { throw ValidationError("--until \(until): expected rebooted, media-read, installed, configured or joined") }
        guard ListenAddress(listen) != nil else { throw ValidationError("--listen \(listen): expected ADDR:PORT, e.g. 0.0.0.0:8080") }
        if let advertise, !NetworkAddress.isIPLiteral(advertise) {
            throw ValidationError("--advertise \(advertise) is not an IP address: BMCs need an IP literal in the URL "
                + "(several fail on host names), e.g. --advertise 10.0.0.5")
        }
        guard (1...65535).contains(esxiPort) else { throw ValidationError("--esxi-port must be 1…65535") }
        _ = try TimeoutValue.parse(esxiTimeout, flag: "--esxi-timeout", bareUnit: .minutes, range: 60...36_000)
        _ = try TimeoutValue.parse(mediaReadTimeout, flag: "--media-read-timeout", bareUnit: .seconds, range: 1...36_000)
        if let bmcTimeout { _ = try TimeoutValue.parse(bmcTimeout, flag: "--bmc-timeout", bareUnit: .seconds, range: 1...3600) }
    }

    func run() async throws {
        do {
            try await install()
        } catch let refusal as InputRefusal {
            throw refusal.report(junit: junit)
        }
    }

    private func install() async throws {
        try SourceISO.checkPath(iso)
        let targets: [InstallTarget]
        do {
            targets = try selection.targets(from: HostsFile.load(path: selection.config))
        } catch let error as ValidationError {
            throw InputRefusal(error.message)
        } catch let error as InventoryError {
            throw InputRefusal(error.description)
        }
        guard let listenAddress = ListenAddress(listen) else { throw ValidationError("--listen \(listen): expected ADDR:PORT") }
        try readers.requireBMCAddresses(targets.map(\.plan), config: selection.config)
        let advertised = try advertise ?? AdvertiseAddress.choose(listen: listenAddress, bmcs: targets.map(\.plan.bmc.host))
        let output: InstallSession.Output = json ? .json : (isatty(STDOUT_FILENO) == 1 ? .table : .lines)
        let retry = RetryFile(path: retryFile ?? RetryFile.defaultPath(config: selection.config), arguments: CommandLine.arguments)
        let sink = try selection.log.makeOutput()
        defer { sink.close() }
        let remaster: ESXiRemaster
        do {
            remaster = try SourceISO.open(iso)
            try Installer.verifySource(remaster)
        } catch let refusal as InputRefusal {
            throw refusal
        } catch {
            // A damaged or crafted image, refused before any BMC is contacted; CI still gets its summary and JUnit,
            // every host failed with the reason.
            sink.message("Error: cannot install from \(iso): \(error)", level: .error, always: true)
            if dryRun { throw ExitCode.failure }
            let results = targets.map { HostResult.unfinished($0, kind: .image, reason: "not started: the source ISO was refused: \(error)") }
            try InstallSession.report(results, output: output, printer: EventPrinter(output: output, names: targets.map(\.name), sink: sink),
                                      junitPath: junit, interrupted: false, seconds: 0, retry: retry)
            throw ExitCode.failure
        }
        var options = InstallOptions()
        options.goal = InstallGoal(rawValue: until) ?? .installed
        options.parallel = selection.parallel
        options.anyPeer = readers.anyPeer
        options.reinstall = reinstall
        options.esxiPort = esxiPort
        options.knownBMCsPath = selection.tls.knownBMCs
        options.timeouts.esxi = try TimeoutValue.parse(esxiTimeout, flag: "--esxi-timeout", bareUnit: .minutes, range: 60...36_000).duration
        options.timeouts.mediaRead = try TimeoutValue.parse(mediaReadTimeout, flag: "--media-read-timeout", bareUnit: .seconds,
                                                            range: 1...36_000).duration
        if let bmcTimeout {
            let limit = try TimeoutValue.parse(bmcTimeout, flag: "--bmc-timeout", bareUnit: .seconds, range: 1...3600).duration
            options.timeouts.checkBMC = limit
            options.timeouts.bmcAction = limit
            options.timeouts.cleanup = limit
        }
        options.mediaHTTPS = media.forcedScheme
        options.mediaTLS = media.source
        if dryRun {
            try await DryRun(iso: iso, remaster: remaster, advertise: advertised, port: listenAddress.port, options: options,
                             lookAtHosts: checkInstalled)
                .show(targets, json: json)
            return
        }
        var session = InstallSession(remaster: remaster, listenHost: listenAddress.host, listenPort: listenAddress.port,
                                     advertise: advertised, options: options,
                                     output: output, junitPath: junit, sink: sink)
        session.retry = retry
        if preflight {
            var check = MediaPreflight.Options()
            check.anyPeer = readers.anyPeer
            check.mediaHTTPS = options.mediaHTTPS
            check.mediaTLS = options.mediaTLS
            check.knownBMCsPath = options.knownBMCsPath
            check.ejectOthers = true  // the install ejects every slot anyway
            check.requireRead = requireRead
            check.wait = try TimeoutValue.parse(mediaWait, flag: "--media-wait", bareUnit: .seconds, range: 1...600).duration
            session.preflight = check
        }
        let status = try await session.run(targets)
        if status != 0 { throw ExitCode(status) }
    }
}
