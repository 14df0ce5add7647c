extension ISOLayout {
    // MARK: - Phase: directory serialisation

    /// The extent and data length a record points at: its own directory, the parent, a subdirectory or a file.
    static func target(of record: Record, in directory: Directory, directories: [Directory], directoryOf: [Int: Int],
                       allocation: Allocation, sizes: [Int64]) -> (extent: LogicalBlockAddress, length: UInt32) {
        switch record.target {
        case .itself:
            return (directory.extent, directory.size)
        case .parent:
            let parent = directories[directory.parentDirectory]
            return (parent.extent, parent.size)
        case .node(let node):
            if let sub = directoryOf[node] { return (directories[sub].extent, directories[sub].size) }
            return (allocation.extents[node], UInt32(sizes[node]))
        }
    }

    /// Every directory of one tree as its blocks, with a CE entry naming each record's continuation slot.
    static func directoryBlocks(_ directories: [Directory], date: RecordingDateTime, allocation: Allocation,
                                sizes: [Int64]) -> [(LogicalBlockAddress, [UInt8])] {
        var directoryOf: [Int: Int] = [:]
        for (i, d) in directories.enumerated() { directoryOf[d.node] = i }
        return directories.map { d in
            var data = [UInt8](repeating: 0, count: Int(d.size))
            var offset = 0
            for record in d.records {
                let (extent, length) = target(of: record, in: d, directories: directories, directoryOf: directoryOf,
                                              allocation: allocation, sizes: sizes)
                var systemUse = record.systemUse
                if let slot = record.continuationSlot {
                    systemUse.append(.continuationArea(ContinuationAreaEntry(
                        block: allocation.continuationAreas.advanced(by: UInt32(slot.block)),
                        offset: UInt32(slot.offset), length: UInt32(record.continuationLength))))
                }
                let bytes = DirectoryRecord(extent: extent, dataLength: length, recordingDate: date,
                                            flags: record.isDirectory ? .directory : [],
                                            fileIdentifier: record.identifier,
                                            systemUse: SystemUseEntry.bytes(systemUse)).bytes
                offset = recordOffset(after: offset, length: bytes.count)
                data.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
                offset += bytes.count
            }
            return (d.extent, data)
        }
    }

    /// The continuation area blocks, each record's entries at its slot.
    static func continuationAreaBlocks(_ directories: [Directory], count: Int,
                                       at start: LogicalBlockAddress) -> [(LogicalBlockAddress, [UInt8])] {
        guard count > 0 else { return [] }
        var data = [UInt8](repeating: 0, count: count * LogicalBlockAddress.blockSize)
        for d in directories {
            for record in d.records {
                guard let slot = record.continuationSlot else { continue }
                let bytes = SystemUseEntry.bytes(record.continuation)
                let offset = slot.block * LogicalBlockAddress.blockSize + slot.offset
                data.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
            }
        }
        return [(start, data)]
    }

    // MARK: - Phase: path tables

    /// A tree's path table records, in directory-list order (numbered from 1).
    static func pathTable(_ directories: [Directory]) -> [PathTableRecord] {
        directories.map { PathTableRecord(extent: $0.extent, parentDirectoryNumber: UInt16($0.parentDirectory + 1),
                                          directoryIdentifier: $0.identifier) }
    }

    /// One table in one byte order, padded to whole blocks.
    static func pathTableBytes(_ directories: [Directory], _ order: PathTableRecord.ByteOrder) -> [UInt8] {
        let bytes = pathTable(directories).flatMap { $0.bytes(order) }
        return bytes + [UInt8](repeating: 0, count: Int(LogicalBlockAddress.blocks(for: Int64(bytes.count))) * 2048 - bytes.count)
    }

    static func pathTableBlocks(primary: [Directory], joliet: [Directory],
                                allocation: Allocation) -> [(LogicalBlockAddress, [UInt8])] {
        var blocks = [(allocation.primaryPathTables.typeL, pathTableBytes(primary, .typeL)),
                      (allocation.primaryPathTables.typeM, pathTableBytes(primary, .typeM))]
        if !joliet.isEmpty {
            blocks += [(allocation.jolietPathTables.typeL, pathTableBytes(joliet, .typeL)),
                       (allocation.jolietPathTables.typeM, pathTableBytes(joliet, .typeM))]
        }
        return blocks
    }

    // MARK: - Phase: volume descriptors

    /// The primary descriptor, the Joliet supplementary descriptor when there is a Joliet tree, and the
    /// set terminator.
    static func volumeDescriptorBlocks(options: ISOBuilder.Options, primary: [Directory], joliet: [Directory],
                                       allocation: Allocation) -> [(LogicalBlockAddress, [UInt8])] {
        let date = RecordingDateTime(options.timestamp)
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
            identifiers: identifiers, dates: dates, volumeSpaceSize: allocation.volumeSpaceSize,
            pathTables: allocation.primaryPathTables, rootDirectoryRecord: rootRecord(primary[0]))
        var blocks = [(allocation.primaryVolumeDescriptor, pvd.bytes)]
        if let jolietBlock = allocation.jolietVolumeDescriptor {
            let svd = SupplementaryVolumeDescriptor(
                jolietLevel: .level3, identifiers: identifiers, dates: dates, volumeSpaceSize: allocation.volumeSpaceSize,
                pathTables: allocation.jolietPathTables, rootDirectoryRecord: rootRecord(joliet[0]))
            blocks.append((jolietBlock, svd.bytes))
        }
        blocks.append((allocation.terminator, VolumeDescriptorSetTerminator().bytes))
        return blocks
    }
}
