/// Results for hosts that never ran, so the summary and JUnit list every host of the run whatever stopped it.
extension HostResult {
    /// A failed result for `target` that never got past `phase`: stopped by the user before it started, refused
    /// before any BMC was contacted because the source ISO is unfit (a damaged or crafted image), or still
    /// cleaning up when a SIGTERM's time ran out.
    public static func unfinished(_ target: InstallTarget, phase: InstallPhase = .validate, kind: HostFailure.Kind = .notStarted,
                                  reason: String) -> HostResult {
        HostResult(host: target.name, bmc: target.plan.bmc.url, vendor: target.plan.vendor.rawValue,
                   esxiAddress: target.plan.esxiAddress.description, url: nil,
                   failed: HostFailure(phase: phase, kind: kind, message: reason), phases: [], bytesRead: 0, seconds: 0)
    }
}
