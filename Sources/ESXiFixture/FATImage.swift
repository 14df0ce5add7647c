import ESXi
import Primitives

/// A FAT12 or FAT16 file system image (Microsoft "FAT: General Overview of On-Disk Format" 1.03), as El
/// Torito EFI boot images are: firmware finds `\EFI\BOOT\BOOTX64.EFI` in it (UEFI 2.x §13.3.1.3). ESXi's
/// `EFIBOOT.IMG` is such an image.
///
/// The writer lays out, in 512-byte sectors:
///
/// | sector | what |
/// |---|---|
/// | 0 | boot sector: jump, OEM name, BPB (offsets 11–35), extended BPB (36–61), halt loop, `55 AA` at 510 |
/// | 1 … F | FAT #1 (F = FAT size in sectors) |
/// | F+1 … 2F | FAT #2, an identical copy |
/// | 2F+1 … | fixed root directory: `rootEntryCount` 32-byte entries |
/// | … | data region: cluster 2 onwards; each directory and file in one contiguous run of clusters |
///
/// Boot sector fields written: `jmpBoot` EB 3C 90, `OEMName` "VMEDIA  ", `BytsPerSec` 512, `SecPerClus`,
/// `RsvdSecCnt` 1, `NumFATs` 2, `RootEntCnt`, `TotSec16`/`TotSec32`, `Media` F8, `FATSz16`, `SecPerTrk` 32,
/// `NumHeads` 2, `HiddSec` 0, `DrvNum` 80, `BootSig` 29, `VolID`, `VolLab`, `FilSysType` "FAT12   "/"FAT16   ".
///
/// The FAT type follows from the cluster count alone, as the specification demands (fewer than 4,085
/// clusters is FAT12, fewer than 65,525 FAT16), so the writer picks the geometry first and the type
/// follows; it never writes a "FAT16" label on a volume every driver would read as FAT12.
///
/// Names are 8.3 short names only (no long-name entries): what EFI boot images need (`EFI`, `BOOT`,
/// `BOOTX64.EFI`), upper case, since short names are stored upper case and matched without case.
/// Everything is deterministic: dates come from `Options.timestamp` and the volume id from the content.
public struct FATImage: Sendable {
    public struct Options: Sendable {
        /// Up to 11 characters, stored upper case in the boot sector and as the root's label entry.
        public var volumeLabel: String
        /// Seconds since 1970 (UTC) for every directory entry's dates; FAT cannot store dates before 1980.
        public var timestamp: Int64
        /// The image is at least this large (ESXi's EFIBOOT.IMG is a 2.88 MB floppy-sized image).
        public var minimumByteCount: Int

        public init(volumeLabel: String = "ESXI-EFI", timestamp: Int64 = 315_532_800, minimumByteCount: Int = 1_474_560) {
            self.volumeLabel = volumeLabel
            self.timestamp = timestamp
            self.minimumByteCount = minimumByteCount
        }
    }

    private struct Entry {
        let components: [String]
        let contents: [UInt8]?  // nil: directory
    }

    public let options: Options
    private var entries: [Entry] = []

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Adds a directory and its missing parents (`/EFI/BOOT`).
    public mutating func addDirectory(_ path: String) throws {
        let components = try Self.shortNames(path)
        for depth in 1...max(1, components.count) where !components.isEmpty {
            let prefix = Array(components.prefix(depth))
            if let existing = entries.first(where: { $0.components == prefix }) {
                guard existing.contents == nil else {
                    throw ESXiError.fatImage("/\(prefix.joined(separator: "/")) is a file, not a directory")
                }
            } else {
                entries.append(Entry(components: prefix, contents: nil))
            }
        }
    }

    /// Adds a file (`/EFI/BOOT/BOOTX64.EFI`); its parent directories are created as needed.
    public mutating func addFile(_ path: String, contents: [UInt8]) throws {
        let components = try Self.shortNames(path)
        guard !components.isEmpty else { throw ESXiError.fatImage("\"\(path)\" names the root, not a file") }
        if components.count > 1 { try addDirectory(components.dropLast().joined(separator: "/")) }
        guard !entries.contains(where: { $0.components == components }) else {
            throw ESXiError.fatImage("\(path) was added twice")
        }
        guard contents.count <= Int(UInt32.max) else { throw ESXiError.fatImage("\(path) is larger than FAT allows (4 GiB)") }
        entries.append(Entry(components: components, contents: contents))
    }

    // MARK: layout

    static let sectorSize = 512
    static let reservedSectors = 1
    static let fatCount = 2

