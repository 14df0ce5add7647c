import CZlib

/// Verifies gzip streams (RFC 1952) chunk by chunk with zlib: every member is inflated to the end and its
/// trailer checked (CRC-32 of the inflated data and ISIZE, its length modulo 2³²), so a module that was
/// truncated or damaged in transit is caught before a server tries to boot it. Memory stays bounded by one
/// 64 KiB output buffer plus zlib's 32 KiB window, whatever the module's size.
///
/// Why a class: zlib keeps a pointer back to its `z_stream` and refuses (`Z_STREAM_ERROR`) a stream that
/// has moved since `inflateInit2`, so the stream lives at one heap address for the verifier's life.
///
/// Stream rules, those of `gzip -t` (and of mboot, which inflates a module's first member and stops):
/// * concatenated members are one stream (RFC 1952 §2.2); each member is checked;
/// * bytes after the last member that do not start another member (1f 8b) are trailing data: counted and
///   reported, not an error. Image tools pad modules with zeros to a sector; any other trailing bytes are
///   reported as such so a reader can judge them, as `gzip -t` warns "trailing garbage ignored";
/// * the stream must start with a member and end at a member's end (or in trailing data): a missing
///   trailer is truncation.
public final class GzipStreamVerifier {
    /// What a completed check found.
    public struct Summary: Sendable, Equatable {
        /// Number of gzip members (1 for a file written by a single `gzip` run).
        public let members: Int
        /// Bytes of the whole stream, including trailing data.
        public let compressedByteCount: Int64
        /// Bytes that inflating every member produced.
        public let uncompressedByteCount: Int64
        /// Bytes after the last member (zero padding or other data).
        public let trailingByteCount: Int64
        /// How many of the trailing bytes are not zero: 0 means plain sector padding.
        public let trailingNonZeroByteCount: Int64

        public init(members: Int, compressedByteCount: Int64, uncompressedByteCount: Int64,
                    trailingByteCount: Int64 = 0, trailingNonZeroByteCount: Int64 = 0) {
            self.members = members
            self.compressedByteCount = compressedByteCount
            self.uncompressedByteCount = uncompressedByteCount
            self.trailingByteCount = trailingByteCount
            self.trailingNonZeroByteCount = trailingNonZeroByteCount
        }
    }

    private enum State {
        /// Before the first member, or right after a member: the next bytes start a member or trailing data.
        case boundary
        /// After a member, the byte 1f was seen and held back; the next byte decides member or trailing data.
        case heldSignatureByte
        /// Inside a member: zlib has consumed its header or more.
        case member
        /// Trailing data: everything up to the end is counted, nothing is inflated.
        case trailing
    }

    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutablePointer<UInt8>
    private static let outputCapacity = 64 << 10
    private var state = State.boundary
    private var offset: Int64 = 0
    private var members = 0
    private var uncompressed: Int64 = 0
    private var trailing: Int64 = 0
    private var trailingNonZero: Int64 = 0
    private var memberStart: Int64 = 0
    private var failure: ESXiError?
    private let name: String

    /// - Parameter name: the stream's name in error messages (the module path, e.g. `/s.v00`).
    public init(name: String) throws {
        self.name = name
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = .allocate(capacity: Self.outputCapacity)
        // 15 + 16: a 32 KiB window and a gzip wrapper (not zlib, not raw deflate, not auto-detect), so
        // zlib itself parses the RFC 1952 header and checks CRC-32 and ISIZE at each member's end.
        let status = czlib_inflateInit2(stream, 15 + 16)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            output.deallocate()
            throw ESXiError.zlib(function: "inflateInit2", code: status)
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    /// Feeds the next bytes of the stream. After the first error every later call rethrows it.
    public func consume(_ bytes: UnsafeRawBufferPointer) throws {
        if let failure { throw failure }
        do {
            try feed(bytes)
        } catch let error as ESXiError {
            failure = error
            throw error
        }
    }

    public func consume(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try consume($0) }
    }

    /// Ends the stream: fails if it stopped inside a member or held no member at all.
    public func finish() throws -> Summary {
        if let failure { throw failure }
        switch state {
        case .member:
            throw corrupt(at: offset, "the stream ends inside gzip member \(members + 1) (started at byte \(memberStart)): "
                          + "the file is truncated")
        case .heldSignatureByte:
            // A lone 1f at the very end is the start of a member that was cut off; gzip -t agrees
            // ("unexpected end of file").
            throw corrupt(at: offset - 1, "the stream ends one byte into gzip member \(members + 1): the file is truncated")
        case .boundary, .trailing:
            break
        }
        guard members > 0 else { throw corrupt(at: 0, "the file is empty") }
        return Summary(members: members, compressedByteCount: offset,
                       uncompressedByteCount: uncompressed, trailingByteCount: trailing,
                       trailingNonZeroByteCount: trailingNonZero)
    }

