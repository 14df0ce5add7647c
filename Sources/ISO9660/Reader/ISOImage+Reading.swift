extension ISOImage {
    /// The most bytes `read(_:range:)` returns at once; larger reads go through `forEachChunk`.
    public static let maximumReadBytes: Int64 = 256 << 20

    /// The bytes of a file (all of them, or `range` of them), read through the `SectorSource`.
    public func read(_ entry: ISOEntry, range: Range<Int64>? = nil) throws -> [UInt8] {
        let wanted = range ?? 0..<entry.size
        guard Int64(wanted.count) <= Self.maximumReadBytes else {
            throw ISO9660Error.limitExceeded(structure: "DirectoryRecord",
                                             sector: Int64(entry.firstExtent?.location.rawValue ?? 0),
                                             what: "single read of \(wanted.count) bytes (use forEachChunk for large files)",
                                             limit: Self.maximumReadBytes)
        }
        var out: [UInt8] = []
        out.reserveCapacity(wanted.count)
        try forEachChunk(of: entry, range: wanted) { out += $0 }
        return out
    }

    /// Streams a file (or `range` of it) in chunks of at most `chunkSize` bytes, extent by extent.
    public func forEachChunk(of entry: ISOEntry, range: Range<Int64>? = nil, chunkSize: Int = 1 << 20,
                             _ body: ([UInt8]) throws -> Void) throws {
        let wanted = range ?? 0..<entry.size
        guard wanted.lowerBound >= 0, wanted.upperBound <= entry.size else {
            throw ISO9660Error.invalidField(structure: "DirectoryRecord",
                                            sector: Int64(entry.firstExtent?.location.rawValue ?? 0),
                                            field: "requested byte range", value: "\(wanted)",
                                            expected: "a range inside the file's \(entry.size) bytes")
        }
        var fileOffset: Int64 = 0
        for extent in entry.extents {
            let extentRange = fileOffset..<(fileOffset + Int64(extent.byteCount))
            defer { fileOffset = extentRange.upperBound }
            let overlap = extentRange.clamped(to: wanted)
            if overlap.isEmpty { continue }
            let start = extent.location.byteOffset + (overlap.lowerBound - extentRange.lowerBound)
            guard start + Int64(overlap.count) <= source.byteCount else {
                throw ISO9660Error.extentOutsideImage(structure: "DirectoryRecord", sector: Int64(extent.location.rawValue),
                                                      extent: extent.location.rawValue,
                                                      byteCount: Int64(extent.byteCount), imageBytes: source.byteCount)
            }
            var position = start
            let end = start + Int64(overlap.count)
            while position < end {
                let count = Int(min(Int64(chunkSize), end - position))
                try body(try source.read(at: position, count: count, for: "DirectoryRecord",
                                         sector: position / Int64(LogicalBlockAddress.blockSize)))
                position += Int64(count)
            }
        }
    }
}
