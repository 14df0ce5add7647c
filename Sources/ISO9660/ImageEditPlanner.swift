/// Carries out the operations of an `ImageEdit` against a parsed source image and lays the result out as
/// overlay sectors (replacing source sectors) and appended sectors (after the source's end).
///
/// Directories are loaded into `EditableDirectory` models only when an operation touches them, so a
/// remaster reads the volume descriptors, the directories on the edited paths, and nothing else.
struct ImageEditPlanner {
    private let image: ISOImage
    private let sourcePath: String
    private let sourceIdentity: FileIdentity
    private let recordingDate: RecordingDateTime
    private let block = LogicalBlockAddress.blockSize

    /// The replaced and appended sectors. Sectors at or past `appendBase` are appended ones.
    private var overlay: SectorOverlay
    private let sourceSectorCount: UInt32
    private let originalVolumeSpaceSize: UInt32
    /// The first sector after everything the source holds: new extents go from here on.
    private let appendBase: UInt32
    private var appendCursor: UInt32

    private var roots: [ISONamespace: EditableDirectory] = [:]
    /// Loaded directories by tree and source extent.
    private var loaded: [ISONamespace: [LogicalBlockAddress: EditableDirectory]] = [:]
    private var directoriesAdded: Set<ISONamespace> = []
    /// Extents of El Torito boot images and the boot catalog: never written.
    private let protectedRanges: [(range: Range<UInt32>, what: String)]
    /// The Rock Ridge "skip" bytes declared by SP (SUSP §5.3), when the primary tree has Rock Ridge.
    private let suspSkip: Int?

    init(image: ISOImage, sourcePath: String, options: ImageEdit.Options) throws {
        if image.systemArea.hasGUIDPartitionTable {
            throw ISO9660Error.unsupported(
                structure: "SystemArea", sector: 0, feature: "a GPT in the system area (a hybrid ISO)",
                fix: "growing the image would leave the backup GPT at the old end; use the vendor's plain installer ISO")
        }
        if image.udfRecognition.isUDFBridge {
            throw ISO9660Error.unsupported(
                structure: "UDFVolumeRecognition", sector: 16, feature: "a UDF bridge",
                fix: "UDF keeps its own file entries, which this editor does not update; use an ISO 9660-only image")
        }
        guard let source = image.source as? FileSectorSource else {
            throw ISO9660Error.invalidBuildInput(detail: "the image was not read from a file",
                                                 fix: "open it with ISOImage(path:) or ImageEdit(path:)")
        }
        self.image = image
        self.sourcePath = sourcePath
        self.sourceIdentity = try FileIdentity(path: source.path)
        let pvd = image.primaryVolumeDescriptor
        let stamp = options.timestamp ?? pvd.dates.modification.timestamp ?? pvd.dates.creation.timestamp
            ?? ISOTimestamp(secondsSince1970: 0)
        self.recordingDate = RecordingDateTime(stamp)
        // Every value below is read from the image and added to; these checks keep the sums inside UInt32
        // (a crafted 0xFFFFFFFF would otherwise trap) and refuse a boot catalog firmware would reject.
        try image.checkEditable()
        let fileBlocks = LogicalBlockAddress.blocks(for: image.source.byteCount)
        guard fileBlocks < Int64(UInt32.max) else {
            throw ISO9660Error.limitExceeded(structure: "SectorSource", sector: 0, what: "image size in blocks",
                                             limit: Int64(UInt32.max) - 1)
        }
        self.originalVolumeSpaceSize = pvd.volumeSpaceSize
        self.sourceSectorCount = UInt32(fileBlocks)
        self.appendBase = max(pvd.volumeSpaceSize, sourceSectorCount)
        self.appendCursor = appendBase
        self.overlay = SectorOverlay(source: image.source, sourceSectorCount: UInt32(fileBlocks))
        var protected: [(Range<UInt32>, String)] = []
        if let catalog = image.bootRecord?.bootCatalog {
            protected.append((catalog.rawValue..<(catalog.rawValue + 1), "the El Torito boot catalog"))
        }
        for boot in image.bootImages {
            let start = Int64(boot.entry.loadRBA.rawValue)
            let bytes = boot.file.map { $0.size } ?? Int64(boot.entry.sectorCount) * 512
            // A non-bootable entry may point anywhere; protect only what lies inside the file.
            let end = min(start + max(1, LogicalBlockAddress.blocks(for: bytes)), fileBlocks)
            guard start < end else { continue }
            protected.append((UInt32(start)..<UInt32(end), "El Torito boot image \(boot.path ?? "at \(start)")"))
        }
        self.protectedRanges = protected
        self.suspSkip = image.rockRidge.map { Int($0.bytesSkipped) }
    }

    // MARK: - Operations

