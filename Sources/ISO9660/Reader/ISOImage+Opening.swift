/// The phases of `ISOImage.init(source:)`.
extension ISOImage {
    // MARK: - Phase: size

    /// An image must hold the system area and the primary volume descriptor (17 blocks).
    static func checkMinimumSize(_ source: any SectorSource) throws {
        let blockSize = Int64(LogicalBlockAddress.blockSize)
        guard source.byteCount >= 17 * blockSize else {
            throw ISO9660Error.notISO9660(detail: "the image has \(source.byteCount) bytes, fewer than the "
                                              + "\(17 * blockSize) needed for the system area and the primary volume descriptor")
        }
    }

    // MARK: - Phase: volume descriptor set

    /// The volume descriptor set (ECMA-119 §6.7.1): block 16 up to the terminator.
    struct DescriptorSet {
        var summaries: [DescriptorSummary] = []
        var primary: (descriptor: PrimaryVolumeDescriptor, sector: LogicalBlockAddress)
        var joliet: (descriptor: SupplementaryVolumeDescriptor, sector: LogicalBlockAddress)?
        var others: [SupplementaryVolumeDescriptor] = []
        var boot: (record: BootRecord, sector: LogicalBlockAddress)?
        /// The block after the terminator.
        var end: Int64
        var problems: [ISO9660Error] = []

        static func read(_ source: any SectorSource) throws -> DescriptorSet {
            var found = Found()
            var sector: Int64 = 16
            var terminated = false
            while !terminated {
                let (header, block) = try descriptor(at: sector, in: source, countSoFar: found.summaries.count)
                try found.add(header, block: block, sector: sector)
                terminated = header.type == .terminator
                sector += 1
            }
            guard let primary = found.primary else {
                throw ISO9660Error.notISO9660(detail: "the volume descriptor set has no primary volume descriptor")
            }
            return DescriptorSet(summaries: found.summaries, primary: primary, joliet: found.joliet, others: found.others,
                                 boot: found.boot, end: sector, problems: found.problems)
        }

        /// The header and block of the descriptor at `sector`, refusing a set without its terminator.
        static func descriptor(at sector: Int64, in source: any SectorSource,
                               countSoFar: Int) throws -> (VolumeDescriptorHeader, [UInt8]) {
            let blockSize = Int64(LogicalBlockAddress.blockSize)
            guard countSoFar < ISOImage.maximumVolumeDescriptors else {
                throw ISO9660Error.limitExceeded(structure: "VolumeDescriptorSetTerminator", sector: sector,
                                                 what: "number of volume descriptors before the terminator",
                                                 limit: Int64(ISOImage.maximumVolumeDescriptors))
            }
            guard (sector + 1) * blockSize <= source.byteCount else {
                throw ISO9660Error.truncated(structure: "VolumeDescriptorSetTerminator", sector: sector,
                                             neededBytes: (sector + 1) * blockSize, imageBytes: source.byteCount)
            }
            let block = try source.block(sector, for: "VolumeDescriptorHeader")
            guard let header = VolumeDescriptorHeader(bytes: block) else {
                if sector == 16 {
                    throw ISO9660Error.notISO9660(detail: "sector 16 does not start with a volume descriptor "
                                                      + "(byte 1–5 should be CD001)")
                }
                throw ISO9660Error.invalidField(structure: "VolumeDescriptorSetTerminator", sector: sector,
                                                field: "volume descriptor",
                                                value: "a block without the CD001 standard identifier",
                                                expected: "a volume descriptor, or the set terminator (type 255) before it")
            }
            return (header, block)
        }

        /// The descriptors found so far: the first primary, the first Joliet and the first El Torito boot
        /// record are the ones read; the others are listed.
        struct Found {
            var summaries: [DescriptorSummary] = []
            var primary: (descriptor: PrimaryVolumeDescriptor, sector: LogicalBlockAddress)?
            var joliet: (descriptor: SupplementaryVolumeDescriptor, sector: LogicalBlockAddress)?
            var others: [SupplementaryVolumeDescriptor] = []
            var boot: (record: BootRecord, sector: LogicalBlockAddress)?
            var problems: [ISO9660Error] = []

