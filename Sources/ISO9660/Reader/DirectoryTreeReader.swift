/// Reads one directory tree breadth first from its root record, bounded against hostile input: every
/// directory extent is read once (a second visit is a loop), extents must lie inside the image, and
/// sizes and counts have limits far above real images.
struct DirectoryTreeReader {
    /// Largest directory this reader loads (real directories are a few KiB; ESXi's root is ~6 blocks).
    static let maximumDirectoryBytes: UInt32 = 32 << 20
    /// Most entries in one tree (large Linux DVDs have about 100 000; ESXi about 200).
    static let maximumEntries = 1_000_000
    /// Most continuation areas one record may chain through, and the largest one.
    static let maximumContinuationHops = 32
    static let maximumContinuationBytes: UInt32 = 64 << 10
    /// Continuation bytes read for a whole tree, so many records with long CE chains cannot add up.
    static let maximumContinuationBytesPerTree: Int64 = 64 << 20

    let source: any SectorSource
    let kind: ISONamespace
    /// SUSP in use (SP in the root `.` record) and its LEN_SKP; nil for Joliet and plain trees.
    var susp: SharingProtocolEntry?

    /// Non-fatal findings (records crossing sectors, `.` sizes that disagree), reported by `verify()`.
    var problems: [ISO9660Error] = []
    private var continuationCache: [UInt32: [UInt8]] = [:]
    private var continuationBytesRead: Int64 = 0

    init(source: any SectorSource, kind: ISONamespace) {
        self.source = source
        self.kind = kind
    }

    /// Reads the tree below `rootRecord`, which was read from block `descriptorSector`.
    mutating func read(rootRecord: DirectoryRecord, descriptorSector: Int64) throws -> ISODirectoryTree {
        let rootLocation = DirectoryRecordLocation(directoryExtent: LogicalBlockAddress(UInt32(descriptorSector)),
                                                   byteOffset: 156, recordLength: 34)
        var entries = [ISOEntry(index: 0, parent: 0, identifier: "", isoName: "", rockRidgeName: nil,
                                isDirectory: true,
                                extents: [ISOExtent(location: rootRecord.extent, byteCount: rootRecord.dataLength)],
                                records: [rootRecord], recordLocations: [rootLocation], children: [],
                                selfRecordLocation: nil, parentRecordLocation: nil, systemUseEntries: [],
                                continuationAreas: [])]
        var visited = Set<UInt32>()
        var queue = [0]
        var head = 0
        while head < queue.count {
            let directoryIndex = queue[head]
            head += 1
            let directory = entries[directoryIndex]
            let extent = directory.extents[0]
            let path = ISODirectoryTree(kind: kind, entries: entries).path(of: directory)
            guard visited.insert(extent.location.rawValue).inserted else {
                throw ISO9660Error.directoryLoop(path: path, sector: Int64(extent.location.rawValue))
            }
            let sector = Int64(extent.location.rawValue)
            guard extent.byteCount <= Self.maximumDirectoryBytes else {
                throw ISO9660Error.limitExceeded(structure: "DirectoryRecord", sector: sector,
                                                 what: "size of directory \(path) (\(extent.byteCount) bytes)",
                                                 limit: Int64(Self.maximumDirectoryBytes))
            }
            guard extent.location.byteOffset + Int64(extent.byteCount) <= source.byteCount else {
                throw ISO9660Error.extentOutsideImage(structure: "DirectoryRecord", sector: sector,
                                                      extent: extent.location.rawValue,
                                                      byteCount: Int64(extent.byteCount), imageBytes: source.byteCount)
            }
            let data = try source.read(at: extent.location.byteOffset, count: Int(extent.byteCount),
                                       for: "DirectoryRecord", sector: sector)
            let children = try parseDirectory(data: data, extent: extent, path: path, directoryIndex: directoryIndex,
                                              entries: &entries)
            for child in children where entries[child].isDirectory { queue.append(child) }
        }
        return ISODirectoryTree(kind: kind, entries: entries)
    }

