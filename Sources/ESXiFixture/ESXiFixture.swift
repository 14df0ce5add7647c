import ESXi
import Foundation
import ISO9660

/// An ESXi-installer-shaped ISO for tests and users' CI: the layout, boot chain and BOOT.CFG of a release
/// (reference/iso9660-esxi.md §3), with synthetic modules instead of VMware's software.
///
/// What it holds:
/// * `/BOOT.CFG` and `/EFI/BOOT/BOOT.CFG`: the release's stock file (`ESXiRelease.stockBootConfig`), so
///   the kernelopt order is the release's (`cdromBoot runweasel` on 6.7, `runweasel cdromBoot` later);
/// * the kernel and about 150 modules named as the release names them (`/B.B00`, `/S.V00`, `/IMGDB.TGZ` …),
///   each a valid gzip member (`FixtureModulePayload`); together they fill the requested size in the
///   proportions of a real image;
/// * El Torito: `/BOOT.CAT`; a BIOS no-emulation entry for `/ISOLINUX.BIN` (4 sectors, boot information
///   table) and an EFI entry for `/EFIBOOT.IMG`, a FAT image holding `\EFI\BOOT\BOOTX64.EFI`;
/// * `/ISOLINUX.BIN`: the real isolinux when one is given. Then `/ISOLINUX.CFG` prints BOOT.CFG on the
///   serial console (there is no ESXi kernel to start), and `LDLINUX.C32`, `LIBCOM32.C32`, `LIBUTIL.C32`
///   and `CAT.C32` come from the syslinux modules directory, as isolinux 6.04 needs. Otherwise the fixture's
///   own `IsolinuxStub` and an `/ISOLINUX.CFG` in ESXi's form (`KERNEL mboot.c32`, `APPEND -c boot.cfg`);
///   VMware's `MBOOT.C32` and `MENU.C32` are not included;
/// * `/EFI/BOOT/BOOTX64.EFI` (in ESXi: mboot.efi) and the FAT image's copy: the EFI binary given (e.g. a
///   GRUB image), else a 1 KiB text file that says it is not an EFI program (firmware refuses to start it);
/// * an empty `/UPGRADE/` directory and `/README.TXT` saying what the image is.
///
/// Like a real ESXi ISO it is plain ISO 9660 with upper-case 8.3 names. With Joliet or Rock Ridge the
/// names are given in lower case, as in an image rebuilt from a mounted tree by VMware's documented
/// `genisoimage -J -R` recipe (the old tool's way), so RR-aware loaders find `ldlinux.c32` as isolinux asks.
/// The output is a function of the options: the same options give the same bytes.
public struct ESXiFixture: Sendable {
    public struct Options: Sendable {
        public var release: ESXiRelease
        /// The image size, rounded up to whole 2,048-byte sectors; default: the release's usual size.
        public var imageByteCount: Int64
        public var joliet = false
        public var rockRidge = false
        /// A real `isolinux.bin` (e.g. /usr/lib/ISOLINUX/isolinux.bin); nil: the fixture's stub.
        public var isolinuxPath: String?
        /// Where isolinux's COM32 modules are (ldlinux.c32 must match the isolinux.bin version).
        public var syslinuxModulesDirectory = "/usr/lib/syslinux/modules/bios"
        /// An EFI application for `\EFI\BOOT\BOOTX64.EFI` (e.g. made with grub-mkimage); nil: a text stub.
        public var efiBootPath: String?
        /// No legacy BIOS boot: no ISOLINUX files and a boot catalog with the EFI entry alone, the image a
        /// UEFI-only installer would be (see `ESXiRelease.v9_0` on why both 9.0 shapes exist). Both BOOT.CFG
        /// copies stay: the installer and PXE setups read `/BOOT.CFG` whatever the firmware.
        public var uefiOnly = false
        /// Every date in the image (ISO 9660 and FAT).
        public var timestamp: ISOTimestamp

        public init(release: ESXiRelease, imageByteCount: Int64? = nil,
                    timestamp: ISOTimestamp = ISOTimestamp(secondsSince1970: 1_700_000_000)) {
            self.release = release
            self.imageByteCount = imageByteCount ?? release.typicalImageByteCount
            self.timestamp = timestamp
        }
    }

    /// One file of the fixture, before it is written.
    public struct File: Sendable {
        public enum Content: Sendable {
            case bytes([UInt8])
            case file(path: String)
            case module(FixtureModulePayload)
        }

