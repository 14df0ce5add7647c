import ArgumentParser
import ESXi
import Foundation
import ISO9660

/// `vmedia inspect`: what an ISO image contains and whether it is consistent. Wiring only: `ISOImage`
/// does the reading and checking.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show an ISO image's volume, extensions, El Torito boot entries and files; verify it; extract a file.",
        discussion: """
            Reads only the image's metadata (volume descriptors, directories, path tables, boot catalog), \
            never the whole file, so it is quick even on a 600 MiB installer.

            Paths are looked up as ISO 9660 names (BOOT.CFG;1 or BOOT.CFG), then Rock Ridge and Joliet \
            names, then case-insensitively as ESXi's UEFI loader does.

            Examples:
              vmedia inspect VMware-VMvisor-Installer-8.0U3.iso
              vmedia inspect esxi.iso --tree
              # exit status 1 when problems are found (on an ESXi installer:
              # every module inflated and CRC-checked):
              vmedia inspect esxi.iso --verify
              vmedia inspect esxi.iso --json | jq '.bootImages'
              vmedia inspect esxi.iso --extract /EFI/BOOT/BOOT.CFG --output boot.cfg
            """)

    @Argument(help: "The ISO image file.", completion: .file(extensions: ["iso"]))
    var image: String

    @Flag(help: "Print a machine-readable JSON report instead of text.")
    var json = false

    @Flag(help: "Show the whole directory tree (directories too, with ISO 9660, Rock Ridge and Joliet names).")
    var tree = false

    @Flag(help: "Check consistency: path tables against the tree, records crossing sectors, extents inside the volume, overlapping extents, boot catalog and boot-info-table checksums; on an ESXi installer also inflate every gzip module BOOT.CFG lists and check its CRC-32 and length.")
    var verify = false

    @Option(help: ArgumentHelp("Extract the file at this path from the image.", valueName: "path"))
    var extract: String?

    @Option(help: ArgumentHelp("Where --extract writes the file ('-' for standard output).", valueName: "file"))
    var output: String?

    func validate() throws {
        if extract != nil, output == nil {
            throw ValidationError("--extract needs --output FILE (or --output - for standard output).")
        }
        if output != nil, extract == nil {
            throw ValidationError("--output is only used with --extract PATH.")
        }
    }

    func run() throws {
        let isoImage: ISOImage
        do {
            isoImage = try ISOImage(path: image)
        } catch let error as ISO9660Error {
            throw InspectFailure(message: "\(image): \(error.description)")
        }
        if let extract, let output {
            try extractFile(extract, from: isoImage, to: output)
            return
        }
        let problems: [String]?
        var modules: InspectReport.ESXiModules?
        do {
            if verify {
                let progress = ProgressLine(enabled: !json && isatty(STDERR_FILENO) == 1)
                let verification = try InspectVerification.run(on: isoImage) { check, done, total in
                    progress.show("checking ESXi modules: \(done)/\(total) \(check.path)")
                }
                progress.clear()
                problems = verification.problems
                modules = verification.modules
            } else {
                problems = nil
            }
        } catch let error as ISO9660Error {
            throw InspectFailure(message: "\(image): reading failed during verification: \(error.description)")
        }
        var report = InspectReport(path: image, image: isoImage, includeTree: tree, problems: problems, esxiModules: modules)
        if verify { report.notes = isoImage.notes }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text, terminator: "")
        }
        if let problems, !problems.isEmpty { throw ExitCode.failure }
    }

    private func extractFile(_ path: String, from isoImage: ISOImage, to output: String) throws {
        let entry = isoImage.lookup(path, namespace: .iso9660)
            ?? isoImage.lookup(path, namespace: .rockRidge)
            ?? isoImage.lookup(path, namespace: .joliet)
            ?? isoImage.lookupLikeESXiLoader(path)
        guard let entry else {
            throw InspectFailure(message: "\(image): \(ISO9660Error.notFound(path: path, namespace: "ISO 9660, Rock Ridge or Joliet").description)")
        }
        guard !entry.isDirectory else {
            throw InspectFailure(message: "\(image): \(path) is a directory; --extract takes a file path (see --tree).")
        }
        let handle: FileHandle
        let temporary = output == "-" ? nil : output + ".tmp-\(getpid())"
        if let temporary {
            guard FileManager.default.createFile(atPath: temporary, contents: nil) ,
                  let opened = FileHandle(forWritingAtPath: temporary) else {
                throw InspectFailure(message: "cannot create \(output): check that its directory exists and is writable.")
            }
            handle = opened
        } else {
            handle = FileHandle.standardOutput
        }
        do {
            try isoImage.forEachChunk(of: entry) { chunk in try handle.write(contentsOf: chunk) }
            if let temporary {
                try handle.synchronize()
                try handle.close()
                if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
                try FileManager.default.moveItem(atPath: temporary, toPath: output)
            }
        } catch {
            if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
            throw InspectFailure(message: "extracting \(path) to \(output) failed: \(error)")
        }
    }
}

