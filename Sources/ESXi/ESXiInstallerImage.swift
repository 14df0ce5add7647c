/// Read access to the files of an installer image, whatever holds them: an ISO (through the ISO9660
/// reader), an extracted directory, or a test's dictionary. The seam between ESXi's rules and storage.
public protocol InstallerImageFiles {
    /// The size of the file at `path` (absolute, `/`-separated, e.g. `/EFI/BOOT/BOOT.CFG`), or nil when the
    /// image has no such file. Lookups should ignore case and a `;1` version, as ESXi's loaders do.
    func byteCount(ofFile path: String) throws -> Int64?

    /// Streams the file at `path` to `body` in order, in chunks of the implementation's choosing, so a
    /// 300 MB module never has to sit in memory. Throws when the file is missing or unreadable.
    func readFile(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws
}

extension InstallerImageFiles {
    /// The whole file in memory: only for small files such as BOOT.CFG.
    func contents(of path: String, limit: Int64) throws -> [UInt8]? {
        guard let size = try byteCount(ofFile: path) else { return nil }
        guard size <= limit else {
            throw ESXiError.notAnInstallerImage(reason: "\(path) is \(size) bytes; a boot configuration is a few KiB")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(size))
        try readFile(path) { bytes.append(contentsOf: $0) }
        return bytes
    }
}

/// An ESXi installer image as its boot loaders see it: `/BOOT.CFG` for BIOS (mboot.c32, via ISOLINUX.CFG's
/// `APPEND -c boot.cfg`), `/EFI/BOOT/BOOT.CFG` for UEFI (mboot.efi reads `boot.cfg` from its own directory),
/// and the kernel and modules those files name.
public struct ESXiInstallerImage: Sendable {
    public static let biosBootConfigPath = "/BOOT.CFG"
    public static let efiBootConfigPath = "/EFI/BOOT/BOOT.CFG"

    /// `/BOOT.CFG`.
    public let biosBootConfig: BootConfig
    /// `/EFI/BOOT/BOOT.CFG`, when the image can boot under UEFI.
    public let efiBootConfig: BootConfig?

    /// Reads both boot configurations. An image without `/BOOT.CFG` is not an ESXi installer.
    public init(files: some InstallerImageFiles) throws {
        guard let bios = try files.contents(of: Self.biosBootConfigPath, limit: 1 << 20) else {
            throw ESXiError.notAnInstallerImage(reason: "there is no \(Self.biosBootConfigPath)")
        }
        biosBootConfig = BootConfig(bytes: bios, name: Self.biosBootConfigPath)
        efiBootConfig = try files.contents(of: Self.efiBootConfigPath, limit: 1 << 20)
            .map { BootConfig(bytes: $0, name: Self.efiBootConfigPath) }
    }

    /// Every file the boot configurations load (kernel first, then the modules in order), BIOS list first
    /// and then whatever only the EFI list names; each path once.
    public func bootFiles() throws -> [String] {
        var paths = try biosBootConfig.bootFiles(configDirectory: "/")
        if let efi = efiBootConfig {
            for path in try efi.bootFiles(configDirectory: "/EFI/BOOT") where !paths.contains(where: { Self.samePath($0, path) }) {
                paths.append(path)
            }
        }
        return paths
    }

    /// Checks every boot file: gzip ones (recognised by the 1f 8b signature, not by name) are inflated to
    /// the end with CRC-32 and ISIZE checked; others are read in full to prove they are readable.
    /// Never stops at the first bad module: the report lists them all.
    ///
    /// - Parameter progress: called after each file with its result and the running count.
    public func verifyBootFiles(files: some InstallerImageFiles,
                                progress: (ModuleCheck, Int, Int) -> Void = { _, _, _ in }) throws -> ModuleVerificationReport {
        let paths = try bootFiles()
        var checks: [ModuleCheck] = []
        for (index, path) in paths.enumerated() {
            let check = Self.check(path, files: files)
            checks.append(check)
            progress(check, index + 1, paths.count)
        }
        return ModuleVerificationReport(checks: checks)
    }

