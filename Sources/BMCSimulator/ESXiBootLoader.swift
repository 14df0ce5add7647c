import Foundation

/// What the server's firmware and the ESXi boot chain read from the virtual CD, in their order and with their
/// lookup rules (shared/reference/iso9660-esxi.md §3.1, §3.4):
///
/// 1. volume descriptors from sector 16 to the terminator: the last PVD (the ESX UEFI ISO9660 driver takes the
///    last one) and the El Torito boot record;
/// 2. the boot catalog: the BIOS default entry, or the UEFI (platform 0xEF) section entry;
/// 3. the boot image (its load size);
/// 4. the mboot configuration: `/BOOT.CFG` for BIOS (isolinux → `mboot.c32 -c boot.cfg`), `/EFI/BOOT/BOOT.CFG` for
///    UEFI (mboot.efi's default is `boot.cfg` in its own directory), looked up as the loader's ISO9660 driver does:
///    case-insensitive, `;version` and a trailing `.` stripped, plain ECMA-119 names (no Joliet, no Rock Ridge);
/// 5. the kernel and modules listed there (optional, `Depth.modules`): a missing module stops mboot;
/// 6. the kickstart named by `ks=cdrom:` in `kernelopt`, matched case-sensitively: VMware documents that the path
///    must be given in upper case, as the file is named on the disc.
///
/// Deliberately a separate, loader-shaped reader rather than the ISO9660 module's: it has the loader's quirks (last
/// PVD, no Joliet, case rules), reads asynchronously over the network, and so cannot share a misreading with the
/// code that built the image.
struct ESXiBootLoader {
    enum Firmware: String, Sendable, Codable, CaseIterable {
        case uefi
        case bios
    }

    enum Depth: String, Sendable, Codable {
        /// Up to the kickstart: fast, for tests and large fleets.
        case bootConfig
        /// Also read the kernel and every module, as mboot does before the installer starts.
        case modules
    }

    struct Outcome: Sendable {
        let bootConfigPath: String
        let kernelopt: String
        let kickstartPath: String
        let kickstart: String
        let modulesRead: Int
        /// BOOT.CFG's `build=` (empty on 6.7 images), the release the installed system will report.
        let build: String?
    }

    /// What the console would show when the boot stops; the text becomes the simulated install failure.
    struct BootFailure: Error, CustomStringConvertible {
        let description: String
    }

    static let sectorSize = 2048
    let media: MediaBlockCache

    func boot(firmware: Firmware, depth: Depth) async throws -> Outcome {
        let descriptors = try await readVolumeDescriptors()
        guard let catalogSector = descriptors.bootCatalogSector else {
            throw BootFailure(description: "No bootable device: the CD has no El Torito boot record")
        }
        let entry = try await bootEntry(catalogSector: catalogSector, firmware: firmware)
        // The firmware loads the boot image (isolinux.bin or EFIBOOT.IMG); its length is the entry's count of
        // 512-byte virtual sectors.
        let loadBytes = max(512, Int(entry.sectorCount) * 512)
        _ = try await media.read(at: Int64(entry.loadRBA) * Int64(Self.sectorSize), count: loadBytes)

        let configPath = firmware == .uefi ? "/EFI/BOOT/BOOT.CFG" : "/BOOT.CFG"
        guard let configRecord = try await lookup(configPath, root: descriptors.root, caseSensitive: false) else {
            throw BootFailure(description: "mboot: cannot open \(configPath): Not found")
        }
        let configText = String(decoding: try await contents(of: configRecord), as: UTF8.self)
        let config = MbootConfig(text: configText, directory: firmware == .uefi ? "/EFI/BOOT" : "/")
        guard let kernelopt = config.kernelopt else {
            throw BootFailure(description: "\(configPath) has no kernelopt= line: the installer starts interactively and waits at the EULA")
        }
        let options = kernelopt.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let ks = options.first(where: { $0.hasPrefix("ks=") }) else {
            throw BootFailure(description: "kernelopt has no ks= option (\(kernelopt)): the installer starts interactively and waits at the EULA")
        }
        let ksValue = String(ks.dropFirst(3))
        guard ksValue.hasPrefix("cdrom:") else {
            throw BootFailure(description: "kernelopt \(ks): only ks=cdrom:/PATH can be read from the virtual CD by this simulator")
        }
        var ksPath = String(ksValue.dropFirst("cdrom:".count))
        if !ksPath.hasPrefix("/") { ksPath = "/" + ksPath }

        var modulesRead = 0
        if depth == .modules {
            for module in [config.kernel].compactMap({ $0 }) + config.modules {
                let path = config.resolve(module)
                guard let record = try await lookup(path, root: descriptors.root, caseSensitive: false) else {
                    throw BootFailure(description: "mboot: Error loading \(path): Not found (listed in \(configPath))")
                }
                try await media.stream(at: Int64(record.extent) * Int64(Self.sectorSize), count: Int64(record.dataLength))
                modulesRead += 1
            }
        }

        guard let ksRecord = try await lookup(ksPath, root: descriptors.root, caseSensitive: true) else {
            throw BootFailure(description: "weasel: cannot find kickstart file \(ksPath) on any CD-ROM (ks=cdrom: paths " +
                "are case-sensitive and must be upper case, e.g. ks=cdrom:/KS.CFG)")
        }
        let kickstart = String(decoding: try await contents(of: ksRecord), as: UTF8.self)
        return Outcome(bootConfigPath: configPath, kernelopt: kernelopt, kickstartPath: ksPath,
                       kickstart: kickstart, modulesRead: modulesRead, build: config.build)
    }

