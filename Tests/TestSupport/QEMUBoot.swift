import Foundation

/// Boots an ISO in QEMU (TCG: this sandbox has no usable KVM) and captures what the guest writes to COM1,
/// stopping as soon as a marker appears or a hard timeout passes. QEMU is always killed and reaped.
///
/// Shared by every test that needs "does this image boot": BIOS (SeaBIOS, El Torito default entry) and
/// UEFI (OVMF, El Torito 0xEF entry), from a local file or, through QEMU's HTTP block driver, from a URL of
/// our media server (as a BMC's virtual media reads it: range requests, never a full download).
public enum QEMUBoot {
    public enum Firmware: Sendable {
        /// QEMU's default SeaBIOS.
        case bios
        /// OVMF: the read-only code image and a private copy of the variable store (never the system's).
        case uefi
    }

    /// Where the CD's bytes come from.
    public enum Medium: Sendable {
        /// A local ISO file (`-cdrom`).
        case file(String)
        /// An http:// URL read by QEMU's curl block driver (Debian qemu-block-extra).
        case url(String)
        /// An https:// URL read by the same driver without verifying the server's certificate (`sslverify=off`), as
        /// BMCs read HTTPS media.
        case unverifiedHTTPS(String)
    }

    public struct Result: Sendable {
        /// Everything the guest wrote to the serial port, carriage returns removed.
        public let serial: String
        /// True when the marker appeared before the timeout.
        public let sawMarker: Bool
        public let seconds: Double
    }

    /// Boots the local file `iso` from the CD drive; see `boot(_:firmware:until:timeout:)`.
    public static func boot(iso: String, firmware: Firmware, until marker: String, timeout: TimeInterval = 90) throws -> Result {
        try boot(.file(iso), firmware: firmware, until: marker, timeout: timeout)
    }

    /// Boots `medium` from the CD drive and returns the serial output once `marker` appears (or at `timeout`).
    public static func boot(_ medium: Medium, firmware: Firmware, until marker: String, timeout: TimeInterval = 90) throws -> Result {
        let qemu = try Peer.tool("qemu-system-x86_64", package: "qemu-system-x86")
        let scratch = try TemporaryDirectory(prefix: "vmedia-qemu")
        let log = scratch.file("serial.log")
        var arguments = ["-machine", firmware == .uefi ? "q35,accel=tcg" : "pc,accel=tcg", "-m", "256",
                         "-display", "none", "-monitor", "none", "-no-reboot", "-net", "none",
                         "-serial", "file:" + log, "-boot", "d"]
        switch medium {
        case .file(let iso):
            arguments += ["-cdrom", iso]
        case .url(let url):
            _ = try Peer.file(["/usr/lib/x86_64-linux-gnu/qemu/block-curl.so"], package: "qemu-block-extra")
            // -drive splits its options at commas; a literal comma is written twice.
            arguments += ["-drive", "file=\(url.replacingOccurrences(of: ",", with: ",,")),media=cdrom,readonly=on,if=ide"]
        case .unverifiedHTTPS(let url):
            _ = try Peer.file(["/usr/lib/x86_64-linux-gnu/qemu/block-curl.so"], package: "qemu-block-extra")
            arguments += ["-drive", "file.driver=https,file.url=\(url.replacingOccurrences(of: ",", with: ",,")),file.sslverify=off,"
                          + "format=raw,media=cdrom,readonly=on,if=ide"]
        }
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

