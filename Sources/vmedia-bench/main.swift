// vmedia-bench: benchmarks, one subcommand each (run with `swift run -c release vmedia-bench …`).
// Numbers are printed with the command that produced them; nothing here is a timed unit test.
import ArgumentParser
import ESXi
import ISO9660

#if canImport(Glibc)
import Glibc
#endif

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmedia-bench",
        abstract: "Benchmarks for vmedia's libraries.",
        discussion: """
            Examples:
              swift run -c release vmedia-bench make-image /tmp/esxi-600m.iso --mebibytes 600
              swift run -c release vmedia-bench parse /tmp/esxi-600m.iso
              swift run -c release vmedia-bench remaster /tmp/esxi-600m.iso --hosts 50
            Peer comparisons (cp, xorriso, genisoimage, nginx) are scripts in Tests/Benchmarks/.
            """,
        subcommands: [Parse.self, MakeImage.self, Remaster.self])
}

/// A SectorSource that remembers every block it was asked for, to prove that parsing reads metadata only.
final class RecordingSectorSource: SectorSource, @unchecked Sendable {
    // @unchecked: used from one thread only in this benchmark.
    let base: FileSectorSource
    var blocks = Set<Int64>()
    var calls = 0
    var bytes: Int64 = 0

    init(_ base: FileSectorSource) { self.base = base }
    var byteCount: Int64 { base.byteCount }

    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        calls += 1
        bytes += Int64(count)
        if count > 0 { for block in (offset / 2048)...((offset + Int64(count) - 1) / 2048) { blocks.insert(block) } }
        return try base.read(at: offset, count: count)
    }
}

struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open an image (descriptors, directory trees, path tables, boot catalog) and report time and blocks read.")

    @Argument(help: "The ISO image.")
    var image: String

    @Option(help: "Timed repetitions (the first also counts reads).")
    var iterations = 20

    func run() throws {
        var durations: [Duration] = []
        var first: RecordingSectorSource?
        var parsed: ISOImage?
        for _ in 0..<max(1, iterations) {
            let source = RecordingSectorSource(try FileSectorSource(path: image))
            let start = ContinuousClock.now
            let opened = try ISOImage(source: source)
            durations.append(ContinuousClock.now - start)
            if first == nil { first = source; parsed = opened }
        }
        guard let source = first, let parsed else { return }
        // Which of the blocks read hold file data? Only El Torito BIOS image heads (boot info table) may.
        var dataBlocks = Set<Int64>()
        let catalog = parsed.bootRecord?.bootCatalog
        for entry in parsed.primaryTree.entries where !entry.isDirectory && entry.firstExtent?.location != catalog {
            for extent in entry.extents where extent.byteCount > 0 {
                let start = Int64(extent.location.rawValue)
                let candidates = source.blocks.filter { $0 >= start && $0 < start + extent.blockCount }
                dataBlocks.formUnion(candidates)
            }
        }
        let bootHeads = Set(parsed.bootImages.filter { $0.entry.platform == .x86 }.map { Int64($0.entry.loadRBA.rawValue) })
        let sorted = durations.sorted()
        func ms(_ d: Duration) -> String {
            let milliseconds = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
            return "\((milliseconds * 1000).rounded() / 1000) ms"
        }
        let files = parsed.primaryTree.entries.filter { !$0.isDirectory }.count
        print("image:            \(image) (\(source.byteCount) bytes, \(source.byteCount / 2048) blocks, \(files) files)")
        print("parse time:       first \(ms(durations[0])), median \(ms(sorted[sorted.count / 2])), min \(ms(sorted[0])) over \(durations.count) runs")
        print("reads:            \(source.calls) calls, \(source.bytes) bytes, \(source.blocks.count) distinct blocks")
        print("file-data blocks: \(dataBlocks.count) (\(dataBlocks.subtracting(bootHeads).count) outside the El Torito BIOS image head read for its boot info table)")
    }
}

