/// The ESXi boot loader's configuration file, `BOOT.CFG` (`/BOOT.CFG` for BIOS, `/EFI/BOOT/BOOT.CFG` for UEFI).
///
/// mboot reads `key=value` lines (vmware/esx-boot `mboot/config.c`): `kernel`, `kernelopt`, `modules`
/// (items separated by `---`), `prefix`, `title`, `timeout` and a few more; stock files also carry
/// `bootstate=`, `build=` and `updated=`, which mboot tolerates. Per version (reference/iso9660-esxi.md §3.2):
///
/// ```
/// bootstate=0
/// title=Loading ESXi installer
/// timeout=5
/// prefix=
/// kernel=/b.b00
/// kernelopt=cdromBoot runweasel          (6.7)     kernelopt=runweasel cdromBoot   (7.0, 8.0)
/// modules=/jumpstrt.gz --- /useropts.gz --- /features.gz --- /k.b00 --- …
/// build=…
/// updated=0
/// ```
///
/// The value keeps every line as raw bytes with its own terminator (LF, CRLF or none at the end of the
/// file), so serialising an unpatched file gives back the input byte for byte, and patching changes only
/// the bytes of the `kernelopt=` line. Only that line is ever edited: the rest is per-build data that
/// esximage and mboot own.
public struct BootConfig: Sendable, Equatable {
    /// One line: its content without the terminator, and the terminator itself (`\n`, `\r\n` or empty).
    public struct Line: Sendable, Equatable {
        public let content: [UInt8]
        public let terminator: [UInt8]

        public init(content: [UInt8], terminator: [UInt8]) {
            self.content = content
            self.terminator = terminator
        }

        /// The key of a `key=value` line (leading blanks and blanks before `=` ignored), or nil for other lines.
        public var key: String? { Self.split(content)?.key }

        /// The value of a `key=value` line, without the blanks that follow `=`.
        public var value: String? { Self.split(content).map { String(decoding: content[$0.valueStart...], as: UTF8.self) } }

        /// Splits `␣key␣=␣value` into the key and the index where the value begins. mboot's keys are
        /// identifiers, so a line whose text before `=` is not one (a comment, a blank line) has no key.
        static func split(_ content: [UInt8]) -> (key: String, valueStart: Int)? {
            guard let equals = content.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = content[..<equals].drop(while: isBlank).reversed().drop(while: isBlank).reversed()
            guard !key.isEmpty, key.allSatisfy(isKeyByte) else { return nil }
            var valueStart = equals + 1
            while valueStart < content.count, isBlank(content[valueStart]) { valueStart += 1 }
            return (String(decoding: key, as: UTF8.self), valueStart)
        }
    }

    /// Every line of the file in order; the last one has an empty terminator when the file does not end in one.
    public let lines: [Line]
    /// Where the bytes came from, for error messages (e.g. `/EFI/BOOT/BOOT.CFG`).
    public let name: String