    mutating func setFile(_ path: String, contents: [UInt8]) throws {
        let (parentPath, name) = try Self.split(path)
        guard contents.count < Int(UInt32.max) else {
            throw ISO9660Error.invalidBuildInput(detail: "\(path) is \(contents.count) bytes",
                                                 fix: "files of 4 GiB or more need multi-extent records, which ESXi's loader cannot read")
        }
        if let existing = try existingFile(path) {
            try replace(existing, path: path, contents: contents)
            return
        }
        let primaryParent = try directory(parentPath, in: .iso9660)
        let extent: LogicalBlockAddress = contents.isEmpty ? 0 : try append(contents)
        let identifier = try ISOIdentifier.file(name)
        guard primaryParent.records.firstIndex(where: { Self.sameISOName($0.fileIdentifier, identifier) }) == nil else {
            throw ISO9660Error.invalidBuildInput(detail: "\(path) maps to the ISO 9660 name \(String(decoding: identifier, as: UTF8.self)), which \(parentPath) already holds for a directory",
                                                 fix: "choose another name")
        }
        let record = DirectoryRecord(extent: extent, dataLength: UInt32(contents.count),
                                     recordingDate: recordingDate, flags: [], fileIdentifier: identifier,
                                     systemUse: rockRidgeEntries(name: name, directory: false, siblingsOf: primaryParent))
        insertSorted(record, into: primaryParent)
        if image.jolietTree != nil {
            let jolietParent = try directory(parentPath, in: .joliet)
            let jolietRecord = DirectoryRecord(extent: extent, dataLength: UInt32(contents.count),
                                               recordingDate: recordingDate, flags: [],
                                               fileIdentifier: try jolietIdentifier(name, file: true, in: jolietParent))
            insertSorted(jolietRecord, into: jolietParent)
        }
    }

    mutating func removeFile(_ path: String) throws {
        guard let entry = try existingFile(path) else {
            throw ISO9660Error.notFound(path: path, namespace: ISONamespace.iso9660.description)
        }
        for (tree, location) in recordLocations(sharing: entry) {
            let directory = try loadDirectory(tree: tree, extent: location.directoryExtent)
            guard let index = directory.recordIndex(atOriginalOffset: location.byteOffset) else { continue }
            directory.remove(at: index)
        }
    }

    mutating func addDirectory(_ path: String) throws {
        var trees: [ISONamespace] = [.iso9660]
        if image.jolietTree != nil { trees.append(.joliet) }
        for tree in trees { _ = try directory(path, in: tree, create: true) }
    }

    // MARK: - Finding things

    /// The primary-tree entry of an existing file at `path`, or nil. A directory there is an error.
    private func existingFile(_ path: String) throws -> ISOEntry? {
        let entry = image.lookupLikeESXiLoader(path) ?? (image.rockRidge != nil ? image.lookup(path, namespace: .rockRidge) : nil)
        guard let entry else { return nil }
        guard !entry.isDirectory else {
            throw ISO9660Error.invalidBuildInput(detail: "\(path) is a directory", fix: "give the path of a file")
        }
        guard entry.extents.count <= 1 else {
            throw ISO9660Error.unsupported(structure: "DirectoryRecord", sector: Int64(entry.extents[0].location.rawValue),
                                           feature: "replacing the multi-extent file \(path)",
                                           fix: "ESXi images never hold multi-extent files; rebuild the image instead")
        }
        return entry
    }

    /// Every record in either tree that describes the same file as `entry` (the primary record and its
    /// Joliet alias), as (tree, location).
    private func recordLocations(sharing entry: ISOEntry) -> [(ISONamespace, DirectoryRecordLocation)] {
        var result: [(ISONamespace, DirectoryRecordLocation)] = entry.recordLocations.map { (.iso9660, $0) }
        guard let extent = entry.firstExtent, entry.size > 0, let joliet = image.jolietTree else { return result }
        for alias in joliet.entries where !alias.isDirectory && alias.firstExtent == extent {
            result += alias.recordLocations.map { (.joliet, $0) }
        }
        return result
    }

    /// Whether another file (not `entry` or its Joliet alias) uses `entry`'s extent, so in-place writes
    /// would change it too.
    private func isExtentShared(_ entry: ISOEntry) -> Bool {
        guard let extent = entry.firstExtent else { return false }
        // Int64: extents come from the image, and a crafted one near 2³² must not overflow the sum.
        func span(_ piece: ISOExtent) -> Range<Int64> {
            Int64(piece.location.rawValue)..<(Int64(piece.location.rawValue) + max(1, Int64(piece.blockCount)))
        }
        let blocks = span(extent)
        for other in image.primaryTree.entries where other.index != entry.index && other.size > 0 {
            for piece in other.extents {
                if span(piece).overlaps(blocks) { return true }
            }
        }
        if let joliet = image.jolietTree {
            for other in joliet.entries where other.size > 0 && other.firstExtent != extent {
                for piece in other.extents {
                    if span(piece).overlaps(blocks) { return true }
                }
            }
        }
        return false
    }

