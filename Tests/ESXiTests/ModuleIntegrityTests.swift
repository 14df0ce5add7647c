import ESXi
import ESXiFixture
import Foundation
import Testing
import TestSupport

/// The gzip module check, compared with `gzip -t` (an independent implementation) on every input.
@Suite("gzip module integrity")
struct ModuleIntegrityTests {
    /// Deterministic, partly compressible bytes (so gzip makes real Huffman blocks, not stored ones).
    static func sample(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        return (0..<count).map { index in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return index % 3 == 0 ? UInt8(truncatingIfNeeded: state) : UInt8(ascii: "a") + UInt8(index % 7)
        }
    }

    /// Runs gzip with `data` in a file: Peer.run writes stdin before it reads stdout, so a large input
    /// through stdin would deadlock once gzip's output fills the pipe.
    static func runGzip(_ options: [String], _ data: [UInt8]) throws -> Peer.Result {
        let dir = try TemporaryDirectory()
        let input = dir.file("input")
        try Data(data).write(to: URL(fileURLWithPath: input))
        return try Peer.run([try Peer.tool("gzip")] + options + [input], timeout: 60)
    }

    static func gzip(_ data: [UInt8]) throws -> [UInt8] {
        let result = try runGzip(["-c", "-n", "-6"], data)
        #expect(result.status == 0)
        return [UInt8](result.stdoutData)
    }

    /// True when `gzip -t` accepts the bytes (exit 0; exit 2 is a warning such as trailing zeros).
    static func gzipAccepts(_ data: [UInt8]) throws -> Bool {
        let result = try runGzip(["-t"], data)
        return result.status == 0 || (result.status == 2 && !result.stderr.contains("crc error")
                                       && !result.stderr.contains("unexpected end") && !result.stderr.contains("invalid"))
    }

    static func verify(_ data: [UInt8], chunk: Int = 4096) throws -> GzipStreamVerifier.Summary {
        let verifier = try GzipStreamVerifier(name: "/test.v00")
        var start = 0
        while start < data.count {
            let end = min(data.count, start + chunk)
            try verifier.consume(Array(data[start..<end]))
            start = end
        }
        return try verifier.finish()
    }

