/// The `install` command's switches for the installer's pre-checks (weasel's `precheck.py`, reference/
/// iso9660-esxi.md §7). Without them a pre-check ERROR (unsupported CPU, too little memory, a TPM or vSAN
/// problem …) stops a scripted install at a dialog that waits for a key press forever, so an unattended host
/// just sits there; warnings continue after 30 s (`WARNING_TIMEOUT`).
public struct PrecheckOverrides: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `--ignoreprereqwarnings`: go on at once after pre-check warnings.
    public static let ignoreWarnings = PrecheckOverrides(rawValue: 1)
    /// `--ignoreprereqerrors`: install despite pre-check errors (at the admin's risk).
    public static let ignoreErrors = PrecheckOverrides(rawValue: 2)
    /// `--forceunsupportedinstall`: install on a CPU the release no longer supports (ESXi 7.0+ refuse otherwise).
    public static let forceUnsupported = PrecheckOverrides(rawValue: 4)

    /// The `install` options in a fixed order (the same model renders the same bytes).
    public var installOptions: [String] {
        var options: [String] = []
        if contains(.ignoreWarnings) { options.append("--ignoreprereqwarnings") }
        if contains(.ignoreErrors) { options.append("--ignoreprereqerrors") }
        if contains(.forceUnsupported) { options.append("--forceunsupportedinstall") }
        return options
    }
}
