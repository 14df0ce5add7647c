import Primitives

/// Writes a new ISO 9660 image from a file tree: ECMA-119 with ESXi-style names by default (upper-case
/// 8.3, `;1`), optional Joliet and Rock Ridge, El Torito with a BIOS no-emulation image (boot information
/// table patched into the written copy) and EFI images, L and M path tables.
///
/// The output is a function of the inputs and `Options.timestamp` only, so the same inputs give the same
/// bytes. File data is streamed from its source while writing (never held in memory), and the image is
/// written to a temporary file that is synced and renamed into place, so a reader never sees half an image.
///
/// Layout (as genisoimage lays it out): system area (16 zero blocks), 16 primary volume descriptor,
/// 17 El Torito boot record, [Joliet supplementary descriptor], terminator, path tables (primary L, M,
/// [Joliet L, M]), primary directories breadth first, [Joliet directories], Rock Ridge continuation
/// areas, boot catalog, boot images, the other files breadth first, padding.
///
/// ```swift
/// var builder = ISOBuilder(options: .init(volumeIdentifier: "ESXI-8.0.3", timestamp: ISOTimestamp(secondsSince1970: 1_700_000_000)))
/// try builder.addFile("/isolinux.bin", content: .file(path: "/usr/lib/ISOLINUX/isolinux.bin"))
/// try builder.addFile("/EFI/BOOT/BOOT.CFG", content: .bytes(Array("kernel=/b.b00\n".utf8)))
/// try builder.setBootCatalog(path: "/BOOT.CAT")
/// try builder.setBIOSBootImage(path: "/isolinux.bin")
/// let report = try builder.write(to: "out.iso")
/// ```
public struct ISOBuilder: Sendable {
    public struct Options: Sendable {
        /// The primary volume identifier (d-characters, up to 32), e.g. `ESXI-8.0.3-24022510-STANDARD`.
        public var volumeIdentifier: String
        public var systemIdentifier: String = "LINUX"
        public var publisherIdentifier: String = ""
        public var dataPreparerIdentifier: String = ""
        /// ESXi images say `ESXIMAGE`.
        public var applicationIdentifier: String = ""
        /// Adds a Joliet (UCS-2, level 3) tree with the names as given, up to 64 characters each.
        public var joliet: Bool = false
        /// Adds Rock Ridge (RRIP 1.09: SP, ER, RR, NM, PX, TF) to the primary tree, keeping names as given.
        public var rockRidge: Bool = false
        /// Every date in the image; fixed so that output is reproducible.
        public var timestamp: ISOTimestamp
        /// Pads the volume with zero blocks up to at least this many bytes.
        public var minimumImageByteCount: Int64? = nil

        public init(volumeIdentifier: String, timestamp: ISOTimestamp) {
            self.volumeIdentifier = volumeIdentifier
            self.timestamp = timestamp
        }
    }

    /// Where a file's bytes come from. Only `.bytes` is held in memory; the others are streamed.
    public enum Content: Sendable {
        case bytes([UInt8])
        /// A local file, read while the image is written (it must not change size in between).
        case file(path: String)
        /// `byteCount` deterministic pseudo-random bytes (SplitMix64 seeded with `seed`, little-endian words):
        /// filler that does not compress, for large test images.
        case generated(byteCount: Int64, seed: UInt64)
    }

    enum Payload: Sendable {
        case directory
        case file(Content)
        /// The El Torito catalog made visible as a file.
        case bootCatalog
    }

    struct Node: Sendable {
        /// The name as given (Joliet and Rock Ridge names).
        let name: String
        let parent: Int
        var payload: Payload
        var children: [Int] = []
        var isDirectory: Bool { if case .directory = payload { return true } else { return false } }
    }

    struct BIOSBoot: Sendable {
        let path: String
        let loadSectorCount: UInt16
        let bootInfoTable: Bool
    }

    public let options: Options
    var nodes: [Node] = [Node(name: "", parent: 0, payload: .directory)]
    var bootCatalogPath: String?
    var biosBoot: BIOSBoot?
    var efiBootPaths: [String] = []

    public init(options: Options) {
        self.options = options
    }

    /// Adds a directory (and its missing parents). Adding an existing directory again is harmless.
    public mutating func addDirectory(_ path: String) throws {
        _ = try directory(at: try Self.components(of: path), creating: true)
    }

    /// Adds a file; its parent directories are created implicitly.
    public mutating func addFile(_ path: String, content: Content) throws {
        try addNode(path, payload: .file(content))
    }

    /// Makes the boot catalog visible as a file at `path` (ESXi shows `/BOOT.CAT`).
    public mutating func setBootCatalog(path: String) throws {
        try addNode(path, payload: .bootCatalog)
        bootCatalogPath = path
    }