    @Test("a gzip stream made by gzip(1) verifies, in any chunking, with the right sizes")
    func validStream() throws {
        let plain = Self.sample(count: 300_000, seed: 7)
        let compressed = try Self.gzip(plain)
        for chunk in [1, 2, 3, 511, 4096, 1 << 20] {
            let summary = try Self.verify(compressed, chunk: chunk)
            #expect(summary == .init(members: 1, compressedByteCount: Int64(compressed.count),
                                     uncompressedByteCount: Int64(plain.count)))
        }
    }

    @Test("concatenated members are one stream and each member is checked")
    func multiMember() throws {
        let a = try Self.gzip(Self.sample(count: 10_000, seed: 1))
        let b = try Self.gzip(Self.sample(count: 20_000, seed: 2))
        let summary = try Self.verify(a + b, chunk: 777)
        #expect(summary.members == 2)
        #expect(summary.uncompressedByteCount == 30_000)
        #expect(try Self.gzipAccepts(a + b))
    }

    @Test("zero padding after the last member is counted, not rejected")
    func zeroPadding() throws {
        let a = try Self.gzip(Self.sample(count: 5000, seed: 3))
        let padded = a + [UInt8](repeating: 0, count: 2048 - a.count % 2048)
        let summary = try Self.verify(padded, chunk: 100)
        #expect(summary.trailingByteCount == Int64(padded.count - a.count))
        #expect(summary.trailingNonZeroByteCount == 0)
        #expect(try Self.gzipAccepts(padded))
    }

    @Test("other trailing data is counted and reported like gzip -t's 'trailing garbage ignored' warning",
          arguments: [[UInt8](Array("garbage".utf8)), [0, 0, 0, 0, 0x41], [0x1F, 0x00, 0x1F]])
    func trailingGarbage(tail: [UInt8]) throws {
        let a = try Self.gzip(Self.sample(count: 5000, seed: 4))
        for chunk in [1, 2, 64, 100_000] {
            let summary = try Self.verify(a + tail, chunk: chunk)
            #expect(summary.members == 1)
            #expect(summary.compressedByteCount == Int64(a.count + tail.count))
            #expect(summary.trailingByteCount == Int64(tail.count))
            #expect(summary.trailingNonZeroByteCount == Int64(tail.filter { $0 != 0 }.count))
        }
        let peer = try Self.runGzip(["-t"], a + tail)
        #expect(peer.status == 2 && peer.stderr.contains("trailing garbage ignored"), "gzip -t: \(peer.stderr)")
    }

    /// Damage and what the verifier must say; each is also checked against `gzip -t`.
    static let damages: [(name: String, expected: String, damage: @Sendable ([UInt8]) -> [UInt8])] = [
        ("CRC-32 in the trailer", "CRC-32 mismatch", { var d = $0; d[d.count - 8] ^= 0xFF; return d }),
        ("ISIZE in the trailer", "ISIZE mismatch", { var d = $0; d[d.count - 1] ^= 0x01; return d }),
        ("truncated by one byte", "truncated", { Array($0.dropLast()) }),
        ("truncated in the middle", "truncated", { Array($0.prefix($0.count / 2)) }),
        ("a flipped bit in the deflate data", "member 1", { var d = $0; d[d.count / 2] ^= 0x10; return d }),
        ("a wrong signature", "not a gzip header", { var d = $0; d[1] = 0x8C; return d }),
        ("a second member cut short", "truncated", { $0 + Array($0.prefix(100)) }),
        ("a second member cut after its first byte", "truncated", { $0 + [0x1F] }),
        ("a second member with a broken header", "member 2", { $0 + [0x1F, 0x8B, 0x63, 0, 0, 0, 0, 0, 0, 3, 1, 2] }),
        ("a zeroed sector (lost write)", "member 1", { var d = $0; for i in 1024..<3072 { d[i] = 0 }; return d }),
    ]

    @Test("every kind of damage is caught with a message saying what and where, as gzip -t also rejects it",
          arguments: 0..<damages.count)
    func damaged(index: Int) throws {
        let (name, expected, damage) = Self.damages[index]
        let good = try Self.gzip(Self.sample(count: 200_000, seed: 11))
        let bad = damage(good)
        #expect(try !Self.gzipAccepts(bad), "gzip -t accepts the input for '\(name)', so the test is wrong")
        do {
            let summary = try Self.verify(bad, chunk: 1000)
            Issue.record("'\(name)' was not detected: \(summary)")
        } catch let error as ESXiError {
            guard case .moduleCorrupt(let path, let offset, let reason) = error else {
                Issue.record("'\(name)': unexpected error \(error)"); return
            }
            #expect(path == "/test.v00")
            #expect(offset >= 0 && offset <= Int64(bad.count))
            #expect(expected.split(separator: "|").contains { reason.contains($0) }, "'\(name)': \(reason)")
            #expect(error.description.contains("download it again"))
        }
    }

    @Test("empty input and input of only zeros are not gzip modules")
    func emptyAndZeros() throws {
        #expect(throws: ESXiError.self) { try Self.verify([]) }
        #expect(throws: ESXiError.self) { try Self.verify([0, 0, 0]) }
    }

    @Test("fixture module payloads have the exact size asked for and gzip -t accepts them",
          arguments: [Int64(23), 24, 28, 200, 1000, 65_540, 65_541, 65_545, 131_080, 1_048_579, 3_000_001])
    func fixturePayload(size: Int64) throws {
        let payload = try FixtureModulePayload(name: "s.v00", release: .v8_0, byteCount: size)
        let bytes = try payload.bytes()
        #expect(Int64(bytes.count) == size)
        #expect(try Self.gzipAccepts(bytes))
        let summary = try Self.verify(bytes, chunk: 65_536)
        #expect(summary.members == 1)
        // gzip -dc must produce exactly as many bytes as we counted, starting with the banner when it fits.
        let inflated = try Self.runGzip(["-dc"], bytes)
        #expect(Int64(inflated.stdoutData.count) == summary.uncompressedByteCount)
        if size >= 200 { #expect(inflated.stdout.hasPrefix("vmedia fixture module s.v00 for an ESXi 8.0")) }
        // Same inputs, same bytes.
        #expect(try FixtureModulePayload(name: "s.v00", release: .v8_0, byteCount: size).bytes() == bytes)
    }

    @Test("a module smaller than the smallest gzip member is refused")
    func payloadTooSmall() throws {
        #expect(throws: ESXiError.self) { try FixtureModulePayload(name: "k.b00", release: .v7_0, byteCount: 22) }
    }

    @Test("an installer tree verifies; a corrupt, a missing and an empty module are each reported by name")
    func installerTree() throws {
        let dir = try TemporaryDirectory()
        let release = ESXiRelease.v7_0
        try FileManager.default.createDirectory(atPath: dir.file("EFI/BOOT"), withIntermediateDirectories: true)
        try Data(release.stockBootConfig).write(to: URL(fileURLWithPath: dir.file("BOOT.CFG")))
        try Data(release.stockBootConfig).write(to: URL(fileURLWithPath: dir.file("EFI/BOOT/BOOT.CFG")))
        for module in [release.kernel] + release.modules {
            // Upper-case names, as on the ISO, so lookups must ignore case like ESXi's loaders.
            let bytes = try FixtureModulePayload(name: module.name, release: release, byteCount: 2000 + Int64(module.weight)).bytes()
            try Data(bytes).write(to: URL(fileURLWithPath: dir.file(module.name.uppercased())))
        }
        let files = DirectoryInstallerFiles(root: dir.path, chunkSize: 1000)
        let image = try ESXiInstallerImage(files: files)
        let healthy = try image.verifyBootFiles(files: files)
        #expect(healthy.isHealthy)
        #expect(healthy.gzipCount == release.modules.count + 1)

        // Damage: a CRC byte of s.v00, delete vim.v00, empty useropts.gz (legal), plain text in features.gz.
        let sv00 = dir.file("S.V00")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: sv00)))
        bytes[bytes.count - 6] ^= 0x55
        try Data(bytes).write(to: URL(fileURLWithPath: sv00))
        try FileManager.default.removeItem(atPath: dir.file("VIM.V00"))
        try Data().write(to: URL(fileURLWithPath: dir.file("USEROPTS.GZ")))
        try Data("not compressed".utf8).write(to: URL(fileURLWithPath: dir.file("FEATURES.GZ")))
        var seen = 0
        let report = try image.verifyBootFiles(files: files) { _, done, total in
            seen = done
            #expect(total == release.modules.count + 1)
        }
        #expect(seen == release.modules.count + 1)
        #expect(!report.isHealthy)
        #expect(report.failures.map(\.path) == ["/vim.v00", "/s.v00"])
        let byPath = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.path, $0) })
        #expect(byPath["/useropts.gz"]?.outcome == .empty)
        #expect(byPath["/features.gz"]?.outcome == .notGzip)
        #expect(byPath["/vim.v00"]?.outcome == .missing)
        #expect(byPath["/s.v00"]?.summary.contains("CRC-32 mismatch") == true)
    }

    @Test("a tree without /BOOT.CFG is not an installer image")
    func notAnInstaller() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: ESXiError.notAnInstallerImage(reason: "there is no /BOOT.CFG")) {
            try ESXiInstallerImage(files: DirectoryInstallerFiles(root: dir.path))
        }
    }
}
