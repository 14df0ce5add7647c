import ArgumentParser
import ESXi
import ESXiFixture
import Foundation
import ISO9660

/// `vmedia fixture`: build an ESXi-installer-shaped ISO for tests and CI.
struct FixtureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixture",
        abstract: "Build an ISO shaped like a VMware ESXi installer, for tests and CI.",
        discussion: """
            The image has the release's BOOT.CFG and EFI/BOOT/BOOT.CFG (kernelopt "cdromBoot runweasel" on \
            6.7, "runweasel cdromBoot" on 7.0, 8.0 and 9.0; 9.0's says "Loading ESX installer" and build=9.0.0-…), \
            about 150 modules with the release's names whose \
            contents are valid gzip streams of filler, BIOS and UEFI El Torito entries (ISOLINUX.BIN, \
            EFIBOOT.IMG holding \\EFI\\BOOT\\BOOTX64.EFI), and is padded to --size. It contains no VMware \
            software: use it wherever a real installer ISO is too large or cannot be shared.

            With --isolinux, ISOLINUX boots and prints BOOT.CFG on the serial console (COM1, 115200 baud); \
            without it a stub boot file prints one line and halts. With --efi, the UEFI entry starts that \
            program (e.g. a GRUB image from grub-mkimage). Like a real ESXi ISO the image is plain ISO 9660 \
            unless --joliet or --rock-ridge is given. --uefi-only leaves out ISOLINUX and the BIOS boot entry, \
            the shape of an installer without legacy BIOS boot (Broadcom deprecates it, KB 313152; whether the \
            9.0 image still carries ISOLINUX is not settled by public sources, so 9.0 keeps it by default).

            Output is reproducible with --timestamp (or SOURCE_DATE_EPOCH): the same options give the same bytes.

            Examples:
              vmedia fixture --esxi 8.0 --output esxi8.iso
              vmedia fixture --esxi 9.0 --uefi-only --size 64MiB -o esxi9-uefi.iso
              vmedia fixture --esxi 7.0 --size 64MiB \\
                  --isolinux /usr/lib/ISOLINUX/isolinux.bin -o a.iso
              vmedia fixture --esxi 6.7 --size 1GiB --joliet --rock-ridge \\
                  --timestamp 1700000000 --json -o b.iso
            """)

    @Option(name: .customLong("esxi"), help: ArgumentHelp("The ESXi release to imitate: 6.7, 7.0, 8.0 or 9.0.", valueName: "release"))
    var release: ESXiRelease

    @Option(name: .long, help: ArgumentHelp("Image size, e.g. 600MiB, 64MiB, 1GiB or a byte count (default: the release's usual size: 6.7 330MiB, 7.0 384MiB, 8.0 600MiB, 9.0 640MiB).", valueName: "size"))
    var size: ByteCount?

    @Flag(name: .long, help: "Add a Joliet tree (names in lower case, like an image rebuilt with genisoimage -J).")
    var joliet = false

    @Flag(name: .long, help: "Add Rock Ridge (names in lower case, like an image rebuilt with genisoimage -R).")
    var rockRidge = false

    @Flag(name: .long, help: "No legacy BIOS boot: no ISOLINUX files, only the UEFI El Torito entry.")
    var uefiOnly = false

    @Option(name: .long, help: ArgumentHelp("A real isolinux.bin; its ldlinux.c32, libcom32.c32, libutil.c32 and cat.c32 are taken from --syslinux-modules.", valueName: "file"))
    var isolinux: String?

    @Option(name: .long, help: ArgumentHelp("Where the COM32 modules matching --isolinux are.", valueName: "dir"))
    var syslinuxModules = "/usr/lib/syslinux/modules/bios"

    @Option(name: .long, help: ArgumentHelp("An EFI application to boot as \\EFI\\BOOT\\BOOTX64.EFI (e.g. made with grub-mkimage -O x86_64-efi).", valueName: "file"))
    var efi: String?

    @Option(name: .long, help: ArgumentHelp("Seconds since 1970 for every date in the image (default: SOURCE_DATE_EPOCH, else now).", valueName: "seconds"))
    var timestamp: Int64?

    @Flag(name: .long, help: "Print a JSON summary on stdout instead of text.")
    var json = false

    @Option(name: .shortAndLong, help: ArgumentHelp("The ISO file to write (replaced atomically).", valueName: "file"))
    var output: String

    func validate() throws {
        if let size, size.bytes <= 0 { throw ValidationError("--size must be positive") }
        if let timestamp, timestamp < 315_532_800 {
            throw ValidationError("--timestamp \(timestamp) is before 1980-01-01, which FAT (EFIBOOT.IMG) cannot store")
        }
    }

    func run() throws {
        let seconds = timestamp
            ?? ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Int64($0) }
            ?? Int64(Date().timeIntervalSince1970)
        var options = ESXiFixture.Options(release: release, imageByteCount: size?.bytes,
                                          timestamp: ISOTimestamp(secondsSince1970: seconds))
        options.joliet = joliet
        options.rockRidge = rockRidge
        options.isolinuxPath = isolinux
        options.syslinuxModulesDirectory = syslinuxModules
        options.efiBootPath = efi
        options.uefiOnly = uefiOnly

        // Planning fails only on what the arguments name (unreadable --isolinux/--efi, a --size too small):
        // a usage error. Writing fails on the output side: a runtime failure.
        let fixture: ESXiFixture
        do {
            fixture = try ESXiFixture(options: options)
        } catch {
            throw ValidationError("\(error)")
        }
        let progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
        let report: ESXiFixture.Report
        do {
            report = try fixture.write(to: output) { done, total in
                let percent = total > 0 ? done * 100 / total : 100
                progress.show("preparing modules: \(percent)% (\(done >> 20)/\(total >> 20) MiB)"
                              + (done == total ? ", writing the image…" : ""))
            }
            progress.clear()
        } catch {
            progress.clear()
            throw CommandFailure("writing \(output): \(error)")
        }

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("""
                wrote \(report.path): ESXi \(report.release)-shaped installer, \(report.byteCount) bytes \
                (\(report.byteCount / 2048) sectors), volume \(report.volumeIdentifier)
                  \(report.moduleCount) gzip modules, \(report.moduleByteCount) bytes
                  BIOS: \(uefiOnly ? "none (UEFI only)" : "ISOLINUX.BIN = " + report.isolinux)
                  UEFI: EFIBOOT.IMG \\EFI\\BOOT\\BOOTX64.EFI = \(report.efiBoot)
                  Joliet: \(report.joliet ? "yes" : "no"), Rock Ridge: \(report.rockRidge ? "yes" : "no")
                """)
        }
    }
}

extension ESXiRelease: ExpressibleByArgument {}

/// A size on the command line: a byte count, or a number with KiB, MiB, GiB (or K, M, G: also powers of 1024).
struct ByteCount: ExpressibleByArgument, Sendable {
    let bytes: Int64

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        let units: [(String, Int64)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
                                        ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10), ("B", 1)]
        var number = Substring(text)
        var multiplier: Int64 = 1
        for (suffix, value) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            multiplier = value
            break
        }
        guard let value = Int64(number), value >= 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return nil }
        bytes = product
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
