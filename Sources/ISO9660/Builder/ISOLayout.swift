#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything `ISOBuilder` decides before writing: identifiers, record order, block addresses, and the
/// bytes of every metadata block. File data is described (source, block, size), not loaded.
struct ISOLayout {
    /// One file extent to stream into the image.
    struct FileWrite {
        let extent: LogicalBlockAddress
        let byteCount: Int64
        let content: ISOBuilder.Content
        /// For the BIOS image with `-boot-info-table` semantics: the 56 bytes to put at file offset 8.
        let bootInfoTable: BootInfoTable?
    }

    /// One directory of one tree, as planned.
    struct Directory {
        let node: Int
        let parentDirectory: Int  // index into the tree's directory list
        let identifier: [UInt8]
        var extent: LogicalBlockAddress = 0
        var size: UInt32 = 0
        var records: [Record] = []
    }

    struct Record {
        enum Target { case itself, parent, node(Int) }
        let target: Target
        let identifier: [UInt8]
        let isDirectory: Bool
        var systemUse: [SystemUseEntry] = []
        var continuation: [SystemUseEntry] = []
        /// Where the continuation area went (block index among the CE blocks, offset).
        var continuationSlot: (block: Int, offset: Int)? = nil

        var continuationLength: Int { SystemUseEntry.bytes(continuation).count }
        var length: Int {
            let raw = DirectoryRecord.systemUseOffset(identifierLength: identifier.count)
                + SystemUseEntry.bytes(systemUse).count + (continuation.isEmpty ? 0 : ContinuationAreaEntry.entryLength)
            return raw + raw % 2
        }
    }

    /// The largest single extent (ECMA-119 data length is 32-bit; libisofs `ISO_EXTENT_SIZE`).
    static let maximumExtentBytes: Int64 = 0xFFFF_F800

    let metadata: [(LogicalBlockAddress, [UInt8])]
    let files: [FileWrite]
    let volumeSpaceSize: UInt32
    let report: ISOBuildReport

