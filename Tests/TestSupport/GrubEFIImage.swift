import Foundation

/// Makes a GRUB EFI application whose embedded configuration prints markers and files from the ISO 9660
/// tree of the CD it booted from to the serial console, then powers off. Used as the fixture's
/// `\EFI\BOOT\BOOTX64.EFI` to prove that OVMF starts the El Torito EFI entry and that the ISO 9660 tree
/// (as a UEFI loader reads it) holds what we wrote.
public enum GrubEFIImage {
    public static let beginMarker = "VMEDIA-GRUB-BEGIN"
    public static let endMarker = "VMEDIA-GRUB-END"

    /// Lines `FILE-BEGIN <path>` / `FILE-END <path>` surround each file's contents in the serial output;
    /// a missing file shows GRUB's "file not found" error between them.
    public static func make(printing paths: [String] = ["/EFI/BOOT/BOOT.CFG", "/KS.CFG"], into directory: String) throws -> String {
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
    public static func printedFile(_ path: String, in serial: String) -> String? {
        guard let begin = serial.range(of: "FILE-BEGIN \(path)\n"),
              let end = serial.range(of: "FILE-END \(path)", range: begin.upperBound..<serial.endIndex) else { return nil }
        return String(serial[begin.upperBound..<end.lowerBound])
    }
}

public struct GrubImageFailed: Error, CustomStringConvertible {
    public let stderr: String
    public var description: String { "grub-mkimage failed: \(stderr)" }
}
