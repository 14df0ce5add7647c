import ISO9660

/// Where the files an ESXi boot reads lie in one host's image, in boot order: the El Torito boot images
/// (isolinux.bin for BIOS, EFIBOOT.IMG for UEFI), the two BOOT.CFG copies, the kernel and modules BOOT.CFG lists,
/// and KS.CFG (iso9660-esxi.md §3.1). Byte ranges served to a BMC after the power action map to these files, which
/// is the evidence that the host booted this image and how far it got.
public struct BootMediaMap: Sendable, Equatable {
    public enum Role: String, Sendable, Equatable, Codable {
        case bootImage = "boot image"
        case bootConfig = "BOOT.CFG"
        case module
        case kickstart = "KS.CFG"
    }

    public struct File: Sendable, Equatable {
        public let path: String
        public let role: Role
        /// The file's bytes in the image (one extent: ESXi's loaders read single-extent files only).
        public let range: Range<Int64>

        public init(path: String, role: Role, range: Range<Int64>) {
            self.path = path
            self.role = role
            self.range = range
        }
    }

    /// Sorted by offset, empty files left out (nothing can be read of them).
    public let files: [File]
    /// The kernel and modules of BOOT.CFG found on the image (mboot's "Loaded n/N modules" counts these).
    public var moduleCount: Int { files.filter { $0.role == .module }.count }

    public init(files: [File]) {
        self.files = files.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// Reads the host image's directory tree (metadata only) and locates each boot file as the ESX loader
    /// finds it (case-insensitive, `;1` ignored). Files BOOT.CFG lists but the image lacks are left out: the
    /// remaster already checked the image, and a map is evidence, not validation.
    public init(hostImage: ESXiHostImage) throws {
        let iso = try ISOImage(source: hostImage.image)
        var files: [File] = []
        func add(_ path: String, _ role: Role) {
            guard let extent = iso.lookupLikeESXiLoader(path)?.firstExtent else { return }
            files.append(File(path: path, role: role, range: extent.byteRange))
        }
        for boot in iso.bootImages {
            let start = boot.entry.loadRBA.byteOffset
            let length = boot.file.map(\.size) ?? Int64(boot.entry.sectorCount) * 512
            let name = boot.path ?? (boot.entry.platform == .efi ? "EFI boot image" : "BIOS boot image")
            files.append(File(path: name, role: .bootImage, range: start..<(start + max(length, 512))))
        }
        add(ESXiInstallerImage.biosBootConfigPath, .bootConfig)
        if hostImage.efiBootConfig != nil { add(ESXiInstallerImage.efiBootConfigPath, .bootConfig) }
        var seen: Set<String> = []
        for path in (try? hostImage.biosBootConfig.bootFiles()) ?? [] where seen.insert(path.uppercased()).inserted {
            add(path, .module)
        }
        add(ESXiRemaster.kickstartPath, .kickstart)
        self.init(files: files)
    }
}
