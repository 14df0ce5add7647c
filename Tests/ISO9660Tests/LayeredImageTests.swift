import Foundation
import Testing
import TestSupport
@testable import ISO9660

/// LayeredImage is checked against an independent model: a byte array with the patches applied in order.
@Suite("LayeredImage: source file + overlay + appended extents")
struct LayeredImageTests {
    struct Model {
        var bytes: [UInt8]
        mutating func apply(_ patch: LayeredImage.Patch, length: Int) {
            if bytes.count < length { bytes += [UInt8](repeating: 0, count: length - bytes.count) }
            for (i, b) in patch.bytes.enumerated() { bytes[Int(patch.offset) + i] = b }
        }
    }

    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
    }

    func makeSource(_ directory: TemporaryDirectory, count: Int, seed: UInt64) throws -> (String, [UInt8]) {
        var generator = Generator(state: seed)
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = directory.file("source.iso")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    @Test("random patches and ranges read exactly what the model holds", arguments: [1, 2, 3, 4])
    func randomRanges(seed: UInt64) throws {
        let directory = try TemporaryDirectory()
        let sourceCount = 64 * 2048 + 100
        let (path, source) = try makeSource(directory, count: sourceCount, seed: seed)
        var generator = Generator(state: seed &* 977)
        let length = sourceCount + Int.random(in: 0...20_000, using: &generator)
        var model = Model(bytes: source)
        var patches: [LayeredImage.Patch] = []
        for _ in 0..<Int.random(in: 1...40, using: &generator) {
            let size = Int.random(in: 1...5000, using: &generator)
            let offset = Int.random(in: 0...(length - size), using: &generator)
            let patch = LayeredImage.Patch(offset: Int64(offset),
                                           bytes: (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
            patches.append(patch)
            model.apply(patch, length: length)
        }
        model.bytes += [UInt8](repeating: 0, count: max(0, length - model.bytes.count))
        let image = try LayeredImage(sourcePath: path, patches: patches, byteCount: Int64(length))
        #expect(image.byteCount == Int64(length))
        #expect(try image.read(0..<image.byteCount) == model.bytes)
        for _ in 0..<300 {
            let a = Int.random(in: 0..<length, using: &generator)
            let b = Int.random(in: a...min(length, a + 70_000), using: &generator)
            let segments = image.segments(in: Int64(a)..<Int64(b))
            #expect(segments.reduce(0) { $0 + $1.length } == Int64(b - a))
            #expect(!segments.contains { $0.length == 0 })
            #expect(try image.read(Int64(a)..<Int64(b)) == Array(model.bytes[a..<b]))
        }
        let output = directory.file("out.iso")
        let report = try image.write(to: output)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: output))) == model.bytes)
        #expect(report.byteCount == Int64(length))
        #expect(report.kernelCopiedByteCount + report.memoryByteCount <= Int64(length))
        // The source file is untouched.
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == source)
    }

    @Test("the ETag is stable for equal images and changes with any patch byte")
    func etag() throws {
        let directory = try TemporaryDirectory()
        let (path, _) = try makeSource(directory, count: 8192, seed: 9)
        let a = try LayeredImage(sourcePath: path, patches: [.init(offset: 2048, bytes: [1, 2, 3])])
        let b = try LayeredImage(sourcePath: path, patches: [.init(offset: 2048, bytes: [1, 2, 3])])
        let c = try LayeredImage(sourcePath: path, patches: [.init(offset: 2048, bytes: [1, 2, 4])])
        #expect(a.etag == b.etag)
        #expect(a.etag != c.etag)
        #expect(a.etag.hasPrefix("\"") && a.etag.hasSuffix("\"") && a.etag.count == 34)
    }

    @Test("a changed source file is detected and not written")
    func sourceChange() throws {
        let directory = try TemporaryDirectory()
        let (path, _) = try makeSource(directory, count: 8192, seed: 5)
        let image = try LayeredImage(sourcePath: path, patches: [.init(offset: 0, bytes: [7])])
        try image.checkSourceUnchanged()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([1]))
        try handle.close()
        #expect(throws: ISO9660Error.self) { try image.checkSourceUnchanged() }
        let output = directory.file("out.iso")
        #expect(throws: ISO9660Error.self) { try image.write(to: output) }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("writing over the source image is refused and leaves it intact")
    func refuseSourceOverwrite() throws {
        let directory = try TemporaryDirectory()
        let (path, source) = try makeSource(directory, count: 8192, seed: 6)
        let image = try LayeredImage(sourcePath: path, patches: [.init(offset: 0, bytes: [7])])
        #expect(throws: ISO9660Error.self) { try image.write(to: path) }
        let link = directory.file("link.iso")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        #expect(throws: ISO9660Error.self) { try image.write(to: link) }
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == source)
    }

    @Test("a failed write leaves neither output nor temporary file behind")
    func atomicFailure() throws {
        let directory = try TemporaryDirectory()
        let (path, _) = try makeSource(directory, count: 8192, seed: 7)
        let image = try LayeredImage(sourcePath: path, patches: [])
        let output = directory.file("missing-dir/out.iso")
        #expect(throws: ISO9660Error.self) { try image.write(to: output) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["source.iso"])
    }

    @Test("a patch past the declared length is rejected")
    func patchPastEnd() throws {
        let directory = try TemporaryDirectory()
        let (path, _) = try makeSource(directory, count: 4096, seed: 8)
        #expect(throws: ISO9660Error.self) {
            try LayeredImage(sourcePath: path, patches: [.init(offset: 4096, bytes: [1])], byteCount: 4096)
        }
    }
}
