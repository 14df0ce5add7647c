/// The sectors an edit replaces or appends, over a read-only source: each one's new 2048 bytes. Reads see
/// the overlay first and the source (zero-filled past its end) under it. A value type, so an edit phase
/// takes one overlay and returns the next.
struct SectorOverlay {
    private let block = LogicalBlockAddress.blockSize
    let source: any SectorSource
    /// The source's size in whole sectors (its last sector zero-padded).
    let sourceSectorCount: UInt32
    /// Sector number → its new bytes.
    private(set) var sectors: [LogicalBlockAddress: [UInt8]] = [:]

    init(source: any SectorSource, sourceSectorCount: UInt32) {
        self.source = source
        self.sourceSectorCount = sourceSectorCount
    }

    var isEmpty: Bool { sectors.isEmpty }
    var sectorNumbers: [LogicalBlockAddress] { sectors.keys.sorted() }
    func contains(_ sector: LogicalBlockAddress) -> Bool { sectors[sector] != nil }

    /// `count` sectors from `start` on, as the edited image holds them.
    func read(_ start: LogicalBlockAddress, count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * block)
        var runStart = start.rawValue
        var index = start.rawValue
        func flush(upTo end: UInt32) throws {
            guard runStart < end else { return }
            let sourceEnd = min(end, sourceSectorCount)
            if runStart < sourceEnd {
                let offset = Int64(runStart) * Int64(block)
                let wanted = Int(sourceEnd - runStart) * block
                let available = Int(min(Int64(wanted), source.byteCount - offset))
                out += try source.read(at: offset, count: available)
                out += [UInt8](repeating: 0, count: wanted - available)
            }
            if end > max(runStart, sourceEnd) {
                out += [UInt8](repeating: 0, count: Int(end - max(runStart, sourceEnd)) * block)
            }
        }
        while index < start.rawValue + UInt32(count) {
            if let sector = sectors[LogicalBlockAddress(index)] {
                try flush(upTo: index)
                out += sector
                runStart = index + 1
            }
            index += 1
        }
        try flush(upTo: index)
        return out
    }

    /// Writes `bytes` from the start of sector `start` on, zero-filling the last sector.
    mutating func write(_ bytes: [UInt8], at start: LogicalBlockAddress) {
        var offset = 0
        var sector = start.rawValue
        while offset < bytes.count {
            let end = min(bytes.count, offset + block)
            var data = Array(bytes[offset..<end])
            if data.count < block { data += [UInt8](repeating: 0, count: block - data.count) }
            sectors[LogicalBlockAddress(sector)] = data
            offset = end
            sector += 1
        }
    }

    /// Overwrites `bytes` at byte `offset` of sector `sector` (read-modify-write).
    mutating func patch(sector: LogicalBlockAddress, offset: Int, _ bytes: [UInt8]) throws {
        var data = try sectors[sector] ?? read(sector, count: 1)
        data.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
        sectors[sector] = data
    }

    /// Replaces one whole sector.
    mutating func set(_ sector: LogicalBlockAddress, _ bytes: [UInt8]) {
        sectors[sector] = bytes
    }

    /// The overlay without the source sectors it rewrote with the bytes they already had (the part of a
    /// directory before an inserted record, say): what is left is exactly the set of differing sectors.
    func withoutUnchangedSectors() throws -> SectorOverlay {
        var result = self
        for sector in sectors.keys where sector.rawValue < sourceSectorCount {
            let offset = sector.byteOffset
            let count = Int(min(Int64(block), source.byteCount - offset))
            var original = try source.read(at: offset, count: count)
            original += [UInt8](repeating: 0, count: block - count)
            if original == sectors[sector] { result.sectors[sector] = nil }
        }
        return result
    }

    /// The overlay as `LayeredImage` patches, in sector order.
    var patches: [LayeredImage.Patch] {
        sectorNumbers.map { LayeredImage.Patch(offset: $0.byteOffset, bytes: sectors[$0]!) }
    }
}