    /// Checks one file; failures become part of the result, never a thrown error.
    public static func check(_ path: String, files: some InstallerImageFiles) -> ModuleCheck {
        let size: Int64
        do {
            guard let found = try files.byteCount(ofFile: path) else {
                return ModuleCheck(path: path, byteCount: 0, outcome: .missing)
            }
            size = found
        } catch {
            return ModuleCheck(path: path, byteCount: 0, outcome: .unreadable("\(error)"))
        }
        if size == 0 { return ModuleCheck(path: path, byteCount: 0, outcome: .empty) }
        var verifier: GzipStreamVerifier?
        var sawFirstChunk = false
        var readCount: Int64 = 0
        do {
            try files.readFile(path) { chunk in
                if !sawFirstChunk, !chunk.isEmpty {
                    sawFirstChunk = true
                    // Decide by the signature; a first chunk of the single byte 1f is taken as gzip and
                    // zlib's header check then judges the second byte.
                    if chunk.count >= 2, GzipSignature.matches(chunk) {
                        verifier = try GzipStreamVerifier(name: path)
                    } else if chunk.count == 1, chunk[0] == 0x1F {
                        verifier = try GzipStreamVerifier(name: path)
                    }
                }
                readCount += Int64(chunk.count)
                try verifier?.consume(chunk)
            }
            guard readCount == size else {
                return ModuleCheck(path: path, byteCount: size,
                                   outcome: .unreadable("read \(readCount) of \(size) bytes"))
            }
            guard let verifier else { return ModuleCheck(path: path, byteCount: size, outcome: .notGzip) }
            return ModuleCheck(path: path, byteCount: size, outcome: .gzip(try verifier.finish()))
        } catch let error as ESXiError {
            if case .moduleCorrupt(_, let offset, let reason) = error {
                return ModuleCheck(path: path, byteCount: size, outcome: .corrupt(offset: offset, reason: reason))
            }
            return ModuleCheck(path: path, byteCount: size, outcome: .unreadable(error.description))
        } catch {
            return ModuleCheck(path: path, byteCount: size, outcome: .unreadable("\(error)"))
        }
    }

    /// ESXi's loaders compare names without regard to case (`/s.v00` finds `S.V00;1`).
    static func samePath(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }
}

/// The result of checking one boot file.
public struct ModuleCheck: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Every gzip member inflated with matching CRC-32 and ISIZE.
        case gzip(GzipStreamVerifier.Summary)
        /// Readable, but not gzip-compressed (no 1f 8b signature): mboot loads such files as they are.
        case notGzip
        /// Zero bytes long: stock images carry a few empty placeholders; mboot loads them as empty modules.
        case empty
        /// BOOT.CFG names it, but the image has no such file: mboot would stop with "file not found".
        case missing
        /// A gzip stream that fails to inflate or whose trailer does not match.
        case corrupt(offset: Int64, reason: String)
        /// The file could not be read (I/O error, short read).
        case unreadable(String)
    }

    public let path: String
    public let byteCount: Int64
    public let outcome: Outcome

    /// True when a boot loader would load this file successfully.
    public var isHealthy: Bool {
        switch outcome {
        case .gzip, .notGzip, .empty: return true
        case .missing, .corrupt, .unreadable: return false
        }
    }

    /// One line for a report: `ok /s.v00: gzip, 1 member, 154873344 → 161480704 bytes`.
    public var summary: String { (isHealthy ? "ok " : "FAIL ") + finding }

    /// What was found, without the verdict: `/s.v00: corrupt at byte 512: …` (for messages that say "failed" themselves).
    public var finding: String {
        switch outcome {
        case .gzip(let gzip):
            let padding = gzip.trailingByteCount == 0 ? ""
                : gzip.trailingNonZeroByteCount == 0 ? ", then \(gzip.trailingByteCount) zero padding bytes"
                : ", then \(gzip.trailingByteCount) bytes of trailing data that is not gzip (ignored, as by gzip -t and mboot)"
            return "\(path): gzip, \(gzip.members) member\(gzip.members == 1 ? "" : "s"), "
                + "\(gzip.compressedByteCount) → \(gzip.uncompressedByteCount) bytes, CRC-32 and ISIZE match\(padding)"
        case .notGzip: return "\(path): \(byteCount) bytes, not gzip-compressed (read in full)"
        case .empty: return "\(path): empty"
        case .missing: return "\(path): listed in BOOT.CFG but not on the image"
        case .corrupt(let offset, let reason): return "\(path): corrupt at byte \(offset): \(reason)"
        case .unreadable(let reason): return "\(path): unreadable: \(reason)"
        }
    }
}

/// Every boot file's check, in BOOT.CFG order.
public struct ModuleVerificationReport: Sendable, Equatable {
    public let checks: [ModuleCheck]

    public var isHealthy: Bool { checks.allSatisfy(\.isHealthy) }
    public var failures: [ModuleCheck] { checks.filter { !$0.isHealthy } }
    public var gzipCount: Int { checks.filter { if case .gzip = $0.outcome { return true } else { return false } }.count }
    public var byteCount: Int64 { checks.reduce(0) { $0 + $1.byteCount } }
}
