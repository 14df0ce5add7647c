#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Positional file I/O that retries short transfers and EINTR, and a kernel-side range copy.
enum FileDescriptorIO {
    static func preadFully(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64,
                           path: String) throws {
        var done = 0
        while done < buffer.count {
            let count = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + Int64(done)))
            if count < 0 {
                if errno == EINTR { continue }
                throw ISO9660Error.io(operation: "read", path: path, errno: errno)
            }
            if count == 0 {
                throw ISO9660Error.layeredImage(
                    detail: "\(path) ended at byte \(offset + Int64(done)) while \(buffer.count - done) more bytes were expected",
                    fix: "the file is shorter than when the image was made; restore it or run the command again")
            }
            done += count
        }
    }

    static func pwriteFully(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int64, path: String) throws {
        var done = 0
        while done < buffer.count {
            let count = pwrite(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + Int64(done)))
            if count < 0 {
                if errno == EINTR { continue }
                throw ISO9660Error.io(operation: "write", path: path, errno: errno)
            }
            done += count
        }
    }

    /// copy_file_range(2) and sync_file_range(2) are looked up at run time: Swift's Glibc module does not import
    /// them (they are behind _GNU_SOURCE). Neither is variadic, so calling through a C function pointer is ABI-safe.
    private typealias CopyFileRange = @convention(c) (
        Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32
    ) -> Int
    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    private static let copyFileRange = libcFunction("copy_file_range", as: CopyFileRange.self)
    private static let syncFileRange = libcFunction("sync_file_range", as: SyncFileRange.self)

    private static func libcFunction<Function>(_ name: String, as type: Function.Type) -> Function? {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
        #else
        return nil
        #endif
    }

    /// Starts writeback of `length` bytes at `offset` without waiting for it (SYNC_FILE_RANGE_WRITE).
    /// A large write that ends in fsync otherwise leaves every dirty page to that fsync, which then writes
    /// the whole file while nothing else happens; started early, the disk writes overlap the copying.
    /// Best effort: where the call is missing or fails, the final fsync still does all of it.
    static func startWriteback(_ descriptor: Int32, at offset: Int64, length: Int64) {
        guard length > 0, let syncFileRange else { return }
        _ = syncFileRange(descriptor, offset, length, 2 /* SYNC_FILE_RANGE_WRITE */)
    }

    /// Copies `count` bytes from `input` at `inputOffset` to `output` at `outputOffset`, in the kernel
    /// where possible. Falls back to read/write when the file systems refuse (EXDEV on old kernels,
    /// EINVAL/ENOSYS/EOPNOTSUPP). Returns the bytes the kernel moved; `progress` gets each chunk's size.
    @discardableResult
    static func copyRange(from input: Int32, at inputOffset: Int64, to output: Int32, at outputOffset: Int64,
                          count: Int64, sourcePath: String, targetPath: String,
                          progress: (Int64) -> Void) throws -> Int64 {
        var remaining = count
        var inOffset = inputOffset
        var outOffset = outputOffset
        var kernelBytes: Int64 = 0
        let chunk: Int64 = 16 << 20
        if let copyFileRange {
            while remaining > 0 {
                let moved = copyFileRange(input, &inOffset, output, &outOffset, Int(min(chunk, remaining)), 0)
                if moved < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    if [EXDEV, EINVAL, ENOSYS, EOPNOTSUPP, EBADF].contains(code) { break }
                    throw ISO9660Error.io(operation: "copy_file_range into", path: targetPath, errno: code)
                }
                if moved == 0 {
                    throw ISO9660Error.layeredImage(
                        detail: "\(sourcePath) ended at byte \(inOffset) while \(remaining) more bytes were expected",
                        fix: "the source file is shorter than when the image was made; restore it or run the command again")
                }
                remaining -= Int64(moved)
                kernelBytes += Int64(moved)
                progress(Int64(moved))
            }
        }
        if remaining > 0 {
            let bufferSize = 1 << 20
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)
            defer { buffer.deallocate() }
            while remaining > 0 {
                let size = Int(min(Int64(bufferSize), remaining))
                let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size])
                try preadFully(input, into: slice, at: inOffset, path: sourcePath)
                try pwriteFully(output, UnsafeRawBufferPointer(slice), at: outOffset, path: targetPath)
                inOffset += Int64(size)
                outOffset += Int64(size)
                remaining -= Int64(size)
                progress(Int64(size))
            }
        }
        return kernelBytes
    }

    /// fsync the directory holding `path` so a rename survives a crash. Best effort.
    static func syncDirectory(of path: String) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
