extension ISOImage {
    /// Checks the image's internal consistency and returns every problem found (empty when it is sound):
    /// records crossing sectors, the L and M path tables against each other and against the directory
    /// tree, extents beyond the volume space size, overlapping extents, the boot catalog checksum and the
    /// boot information table of BIOS images. Throws only when reading fails.
    /// Departures from ECMA-119 that this reader reads past, as pycdlib and isoinfo do, and that `verify()`
    /// does not count as problems: for `inspect --verify` to mention. Today: a root directory record in a
    /// volume descriptor whose identifier byte is not 0x00 (§8.4.18 and §6.8.2.2 want 0x00).
    public var notes: [String] {
        var notes: [String] = []
        var roots = [("primary", primaryVolumeDescriptor.rootDirectoryRecord, primaryVolumeDescriptorSector)]
        if let joliet = jolietVolumeDescriptor, let sector = jolietVolumeDescriptorSector {
            roots.append(("Joliet", joliet.rootDirectoryRecord, sector))
        }
        for (name, record, sector) in roots where !record.isSelf {
            let byte = record.fileIdentifier.first ?? 0
            notes.append("the \(name) volume descriptor's root directory record (sector \(sector), byte 156) has identifier "
                         + "byte 0x\(String(byte, radix: 16, uppercase: true)) instead of 0x00 (ECMA-119 §8.4.18); read as the root, "
                         + "as pycdlib and isoinfo do")
        }
        return notes
    }

    public func verify() throws -> [ISO9660Error] {
        var problems = openProblems
        problems += verifyPathTables()
        problems += verifyExtentsInsideVolume()
        problems += verifyOverlaps()
        problems += try verifyBootCatalog()
        return problems
    }

    private func verifyPathTables() -> [ISO9660Error] {
        var problems: [ISO9660Error] = []
        for tree in [primaryTree] + (jolietTree.map { [$0] } ?? []) {
            let tables = pathTables.filter { $0.tree == tree.kind }
            let name = tree.kind == .joliet ? "Joliet" : "Primary"
            guard let l = tables.first(where: { $0.byteOrder == .typeL }),
                  let m = tables.first(where: { $0.byteOrder == .typeM }) else { continue }
            if l.records != m.records {
                let index = Array(zip(l.records, m.records)).firstIndex { $0.0 != $0.1 } ?? min(l.records.count, m.records.count)
                problems.append(.pathTableMismatch(tree: "\(name) Type M", sector: Int64(m.location.rawValue),
                                                   detail: "record \(index + 1) differs from the Type L table at sector \(l.location)"))
            }
            // Expected: every directory of the tree, by path, with its extent.
            var expected: [String: LogicalBlockAddress] = [:]
            for entry in tree.entries where entry.isDirectory {
                expected[identifierPath(tree: tree, entry: entry)] = entry.firstExtent?.location
            }
            var found: [String: LogicalBlockAddress] = [:]
            var paths: [String] = []
            for (number, record) in l.records.enumerated() {
                let identifier = number == 0 ? "" : decode(record.directoryIdentifier, joliet: tree.kind == .joliet)
                let parent = Int(record.parentDirectoryNumber)
                guard parent >= 1, parent <= number + (number == 0 ? 1 : 0), parent <= paths.count || number == 0 else {
                    problems.append(.pathTableMismatch(tree: "\(name) Type L", sector: Int64(l.location.rawValue),
                                                       detail: "record \(number + 1) names parent \(parent), "
                                                           + "which is not an earlier record"))
                    paths.append("?")
                    continue
                }
                let path = number == 0 ? "/" : (paths[parent - 1] == "/" ? "" : paths[parent - 1]) + "/" + identifier
                paths.append(path)
                found[path] = record.extent
            }
            for (path, extent) in expected.sorted(by: { $0.key < $1.key }) {
                if let recorded = found[path] {
                    if recorded != extent {
                        problems.append(.pathTableMismatch(tree: "\(name) Type L", sector: Int64(l.location.rawValue),
                                                           detail: "\(path) is at sector \(recorded) in the table "
                                                               + "but at \(extent) in the tree"))
                    }
                } else {
                    problems.append(.pathTableMismatch(tree: "\(name) Type L", sector: Int64(l.location.rawValue),
                                                       detail: "directory \(path) is missing from the table"))
                }
            }
            for path in found.keys.sorted() where expected[path] == nil {
                problems.append(.pathTableMismatch(tree: "\(name) Type L", sector: Int64(l.location.rawValue),
                                                   detail: "the table lists \(path), which is not in the tree"))
            }
        }
        return problems
    }

    /// A directory's path built from recorded identifiers, as a path table names it.
    private func identifierPath(tree: ISODirectoryTree, entry: ISOEntry) -> String {
        var parts: [String] = []
        var current = entry
        var hops = 0
        while current.index != 0, hops < tree.entries.count {
            parts.append(current.identifier)
            current = tree.entries[current.parent]
            hops += 1
        }
        return "/" + parts.reversed().joined(separator: "/")
    }

