/// Extra tokens for BOOT.CFG's `kernelopt=` line that an admin asks for per host (e.g. `allowLegacyCPU=true` to
/// boot the installer on a CPU the release no longer supports, `autoPartitionOSDataSize=8192`, `preferVmklinux`),
/// checked as the boot loader splits them: mboot cuts the line at blanks (vmware/esx-boot `mboot/config.c`), and
/// the kernel reads each word as `name` or `name=value`.
public enum KernelOption {
    /// Options vmedia itself writes or removes; giving them again would compete with its own.
    static let reserved: [String: String] = [
        "ks": "vmedia writes ks=cdrom:/KS.CFG itself",
        "systemmediasize": "set system_media_size instead",
        "cdromboot": "vmedia removes cdromBoot for a scripted install (VMware's documented form has none)",
        "runweasel": "the stock line already has runweasel",
    ]

    /// The option's name: the text before `=` (the whole token without one).
    public static func name(of token: String) -> String {
        String(token.prefix { $0 != "=" })
    }

    /// Why `token` cannot go on the kernelopt line, or nil: it must be one word of printable ASCII (no blank,
    /// quote or control character, which would split it or end the line), start with a letter, have a name of
    /// letters, digits, `_`, `-` or `.`, and not be one of the options vmedia manages.
    public static func problem(with token: String) -> String? {
        if token.isEmpty { return "a kernel option is empty" }
        if let bad = token.unicodeScalars.first(where: { !$0.isASCII || $0.value <= 0x20 || $0.value == 0x7F || $0 == "\"" || $0 == "'" }) {
            let printable = bad.isASCII && bad.value > 0x20 && bad.value != 0x7F
            let shown = printable ? "'\(bad)'" : "U+" + String(bad.value, radix: 16, uppercase: true)
            return "kernel option \(token.debugDescription) contains \(shown); "
                + "each option is one word of printable ASCII without blanks or quotes (the boot loader splits the line at blanks)"
        }
        let name = name(of: token)
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic,
              name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) }) else {
            return "kernel option '\(token)' does not start with a name (a letter, then letters, digits, '_', '-' or '.'), as in allowLegacyCPU=true"
        }
        if let reason = reserved[name.lowercased()] {
            return "kernel option '\(token)' is managed by vmedia: \(reason)"
        }
        return nil
    }
}
