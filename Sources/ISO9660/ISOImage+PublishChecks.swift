/// The checks an image must pass before it is edited and published to a BMC: the ones whose failure makes
/// firmware refuse to boot it, and the ones whose values the editor does arithmetic with. `verify()` reports
/// the same facts among everything else; `ImageEdit` refuses to plan an image that fails any of these, so
/// `remaster`, `serve` and `install` never hand a BMC an image its firmware would reject, and never trap on
/// a crafted field (every value read from the image is checked here before the planner adds to it).
extension ISOImage {
    /// Throws the first problem that makes the image unfit to edit or publish: a volume space size past the
    /// file, or a boot catalog firmware rejects. `ImageEdit` runs it before planning; callers that make many
    /// images from one source (ESXiRemaster) run it once up front.
    public func checkEditable() throws {
        if let problem = volumeSpaceSizeProblem { throw problem }
        if let problem = bootCriticalProblems().first { throw problem }
    }

    /// Blocks of the source file (a partial last block counts).
    var fileBlockCount: Int64 { LogicalBlockAddress.blocks(for: source.byteCount) }

    /// The primary volume descriptor's volume space size (ECMA-119 §8.4.8, bytes 80–87) larger than the file:
    /// the image is truncated, or the field was altered. An editor appending after it would lay out sectors
    /// the file does not have (and a value near 2³² leaves no room to append at all).
    public var volumeSpaceSizeProblem: ISO9660Error? {
        let declared = Int64(primaryVolumeDescriptor.volumeSpaceSize)
        guard declared > fileBlockCount else { return nil }
        return .invalidField(structure: "PrimaryVolumeDescriptor", sector: Int64(primaryVolumeDescriptorSector.rawValue),
                             field: "volume space size (bytes 80–87)", value: "\(declared) blocks",
                             expected: "at most \(fileBlockCount), the blocks the \(source.byteCount)-byte file holds")
    }

    /// What makes firmware refuse the El Torito boot catalog (El Torito 1.0 §2; EDK2's
    /// `ElToritoCheckBootCatalog` checks the header ID, the 0x55 0xAA key and the checksum before it reads an
    /// entry), or points a bootable entry or the catalog itself outside the image. Empty for images without
    /// a boot record.
    public func bootCriticalProblems() -> [ISO9660Error] {
        guard let record = bootRecord, let pointer = record.bootCatalog else { return [] }
        let recordSector = Int64(bootRecordSector?.rawValue ?? 17)
        let blocks = fileBlockCount
        guard Int64(pointer.rawValue) < blocks else {
            return [.invalidField(structure: "BootRecord", sector: recordSector,
                                  field: "boot catalog pointer (bytes 71–74)", value: "block \(pointer.rawValue)",
                                  expected: "a block inside the image (below \(blocks))")]
        }
        let catalogSector = Int64(pointer.rawValue)
        guard let catalog = bootCatalog else {
            // The reader kept why the catalog could not be parsed (bad header ID or key, truncated entries).
            let reason = openProblems.first { Self.catalogStructures.contains($0.structure) }
            return [reason ?? .invalidField(structure: "BootCatalog", sector: catalogSector, field: "catalog",
                                            value: "unreadable", expected: "an El Torito validation entry")]
        }
        var problems: [ISO9660Error] = []
        let validation = catalog.validationEntry
        if !validation.checksumIsValid {
            problems.append(.checksumMismatch(structure: "ValidationEntry", sector: catalogSector,
                                              stored: UInt32(validation.checksum),
                                              computed: UInt32(validation.expectedChecksum)))
        }
        for entry in catalog.bootImages where entry.isBootable {
            let start = Int64(entry.loadRBA.rawValue)
            let count = max(1, LogicalBlockAddress.blocks(for: Int64(entry.sectorCount) * 512))
            guard start + count > blocks else { continue }
            problems.append(.invalidField(structure: entry.catalogOffset == 32 ? "InitialEntry" : "SectionEntry",
                                          sector: catalogSector,
                                          field: "load RBA (catalog offset \(entry.catalogOffset + 8)) of the \(entry.platform) boot image",
                                          value: "block \(start), \(entry.sectorCount) virtual sectors",
                                          expected: "an image inside the \(blocks) blocks of the file"))
        }
        return problems
    }

    private static let catalogStructures: Set<String> = [
        "BootCatalog", "ValidationEntry", "InitialEntry", "SectionHeaderEntry", "SectionEntry",
    ]
}
