import Foundation
import Testing
import TestSupport

/// Boots an ISO in QEMU (TCG: this sandbox has no usable KVM) and captures what the guest writes to COM1,
/// stopping as soon as a marker appears or a hard timeout passes. QEMU is always killed and reaped.
///
/// Reusable by any test that needs "does this image boot": BIOS (SeaBIOS, El Torito default entry) and
/// UEFI (OVMF, El Torito 0xEF entry). Candidates for TestSupport.
enum QEMUBoot {
    enum Firmware {
        /// QEMU's default SeaBIOS.
        case bios
        /// OVMF: the read-only code image and a private copy of the variable store (never the system's).
        case uefi
    }

    struct Result {
        /// Everything the guest wrote to the serial port, carriage returns removed.
        let serial: String
        /// True when the marker appeared before the timeout.
        let sawMarker: Bool
        let seconds: Double
    }

    /// Boots `iso` from its CD drive and returns the serial output once `marker` appears (or at `timeout`).
    static func boot(iso: String, firmware: Firmware, until marker: String, timeout: TimeInterval = 90) throws -> Result {
        let qemu = try Peer.tool("qemu-system-x86_64", package: "qemu-system-x86")
        let scratch = try TemporaryDirectory(prefix: "vmedia-qemu")
        let log = scratch.file("serial.log")
        var arguments = ["-machine", firmware == .uefi ? "q35,accel=tcg" : "pc,accel=tcg", "-m", "256",
                         "-display", "none", "-monitor", "none", "-no-reboot", "-net", "none",
                         "-serial", "file:" + log, "-cdrom", iso, "-boot", "d"]
        if firmware == .uefi {
            let code = try Peer.file(["/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd"], package: "ovmf")
            let varsTemplate = try Peer.file([code.replacingOccurrences(of: "CODE", with: "VARS")], package: "ovmf")
            let vars = scratch.file("OVMF_VARS.fd")
            try FileManager.default.copyItem(atPath: varsTemplate, toPath: vars)
            arguments += ["-drive", "if=pflash,format=raw,readonly=on,file=" + code,
                          "-drive", "if=pflash,format=raw,file=" + vars]
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: qemu)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let stderr = Pipe()
        process.standardError = stderr
        let start = Date()
        try process.run()
        defer {
            // Always stop QEMU, whatever happened above: SIGKILL, since a halted guest ignores nothing else
            // faster, then reap it so no zombie outlives the test.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }

        var serial = ""
        var saw = false
        while Date().timeIntervalSince(start) < timeout {
            if let data = FileManager.default.contents(atPath: log) {
                serial = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r", with: "")
                if serial.contains(marker) { saw = true; break }
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        if let data = FileManager.default.contents(atPath: log) {
            serial = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r", with: "")
            saw = saw || serial.contains(marker)
        }
        if !saw {
            let errors = String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self)
            print("QEMU (\(firmware)) did not print '\(marker)' within \(Int(timeout)) s; stderr: \(errors)\nserial:\n\(serial)")
        }
        return Result(serial: serial, sawMarker: saw, seconds: Date().timeIntervalSince(start))
    }
}

/// Makes a GRUB EFI application whose embedded configuration prints markers and files from the ISO 9660
/// tree of the CD it booted from to the serial console, then powers off. Used as the fixture's
/// `\EFI\BOOT\BOOTX64.EFI` to prove that OVMF starts the El Torito EFI entry and that the ISO 9660 tree
/// (as a UEFI loader reads it) holds what we wrote.
enum GrubEFIImage {
    static let beginMarker = "VMEDIA-GRUB-BEGIN"
    static let endMarker = "VMEDIA-GRUB-END"

    /// Lines `FILE-BEGIN <path>` / `FILE-END <path>` surround each file's contents in the serial output;
    /// a missing file shows GRUB's "file not found" error between them.
    static func make(printing paths: [String] = ["/EFI/BOOT/BOOT.CFG", "/KS.CFG"], into directory: String) throws -> String {
        let mkimage = try Peer.tool("grub-mkimage", package: "grub-common")
        _ = try Peer.file(["/usr/lib/grub/x86_64-efi/iso9660.mod"], package: "grub-efi-amd64-bin")
        // Only the serial terminal: OVMF mirrors its console to COM1 too, which would double every byte.
        var config = """
            serial --unit=0 --speed=115200
            terminal_output serial
            echo \(beginMarker)
            search --no-floppy --file \(paths.first ?? "/EFI/BOOT/BOOT.CFG") --set=root
            echo VMEDIA-GRUB-ROOT $root

            """
        for path in paths {
            config += "echo FILE-BEGIN \(path)\ncat \(path)\necho\necho FILE-END \(path)\n"
        }
        config += "echo \(endMarker)\nhalt\n"
        let configPath = directory + "/embed.cfg"
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
        let output = directory + "/bootx64.efi"
        let result = try Peer.run([mkimage, "-O", "x86_64-efi", "-p", "/EFI/BOOT", "-c", configPath, "-o", output,
                                   "iso9660", "fat", "part_msdos", "part_gpt", "search", "search_fs_file",
                                   "cat", "echo", "serial", "terminal", "halt"], timeout: 120)
        guard result.status == 0 else { throw GrubImageFailed(stderr: result.stderr) }
        return output
    }

    /// The text printed between `FILE-BEGIN path` and `FILE-END path`, or nil.
    static func printedFile(_ path: String, in serial: String) -> String? {
        guard let begin = serial.range(of: "FILE-BEGIN \(path)\n"),
              let end = serial.range(of: "FILE-END \(path)", range: begin.upperBound..<serial.endIndex) else { return nil }
        return String(serial[begin.upperBound..<end.lowerBound])
    }
}

struct GrubImageFailed: Error, CustomStringConvertible {
    let stderr: String
    var description: String { "grub-mkimage failed: \(stderr)" }
}
