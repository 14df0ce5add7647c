import ISO9660
import MediaServer
import NIOCore

/// Serves an ISO9660 `LayeredImage` through MediaServer's seam: source runs become sendfile file runs, patch bytes
/// become ByteBuffer slices made once at startup (no copy per request), zero runs stay zero runs.
public struct LayeredServableImage: ServableImage {
    public let layered: LayeredImage
    /// One buffer per patch, in patch order (patches are sorted and disjoint), so a `.bytes` slice is found by offset.
    private let patchBuffers: [ByteBuffer]

    /// Computed once: `LayeredImage.etag` hashes every patch byte, far too much work for each request.
    public let etag: String

    public init(_ layered: LayeredImage) {
        self.layered = layered
        patchBuffers = layered.patches.map { ByteBuffer(bytes: $0.bytes) }
        etag = layered.etag
    }

    public var byteCount: Int64 { layered.byteCount }
    public var lastModified: HTTPDate { HTTPDate(secondsSince1970: layered.sourceIdentity.modificationSeconds) }

    public func checkSourceUnchanged() throws {
        do {
            try layered.checkSourceUnchanged()
        } catch ISO9660Error.sourceChanged(let path, let reason) {
            throw MediaServerError.sourceChanged(path: path, changes: [reason])
        } catch ISO9660Error.io(_, let path, let code) {
            throw MediaServerError.sourceUnreadable(path: path, errno: code)
        }
    }

    public func segments(in range: Range<Int64>) -> [ImageSegment] {
        var position = max(0, range.lowerBound)
        return layered.segments(in: range).map { segment in
            defer { position += segment.length }
            switch segment {
            case .source(let offset, let length):
                return .file(path: layered.sourcePath, offset: offset, length: length)
            case .zeros(let length):
                return .zeros(length: length)
            case .bytes(let bytes):
                let index = patchIndex(containing: position)
                let patch = layered.patches[index]
                return .bytes(patchBuffers[index].getSlice(at: Int(position - patch.offset), length: bytes.count)!)
            }
        }
    }

    private func patchIndex(containing offset: Int64) -> Int {
        var low = 0, high = layered.patches.count
        while low < high {
            let mid = (low + high) / 2
            let patch = layered.patches[mid]
            if patch.offset + Int64(patch.bytes.count) <= offset { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
