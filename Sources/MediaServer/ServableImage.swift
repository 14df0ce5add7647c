import NIOCore

/// An image the server can publish: a fixed-length byte sequence assembled from runs of a source file and
/// bytes held in memory.
///
/// This is the seam between the server and whatever builds images (the ISO9660 target's `LayeredImage` conforms
/// through an adapter in a higher target), so the server never learns what an ISO is: it serves bytes by offset
/// (architecture rule 9), never by looking at their content.
///
/// Conformers must be immutable while published: the same range must always yield the same bytes, because BMCs
/// read the image on demand for the whole install and cache nothing but its length and validators.
public protocol ServableImage: Sendable {
    /// The exact length of the image in bytes.
    var byteCount: Int64 { get }
    /// A strong entity tag, including the quotes (`"…"`), that changes whenever any byte of the image could.
    var etag: String { get }
    /// The time the image's content last changed, sent as `Last-Modified` and compared with date `If-Range`s.
    var lastModified: HTTPDate { get }
    /// The pieces that make up `range` (clamped to `0..<byteCount` by the caller), in order and without gaps:
    /// their lengths add up to `range.count`.
    func segments(in range: Range<Int64>) -> [ImageSegment]
    /// Throws `MediaServerError.sourceChanged` when a source file behind the image is no longer the one the image
    /// was built from (size, modification time or inode differ): its bytes would be a mix of two files.
    func checkSourceUnchanged() throws
}

/// One contiguous piece of an image.
public enum ImageSegment: Sendable, Equatable {
    /// `length` bytes of the file at `path`, starting at byte `offset` of that file. Sent with `sendfile`.
    case file(path: String, offset: Int64, length: Int64)
    /// Bytes held in memory (an overlay sector, an appended extent). Sent without a copy.
    case bytes(ByteBuffer)
    /// `length` zero bytes (padding, gaps between appended extents), sent from one shared zero buffer.
    case zeros(length: Int64)

    public var length: Int64 {
        switch self {
        case .file(_, _, let length), .zeros(let length): return length
        case .bytes(let buffer): return Int64(buffer.readableBytes)
        }
    }
}