/// A failure reported as one clear line on standard error with exit status 1.
struct InspectFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The consistency checks `--verify` runs, in order: the ISO 9660 structure, then, when the image is an
/// ESXi installer (it has /BOOT.CFG as mboot finds it), every kernel and module file both BOOT.CFG copies
/// name: gzip ones inflated to the end with CRC-32 and ISIZE checked, so a corrupt download is caught
/// before any server boots it.
enum InspectVerification {
    static func run(on image: ISOImage,
                    progress: (ModuleCheck, Int, Int) -> Void = { _, _, _ in }) throws -> (problems: [String], modules: InspectReport.ESXiModules?) {
        var problems = try image.verify().map(\.description)
        guard image.lookupLikeESXiLoader(ESXiInstallerImage.biosBootConfigPath) != nil else { return (problems, nil) }
        let installer: ESXiInstallerImage
        let report: ModuleVerificationReport
        do {
            installer = try ESXiInstallerImage(files: image)
            report = try installer.verifyBootFiles(files: image, progress: progress)
        } catch let error as ESXiError {
            problems.append("ESXi installer: \(error.description)")
            return (problems, nil)
        }
        problems += report.failures.map { "ESXi module \($0.finding)" }
        if !report.isHealthy {
            problems.append("ESXi installer: \(report.failures.count) boot file\(report.failures.count == 1 ? "" : "s") "
                            + "would fail to load; download the installer again and compare its checksum with VMware's")
        }
        return (problems, InspectReport.ESXiModules(report))
    }
}

/// What `inspect` reports; the JSON form is for scripts, `text` for people.
struct InspectReport: Encodable {
    struct Volume: Encodable {
        let systemIdentifier: String
        let volumeIdentifier: String
        let volumeSetIdentifier: String
        let publisherIdentifier: String
        let dataPreparerIdentifier: String
        let applicationIdentifier: String
        let volumeSpaceSize: UInt32
        let volumeByteCount: Int64
        let creationDate: String?
        let modificationDate: String?
    }
    struct Descriptor: Encodable {
        let sector: UInt32
        let kind: String
    }
    struct BootImage: Encodable {
        let platform: String
        let bootable: Bool
        let emulation: String
        let loadSegment: UInt16
        let sectorCount: UInt16
        let lba: UInt32
        let path: String?
        let bootInfoTable: Bool
    }
    struct Entry: Encodable {
        let path: String
        let isoPath: String
        let jolietPath: String?
        let directory: Bool
        let lba: UInt32
        let size: Int64
        let extents: Int
    }

    let image: String
    let imageByteCount: Int64
    let volume: Volume
    let descriptors: [Descriptor]
    let extensions: [String]
    let systemArea: String
    let bootCatalogLBA: UInt32?
    let bootCatalogChecksumValid: Bool?
    let bootImages: [BootImage]
    let fileCount: Int
    let directoryCount: Int
    let entries: [Entry]
    let problems: [String]?
    /// With `--verify`: departures from ECMA-119 that were read past (`ISOImage.notes`), not problems.
    var notes: [String]?
    /// Present when the image is an ESXi installer (it has `/BOOT.CFG`): the release its `build=` names.
    let esxi: ESXiInstaller?
    /// Present after `--verify` on an ESXi installer image.
    let esxiModules: ESXiModules?
    private let includeTree: Bool

    /// What BOOT.CFG says about the installer: `build=9.0.0-0.0.24678710` is release 9.0, version 9.0.0,
    /// build 24678710 (what the installed host's `about.build` reports).
    struct ESXiInstaller: Encodable {
        let build: String
        /// The release whose shape vmedia knows (6.7, 7.0, 8.0, 9.0), by the build's major version; nil for
        /// a build vmedia does not recognise.
        let release: String?
        let version: String?
        let buildNumber: String?
        let uefiBoot: Bool

        init?(image: ISOImage) {
            guard image.lookupLikeESXiLoader(ESXiInstallerImage.biosBootConfigPath) != nil,
                  let installer = try? ESXiInstallerImage(files: image) else { return nil }
            let build = installer.biosBootConfig.value(forKey: "build")
                ?? installer.efiBootConfig?.value(forKey: "build") ?? ""
            self.build = build
            self.release = ESXiRelease(version: build)?.rawValue
            let parts = build.split(separator: "-")
            self.version = parts.first.map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            self.buildNumber = parts.count >= 2 ? parts.last.flatMap { $0.split(separator: ".").last.map(String.init) } : nil
            self.uefiBoot = installer.efiBootConfig != nil
        }
    }