struct MakeImage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-image",
        abstract: "Build an ESXi-shaped image of about N MiB with ISOBuilder (≈160 modules of generated data).")

    @Argument(help: "Output path.")
    var output: String

    @Option(help: "Approximate size in MiB.")
    var mebibytes: Int64 = 600

    func run() throws {
        var options = ISOBuilder.Options(volumeIdentifier: "ESXI-8.0.3-24022510-STANDARD",
                                         timestamp: ISOTimestamp(secondsSince1970: 1_700_000_000))
        options.applicationIdentifier = "ESXIMAGE"
        var builder = ISOBuilder(options: options)
        let modules = 160
        let moduleBytes = mebibytes * 1_048_576 / Int64(modules)
        var bootCfg = "bootstate=0\ntitle=Loading ESXi installer\ntimeout=5\nprefix=\nkernel=/b.b00\nkernelopt=runweasel cdromBoot\nmodules=/jumpstrt.gz"
        for i in 0..<modules {
            let digits = String(i)
            let name = "M" + String(repeating: "0", count: 5 - digits.count) + digits + ".V00"
            try builder.addFile("/" + name, content: .generated(byteCount: moduleBytes, seed: UInt64(i)))
            bootCfg += " --- /" + name.lowercased()
        }
        bootCfg += "\nbuild=8.0.3-0.35.24280767\nupdated=0\n"
        try builder.addFile("/BOOT.CFG", content: .bytes(Array(bootCfg.utf8)))
        try builder.addFile("/EFI/BOOT/BOOT.CFG", content: .bytes(Array(bootCfg.utf8)))
        try builder.addFile("/EFI/BOOT/BOOTX64.EFI", content: .generated(byteCount: 200_000, seed: 999))
        try builder.addFile("/ISOLINUX.BIN", content: .generated(byteCount: 38_912, seed: 1000))
        try builder.addFile("/EFIBOOT.IMG", content: .generated(byteCount: 2_949_120, seed: 1001))
        try builder.addDirectory("/UPGRADE")
        try builder.setBootCatalog(path: "/BOOT.CAT")
        try builder.setBIOSBootImage(path: "/ISOLINUX.BIN")
        try builder.addEFIBootImage(path: "/EFIBOOT.IMG")
        let start = ContinuousClock.now
        let report = try builder.write(to: output)
        print("wrote \(output): \(report.byteCount) bytes, \(report.files.count) files in \(ContinuousClock.now - start)")
    }
}

struct Remaster: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build N hosts' LayeredImages from one ESXi ISO and report time and overlay size per host.",
        discussion: "With --write DIR, also writes the first host's image there and reports its throughput.")

    @Argument(help: "An ESXi installer ISO (for example from `vmedia fixture --esxi 8.0 --size 600MiB`).")
    var image: String

    @Option(help: "How many hosts (each gets its own kickstart).")
    var hosts = 50

    @Option(help: "Write the first host's image into this folder and time it.")
    var write: String?

    func run() throws {
        let openStart = ContinuousClock.now
        let remaster = try ESXiRemaster(sourcePath: image)
        let openTime = ContinuousClock.now - openStart
        var durations: [Duration] = []
        var overlays: [Int] = []
        var first: ESXiHostImage?
        for host in 0..<max(1, hosts) {
            let kickstart = Array("""
                vmaccepteula
                rootpw --iscrypted $6$bench\(host)$0123456789abcdef
                install --firstdisk="ThinkSystem M.2" --overwritevmfs
                network --bootproto=static --ip=10.0.\(host / 250).\(host % 250 + 1) --netmask=255.255.0.0 --gateway=10.0.0.254 --hostname=esxi-\(host) --device=vmnic0
                reboot

                """.utf8)
            let start = ContinuousClock.now
            let built = try remaster.hostImage(kickstart: kickstart, systemMediaSize: .small)
            durations.append(ContinuousClock.now - start)
            overlays.append(built.edit.overlayByteCount)
            if first == nil { first = built }
        }
        func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        let sorted = durations.sorted()
        print("source:              \(image)")
        print("open + check source: \(String(format: "%.3f", ms(openTime))) ms (once per run)")
        print("per-host image:      median \(String(format: "%.3f", ms(sorted[sorted.count / 2]))) ms, max \(String(format: "%.3f", ms(sorted.last!))) ms over \(durations.count) hosts (target ≤ 10 ms)")
        print("overlay per host:    max \(overlays.max()! / 1024) KiB (\(overlays.max()!) bytes; target ≤ 64 KiB)")
        if let write, let first {
            let path = write + "/bench-host.iso"
            let start = ContinuousClock.now
            let report = try first.image.write(to: path)
            let seconds = ms(ContinuousClock.now - start) / 1000
            print("write one host:      \(String(format: "%.3f", seconds)) s, \(String(format: "%.0f", Double(report.byteCount) / 1_048_576 / seconds)) MiB/s, kernel-copied \(report.kernelCopiedByteCount) of \(report.byteCount) bytes")
        }
    }
}

Bench.main()