    private struct Geometry {
        let totalSectors: Int
        let sectorsPerCluster: Int
        let rootEntryCount: Int
        let fatSectors: Int
        let clusterCount: Int
        var isFAT12: Bool { clusterCount < 4085 }
        var rootSectors: Int { rootEntryCount * 32 / FATImage.sectorSize }
        var firstDataSector: Int { FATImage.reservedSectors + FATImage.fatCount * fatSectors + rootSectors }
        var clusterBytes: Int { sectorsPerCluster * FATImage.sectorSize }
    }

    /// The image's bytes. EFI boot images are a few MiB, so building them in memory is fine.
    public func bytes() throws -> [UInt8] {
        let sorted = entries.sorted { $0.components.lexicographicallyPrecedes($1.components) }
        let rootChildren = sorted.filter { $0.components.count == 1 }.count + 1  // + volume label
        let geometry = try chooseGeometry(rootEntries: rootChildren)
        guard rootChildren <= geometry.rootEntryCount else {
            throw ESXiError.fatImage("\(rootChildren) root entries do not fit the \(geometry.rootEntryCount) a FAT12/16 root holds")
        }

        // Allocate clusters: directories (including their "." and ".." entries) and files, in path order.
        var firstCluster: [[String]: Int] = [:]
        var clusterCounts: [[String]: Int] = [:]
        var next = 2
        for entry in sorted {
            let byteCount = entry.contents?.count ?? (childCount(of: entry.components, in: sorted) + 2) * 32
            let clusters = entry.contents == nil ? max(1, (byteCount + geometry.clusterBytes - 1) / geometry.clusterBytes)
                : (byteCount + geometry.clusterBytes - 1) / geometry.clusterBytes
            firstCluster[entry.components] = clusters == 0 ? 0 : next
            clusterCounts[entry.components] = clusters
            next += clusters
        }
        guard next - 2 <= geometry.clusterCount else {
            throw ESXiError.fatImage("the files need \(next - 2) clusters, the image has \(geometry.clusterCount)")
        }

        var image = [UInt8](repeating: 0, count: geometry.totalSectors * Self.sectorSize)
        writeBootSector(into: &image, geometry: geometry)

        // FATs: entries 0 and 1 are reserved (media byte, end-of-chain); then one chain per run.
        var fat = [UInt32](repeating: 0, count: geometry.clusterCount + 2)
        let endOfChain: UInt32 = geometry.isFAT12 ? 0xFFF : 0xFFFF
        fat[0] = (geometry.isFAT12 ? 0xF00 : 0xFF00) | 0xF8
        fat[1] = endOfChain
        for entry in sorted {
            guard let first = firstCluster[entry.components], first != 0, let count = clusterCounts[entry.components] else { continue }
            for cluster in first..<first + count {
                fat[cluster] = cluster == first + count - 1 ? endOfChain : UInt32(cluster + 1)
            }
        }
        let fatBytes = Self.encode(fat: fat, fat12: geometry.isFAT12)
        for copy in 0..<Self.fatCount {
            let start = (Self.reservedSectors + copy * geometry.fatSectors) * Self.sectorSize
            image.replaceSubrange(start..<start + fatBytes.count, with: fatBytes)
        }

        // Directories: the fixed root, then each subdirectory's run; files' data in their runs.
        let (date, time) = Self.dosDateTime(options.timestamp)
        var root = [Self.directoryEntry(name: Self.label(options.volumeLabel), attributes: 0x08, cluster: 0, size: 0,
                                        date: date, time: time)]
        for child in sorted where child.components.count == 1 {
            root.append(directoryEntry(for: child, firstCluster: firstCluster, date: date, time: time))
        }
        let rootStart = (Self.reservedSectors + Self.fatCount * geometry.fatSectors) * Self.sectorSize
        let rootBytes = root.flatMap { $0 }
        image.replaceSubrange(rootStart..<rootStart + rootBytes.count, with: rootBytes)

        for entry in sorted {
            guard let first = firstCluster[entry.components], first != 0 else { continue }
            let offset = (geometry.firstDataSector + (first - 2) * geometry.sectorsPerCluster) * Self.sectorSize
            let data: [UInt8]
            if let contents = entry.contents {
                data = contents
            } else {
                let parent = entry.components.count == 1 ? 0 : firstCluster[Array(entry.components.dropLast())] ?? 0
                var records = [Self.directoryEntry(name: Array(".          ".utf8), attributes: 0x10, cluster: first, size: 0, date: date, time: time),
                               Self.directoryEntry(name: Array("..         ".utf8), attributes: 0x10, cluster: parent, size: 0, date: date, time: time)]
                for child in sorted where child.components.count == entry.components.count + 1
                    && Array(child.components.dropLast()) == entry.components {
                    records.append(directoryEntry(for: child, firstCluster: firstCluster, date: date, time: time))
                }
                data = records.flatMap { $0 }
            }
            image.replaceSubrange(offset..<offset + data.count, with: data)
        }
        return image
    }