    init(builder: ISOBuilder) throws {
        let options = builder.options
        let nodes = builder.nodes
        let date = RecordingDateTime(options.timestamp)

        // Sizes of every file, and the boot images.
        var sizes = [Int64](repeating: 0, count: nodes.count)
        for (index, node) in nodes.enumerated() {
            switch node.payload {
            case .directory: continue
            case .bootCatalog: sizes[index] = Int64(LogicalBlockAddress.blockSize)
            case .file(let content): sizes[index] = try Self.size(of: content)
            }
            guard sizes[index] <= Self.maximumExtentBytes else {
                throw ISO9660Error.invalidBuildInput(
                    detail: "\(Self.path(nodes, index)) has \(sizes[index]) bytes, more than one extent holds",
                    fix: "split the file; files over 4 GiB need multi-extent records, which the ESX UEFI loader cannot read")
            }
        }
        func fileNode(_ path: String, role: String) throws -> Int {
            guard let index = builder.node(at: path), case .file = nodes[index].payload else {
                throw ISO9660Error.invalidBuildInput(detail: "the \(role) \(path) was not added as a file",
                                                     fix: "call addFile(\"\(path)\", content:) before write(to:)")
            }
            return index
        }
        let biosNode = try builder.biosBoot.map { try fileNode($0.path, role: "BIOS boot image") }
        let efiNodes = try builder.efiBootPaths.map { try fileNode($0, role: "EFI boot image") }
        let hasElTorito = biosNode != nil || !efiNodes.isEmpty
        if builder.bootCatalogPath != nil, !hasElTorito {
            throw ISO9660Error.invalidBuildInput(detail: "a boot catalog was set but no boot image",
                                                 fix: "call setBIOSBootImage or addEFIBootImage, or drop setBootCatalog")
        }
        if let biosNode, builder.biosBoot?.bootInfoTable == true, sizes[biosNode] < 64 {
            throw ISO9660Error.invalidBuildInput(detail: "the BIOS boot image \(builder.biosBoot!.path) has \(sizes[biosNode]) bytes, "
                                                     + "too small for a boot information table (64 bytes)",
                                                 fix: "use a real boot loader such as isolinux.bin, or pass bootInfoTable: false")
        }

        // Identifiers and order.
        var isoIdentifier = [[UInt8]](repeating: [], count: nodes.count)
        var jolietIdentifier = [[UInt8]](repeating: [], count: nodes.count)
        var isoChildren = [[Int]](repeating: [], count: nodes.count)
        var jolietChildren = [[Int]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() where node.isDirectory {
            var taken = Set<[UInt8]>()
            // Name collisions are resolved in byte order of the given names, so the result does not
            // depend on the order of addFile calls.
            for child in node.children.sorted(by: { Array(nodes[$0].name.utf8).lexicographicallyPrecedes(Array(nodes[$1].name.utf8)) }) {
                let identifier = try ISO9660Naming.level1Identifier(for: nodes[child].name,
                                                                    isDirectory: nodes[child].isDirectory, taken: taken)
                taken.insert(identifier)
                isoIdentifier[child] = identifier
                if options.joliet {
                    jolietIdentifier[child] = try ISO9660Naming.jolietIdentifier(for: nodes[child].name,
                                                                                path: Self.path(nodes, child))
                }
            }
            isoChildren[index] = node.children.sorted { ISO9660Naming.precedes(isoIdentifier[$0], isoIdentifier[$1]) }
            jolietChildren[index] = node.children.sorted {
                ISO9660Naming.jolietPrecedes(jolietIdentifier[$0], jolietIdentifier[$1])
            }
        }

        // Directories breadth first (path table order: level, parent number, identifier).
        func directories(children: [[Int]], identifiers: [[UInt8]]) throws -> [Directory] {
            var list = [Directory(node: 0, parentDirectory: 0, identifier: [0])]
            var depth = [1]
            var head = 0
            while head < list.count {
                for child in children[list[head].node] where nodes[child].isDirectory {
                    guard depth[head] < 8 else {
                        throw ISO9660Error.invalidBuildInput(detail: "\(Self.path(nodes, child)) is nested deeper than "
                                                                 + "the 8 directory levels ECMA-119 §6.8.2.1 allows",
                                                             fix: "flatten the tree")
                    }
                    list.append(Directory(node: child, parentDirectory: head, identifier: identifiers[child]))
                    depth.append(depth[head] + 1)
                }
                head += 1
            }
            guard list.count <= 65535 else {
                throw ISO9660Error.invalidBuildInput(detail: "\(list.count) directories; path tables number at most 65535",
                                                     fix: "use fewer directories")
            }
            return list
        }
        var primaryDirectories = try directories(children: isoChildren, identifiers: isoIdentifier)
        var jolietDirectories = options.joliet ? try directories(children: jolietChildren, identifiers: jolietIdentifier) : []

        // Records, with Rock Ridge System Use entries.
        func subdirectoryCount(_ node: Int) -> UInt32 {
            UInt32(nodes[node].children.filter { nodes[$0].isDirectory }.count)
        }
        func rockRidge(for node: Int, named: Bool) -> [SystemUseEntry] {
            let isDirectory = nodes[node].isDirectory
            let px = PosixAttributesEntry(
                mode: isDirectory ? PosixAttributesEntry.directoryType | 0o555 : PosixAttributesEntry.regularFileType | 0o444,
                links: isDirectory ? 2 + subdirectoryCount(node) : 1)
            let tf = TimestampsEntry(shortForm: [.modify: date, .access: date, .attributes: date])
            var entries: [SystemUseEntry] = [.rockRidgeFields(RockRidgeFieldsEntry(
                fields: named ? [.posixAttributes, .alternateName, .timestamps] : [.posixAttributes, .timestamps]))]
            if named {
                let name = Array(nodes[node].name.utf8)
                var chunks: [ArraySlice<UInt8>] = stride(from: 0, to: name.count, by: 250).map {
                    name[$0..<min($0 + 250, name.count)]
                }
                if chunks.isEmpty { chunks = [[]] }
                for (i, chunk) in chunks.enumerated() {
                    entries.append(.alternateName(AlternateNameEntry(flags: i < chunks.count - 1 ? [.continue] : [],
                                                                     nameBytes: Array(chunk))))
                }
            }
            entries += [.posixAttributes(px), .timestamps(tf)]
            return entries
        }
        func fit(_ record: inout Record, forced: [SystemUseEntry] = []) {
            let budget = DirectoryRecord.maximumLength - DirectoryRecord.systemUseOffset(identifierLength: record.identifier.count)
            let all = record.systemUse
            if forced.isEmpty, SystemUseEntry.bytes(all).count <= budget { return }
            var kept: [SystemUseEntry] = []
            var used = ContinuationAreaEntry.entryLength
            var rest = all[...]
            while let next = rest.first, used + next.bytes.count <= budget {
                kept.append(next)
                used += next.bytes.count
                rest = rest.dropFirst()
            }
            record.systemUse = kept
            record.continuation = Array(rest) + forced
        }
        func plan(_ dirs: inout [Directory], children: [[Int]], identifiers: [[UInt8]], withRockRidge: Bool) {
            for index in dirs.indices {
                let node = dirs[index].node
                let parentNode = dirs[dirs[index].parentDirectory].node
                var records: [Record] = []
                var dot = Record(target: .itself, identifier: [0], isDirectory: true)
                var dotdot = Record(target: .parent, identifier: [1], isDirectory: true)
                if withRockRidge {
                    if node == 0 {
                        dot.systemUse = [.sharingProtocol(SharingProtocolEntry())] + rockRidge(for: node, named: false)
                        fit(&dot, forced: [.extensionsReference(.rockRidge109)])
                    } else {
                        dot.systemUse = rockRidge(for: node, named: false)
                    }
                    dotdot.systemUse = rockRidge(for: parentNode, named: false)
                }
                records += [dot, dotdot]
                for child in children[node] {
                    var record = Record(target: .node(child), identifier: identifiers[child],
                                        isDirectory: nodes[child].isDirectory)
                    if withRockRidge {
                        record.systemUse = rockRidge(for: child, named: true)
                        fit(&record)
                    }
                    records.append(record)
                }
                dirs[index].records = records
                var offset = 0
                for record in records {
                    let blockEnd = (offset / LogicalBlockAddress.blockSize + 1) * LogicalBlockAddress.blockSize
                    if offset + record.length > blockEnd { offset = blockEnd }
                    offset += record.length
                }
                dirs[index].size = UInt32(LogicalBlockAddress.blocks(for: Int64(offset))) * UInt32(LogicalBlockAddress.blockSize)
            }
        }
        plan(&primaryDirectories, children: isoChildren, identifiers: isoIdentifier, withRockRidge: options.rockRidge)
        plan(&jolietDirectories, children: jolietChildren, identifiers: jolietIdentifier, withRockRidge: false)

        // Continuation areas, packed into blocks without crossing a block (as pycdlib packs them).
        var continuationBlocks = 0
        var continuationOffset = LogicalBlockAddress.blockSize
        for d in primaryDirectories.indices {
            for r in primaryDirectories[d].records.indices where !primaryDirectories[d].records[r].continuation.isEmpty {
                let length = primaryDirectories[d].records[r].continuationLength
                if continuationOffset + length > LogicalBlockAddress.blockSize {
                    continuationBlocks += 1
                    continuationOffset = 0
                }
                primaryDirectories[d].records[r].continuationSlot = (continuationBlocks - 1, continuationOffset)
                continuationOffset += length
            }
        }

        // Block addresses.
        var next: UInt32 = 16
        func allocate(_ blocks: Int64) throws -> LogicalBlockAddress {
            let start = next
            guard Int64(next) + blocks <= Int64(UInt32.max) else {
                throw ISO9660Error.invalidBuildInput(detail: "the image would exceed 2^32 blocks (8 TiB)",
                                                     fix: "add less data")
            }
            next += UInt32(blocks)
            return LogicalBlockAddress(start)
        }
        let pvdLBA = try allocate(1)
        let bootRecordLBA = hasElTorito ? try allocate(1) : nil
        let jolietLBA = options.joliet ? try allocate(1) : nil
        let terminatorLBA = try allocate(1)
        func pathTable(_ dirs: [Directory]) -> [PathTableRecord] {
            dirs.map { PathTableRecord(extent: $0.extent, parentDirectoryNumber: UInt16($0.parentDirectory + 1),
                                       directoryIdentifier: $0.identifier) }
        }
        let primaryPathTableSize = pathTable(primaryDirectories).reduce(0) { $0 + $1.length }
        let jolietPathTableSize = pathTable(jolietDirectories).reduce(0) { $0 + $1.length }
        let primaryL = try allocate(LogicalBlockAddress.blocks(for: Int64(primaryPathTableSize)))
        let primaryM = try allocate(LogicalBlockAddress.blocks(for: Int64(primaryPathTableSize)))
        let jolietL = options.joliet ? try allocate(LogicalBlockAddress.blocks(for: Int64(jolietPathTableSize))) : 0
        let jolietM = options.joliet ? try allocate(LogicalBlockAddress.blocks(for: Int64(jolietPathTableSize))) : 0
        for i in primaryDirectories.indices {
            primaryDirectories[i].extent = try allocate(Int64(primaryDirectories[i].size) / 2048)
        }
        for i in jolietDirectories.indices {
            jolietDirectories[i].extent = try allocate(Int64(jolietDirectories[i].size) / 2048)
        }
        let continuationLBA = try allocate(Int64(continuationBlocks))
        let catalogLBA = hasElTorito ? try allocate(1) : nil
        var extents = [LogicalBlockAddress](repeating: 0, count: nodes.count)
        var writes: [FileWrite] = []
        var written = Set<Int>()
        func place(_ node: Int) throws {
            guard written.insert(node).inserted, case .file(let content) = nodes[node].payload else { return }
            // A zero-length file takes the next free block without using it, as genisoimage does.
            extents[node] = try allocate(LogicalBlockAddress.blocks(for: sizes[node]))
            if sizes[node] > 0 {
                writes.append(FileWrite(extent: extents[node], byteCount: sizes[node], content: content, bootInfoTable: nil))
            }
        }
        if let biosNode { try place(biosNode) }
        for node in efiNodes { try place(node) }
        for directory in primaryDirectories {
            for child in isoChildren[directory.node] { try place(child) }
        }
        for (index, node) in nodes.enumerated() {
            if case .bootCatalog = node.payload, let catalogLBA { extents[index] = catalogLBA }
        }
        var volumeSpaceSize = next
        if let minimum = options.minimumImageByteCount {
            let blocks = LogicalBlockAddress.blocks(for: minimum)
            guard blocks <= Int64(UInt32.max) else {
                throw ISO9660Error.invalidBuildInput(detail: "minimum image size \(minimum) bytes is beyond 8 TiB",
                                                     fix: "give a smaller minimumImageByteCount")
            }
            volumeSpaceSize = max(volumeSpaceSize, UInt32(blocks))
        }

        // The BIOS image's boot information table, computed from its content.
        if let biosNode, let bios = builder.biosBoot, bios.bootInfoTable,
           let index = writes.firstIndex(where: { $0.extent == extents[biosNode] && $0.byteCount == sizes[biosNode] }) {
            var checksum = BootInfoTable.Checksum()
            try ContentStream.forEachChunk(of: writes[index].content, byteCount: sizes[biosNode]) { checksum.add($0) }
            let table = BootInfoTable(primaryVolumeDescriptor: pvdLBA, bootFile: extents[biosNode],
                                      bootFileLength: UInt32(sizes[biosNode]), checksum: checksum.finalValue)
            writes[index] = FileWrite(extent: writes[index].extent, byteCount: writes[index].byteCount,
                                      content: writes[index].content, bootInfoTable: table)
        }

        // Serialise directories.
        var blocks: [(LogicalBlockAddress, [UInt8])] = []
        func serialise(_ dirs: [Directory], tree: ISONamespace) {
            var directoryOf: [Int: Int] = [:]
            for (i, d) in dirs.enumerated() { directoryOf[d.node] = i }
            for d in dirs {
                var data = [UInt8](repeating: 0, count: Int(d.size))
                var offset = 0
                for record in d.records {
                    let extent: LogicalBlockAddress
                    let length: UInt32
                    switch record.target {
                    case .itself:
                        (extent, length) = (d.extent, d.size)
                    case .parent:
                        let parent = dirs[d.parentDirectory]
                        (extent, length) = (parent.extent, parent.size)
                    case .node(let node):
                        if let sub = directoryOf[node] {
                            (extent, length) = (dirs[sub].extent, dirs[sub].size)
                        } else {
                            (extent, length) = (extents[node], UInt32(sizes[node]))
                        }
                    }
                    var systemUse = record.systemUse
                    if let slot = record.continuationSlot {
                        systemUse.append(.continuationArea(ContinuationAreaEntry(
                            block: LogicalBlockAddress(continuationLBA.rawValue + UInt32(slot.block)),
                            offset: UInt32(slot.offset), length: UInt32(record.continuationLength))))
                    }
                    let bytes = DirectoryRecord(extent: extent, dataLength: length, recordingDate: date,
                                                flags: record.isDirectory ? .directory : [],
                                                fileIdentifier: record.identifier,
                                                systemUse: SystemUseEntry.bytes(systemUse)).bytes
                    let blockEnd = (offset / LogicalBlockAddress.blockSize + 1) * LogicalBlockAddress.blockSize
                    if offset + bytes.count > blockEnd { offset = blockEnd }
                    data.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
                    offset += bytes.count
                }
                blocks.append((d.extent, data))
            }
        }
        serialise(primaryDirectories, tree: .iso9660)
        serialise(jolietDirectories, tree: .joliet)
        if continuationBlocks > 0 {
            var data = [UInt8](repeating: 0, count: continuationBlocks * LogicalBlockAddress.blockSize)
            for d in primaryDirectories {
                for record in d.records {
                    guard let slot = record.continuationSlot else { continue }
                    let bytes = SystemUseEntry.bytes(record.continuation)
                    let start = slot.block * LogicalBlockAddress.blockSize + slot.offset
                    data.replaceSubrange(start..<(start + bytes.count), with: bytes)
                }
            }
            blocks.append((continuationLBA, data))
        }

        // Path tables.
        func tableBytes(_ dirs: [Directory], _ order: PathTableRecord.ByteOrder) -> [UInt8] {
            let bytes = pathTable(dirs).flatMap { $0.bytes(order) }
            return bytes + [UInt8](repeating: 0, count: Int(LogicalBlockAddress.blocks(for: Int64(bytes.count))) * 2048 - bytes.count)
        }
        blocks.append((primaryL, tableBytes(primaryDirectories, .typeL)))
        blocks.append((primaryM, tableBytes(primaryDirectories, .typeM)))
        if options.joliet {
            blocks.append((jolietL, tableBytes(jolietDirectories, .typeL)))
            blocks.append((jolietM, tableBytes(jolietDirectories, .typeM)))
        }

        // Volume descriptors.
        var dates = VolumeDescriptorDates()
        dates.creation = .date(options.timestamp)
        dates.modification = .date(options.timestamp)
        func rootRecord(_ d: Directory) -> DirectoryRecord {
            DirectoryRecord(extent: d.extent, dataLength: d.size, recordingDate: date, flags: .directory, fileIdentifier: [0])
        }
        var identifiers = VolumeDescriptorIdentifiers()
        identifiers.systemIdentifier = options.systemIdentifier
        identifiers.volumeIdentifier = options.volumeIdentifier
        identifiers.publisherIdentifier = options.publisherIdentifier
        identifiers.dataPreparerIdentifier = options.dataPreparerIdentifier
        identifiers.applicationIdentifier = options.applicationIdentifier
        let pvd = PrimaryVolumeDescriptor(
            identifiers: identifiers, dates: dates, volumeSpaceSize: volumeSpaceSize,
            pathTables: PathTableLocations(size: UInt32(primaryPathTableSize), typeL: primaryL, typeM: primaryM),
            rootDirectoryRecord: rootRecord(primaryDirectories[0]))
        blocks.append((pvdLBA, pvd.bytes))
        if let jolietLBA {
            let svd = SupplementaryVolumeDescriptor(
                jolietLevel: .level3, identifiers: identifiers, dates: dates, volumeSpaceSize: volumeSpaceSize,
                pathTables: PathTableLocations(size: UInt32(jolietPathTableSize), typeL: jolietL, typeM: jolietM),
                rootDirectoryRecord: rootRecord(jolietDirectories[0]))
            blocks.append((jolietLBA, svd.bytes))
        }
        blocks.append((terminatorLBA, VolumeDescriptorSetTerminator().bytes))

        // El Torito.
        var efiLBAs: [LogicalBlockAddress] = []
        if let bootRecordLBA, let catalogLBA {
            blocks.append((bootRecordLBA, BootRecord(bootCatalog: catalogLBA).bytes))
            func efiCount(_ node: Int) -> UInt16 {
                // EDK2 reads "count < 2" as "to the end of the volume"; libisofs writes 0 above 65535.
                let count = (sizes[node] + 511) / 512
                return count > 65535 ? 0 : UInt16(count)
            }
            efiLBAs = efiNodes.map { extents[$0] }
            let initial: InitialEntry
            var sectionEntries: [SectionEntry] = efiNodes.map { SectionEntry(sectorCount: efiCount($0), loadRBA: extents[$0]) }
            let platform: BootPlatform
            if let biosNode, let bios = builder.biosBoot {
                initial = InitialEntry(sectorCount: bios.loadSectorCount, loadRBA: extents[biosNode])
                platform = .x86
            } else {
                initial = InitialEntry(sectorCount: efiCount(efiNodes[0]), loadRBA: extents[efiNodes[0]])
                sectionEntries.removeFirst()
                platform = .efi
            }
            let sections = sectionEntries.isEmpty ? [] : [BootCatalog.Section(
                header: SectionHeaderEntry(isFinal: true, platform: .efi, entryCount: UInt16(sectionEntries.count)),
                entries: sectionEntries)]
            guard 2 + sections.count + sectionEntries.count <= 64 else {
                throw ISO9660Error.invalidBuildInput(detail: "\(efiNodes.count) EFI boot images do not fit a one-block catalog",
                                                     fix: "use at most 61 EFI boot images")
            }
            let catalog = BootCatalog(validationEntry: ValidationEntry(platform: platform), initialEntry: initial,
                                      sections: sections)
            blocks.append((catalogLBA, catalog.bytes))
        }
        blocks.sort { $0.0 < $1.0 }
        self.metadata = blocks
        self.files = writes.sorted { $0.extent < $1.extent }
        self.volumeSpaceSize = volumeSpaceSize

        var reportFiles: [ISOBuildReport.File] = []
        for directory in primaryDirectories {
            for child in isoChildren[directory.node] where !nodes[child].isDirectory {
                reportFiles.append(ISOBuildReport.File(path: Self.path(nodes, child),
                                                       isoPath: Self.isoPath(nodes, child, isoIdentifier),
                                                       extent: extents[child], byteCount: sizes[child]))
            }
        }
        self.report = ISOBuildReport(
            volumeSpaceSize: volumeSpaceSize, byteCount: Int64(volumeSpaceSize) * 2048,
            rootDirectory: primaryDirectories[0].extent, jolietRootDirectory: jolietDirectories.first?.extent,
            typeLPathTable: primaryL, typeMPathTable: primaryM, bootCatalog: catalogLBA,
            biosBootImage: biosNode.map { extents[$0] }, efiBootImages: efiLBAs, files: reportFiles)
    }

    static func path(_ nodes: [ISOBuilder.Node], _ index: Int) -> String {
        var parts: [String] = []
        var current = index
        while current != 0 {
            parts.append(nodes[current].name)
            current = nodes[current].parent
        }
        return "/" + parts.reversed().joined(separator: "/")
    }

    static func isoPath(_ nodes: [ISOBuilder.Node], _ index: Int, _ identifiers: [[UInt8]]) -> String {
        var parts: [String] = []
        var current = index
        while current != 0 {
            parts.append(String(decoding: identifiers[current], as: UTF8.self))
            current = nodes[current].parent
        }
        return "/" + parts.reversed().joined(separator: "/")
    }

    static func size(of content: ISOBuilder.Content) throws -> Int64 {
        switch content {
        case .bytes(let bytes): return Int64(bytes.count)
        case .generated(let count, _):
            guard count >= 0 else {
                throw ISO9660Error.invalidBuildInput(detail: "generated content of \(count) bytes",
                                                     fix: "give a byte count of 0 or more")
            }
            return count
        case .file(let path):
            var info = stat()
            guard stat(path, &info) == 0 else { throw ISO9660Error.io(operation: "stat", path: path, errno: errno) }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw ISO9660Error.invalidBuildInput(detail: "\(path) is not a regular file",
                                                     fix: "pass a regular file (directories are added with addDirectory)")
            }
            return Int64(info.st_size)
        }
    }
}
