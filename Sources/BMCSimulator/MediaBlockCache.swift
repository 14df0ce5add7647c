/// The virtual CD's view of the image: aligned block reads through a small LRU cache over `HTTPRangeClient`.
/// Directory scans and the boot catalog touch the same sectors repeatedly; the cache keeps that to one range
/// request per block, as a BMC's HTTPFS read-ahead would. Per-boot cost is at most `capacity` blocks of memory.
final class MediaBlockCache {
    static let blockSize = 64 * 1024
    let byteCount: Int64
    private let client: any ImageReader
    private let capacity: Int
    private var blocks: [Int64: [UInt8]] = [:]
    private var recency: [Int64] = []

    init(client: any ImageReader, byteCount: Int64, capacity: Int = 16) {
        self.client = client
        self.byteCount = byteCount
        self.capacity = capacity
    }

    /// `count` bytes at `offset`; a read past the end of the image is a media error, as on a real CD.
    func read(at offset: Int64, count: Int) async throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + Int64(count) <= byteCount else {
            throw SimulatorError.mediaReadFailed(url: client.url, range: "\(offset)+\(count)",
                                                 reason: "read past the end of the \(byteCount)-byte image")
        }
        var result: [UInt8] = []
        result.reserveCapacity(count)
        var position = offset
        let end = offset + Int64(count)
        while position < end {
            let blockIndex = position / Int64(Self.blockSize)
            let block = try await self.block(blockIndex)
            let start = Int(position - blockIndex * Int64(Self.blockSize))
            let take = min(block.count - start, Int(end - position))
            result += block[start..<(start + take)]
            position += Int64(take)
        }
        return result
    }

    /// Reads `count` bytes at `offset` in large ranges without caching them (kernel and modules: read once, the
    /// bytes only matter as proof that the BMC fetched them).
    func stream(at offset: Int64, count: Int64, chunk: Int = 1 << 20) async throws {
        var position = offset
        let end = offset + count
        guard end <= byteCount else {
            throw SimulatorError.mediaReadFailed(url: client.url, range: "\(offset)+\(count)",
                                                 reason: "file extent runs past the end of the \(byteCount)-byte image")
        }
        while position < end {
            let take = Int(min(Int64(chunk), end - position))
            _ = try await client.read(at: position, count: take)
            position += Int64(take)
        }
    }

    private func block(_ index: Int64) async throws -> [UInt8] {
        if let cached = blocks[index] {
            recency.removeAll { $0 == index }
            recency.append(index)
            return cached
        }
        let start = index * Int64(Self.blockSize)
        let length = Int(min(Int64(Self.blockSize), byteCount - start))
        let bytes = try await client.read(at: start, count: length)
        blocks[index] = bytes
        recency.append(index)
        if recency.count > capacity {
            blocks[recency.removeFirst()] = nil
        }
        return bytes
    }
}