    private func childCount(of components: [String], in sorted: [Entry]) -> Int {
        sorted.filter { $0.components.count == components.count + 1 && Array($0.components.dropLast()) == components }.count
    }

    private func directoryEntry(for entry: Entry, firstCluster: [[String]: Int], date: UInt16, time: UInt16) -> [UInt8] {
        Self.directoryEntry(name: Self.packedName(entry.components.last!), attributes: entry.contents == nil ? 0x10 : 0x20,
                            cluster: firstCluster[entry.components] ?? 0, size: UInt32(entry.contents?.count ?? 0),
                            date: date, time: time)
    }

    /// The smallest geometry at least `minimumByteCount` large that holds everything: one sector per
    /// cluster while the cluster count allows FAT12/16, growing the volume until the content fits.
    private func chooseGeometry(rootEntries: Int) throws -> Geometry {
        let contentBytes = entries.reduce(0) { $0 + ($1.contents?.count ?? 0) + 512 }
        var totalSectors = max(options.minimumByteCount, contentBytes + 64 * 1024) / Self.sectorSize
        while true {
            for sectorsPerCluster in [1, 2, 4, 8, 16, 32, 64] {
                let rootEntryCount = max(224, (rootEntries + 15) / 16 * 16)
                var fatSectors = 1
                var clusterCount = 0
                // Fixed point: the FAT must be large enough for the clusters that remain after it.
                for _ in 0..<8 {
                    let dataSectors = totalSectors - Self.reservedSectors - Self.fatCount * fatSectors - rootEntryCount * 32 / Self.sectorSize
                    clusterCount = max(0, dataSectors / sectorsPerCluster)
                    let bytesPerEntryTimes2 = clusterCount + 2 < 4085 ? 3 : 4
                    let fatBytes = ((clusterCount + 2) * bytesPerEntryTimes2 + 1) / 2
                    let needed = (fatBytes + Self.sectorSize - 1) / Self.sectorSize
                    if needed == fatSectors { break }
                    fatSectors = needed
                }
                // Stay clear of the type boundaries, where drivers' rounding differs.
                if clusterCount < 4085 - 16 || (clusterCount > 4085 + 16 && clusterCount < 65_525 - 16) {
                    let geometry = Geometry(totalSectors: totalSectors, sectorsPerCluster: sectorsPerCluster,
                                            rootEntryCount: rootEntryCount, fatSectors: fatSectors, clusterCount: clusterCount)
                    if fits(geometry) { return geometry }
                }
            }
            totalSectors += totalSectors / 4
            guard totalSectors <= 4_194_304 else {
                throw ESXiError.fatImage("\(contentBytes) bytes of files need more than a 2 GiB FAT16 volume")
            }
        }
    }

    private func fits(_ geometry: Geometry) -> Bool {
        let clusters = entries.reduce(0) { sum, entry in
            let bytes = entry.contents?.count ?? (childCount(of: entry.components, in: entries) + 2) * 32
            return sum + max(entry.contents == nil ? 1 : 0, (bytes + geometry.clusterBytes - 1) / geometry.clusterBytes)
        }
        return clusters <= geometry.clusterCount
    }

    private func writeBootSector(into image: inout [UInt8], geometry: Geometry) {
        func put16(_ offset: Int, _ value: Int) { image[offset] = UInt8(value & 0xFF); image[offset + 1] = UInt8(value >> 8 & 0xFF) }
        func put32(_ offset: Int, _ value: UInt32) { for i in 0..<4 { image[offset + i] = UInt8(value >> (8 * UInt32(i)) & 0xFF) } }
        image.replaceSubrange(0..<3, with: [0xEB, 0x3C, 0x90])
        image.replaceSubrange(3..<11, with: Array("VMEDIA  ".utf8))
        put16(11, Self.sectorSize)
        image[13] = UInt8(geometry.sectorsPerCluster)
        put16(14, Self.reservedSectors)
        image[16] = UInt8(Self.fatCount)
        put16(17, geometry.rootEntryCount)
        if geometry.totalSectors < 65_536 { put16(19, geometry.totalSectors) } else { put32(32, UInt32(geometry.totalSectors)) }
        image[21] = 0xF8
        put16(22, geometry.fatSectors)
        put16(24, 32)
        put16(26, 2)
        image[36] = 0x80
        image[38] = 0x29
        put32(39, volumeID())
        image.replaceSubrange(43..<54, with: Self.label(options.volumeLabel))
        image.replaceSubrange(54..<62, with: Array((geometry.isFAT12 ? "FAT12   " : "FAT16   ").utf8))
        // Not bootable from BIOS: the code at 0x3E halts (cli; hlt; jmp back to hlt).
        image.replaceSubrange(62..<66, with: [0xFA, 0xF4, 0xEB, 0xFD])
        image[510] = 0x55
        image[511] = 0xAA
    }

