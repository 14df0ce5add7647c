import ArgumentParser
import CurlHTTP
import ESXi
import Foundation
import ISO9660
import Logging
import Inventory
import Redfish
import Installer

/// `--dry-run`: the source ISO checked as the real run checks it, each host's ESXi address looked at as the real run
/// does before touching a host (vSphere API only), and what would happen, with every secret masked.
struct DryRun {
    let iso: String
    let remaster: ESXiRemaster
    let advertise: String
    let port: Int
    let options: InstallOptions
    /// Whether to look at the ESXi addresses (`--check-installed`). Off by default: a dry run contacts nothing, which
    /// pipelines that plan against unreachable or documentation addresses rely on.
    let lookAtHosts: Bool

    /// One host's plan, also the `--json` form.
    struct HostPlanText: Encodable {
        let host: String
        let bmc: String
        let vendor: String
        let esxiAddress: String
        let url: String
        let flow: String
        let kernelopt: String
        /// The KS.CFG with secrets masked, or nil when it is written at install time (esxi_disk by serial).
        let kickstart: String?
        /// install, skip (already installed) or refuse (already runs the ISO's build, login uncheckable).
        let action: String
        let reason: String
    }

    struct Plan: Encodable {
        let dryRun = true
        let source: String
        let build: String?
        let modulesChecked: Int
        let hosts: [HostPlanText]
    }

    func show(_ targets: [InstallTarget], json: Bool) async throws {
        let verdicts = await rerunVerdicts(targets)
        let name = (iso as NSString).lastPathComponent
        let modules = try remaster.installer.verifyBootFiles(files: ISOInstallerFiles(image: remaster.image)).checks.count
        let hosts = zip(targets, verdicts).map { target, verdict in
            let plan = target.plan
            return HostPlanText(
                host: target.name, bmc: plan.bmc.url, vendor: plan.vendor.rawValue, esxiAddress: plan.esxiAddress.description,
                url: "\(options.mediaHTTPS ?? plan.mediaHTTPS ?? false ? "https" : "http")://\(advertise):\(port == 0 ? "<port>" : String(port))/\(target.name)/<random token>/\(name)",
                flow: Self.flow(plan.vendor),
                kernelopt: (plan.kernelOptions + ["ks=cdrom:/KS.CFG"] + (plan.systemMediaSize.kernelOptionValue.map { ["systemMediaSize=" + $0] } ?? [])).joined(separator: " "),
                kickstart: try? plan.renderKickstart(secrets: .mask), action: verdict.action, reason: verdict.reason)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let plan = Plan(source: iso, build: remaster.installer.build?.description, modulesChecked: modules, hosts: hosts)
            Swift.print(String(decoding: try encoder.encode(plan), as: UTF8.self))
            return
        }
        Swift.print("Dry run: nothing is changed\(lookAtHosts ? " (only the ESXi addresses were looked at)" : " or contacted"). Source: \(iso) (\(remaster.installer.build?.description ?? "no build= in BOOT.CFG"), "
                    + "\(modules) boot modules checked)\n")
        for (target, host) in zip(targets, hosts) {
            let plan = target.plan
            Swift.print("""
                == \(target.name): BMC \(plan.bmc.url) (vendor \(plan.vendor.rawValue), user \(plan.username), password \(plan.password)), ESXi \(plan.esxiAddress)
                rerun check: \(host.action == "install" ? "would install" : host.action == "skip" ? "would skip" : "would refuse"): \(host.reason)
                image URL: \(host.url)\(options.anyPeer ? "" : " (readable only from \(plan.bmc.host))")
                flow: \(host.flow)
                BOOT.CFG kernelopt gets: \(host.kernelopt)
                KS.CFG:
                """)
            let kickstart = host.kickstart
                ?? "(written at install time: esxi_disk \(plan.kickstart.installDisk) becomes --disk=\"<naa./eui. id>\" from the BMC's drive list)"
            Swift.print(kickstart.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "  " + $0 }.joined(separator: "\n"))
        }
        let skipped = hosts.filter { $0.action == "skip" }.map(\.host)
        if !skipped.isEmpty {
            Swift.print("\n\(skipped.count) of \(hosts.count) hosts would be skipped as already installed (--reinstall installs them): "
                        + skipped.joined(separator: ", "))
        }
    }

    /// What the real run's `InstalledCheck` says for each host, looked at concurrently.
    private func rerunVerdicts(_ targets: [InstallTarget]) async -> [(action: String, reason: String)] {
        if options.reinstall { return targets.map { _ in ("install", "--reinstall installs every host") } }
        guard lookAtHosts else {
            return targets.map { _ in ("install", "not looked at (add --check-installed to see which hosts already run the ISO's build)") }
        }
        guard options.goal == .installed else {
            return targets.map { _ in ("install", "--until \(options.goal.rawValue) does not look at the ESXi address") }
        }
        let http = CurlHTTPClient(maxConnectionsPerHost: 2, logger: Logger(label: "vmedia.dry-run") { _ in SwiftLogNoOpLogHandler() })
        defer { http.shutdown() }
        let build = remaster.installer.build
        let port = options.esxiPort, tls = options.esxiTLS
        return await withTaskGroup(of: (Int, (String, String)).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask {
                    let check = InstalledCheck(probe: ESXiProbe(http: http, address: target.plan.esxiAddress.description, port: port, useTLS: tls),
                                               expected: build)
                    switch await check.look(password: target.rootPassword) {
                    case .installed(let evidence): return (index, ("skip", "already installed: \(evidence)"))
                    case .notInstalled(let seen): return (index, ("install", seen))
                    case .unclear(let evidence): return (index, ("refuse", InstallError.installedStateUnclear(evidence: evidence).description))
                    }
                }
            }
            var verdicts = [(String, String)](repeating: ("install", ""), count: targets.count)
            for await (index, verdict) in group { verdicts[index] = verdict }
            return verdicts.map { (action: $0.0, reason: $0.1) }
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
