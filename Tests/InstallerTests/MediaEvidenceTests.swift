import BMCSimulator
import ESXi
import ESXiFixture
import Foundation
@testable import Installer
@testable import MediaServer
import Testing
@testable import VMediaCLI
import TestSupport

/// The media-read phase rests on reads after the power action, mapped to the image's files.
@Suite("Media evidence after the power action")
struct MediaEvidenceTests {
    static func hostImage(in directory: TemporaryDirectory) throws -> ESXiHostImage {
        let path = directory.file("fixture.iso")
        _ = try ESXiFixture(options: ESXiFixture.Options(release: .v8_0, imageByteCount: 48 << 20)).write(to: path)
        return try ESXiRemaster(sourcePath: path).hostImage(kickstart: Array("vmaccepteula\n".utf8))
    }

    @Test("the map holds the boot images, both BOOT.CFG copies, every BOOT.CFG module and KS.CFG, where isoinfo finds them")
    func map() throws {
        let directory = try TemporaryDirectory()
        let host = try Self.hostImage(in: directory)
        let map = try BootMediaMap(hostImage: host)
        let listed = try host.biosBootConfig.bootFiles()
        #expect(map.moduleCount == Set(listed.map { $0.uppercased() }).count && map.moduleCount > 10)
        #expect(map.files.filter { $0.role == .bootImage }.count == 2)
        #expect(map.files.filter { $0.role == .bootConfig }.map(\.path).sorted() == ["/BOOT.CFG", "/EFI/BOOT/BOOT.CFG"])
        // KS.CFG's extent, cross-checked with an independent reader of the written image.
        let written = directory.file("host.iso")
        _ = try host.image.write(to: written)
        let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
        let listing = try Peer.run([isoinfo, "-l", "-i", written])
        let ks = try #require(map.files.first { $0.role == .kickstart })
        let line = try #require(listing.stdout.split(separator: "\n").first { $0.contains("KS.CFG") }, "\(listing.stdout.suffix(600)) \(listing.stderr)")
        // isoinfo -l: "... [ LBA  ???] SIZE ..." — the extent in brackets, then the size.
        let bracket = try #require(line.range(of: "["))
        let fields = line[bracket.upperBound...].split(separator: " ")
        #expect(Int64(fields[0]).map { $0 * 2048 } == ks.range.lowerBound, "\(line)")
        #expect(Int64(ks.range.count) == Int64(host.kickstart.count))
    }