    /// What `--verify` found in an ESXi installer's boot files.
    struct ESXiModules: Encodable {
        struct Check: Encodable {
            let path: String
            let size: Int64
            /// gzip, not-gzip, empty, missing, corrupt or unreadable.
            let result: String
            let uncompressedSize: Int64?
            let detail: String
        }
        let checked: Int
        let gzip: Int
        let failed: Int
        let bytesRead: Int64
        let files: [Check]

        init(_ report: ModuleVerificationReport) {
            checked = report.checks.count
            gzip = report.gzipCount
            failed = report.failures.count
            bytesRead = report.byteCount
            files = report.checks.map { check in
                let result: String
                var uncompressed: Int64?
                switch check.outcome {
                case .gzip(let summary): result = "gzip"; uncompressed = summary.uncompressedByteCount
                case .notGzip: result = "not-gzip"
                case .empty: result = "empty"
                case .missing: result = "missing"
                case .corrupt: result = "corrupt"
                case .unreadable: result = "unreadable"
                }
                return Check(path: check.path, size: check.byteCount, result: result, uncompressedSize: uncompressed,
                             detail: check.summary)
            }
        }
    }

    init(path: String, image: ISOImage, includeTree: Bool, problems: [String]?, esxiModules: ESXiModules? = nil) {
        let pvd = image.primaryVolumeDescriptor
        self.image = path
        self.imageByteCount = image.source.byteCount
        self.volume = Volume(
            systemIdentifier: pvd.identifiers.systemIdentifier, volumeIdentifier: pvd.identifiers.volumeIdentifier,
            volumeSetIdentifier: pvd.identifiers.volumeSetIdentifier,
            publisherIdentifier: pvd.identifiers.publisherIdentifier,
            dataPreparerIdentifier: pvd.identifiers.dataPreparerIdentifier,
            applicationIdentifier: pvd.identifiers.applicationIdentifier, volumeSpaceSize: pvd.volumeSpaceSize,
            volumeByteCount: image.volumeByteCount, creationDate: pvd.dates.creation.timestamp?.description,
            modificationDate: pvd.dates.modification.timestamp?.description)
        self.descriptors = image.descriptors.map { Descriptor(sector: $0.sector.rawValue, kind: $0.kind) }
        self.extensions = image.extensions
        let area = image.systemArea
        self.systemArea = area.hasGUIDPartitionTable ? "GPT (hybrid image)"
            : area.hasMasterBootRecord ? "MBR (hybrid image)" : area.isZero ? "empty" : "non-zero, no MBR/GPT"
        self.bootCatalogLBA = image.bootRecord?.bootCatalog?.rawValue
        self.bootCatalogChecksumValid = image.bootCatalog?.validationEntry.checksumIsValid
        self.bootImages = image.bootImages.map {
            BootImage(platform: $0.entry.platform.description, bootable: $0.entry.isBootable,
                      emulation: $0.entry.mediaType?.description ?? "unknown", loadSegment: $0.entry.loadSegment,
                      sectorCount: $0.entry.sectorCount, lba: $0.entry.loadRBA.rawValue, path: $0.path,
                      bootInfoTable: $0.bootInfoTable != nil)
        }
        // Names as Linux shows them: Rock Ridge when present, else ISO 9660 without the version.
        let namespace: ISONamespace = image.rockRidge != nil ? .rockRidge : .iso9660
        var jolietPaths: [UInt32: String] = [:]
        for (path, entry) in image.walk(namespace: .joliet) where !entry.isDirectory {
            if let lba = entry.firstExtent?.location.rawValue, jolietPaths[lba] == nil { jolietPaths[lba] = path }
        }
        var entries: [Entry] = []
        for (path, entry) in image.walk(namespace: namespace) where entry.index != 0 {
            let lba = entry.firstExtent?.location.rawValue ?? 0
            entries.append(Entry(path: path, isoPath: image.primaryTree.path(of: entry, namespace: .iso9660),
                                 jolietPath: entry.isDirectory ? nil : jolietPaths[lba], directory: entry.isDirectory,
                                 lba: lba, size: entry.size, extents: entry.extents.count))
        }
        self.fileCount = entries.filter { !$0.directory }.count
        self.directoryCount = entries.filter(\.directory).count + 1
        // Every directory too (empty ones included), marked `directory: true`, so a script sees the whole tree;
        // the text listing shows directories only with --tree.
        self.entries = entries
        self.problems = problems
        self.esxi = ESXiInstaller(image: image)
        self.esxiModules = esxiModules
        self.includeTree = includeTree
    }

    private enum CodingKeys: String, CodingKey {
        case image, imageByteCount, volume, descriptors, extensions, systemArea, bootCatalogLBA,
             bootCatalogChecksumValid, bootImages, fileCount, directoryCount, entries, problems, notes, esxi, esxiModules
    }