    /// Parses the records of one directory, appends its children to `entries` and returns their indices.
    private mutating func parseDirectory(data: [UInt8], extent: ISOExtent, path: String, directoryIndex: Int,
                                         entries: inout [ISOEntry]) throws -> [Int] {
        let blockSize = LogicalBlockAddress.blockSize
        var offset = 0
        var recordNumber = 0
        var children: [Int] = []
        var pending: [(DirectoryRecord, DirectoryRecordLocation)] = []
        while offset < data.count {
            let sector = Int64(extent.location.rawValue) + Int64(offset / blockSize)
            let length = Int(data[offset])
            let sectorEnd = (offset / blockSize + 1) * blockSize
            if length == 0 {
                // ECMA-119 §6.8.1.1: the rest of the block is unused; records resume at the next block.
                offset = sectorEnd
                continue
            }
            guard offset + length <= data.count else {
                throw ISO9660Error.invalidField(structure: "DirectoryRecord", sector: sector, field: "LEN_DR",
                                                value: "\(length) at directory offset \(offset)",
                                                expected: "a record that ends inside the \(data.count)-byte directory \(path)")
            }
            if offset + length > sectorEnd {
                problems.append(.recordCrossesSector(path: path, sector: sector, offset: offset % blockSize,
                                                     length: length))
            }
            let record = try DirectoryRecord(bytes: data, offset: offset, sector: sector)
            let location = DirectoryRecordLocation(directoryExtent: extent.location, byteOffset: offset,
                                                   recordLength: length)
            defer { offset += length; recordNumber += 1 }
            if recordNumber == 0 {
                guard record.isSelf else {
                    throw ISO9660Error.invalidField(structure: "DirectoryRecord", sector: sector,
                                                    field: "first record of directory \(path)",
                                                    value: "identifier \(record.fileIdentifier)", expected: "`.` (0x00)")
                }
                entries[directoryIndex].selfRecordLocation = location
                if directoryIndex == 0 && kind == .iso9660 {
                    try detectSUSP(rootSelf: record, sector: sector)
                    if susp != nil {
                        let (suEntries, areas) = try systemUseEntries(of: record, isRootSelf: true, sector: sector)
                        let root = entries[0]
                        entries[0] = ISOEntry(index: 0, parent: 0, identifier: "", isoName: "", rockRidgeName: nil,
                                              isDirectory: true, extents: root.extents, records: root.records,
                                              recordLocations: root.recordLocations, children: [],
                                              selfRecordLocation: location, parentRecordLocation: nil,
                                              systemUseEntries: suEntries, continuationAreas: areas)
                    }
                }
                if record.dataLength != extent.byteCount {
                    problems.append(.invalidField(structure: "DirectoryRecord", sector: sector,
                                                  field: "data length of `.` in \(path)", value: "\(record.dataLength)",
                                                  expected: "\(extent.byteCount), as the parent's record says"))
                }
                continue
            }
            if recordNumber == 1 {
                guard record.isParent else {
                    throw ISO9660Error.invalidField(structure: "DirectoryRecord", sector: sector,
                                                    field: "second record of directory \(path)",
                                                    value: "identifier \(record.fileIdentifier)", expected: "`..` (0x01)")
                }
                entries[directoryIndex].parentRecordLocation = location
                continue
            }
            guard entries.count + pending.count < Self.maximumEntries else {
                throw ISO9660Error.limitExceeded(structure: "DirectoryRecord", sector: sector,
                                                 what: "number of directory records", limit: Int64(Self.maximumEntries))
            }
            // Multi-extent files (ECMA-119 §6.5.1): records with the same identifier, all but the last
            // flagged; they become one entry.
            if let first = pending.first, first.0.fileIdentifier != record.fileIdentifier {
                problems.append(.invalidField(structure: "DirectoryRecord", sector: sector,
                                              field: "multi-extent file in \(path)",
                                              value: "followed by a record with another identifier",
                                              expected: "a final record with the same identifier"))
                children.append(try appendEntry(pending, parent: directoryIndex, entries: &entries))
                pending = []
            }
            pending.append((record, location))
            if !record.flags.contains(.multiExtent) {
                children.append(try appendEntry(pending, parent: directoryIndex, entries: &entries))
                pending = []
            }
        }
        if !pending.isEmpty {
            children.append(try appendEntry(pending, parent: directoryIndex, entries: &entries))
        }
        entries[directoryIndex].children = children
        return children
    }

    private mutating func appendEntry(_ records: [(DirectoryRecord, DirectoryRecordLocation)], parent: Int,
                                      entries: inout [ISOEntry]) throws -> Int {
        let first = records[0].0
        let sector = Int64(records[0].1.sector.rawValue)
        let identifier = kind == .joliet
            ? ByteFields.decodeUCS2BigEndian(first.fileIdentifier[...])
            : ByteFields.decodeFileName(first.fileIdentifier[...])
        var suEntries: [SystemUseEntry] = []
        var areas: [ContinuationAreaEntry] = []
        if susp != nil {
            (suEntries, areas) = try systemUseEntries(of: first, isRootSelf: false, sector: sector)
        }
        var nameBytes: [UInt8]? = nil
        for case .alternateName(let nm) in suEntries where !nm.flags.contains(.current) && !nm.flags.contains(.parent) {
            nameBytes = (nameBytes ?? []) + nm.nameBytes
        }
        let isDirectory = first.isDirectory
        let index = entries.count
        entries.append(ISOEntry(
            index: index, parent: parent, identifier: identifier, isoName: Self.isoName(identifier),
            rockRidgeName: nameBytes.map { ByteFields.decodeFileName($0[...]) }, isDirectory: isDirectory,
            extents: records.map { ISOExtent(location: $0.0.extent, byteCount: $0.0.dataLength) },
            records: records.map(\.0), recordLocations: records.map(\.1), children: [],
            selfRecordLocation: nil, parentRecordLocation: nil, systemUseEntries: suEntries,
            continuationAreas: areas))
        return index
    }