    @Test("reads before the mark prove nothing; after it, files count once fully served, in boot order")
    func evidence() throws {
        let directory = try TemporaryDirectory()
        let map = try BootMediaMap(hostImage: try Self.hostImage(in: directory))
        var stats = ImageStatisticsSnapshot()
        var evidence = MediaReadEvidence(map: map, imageBytes: 48 << 20)
        // Before the mark, even the whole of KS.CFG: not evidence.
        let ks = try #require(map.files.first { $0.role == .kickstart })
        stats.record(Self.event(ks.range, at: 100))
        evidence.noteBeforeMark(stats)
        stats.markTime = 200
        stats.record(Self.event(ks.range, at: 150))  // arrived before the mark (a late insert probe)
        evidence.ingest(stats)
        #expect(!evidence.anythingRead && !evidence.mediaReadReached)
        #expect(evidence.summary() == "no read of the image since the restart")
        var time = 201.0
        for file in map.files where file.role != .kickstart {
            // Two halves, the second completing the file.
            let middle = file.range.lowerBound + Int64(file.range.count / 2)
            stats.record(Self.event(file.range.lowerBound..<middle, at: time))
            stats.record(Self.event(middle..<file.range.upperBound, at: time + 0.5))
            time += 1
        }
        evidence.ingest(stats)
        #expect(evidence.anythingRead && !evidence.bootedOurImage && evidence.modulesRead == map.moduleCount)
        #expect(evidence.summary(timeZone: TimeZone(identifier: "UTC")!).hasSuffix("KS.CFG not read yet"))
        stats.record(Self.event(ks.range.lowerBound..<(ks.range.lowerBound + 1), at: time))
        evidence.ingest(stats)
        #expect(!evidence.bootedOurImage, "one byte of KS.CFG is not KS.CFG read")
        stats.record(Self.event(ks.range, at: 3723))
        evidence.ingest(stats)
        #expect(evidence.bootedOurImage && evidence.mediaReadReached)
        #expect(evidence.summary(timeZone: TimeZone(identifier: "UTC")!) ==
                "booted our image: KS.CFG read 01:02:03, \(map.moduleCount)/\(map.moduleCount) modules")
    }

    @Test("a BMC that copied the whole image before the restart: the evidence is the full download, and says so")
    func fullDownload() throws {
        let directory = try TemporaryDirectory()
        let map = try BootMediaMap(hostImage: try Self.hostImage(in: directory))
        var stats = ImageStatisticsSnapshot()
        stats.record(Self.event(0..<(48 << 20), at: 100))
        var evidence = MediaReadEvidence(map: map, imageBytes: 48 << 20)
        evidence.noteBeforeMark(stats)
        stats.markTime = 200
        evidence.ingest(stats)
        #expect(evidence.mediaReadReached && !evidence.bootedOurImage)
        #expect(evidence.summary().contains("the evidence is the full download"))
        // A partial read before the mark is no such evidence.
        var partial = MediaReadEvidence(map: map, imageBytes: 48 << 20)
        var some = ImageStatisticsSnapshot()
        some.record(Self.event(0..<(1 << 20), at: 100))
        partial.noteBeforeMark(some)
        #expect(!partial.mediaReadReached)
    }

    static func event(_ range: Range<Int64>, at time: Double) -> AccessEvent {
        AccessEvent(host: "h", redactedPath: "/h/abc…/esxi.iso", peer: "127.0.0.1", method: "GET", range: nil, status: 206,
                    bytesSent: Int64(range.count), servedRange: range, time: time, durationSeconds: 0, completed: true)
    }

    @Test("--until media-read on simulated iDRACs: KS.CFG read after the restart passes; a host that ignores the one-time boot fails although the iDRAC read the image during InsertMedia")
    func iDRACInsertReadsAreNoEvidence() async throws {
        var ignores = FaultKnobs()
        ignores.ignoresOneTimeBoot = true
        let run = try await InstallerFlowTests.install(count: 2, flavours: [.dellIDRAC10, .dellIDRAC10], subnet: 113,
                                                       faults: [1: ignores]) { $0.goal = .mediaRead }
        defer { Task { await run.lab.stop() } }
        let good = run.results[0], ignored = run.results[1]
        #expect(good.succeeded, "\(good.failure ?? "")")
        let media = run.events.filter { $0.host == good.host }.compactMap(\.media)
        #expect(media.last?.hasPrefix("booted our image: KS.CFG read ") == true, "\(media)")
        let modules = try #require(media.last?.split(separator: " ").last(where: { $0.contains("/") }))
        let parts = modules.split(separator: "/")
        #expect(parts.count == 2 && parts[0] == parts[1] && Int(parts[0]) ?? 0 > 0, "\(media)")
        #expect(!ignored.succeeded)
        #expect(ignored.failure?.contains("the host did not boot the image") == true, "\(ignored.failure ?? "")")
        #expect(ignored.failure?.contains("bytes were read before the restart, which prove nothing") == true, "\(ignored.failure ?? "")")
        #expect(run.lab.hosts[1].simulator.insertedMedia.isEmpty)
    }

    @Test("a simulated BMC that copies the image during InsertMedia installs; its evidence is the full download, nothing after the restart")
    func copiedAtInsert() async throws {
        var copies = FaultKnobs()
        copies.copiesImageAtInsert = true
        let run = try await InstallerFlowTests.install(count: 1, flavours: [.generic], subnet: 115, faults: [0: copies])
        defer { Task { await run.lab.stop() } }
        #expect(run.results[0].succeeded, "\(run.results[0].failure ?? "")")
        let media = run.events.compactMap(\.media)
        #expect(media.contains { $0.contains("the evidence is the full download") }, "\(media)")
        #expect(!media.contains { $0.hasPrefix("booted our image") }, "\(media)")
    }
}