        /// The path as given to the ISO builder (`/S.V00`, or `/s.v00` when Joliet or Rock Ridge is on).
        public let path: String
        public let content: Content

        public var byteCount: Int64 {
            get throws {
                switch content {
                case .bytes(let bytes): return Int64(bytes.count)
                case .module(let payload): return payload.byteCount
                case .file(let path):
                    let attributes = try FileManager.default.attributesOfItem(atPath: path)
                    return (attributes[.size] as? NSNumber)?.int64Value ?? 0
                }
            }
        }
    }

    /// What was built.
    public struct Report: Sendable, Codable {
        public let release: String
        public let path: String
        public let byteCount: Int64
        public let volumeIdentifier: String
        public let moduleCount: Int
        public let moduleByteCount: Int64
        public let isolinux: String
        public let efiBoot: String
        public let joliet: Bool
        public let rockRidge: Bool
        public let bootCatalogSector: UInt32?
        public let biosBootImageSector: UInt32?
        public let efiBootImageSectors: [UInt32]
    }

    public let options: Options
    /// Files in the order they are added to the image.
    public let files: [File]
    /// Directories that exist even when empty.
    public let directories: [String]

    static let sector: Int64 = 2048

    /// Plans the fixture: reads the boot files given, shares the size among the modules. Fails when a
    /// given file cannot be read or the size cannot hold the fixed files plus one sector per module.
    public init(options: Options) throws {
        self.options = options
        let release = options.release
        let lower = options.joliet || options.rockRidge
        func name(_ upper: String) -> String { lower ? upper.lowercased() : upper }

        var fixed: [File] = []
        fixed.append(File(path: name("/BOOT.CFG"), content: .bytes(release.stockBootConfig)))
        fixed.append(File(path: name("/EFI/BOOT/BOOT.CFG"), content: .bytes(release.stockBootConfig)))

        let isolinuxConfig: String?
        if options.uefiOnly {
            guard options.isolinuxPath == nil else {
                throw ESXiError.fixture("--isolinux and --uefi-only contradict each other: a UEFI-only image has no ISOLINUX; drop one")
            }
            isolinuxConfig = nil
        } else if let isolinux = options.isolinuxPath {
            try Self.requireReadable(isolinux, what: "the isolinux.bin given with --isolinux")
            fixed.append(File(path: name("/ISOLINUX.BIN"), content: .file(path: isolinux)))
            for module in ["LDLINUX.C32", "LIBCOM32.C32", "LIBUTIL.C32", "CAT.C32"] {
                let source = options.syslinuxModulesDirectory + "/" + module.lowercased()
                try Self.requireReadable(source, what: "isolinux's \(module.lowercased()) (apt-get install syslinux-common)")
                fixed.append(File(path: name("/" + module), content: .file(path: source)))
            }
            isolinuxConfig = Self.serialIsolinuxConfig(release: release)
        } else {
            fixed.append(File(path: name("/ISOLINUX.BIN"), content: .bytes(IsolinuxStub.bytes(release: release))))
            isolinuxConfig = Self.esxiIsolinuxConfig(release: release)
        }
        if let isolinuxConfig {
            fixed.append(File(path: name("/ISOLINUX.CFG"), content: .bytes(Array(isolinuxConfig.utf8))))
        }

        let efiBinary: [UInt8]
        if let efi = options.efiBootPath {
            try Self.requireReadable(efi, what: "the EFI application given with --efi")
            efiBinary = [UInt8](try Data(contentsOf: URL(fileURLWithPath: efi)))
            fixed.append(File(path: name("/EFI/BOOT/BOOTX64.EFI"), content: .file(path: efi)))
        } else {
            efiBinary = Self.efiStub(release: release)
            fixed.append(File(path: name("/EFI/BOOT/BOOTX64.EFI"), content: .bytes(efiBinary)))
        }
        var fat = FATImage(options: .init(volumeLabel: "ESXI-EFI", timestamp: options.timestamp.secondsSince1970))
        try fat.addFile("/EFI/BOOT/BOOTX64.EFI", contents: efiBinary)
        fixed.append(File(path: name("/EFIBOOT.IMG"), content: .bytes(try fat.bytes())))
        fixed.append(File(path: name("/README.TXT"), content: .bytes(Array(Self.readme(options: options).utf8))))

        // Size budget: the image minus fixed files, metadata (volume descriptors, path tables, directories
        // of up to four trees, catalog) and one spare sector per module for the rounding below.
        let modules = [release.kernel] + release.modules
        let fixedSectors = try fixed.reduce(Int64(0)) { $0 + (try $1.byteCount + Self.sector - 1) / Self.sector }
        let metadataSectors: Int64 = 64 + Int64(modules.count + fixed.count) * (lower ? 4 : 1) / 8
        let imageSectors = (options.imageByteCount + Self.sector - 1) / Self.sector
        let moduleSectors = imageSectors - fixedSectors - metadataSectors
        guard moduleSectors >= Int64(modules.count) else {
            let needed = (fixedSectors + metadataSectors + Int64(modules.count)) * Self.sector
            throw ESXiError.fixture("\(options.imageByteCount) bytes cannot hold the boot files and \(modules.count) modules; "
                                    + "give --size \((needed + (1 << 20) - 1) >> 20)MiB or more")
        }
        let totalWeight = Int64(modules.reduce(0) { $0 + $1.weight })
        var planned: [File] = []
        for (index, module) in modules.enumerated() {
            // One sector each, then the rest of the budget in whole sectors by weight, so the sum never
            // exceeds the budget; the size inside the last sector varies with the module, so files do not
            // all end on a sector boundary (real modules do not).
            let sectors = 1 + (moduleSectors - Int64(modules.count)) * Int64(module.weight) / totalWeight
            let tail = Int64((index * 733 + module.name.utf8.count * 97) % 2048)
            let byteCount = max(FixtureModulePayload.minimumByteCount, (sectors - 1) * Self.sector + max(1, tail))
            let payload = try FixtureModulePayload(name: module.name, release: release, byteCount: byteCount)
            planned.append(File(path: name("/" + module.name.uppercased()), content: .module(payload)))
        }
        files = fixed + planned
        directories = [name("/UPGRADE")]
    }