    private func feed(_ bytes: UnsafeRawBufferPointer) throws {
        guard var base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var remaining = bytes.count
        while remaining > 0 {
            switch state {
            case .boundary where members == 0:
                // The first member starts at byte 0; zlib checks the signature and header itself.
                try startMember()
            case .boundary:
                if base.pointee == GzipSignature.bytes[0] {
                    state = .heldSignatureByte
                    offset += 1
                    base += 1
                    remaining -= 1
                } else {
                    state = .trailing
                }
            case .heldSignatureByte:
                if base.pointee == GzipSignature.bytes[1] {
                    // Another member: give zlib the held 1f, then continue with this chunk.
                    offset -= 1
                    try startMember()
                    var held = GzipSignature.bytes[0]
                    try withUnsafeMutablePointer(to: &held) { pointer in
                        stream.pointee.next_in = pointer
                        stream.pointee.avail_in = 1
                        _ = try inflateAvailable()
                    }
                    offset += 1
                } else {
                    trailing += 1
                    trailingNonZero += 1
                    state = .trailing
                }
            case .trailing:
                for index in 0..<remaining where base[index] != 0 { trailingNonZero += 1 }
                trailing += Int64(remaining)
                offset += Int64(remaining)
                remaining = 0
            case .member:
                // zlib's avail_in is a 32-bit count; feed at most 1 GiB per call.
                let take = min(remaining, 1 << 30)
                // zlib declares next_in non-const (z_const is empty by default) but never writes through it.
                stream.pointee.next_in = UnsafeMutablePointer(mutating: base)
                stream.pointee.avail_in = uInt(take)
                let ended = try inflateAvailable()
                let used = take - Int(stream.pointee.avail_in)
                offset += Int64(used)
                base += used
                remaining -= used
                if ended {
                    members += 1
                    state = .boundary
                }
            }
        }
    }

    private func startMember() throws {
        let status = inflateReset(stream)
        guard status == Z_OK else { throw ESXiError.zlib(function: "inflateReset", code: status) }
        state = .member
        memberStart = offset
    }

    /// Inflates the input zlib holds; true when the member ended (trailer checked).
    private func inflateAvailable() throws -> Bool {
        while true {
            stream.pointee.next_out = output
            stream.pointee.avail_out = uInt(Self.outputCapacity)
            let status = inflate(stream, Z_NO_FLUSH)
            uncompressed += Int64(Self.outputCapacity - Int(stream.pointee.avail_out))
            switch status {
            case Z_STREAM_END:
                return true
            case Z_OK:
                // More output may be pending while the buffer was full; otherwise zlib wants input.
                if stream.pointee.avail_out == 0 { continue }
                if stream.pointee.avail_in == 0 { return false }
            case Z_BUF_ERROR:
                // No progress was possible: all input consumed and zlib waits for more. Not an error.
                return false
            case Z_DATA_ERROR:
                // total_in counts from this member's inflateReset, so it locates the damage in the module.
                throw corrupt(at: memberStart + Int64(stream.pointee.total_in),
                              describe(zlibMessage: stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"))
            default:
                // Z_MEM_ERROR or Z_STREAM_ERROR: a fault of the process, not of the module.
                throw ESXiError.zlib(function: "inflate", code: status)
            }
        }
    }

    /// Turns zlib's terse messages into what they mean for a module on an installer image.
    private func describe(zlibMessage message: String) -> String {
        let member = "gzip member \(members + 1) (starting at byte \(memberStart))"
        switch message {
        case "incorrect data check":
            let crc = String(stream.pointee.adler, radix: 16)
            return "CRC-32 mismatch in \(member): the inflated data has CRC-32 \(crc), the trailer records another"
        case "incorrect length check":
            return "ISIZE mismatch in \(member): the trailer's length does not match the \(stream.pointee.total_out) "
                + "inflated bytes (mod 2^32)"
        case "incorrect header check":
            return "not a gzip header in \(member): the signature 1f 8b is missing"
        default:
            return "invalid deflate data in \(member): zlib says '\(message)'"
        }
    }

    private func corrupt(at offset: Int64, _ reason: String) -> ESXiError {
        .moduleCorrupt(path: name, offset: offset, reason: reason)
    }
}

/// The gzip signature that starts every member (RFC 1952 §2.3.1: ID1 = 0x1f, ID2 = 0x8b).
public enum GzipSignature {
    public static let bytes: [UInt8] = [0x1F, 0x8B]

    /// True when `prefix` starts with the gzip signature. ESXi modules are recognised by content, not by
    /// name: `.gz`, `.b00`, `.v00`, `.t00` and `.tgz` are usually gzip, but the loader decides by the magic.
    public static func matches(_ prefix: some Collection<UInt8>) -> Bool {
        prefix.starts(with: bytes)
    }
}