    /// Parses BOOT.CFG bytes. Never fails: any byte sequence is a list of lines; what a line means is
    /// checked only by the operations that need it (`kernelOptions`, `patched`), with errors naming the file.
    public init(bytes: some Collection<UInt8>, name: String = "BOOT.CFG") {
        var lines: [Line] = []
        var current: [UInt8] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if current.last == UInt8(ascii: "\r") {
                    current.removeLast()
                    lines.append(Line(content: current, terminator: [0x0D, 0x0A]))
                } else {
                    lines.append(Line(content: current, terminator: [0x0A]))
                }
                current = []
            } else {
                current.append(byte)
            }
        }
        if !current.isEmpty { lines.append(Line(content: current, terminator: [])) }
        self.lines = lines
        self.name = name
    }

    init(lines: [Line], name: String) {
        self.lines = lines
        self.name = name
    }

    /// The file's bytes: every line followed by its own terminator.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(0) { $0 + $1.content.count + $1.terminator.count })
        for line in lines {
            out += line.content
            out += line.terminator
        }
        return out
    }

    /// The value of the first line with this key (`kernel`, `prefix`, `build` …), or nil.
    public func value(forKey key: String) -> String? {
        lines.first { $0.key == key }?.value
    }

    /// The tokens of the `kernelopt=` line, in order (`["runweasel", "cdromBoot"]` on a stock 7.0 image).
    public func kernelOptions() throws -> [String] {
        let index = try kernelOptionsLineIndex()
        return Self.tokens(lines[index].value ?? "")
    }

    /// The paths of the kernel and modules as mboot resolves them: relative names are taken from `prefix=`
    /// (default: the directory BOOT.CFG was read from), absolute ones (`/b.b00`) are used as they are.
    /// Each `---`-separated item is a path optionally followed by arguments; only the path is returned.
    ///
    /// - Parameter configDirectory: the directory holding this BOOT.CFG on the image, e.g. `/` or `/EFI/BOOT`.
    public func bootFiles(configDirectory: String = "/") throws -> [String] {
        var names: [String] = []
        if let kernel = value(forKey: "kernel").flatMap({ Self.tokens($0).first }) { names.append(kernel) }
        guard let modules = value(forKey: "modules"), !Self.tokens(modules).isEmpty else {
            throw ESXiError.modulesMissing(file: name)
        }
        var item: [String] = []
        for token in Self.tokens(modules) + ["---"] {
            if token == "---" {
                if let path = item.first { names.append(path) }
                item = []
            } else {
                item.append(token)
            }
        }
        let prefix = value(forKey: "prefix").flatMap { Self.tokens($0).first } ?? configDirectory
        return names.map { name in
            if name.hasPrefix("/") { return name }
            let base = prefix.isEmpty ? configDirectory : prefix
            return base.hasSuffix("/") ? base + name : base + "/" + name
        }
    }

    /// Returns this file with the `kernelopt=` line set up for a scripted install from the CD.
    ///
    /// The line keeps everything up to and including `=` and the blanks after it, then every token that is
    /// not `cdromBoot`, `ks=…` or `systemMediaSize=…` in its original order, then `ks=<kickstart>` and, unless
    /// `systemMediaSize` is `.omitted`, `systemMediaSize=<value>`; tokens are joined by one space and trailing
    /// blanks are dropped. `cdromBoot` goes because VMware's documented scripted form is
    /// `kernelopt=runweasel ks=cdrom:/KS_CUST.CFG` and the old tool (proven on Dell, Lenovo and HPE BMCs)
    /// replaced `cdromBoot` with the ks option. Matching of the removed names ignores case, so no second,
    /// differently-cased `ks=` survives to compete with ours. Patching a patched file gives the same bytes.
    ///
    /// - Parameters:
    ///   - kickstart: the `ks=` value; ESXi requires an upper-case path on the CD (`cdrom:/KS.CFG`).
    ///   - systemMediaSize: the ESX-OSData size the installer should use (KB 81166).
    ///   - extraOptions: the admin's own tokens (`KernelOption`), placed before `ks=`. A kept token with the same
    ///     name as one of them (ignoring case) is dropped first, so re-patching stays idempotent and a stock
    ///     value is replaced rather than repeated.
    public func patched(kickstart: String = "cdrom:/KS.CFG", systemMediaSize: SystemMediaSize = .small,
                        extraOptions: [String] = []) throws -> BootConfig {
        guard !kickstart.isEmpty, !kickstart.contains(where: { $0.isWhitespace }) else {
            throw ESXiError.invalidKernelOption("ks=\(kickstart)", reason: "the kickstart location must be one token without blanks")
        }
        for option in extraOptions {
            if let problem = KernelOption.problem(with: option) { throw ESXiError.invalidKernelOption(option, reason: problem) }
        }
        let extraNames = Set(extraOptions.map { KernelOption.name(of: $0).lowercased() })
        let index = try kernelOptionsLineIndex()
        let line = lines[index]
        guard let split = Line.split(line.content) else {
            throw ESXiError.kernelOptionsMissing(file: name)
        }
        let kept = Self.tokens(String(decoding: line.content[split.valueStart...], as: UTF8.self)).filter { token in
            let lower = token.lowercased()
            return lower != "cdromboot" && !lower.hasPrefix("ks=") && !lower.hasPrefix("systemmediasize=")
                && !extraNames.contains(KernelOption.name(of: lower))
        }
        var added: [String] = []
        for option in extraOptions where !added.contains(option) { added.append(option) }
        added.append("ks=" + kickstart)
        if let size = systemMediaSize.kernelOptionValue { added.append("systemMediaSize=" + size) }
        let content = Array(line.content[..<split.valueStart]) + Array((kept + added).joined(separator: " ").utf8)
        var patchedLines = lines
        patchedLines[index] = Line(content: content, terminator: line.terminator)
        return BootConfig(lines: patchedLines, name: name)
    }

    /// The index of the single `kernelopt=` line; a missing or repeated line is an error.
    private func kernelOptionsLineIndex() throws -> Int {
        let matches = lines.indices.filter { lines[$0].key == "kernelopt" }
        guard let first = matches.first else { throw ESXiError.kernelOptionsMissing(file: name) }
        guard matches.count == 1 else {
            throw ESXiError.kernelOptionsDuplicated(file: name, lines: matches.map { $0 + 1 })
        }
        return first
    }

    static func tokens(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }
}

private func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

private func isKeyByte(_ byte: UInt8) -> Bool {
    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
}

/// `systemMediaSize=` for the ESXi 7.0U1c+ installer (VMware KB 81166): how large the ESX-OSData volume is.
/// The installer ignores the option on releases that do not know it (6.7), so it is safe to pass everywhere.
public enum SystemMediaSize: String, Sendable, CaseIterable, Codable {
    /// 33 GB: single-disk or embedded systems.
    case min
    /// 69 GB: what the old tool passed; VMware suggests it for hosts with 512 GB of RAM or more.
    case small
    /// 138 GB: the installer's own default.
    case `default`
    /// All remaining space on the boot disk.
    case max
    /// No `systemMediaSize=` token: the installer decides.
    case omitted = "none"

    /// The value after `systemMediaSize=`, or nil when the token is left out.
    public var kernelOptionValue: String? { self == .omitted ? nil : rawValue }
}