    /// A volume serial number derived from the content (FNV-1a), so equal inputs give equal images.
    private func volumeID() -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for entry in entries.sorted(by: { $0.components.lexicographicallyPrecedes($1.components) }) {
            for byte in entry.components.joined(separator: "/").utf8 + (entry.contents ?? []) {
                hash = (hash ^ UInt32(byte)) &* 0x0100_0193
            }
        }
        return hash
    }

    // MARK: encoding helpers

    static func encode(fat: [UInt32], fat12: Bool) -> [UInt8] {
        var out: [UInt8] = []
        if fat12 {
            // Two 12-bit entries share three bytes: low entry in the low 12 bits.
            var index = 0
            while index < fat.count {
                let a = fat[index], b = index + 1 < fat.count ? fat[index + 1] : 0
                out += [UInt8(a & 0xFF), UInt8((a >> 8 & 0x0F) | (b & 0x0F) << 4), UInt8(b >> 4 & 0xFF)]
                index += 2
            }
        } else {
            for value in fat { out += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
        }
        return out
    }

    static func directoryEntry(name: [UInt8], attributes: UInt8, cluster: Int, size: UInt32,
                               date: UInt16, time: UInt16) -> [UInt8] {
        var entry = [UInt8](repeating: 0, count: 32)
        entry.replaceSubrange(0..<11, with: name)
        entry[11] = attributes
        func put16(_ offset: Int, _ value: UInt16) { entry[offset] = UInt8(value & 0xFF); entry[offset + 1] = UInt8(value >> 8) }
        put16(14, time); put16(16, date); put16(18, date)  // creation time/date, last access date
        put16(22, time); put16(24, date)                    // write time/date
        put16(26, UInt16(cluster & 0xFFFF))
        for i in 0..<4 { entry[28 + i] = UInt8(size >> (8 * UInt32(i)) & 0xFF) }
        return entry
    }

    /// FAT's packed date (bits 15–9 years since 1980, 8–5 month, 4–0 day) and time (hours, minutes, seconds/2).
    static func dosDateTime(_ seconds: Int64) -> (date: UInt16, time: UInt16) {
        let clamped = max(seconds, 315_532_800)  // 1980-01-01, FAT's epoch
        let days = clamped / 86_400
        let secondOfDay = Int(clamped % 86_400)
        let civil = CivilDate(daysSince1970: days)
        let (month, day) = (civil.month, civil.day)
        let year = min(civil.year, 2107)
        let date = UInt16((year - 1980) << 9 | month << 5 | day)
        let time = UInt16(secondOfDay / 3600 << 11 | secondOfDay / 60 % 60 << 5 | secondOfDay % 60 / 2)
        return (date, time)
    }

    static func label(_ text: String) -> [UInt8] {
        let bytes = Array(text.uppercased().utf8.prefix(11))
        return bytes + [UInt8](repeating: 0x20, count: 11 - bytes.count)
    }

    /// `BOOTX64.EFI` → `BOOTX64 EFI` (8 + 3, space padded).
    static func packedName(_ name: String) -> [UInt8] {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        let base = Array(parts[0].utf8), ext = parts.count > 1 ? Array(parts[1].utf8) : []
        return base + [UInt8](repeating: 0x20, count: 8 - base.count) + ext + [UInt8](repeating: 0x20, count: 3 - ext.count)
    }

    /// Splits a path into upper-case 8.3 names, refusing what a short name cannot hold.
    static func shortNames(_ path: String) throws -> [String] {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'()-@^_`{}~".utf8)
        return try path.split(separator: "/").map { component in
            let name = component.uppercased()
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, let base = parts.first, !base.isEmpty, base.count <= 8,
                  parts.count == 1 || (1...3).contains(parts[1].count),
                  parts.allSatisfy({ $0.utf8.allSatisfy(allowed.contains) }) else {
                throw ESXiError.fatImage("\"\(component)\" in \(path) is not an 8.3 short name (up to 8 characters, "
                                         + "an optional extension of up to 3, letters, digits and _-~!#$%&'()@^`{})")
            }
            return name
        }
    }
}
