/// Edits an existing ISO 9660 image without rewriting it: the result is a `LayeredImage`, the unchanged
/// source file with a few sectors laid over it and new extents appended after its end.
///
/// The rules (see CONTRIBUTING.md and the reference notes on "growing" an image):
/// - Every untouched extent stays where it is; nothing is moved to make room.
/// - Changed file data is written in place when it fits the file's old sectors and no other file shares
///   the extent; otherwise it is appended and every record naming the file follows.
/// - A directory that still fits its sectors is rewritten in place; one that grows is relocated to the end,
///   and its parent's record, its own `.` (and `..` for the root), each child's `..`, both path tables and
///   the volume descriptor's root record follow.
/// - The Joliet tree (if any) gets the same changes; Rock Ridge records (if any) get PX, TF and NM entries
///   modelled on their siblings. Neither extension is ever added to an image that lacks it: ISOLINUX 6.04
///   fails to load ldlinux.c32 from an upper-case Rock Ridge tree.
/// - No second primary volume descriptor is ever added (VMware's EFI loader uses the last one); the one in
///   place gets the new volume space size (EDK2 sizes EFI boot images from it).
/// - El Torito boot images and the boot catalog are never touched, so their boot-info tables (which hold
///   the PVD's address, the file's address, its length and checksum) stay valid by construction.
/// - Sources whose system area holds a GPT or that carry a UDF bridge are refused: appending past the end
///   would leave the backup GPT and UDF's own file entries stale.
///
/// ```swift
/// var edit = try ImageEdit(path: "VMware-VMvisor-Installer-8.0U3.iso")
/// edit.setFile("/BOOT.CFG", contents: patchedBootConfig)
/// edit.setFile("/KS.CFG", contents: kickstart)
/// let result = try edit.build()         // metadata only: reads a few sectors, copies nothing
/// try result.image.write(to: "host.iso") // or serve result.image over HTTP
/// ```
public struct ImageEdit: Sendable {
    public struct Options: Sendable {
        /// The recording date of new directory records and Rock Ridge time stamps. Nil: the source's volume
        /// modification date (or creation date), so the same inputs always give the same bytes and ETag.
        public var timestamp: ISOTimestamp?

        public init(timestamp: ISOTimestamp? = nil) {
            self.timestamp = timestamp
        }
    }

    enum Operation: Sendable {
        case setFile(path: String, contents: [UInt8])
        case removeFile(path: String)
        case addDirectory(path: String)
    }

    public let image: ISOImage
    public let sourcePath: String
    public var options: Options
    private(set) var operations: [Operation] = []

    /// Edits the image at `path` (opened read-only; it is never written).
    public init(path: String, options: Options = Options()) throws {
        try self.init(image: ISOImage(path: path), sourcePath: path, options: options)
    }

    /// Edits an image already parsed from the file at `sourcePath`.
    public init(image: ISOImage, sourcePath: String, options: Options = Options()) {
        self.image = image
        self.sourcePath = sourcePath
        self.options = options
    }

    /// Replaces the file at `path`, or adds it when it does not exist (its directory must exist or be added).
    ///
    /// An existing file is found the way ESXi's loader finds it (case-insensitive, `;1` optional) or by its
    /// Rock Ridge name. A new file's ISO 9660 identifier is the last component upper-cased with `;1`
    /// (`/KS.CFG` → `KS.CFG;1`); its Joliet and Rock Ridge names are the component as given.
    public mutating func setFile(_ path: String, contents: [UInt8]) {
        operations.append(.setFile(path: path, contents: contents))
    }

    /// Removes the file at `path` from every tree. Its data sectors are left as unreferenced garbage.
    public mutating func removeFile(_ path: String) {
        operations.append(.removeFile(path: path))
    }

    /// Adds a directory (and any missing parents). Adding an existing directory does nothing.
    public mutating func addDirectory(_ path: String) {
        operations.append(.addDirectory(path: path))
    }

    /// Plans every change and returns the layered image. Reads only the metadata sectors it needs.
    public func build() throws -> ImageEditResult {
        var planner = try ImageEditPlanner(image: image, sourcePath: sourcePath, options: options)
        for operation in operations {
            switch operation {
            case .setFile(let path, let contents): try planner.setFile(path, contents: contents)
            case .removeFile(let path): try planner.removeFile(path)
            case .addDirectory(let path): try planner.addDirectory(path)
            }
        }
        return try planner.finish()
    }
}