    var text: String {
        var out = ""
        func line(_ label: String, _ value: String) { out += label.padding(toLength: 14, withPad: " ", startingAt: 0) + value + "\n" }
        line("Image:", "\(image) (\(imageByteCount) bytes)")
        line("Volume:", volume.volumeIdentifier.isEmpty ? "(no volume identifier)" : volume.volumeIdentifier)
        line("System:", volume.systemIdentifier)
        if !volume.applicationIdentifier.isEmpty { line("Application:", volume.applicationIdentifier) }
        if !volume.publisherIdentifier.isEmpty { line("Publisher:", volume.publisherIdentifier) }
        if !volume.dataPreparerIdentifier.isEmpty { line("Preparer:", volume.dataPreparerIdentifier) }
        line("Volume size:", "\(volume.volumeSpaceSize) blocks (\(volume.volumeByteCount) bytes)")
        line("Created:", volume.creationDate ?? "not specified")
        line("Modified:", volume.modificationDate ?? "not specified")
        line("Descriptors:", descriptors.map { "\($0.sector) \($0.kind)" }.joined(separator: ", "))
        line("Extensions:", extensions.isEmpty ? "none (plain ISO 9660)" : extensions.joined(separator: ", "))
        line("System area:", systemArea)
        if let esxi {
            let release = esxi.release.map { "ESXi \($0) installer" } ?? "ESXi installer of a release vmedia does not know"
            let build = esxi.build.isEmpty ? "no build= in BOOT.CFG"
                : "version \(esxi.version ?? "?"), build \(esxi.buildNumber ?? "?") (build=\(esxi.build))"
            line("ESXi:", "\(release), \(build)")
        }
        if let bootCatalogLBA {
            let checksum = bootCatalogChecksumValid.map { $0 ? "checksum ok" : "CHECKSUM BAD" } ?? "unreadable"
            line("Boot catalog:", "block \(bootCatalogLBA), \(checksum)")
            out += "  #  platform  boot  emulation       load  segment  LBA         file\n"
            for (i, b) in bootImages.enumerated() {
                let columns = [
                    String(i + 1).padding(toLength: 3, withPad: " ", startingAt: 0),
                    b.platform.padding(toLength: 10, withPad: " ", startingAt: 0),
                    (b.bootable ? "yes" : "no").padding(toLength: 6, withPad: " ", startingAt: 0),
                    b.emulation.padding(toLength: 16, withPad: " ", startingAt: 0),
                    String(b.sectorCount).padding(toLength: 6, withPad: " ", startingAt: 0),
                    ("0x" + String(b.loadSegment, radix: 16)).padding(toLength: 9, withPad: " ", startingAt: 0),
                    String(b.lba).padding(toLength: 12, withPad: " ", startingAt: 0),
                    (b.path ?? "(no file)") + (b.bootInfoTable ? "  [boot-info-table]" : ""),
                ]
                out += "  " + columns.joined() + "\n"
            }
        } else {
            line("Boot catalog:", "none (not bootable from CD)")
        }
        line("Contents:", "\(fileCount) files in \(directoryCount) directories")
        out += "\n" + "LBA".padding(toLength: 10, withPad: " ", startingAt: 0)
            + "size".padding(toLength: 12, withPad: " ", startingAt: 0) + "path\n"
        for entry in entries where includeTree || !entry.directory {
            let lba = String(entry.lba).padding(toLength: 10, withPad: " ", startingAt: 0)
            let size = (entry.directory ? "dir" : String(entry.size)).padding(toLength: 12, withPad: " ", startingAt: 0)
            var names = entry.path + (entry.directory ? "/" : "")
            if includeTree {
                if entry.isoPath != entry.path { names += "  (ISO \(entry.isoPath))" }
                if let joliet = entry.jolietPath, joliet != entry.path { names += "  (Joliet \(joliet))" }
                if entry.extents > 1 { names += "  [\(entry.extents) extents]" }
            }
            out += lba + size + names + "\n"
        }
        if let modules = esxiModules {
            out += "\nESXi modules: \(modules.checked) boot files from BOOT.CFG checked, \(modules.gzip) gzip (inflated, "
                + "CRC-32 and ISIZE compared), \(modules.bytesRead) bytes read, \(modules.failed) failed\n"
        }
        if let notes, !notes.isEmpty {
            out += "\nNotes (read past, not counted as problems):\n"
            for note in notes { out += "  - \(note)\n" }
        }
        if let problems {
            out += "\n"
            if problems.isEmpty {
                out += "Verify: no problems found.\n"
            } else {
                out += "Verify: \(problems.count) problem\(problems.count == 1 ? "" : "s") found:\n"
                for problem in problems { out += "  - \(problem)\n" }
            }
        }
        return out
    }
}