    /// `BOOT.CFG;1` → `BOOT.CFG`, `README.;1` → `README`: strip the version (ECMA-119 §7.5.1 separator 2)
    /// and the separator-1 dot of a name without extension, as Linux and the ESX UEFI driver do.
    static func isoName(_ identifier: String) -> String {
        var name = Substring(identifier)
        if let semicolon = name.lastIndex(of: ";") {
            let version = name[name.index(after: semicolon)...]
            if version.allSatisfy(\.isNumber) { name = name[..<semicolon] }
        }
        if name.hasSuffix("."), name.count > 1 { name = name.dropLast() }
        return String(name)
    }

    /// SUSP is in use when the root's `.` record starts its System Use Area with SP (SUSP §5.3).
    private mutating func detectSUSP(rootSelf: DirectoryRecord, sector: Int64) throws {
        let su = rootSelf.systemUse
        guard su.count >= 7, su[0] == UInt8(ascii: "S"), su[1] == UInt8(ascii: "P"), su[2] == 7 else { return }
        if case .sharingProtocol(let sp) = try SystemUseEntry.parse(signature: (su[0], su[1]), version: su[3],
                                                                     data: Array(su[4..<7]), sector: sector) {
            susp = sp
        }
    }

    /// The System Use entries of a record, following CE continuation areas (bounded, loop-safe).
    private mutating func systemUseEntries(of record: DirectoryRecord, isRootSelf: Bool,
                                           sector: Int64) throws -> ([SystemUseEntry], [ContinuationAreaEntry]) {
        let skip = isRootSelf ? 0 : Int(susp?.bytesSkipped ?? 0)
        guard record.systemUse.count > skip else { return ([], []) }
        var entries = try SystemUseEntry.parseArea(Array(record.systemUse[skip...]), sector: sector)
        var areas: [ContinuationAreaEntry] = []
        var seen = Set<[UInt32]>()
        var next = entries.lazy.compactMap { if case .continuationArea(let ce) = $0 { return ce } else { return nil } }.first
        while let ce = next {
            guard areas.count < Self.maximumContinuationHops, seen.insert([ce.block.rawValue, ce.offset]).inserted else {
                throw ISO9660Error.limitExceeded(structure: "ContinuationAreaEntry", sector: Int64(ce.block.rawValue),
                                                 what: "chain of continuation areas (or a loop)",
                                                 limit: Int64(Self.maximumContinuationHops))
            }
            guard ce.length <= Self.maximumContinuationBytes else {
                throw ISO9660Error.limitExceeded(structure: "ContinuationAreaEntry", sector: Int64(ce.block.rawValue),
                                                 what: "continuation area length \(ce.length)",
                                                 limit: Int64(Self.maximumContinuationBytes))
            }
            areas.append(ce)
            let start = ce.block.byteOffset + Int64(ce.offset)
            guard start + Int64(ce.length) <= source.byteCount else {
                throw ISO9660Error.extentOutsideImage(structure: "ContinuationAreaEntry", sector: sector,
                                                      extent: ce.block.rawValue, byteCount: Int64(ce.offset) + Int64(ce.length),
                                                      imageBytes: source.byteCount)
            }
            continuationBytesRead += Int64(ce.length)
            guard continuationBytesRead <= Self.maximumContinuationBytesPerTree else {
                throw ISO9660Error.limitExceeded(structure: "ContinuationAreaEntry", sector: Int64(ce.block.rawValue),
                                                 what: "total size of continuation areas in the tree",
                                                 limit: Self.maximumContinuationBytesPerTree)
            }
            let bytes = try continuationBytes(ce)
            let more = try SystemUseEntry.parseArea(bytes, sector: Int64(ce.block.rawValue))
            entries += more
            next = more.lazy.compactMap { if case .continuationArea(let ce) = $0 { return ce } else { return nil } }.first
        }
        return (entries, areas)
    }

    /// Continuation areas share blocks (genisoimage and pycdlib pack them), so blocks are cached.
    private mutating func continuationBytes(_ ce: ContinuationAreaEntry) throws -> [UInt8] {
        let end = Int(ce.offset) + Int(ce.length)
        if end <= LogicalBlockAddress.blockSize {
            let block: [UInt8]
            if let cached = continuationCache[ce.block.rawValue] {
                block = cached
            } else {
                block = try source.block(Int64(ce.block.rawValue), for: "ContinuationAreaEntry")
                continuationCache[ce.block.rawValue] = block
            }
            return Array(block[Int(ce.offset)..<end])
        }
        return try source.read(at: ce.block.byteOffset + Int64(ce.offset), count: Int(ce.length),
                               for: "ContinuationAreaEntry", sector: Int64(ce.block.rawValue))
    }
}
