@testable import BMCSimulator
import ESXi
import ESXiFixture
import Foundation
import Testing
import TestSupport

/// The simulated virtual CD reads a remastered image the way the ESXi boot chain does: the El Torito boot image,
/// then BOOT.CFG, then the kernel and modules it lists, then KS.CFG (iso9660-esxi.md §3.1): the order the
/// installer's media evidence relies on.
@Suite("Simulated boot reads in boot order")
struct BootReadOrderTests {
    /// An image in memory that records the ranges the loader asks for, in order.
    final class RecordingImage: ImageReader, @unchecked Sendable {
        let url = "memory:esxi.iso"
        let bytes: [UInt8]
        var reads: [Range<Int64>] = []
        init(bytes: [UInt8]) { self.bytes = bytes }
        func read(at offset: Int64, count: Int) async throws -> [UInt8] {
            reads.append(offset..<(offset + Int64(count)))
            return Array(bytes[Int(offset)..<(Int(offset) + count)])
        }
    }

    @Test("UEFI and BIOS: the boot image, then BOOT.CFG, then the modules (all of them), then KS.CFG", arguments: [ESXiBootLoader.Firmware.uefi, .bios])
    func order(firmware: ESXiBootLoader.Firmware) async throws {
        let directory = try TemporaryDirectory()
        let source = directory.file("fixture.iso")
        _ = try ESXiFixture(options: ESXiFixture.Options(release: .v8_0, imageByteCount: 24 << 20)).write(to: source)
        let kickstart = "vmaccepteula\nrootpw VMware1!\ninstall --firstdisk --overwritevmfs\n"
        let host = try ESXiRemaster(sourcePath: source).hostImage(kickstart: Array(kickstart.utf8))
        let written = directory.file("host.iso")
        _ = try host.image.write(to: written)
        let image = RecordingImage(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: written))))
        let loader = ESXiBootLoader(media: MediaBlockCache(client: image, byteCount: Int64(image.bytes.count)))
        let outcome = try await loader.boot(firmware: firmware, depth: .modules)
        #expect(outcome.kickstart == kickstart)

        let map = try BootMediaMap(hostImage: host)
        // The index of the read that completed each file (every byte of it requested by then).
        func completion(_ file: BootMediaMap.File) -> Int? {
            var covered: [Range<Int64>] = []
            for (index, read) in image.reads.enumerated() where read.overlaps(file.range) {
                covered.append(max(read.lowerBound, file.range.lowerBound)..<min(read.upperBound, file.range.upperBound))
                let total = covered.sorted { $0.lowerBound < $1.lowerBound }.reduce(into: (end: file.range.lowerBound, ok: true)) { state, part in
                    if part.lowerBound > state.end { state.ok = false }
                    state.end = max(state.end, part.upperBound)
                }
                if total.ok && total.end >= file.range.upperBound { return index }
            }
            return nil
        }
        let config = firmware == .uefi ? "/EFI/BOOT/BOOT.CFG" : "/BOOT.CFG"
        let bootImage = try #require(map.files.first { $0.role == .bootImage && ($0.path.uppercased().contains("EFIBOOT") == (firmware == .uefi)) })
        let bootConfig = try #require(map.files.first { $0.path == config })
        let modules = map.files.filter { $0.role == .module }
        let ks = try #require(map.files.first { $0.role == .kickstart })
        let bootImageDone = try #require(completion(bootImage), "\(bootImage.path) never read")
        let configDone = try #require(completion(bootConfig))
        let moduleDone = try modules.map { try #require(completion($0), "\($0.path) never read") }
        let ksDone = try #require(completion(ks))
        #expect(bootImageDone <= configDone)
        // The 64 KiB blocks of the directory lookups can sweep up a few small modules next to the directories before
        // BOOT.CFG is opened, as a BMC's read-ahead would; the modules as a whole come after it.
        let early = moduleDone.filter { $0 < configDone }.count
        #expect(early * 10 <= moduleDone.count, "\(early) of \(moduleDone.count) modules before \(config)")
        #expect(moduleDone.sorted()[moduleDone.count / 2] >= configDone)
        #expect(moduleDone.max()! <= ksDone)
        #expect(modules.count == outcome.modulesRead)
    }
}