    private mutating func replace(_ entry: ISOEntry, path: String, contents: [UInt8]) throws {
        guard let oldExtent = entry.firstExtent else { return }
        let start = oldExtent.location.rawValue
        if let protected = protectedRanges.first(where: { $0.range.contains(start) }) {
            throw ISO9660Error.unsupported(structure: "BootCatalog", sector: Int64(start),
                                           feature: "changing \(path), which is \(protected.what)",
                                           fix: "boot images are kept byte-identical so their boot-info tables stay valid; edit another file")
        }
        let oldBlocks = max(1, oldExtent.blockCount)
        // Written in place only inside the file: a record pointing past its end is a damaged image.
        guard Int64(start) + Int64(oldBlocks) <= Int64(sourceSectorCount) || entry.size == 0 else {
            throw ISO9660Error.extentOutsideImage(structure: "DirectoryRecord of \(path)", sector: Int64(start), extent: start,
                                                  byteCount: entry.size, imageBytes: image.source.byteCount)
        }
        let newBlocks = LogicalBlockAddress.blocks(for: Int64(contents.count))
        let newExtent: LogicalBlockAddress
        if contents.isEmpty {
            newExtent = oldExtent.location
        } else if entry.size > 0, newBlocks <= oldBlocks, !isExtentShared(entry) {
            write(contents, at: oldExtent.location)
            newExtent = oldExtent.location
        } else {
            newExtent = try append(contents)
        }
        for (tree, location) in recordLocations(sharing: entry) {
            let directory = try loadDirectory(tree: tree, extent: location.directoryExtent)
            guard let index = directory.recordIndex(atOriginalOffset: location.byteOffset) else {
                throw ISO9660Error.invalidBuildInput(detail: "the record of \(path) at \(location) was not found again",
                                                     fix: "report this image as a bug")
            }
            let updated = directory.records[index].with(extent: newExtent,
                                                        dataLength: UInt32(contents.count))
            directory.update(index, updated)
        }
    }

    private static func split(_ path: String) throws -> (parent: String, name: String) {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let name = components.last, !components.contains(where: { $0 == "." || $0 == ".." }) else {
            throw ISO9660Error.invalidBuildInput(detail: "\"\(path)\" names no file", fix: "use an absolute path such as /KS.CFG")
        }
        return ("/" + components.dropLast().joined(separator: "/"), name)
    }