    private func decode(_ bytes: [UInt8], joliet: Bool) -> String {
        joliet ? ByteFields.decodeUCS2BigEndian(bytes[...]) : ByteFields.decodeFileName(bytes[...])
    }

    private func verifyExtentsInsideVolume() -> [ISO9660Error] {
        let limit = Int64(primaryVolumeDescriptor.volumeSpaceSize) * Int64(LogicalBlockAddress.blockSize)
        var problems: [ISO9660Error] = []
        for tree in [primaryTree] + (jolietTree.map { [$0] } ?? []) {
            for entry in tree.entries {
                for extent in entry.extents where extent.byteCount > 0 && extent.byteRange.upperBound > limit {
                    problems.append(.extentOutsideVolume(path: tree.path(of: entry), sector: Int64(extent.location.rawValue),
                                                         volumeSpaceSize: primaryVolumeDescriptor.volumeSpaceSize))
                }
            }
        }
        return problems
    }

    private func verifyOverlaps() -> [ISO9660Error] {
        struct Span { let start: Int64; let end: Int64; let label: String }
        var spans: [Span] = []
        var seen = Set<[Int64]>()
        func add(_ start: Int64, _ length: Int64, _ label: String) {
            guard length > 0 else { return }
            // Identical extents are aliases (a file in both the primary and Joliet trees, hard links,
            // the boot catalog and its file), not overlaps.
            let blocks = LogicalBlockAddress.blocks(for: length)
            guard seen.insert([start, blocks]).inserted else { return }
            spans.append(Span(start: start, end: start + blocks, label: label))
        }
        for tree in [primaryTree] + (jolietTree.map { [$0] } ?? []) {
            let prefix = tree.kind == .joliet ? "Joliet " : ""
            for entry in tree.entries {
                for extent in entry.extents {
                    add(Int64(extent.location.rawValue), Int64(extent.byteCount),
                        prefix + (entry.isDirectory ? "directory " : "file ") + tree.path(of: entry))
                }
            }
        }
        for table in pathTables {
            add(Int64(table.location.rawValue), Int64(table.size),
                "\(table.tree == .joliet ? "Joliet" : "primary") Type \(table.byteOrder.rawValue) path table")
        }
        if let catalogLBA = bootRecord?.bootCatalog {
            add(Int64(catalogLBA.rawValue), Int64(LogicalBlockAddress.blockSize), "boot catalog")
        }
        spans.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        var problems: [ISO9660Error] = []
        var furthest: Span?
        for span in spans {
            if let previous = furthest, span.start < previous.end {
                problems.append(.overlappingExtents(first: previous.label, second: span.label, sector: span.start))
            }
            if furthest == nil || span.end > furthest!.end { furthest = span }
        }
        return problems
    }

    private func verifyBootCatalog() throws -> [ISO9660Error] {
        guard let catalog = bootCatalog, let catalogLBA = bootRecord?.bootCatalog else { return [] }
        var problems: [ISO9660Error] = []
        let validation = catalog.validationEntry
        if !validation.checksumIsValid {
            problems.append(.checksumMismatch(structure: "ValidationEntry", sector: Int64(catalogLBA.rawValue),
                                              stored: UInt32(validation.checksum),
                                              computed: UInt32(validation.expectedChecksum)))
        }
        let volumeBytes = volumeByteCount
        for image in bootImages {
            let sector = Int64(image.entry.loadRBA.rawValue)
            if image.entry.isBootable, image.entry.loadRBA.byteOffset >= volumeBytes {
                problems.append(.extentOutsideVolume(path: "El Torito \(image.entry.platform) image", sector: sector,
                                                     volumeSpaceSize: primaryVolumeDescriptor.volumeSpaceSize))
            }
            guard let table = image.bootInfoTable else { continue }
            if let file = image.file, Int64(table.bootFileLength) != file.size {
                problems.append(.invalidField(structure: "BootInfoTable", sector: sector, field: "bi_length",
                                              value: "\(table.bootFileLength)", expected: "\(file.size), the size of \(image.path ?? "the boot file")"))
            }
            let length = Int64(table.bootFileLength)
            guard length <= Self.maximumReadBytes, image.entry.loadRBA.byteOffset + length <= source.byteCount else {
                problems.append(.extentOutsideImage(structure: "BootInfoTable", sector: sector,
                                                    extent: image.entry.loadRBA.rawValue, byteCount: length,
                                                    imageBytes: source.byteCount))
                continue
            }
            var checksum = BootInfoTable.Checksum()
            var position: Int64 = 0
            while position < length {
                let count = Int(min(1 << 20, length - position))
                checksum.add(try source.read(at: image.entry.loadRBA.byteOffset + position, count: count,
                                             for: "BootInfoTable", sector: sector))
                position += Int64(count)
            }
            if checksum.finalValue != table.checksum {
                problems.append(.checksumMismatch(structure: "BootInfoTable", sector: sector, stored: table.checksum,
                                                  computed: checksum.finalValue))
            }
        }
        return problems
    }
}
