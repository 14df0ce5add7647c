import Inventory

/// What UEFI Secure Boot means for a host's plan. ESXi skips `%firstboot` under Secure Boot ("The %firstboot script
/// does not run, if secure boot is enabled on the ESXi host", vSphere 7.0/8.0 Installation guides), so:
/// - a user's own `firstboot:` script would silently never run: the host fails before anything is inserted;
/// - the built-in SSH step moves to the vSphere API after the install, which needs root's password in clear.
/// Shared by `vmedia install` (check-bmc) and `vmedia check`, so the pre-check refuses what install would.
enum SecureBootPolicy {
    /// The note to show; throws the refusal. `enabled` is `SecureBootEnable`, nil when the BMC does not report it.
    static func evaluate(enabled: Bool?, target: InstallTarget) throws -> String {
        let plan = target.plan
        guard let enabled else { return "the BMC does not report Secure Boot; if it is on, ESXi skips %firstboot" }
        guard enabled else { return "Secure Boot off" }
        if plan.kickstart.scripts.contains(where: { $0.section == .firstboot }) {
            throw InstallError.secureBootSkipsFirstboot(bmc: plan.bmc.url, host: target.name)
        }
        guard plan.kickstart.enableSSH else { return "Secure Boot on (no %firstboot step planned)" }
        guard target.rootPassword != nil else { throw InstallError.secureBootNeedsPassword(bmc: plan.bmc.url, host: target.name) }
        return "Secure Boot on: ESXi will skip %firstboot, so SSH is enabled through the vSphere API after the install"
    }
}