    /// Names the BIOS boot image, a file added with `addFile`: the catalog's default entry, no emulation,
    /// loading `loadSectorCount` 512-byte sectors (4 is what isolinux expects), with a boot information
    /// table patched into the written copy when `bootInfoTable` is true.
    public mutating func setBIOSBootImage(path: String, loadSectorCount: UInt16 = 4, bootInfoTable: Bool = true) throws {
        _ = try Self.components(of: path)
        guard loadSectorCount > 0 else {
            throw ISO9660Error.invalidBuildInput(detail: "load sector count 0 for the BIOS boot image \(path)",
                                                 fix: "use 4 for isolinux (the default)")
        }
        biosBoot = BIOSBoot(path: path, loadSectorCount: loadSectorCount, bootInfoTable: bootInfoTable)
    }

    /// Adds an EFI boot image, a file added with `addFile` (a FAT image holding `\EFI\BOOT\BOOTX64.EFI`),
    /// as a no-emulation entry of the platform 0xEF section.
    public mutating func addEFIBootImage(path: String) throws {
        _ = try Self.components(of: path)
        guard !efiBootPaths.contains(path) else {
            throw ISO9660Error.invalidBuildInput(detail: "\(path) is already an EFI boot image",
                                                 fix: "add each EFI boot image once")
        }
        efiBootPaths.append(path)
    }

    /// Writes the image to `path` atomically (temporary file, fsync, rename) and returns where
    /// everything went.
    @discardableResult
    public func write(to path: String) throws -> ISOBuildReport {
        let layout = try ISOLayout(builder: self)
        try ISOImageWriter.write(layout: layout, to: path)
        return layout.report
    }

    // MARK: tree

    private mutating func addNode(_ path: String, payload: Payload) throws {
        let components = try Self.components(of: path)
        guard let name = components.last else {
            throw ISO9660Error.invalidBuildInput(detail: "\"\(path)\" names the root directory, not a file",
                                                 fix: "give a path such as /BOOT.CFG")
        }
        let parent = try directory(at: Array(components.dropLast()), creating: true)
        guard nodes[parent].children.allSatisfy({ nodes[$0].name != name }) else {
            throw ISO9660Error.invalidBuildInput(detail: "\(path) was added twice", fix: "add each path once")
        }
        nodes.append(Node(name: name, parent: parent, payload: payload))
        nodes[parent].children.append(nodes.count - 1)
    }

    private mutating func directory(at components: [String], creating: Bool) throws -> Int {
        var current = 0
        for (depth, component) in components.enumerated() {
            if let existing = nodes[current].children.first(where: { nodes[$0].name == component }) {
                guard nodes[existing].isDirectory else {
                    throw ISO9660Error.invalidBuildInput(
                        detail: "/\(components[...depth].joined(separator: "/")) is a file, not a directory",
                        fix: "choose different paths for files and directories")
                }
                current = existing
            } else {
                nodes.append(Node(name: component, parent: current, payload: .directory))
                nodes[current].children.append(nodes.count - 1)
                current = nodes.count - 1
            }
        }
        return current
    }

    /// Splits an absolute or relative path into checked components.
    static func components(of path: String) throws -> [String] {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        for component in components {
            guard component != ".", component != "..", !component.contains("\0") else {
                throw ISO9660Error.invalidBuildInput(detail: "path \"\(path)\" contains \"\(component)\"",
                                                     fix: "use plain absolute paths such as /EFI/BOOT/BOOT.CFG")
            }
            guard component.utf8.count <= 255 else {
                throw ISO9660Error.invalidBuildInput(detail: "a name in \"\(path)\" is longer than 255 bytes",
                                                     fix: "shorten it (Rock Ridge and POSIX names are limited to 255 bytes)")
            }
        }
        return components
    }

    /// The node index for a path, nil if absent.
    func node(at path: String) -> Int? {
        guard let components = try? Self.components(of: path) else { return nil }
        var current = 0
        for component in components {
            guard let next = nodes[current].children.first(where: { nodes[$0].name == component }) else { return nil }
            current = next
        }
        return current
    }
}

/// Where `ISOBuilder.write(to:)` put everything.
public struct ISOBuildReport: Sendable, Codable {
    public struct File: Sendable, Codable {
        /// The path as given to the builder.
        public let path: String
        /// The path in ISO 9660 names (`/EFI/BOOT/BOOT.CFG;1`).
        public let isoPath: String
        public let extent: LogicalBlockAddress
        public let byteCount: Int64
    }

    /// Blocks in the volume (the primary descriptor's volume space size).
    public let volumeSpaceSize: UInt32
    /// Bytes written (`volumeSpaceSize` × 2048).
    public let byteCount: Int64
    public let rootDirectory: LogicalBlockAddress
    public let jolietRootDirectory: LogicalBlockAddress?
    public let typeLPathTable: LogicalBlockAddress
    public let typeMPathTable: LogicalBlockAddress
    public let bootCatalog: LogicalBlockAddress?
    public let biosBootImage: LogicalBlockAddress?
    public let efiBootImages: [LogicalBlockAddress]
    /// Every file (not directories), in the order written.
    public let files: [File]

    /// The file added at `path`.
    public func file(_ path: String) -> File? {
        let wanted = "/" + path.split(separator: "/").joined(separator: "/")
        return files.first { $0.path == wanted }
    }
}
