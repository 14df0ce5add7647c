import ISO9660

/// An ISO image's files as ESXi's loaders see them: paths are looked up in the primary ISO 9660 tree,
/// ignoring case, `;version` and a trailing dot (`/s.v00` finds `S.V00;1`), as mboot.efi's ISO 9660
/// driver does. Reads stream through the image's sector source in 1 MiB chunks.
extension ISOImage: InstallerImageFiles {
    public func byteCount(ofFile path: String) throws -> Int64? {
        guard let entry = lookupLikeESXiLoader(path), !entry.isDirectory else { return nil }
        return entry.size
    }

    public func readFile(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let entry = lookupLikeESXiLoader(path), !entry.isDirectory else {
            throw ESXiError.moduleUnreadable(path: path, reason: "the image has no such file")
        }
        do {
            try forEachChunk(of: entry) { chunk in try chunk.withUnsafeBytes { try body($0) } }
        } catch let error as ISO9660Error {
            throw ESXiError.moduleUnreadable(path: path, reason: error.description)
        }
    }
}
