/// The El Torito boot catalog (El Torito 1.0 §2): a list of 32-byte entries in the block the boot record
/// points to.
///
/// | catalog offset | length | entry |
/// |---|---|---|
/// | 0 | 32 | `ValidationEntry` (header ID 1, platform, checksum, 55 AA) |
/// | 32 | 32 | `InitialEntry` (the default image) |
/// | 64 | 32 each | optional sections: a `SectionHeaderEntry` (0x90, or 0x91 for the last), then its `SectionEntry`s, each followed by any extension entries (0x44) |
///
/// The catalog ends after the entries of the final section header, or at the first entry that is neither
/// a section header nor inside a section.
public struct BootCatalog: Hashable, Sendable {
    public struct Section: Hashable, Sendable {
        public let header: SectionHeaderEntry
        public let entries: [SectionEntry]
        /// Extension entries (0x44) skipped after the entries, kept so the catalog round-trips.
        public let extensionEntries: [[UInt8]]

        public init(header: SectionHeaderEntry, entries: [SectionEntry], extensionEntries: [[UInt8]] = []) {
            self.header = header
            self.entries = entries
            self.extensionEntries = extensionEntries
        }
    }

    /// The most entries this reader walks: 64 sectors of 64 entries, far beyond any real catalog.
    public static let maximumEntries = 4096

    public let validationEntry: ValidationEntry
    public let initialEntry: InitialEntry
    public let sections: [Section]
    /// Each entry of `sections` in catalog order with its byte offset in the catalog (what an editor patches).
    public let sectionEntryOffsets: [Int]

    public init(validationEntry: ValidationEntry, initialEntry: InitialEntry, sections: [Section] = []) {
        self.validationEntry = validationEntry
        self.initialEntry = initialEntry
        self.sections = sections
        var offsets: [Int] = []
        var offset = 64
        for section in sections {
            offset += 32
            for _ in section.entries { offsets.append(offset); offset += 32 }
            offset += 32 * section.extensionEntries.count
        }
        self.sectionEntryOffsets = offsets
    }

    /// Parses the catalog at the start of `bytes` (one or more blocks read from `sector`).
    public init(bytes: [UInt8], sector: Int64) throws {
        self.validationEntry = try ValidationEntry(bytes: bytes, sector: sector)
        self.initialEntry = try InitialEntry(bytes: bytes, offset: 32, sector: sector)
        var sections: [Section] = []
        var offsets: [Int] = []
        var offset = 64
        var sawFinal = false
        while !sawFinal, offset + 32 <= bytes.count,
              bytes[offset] == SectionHeaderEntry.moreHeadersFollow || bytes[offset] == SectionHeaderEntry.finalHeader {
            let header = try SectionHeaderEntry(bytes: bytes, offset: offset, sector: sector)
            sawFinal = header.isFinal
            offset += 32
            var entries: [SectionEntry] = []
            var extensions: [[UInt8]] = []
            for _ in 0..<header.entryCount {
                guard offset / 32 < Self.maximumEntries else {
                    throw ISO9660Error.limitExceeded(structure: "BootCatalog", sector: sector,
                                                     what: "number of catalog entries", limit: Int64(Self.maximumEntries))
                }
                let entry = try SectionEntry(bytes: bytes, offset: offset, sector: sector)
                entries.append(entry)
                offsets.append(offset)
                offset += 32
                // Extension entries (El Torito §2.5): indicator 0x44, bit 5 of byte 1 = another follows.
                var more = entry.hasExtensions
                while more {
                    guard offset + 32 <= bytes.count, bytes[offset] == 0x44 else {
                        throw ISO9660Error.invalidField(structure: "BootCatalog", sector: sector,
                                                        field: "section entry extension at catalog offset \(offset)",
                                                        value: offset < bytes.count ? "0x" + String(bytes[offset], radix: 16) : "missing",
                                                        expected: "0x44 (the previous entry announced one)")
                    }
                    extensions.append(Array(bytes[offset..<(offset + 32)]))
                    more = bytes[offset + 1] & 0x20 != 0
                    offset += 32
                }
            }
            sections.append(Section(header: header, entries: entries, extensionEntries: extensions))
            if sections.count > Self.maximumEntries {
                throw ISO9660Error.limitExceeded(structure: "BootCatalog", sector: sector,
                                                 what: "number of section headers", limit: Int64(Self.maximumEntries))
            }
        }
        self.sections = sections
        self.sectionEntryOffsets = offsets
    }

    /// The serialised catalog, zero padded to whole blocks.
    public var bytes: [UInt8] {
        var b = validationEntry.bytes + initialEntry.bytes
        for section in sections {
            b += section.header.bytes
            var extensions = section.extensionEntries[...]
            for entry in section.entries {
                b += entry.bytes
                if entry.hasExtensions, let first = extensions.first {
                    b += first
                    extensions = extensions.dropFirst()
                }
            }
            for rest in extensions { b += rest }
        }
        let blocks = max(1, (b.count + 2047) / 2048)
        return b + [UInt8](repeating: 0, count: blocks * 2048 - b.count)
    }

    /// Every boot image the catalog names, default entry first, with the platform of its section.
    public var bootImages: [BootImageEntry] {
        var images = [BootImageEntry(platform: validationEntry.platform, isBootable: initialEntry.isBootable,
                                     mediaType: initialEntry.mediaType, loadSegment: initialEntry.loadSegment,
                                     sectorCount: initialEntry.sectorCount, loadRBA: initialEntry.loadRBA,
                                     catalogOffset: 32)]
        var index = 0
        for section in sections {
            for entry in section.entries {
                images.append(BootImageEntry(platform: section.header.platform, isBootable: entry.isBootable,
                                             mediaType: entry.mediaType, loadSegment: entry.loadSegment,
                                             sectorCount: entry.sectorCount, loadRBA: entry.loadRBA,
                                             catalogOffset: sectionEntryOffsets[index]))
                index += 1
            }
        }
        return images
    }
}

/// One boot image of a catalog, flattened: the default entry or a section entry with its section's platform.
public struct BootImageEntry: Hashable, Sendable {
    public let platform: BootPlatform
    public let isBootable: Bool
    public let mediaType: BootMediaType?
    public let loadSegment: UInt16
    /// 512-byte virtual sectors loaded by the firmware (0 for EFI images too large for 16 bits).
    public let sectorCount: UInt16
    public let loadRBA: LogicalBlockAddress
    /// Where the entry sits in the catalog (32 for the default entry).
    public let catalogOffset: Int
}
