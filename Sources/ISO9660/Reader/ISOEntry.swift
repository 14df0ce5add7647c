/// The directory trees an image can carry, and so the name spaces a path can be looked up in.
public enum ISONamespace: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// ECMA-119 file identifiers (`BOOT.CFG;1`), matched case-sensitively, with or without `;version`.
    case iso9660
    /// The Joliet tree's UCS-2 names.
    case joliet
    /// Rock Ridge NM names in the primary tree (falling back to the ISO 9660 name where a record has none).
    case rockRidge

    public var description: String {
        switch self {
        case .iso9660: return "ISO 9660"
        case .joliet: return "Joliet"
        case .rockRidge: return "Rock Ridge"
        }
    }
}

/// One extent of a file (a multi-extent file, ECMA-119 §6.5.1, has several) or a directory.
public struct ISOExtent: Hashable, Sendable, Codable {
    public let location: LogicalBlockAddress
    public let byteCount: UInt32

    public init(location: LogicalBlockAddress, byteCount: UInt32) {
        self.location = location
        self.byteCount = byteCount
    }

    /// Blocks occupied (at least 0).
    public var blockCount: Int64 { LogicalBlockAddress.blocks(for: Int64(byteCount)) }
    public var byteRange: Range<Int64> { location.byteOffset..<(location.byteOffset + Int64(byteCount)) }
}

/// Where a directory record lies on disk: what an in-place editor needs to patch it.
public struct DirectoryRecordLocation: Hashable, Sendable, Codable {
    /// The first block of the directory extent that holds the record (for the root record embedded in a
    /// volume descriptor: that descriptor's block).
    public let directoryExtent: LogicalBlockAddress
    /// The record's byte offset from the start of that directory extent.
    public let byteOffset: Int
    /// LEN_DR.
    public let recordLength: Int

    public init(directoryExtent: LogicalBlockAddress, byteOffset: Int, recordLength: Int) {
        self.directoryExtent = directoryExtent
        self.byteOffset = byteOffset
        self.recordLength = recordLength
    }

    /// The record's offset in the image.
    public var absoluteByteOffset: Int64 { directoryExtent.byteOffset + Int64(byteOffset) }
    /// The block that holds the record.
    public var sector: LogicalBlockAddress {
        LogicalBlockAddress(directoryExtent.rawValue &+ UInt32(byteOffset / LogicalBlockAddress.blockSize))
    }
}

/// A file or directory of one directory tree, with everything the records say about it.
public struct ISOEntry: Hashable, Sendable {
    /// Position in `ISODirectoryTree.entries`; the root is 0.
    public let index: Int
    /// The parent's index (the root's parent is itself).
    public let parent: Int
    /// The file identifier as recorded, decoded (`BOOT.CFG;1`; UCS-2 in a Joliet tree). Empty for the root.
    public let identifier: String
    /// The identifier without `;version` and without the trailing `.` of an extension-less name: what
    /// ISO 9660 readers (Linux, the ESX UEFI driver) show.
    public let isoName: String
    /// The Rock Ridge NM name, when the record carries one.
    public let rockRidgeName: String?
    public let isDirectory: Bool
    /// The data: one extent, several for a multi-extent file, the directory's own extent for a directory.
    public let extents: [ISOExtent]
    /// The directory records that describe this entry (several for a multi-extent file); the root's is the
    /// one in the volume descriptor.
    public let records: [DirectoryRecord]
    public let recordLocations: [DirectoryRecordLocation]
    /// Child entries in record order (directories only).
    public internal(set) var children: [Int]
    /// For directories: where their own `.` and `..` records are.
    public internal(set) var selfRecordLocation: DirectoryRecordLocation?
    public internal(set) var parentRecordLocation: DirectoryRecordLocation?
    /// Rock Ridge (and SUSP) entries of the first record, continuation areas included.
    public let systemUseEntries: [SystemUseEntry]
    /// The continuation areas the record's System Use entries chain through.
    public let continuationAreas: [ContinuationAreaEntry]

    /// The total data length.
    public var size: Int64 { extents.reduce(0) { $0 + Int64($1.byteCount) } }
    public var firstExtent: ISOExtent? { extents.first }
    public var recordingDate: RecordingDateTime? { records.first?.recordingDate }

    public var posixAttributes: PosixAttributesEntry? {
        for case .posixAttributes(let px) in systemUseEntries { return px }
        return nil
    }
    public var timestamps: TimestampsEntry? {
        for case .timestamps(let tf) in systemUseEntries { return tf }
        return nil
    }
    /// The Rock Ridge symbolic link target (SL entries), if this is a symbolic link.
    public var symbolicLinkTarget: String? {
        var parts: [SymbolicLinkEntry] = []
        for case .symbolicLink(let sl) in systemUseEntries { parts.append(sl) }
        return parts.isEmpty ? nil : SymbolicLinkEntry.target(of: parts)
    }
    /// RRIP CL: this file record stands for a directory relocated to this block.
    public var childLink: LogicalBlockAddress? {
        for case .childLink(let cl) in systemUseEntries { return cl.childDirectory }
        return nil
    }
    /// RRIP RE: this directory is a relocated one, shown in its logical place through a CL record.
    public var isRelocatedDirectory: Bool {
        systemUseEntries.contains { if case .relocatedDirectory = $0 { return true } else { return false } }
    }

    /// The name shown for `namespace`: the RR name when asked and present, else the ISO name (or the
    /// Joliet name in a Joliet tree, which has no version to strip in practice).
    public func name(in namespace: ISONamespace) -> String {
        if namespace == .rockRidge, let rockRidgeName { return rockRidgeName }
        return isoName
    }
}

/// One directory tree (the primary one, or Joliet's), flattened: entries by index, the root at 0.
public struct ISODirectoryTree: Hashable, Sendable {
    /// Which descriptor the tree hangs off: `.iso9660` (primary) or `.joliet`.
    public let kind: ISONamespace
    public let entries: [ISOEntry]

    public var root: ISOEntry { entries[0] }

    /// All directories, in breadth-first order (the order of a path table).
    public var directories: [ISOEntry] { entries.filter(\.isDirectory) }

    /// The absolute path of an entry, built from `namespace` names.
    public func path(of entry: ISOEntry, namespace: ISONamespace? = nil) -> String {
        var parts: [String] = []
        var current = entry
        var hops = 0
        while current.index != 0, hops < entries.count {
            parts.append(current.name(in: namespace ?? kind))
            current = entries[current.parent]
            hops += 1
        }
        return "/" + parts.reversed().joined(separator: "/")
    }

    /// Every entry below `entry` (itself first), depth first in record order.
    public func walk(from entry: ISOEntry? = nil) -> [ISOEntry] {
        var out: [ISOEntry] = []
        var stack = [entry ?? root]
        while let next = stack.popLast() {
            out.append(next)
            stack.append(contentsOf: next.children.reversed().map { entries[$0] })
        }
        return out
    }
}
