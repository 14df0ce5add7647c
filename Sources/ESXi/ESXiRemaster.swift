import ISO9660

/// Makes per-host installer images from one ESXi ISO: both boot configurations get `ks=cdrom:/KS.CFG`
/// (and `systemMediaSize=` when asked) on their `kernelopt=` line, and the host's kickstart is added as
/// `/KS.CFG;1`. Each host's image is an `ImageEditResult` over the unchanged source file: a few
/// kilobytes of overlay, never a copy.
///
/// The source is parsed once; `hostImage(kickstart:systemMediaSize:)` is then cheap and thread-safe,
/// so one instance serves every host of a run.
public struct ESXiRemaster: Sendable {
    /// The kickstart's place on the CD. ESXi wants an upper-case path for `ks=cdrom:` (VMware's install
    /// guide: "you must use uppercase characters to provide the path of the script").
    public static let kickstartPath = "/KS.CFG"
    public static let kickstartLocation = "cdrom:/KS.CFG"

    public let sourcePath: String
    public let image: ISOImage
    public let installer: ESXiInstallerImage

    /// Opens and checks the source: an ISO 9660 image with `/BOOT.CFG` holding one `kernelopt=` line
    /// (and, when present, `/EFI/BOOT/BOOT.CFG` likewise).
    public init(sourcePath: String) throws {
        let image = try ISOImage(path: sourcePath)
        let installer = try ESXiInstallerImage(files: ISOInstallerFiles(image: image))
        // Fail now, once, rather than once per host.
        _ = try installer.biosBootConfig.patched(kickstart: Self.kickstartLocation)
        _ = try installer.efiBootConfig?.patched(kickstart: Self.kickstartLocation)
        self.sourcePath = sourcePath
        self.image = image
        self.installer = installer
    }

    /// One host's image.
    /// - Parameters:
    ///   - kickstart: the KS.CFG bytes (rendered by `Kickstart.render()` or a template).
    ///   - systemMediaSize: the `systemMediaSize=` token to add, or `.omitted`.
    ///   - kernelOptions: the host's own `kernelopt=` tokens (validated by `KernelOption`), in both BOOT.CFG files.
    ///   - timestamp: the date of the new KS.CFG record; nil keeps the source's volume date, so equal inputs
    ///     give byte-identical images (and stable HTTP ETags) run after run.
    public func hostImage(kickstart: [UInt8], systemMediaSize: SystemMediaSize = .small, kernelOptions: [String] = [],
                          timestamp: ISOTimestamp? = nil) throws -> ESXiHostImage {
        let bios = try installer.biosBootConfig.patched(kickstart: Self.kickstartLocation, systemMediaSize: systemMediaSize,
                                                        extraOptions: kernelOptions)
        let efi = try installer.efiBootConfig?.patched(kickstart: Self.kickstartLocation, systemMediaSize: systemMediaSize,
                                                       extraOptions: kernelOptions)
        var edit = ImageEdit(image: image, sourcePath: sourcePath, options: ImageEdit.Options(timestamp: timestamp))
        edit.setFile(ESXiInstallerImage.biosBootConfigPath, contents: bios.serialized())
        if let efi { edit.setFile(ESXiInstallerImage.efiBootConfigPath, contents: efi.serialized()) }
        edit.setFile(Self.kickstartPath, contents: kickstart)
        return ESXiHostImage(edit: try edit.build(), biosBootConfig: bios, efiBootConfig: efi, kickstart: kickstart)
    }
}

/// One host's remastered installer image and what went into it.
public struct ESXiHostImage: Sendable {
    public let edit: ImageEditResult
    public let biosBootConfig: BootConfig
    public let efiBootConfig: BootConfig?
    public let kickstart: [UInt8]

    public var image: LayeredImage { edit.image }
}
