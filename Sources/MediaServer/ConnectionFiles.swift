import NIOCore

/// The source files one connection has open, kept across its requests.
///
/// A BMC reads its image over one keep-alive connection with thousands of range requests; opening and closing the
/// source ISO for each of them is two system calls and a path walk per request that nginx also pays and we need
/// not (Tests/Benchmarks/media-server.sh). Handles are never shared between connections: NIO forbids using one
/// `NIOFileHandle` from two channels.
///
/// Entries are keyed by path *and* the image's ETag. An image is only served after `checkSourceUnchanged` saw the
/// same file it was built from, and its ETag changes with that file, so a handle opened for one ETag can never
/// serve the bytes of a file that later replaced it under the same path (the replacement gets a new image, a new
/// ETag and a fresh open).
struct ConnectionFiles {
    /// A connection normally reads one image; a few more (a client comparing images) are kept, beyond that the
    /// oldest are closed so a hostile client cannot pile up descriptors.
    static let capacity = 4

    private var entries: [(key: Key, handle: NIOFileHandle)] = []

    private struct Key: Equatable {
        var path: String
        var etag: String
    }

    var count: Int { entries.count }

    /// The open handle for `path` of the image with `etag`, opening it when needed.
    mutating func handle(path: String, etag: String) throws -> NIOFileHandle {
        let key = Key(path: path, etag: etag)
        if let index = entries.firstIndex(where: { $0.key == key }) {
            if index != entries.count - 1 { entries.append(entries.remove(at: index)) }  // most recently used last
            return entries[entries.count - 1].handle
        }
        let handle = try NIOFileHandle(_deprecatedPath: path)
        entries.append((key, handle))
        return handle
    }

    /// Closes the least recently used handles beyond `capacity`. Only call when no response of the connection is
    /// being written: a FileRegion still queued in the channel must not lose its descriptor.
    mutating func trim() {
        while entries.count > Self.capacity {
            let entry = entries.removeFirst()
            if entry.handle.isOpen { try? entry.handle.close() }
        }
    }

    /// Closes everything (the connection is gone, or a response failed half-way and its regions were dropped).
    mutating func closeAll() {
        for entry in entries where entry.handle.isOpen { try? entry.handle.close() }
        entries = []
    }
}
