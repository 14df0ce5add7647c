/// Why one host's install failed. The description is what the user reads: what failed, where, and what to do.
public enum InstallError: Error, Sendable, CustomStringConvertible {
    case timeout(phase: InstallPhase, seconds: Double)
    case noCDSlot(bmc: String)
    case insertNotShown(bmc: String, url: String, slots: [String])
    case neverReadImage(bmc: String, seconds: Double, accessLog: [String])
    /// Reads came, but not the boot's files after the restart (`evidence` says what was read and when).
    case imageNotBooted(bmc: String, seconds: Double, evidence: String)
    case esxiNotReady(address: String, port: Int, seconds: Double, lastError: String)
    case esxiLoginRefused(address: String, port: Int)
    /// Another system than the image's kept answering until the timeout (the message says which and why).
    case esxiNotTheImage(seconds: Double, evidence: String)
    /// Secure Boot is on and the hosts file asks for a `firstboot:` script, which ESXi would silently skip.
    case secureBootSkipsFirstboot(bmc: String, host: String)
    /// Secure Boot is on, SSH is to be enabled through the vSphere API, and vmedia has no password to log in with.
    case secureBootNeedsPassword(bmc: String, host: String)
    /// A step through the new host's vSphere API failed (after the install: the host is installed).
    case configureFailed(step: String, address: String, detail: String)
    /// After the install: adding the host to vCenter failed. The install stands (nothing is ejected or retried).
    case joinFailed(vCenter: String, detail: String, fix: String)
    case source(path: String, reason: String)
    case cancelled(phase: InstallPhase)
    /// Before anything was touched: the host already runs the ISO's build, but whether it is this install could
    /// not be checked (`InstalledCheck.Verdict.unclear`).
    case installedStateUnclear(evidence: String)

    public var description: String {
        switch self {
        case .timeout(let phase, let seconds):
            switch phase {
            // The steps after the install talk to the host's vSphere API and to vCenter, not to the BMC; their limits
            // are fixed (2 min, 10 min) and `vmedia configure` redoes only them.
            case .configure:
                return "phase configure took longer than \(Int(seconds)) s; check that the host's vSphere API answers (hostd may still "
                    + "be starting), then run `vmedia configure` for this host: the install stands"
            case .join:
                return "phase join took longer than \(Int(seconds)) s; check vCenter's Recent Tasks for the add-host task, then run "
                    + "`vmedia configure --until joined` for this host: the install stands"
            default:
                // Every other phase with this limit is a BMC step; `vmedia install --bmc-timeout` sets all of them.
                return "phase \(phase) took longer than \(Int(seconds)) s; check that the BMC answers and is not busy, or raise the "
                    + "limit with --bmc-timeout (e.g. --bmc-timeout \(max(10, Int(seconds) * 2 / 60))m)"
            }
        case .noCDSlot(let bmc):
            return "BMC \(bmc) has no usable virtual CD slot; check the virtual media licence and that remote media is enabled"
        case .insertNotShown(let bmc, let url, let slots):
            return "BMC \(bmc) accepted the insert but no slot shows \(url) (slots: \(slots.joined(separator: ", "))); "
                + "check that the BMC can reach the media server's advertised address"
        case .neverReadImage(let bmc, let seconds, let log):
            let tail = log.isEmpty ? "no request for this image reached the media server" : "access log:\n  " + log.joined(separator: "\n  ")
            return "BMC never read the image: \(bmc) sent no read of its image within \(Int(seconds)) s after the restart; "
                + "check that the BMC can reach the advertised address (firewall, routing, NAT: --any-peer) — \(tail)"
        case .imageNotBooted(let bmc, let seconds, let evidence):
            return "the host did not boot the image: \(bmc)'s reads of it within \(Int(seconds)) s after the restart do not include "
                + "the boot image, BOOT.CFG and KS.CFG (\(evidence)); the one-time boot may have been ignored, look at the server's console"
        case .esxiNotReady(let address, let port, let seconds, let lastError):
            return "ESXi did not answer the vSphere API on \(address):\(port) within \(Int(seconds)) s (last: \(lastError)); "
                + "look at the server's console for the installer's error"
        case .esxiLoginRefused(let address, let port):
            return "ESXi on \(address):\(port) refused root's login with the configured password; another installation may own that address"
        case .esxiNotTheImage(let seconds, let evidence):
            return "ESXi from the image did not come up within \(Int(seconds)) s: \(evidence). Check the BMC's boot override "
                + "(one-time boot to the virtual CD) and the server's console; raise --esxi-timeout if the install is still running"
        case .secureBootSkipsFirstboot(let bmc, let host):
            return "UEFI Secure Boot is on at \(bmc), and ESXi skips %firstboot under Secure Boot, so the firstboot: script "
                + "of \(host) would never run; nothing was inserted. Choose: remove firstboot: for this host (move the commands "
                + "to post: or do them after the install), or turn Secure Boot off in the BMC for this install"
        case .secureBootNeedsPassword(let bmc, let host):
            return "UEFI Secure Boot is on at \(bmc), so ESXi will skip the %firstboot that enables SSH on \(host); vmedia can do it "
                + "through the vSphere API, but the hosts file gives root's password only as a crypted hash; nothing was inserted. "
                + "Give the password in clear (rootpw: crypted hashes it for the image), or set ssh: false"
        case .configureFailed(let step, let address, let detail):
            return "installed, but \(step) on \(address) failed: \(detail)"
        case .joinFailed(_, let detail, let fix):
            return "installed; join failed: \(detail); \(fix)"
        case .source(let path, let reason):
            return "the source ISO \(path) cannot be used: \(reason)"
        case .cancelled(let phase):
            return "stopped by the user (Ctrl-C) during \(phase)"
        case .installedStateUnclear(let evidence):
            return "not touched: \(evidence). Rerun when root's login works (give the password in clear in the hosts "
                + "file), or pass --reinstall to install it again (this wipes the host's disks)"
        }
    }
}
