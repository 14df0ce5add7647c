extension ISOLayout {
    // MARK: - Phase: Rock Ridge entries

    /// The RRIP 1.09 entries of a node's record: RR, NM (split into 250-byte pieces) when `named`, PX, TF.
    static func rockRidgeEntries(for node: Int, in nodes: [ISOBuilder.Node], named: Bool,
                                 date: RecordingDateTime) -> [SystemUseEntry] {
        let isDirectory = nodes[node].isDirectory
        let subdirectories = UInt32(nodes[node].children.filter { nodes[$0].isDirectory }.count)
        let px = PosixAttributesEntry(
            mode: isDirectory ? PosixAttributesEntry.directoryType | 0o555 : PosixAttributesEntry.regularFileType | 0o444,
            links: isDirectory ? 2 + subdirectories : 1)
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

    // MARK: - Phase: SUSP fitting

    /// Fits a record's System Use entries into the 255-byte record: what does not fit, and every `forced`
    /// entry (the root's ER), moves to a continuation area, leaving room for the CE entry (SUSP §5.1).
    static func fitSystemUse(_ record: Record, forced: [SystemUseEntry] = []) -> Record {
        let budget = DirectoryRecord.maximumLength - DirectoryRecord.systemUseOffset(identifierLength: record.identifier.count)
        let all = record.systemUse
        if forced.isEmpty, SystemUseEntry.bytes(all).count <= budget { return record }
        var kept: [SystemUseEntry] = []
        var used = ContinuationAreaEntry.entryLength
        var rest = all[...]
        while let next = rest.first, used + next.bytes.count <= budget {
            kept.append(next)
            used += next.bytes.count
            rest = rest.dropFirst()
        }
        var fitted = record
        fitted.systemUse = kept
        fitted.continuation = Array(rest) + forced
        return fitted
    }

    // MARK: - Phase: records

    /// Each directory's records (`.`, `..`, then the children in order) with Rock Ridge entries fitted when
    /// `rockRidge` gives their date, and its size: records never cross a block (ECMA-119 §6.8.1.1), so a
    /// record that would is moved to the next block.
    static func planRecords(_ directories: [Directory], nodes: [ISOBuilder.Node], children: [[Int]],
                            identifiers: [[UInt8]], rockRidge date: RecordingDateTime?) -> [Directory] {
        var planned = directories
        for index in planned.indices {
            let node = planned[index].node
            let parentNode = planned[planned[index].parentDirectory].node
            var dot = Record(target: .itself, identifier: [0], isDirectory: true)
            var dotdot = Record(target: .parent, identifier: [1], isDirectory: true)
            if let date {
                if node == 0 {
                    dot.systemUse = [.sharingProtocol(SharingProtocolEntry())]
                        + rockRidgeEntries(for: node, in: nodes, named: false, date: date)
                    dot = fitSystemUse(dot, forced: [.extensionsReference(.rockRidge109)])
                } else {
                    dot.systemUse = rockRidgeEntries(for: node, in: nodes, named: false, date: date)
                }
                dotdot.systemUse = rockRidgeEntries(for: parentNode, in: nodes, named: false, date: date)
            }
            var records = [dot, dotdot]
            for child in children[node] {
                var record = Record(target: .node(child), identifier: identifiers[child], isDirectory: nodes[child].isDirectory)
                if let date {
                    record.systemUse = rockRidgeEntries(for: child, in: nodes, named: true, date: date)
                    record = fitSystemUse(record)
                }
                records.append(record)
            }
            planned[index].records = records
            planned[index].size = directorySize(recordLengths: records.map(\.length))
        }
        return planned
    }

    /// The bytes a directory takes, in whole blocks, when records of these lengths are laid out without
    /// crossing a block.
    static func directorySize(recordLengths: [Int]) -> UInt32 {
        var offset = 0
        for length in recordLengths {
            offset = recordOffset(after: offset, length: length)
            offset += length
        }
        return UInt32(LogicalBlockAddress.blocks(for: Int64(offset))) * UInt32(LogicalBlockAddress.blockSize)
    }

    /// Where a record of `length` bytes starts when the previous one ended at `offset`: there, or at the
    /// next block when it would cross one.
    static func recordOffset(after offset: Int, length: Int) -> Int {
        let blockEnd = (offset / LogicalBlockAddress.blockSize + 1) * LogicalBlockAddress.blockSize
        return offset + length > blockEnd ? blockEnd : offset
    }

    // MARK: - Phase: continuation areas

    /// Packs the continuation areas of the primary tree's records into blocks without crossing a block (as
    /// pycdlib packs them), recording each record's slot; returns the number of blocks.
    static func packContinuationAreas(_ directories: inout [Directory]) -> Int {
        var blocks = 0
        var offset = LogicalBlockAddress.blockSize
        for d in directories.indices {
            for r in directories[d].records.indices where !directories[d].records[r].continuation.isEmpty {
                let length = directories[d].records[r].continuationLength
                if offset + length > LogicalBlockAddress.blockSize {
                    blocks += 1
                    offset = 0
                }
                directories[d].records[r].continuationSlot = (blocks - 1, offset)
                offset += length
            }
        }
        return blocks
    }
}