    /// The model of the directory at `path` in `tree`, loading it (and its ancestors) on first use.
    /// With `create`, missing directories are added.
    private mutating func directory(_ path: String, in tree: ISONamespace, create: Bool = false) throws -> EditableDirectory {
        var current = try root(tree)
        var walked = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true).map(String.init) {
            walked += "/" + component
            if let index = current.records.indices.dropFirst(2).first(where: { matches(current.records[$0], component, tree: tree) }) {
                let record = current.records[index]
                guard record.isDirectory else {
                    throw ISO9660Error.invalidBuildInput(detail: "\(walked) is a file, not a directory",
                                                         fix: "choose a path whose parents are directories")
                }
                if let child = current.children[record.fileIdentifier] {
                    current = child
                } else {
                    let child = try loadDirectory(tree: tree, extent: record.extent, dataLength: record.dataLength,
                                                  path: walked, parent: current)
                    current.children[record.fileIdentifier] = child
                    current = child
                }
                continue
            }
            guard create else {
                throw ISO9660Error.notFound(path: walked, namespace: tree.description)
            }
            current = try makeDirectory(named: component, path: walked, in: current)
        }
        return current
    }

    private func matches(_ record: DirectoryRecord, _ component: String, tree: ISONamespace) -> Bool {
        let wanted = component.uppercased()
        switch tree {
        case .joliet:
            let name = DirectoryTreeReader.isoName(ByteFields.decodeUCS2BigEndian(record.fileIdentifier[...]))
            return name.uppercased() == DirectoryTreeReader.isoName(component).uppercased()
        case .iso9660, .rockRidge:
            let name = DirectoryTreeReader.isoName(ByteFields.decodeLatin1(record.fileIdentifier[...]))
            if name.uppercased() == DirectoryTreeReader.isoName(wanted) { return true }
            if let rockRidgeName = alternateName(of: record) { return rockRidgeName == component }
            return false
        }
    }

    /// The Rock Ridge NM name in a record's own system use area (continuation areas are not followed:
    /// names that long are matched by their ISO 9660 name).
    private func alternateName(of record: DirectoryRecord) -> String? {
        guard let skip = suspSkip, record.systemUse.count > skip,
              let entries = try? SystemUseEntry.parseArea(Array(record.systemUse[skip...]), sector: 0) else { return nil }
        var name: [UInt8] = []
        for case .alternateName(let nm) in entries { name += nm.nameBytes }
        return name.isEmpty ? nil : String(decoding: name, as: UTF8.self)
    }

    private mutating func root(_ tree: ISONamespace) throws -> EditableDirectory {
        if let root = roots[tree] { return root }
        let record: DirectoryRecord
        switch tree {
        case .joliet:
            guard let svd = image.jolietVolumeDescriptor else {
                throw ISO9660Error.notFound(path: "/", namespace: tree.description)
            }
            record = svd.rootDirectoryRecord
        case .iso9660, .rockRidge:
            record = image.primaryVolumeDescriptor.rootDirectoryRecord
        }
        let root = try loadDirectory(tree: tree, extent: record.extent, dataLength: record.dataLength,
                                     path: "/", parent: nil)
        roots[tree] = root
        return root
    }

    /// Loads (once) the directory whose extent is `extent`, finding its place in the tree through the
    /// parsed image when it was not reached by walking a path.
    private mutating func loadDirectory(tree: ISONamespace, extent: LogicalBlockAddress) throws -> EditableDirectory {
        let key: ISONamespace = tree == .rockRidge ? .iso9660 : tree
        if let directory = loaded[key]?[extent] { return directory }
        guard let parsedTree = key == .joliet ? image.jolietTree : image.primaryTree,
              let entry = parsedTree.entries.first(where: { $0.isDirectory && $0.firstExtent?.location == extent })
        else {
            throw ISO9660Error.notFound(path: "directory at block \(extent)", namespace: key.description)
        }
        return try directory(parsedTree.path(of: entry, namespace: key), in: key)
    }

    private mutating func loadDirectory(tree: ISONamespace, extent: LogicalBlockAddress, dataLength: UInt32, path: String,
                                        parent: EditableDirectory?) throws -> EditableDirectory {
        let key: ISONamespace = tree == .rockRidge ? .iso9660 : tree
        if let directory = loaded[key]?[extent] { return directory }
        let structure = key == .joliet ? "Joliet directory \(path)" : "directory \(path)"
        guard Int64(extent.rawValue) + LogicalBlockAddress.blocks(for: Int64(dataLength)) <= Int64(sourceSectorCount) else {
            throw ISO9660Error.extentOutsideImage(structure: structure, sector: Int64(extent.rawValue), extent: extent.rawValue,
                                                  byteCount: Int64(dataLength), imageBytes: image.source.byteCount)
        }
        let bytes = try readSectors(extent, count: Int(LogicalBlockAddress.blocks(for: Int64(dataLength))))
        var records: [DirectoryRecord] = []
        var offsets: [Int?] = []
        var offset = 0
        while offset < Int(dataLength) {
            if bytes[offset] == 0 {
                offset = (offset / block + 1) * block
                continue
            }
            let sector = Int64(extent.rawValue) + Int64(offset / block)
            let record = try DirectoryRecord(bytes: Array(bytes[offset..<min(bytes.count, (offset / block + 1) * block)]),
                                             offset: 0, sector: sector)
            records.append(record)
            offsets.append(offset)
            offset += record.length
        }
        guard records.count >= 2, records[0].isSelf, records[1].isParent else {
            throw ISO9660Error.invalidField(structure: "DirectoryRecord", sector: Int64(extent.rawValue), field: "first records of \(structure)",
                                            value: "\(records.count) records", expected: "`.` and `..` first")
        }
        let directory = EditableDirectory(tree: key, path: path, extent: extent, dataLength: dataLength,
                                          records: records, offsets: offsets, parent: parent)
        loaded[key, default: [:]][extent] = directory
        return directory
    }

    // MARK: - New records

    private mutating func makeDirectory(named name: String, path: String, in parent: EditableDirectory) throws -> EditableDirectory {
        let tree = parent.tree
        let identifier = tree == .joliet ? try jolietIdentifier(name, file: false, in: parent) : try ISOIdentifier.directory(name)
        let susp = tree == .joliet ? [] : rockRidgeEntries(name: nil, directory: true, siblingsOf: parent, isSelf: true)
        let dot = DirectoryRecord(extent: 0, dataLength: UInt32(block), recordingDate: recordingDate, flags: .directory,
                                  fileIdentifier: [0], systemUse: susp)
        let dotDot = DirectoryRecord(extent: parent.extent, dataLength: parent.dataLength,
                                     recordingDate: recordingDate, flags: .directory, fileIdentifier: [1],
                                     systemUse: tree == .joliet ? [] : rockRidgeEntries(name: nil, directory: true, siblingsOf: parent))
        let child = EditableDirectory(tree: tree, path: path, records: [dot, dotDot], parent: parent)
        let record = DirectoryRecord(extent: 0, dataLength: UInt32(block), recordingDate: recordingDate, flags: .directory,
                                     fileIdentifier: identifier,
                                     systemUse: tree == .joliet ? [] : rockRidgeEntries(name: name, directory: true, siblingsOf: parent))
        insertSorted(record, into: parent)
        parent.children[identifier] = child
        directoriesAdded.insert(tree)
        if tree != .joliet { try incrementLinkCount(of: parent) }
        return child
    }

    /// Rock Ridge entries for a new record, shaped like its siblings' (RRIP 1.09 `RR`, PX with or without
    /// a serial number, the same TF stamps), or none when the tree has no Rock Ridge.
    private func rockRidgeEntries(name: String?, directory: Bool, siblingsOf parent: EditableDirectory,
                                  isSelf: Bool = false) -> [UInt8] {
        guard let skip = suspSkip, parent.tree != .joliet else { return [] }
        let sibling = parent.records.dropFirst(2).first { $0.isDirectory == directory } ?? parent.records[0]
        let entries = sibling.systemUse.count > skip
            ? ((try? SystemUseEntry.parseArea(Array(sibling.systemUse[skip...]), sector: 0)) ?? []) : []
        var hasFieldsEntry = false, hasSerial = false
        var kinds: [TimestampsEntry.Kind] = [.modify, .access, .attributes]
        for entry in entries {
            switch entry {
            case .rockRidgeFields: hasFieldsEntry = true
            case .posixAttributes(let px): hasSerial = px.serialNumber != nil
            case .timestamps(let tf): kinds = tf.stamps.map(\.kind)
            default: break
            }
        }
        var out: [SystemUseEntry] = []
        var fields: RockRidgeFieldsEntry.Fields = [.posixAttributes, .timestamps]
        if name != nil { fields.insert(.alternateName) }
        if hasFieldsEntry { out.append(.rockRidgeFields(RockRidgeFieldsEntry(fields: fields))) }
        let mode = directory ? PosixAttributesEntry.directoryType | 0o555 : PosixAttributesEntry.regularFileType | 0o444
        out.append(.posixAttributes(PosixAttributesEntry(mode: mode, links: directory ? 2 : 1,
                                                         serialNumber: hasSerial ? 0 : nil)))
        var stamps: [TimestampsEntry.Kind: RecordingDateTime] = [:]
        for kind in kinds { stamps[kind] = recordingDate }
        out.append(.timestamps(TimestampsEntry(shortForm: stamps)))
        if let name, !isSelf { out.append(.alternateName(AlternateNameEntry(nameBytes: Array(name.utf8)))) }
        return [UInt8](repeating: 0, count: 0) + SystemUseEntry.bytes(out)
    }

    /// A new subdirectory raises its parent's POSIX link count (RRIP PX): in the parent's `.` record and
    /// in the grandparent's record of the parent.
    private mutating func incrementLinkCount(of parent: EditableDirectory) throws {
        guard suspSkip != nil else { return }
        func bumped(_ record: DirectoryRecord) -> DirectoryRecord? {
            guard let skip = suspSkip, record.systemUse.count > skip,
                  let entries = try? SystemUseEntry.parseArea(Array(record.systemUse[skip...]), sector: 0) else { return nil }
            var changed = false
            let updated = entries.map { entry -> SystemUseEntry in
                guard case .posixAttributes(let px) = entry else { return entry }
                changed = true
                return .posixAttributes(PosixAttributesEntry(mode: px.mode, links: px.links + 1, userID: px.userID,
                                                             groupID: px.groupID, serialNumber: px.serialNumber))
            }
            guard changed else { return nil }
            let area = Array(record.systemUse[..<skip]) + SystemUseEntry.bytes(updated)
            guard area.count == record.systemUse.count else { return nil }
            return record.with(systemUse: area)
        }
        if let dot = bumped(parent.records[0]) { parent.update(0, dot) }
        if parent.isRoot {
            if let dotDot = bumped(parent.records[1]) { parent.update(1, dotDot) }
        } else if let grandparent = parent.parent,
                  let index = grandparent.records.indices.dropFirst(2).first(where: { grandparent.records[$0].isDirectory && grandparent.records[$0].extent == parent.extent && !parent.isNew }),
                  let record = bumped(grandparent.records[index]) {
            grandparent.update(index, record)
        }
    }

    /// A Joliet file identifier: UCS-2 big-endian, with `;1` when the tree's files carry versions.
    private func jolietIdentifier(_ name: String, file: Bool, in parent: EditableDirectory) throws -> [UInt8] {
        let units = Array(name.utf16)
        guard !units.isEmpty, units.count <= 64, !units.contains(where: { $0 < 0x20 || [0x2A, 0x2F, 0x3A, 0x3B, 0x3F, 0x5C].contains($0) }) else {
            throw ISO9660Error.invalidBuildInput(detail: "\"\(name)\" is not a valid Joliet name",
                                                 fix: "use at most 64 characters and none of * / : ; ? \\")
        }
        var identifier = ByteFields.ucs2BigEndianBytes(name)
        if file {
            let versioned = parent.records.dropFirst(2).contains { !$0.isDirectory && $0.fileIdentifier.suffix(4) == [0, 0x3B, 0, 0x31] }
            if versioned { identifier += [0, 0x3B, 0, 0x31] }
        }
        return identifier
    }

    /// Inserts `record` in ECMA-119 §9.3 order (primary tree) or UCS-2 code unit order (Joliet), after
    /// `.` and `..`. An unsorted source directory gets the record before the first larger name.
    private func insertSorted(_ record: DirectoryRecord, into directory: EditableDirectory) {
        let isJoliet = directory.tree == .joliet
        var index = 2
        while index < directory.records.count {
            let other = directory.records[index].fileIdentifier
            let greater = isJoliet ? DirectoryRecordOrder.jolietPrecedes(record.fileIdentifier, other)
                                   : DirectoryRecordOrder.precedes(record.fileIdentifier, other)
            if greater { break }
            index += 1
        }
        directory.insert(record, at: index)
    }

    private static func sameISOName(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        DirectoryTreeReader.isoName(ByteFields.decodeLatin1(a[...])).uppercased()
            == DirectoryTreeReader.isoName(ByteFields.decodeLatin1(b[...])).uppercased()
    }

    // MARK: - Sectors

    private func readSectors(_ start: LogicalBlockAddress, count: Int) throws -> [UInt8] {
        try overlay.read(start, count: count)
    }

    private mutating func write(_ bytes: [UInt8], at start: LogicalBlockAddress) {
        overlay.write(bytes, at: start)
    }

    private mutating func patch(sector: LogicalBlockAddress, offset: Int, _ bytes: [UInt8]) throws {
        try overlay.patch(sector: sector, offset: offset, bytes)
    }

    /// The next `blocks` blocks after everything laid out so far. The volume cannot pass 2³² − 1 blocks
    /// (ECMA-119 block numbers are 32 bits).
    private mutating func allocate(blocks: Int64) throws -> LogicalBlockAddress {
        let start = appendCursor
        let end = Int64(start) + max(1, blocks)
        guard end <= Int64(UInt32.max) else {
            throw ISO9660Error.limitExceeded(structure: "PrimaryVolumeDescriptor", sector: 16,
                                             what: "volume space after appending \(blocks) blocks at block \(start)",
                                             limit: Int64(UInt32.max))
        }
        appendCursor = UInt32(end)
        return LogicalBlockAddress(start)
    }

    private mutating func append(_ bytes: [UInt8]) throws -> LogicalBlockAddress {
        let start = try allocate(blocks: LogicalBlockAddress.blocks(for: Int64(bytes.count)))
        write(bytes, at: start)
        return start
    }

    // MARK: - Layout

    /// Lays the edit out and returns the layered image, in phases: place the directories whose records no
    /// longer fit, point every record that names a moved directory at its new place, write the directories,
    /// edit the path tables, write the volume descriptors, and reduce the overlay to the sectors that differ.
    mutating func finish() throws -> ImageEditResult {
        let trees = [ISONamespace.iso9660, .joliet].filter { roots[$0] != nil }
        let placement = try placeChangedDirectories(trees)
        try repointMovedDirectories(trees)
        try writeDirectories(trees)
        let rebuilt = try editPathTables(trees, moves: placement.moves)
        let volumeSpaceSize = max(originalVolumeSpaceSize, appendCursor)
        try updateVolumeDescriptors(volumeSpaceSize: volumeSpaceSize)
        try checkProtectedRangesUntouched()
        overlay = try overlay.withoutUnchangedSectors()
        return try result(volumeSpaceSize: volumeSpaceSize, relocated: placement.relocated, rebuiltPathTables: rebuilt)
    }

    /// Where each relocated directory went, by tree and original extent.
    typealias DirectoryMoves = [ISONamespace: [LogicalBlockAddress: LogicalBlockAddress]]

    /// Phase 1: where each laid-out directory goes. Sizes depend only on record lengths, so every placement
    /// is known before any record is rewritten. A directory stays when it still fits its blocks.
    private mutating func placeChangedDirectories(_ trees: [ISONamespace]) throws -> (relocated: [String], moves: DirectoryMoves) {
        var relocated: [String] = []
        var moves: DirectoryMoves = [:]
        for tree in trees {
            for directory in allDirectories(tree) where directory.isStructurallyChanged {
                let packed = directory.packedByteCount()
                if !directory.isNew, packed <= directory.allocatedBytes {
                    continue
                }
                directory.extent = try allocate(blocks: Int64(packed / block))
                directory.dataLength = UInt32(packed)
                directory.isRelocated = true
                if let original = directory.originalExtent {
                    relocated.append(directory.qualifiedPath)
                    moves[tree, default: [:]][original] = directory.extent
                }
            }
        }
        return (relocated, moves)
    }

    /// Phase 2: point everything that names a moved directory at its new place: its `.`, the root's `..`,
    /// its record in the parent, and its children's `..`.
    private mutating func repointMovedDirectories(_ trees: [ISONamespace]) throws {
        for tree in trees {
            for directory in allDirectories(tree) where directory.isRelocated {
                let extent = directory.extent
                directory.update(0, directory.records[0].with(extent: extent, dataLength: directory.dataLength))
                if directory.isRoot {
                    directory.update(1, directory.records[1].with(extent: extent, dataLength: directory.dataLength))
                } else if let parent = directory.parent {
                    let identifier = directory.records.isEmpty ? [] : parentRecordIdentifier(of: directory, in: parent)
                    if let index = parent.records.indices.dropFirst(2).first(where: { parent.records[$0].fileIdentifier == identifier }) {
                        parent.update(index, parent.records[index].with(extent: extent, dataLength: directory.dataLength))
                    }
                }
                for index in directory.records.indices.dropFirst(2) where directory.records[index].isDirectory {
                    let record = directory.records[index]
                    let child: EditableDirectory
                    if let known = directory.children[record.fileIdentifier] {
                        child = known
                    } else {
                        child = try loadDirectory(tree: tree, extent: record.extent, dataLength: record.dataLength,
                                                  path: directory.path == "/" ? "/" + Self.displayName(record, tree: tree)
                                                      : directory.path + "/" + Self.displayName(record, tree: tree),
                                                  parent: directory)
                        directory.children[record.fileIdentifier] = child
                    }
                    child.update(1, child.records[1].with(extent: extent, dataLength: directory.dataLength))
                }
            }
        }
    }

    /// Phase 3: write directories: whole when laid out again, record by record when only fields changed.
    private mutating func writeDirectories(_ trees: [ISONamespace]) throws {
        for tree in trees {
            for directory in allDirectories(tree) {
                if directory.isStructurallyChanged {
                    var bytes = directory.packedBytes()
                    if !directory.isRelocated {
                        bytes += [UInt8](repeating: 0, count: directory.allocatedBytes - bytes.count)
                    }
                    write(bytes, at: directory.extent)
                } else {
                    for index in directory.modifiedRecords.sorted() {
                        guard let offset = directory.originalOffsets[index] else { continue }
                        try patch(sector: directory.extent.advanced(by: UInt32(offset / block)), offset: offset % block,
                                  directory.records[index].bytes)
                    }
                }
            }
        }
    }

    /// Phase 4: the path tables of each tree: rebuilt when a directory was added, else the extents of moved
    /// directories patched in place. True when a table was rebuilt.
    private mutating func editPathTables(_ trees: [ISONamespace], moves: DirectoryMoves) throws -> Bool {
        var rebuilt = false
        for tree in trees {
            if directoriesAdded.contains(tree) {
                try rebuildPathTables(tree)
                rebuilt = true
            } else if let treeMoves = moves[tree], !treeMoves.isEmpty {
                try patchPathTables(tree, moves: treeMoves)
            }
        }
        return rebuilt
    }

    /// Phase 5: the overlay as a layered image over the source, with the account of what changed.
    private func result(volumeSpaceSize: UInt32, relocated: [String], rebuiltPathTables: Bool) throws -> ImageEditResult {
        let byteCount = max(Int64(volumeSpaceSize) * Int64(block), image.source.byteCount)
        let layered = try LayeredImage(sourcePath: sourcePath, sourceIdentity: sourceIdentity,
                                       sourceByteCount: image.source.byteCount, patches: overlay.patches, byteCount: byteCount)
        let sectors = overlay.sectorNumbers
        return ImageEditResult(
            image: layered,
            changedSectors: sectors.filter { $0.rawValue < appendBase },
            appendedSectorCount: sectors.filter { $0.rawValue >= appendBase }.count,
            originalVolumeSpaceSize: originalVolumeSpaceSize,
            volumeSpaceSize: volumeSpaceSize,
            relocatedDirectories: relocated,
            rebuiltPathTables: rebuiltPathTables)
    }

    private static func displayName(_ record: DirectoryRecord, tree: ISONamespace) -> String {
        tree == .joliet ? ByteFields.decodeUCS2BigEndian(record.fileIdentifier[...])
                        : DirectoryTreeReader.isoName(ByteFields.decodeLatin1(record.fileIdentifier[...]))
    }

    /// The identifier under which `parent` lists `directory`.
    private func parentRecordIdentifier(of directory: EditableDirectory, in parent: EditableDirectory) -> [UInt8] {
        parent.children.first { $0.value === directory }?.key ?? []
    }

    /// Every loaded or added directory of `tree`, parents before children, in a stable order.
    private func allDirectories(_ tree: ISONamespace) -> [EditableDirectory] {
        guard let root = roots[tree] else { return [] }
        var out: [EditableDirectory] = []
        var queue = [root]
        var seen: Set<ObjectIdentifier> = []
        while !queue.isEmpty {
            let next = queue.removeFirst()
            guard seen.insert(ObjectIdentifier(next)).inserted else { continue }
            out.append(next)
            queue += next.children.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.value)
        }
        return out
    }

    // MARK: - Path tables

    private func pathTables(_ tree: ISONamespace) -> [ISOImage.PathTable] {
        image.pathTables.filter { $0.tree == (tree == .rockRidge ? .iso9660 : tree) }
    }

    /// Only extents changed: patch the 4-byte extent of each moved directory's path table record in place,
    /// in the L table (little-endian) and the M table (big-endian).
    private mutating func patchPathTables(_ tree: ISONamespace, moves: [LogicalBlockAddress: LogicalBlockAddress]) throws {
        for table in pathTables(tree) {
            for edit in Self.pathTableExtentEdits(table, newExtents: moves) {
                try overlay.patch(sector: edit.sector, offset: edit.offset, [edit.byte])
            }
        }
    }

    /// The bytes to change in one path table so that each moved directory's record names its new extent
    /// (the 4-byte field at record offset 2, little-endian in an L table, big-endian in an M table), byte
    /// by byte because a record may straddle a block boundary inside a table.
    static func pathTableExtentEdits(_ table: ISOImage.PathTable, newExtents: [LogicalBlockAddress: LogicalBlockAddress])
        -> [(sector: LogicalBlockAddress, offset: Int, byte: UInt8)] {
        let block = LogicalBlockAddress.blockSize
        var edits: [(sector: LogicalBlockAddress, offset: Int, byte: UInt8)] = []
        for (index, record) in table.records.enumerated() {
            guard let extent = newExtents[record.extent] else { continue }
            let field = PathTableRecord(extent: extent, parentDirectoryNumber: 0, directoryIdentifier: [0])
                .bytes(table.byteOrder)[PathTableRecord.extentRange]
            let start = Int(table.recordOffsets[index]) + PathTableRecord.extentRange.lowerBound
            for (i, byte) in field.enumerated() {
                let position = start + i
                edits.append((table.location.advanced(by: UInt32(position / block)), position % block, byte))
            }
        }
        return edits
    }

    /// The directory set changed: number every directory again (ECMA-119 §9.4: by level, then parent
    /// number, then identifier) and write both tables, in place when they still fit their blocks.
    private mutating func rebuildPathTables(_ tree: ISONamespace) throws {
        guard let root = roots[tree] else { return }
        // Every directory of the tree is loaded into the model on the way, so the table lists them all.
        var records: [PathTableRecord] = []
        var level: [(directory: EditableDirectory, number: UInt16)] = [(root, 1)]
        records.append(PathTableRecord(extent: root.extent, parentDirectoryNumber: 1, directoryIdentifier: [0]))
        while !level.isEmpty {
            var next: [(EditableDirectory, UInt16)] = []
            var rows: [(parent: UInt16, identifier: [UInt8], directory: EditableDirectory)] = []
            for (directory, number) in level {
                for record in directory.records.dropFirst(2) where record.isDirectory {
                    let child: EditableDirectory
                    if let known = directory.children[record.fileIdentifier] {
                        child = known
                    } else {
                        child = try loadDirectory(tree: tree, extent: record.extent, dataLength: record.dataLength,
                                                  path: (directory.path == "/" ? "" : directory.path) + "/" + Self.displayName(record, tree: tree),
                                                  parent: directory)
                        directory.children[record.fileIdentifier] = child
                    }
                    rows.append((number, record.fileIdentifier, child))
                }
            }
            rows.sort { $0.parent != $1.parent ? $0.parent < $1.parent : DirectoryRecordOrder.pathTablePrecedes($0.identifier, $1.identifier) }
            for row in rows {
                records.append(PathTableRecord(extent: row.directory.extent,
                                               parentDirectoryNumber: row.parent, directoryIdentifier: row.identifier))
                guard records.count < Int(UInt16.max) else {
                    throw ISO9660Error.limitExceeded(structure: "PathTableRecord", sector: 0, what: "directories", limit: Int64(UInt16.max))
                }
                next.append((row.directory, UInt16(records.count)))
            }
            level = next
        }
        let littleBytes = records.flatMap { $0.bytes(.typeL) }
        let bigBytes = records.flatMap { $0.bytes(.typeM) }
        let tables = pathTables(tree)
        let oldSize = tables.first?.size ?? 0
        let fits = LogicalBlockAddress.blocks(for: Int64(littleBytes.count)) <= LogicalBlockAddress.blocks(for: Int64(oldSize))
        var locations: [PathTableRecord.ByteOrder: [LogicalBlockAddress]] = [:]
        for table in tables {
            let bytes = table.byteOrder == .typeL ? littleBytes : bigBytes
            let start = fits ? table.location : try append(bytes)
            if fits {
                // Zero the old table's blocks first so no stale record survives past the new end.
                write([UInt8](repeating: 0, count: Int(LogicalBlockAddress.blocks(for: Int64(oldSize))) * block), at: start)
                write(bytes, at: start)
            }
            locations[table.byteOrder, default: []].append(start)
        }
        // The first table of each byte order is the required one, a second the optional copy (ECMA-119 §8.4.15).
        let little = locations[.typeL] ?? [], big = locations[.typeM] ?? []
        pathTableUpdates[tree] = PathTableLocations(size: UInt32(littleBytes.count),
                                                    typeL: little.first ?? 0, typeM: big.first ?? 0,
                                                    optionalTypeL: little.dropFirst().first ?? 0,
                                                    optionalTypeM: big.dropFirst().first ?? 0)
    }

    private var pathTableUpdates: [ISONamespace: PathTableLocations] = [:]

    // MARK: - Volume descriptors

    /// Writes the new volume space size into every primary and supplementary descriptor (readers differ
    /// in which one they trust), and the root record and path table fields into the PVD and Joliet SVD.
    private mutating func updateVolumeDescriptors(volumeSpaceSize: UInt32) throws {
        for descriptor in image.descriptors where descriptor.type == .primary || descriptor.type == .supplementary {
            let sector = descriptor.sector
            var bytes = try readSectors(sector, count: 1)
            let before = bytes
            VolumeDescriptorBody.putVolumeSpaceSize(&bytes, volumeSpaceSize)
            let tree: ISONamespace?
            if descriptor.sector == image.primaryVolumeDescriptorSector { tree = .iso9660 }
            else if descriptor.sector == image.jolietVolumeDescriptorSector { tree = .joliet }
            else { tree = nil }
            if let tree, let root = roots[tree] {
                VolumeDescriptorBody.putRootDirectory(&bytes, extent: root.extent, dataLength: root.dataLength)
                if let tables = pathTableUpdates[tree] {
                    VolumeDescriptorBody.putPathTables(&bytes, tables)
                }
            }
            if bytes != before { overlay.set(sector, bytes) }
        }
    }

    private func checkProtectedRangesUntouched() throws {
        for sector in overlay.sectorNumbers {
            if let protected = protectedRanges.first(where: { $0.range.contains(sector.rawValue) }) {
                throw ISO9660Error.invalidBuildInput(detail: "the edit would overwrite block \(sector) of \(protected.what)",
                                                     fix: "report this image as a bug; boot images must stay byte-identical")
            }
        }
    }
}
