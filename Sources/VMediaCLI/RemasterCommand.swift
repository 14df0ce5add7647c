import ArgumentParser
import Digest
import ESXi
import Foundation
import ISO9660
import Inventory

/// `vmedia remaster`: write each host's installer ISO to a folder, offline.
struct RemasterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remaster",
        abstract: "Write each host's remastered ESXi installer ISO to a folder.",
        discussion: """
            For every host of the hosts file, vmedia patches /BOOT.CFG and /EFI/BOOT/BOOT.CFG (kernelopt gets \
            ks=cdrom:/KS.CFG and systemMediaSize=) and adds the host's /KS.CFG. The source ISO is opened read-only \
            and never copied through user space: unchanged runs are copied by the kernel (copy_file_range), only \
            the few changed sectors come from memory. Each file is written to a temporary name, fsynced and renamed.

            Output layout (the old tool's): OUTPUT/<BMC address>/<source file name>.iso

            `vmedia install` and `vmedia serve` do not need these files: they serve the same bytes straight from \
            the source ISO. Use remaster to inspect an image, to boot it elsewhere, or for air-gapped hand-offs.

            remaster does not contact BMCs, so a host whose esxi_disk is a drive serial number \
            (esxi_disk: "serial:5PJAMUHD") is an error here: write the naa./eui. id that \
            `vmedia discover --config hosts.yaml --hosts NAME` prints instead, or let `vmedia install` map it.

            Examples:
              vmedia remaster --config hosts.yaml --iso esxi.iso --output out/
              vmedia remaster --config hosts.yaml --iso esxi.iso \\
                --output out/ --hosts 10.172.70.186 --json
            """)

    @Option(name: .long, help: ArgumentHelp("The hosts file (the old tool's config.yaml works as is).", valueName: "hosts.yaml"), completion: .file(extensions: ["yaml", "yml"]))
    var config: String

    @Option(name: .long, help: ArgumentHelp("The ESXi installer ISO (read-only, never modified).", valueName: "SRC.iso"), completion: .file(extensions: ["iso"]))
    var iso: String

    @Option(name: .long, help: ArgumentHelp("The folder to write <BMC address>/<source name>.iso into (created if missing).", valueName: "DIR"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("Only these hosts (BMC address, ESXi address or hostname), comma-separated, or @FILE of names.", valueName: "a,b|@FILE"))
    var hosts: String?

    /// The old spelling of --hosts, one name per use; kept working, no longer shown.
    @Option(name: .long, help: .hidden)
    var host: [String] = []

    @Flag(name: .long, help: "Print one JSON object with a report per host (includes each file's SHA-256; reading it back costs a pass over each image).")
    var json = false

    func validate() throws {
        guard FileManager.default.isReadableFile(atPath: iso) else {
            throw ValidationError("cannot read the ISO \(iso): check the path (the installer ISO from VMware's download portal)")
        }
    }

    func run() throws {
        let plans = try HostsFileLoading.load(config)
        let names = try host + (hosts.map(HostSelection.names(from:)) ?? [])
        let selected = try names.isEmpty ? plans : names.map { try HostsFileLoading.select($0, from: plans, config: config) }
        try HostsFileLoading.requireResolvedDisks(selected, config: config, command: "remaster")
        let remaster: ESXiRemaster
        do {
            remaster = try ESXiRemaster(sourcePath: iso)
        } catch {
            throw CommandFailure("cannot remaster \(iso): \(error)")
        }
        let sourceName = (iso as NSString).lastPathComponent
        let progress = ProgressLine(enabled: !json && isatty(STDERR_FILENO) == 1)
        var reports: [HostReport] = []
        var failures = 0
        for plan in selected {
            let directory = (output as NSString).appendingPathComponent(plan.bmc.host)
            let path = (directory as NSString).appendingPathComponent(sourceName)
            var created: [String] = []
            do {
                created = try OutputFolder.create(directory)
                let kickstart = Array(try plan.renderKickstart(secrets: .reveal).utf8)
                let host = try remaster.hostImage(kickstart: kickstart, systemMediaSize: plan.systemMediaSize,
                                                          kernelOptions: plan.kernelOptions)
                let total = host.image.byteCount
                let written = try host.image.write(to: path) { done in
                    progress.show("\(plan.hostname): \(done * 100 / max(1, total))% of \(total >> 20) MiB")
                }
                progress.clear()
                let digest = json ? try Self.sha256(of: path) : nil
                let report = HostReport(host: plan.hostname, bmc: plan.bmc.host, esxiAddress: plan.esxiAddress.description,
                                        output: path, byteCount: total,
                                        changedSectors: host.edit.changedSectors.map(\.rawValue),
                                        appendedBytes: host.edit.appendedByteCount, overlayBytes: host.edit.overlayByteCount,
                                        kernelCopiedBytes: written.kernelCopiedByteCount,
                                        relocatedDirectories: host.edit.relocatedDirectories, sha256: digest, error: nil)
                reports.append(report)
                if !json {
                    print("\(plan.hostname) (BMC \(plan.bmc.host)): \(path) — \(report.changedSectors.count) sectors changed, "
                          + "\(report.appendedBytes) bytes appended, \(report.overlayBytes / 1024) KiB overlay")
                }
            } catch {
                progress.clear()
                // Nothing of this host's may look like a result: folders made for it go again (files never existed:
                // images are written to a temporary name and renamed).
                OutputFolder.remove(created)
                failures += 1
                reports.append(HostReport(host: plan.hostname, bmc: plan.bmc.host, esxiAddress: plan.esxiAddress.description,
                                          output: path, byteCount: 0, changedSectors: [], appendedBytes: 0, overlayBytes: 0,
                                          kernelCopiedBytes: 0, relocatedDirectories: [], sha256: nil, error: "\(error)"))
                FileHandle.standardError.write(Data("error: \(plan.hostname) (BMC \(plan.bmc.host)): \(error)\n".utf8))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let summary = Summary(source: iso, hosts: reports, failed: failures)
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        }
        if failures > 0 { throw ExitCode.failure }
    }

    struct HostReport: Encodable {
        let host: String
        let bmc: String
        let esxiAddress: String
        let output: String
        let byteCount: Int64
        let changedSectors: [UInt32]
        let appendedBytes: Int64
        let overlayBytes: Int
        let kernelCopiedBytes: Int64
        let relocatedDirectories: [String]
        let sha256: String?
        let error: String?
    }

    struct Summary: Encodable {
        let source: String
        let hosts: [HostReport]
        let failed: Int
    }

    static func sha256(of path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CommandFailure("cannot read back \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            hasher.update(chunk)
        }
        return hasher.finalize().hexString
    }
}
