import Foundation

/// The address put into image URLs when `--advertise` is left out, chosen the same way by `install`, `serve` and
/// `check --media`: the `--listen` address when it is specific, else the one local address the kernel routes every
/// BMC through (found with a UDP connect, so no packet is sent). BMCs reached through different local addresses, or
/// a BMC this machine has no route to, need the user's choice: that is refused (exit 64) naming `--advertise`.
/// Guessing from the first BMC only (what `serve` did) would hand the others a URL they may not reach.
enum AdvertiseAddress {
    /// The chosen address; says on stderr which one and why, so the choice is never silent.
    static func choose(listen: ListenAddress, bmcs: [String],
                       localAddress: (String) -> String? = NetworkAddress.localAddress(towards:),
                       say: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws -> String {
        if listen.host != "0.0.0.0", listen.host != "::" { return listen.host }
        var chosen: [String: [String]] = [:]
        for bmc in Set(bmcs).sorted() {
            guard let address = localAddress(bmc) else {
                throw InputRefusal("cannot find this machine's address towards the BMC \(bmc) (no route, or not an IP address); "
                    + "pass --advertise IP, the address your BMCs reach this machine on")
            }
            chosen[address, default: []].append(bmc)
        }
        guard chosen.count == 1, let address = chosen.keys.first else {
            let routes = chosen.sorted { $0.key < $1.key }.map { "\($0.key) towards \($0.value.joined(separator: ", "))" }
            throw InputRefusal("the BMCs are reached through different addresses of this machine (\(routes.joined(separator: "; "))): "
                + "pass --advertise IP with the one they all reach")
        }
        say("vmedia: advertising \(address): this machine's address on the route to the BMCs (override with --advertise)")
        return address
    }
}