            mutating func add(_ header: VolumeDescriptorHeader, block: [UInt8], sector: Int64) throws {
                let lba = LogicalBlockAddress(UInt32(sector))
                let kind: String
                switch header.type {
                case .primary:
                    let pvd = try PrimaryVolumeDescriptor(bytes: block, sector: sector)
                    kind = "primary"
                    if primary == nil {
                        primary = (pvd, lba)
                    } else {
                        // Linux and pycdlib use the first, the ESX UEFI driver the last: two readers, two trees.
                        problems.append(.invalidField(structure: "PrimaryVolumeDescriptor", sector: sector,
                                                      field: "number of primary volume descriptors", value: "more than one",
                                                      expected: "one (the ESX UEFI driver uses the last, others the first)"))
                    }
                case .supplementary:
                    let svd = try SupplementaryVolumeDescriptor(bytes: block, sector: sector)
                    if let level = svd.jolietLevel {
                        kind = "Joliet level \(level.rawValue)"
                        if joliet == nil { joliet = (svd, lba) } else { others.append(svd) }
                    } else {
                        kind = svd.isEnhanced ? "enhanced (ISO 9660:1999)" : "supplementary"
                        others.append(svd)
                    }
                case .bootRecord:
                    let record = try BootRecord(bytes: block, sector: sector)
                    kind = record.isElTorito ? "boot record (El Torito)" : "boot record (\(record.bootSystemIdentifier))"
                    if boot == nil, record.isElTorito { boot = (record, lba) }
                case .volumePartition:
                    kind = "volume partition"
                case .terminator:
                    kind = "terminator"
                case .other(let value):
                    kind = "type \(value)"
                }
                summaries.append(DescriptorSummary(sector: lba, type: header.type, version: header.version, kind: kind))
            }
        }
    }

    // MARK: - Phase: directory trees

    /// The primary tree (and its Rock Ridge, declared by ER or used through RRIP entries in the root's
    /// `.` record) and the Joliet tree, with the problems their readers noted.
    static func readTrees(_ source: any SectorSource, set: DescriptorSet) throws
        -> (primary: ISODirectoryTree, rockRidge: RockRidge?, joliet: ISODirectoryTree?, problems: [ISO9660Error]) {
        var reader = DirectoryTreeReader(source: source, kind: .iso9660)
        let primary = try reader.read(rootRecord: set.primary.descriptor.rootDirectoryRecord,
                                      descriptorSector: Int64(set.primary.sector.rawValue))
        var problems = reader.problems
        var rockRidge: RockRidge?
        if let sp = reader.susp {
            let identifiers = primary.root.systemUseEntries.compactMap { entry -> String? in
                if case .extensionsReference(let er) = entry { return er.identifier }
                return nil
            }
            let hasRRIPEntries = primary.root.systemUseEntries.contains {
                ["PX", "RR", "TF", "NM"].contains($0.signature)
            }
            rockRidge = identifiers.isEmpty && !hasRRIPEntries
                ? nil : RockRidge(bytesSkipped: sp.bytesSkipped, extensionIdentifiers: identifiers)
        }
        var joliet: ISODirectoryTree?
        if let (svd, svdSector) = set.joliet {
            var jolietReader = DirectoryTreeReader(source: source, kind: .joliet)
            joliet = try jolietReader.read(rootRecord: svd.rootDirectoryRecord, descriptorSector: Int64(svdSector.rawValue))
            problems += jolietReader.problems
        }
        return (primary, rockRidge, joliet, problems)
    }

    // MARK: - Phase: path tables

    /// The L and M tables of each tree. Parse problems are reported by verify(), since no reader here needs them.
    static func readPathTables(_ source: any SectorSource, set: DescriptorSet) throws -> (tables: [PathTable], problems: [ISO9660Error]) {
        var tables: [PathTable] = []
        var problems: [ISO9660Error] = []
        var locations: [(ISONamespace, PathTableLocations)] = [(.iso9660, set.primary.descriptor.pathTables)]
        if let svd = set.joliet?.descriptor { locations.append((.joliet, svd.pathTables)) }
        for (tree, location) in locations {
            for (order, lba) in [(PathTableRecord.ByteOrder.typeL, location.typeL), (.typeM, location.typeM)] {
                do {
                    tables.append(try readPathTable(source: source, tree: tree, byteOrder: order, location: lba,
                                                    size: location.size))
                } catch let error as ISO9660Error {
                    problems.append(error)
                }
            }
        }
        return (tables, problems)
    }

