import ArgumentParser
import Inventory

/// Who may read a host's image: one flag and one default for `install`, `serve` and `check --media`. By default
/// only the host's BMC address (the image holds the host's kickstart, root password included; everyone else gets
/// 403 before a byte is read); `--any-peer` lets any address read (BMCs behind NAT, a VM reading from loopback).
/// `serve` used to default to anyone with an opt-in `--allow-bmc-only`; that flag is still accepted (hidden) and is
/// now the default.
struct MediaReaderOptions: ParsableArguments {
    @Flag(name: .customLong("any-peer"), help: ArgumentHelp(
        "Let any address read a host's image (BMCs behind NAT). Default: only the host's BMC address; everyone else gets 403."))
    var anyPeer = false

    @Flag(name: .customLong("allow-bmc-only"), help: .hidden)
    var allowBMCOnly = false

    func validate() throws {
        if anyPeer, allowBMCOnly {
            throw ValidationError("--any-peer and --allow-bmc-only contradict each other: only the BMC may read is the default, drop one")
        }
    }

    /// The reader allowlist compares addresses, so a BMC given by name in the hosts file could never read its
    /// image: refused up front (exit 64) instead of timing out in media-read.
    func requireBMCAddresses(_ plans: [HostPlan], config: String) throws {
        guard !anyPeer, let plan = plans.first(where: { !NetworkAddress.isIPLiteral($0.bmc.host) }) else { return }
        throw InputRefusal("\(plan.hostname)'s BMC is \(plan.bmc.host), a name: images are served only to the BMC's IP address, "
            + "so write its IP address in \(config), or pass --any-peer to let any address read the images")
    }
}
