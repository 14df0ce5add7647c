#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a planned image to disk atomically: a temporary file in the target directory, written in
/// block order, sized with ftruncate (trailing padding stays sparse), fsync'd, renamed over the target,
/// and the directory fsync'd so the rename survives a crash.
enum ISOImageWriter {
    static func write(layout: ISOLayout, to path: String) throws {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        var template = Array((path + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ISO9660Error.io(operation: "create a temporary file next to", path: path, errno: errno) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var succeeded = false
        defer {
            if !succeeded {
                close(fd)
                unlink(temporary)
            }
        }
        fchmod(fd, 0o644)
        var writer = BufferedWriter(fd: fd, path: temporary)
        let blockSize = Int64(LogicalBlockAddress.blockSize)
        var metadata = layout.metadata[...]
        var files = layout.files[...]
        // Interleave metadata blocks and file extents in block order; gaps (the system area, block
        // padding of file tails) are zero-filled.
        while !metadata.isEmpty || !files.isEmpty {
            let takeMetadata = files.first.map { file in metadata.first.map { $0.0 < file.extent } ?? false } ?? true
            if takeMetadata, let (lba, bytes) = metadata.popFirst() {
                try writer.zeroFill(to: lba.byteOffset)
                try writer.write(bytes)
            } else if let file = files.popFirst() {
                try writer.zeroFill(to: file.extent.byteOffset)
                var position: Int64 = 0
                try ContentStream.forEachChunk(of: file.content, byteCount: file.byteCount) { chunk in
                    if let table = file.bootInfoTable, position < 64 {
                        var head = Array(chunk)
                        let tableBytes = table.bytes
                        for i in 0..<head.count where position + Int64(i) >= 8 && position + Int64(i) < 64 {
                            head[i] = tableBytes[Int(position) + i - 8]
                        }
                        try writer.write(head)
                    } else {
                        try writer.write(chunk)
                    }
                    position += Int64(chunk.count)
                }
                try writer.zeroFill(to: file.extent.byteOffset + LogicalBlockAddress.blocks(for: file.byteCount) * blockSize)
            }
        }
        try writer.flush()
        let total = Int64(layout.volumeSpaceSize) * blockSize
        guard writer.position <= total else {
            throw ISO9660Error.invalidBuildInput(detail: "internal layout error: wrote \(writer.position) bytes for a \(total)-byte volume",
                                                 fix: "report this as a bug in vmedia")
        }
        guard ftruncate(fd, off_t(total)) == 0 else { throw ISO9660Error.io(operation: "extend", path: temporary, errno: errno) }
        guard fsync(fd) == 0 else { throw ISO9660Error.io(operation: "fsync", path: temporary, errno: errno) }
        guard close(fd) == 0 else { throw ISO9660Error.io(operation: "close", path: temporary, errno: errno) }
        succeeded = true
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw ISO9660Error.io(operation: "rename \(temporary) to", path: path, errno: code)
        }
        let directoryFD = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}

/// Sequential writes through a 1 MiB buffer.
struct BufferedWriter {
    let fd: Int32
    let path: String
    private(set) var position: Int64 = 0
    private var buffer: [UInt8] = []
    private static let capacity = 1 << 20

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(Self.capacity)
    }

    mutating func write<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        position += Int64(bytes.count)
        if buffer.count >= Self.capacity { try flush() }
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > Self.capacity { try flush() }
        if bytes.count >= Self.capacity {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        position += Int64(bytes.count)
    }

    mutating func zeroFill(to offset: Int64) throws {
        guard offset >= position else {
            throw ISO9660Error.invalidBuildInput(detail: "internal layout error: data planned at byte \(offset), "
                                                     + "before the write position \(position)",
                                                 fix: "report this as a bug in vmedia")
        }
        var remaining = offset - position
        while remaining > 0 {
            let count = Int(min(remaining, Int64(Self.capacity)))
            try write(repeatElement(UInt8(0), count: count))
            remaining -= Int64(count)
        }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw ISO9660Error.io(operation: "write", path: path, errno: errno)
            }
            done += n
        }
    }
}