    /// Writes the ISO through `ISOBuilder`. Module payloads are streamed into a scratch directory beside
    /// `path` (removed afterwards) because the builder streams file content from paths.
    ///
    /// - Parameter progress: called with (bytes of modules prepared, total module bytes) while modules are
    ///   prepared; the image write that follows is one step.
    @discardableResult
    public func write(to path: String, progress: (Int64, Int64) -> Void = { _, _ in }) throws -> Report {
        let parent = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent.isEmpty ? "." : parent, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw ESXiError.fixture("the directory \(parent) does not exist; create it or choose another --output")
        }
        let scratch = path + ".parts-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: scratch)
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false)
        } catch {
            throw ESXiError.fixture("cannot create the scratch directory \(scratch) beside the output: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        var isoOptions = ISOBuilder.Options(volumeIdentifier: options.release.volumeIdentifier, timestamp: options.timestamp)
        isoOptions.applicationIdentifier = "ESXIMAGE"
        isoOptions.joliet = options.joliet
        isoOptions.rockRidge = options.rockRidge
        isoOptions.minimumImageByteCount = (options.imageByteCount + Self.sector - 1) / Self.sector * Self.sector
        var builder = ISOBuilder(options: isoOptions)
        for directory in directories { try builder.addDirectory(directory) }

        let moduleTotal = try files.reduce(Int64(0)) { sum, file in
            if case .module = file.content { return sum + (try file.byteCount) }
            return sum
        }
        var prepared: Int64 = 0
        for (index, file) in files.enumerated() {
            switch file.content {
            case .bytes(let bytes): try builder.addFile(file.path, content: .bytes(bytes))
            case .file(let source): try builder.addFile(file.path, content: .file(path: source))
            case .module(let payload):
                let local = scratch + "/\(index)"
                try Self.writeStreaming(payload, to: local)
                try builder.addFile(file.path, content: .file(path: local))
                prepared += payload.byteCount
                progress(prepared, moduleTotal)
            }
        }
        let lower = options.joliet || options.rockRidge
        try builder.setBootCatalog(path: lower ? "/boot.cat" : "/BOOT.CAT")
        if !options.uefiOnly {
            try builder.setBIOSBootImage(path: lower ? "/isolinux.bin" : "/ISOLINUX.BIN", loadSectorCount: 4, bootInfoTable: true)
        }
        try builder.addEFIBootImage(path: lower ? "/efiboot.img" : "/EFIBOOT.IMG")
        let built = try builder.write(to: path)

        return Report(release: options.release.rawValue, path: path, byteCount: built.byteCount,
                      volumeIdentifier: options.release.volumeIdentifier,
                      moduleCount: files.filter { if case .module = $0.content { return true } else { return false } }.count,
                      moduleByteCount: moduleTotal,
                      isolinux: options.uefiOnly ? "none (--uefi-only)" : options.isolinuxPath ?? "stub (IsolinuxStub)",
                      efiBoot: options.efiBootPath ?? "stub (not an EFI program)",
                      joliet: options.joliet, rockRidge: options.rockRidge,
                      bootCatalogSector: built.bootCatalog?.rawValue, biosBootImageSector: built.biosBootImage?.rawValue,
                      efiBootImageSectors: built.efiBootImages.map(\.rawValue))
    }

    /// Writes the file tree into `directory` (for building the same layout with other tools, e.g.
    /// genisoimage, and comparing). Paths keep the case they have in the image.
    public func writeTree(to directory: String) throws {
        for path in directories {
            try FileManager.default.createDirectory(atPath: directory + path, withIntermediateDirectories: true)
        }
        for file in files {
            let local = directory + file.path
            try FileManager.default.createDirectory(atPath: (local as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            switch file.content {
            case .bytes(let bytes): try Data(bytes).write(to: URL(fileURLWithPath: local))
            case .file(let source):
                try? FileManager.default.removeItem(atPath: local)
                try FileManager.default.copyItem(atPath: source, toPath: local)
            case .module(let payload): try Self.writeStreaming(payload, to: local)
            }
        }
    }

    private static func writeStreaming(_ payload: FixtureModulePayload, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw ESXiError.fixture("cannot create \(path)")
        }
        defer { try? handle.close() }
        do {
            try payload.write { chunk in try handle.write(contentsOf: Data(chunk)) }
        } catch let error as ESXiError {
            throw error
        } catch {
            throw ESXiError.fixture("writing \(path): \(error.localizedDescription)")
        }
    }

    private static func requireReadable(_ path: String, what: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              FileManager.default.isReadableFile(atPath: path) else {
            throw ESXiError.fixture("cannot read \(what) at \(path)")
        }
    }

    /// ISOLINUX.CFG for a real isolinux: print BOOT.CFG on the serial console (what tests look for).
    static func serialIsolinuxConfig(release: ESXiRelease) -> String {
        """
        # vmedia fixture (ESXi \(release.rawValue) shape): there is no ESXi kernel on this image, so instead of
        # KERNEL mboot.c32 / APPEND -c boot.cfg this prints boot.cfg on the console and COM1.
        SERIAL 0 115200
        DEFAULT bootcfg
        PROMPT 0
        TIMEOUT 0
        LABEL bootcfg
          KERNEL cat.c32
          APPEND boot.cfg

        """
    }

    /// ISOLINUX.CFG in the form ESXi ships (§3.1), for the stub boot file.
    static func esxiIsolinuxConfig(release: ESXiRelease) -> String {
        """
        # vmedia fixture (ESXi \(release.rawValue) shape): the form ESXi ships. VMware's menu.c32 and mboot.c32
        # are not on this image; ISOLINUX.BIN is a stub that prints one line and halts.
        DEFAULT menu.c32
        MENU TITLE ESXi-\(release.rawValue) Boot Menu
        NOHALT 1
        PROMPT 0
        TIMEOUT 80
        LABEL install
          KERNEL mboot.c32
          APPEND -c boot.cfg
          MENU LABEL ESXi-\(release.rawValue) ^Installer
        LABEL hddboot
          LOCALBOOT 0x80
          MENU LABEL ^Boot from local disk

        """
    }

    /// The stand-in for BOOTX64.EFI without --efi: text, deliberately not a PE image, so firmware reports
    /// it as not loadable instead of running something.
    static func efiStub(release: ESXiRelease) -> [UInt8] {
        let text = "vmedia fixture (ESXi \(release.rawValue) shape): placeholder for \\EFI\\BOOT\\BOOTX64.EFI. "
            + "This is not an EFI program; build the fixture with --efi FILE (e.g. a grub-mkimage x86_64-efi image) "
            + "to boot under UEFI.\n"
        var bytes = Array(text.utf8)
        bytes += [UInt8](repeating: 0x20, count: max(0, 1024 - bytes.count - 1)) + [0x0A]
        return bytes
    }

    static func readme(options: Options) -> String {
        """
        vmedia test fixture shaped like a VMware ESXi \(options.release.rawValue) installer ISO.

        It contains no VMware software. BOOT.CFG and EFI/BOOT/BOOT.CFG have the release's form; every module
        named in them is a valid gzip stream of filler text. Made by `vmedia fixture --esxi \(options.release.rawValue)`.

        """
    }
}
