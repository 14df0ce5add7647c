#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything `ISOBuilder` decides before writing: identifiers, record order, block addresses, and the
/// bytes of every metadata block. File data is described (source, block, size), not loaded.
///
/// The layout is a chain of phases, each a function from values to values (as libisofs runs its ECMA-119
/// writers and go-diskfs its `finalize` steps): measure the files, choose the boot images, name and order
/// the entries, list the directories breadth first, plan their records (Rock Ridge entries fitted into the
/// System Use field, the rest in continuation areas), pack the continuation areas, allocate blocks, fill in
/// the boot information table, and serialise directories, continuation areas, path tables, volume
/// descriptors and the El Torito catalog.
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
        let sizes = try Self.measureFiles(nodes)
        let boot = try BootImages.choose(builder: builder, sizes: sizes)
        let names = try Names.assign(nodes, joliet: options.joliet)
        var primary = try Self.directoryList(nodes, children: names.isoChildren, identifiers: names.isoIdentifier)
        var joliet = options.joliet
            ? try Self.directoryList(nodes, children: names.jolietChildren, identifiers: names.jolietIdentifier) : []
        primary = Self.planRecords(primary, nodes: nodes, children: names.isoChildren, identifiers: names.isoIdentifier,
                                   rockRidge: options.rockRidge ? date : nil)
        joliet = Self.planRecords(joliet, nodes: nodes, children: names.jolietChildren,
                                  identifiers: names.jolietIdentifier, rockRidge: nil)
        let continuationBlocks = Self.packContinuationAreas(&primary)
        let blocks = try Allocation.allocate(
            nodes: nodes, sizes: sizes, boot: boot, primary: &primary, joliet: &joliet, isoChildren: names.isoChildren,
            continuationBlocks: continuationBlocks, minimumImageByteCount: options.minimumImageByteCount)
        let writes = try Self.addBootInfoTable(to: blocks.writes, boot: boot, sizes: sizes, allocation: blocks)

        var metadata = Self.directoryBlocks(primary, date: date, allocation: blocks, sizes: sizes)
            + Self.directoryBlocks(joliet, date: date, allocation: blocks, sizes: sizes)
            + Self.continuationAreaBlocks(primary, count: continuationBlocks, at: blocks.continuationAreas)
            + Self.pathTableBlocks(primary: primary, joliet: joliet, allocation: blocks)
            + Self.volumeDescriptorBlocks(options: options, primary: primary, joliet: joliet, allocation: blocks)
            + (try Self.elToritoBlocks(boot: boot, sizes: sizes, allocation: blocks))
        metadata.sort { $0.0 < $1.0 }
        self.metadata = metadata
        self.files = writes.sorted { $0.extent < $1.extent }
        self.volumeSpaceSize = blocks.volumeSpaceSize
        self.report = Self.report(nodes: nodes, names: names, sizes: sizes, boot: boot, primary: primary,
                                  joliet: joliet, allocation: blocks)
    }

    // MARK: - Phase: file sizes

    /// The byte count of every node (0 for directories, one block for the boot catalog), refusing files that
    /// one extent cannot hold.
    static func measureFiles(_ nodes: [ISOBuilder.Node]) throws -> [Int64] {
        var sizes = [Int64](repeating: 0, count: nodes.count)
        for (index, node) in nodes.enumerated() {
            switch node.payload {
            case .directory: continue
            case .bootCatalog: sizes[index] = Int64(LogicalBlockAddress.blockSize)
            case .file(let content): sizes[index] = try size(of: content)
            }
            guard sizes[index] <= maximumExtentBytes else {
                throw ISO9660Error.invalidBuildInput(
                    detail: "\(path(nodes, index)) has \(sizes[index]) bytes, more than one extent holds",
                    fix: "split the file; files over 4 GiB need multi-extent records, which the ESX UEFI loader cannot read")
            }
        }
        return sizes
    }

    // MARK: - Phase: report

    static func report(nodes: [ISOBuilder.Node], names: Names, sizes: [Int64], boot: BootImages,
                       primary: [Directory], joliet: [Directory], allocation: Allocation) -> ISOBuildReport {
        var files: [ISOBuildReport.File] = []
        for directory in primary {
            for child in names.isoChildren[directory.node] where !nodes[child].isDirectory {
                files.append(ISOBuildReport.File(path: path(nodes, child), isoPath: isoPath(nodes, child, names.isoIdentifier),
                                                 extent: allocation.extents[child], byteCount: sizes[child]))
            }
        }
        return ISOBuildReport(
            volumeSpaceSize: allocation.volumeSpaceSize, byteCount: Int64(allocation.volumeSpaceSize) * 2048,
            rootDirectory: primary[0].extent, jolietRootDirectory: joliet.first?.extent,
            typeLPathTable: allocation.primaryPathTables.typeL, typeMPathTable: allocation.primaryPathTables.typeM,
            bootCatalog: allocation.bootCatalog, biosBootImage: boot.bios.map { allocation.extents[$0.node] },
            efiBootImages: boot.efiNodes.map { allocation.extents[$0] }, files: files)
    }

    // MARK: - Paths and sizes

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
