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
    case source(path: String, reason: String)
    case cancelled(phase: InstallPhase)

    public var description: String {
        switch self {
        case .timeout(let phase, let seconds):
            return "phase \(phase) took longer than \(Int(seconds)) s; check that the BMC answers and is not busy, or raise the timeout"
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
        case .source(let path, let reason):
            return "the source ISO \(path) cannot be used: \(reason)"
        case .cancelled(let phase):
            return "stopped by the user (Ctrl-C) during \(phase)"
        }
    }
}