    // MARK: Volume descriptors

    struct VolumeDescriptors {
        let root: DirectoryRecord
        let bootCatalogSector: UInt32?
    }

    /// Sectors 16… until the terminator (type 255). Offsets: type at 0, "CD001" at 1…5; PVD root directory record
    /// at 156 (34 bytes); El Torito boot record: system id "EL TORITO SPECIFICATION" at 7, catalog LBA (LE32) at 71.
    private func readVolumeDescriptors() async throws -> VolumeDescriptors {
        var root: DirectoryRecord?
        var catalog: UInt32?
        for index in 16..<(16 + 64) {
            let offset = Int64(index) * Int64(Self.sectorSize)
            guard offset + Int64(Self.sectorSize) <= media.byteCount else { break }
            let sector = try await media.read(at: offset, count: Self.sectorSize)
            guard Array(sector[1...5]) == Array("CD001".utf8) else {
                throw BootFailure(description: "No bootable device: sector \(index) is not an ISO 9660 volume descriptor")
            }
            switch sector[0] {
            case 255:
                guard let root else { throw BootFailure(description: "No bootable device: the CD has no primary volume descriptor") }
                return VolumeDescriptors(root: root, bootCatalogSector: catalog)
            case 1:
                // The ESX UEFI driver keeps the last PVD it sees before the terminator.
                root = DirectoryRecord(bytes: sector, at: 156)
            case 0:
                let system = String(decoding: sector[7..<39], as: UTF8.self).trimmingCharacters(in: ["\0", " "])
                if system == "EL TORITO SPECIFICATION" { catalog = le32(sector, 71) }
            default:
                continue
            }
        }
        throw BootFailure(description: "No bootable device: no volume descriptor set terminator in sectors 16-79")
    }

    // MARK: Boot catalog

    struct BootEntry {
        let sectorCount: UInt16
        let loadRBA: UInt32
    }

    /// Validation entry (0x01, key 55 AA at 30, word checksum 0), default entry at 32, then section headers
    /// (0x90 more follow / 0x91 last; platform at 1, entry count LE16 at 2) each followed by their entries.
    /// Entry: indicator 0x88 = bootable at 0, sector count LE16 at 6, load RBA LE32 at 8.
    private func bootEntry(catalogSector: UInt32, firmware: Firmware) async throws -> BootEntry {
        let catalog = try await media.read(at: Int64(catalogSector) * Int64(Self.sectorSize), count: Self.sectorSize)
        guard catalog[0] == 0x01, catalog[30] == 0x55, catalog[31] == 0xAA else {
            throw BootFailure(description: "No bootable device: boot catalog at sector \(catalogSector) has no valid validation entry")
        }
        var sum: UInt16 = 0
        for word in stride(from: 0, to: 32, by: 2) { sum &+= UInt16(catalog[word]) | UInt16(catalog[word + 1]) << 8 }
        guard sum == 0 else {
            throw BootFailure(description: "No bootable device: boot catalog validation entry checksum is wrong")
        }
        func entry(at offset: Int) -> BootEntry? {
            guard catalog[offset] == 0x88 else { return nil }
            return BootEntry(sectorCount: UInt16(catalog[offset + 6]) | UInt16(catalog[offset + 7]) << 8,
                             loadRBA: le32(catalog, offset + 8))
        }
        switch firmware {
        case .bios:
            guard catalog[1] == 0x00, let entry = entry(at: 32) else {
                throw BootFailure(description: "No bootable device: the CD has no bootable BIOS (x86) default entry")
            }
            return entry
        case .uefi:
            if catalog[1] == 0xEF, let entry = entry(at: 32) { return entry }
            var offset = 64
            while offset + 32 <= catalog.count, catalog[offset] == 0x90 || catalog[offset] == 0x91 {
                let platform = catalog[offset + 1]
                let count = Int(UInt16(catalog[offset + 2]) | UInt16(catalog[offset + 3]) << 8)
                let isLast = catalog[offset] == 0x91
                offset += 32
                for _ in 0..<count where offset + 32 <= catalog.count {
                    if platform == 0xEF, let entry = entry(at: offset) { return entry }
                    offset += 32
                    while offset + 32 <= catalog.count, catalog[offset] == 0x44 { offset += 32 } // extension entries
                }
                if isLast { break }
            }
            throw BootFailure(description: "No bootable device: the CD has no UEFI (platform 0xEF) boot entry; " +
                "the server boots UEFI")
        }
    }

