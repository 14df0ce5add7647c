import ESXi
import CZlib

/// The content of one module in an ESXi-shaped fixture: a single, valid gzip member (RFC 1952) of an exact
/// byte count, produced as a stream so a 600 MiB fixture never sits in memory.
///
/// Layout of the member (all multi-byte fields little-endian):
///
/// | bytes | what |
/// |---|---|
/// | 10 | header: `1f 8b 08 00`, MTIME 0 (reproducible), XFL 0, OS 3 (Unix) |
/// | c | deflate blocks made by zlib from a text banner naming the module (Huffman-coded, `Z_SYNC_FLUSH`, so not final and byte-aligned) |
/// | 5 + n each | stored blocks (RFC 1951 §3.2.4: `BFINAL/BTYPE=00`, LEN, NLEN) of filler, the last one final |
/// | 8 | trailer: CRC-32 and ISIZE of everything inflated |
///
/// Why stored blocks for the bulk: they make the file size exact (the fixture fills `--size` module by
/// module) and cost a copy plus a CRC, so a 600 MiB image builds in seconds, while the zlib-made head still
/// gives the verifier real Huffman data to inflate. Every byte is a function of the module name, the
/// release and the size: the same inputs give the same bytes.
public struct FixtureModulePayload: Sendable {
    /// Header (10) + one empty final stored block (5) + trailer (8): the smallest valid member.
    public static let minimumByteCount: Int64 = 23

    public let name: String
    public let byteCount: Int64
    private let banner: [UInt8]

    /// - Parameters:
    ///   - name: the module's name, written into its inflated text so a dump shows what it is.
    ///   - release: the ESXi release the fixture imitates.
    ///   - byteCount: the exact size of the gzip file; at least `minimumByteCount`.
    public init(name: String, release: ESXiRelease, byteCount: Int64) throws {
        guard byteCount >= Self.minimumByteCount else {
            throw ESXiError.fixture("module \(name) would be \(byteCount) bytes; a gzip member needs at least "
                                    + "\(Self.minimumByteCount)")
        }
        self.name = name
        self.byteCount = byteCount
        let line = "vmedia fixture module \(name) for an ESXi \(release.rawValue)-shaped test image; not VMware software.\n"
        banner = Array(line.utf8)
    }

    /// Writes the member to `sink` in pieces of at most 1 MiB.
    public func write(to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try withoutActuallyEscaping(sink) { try write(buffered: OutputBuffer(sink: $0)) }
    }

    private func write(buffered: OutputBuffer) throws {
        var out = buffered
        // Header: no optional fields, MTIME 0 so the bytes do not depend on when the fixture was made.
        out.append([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03])
        var crc = crc32(0, nil, 0)
        var inflatedCount: UInt64 = 0

        // A Huffman-coded head when it fits with room for the final stored block and the trailer.
        let head = Array(repeating: banner, count: 32).flatMap { $0 }
        let compressedHead = try Self.rawDeflateSyncFlushed(head)
        var storedRoom = byteCount - 18
        if Int64(compressedHead.count) + 5 <= storedRoom {
            out.append(compressedHead)
            crc = head.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
            inflatedCount += UInt64(head.count)
            storedRoom -= Int64(compressedHead.count)
        }

        // Stored blocks: n blocks of (5 + length) bytes fill storedRoom exactly; lengths are spread evenly
        // so none exceeds 65,535 and none is negative.
        let blockCount = max(1, (storedRoom + 65_539) / 65_540)
        let dataCount = storedRoom - 5 * blockCount
        let pattern = Self.pattern(banner)
        var phase = 0
        for block in 0..<blockCount {
            let length = Int(dataCount / blockCount + (block < dataCount % blockCount ? 1 : 0))
            let final: UInt8 = block == blockCount - 1 ? 1 : 0
            let len = UInt16(length), nlen = ~UInt16(length)
            out.append([final, UInt8(len & 0xFF), UInt8(len >> 8), UInt8(nlen & 0xFF), UInt8(nlen >> 8)])
            var left = length
            while left > 0 {
                let take = min(left, pattern.count - phase)
                pattern.withUnsafeBufferPointer { all in
                    let piece = UnsafeBufferPointer(rebasing: all[phase..<phase + take])
                    crc = crc32(crc, piece.baseAddress, uInt(take))
                    out.append(UnsafeRawBufferPointer(piece))
                }
                phase = (phase + take) % banner.count
                left -= take
                try out.flushIfFull()
            }
            inflatedCount += UInt64(length)
        }

        let size = UInt32(truncatingIfNeeded: inflatedCount)
        let check = UInt32(crc)
        out.append([UInt8(check & 0xFF), UInt8(check >> 8 & 0xFF), UInt8(check >> 16 & 0xFF), UInt8(check >> 24),
                    UInt8(size & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 24)])
        try out.flush()
    }

    /// The whole member in memory (for small modules and tests).
    public func bytes() throws -> [UInt8] {
        var all: [UInt8] = []
        all.reserveCapacity(Int(byteCount))
        try write { all.append(contentsOf: $0) }
        return all
    }

    /// The banner repeated to a little over 64 KiB, so any run of filler is one slice of it at some phase.
    private static func pattern(_ banner: [UInt8]) -> [UInt8] {
        let copies = (65_536 + banner.count - 1) / banner.count + 1
        return Array(repeating: banner, count: copies).flatMap { $0 }
    }

    /// Raw deflate (no wrapper) of `data`, ended with a sync flush: byte-aligned and not final, so stored
    /// blocks may follow in the same member.
    private static func rawDeflateSyncFlushed(_ data: [UInt8]) throws -> [UInt8] {
        // zlib keeps a pointer back to the z_stream, so it must not move: heap-allocate it.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        let status = czlib_deflateInit2(stream, 9, -15)
        guard status == Z_OK else { throw ESXiError.zlib(function: "deflateInit2", code: status) }
        defer { deflateEnd(stream) }
        var input = data
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(data.count))) + 64)
        let produced: Int = try input.withUnsafeMutableBufferPointer { inBuf in
            try output.withUnsafeMutableBufferPointer { outBuf in
                stream.pointee.next_in = inBuf.baseAddress
                stream.pointee.avail_in = uInt(inBuf.count)
                stream.pointee.next_out = outBuf.baseAddress
                stream.pointee.avail_out = uInt(outBuf.count)
                let result = deflate(stream, Z_SYNC_FLUSH)
                guard result == Z_OK, stream.pointee.avail_in == 0 else {
                    throw ESXiError.zlib(function: "deflate", code: result)
                }
                return outBuf.count - Int(stream.pointee.avail_out)
            }
        }
        return Array(output[..<produced])
    }
}

/// Collects small appends into 1 MiB writes.
private struct OutputBuffer {
    let sink: (UnsafeRawBufferPointer) throws -> Void
    var buffer: [UInt8] = []
    static let capacity = 1 << 20

    init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.sink = sink
        buffer.reserveCapacity(Self.capacity)
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    mutating func flushIfFull() throws {
        if buffer.count >= Self.capacity { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try sink($0) }
        buffer.removeAll(keepingCapacity: true)
    }
}
