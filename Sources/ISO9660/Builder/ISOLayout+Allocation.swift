extension ISOLayout {
    /// Hands out consecutive logical blocks from block 16 on (after the system area), refusing to pass
    /// 2³² blocks.
    struct BlockAllocator {
        private(set) var next: LogicalBlockAddress

        init(from start: LogicalBlockAddress = 16) { self.next = start }

        mutating func allocate(_ blocks: Int64) throws -> LogicalBlockAddress {
            let start = next
            guard Int64(next.rawValue) + blocks <= Int64(UInt32.max) else {
                throw ISO9660Error.invalidBuildInput(detail: "the image would exceed 2^32 blocks (8 TiB)",
                                                     fix: "add less data")
            }
            next = LogicalBlockAddress(next.rawValue + UInt32(blocks))
            return start
        }

        /// Blocks for `byteCount` bytes, rounded up.
        mutating func allocate(bytes byteCount: Int64) throws -> LogicalBlockAddress {
            try allocate(LogicalBlockAddress.blocks(for: byteCount))
        }
    }

    /// Phase: where everything goes, in genisoimage's order: volume descriptors (primary, boot record,
    /// Joliet, terminator), path tables (primary L, M, Joliet L, M), primary then Joliet directories,
    /// continuation areas, boot catalog, boot images, the other files breadth first.
    struct Allocation {
        var primaryVolumeDescriptor: LogicalBlockAddress = 0
        var bootRecord: LogicalBlockAddress?
        var jolietVolumeDescriptor: LogicalBlockAddress?
        var terminator: LogicalBlockAddress = 0
        var primaryPathTables = PathTableLocations(size: 0, typeL: 0, typeM: 0)
        var jolietPathTables = PathTableLocations(size: 0, typeL: 0, typeM: 0)
        var continuationAreas: LogicalBlockAddress = 0
        var bootCatalog: LogicalBlockAddress?
        /// Every node's extent (directories' stay 0: they are in the directory lists).
        var extents: [LogicalBlockAddress] = []
        var writes: [FileWrite] = []
        var volumeSpaceSize: UInt32 = 0

        static func allocate(nodes: [ISOBuilder.Node], sizes: [Int64], boot: BootImages,
                             primary: inout [Directory], joliet: inout [Directory], isoChildren: [[Int]],
                             continuationBlocks: Int, minimumImageByteCount: Int64?) throws -> Allocation {
            var blocks = BlockAllocator()
            var result = Allocation()
            let hasJoliet = !joliet.isEmpty
            result.primaryVolumeDescriptor = try blocks.allocate(1)
            result.bootRecord = boot.hasElTorito ? try blocks.allocate(1) : nil
            result.jolietVolumeDescriptor = hasJoliet ? try blocks.allocate(1) : nil
            result.terminator = try blocks.allocate(1)
            result.primaryPathTables = try pathTableLocations(for: primary, &blocks)
            if hasJoliet { result.jolietPathTables = try pathTableLocations(for: joliet, &blocks) }
            for i in primary.indices { primary[i].extent = try blocks.allocate(Int64(primary[i].size) / 2048) }
            for i in joliet.indices { joliet[i].extent = try blocks.allocate(Int64(joliet[i].size) / 2048) }
            result.continuationAreas = try blocks.allocate(Int64(continuationBlocks))
            result.bootCatalog = boot.hasElTorito ? try blocks.allocate(1) : nil
            (result.extents, result.writes) = try placeFiles(nodes: nodes, sizes: sizes, boot: boot, primary: primary,
                                                             isoChildren: isoChildren, catalog: result.bootCatalog,
                                                             &blocks)
            result.volumeSpaceSize = try volumeSpaceSize(end: blocks.next, minimumImageByteCount: minimumImageByteCount)
            return result
        }

        /// The L and M tables of one tree, each in whole blocks; their size depends only on the identifiers.
        static func pathTableLocations(for directories: [Directory],
                                       _ blocks: inout BlockAllocator) throws -> PathTableLocations {
            let size = ISOLayout.pathTable(directories).reduce(0) { $0 + $1.length }
            let typeL = try blocks.allocate(bytes: Int64(size))
            let typeM = try blocks.allocate(bytes: Int64(size))
            return PathTableLocations(size: UInt32(size), typeL: typeL, typeM: typeM)
        }

        /// File extents: the boot images first, then every file breadth first in record order, each once.
        /// A zero-length file takes the next free block without using it, as genisoimage does. The catalog
        /// node points at the catalog.
        static func placeFiles(nodes: [ISOBuilder.Node], sizes: [Int64], boot: BootImages, primary: [Directory],
                               isoChildren: [[Int]], catalog: LogicalBlockAddress?,
                               _ blocks: inout BlockAllocator) throws -> ([LogicalBlockAddress], [FileWrite]) {
            var extents = [LogicalBlockAddress](repeating: 0, count: nodes.count)
            var writes: [FileWrite] = []
            var placed = Set<Int>()
            func place(_ node: Int) throws {
                guard placed.insert(node).inserted, case .file(let content) = nodes[node].payload else { return }
                extents[node] = try blocks.allocate(bytes: sizes[node])
                if sizes[node] > 0 {
                    writes.append(FileWrite(extent: extents[node], byteCount: sizes[node], content: content, bootInfoTable: nil))
                }
            }
            if let bios = boot.bios { try place(bios.node) }
            for node in boot.efiNodes { try place(node) }
            for directory in primary {
                for child in isoChildren[directory.node] { try place(child) }
            }
            for (index, node) in nodes.enumerated() {
                if case .bootCatalog = node.payload, let catalog { extents[index] = catalog }
            }
            return (extents, writes)
        }

        /// The volume ends after the last allocated block, or later when a minimum size is asked for.
        static func volumeSpaceSize(end: LogicalBlockAddress, minimumImageByteCount: Int64?) throws -> UInt32 {
            guard let minimum = minimumImageByteCount else { return end.rawValue }
            let blocks = LogicalBlockAddress.blocks(for: minimum)
            guard blocks <= Int64(UInt32.max) else {
                throw ISO9660Error.invalidBuildInput(detail: "minimum image size \(minimum) bytes is beyond 8 TiB",
                                                     fix: "give a smaller minimumImageByteCount")
            }
            return max(end.rawValue, UInt32(blocks))
        }
    }
}
