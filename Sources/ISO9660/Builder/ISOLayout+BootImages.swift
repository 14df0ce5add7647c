extension ISOLayout {
    /// Phase: the El Torito boot images chosen for the image, as node indices, checked against the tree.
    struct BootImages {
        struct BIOS {
            let node: Int
            let path: String
            let loadSectorCount: UInt16
            let bootInfoTable: Bool
        }

        let bios: BIOS?
        let efiNodes: [Int]

        /// Whether the image gets a boot record and a boot catalog.
        var hasElTorito: Bool { bios != nil || !efiNodes.isEmpty }

        static func choose(builder: ISOBuilder, sizes: [Int64]) throws -> BootImages {
            let nodes = builder.nodes
            func fileNode(_ path: String, role: String) throws -> Int {
                guard let index = builder.node(at: path), case .file = nodes[index].payload else {
                    throw ISO9660Error.invalidBuildInput(detail: "the \(role) \(path) was not added as a file",
                                                         fix: "call addFile(\"\(path)\", content:) before write(to:)")
                }
                return index
            }
            let bios = try builder.biosBoot.map {
                BIOS(node: try fileNode($0.path, role: "BIOS boot image"), path: $0.path,
                     loadSectorCount: $0.loadSectorCount, bootInfoTable: $0.bootInfoTable)
            }
            let efiNodes = try builder.efiBootPaths.map { try fileNode($0, role: "EFI boot image") }
            let chosen = BootImages(bios: bios, efiNodes: efiNodes)
            if builder.bootCatalogPath != nil, !chosen.hasElTorito {
                throw ISO9660Error.invalidBuildInput(detail: "a boot catalog was set but no boot image",
                                                     fix: "call setBIOSBootImage or addEFIBootImage, or drop setBootCatalog")
            }
            if let bios, bios.bootInfoTable, sizes[bios.node] < 64 {
                throw ISO9660Error.invalidBuildInput(detail: "the BIOS boot image \(bios.path) has \(sizes[bios.node]) bytes, "
                                                         + "too small for a boot information table (64 bytes)",
                                                     fix: "use a real boot loader such as isolinux.bin, or pass bootInfoTable: false")
            }
            return chosen
        }
    }

    // MARK: - Phase: boot information table

    /// The BIOS image's boot information table, computed from its content and put on its write.
    static func addBootInfoTable(to writes: [FileWrite], boot: BootImages, sizes: [Int64],
                                 allocation: Allocation) throws -> [FileWrite] {
        guard let bios = boot.bios, bios.bootInfoTable else { return writes }
        let extent = allocation.extents[bios.node]
        let byteCount = sizes[bios.node]
        guard let index = writes.firstIndex(where: { $0.extent == extent && $0.byteCount == byteCount }) else { return writes }
        var checksum = BootInfoTable.Checksum()
        try ContentStream.forEachChunk(of: writes[index].content, byteCount: byteCount) { checksum.add($0) }
        let table = BootInfoTable(primaryVolumeDescriptor: allocation.primaryVolumeDescriptor, bootFile: extent,
                                  bootFileLength: UInt32(byteCount), checksum: checksum.finalValue)
        var result = writes
        result[index] = FileWrite(extent: extent, byteCount: byteCount, content: writes[index].content, bootInfoTable: table)
        return result
    }

    // MARK: - Phase: El Torito catalog

    /// EDK2 reads "count < 2" as "to the end of the volume"; libisofs writes 0 above 65535.
    static func efiSectorCount(byteCount: Int64) -> UInt16 {
        let count = (byteCount + 511) / 512
        return count > 65535 ? 0 : UInt16(count)
    }

    /// The boot catalog: the BIOS image as the initial entry (platform x86) with every EFI image in one
    /// final 0xEF section, or, without a BIOS image, the first EFI image as the initial entry (platform EFI)
    /// and the others in the section.
    static func bootCatalog(bios: (sectorCount: UInt16, extent: LogicalBlockAddress)?,
                            efi: [(byteCount: Int64, extent: LogicalBlockAddress)]) throws -> BootCatalog {
        var sectionEntries = efi.map { SectionEntry(sectorCount: efiSectorCount(byteCount: $0.byteCount), loadRBA: $0.extent) }
        let initial: InitialEntry
        let platform: BootPlatform
        if let bios {
            initial = InitialEntry(sectorCount: bios.sectorCount, loadRBA: bios.extent)
            platform = .x86
        } else {
            initial = InitialEntry(sectorCount: efiSectorCount(byteCount: efi[0].byteCount), loadRBA: efi[0].extent)
            sectionEntries.removeFirst()
            platform = .efi
        }
        let sections = sectionEntries.isEmpty ? [] : [BootCatalog.Section(
            header: SectionHeaderEntry(isFinal: true, platform: .efi, entryCount: UInt16(sectionEntries.count)),
            entries: sectionEntries)]
        guard 2 + sections.count + sectionEntries.count <= 64 else {
            throw ISO9660Error.invalidBuildInput(detail: "\(efi.count) EFI boot images do not fit a one-block catalog",
                                                 fix: "use at most 61 EFI boot images")
        }
        return BootCatalog(validationEntry: ValidationEntry(platform: platform), initialEntry: initial, sections: sections)
    }

    /// The boot record and the catalog blocks, when the image boots.
    static func elToritoBlocks(boot: BootImages, sizes: [Int64],
                               allocation: Allocation) throws -> [(LogicalBlockAddress, [UInt8])] {
        guard let bootRecord = allocation.bootRecord, let catalogBlock = allocation.bootCatalog else { return [] }
        let catalog = try bootCatalog(
            bios: boot.bios.map { ($0.loadSectorCount, allocation.extents[$0.node]) },
            efi: boot.efiNodes.map { (sizes[$0], allocation.extents[$0]) })
        return [(bootRecord, BootRecord(bootCatalog: catalogBlock).bytes), (catalogBlock, catalog.bytes)]
    }
}
