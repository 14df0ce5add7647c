/// One directory of one tree as `ImageEditPlanner` edits it: its records in order (`.` and `..` first),
/// where each came from, and where the directory will live.
final class EditableDirectory {
    /// Which tree: the primary (ISO 9660, maybe with Rock Ridge) or the Joliet tree.
    let tree: ISONamespace
    /// The path in the tree's own names, for messages.
    let path: String
    /// The extent the directory had in the source (nil for a directory this edit adds).
    let originalExtent: LogicalBlockAddress?
    /// The bytes the directory owned in the source (its data length rounded up to whole blocks).
    let allocatedBytes: Int
    let originalDataLength: UInt32
    /// The directory that holds this one's record (nil for the root).
    weak var parent: EditableDirectory?

    var records: [DirectoryRecord]
    /// Each record's byte offset in the source directory extent (nil for added records).
    var originalOffsets: [Int?]
    /// Records were added or removed: the directory must be laid out again.
    var isStructurallyChanged = false
    /// Indices of records whose fields changed without changing their length (patched where they lie).
    var modifiedRecords: Set<Int> = []
    /// Where the directory ends up, decided by the planner's layout step.
    var extent: LogicalBlockAddress
    var dataLength: UInt32
    var isRelocated = false
    /// Child directories this edit loaded or created, by file identifier.
    var children: [[UInt8]: EditableDirectory] = [:]

    init(tree: ISONamespace, path: String, extent: LogicalBlockAddress, dataLength: UInt32, records: [DirectoryRecord],
         offsets: [Int?], parent: EditableDirectory?) {
        self.tree = tree
        self.path = path
        self.originalExtent = extent
        self.originalDataLength = dataLength
        self.allocatedBytes = Int(LogicalBlockAddress.blocks(for: Int64(dataLength))) * LogicalBlockAddress.blockSize
        self.records = records
        self.originalOffsets = offsets
        self.extent = extent
        self.dataLength = dataLength
        self.parent = parent
    }

    /// A directory added by the edit; placed by the layout step.
    init(tree: ISONamespace, path: String, records: [DirectoryRecord], parent: EditableDirectory) {
        self.tree = tree
        self.path = path
        self.originalExtent = nil
        self.originalDataLength = 0
        self.allocatedBytes = 0
        self.records = records
        self.originalOffsets = records.map { _ in nil }
        self.extent = 0
        self.dataLength = 0
        self.parent = parent
        self.isStructurallyChanged = true
    }

    var isNew: Bool { originalExtent == nil }
    var isRoot: Bool { parent == nil }
    var qualifiedPath: String { tree == .joliet ? "Joliet \(path)" : path }

    /// Replaces record `index` by one of the same length (a field change).
    func update(_ index: Int, _ record: DirectoryRecord) {
        precondition(record.length == records[index].length || isStructurallyChanged,
                     "a field change must keep LEN_DR; use insert/remove for other changes")
        records[index] = record
        modifiedRecords.insert(index)
    }

    func insert(_ record: DirectoryRecord, at index: Int) {
        records.insert(record, at: index)
        originalOffsets.insert(nil, at: index)
        isStructurallyChanged = true
    }

    func remove(at index: Int) {
        records.remove(at: index)
        originalOffsets.remove(at: index)
        isStructurallyChanged = true
    }

    /// The index of the record whose source offset is `offset`.
    func recordIndex(atOriginalOffset offset: Int) -> Int? {
        originalOffsets.firstIndex { $0 == offset }
    }

    /// The records packed into whole blocks: a record never crosses a block boundary (ECMA-119 §6.8.1.1),
    /// the rest of a block is zero. Returns the bytes (a multiple of the block size).
    func packedBytes() -> [UInt8] {
        let block = LogicalBlockAddress.blockSize
        var out: [UInt8] = []
        for record in records {
            let bytes = record.bytes
            let used = out.count % block
            if used + bytes.count > block, used != 0 {
                out += [UInt8](repeating: 0, count: block - used)
            }
            out += bytes
        }
        let tail = out.count % block
        if tail != 0 || out.isEmpty { out += [UInt8](repeating: 0, count: block - tail) }
        return out
    }

    /// Packed size without building the bytes.
    func packedByteCount() -> Int {
        let block = LogicalBlockAddress.blockSize
        var position = 0
        for record in records {
            let length = record.length
            if position % block + length > block, position % block != 0 {
                position += block - position % block
            }
            position += length
        }
        return max(block, (position + block - 1) / block * block)
    }
}