    // MARK: Directories

    struct DirectoryRecord {
        let extent: UInt32
        let dataLength: UInt32
        let isDirectory: Bool
        let name: String

        /// Offsets: length at 0, extent LE32 at 2, data length LE32 at 10, flags at 25 (bit 1 = directory),
        /// name length at 32, name at 33.
        init(bytes: [UInt8], at offset: Int) {
            extent = le32(bytes, offset + 2)
            dataLength = le32(bytes, offset + 10)
            isDirectory = bytes[offset + 25] & 0x02 != 0
            let nameLength = Int(bytes[offset + 32])
            name = String(decoding: bytes[(offset + 33)..<(offset + 33 + nameLength)], as: UTF8.self)
        }
    }

    /// Walks `path` from the root. Names compare without `;version` and a trailing `.`; case-insensitively
    /// unless `caseSensitive` (the installer's `ks=cdrom:` lookup).
    private func lookup(_ path: String, root: DirectoryRecord, caseSensitive: Bool) async throws -> DirectoryRecord? {
        var current = root
        let components = path.split(separator: "/").map(String.init)
        for (index, component) in components.enumerated() {
            guard current.isDirectory else { return nil }
            guard let found = try await find(component, in: current, caseSensitive: caseSensitive) else { return nil }
            if index < components.count - 1 && !found.isDirectory { return nil }
            current = found
        }
        return current
    }

    private func find(_ name: String, in directory: DirectoryRecord, caseSensitive: Bool) async throws -> DirectoryRecord? {
        let length = Int(min(directory.dataLength, 4 << 20))
        let bytes = try await media.read(at: Int64(directory.extent) * Int64(Self.sectorSize), count: length)
        let wanted = caseSensitive ? name : name.uppercased()
        var offset = 0
        while offset < bytes.count {
            let recordLength = Int(bytes[offset])
            if recordLength == 0 {
                // Records never straddle sectors: a zero length means "continue at the next sector".
                offset = (offset / Self.sectorSize + 1) * Self.sectorSize
                continue
            }
            guard recordLength >= 34, offset + recordLength <= bytes.count,
                  33 + Int(bytes[offset + 32]) <= recordLength else {
                throw BootFailure(description: "CD-ROM read error: malformed directory record at byte \(offset) of sector \(directory.extent)")
            }
            let record = DirectoryRecord(bytes: bytes, at: offset)
            offset += recordLength
            if record.name == "\0" || record.name == "\u{1}" { continue }
            var candidate = record.name
            if let semicolon = candidate.firstIndex(of: ";") { candidate = String(candidate[..<semicolon]) }
            if candidate.hasSuffix(".") { candidate.removeLast() }
            if (caseSensitive ? candidate : candidate.uppercased()) == wanted { return record }
        }
        return nil
    }

    private func contents(of record: DirectoryRecord) async throws -> [UInt8] {
        guard record.dataLength > 0 else { return [] }
        // Config files and kickstarts are small; a huge "BOOT.CFG" is a broken image, not something to buffer.
        guard record.dataLength <= 1 << 20 else {
            throw BootFailure(description: "\(record.name) is \(record.dataLength) bytes, too large for a configuration file")
        }
        return try await media.read(at: Int64(record.extent) * Int64(Self.sectorSize), count: Int(record.dataLength))
    }
}

private func le32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
}

/// The mboot `boot.cfg` keys the simulator needs (vmware/esx-boot mboot/config.c): `kernel`, `kernelopt`,
/// `modules` (`---`-separated), `prefix` (default: the config's directory; absolute `/x` paths ignore it).
/// Only the first `kernelopt=` counts; unknown keys (`bootstate`, `build`, `updated`) are tolerated as mboot does.
struct MbootConfig {
    let kernel: String?
    let kernelopt: String?
    let modules: [String]
    let prefix: String?
    let directory: String
    /// `build=`, which mboot ignores and the installed system reports as its release.
    let build: String?

    init(text: String, directory: String) {
        var values: [String: String] = [:]
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingCharacters(in: [" ", "\t"])
            if line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: [" ", "\t"]).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: [" ", "\t"])
            if values[key] == nil { values[key] = value }
        }
        kernel = values["kernel"]
        kernelopt = values["kernelopt"]
        build = values["build"].flatMap { $0.isEmpty ? nil : $0 }
        modules = (values["modules"] ?? "").components(separatedBy: "---")
            .map { $0.trimmingCharacters(in: [" ", "\t"]) }
            .filter { !$0.isEmpty }
            // A module entry may carry options after the path ("/k.b00 someOption").
            .map { String($0.split(separator: " ").first ?? "") }
        let prefixValue = values["prefix"]
        prefix = (prefixValue?.isEmpty ?? true) ? nil : prefixValue
        self.directory = directory
    }

    /// Absolute paths stand alone; relative ones live under `prefix`, else the config's own directory.
    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let base = prefix ?? directory
        return (base.hasSuffix("/") ? base : base + "/") + path
    }
}