    // MARK: - Phase: El Torito catalog

    /// The boot catalog the El Torito boot record names; a damaged one is a problem, not a failure.
    static func readBootCatalog(_ source: any SectorSource, bootRecord: BootRecord?) throws -> (catalog: BootCatalog?, problems: [ISO9660Error]) {
        guard let catalogLBA = bootRecord?.bootCatalog else { return (nil, []) }
        let blockSize = Int64(LogicalBlockAddress.blockSize)
        do {
            let start = catalogLBA.byteOffset
            guard start + blockSize <= source.byteCount else {
                throw ISO9660Error.extentOutsideImage(structure: "BootCatalog", sector: Int64(catalogLBA.rawValue),
                                                      extent: catalogLBA.rawValue, byteCount: blockSize,
                                                      imageBytes: source.byteCount)
            }
            // One block holds 64 entries, enough for every real catalog, and the blocks after it are
            // usually boot image data; read up to 4 only when the first block ends inside a section.
            let first = try source.read(at: start, count: Int(blockSize), for: "BootCatalog",
                                        sector: Int64(catalogLBA.rawValue))
            do {
                return (try BootCatalog(bytes: first, sector: Int64(catalogLBA.rawValue)), [])
            } catch ISO9660Error.truncated {
                let count = Int(min(4 * blockSize, source.byteCount - start))
                let bytes = try source.read(at: start, count: count, for: "BootCatalog", sector: Int64(catalogLBA.rawValue))
                return (try BootCatalog(bytes: bytes, sector: Int64(catalogLBA.rawValue)), [])
            }
        } catch let error as ISO9660Error {
            return (nil, [error])
        }
    }

    /// Each catalog entry with the file at its load RBA and, for a BIOS no-emulation image, the boot
    /// information table when it points at the image itself and the primary descriptor.
    static func bootImages(of catalog: BootCatalog, in tree: ISODirectoryTree, source: any SectorSource,
                           primaryVolumeDescriptor: LogicalBlockAddress) throws -> [BootImage] {
        var byExtent: [LogicalBlockAddress: ISOEntry] = [:]
        for entry in tree.entries where !entry.isDirectory && entry.size > 0 {
            if let first = entry.firstExtent, byExtent[first.location] == nil {
                byExtent[first.location] = entry
            }
        }
        return try catalog.bootImages.map { entry in
            let file = byExtent[entry.loadRBA]
            var table: BootInfoTable?
            if entry.platform == .x86, entry.mediaType == .noEmulation,
               entry.loadRBA.byteOffset + 64 <= source.byteCount {
                let head = try source.read(at: entry.loadRBA.byteOffset, count: 64, for: "BootInfoTable",
                                           sector: Int64(entry.loadRBA.rawValue))
                let candidate = try BootInfoTable(fileHead: head, sector: Int64(entry.loadRBA.rawValue))
                if candidate.primaryVolumeDescriptor == primaryVolumeDescriptor, candidate.bootFile == entry.loadRBA {
                    table = candidate
                }
            }
            return BootImage(entry: entry, file: file, path: file.map { tree.path(of: $0) }, bootInfoTable: table)
        }
    }

    // MARK: - Phase: directory index

    /// The primary tree's directories by extent (the first one at each), to follow Rock Ridge CL links.
    static func directoriesByExtent(_ tree: ISODirectoryTree) -> [UInt32: Int] {
        var directories: [UInt32: Int] = [:]
        for entry in tree.entries where entry.isDirectory {
            if let extent = entry.firstExtent?.location.rawValue, directories[extent] == nil { directories[extent] = entry.index }
        }
        return directories
    }
}
