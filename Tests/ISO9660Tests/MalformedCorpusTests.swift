import Foundation
import ISO9660
import Testing
import TestSupport

/// Every damaged image of Fixtures/malformed gives an ISO9660Error naming the structure and the sector:
/// either opening fails, or opening succeeds and verify() reports the damage. Never a crash or a hang.
@Suite("Malformed images")
struct MalformedCorpusTests {
    /// Corpus file → the structure the first error must name.
    static let expectations: [String: String] = [
        "truncated-descriptors.iso": "PrimaryVolumeDescriptor",
        "truncated-directory.iso": "DirectoryRecord",
        "not-an-iso.iso": "PrimaryVolumeDescriptor",
        "directory-loop.iso": "DirectoryRecord",
        "directory-extent-past-end.iso": "DirectoryRecord",
        "file-extent-past-end.iso": "DirectoryRecord",
        "bad-catalog-checksum.iso": "ValidationEntry",
        "absurd-root-size.iso": "DirectoryRecord",
        "absurd-path-table-size.iso": "PathTableRecord",
        "record-past-directory-end.iso": "DirectoryRecord",
        "unterminated-descriptor-set.iso": "VolumeDescriptorSetTerminator",
        "continuation-area-loop.iso": "ContinuationAreaEntry",
    ]

    static var corpus: URL { Peer.packageRoot.appendingPathComponent("Fixtures/malformed") }

    @Test("the corpus and the expectations name the same files")
    func corpusIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".iso") }
        #expect(Set(files) == Set(Self.expectations.keys))
    }

    @Test("each malformed image gives an error naming the structure and the sector", arguments: expectations.keys.sorted())
    func reportsDamage(file: String) throws {
        let path = Self.corpus.appendingPathComponent(file).path
        var errors: [ISO9660Error] = []
        do {
            let image = try ISOImage(path: path)
            errors = try image.verify()
        } catch let error as ISO9660Error {
            errors = [error]
        }
        let first = try #require(errors.first, "\(file) must not pass as a sound image")
        #expect(first.structure == Self.expectations[file], "\(first)")
        for error in errors {
            #expect(error.sector != nil, "\(error) names a sector")
            #expect(error.description.contains("sector"), "\(error.description)")
            #expect(error.description.contains("Fix:"), "\(error.description)")
        }
    }

    @Test("the fuzz target replays the whole corpus without crashing (plain build: replay mode)")
    func fuzzTargetReplays() throws {
        let binary = URL(fileURLWithPath: VMediaBinary.path).deletingLastPathComponent().appendingPathComponent("iso9660-fuzz").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            try Peer.unavailable("iso9660-fuzz is not built next to vmedia (swift build builds it)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".iso") }.sorted()
        let run = try Peer.run([binary] + files.map { Self.corpus.appendingPathComponent($0).path }, timeout: 120)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "replayed ").count - 1 == files.count)
    }
}
