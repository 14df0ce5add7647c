/// Everything that can go wrong while reading, patching, verifying or building an ESXi installer image.
///
/// `description` is what the user reads: what failed, where, and how to fix it.
public enum ESXiError: Error, Equatable, Sendable, CustomStringConvertible {
    /// BOOT.CFG has no `kernelopt=` line, so this is probably not an ESXi installer's boot configuration.
    case kernelOptionsMissing(file: String)
    /// BOOT.CFG has more than one `kernelopt=` line; patching one of them could leave the other in force.
    case kernelOptionsDuplicated(file: String, lines: [Int])
    /// A value given for the `kernelopt=` line would break its whitespace-separated token syntax.
    case invalidKernelOption(String, reason: String)
    /// BOOT.CFG has no `modules=` line (or an empty one) when the module list was asked for.
    case modulesMissing(file: String)
    /// A gzip module failed its integrity check.
    case moduleCorrupt(path: String, offset: Int64, reason: String)
    /// A file named by BOOT.CFG (kernel or module) could not be read from the image.
    case moduleUnreadable(path: String, reason: String)
    /// An image does not look like an ESXi installer (no /BOOT.CFG).
    case notAnInstallerImage(reason: String)
    /// The files given to the FAT image writer do not fit or are not valid FAT names.
    case fatImage(String)
    /// The fixture cannot be built as requested (size too small, unreadable boot file, …).
    case fixture(String)
    /// zlib itself failed (out of memory, version mismatch): not a property of the input.
    case zlib(function: String, code: Int32)

    public var description: String {
        switch self {
        case .kernelOptionsMissing(let file):
            return "\(file) has no 'kernelopt=' line: is this an ESXi installer image? "
                + "ESXi 6.7, 7.0 and 8.0 installers carry one in /BOOT.CFG and /EFI/BOOT/BOOT.CFG."
        case .kernelOptionsDuplicated(let file, let lines):
            let list = lines.map(String.init).joined(separator: ", ")
            return "\(file) has \(lines.count) 'kernelopt=' lines (lines \(list)); refusing to guess which one the "
                + "boot loader uses. Keep one kernelopt line in the source image and try again."
        case .invalidKernelOption(let value, let reason):
            return "invalid kernel option '\(value)': \(reason)"
        case .modulesMissing(let file):
            return "\(file) has no 'modules=' line: is this an ESXi installer image?"
        case .moduleCorrupt(let path, let offset, let reason):
            return "module \(path) is corrupt at byte \(offset): \(reason). The installer image is damaged; "
                + "download it again and compare its checksum with VMware's."
        case .moduleUnreadable(let path, let reason):
            return "cannot read \(path), which BOOT.CFG lists: \(reason)"
        case .notAnInstallerImage(let reason):
            return "not an ESXi installer image: \(reason)"
        case .fatImage(let reason):
            return "cannot build the FAT image: \(reason)"
        case .fixture(let reason):
            return "cannot build the ESXi fixture: \(reason)"
        case .zlib(let function, let code):
            return "zlib \(function) failed with code \(code) (out of memory or a broken zlib installation)"
        }
    }
}
