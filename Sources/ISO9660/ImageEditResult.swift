/// What `ImageEdit.build()` produced: the layered image and an account of what it changed.
public struct ImageEditResult: Sendable {
    /// The edited image: the source file with the overlay and the appended extents.
    public let image: LayeredImage
    /// Source sectors that the overlay replaces, ascending.
    public let changedSectors: [LogicalBlockAddress]
    /// Sectors added after the source's end (new or grown files, relocated directories, path tables).
    public let appendedSectorCount: Int
    /// The volume space size before and after, in logical blocks.
    public let originalVolumeSpaceSize: UInt32
    public let volumeSpaceSize: UInt32
    /// Directories that no longer fit their sectors and were moved to the end (tree-qualified paths).
    public let relocatedDirectories: [String]
    /// Whether a path table had to be rebuilt (a directory was added) rather than patched.
    public let rebuiltPathTables: Bool

    /// Bytes the image keeps in memory: the per-host cost.
    public var overlayByteCount: Int { image.overlayByteCount }
    public var appendedByteCount: Int64 { Int64(appendedSectorCount) * Int64(LogicalBlockAddress.blockSize) }
}
