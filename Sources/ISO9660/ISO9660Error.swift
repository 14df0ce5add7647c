/// Everything that can go wrong reading, verifying or building an ISO 9660 image.
///
/// Every case names the on-disk structure (by its type name in this module, which follows the
/// specification's name), where it sits (a logical block address when there is one), what is wrong,
/// and what the user can do about it. `description` is the text a user reads; it is written as one
/// sentence of facts followed by "Fix:" and the remedy.
public enum ISO9660Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The image is shorter than a structure it must contain (for example no sector 16).
    case truncated(structure: String, sector: Int64, neededBytes: Int64, imageBytes: Int64)
    /// Sector 16 holds no `CD001` volume descriptor: this is not an ISO 9660 image.
    case notISO9660(detail: String)
    /// A field holds a value the specification does not allow.
    case invalidField(structure: String, sector: Int64, field: String, value: String, expected: String)
    /// An extent (file data, directory, path table, continuation area, boot image) lies past the image end.
    case extentOutsideImage(structure: String, sector: Int64, extent: UInt32, byteCount: Int64, imageBytes: Int64)
    /// A directory is reached twice while walking the tree (a loop, or two parents sharing one directory).
    case directoryLoop(path: String, sector: Int64)
    /// A directory record continues past the end of its sector (ECMA-119 §6.8.1.1 forbids it).
    case recordCrossesSector(path: String, sector: Int64, offset: Int, length: Int)
    /// A count or size is beyond what this reader accepts, so hostile input cannot make it allocate or loop without bound.
    case limitExceeded(structure: String, sector: Int64, what: String, limit: Int64)
    /// A stored checksum does not match the data.
    case checksumMismatch(structure: String, sector: Int64, stored: UInt32, computed: UInt32)
    /// The L and M path tables, or a path table and the directory tree, disagree.
    case pathTableMismatch(tree: String, sector: Int64, detail: String)
    /// Two different extents share sectors.
    case overlappingExtents(first: String, second: String, sector: Int64)
    /// An extent (or the data of a directory) lies beyond the volume space size the volume descriptor declares.
    case extentOutsideVolume(path: String, sector: Int64, volumeSpaceSize: UInt32)
    /// The image uses a feature this module deliberately does not handle.
    case unsupported(structure: String, sector: Int64, feature: String, fix: String)
    /// A path given to a lookup does not exist in the requested namespace.
    case notFound(path: String, namespace: String)
    /// The builder was given a tree or option it cannot write.
    case invalidBuildInput(detail: String, fix: String)
    /// A system call failed.
    case io(operation: String, path: String, errno: Int32)
    /// A layered image's source file changed after the image was made; serving or writing it would mix two files.
    case sourceChanged(path: String, reason: String)
    /// A layered image cannot be made or written as asked (the message carries the fix).
    case layeredImage(detail: String, fix: String)

    /// The structure the error is about (the type name in this module), for tests and tooling.
    public var structure: String {
        switch self {
        case .truncated(let s, _, _, _), .invalidField(let s, _, _, _, _), .extentOutsideImage(let s, _, _, _, _),
             .limitExceeded(let s, _, _, _), .checksumMismatch(let s, _, _, _), .unsupported(let s, _, _, _):
            return s
        case .notISO9660: return "PrimaryVolumeDescriptor"
        case .directoryLoop, .recordCrossesSector, .extentOutsideVolume: return "DirectoryRecord"
        case .pathTableMismatch: return "PathTableRecord"
        case .overlappingExtents: return "Extent"
        case .notFound: return "DirectoryRecord"
        case .invalidBuildInput: return "ISOBuilder"
        case .sourceChanged, .layeredImage: return "LayeredImage"
        case .io: return "SectorSource"
        }
    }

    /// The logical block the error is about, when there is one.
    public var sector: Int64? {
        switch self {
        case .truncated(_, let s, _, _), .invalidField(_, let s, _, _, _), .extentOutsideImage(_, let s, _, _, _),
             .directoryLoop(_, let s), .recordCrossesSector(_, let s, _, _), .limitExceeded(_, let s, _, _),
             .checksumMismatch(_, let s, _, _), .pathTableMismatch(_, let s, _), .overlappingExtents(_, _, let s),
             .extentOutsideVolume(_, let s, _), .unsupported(_, let s, _, _):
            return s
        case .notISO9660: return 16
        case .notFound, .invalidBuildInput, .io, .sourceChanged, .layeredImage: return nil
        }
    }

    public var description: String {
        switch self {
        case let .truncated(structure, sector, needed, available):
            return "\(structure) at sector \(sector) needs bytes up to offset \(needed), but the image has only "
                + "\(available) bytes. Fix: the image is truncated (an interrupted download or copy); fetch it again "
                + "and compare its checksum with the published one."
        case let .notISO9660(detail):
            return "Not an ISO 9660 image (PrimaryVolumeDescriptor expected at sector 16): \(detail). Fix: pass an ISO 9660 CD/DVD image (.iso); disk images, "
                + "compressed archives and UDF-only media are not ISO 9660."
        case let .invalidField(structure, sector, field, value, expected):
            return "\(structure) at sector \(sector): \(field) is \(value), expected \(expected). Fix: the image "
                + "is damaged or was written by a non-conforming tool; rebuild it (for example with xorriso) or "
                + "fetch it again."
        case let .extentOutsideImage(structure, sector, extent, byteCount, imageBytes):
            return "\(structure) at sector \(sector) points to \(byteCount) bytes at sector \(extent), past the "
                + "end of the \(imageBytes)-byte image. Fix: the image is truncated or damaged; fetch it again."
        case let .directoryLoop(path, sector):
            return "DirectoryRecord for \(path) points back to directory sector \(sector), which is already part "
                + "of the tree (a directory loop). Fix: the image is damaged or hostile; do not use it."
        case let .recordCrossesSector(path, sector, offset, length):
            return "DirectoryRecord in \(path) at sector \(sector) (offset \(offset), length \(length)) crosses a "
                + "sector boundary, which ECMA-119 §6.8.1.1 forbids and firmware readers cannot follow. Fix: "
                + "rebuild the image with a conforming tool (xorriso, genisoimage)."
        case let .limitExceeded(structure, sector, what, limit):
            return "\(structure) at sector \(sector): \(what) exceeds the limit of \(limit). Fix: the image is "
                + "damaged or hostile; real installer images stay far below this limit."
        case let .checksumMismatch(structure, sector, stored, computed):
            return "\(structure) at sector \(sector): stored checksum 0x\(String(stored, radix: 16)) but the data "
                + "sums to 0x\(String(computed, radix: 16)). Fix: firmware rejects such a boot catalog or image; "
                + "rebuild the El Torito boot information (xorriso -boot_image any replay) or fetch the image again."
        case let .pathTableMismatch(tree, sector, detail):
            return "\(tree) path table at sector \(sector) disagrees with the directory tree: \(detail). Fix: "
                + "readers that use the path table (firmware, isolinux) would see a different tree; rebuild the "
                + "image with a conforming tool."
        case let .overlappingExtents(first, second, sector):
            return "\(first) and \(second) share sector \(sector) but are different extents. Fix: writing one "
                + "would corrupt the other; rebuild the image with a conforming tool."
        case let .extentOutsideVolume(path, sector, volumeSpaceSize):
            return "\(path) has data at sector \(sector), beyond the volume space size of \(volumeSpaceSize) "
                + "sectors in the primary volume descriptor. Fix: firmware (EDK2) sizes the El Torito EFI image "
                + "from the volume space size; rebuild the image or correct the volume space size."
        case let .unsupported(structure, sector, feature, fix):
            return "\(structure) at sector \(sector): \(feature) is not supported. Fix: \(fix)"
        case let .notFound(path, namespace):
            return "\(path) does not exist in the \(namespace) directory tree. Fix: list the tree with "
                + "`vmedia inspect IMAGE --tree` and use one of the paths shown."
        case let .invalidBuildInput(detail, fix):
            return "Cannot build the ISO image: \(detail). Fix: \(fix)"
        case let .io(operation, path, errno):
            return "\(operation) \(path) failed: \(SystemErrorText.describe(errno)) (errno \(errno)). Fix: check "
                + "that the path exists and is readable (or writable), and that the disk has space."
        case let .sourceChanged(path, reason):
            return "The source image \(path) changed after the per-host images were made (\(reason)). Fix: restore "
                + "the original file, or run the command again so the images are made from the new one."
        case let .layeredImage(detail, fix):
            return "\(detail). Fix: \(fix)"
        }
    }
}
