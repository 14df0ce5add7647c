/// A layered image read like any other image: the reader can parse an edited image (overlay and appended extents
/// included) without writing it out, e.g. to learn where each file of a per-host image lies.
extension LayeredImage: SectorSource {
    public func read(at offset: Int64, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + Int64(count) <= byteCount else {
            throw ISO9660Error.truncated(structure: "layered image", sector: offset / Int64(LogicalBlockAddress.blockSize),
                                         neededBytes: offset + Int64(count), imageBytes: byteCount)
        }
        return try read(offset..<(offset + Int64(count)))
    }
}
