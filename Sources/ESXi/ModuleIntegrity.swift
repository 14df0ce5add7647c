import CZlib

/// Verifies gzip streams (RFC 1952) chunk by chunk with zlib: every member is inflated to the end and its
/// trailer checked (CRC-32 of the inflated data and ISIZE, its length modulo 2³²), so a module that was
/// truncated or damaged in transit is caught before a server tries to boot it. Memory stays bounded by one
/// 64 KiB output buffer plus zlib's 32 KiB window, whatever the module's size.
///
/// Why a class: zlib keeps a pointer back to its `z_stream` and refuses (`Z_STREAM_ERROR`) a stream that
/// has moved since `inflateInit2`, so the stream lives at one heap address for the verifier's life.
///
/// Stream rules, matching what `gzip -t` accepts and what ESXi's loader decompresses:
/// * concatenated members are one stream (RFC 1952 §2.2); each is checked;
/// * zero bytes after the last member are padding (image tools pad to a sector) and are counted, not
///   rejected; any other trailing byte must start another member, else it is corruption;
/// * the stream must end exactly at a member's end (or in padding): a missing trailer is truncation.
public final class GzipStreamVerifier {
    /// What a completed check found.
    public struct Summary: Sendable, Equatable {
        /// Number of gzip members (1 for a file written by a single `gzip` run).
        public let members: Int
        /// Bytes of the gzip stream itself, including padding.
        public let compressedByteCount: Int64
        /// Bytes that inflating every member produced.
        public let uncompressedByteCount: Int64
        /// Zero bytes after the last member.
        public let trailingZeroByteCount: Int64
    }

    private enum State {
        /// Inside a member: zlib has consumed its header or more.
        case member
        /// Between members, or before the first: the next non-zero byte must start a member.
        case boundary
        /// After zero padding: only further zero bytes may follow.
        case padding
    }

    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutablePointer<UInt8>
    private static let outputCapacity = 64 << 10
    private var state = State.boundary
    private var offset: Int64 = 0
    private var members = 0
    private var uncompressed: Int64 = 0
    private var zeros: Int64 = 0
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
        case .boundary, .padding:
            guard members > 0 else {
                throw corrupt(at: 0, zeros > 0 ? "the file holds only zero bytes" : "the file is empty")
            }
        }
        return Summary(members: members, compressedByteCount: offset, uncompressedByteCount: uncompressed,
                       trailingZeroByteCount: zeros)
    }

    private func feed(_ bytes: UnsafeRawBufferPointer) throws {
        guard var base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var remaining = bytes.count
        while remaining > 0 {
            switch state {
            case .padding, .boundary:
                let byte = base.pointee
                if byte == 0 {
                    if state == .boundary, members == 0 {
                        throw corrupt(at: offset, "expected the gzip signature 1f 8b, found 00")
                    }
                    state = .padding
                    zeros += 1
                    offset += 1
                    base += 1
                    remaining -= 1
                    continue
                }
                if state == .padding {
                    throw corrupt(at: offset, "byte 0x\(String(byte, radix: 16)) after \(zeros) zero padding bytes that "
                                  + "followed the last gzip member")
                }
                // A new member starts here; zlib checks the signature and header itself.
                let status = inflateReset(stream)
                guard status == Z_OK else { throw ESXiError.zlib(function: "inflateReset", code: status) }
                state = .member
                memberStart = offset
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
