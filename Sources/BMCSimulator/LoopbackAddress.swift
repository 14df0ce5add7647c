/// Guard for every address the simulator binds or connects to. The simulator runs inside tests and demos on
/// shared machines, so a configuration that names a real address (an example IP copied from a hosts file, say)
/// must be refused rather than contacted.
enum LoopbackAddress {
    /// True for a dotted-quad IPv4 literal in 127.0.0.0/8.
    static func isLoopback(_ address: String) -> Bool {
        guard let octets = IPv4.octets(address) else { return false }
        return octets[0] == 127
    }

    static func require(_ address: String, role: String) throws {
        guard isLoopback(address) else { throw SimulatorError.notLoopback(address: address, role: role) }
    }
}

/// Dotted-quad IPv4 parsing shared by the loopback guard and the kickstart network checks.
enum IPv4 {
    /// The four octets of a strict dotted-quad literal (no leading zeros, no shorthand), or nil.
    static func octets(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  !(part.count > 1 && part.first == "0"), let value = UInt8(part) else { return nil }
            octets.append(value)
        }
        return octets
    }

    static func value(_ text: String) -> UInt32? {
        guard let o = octets(text) else { return nil }
        return o.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// The prefix length of a netmask whose ones are contiguous from the top (255.255.255.0 → 24), or nil for
    /// 0.0.0.0 and non-contiguous masks such as 255.0.255.0, which the ESXi installer refuses.
    static func prefixLength(ofNetmask text: String) -> Int? {
        guard let mask = value(text), mask != 0 else { return nil }
        let hostBits = ~mask
        guard hostBits & (hostBits &+ 1) == 0 else { return nil }
        return mask.nonzeroBitCount
    }
}
