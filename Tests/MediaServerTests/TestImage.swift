import Foundation
import ISO9660
import MediaServer
import NIOCore
import TestSupport
import Primitives

/// A layered image for the tests: a real base file, some of its 2048-byte sectors replaced in memory, bytes
/// appended after it and zero padding — the shape of the ISO9660 target's `LayeredImage`, built independently of it.
final class TestImage: ServableImage, @unchecked Sendable {
    static let sectorSize: Int64 = 2048
    let basePath: String
    let baseLength: Int64
    let overlay: [Int64: [UInt8]]  // sector index → 2048 bytes
    let appended: [UInt8]
    /// Zero bytes after the appended ones (an ISO's padding to its volume size).
    let padding: Int64
    let identity: SourceFileIdentity

    /// A base file of `baseLength` random bytes in `directory`, `replacedSectors` random sectors replaced and
    /// `appendedLength` random bytes appended.
    init(in directory: TemporaryDirectory, name: String = "base.iso", baseLength: Int64, replacedSectors: [Int64],
         appendedLength: Int, padding: Int64 = 0, seed: UInt64 = 1) throws {
        var rng = SplitMix64(seed: seed)
        basePath = directory.file(name)
        self.baseLength = baseLength
        guard FileManager.default.createFile(atPath: basePath, contents: nil) else { throw ExchangeError("cannot create \(basePath)") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: basePath))
        var remaining = baseLength
        while remaining > 0 {
            let count = Int(min(remaining, 1 << 20))
            handle.write(Data(rng.bytes(count)))
            remaining -= Int64(count)
        }
        try handle.close()
        var overlay: [Int64: [UInt8]] = [:]
        for sector in replacedSectors { overlay[sector] = rng.bytes(Int(Self.sectorSize)) }
        self.overlay = overlay
        appended = rng.bytes(appendedLength)
        self.padding = padding
        identity = try SourceFileIdentity(path: basePath)
    }

    /// An image over an existing file (a real ISO) with the given sectors replaced.
    init(existingFile path: String, overlay: [Int64: [UInt8]]) throws {
        basePath = path
        identity = try SourceFileIdentity(path: path)
        baseLength = identity.size
        precondition(overlay.values.allSatisfy { $0.count == Int(Self.sectorSize) })
        self.overlay = overlay
        appended = []
        padding = 0
    }

    var byteCount: Int64 { baseLength + Int64(appended.count) + padding }
    var etag: String { "\"\(identity.inode)-\(identity.modificationTime)-\(overlay.count)-\(appended.count)-\(padding)\"" }
    var lastModified: HTTPDate { identity.lastModified }

    func checkSourceUnchanged() throws { try identity.check(path: basePath) }

    func segments(in range: Range<Int64>) -> [ImageSegment] {
        var out: [ImageSegment] = []
        var position = range.lowerBound
        while position < range.upperBound {
            let appendedEnd = baseLength + Int64(appended.count)
            if position >= appendedEnd {
                out.append(.zeros(length: range.upperBound - position))
                break
            }
            if position >= baseLength {
                let start = Int(position - baseLength), end = Int(min(range.upperBound, appendedEnd) - baseLength)
                out.append(.bytes(ByteBuffer(bytes: appended[start..<end])))
                position = baseLength + Int64(end)
                continue
            }
            let sector = position / Self.sectorSize
            let sectorEnd = min((sector + 1) * Self.sectorSize, baseLength, range.upperBound)
            if let replaced = overlay[sector] {
                let from = Int(position - sector * Self.sectorSize)
                out.append(.bytes(ByteBuffer(bytes: replaced[from..<(from + Int(sectorEnd - position))])))
                position = sectorEnd
            } else {
                // Extend the file run over following unreplaced sectors.
                var end = sectorEnd
                while end < min(baseLength, range.upperBound), overlay[end / Self.sectorSize] == nil {
                    end = min((end / Self.sectorSize + 1) * Self.sectorSize, baseLength, range.upperBound)
                }
                out.append(.file(path: basePath, offset: position, length: end - position))
                position = end
            }
        }
        return out
    }

    /// The image as one file, built without `segments(in:)`: copy, patch sectors in place, append.
    func materialize(to path: String) throws -> Data {
        var data = try Data(contentsOf: URL(fileURLWithPath: basePath))
        for (sector, bytes) in overlay {
            let start = Int(sector * Self.sectorSize)
            let end = min(start + bytes.count, data.count)
            data.replaceSubrange(start..<end, with: bytes[0..<(end - start)])
        }
        data.append(contentsOf: appended)
        data.append(Data(count: Int(padding)))
        try data.write(to: URL(fileURLWithPath: path))
        return data
    }
}

/// ISO9660's SplitMix64, so failures reproduce from the seed.
extension SplitMix64 {
    mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            var word = next()
            for _ in 0..<8 where index < count {
                out[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return out
    }
}
