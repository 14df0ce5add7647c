import ISO9660

/// An installer image's files inside an ISO, looked up the way ESXi's loaders look them up
/// (case-insensitive, `;1` optional) and streamed through the ISO9660 reader's positional reads.
public struct ISOInstallerFiles: InstallerImageFiles, Sendable {
    public let image: ISOImage

    public init(image: ISOImage) {
        self.image = image
    }

    public func byteCount(ofFile path: String) throws -> Int64? {
        guard let entry = image.lookupLikeESXiLoader(path), !entry.isDirectory else { return nil }
        return entry.size
    }

    public func readFile(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let entry = image.lookupLikeESXiLoader(path), !entry.isDirectory else {
            throw ESXiError.moduleUnreadable(path: path, reason: "the image has no such file")
        }
        try image.forEachChunk(of: entry) { chunk in try chunk.withUnsafeBytes { try body($0) } }
    }
}
