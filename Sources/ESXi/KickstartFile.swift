/// A kickstart text read back the way ESXi's installer (weasel) reads it, so that the BMC simulator and the tests
/// can check what the installer would: the required commands are there, and the `install`, `network` and `rootpw`
/// options parse into values.
///
/// Reading rules (VMware "Installation and Upgrade Script Commands"):
/// - Lines before the first `%section` are commands; a line whose first non-blank character is `#` is a comment.
/// - A command line is split shell-style (Python `shlex.split`, which weasel uses): whitespace separates words,
///   '…' and "…" quote, `\` escapes outside single quotes, and a `#` inside a line is an ordinary character.
/// - `%pre`, `%post` and `%firstboot` start a script section that runs until the next line starting with `%`;
///   `%include FILE` (and `include FILE`) pulls in another file.
public struct KickstartFile: Sendable, Equatable {
    public struct Command: Sendable, Equatable {
        public let name: String
        public let arguments: [String]
        public let line: Int
    }

    public struct Section: Sendable, Equatable {
        public let kind: KickstartScript.Section
        public let options: [String]
        public let body: String
        public let line: Int
    }

    public let commands: [Command]
    public let sections: [Section]

    /// Splits the text into commands and sections. Throws for lines no installer could split (an unclosed quote)
    /// and for unknown `%` sections; everything else is left to `interpret()`.
    public static func parse(_ text: String) throws(KickstartError) -> KickstartFile {
        var commands: [Command] = []
        var sections: [Section] = []
        var problems: [KickstartProblem] = []
        var open: (kind: KickstartScript.Section, options: [String], line: Int, body: [Substring])?
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        func closeSection() {
            if let current = open {
                var body = current.body.joined(separator: "\n")
                if !body.isEmpty { body += "\n" }
                sections.append(Section(kind: current.kind, options: current.options, body: body, line: current.line))
            }
            open = nil
        }
        for (offset, rawLine) in lines.enumerated() {
            let number = offset + 1
            // A final newline leaves one empty element behind; it is not a line of the file.
            if offset == lines.count - 1, rawLine.isEmpty { break }
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.hasPrefix("%") {
                closeSection()
                let words: [String]
                do { words = try splitShellStyle(String(line)) } catch {
                    problems.append(KickstartProblem(line: number, message: error.message, fix: error.fix)); continue
                }
                let keyword = String(words.first?.dropFirst() ?? "")
                if let kind = KickstartScript.Section(rawValue: keyword) {
                    open = (kind, Array(words.dropFirst()), number, [])
                } else if keyword == "include" {
                    commands.append(Command(name: "%include", arguments: Array(words.dropFirst()), line: number))
                } else if keyword == "end" {
                    continue  // anaconda-style section end; ESXi accepts it
                } else {
                    problems.append(KickstartProblem(line: number, message: "unknown section '%\(keyword)'",
                                                     fix: "use %pre, %post, %firstboot or %include"))
                }
                continue
            }
            if open != nil { open!.body.append(line); continue }
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            do {
                let words = try splitShellStyle(String(line))
                commands.append(Command(name: words[0], arguments: Array(words.dropFirst()), line: number))
            } catch {
                problems.append(KickstartProblem(line: number, message: error.message, fix: error.fix))
            }
        }
        closeSection()
        if !problems.isEmpty { throw KickstartError(problems) }
        return KickstartFile(commands: commands, sections: sections)
    }

    /// What the installer would do with this file, or every reason it would stop.
    public struct Interpretation: Sendable, Equatable {
        public let rootPassword: RootPassword
        public let installDisk: InstallDisk?
        /// nil for `--bootproto=dhcp` or no `network` command (the installer then uses DHCP on vmnic0).
        public let network: KickstartNetwork?
        public let wipesAllDrives: Bool
        public let reboots: Bool
        public let sections: [Section]
    }

    /// The options each command accepts (flags without `=`, values with `=`), from VMware's command reference.
    /// `firstdisk` works both ways (`--firstdisk` and `--firstdisk=local,usb`).
    static let knownOptions: [String: Set<String>] = [
        "vmaccepteula": [], "accepteula": [], "paranoid": [], "dryrun": [],
        "rootpw": ["iscrypted"],
        "keyboard": [],
        "clearpart": ["drives", "alldrives", "ignoredrives", "overwritevmfs", "firstdisk"],
        "install": installOptions, "upgrade": installOptions, "installorupgrade": installOptions,
        "network": ["bootproto", "device", "ip", "netmask", "gateway", "nameserver", "hostname", "vlanid", "addvmportgroup"],
        "reboot": ["noeject"],
        "serialnum": ["esx"], "vmserialnum": ["esx"],
        "part": ["ondisk", "onfirstdisk"], "partition": ["ondisk", "onfirstdisk"],
        "include": [], "%include": [],
    ]
    static let installOptions: Set<String> = [
        "disk", "drive", "firstdisk", "overwritevmfs", "preservevmfs", "novmfsondisk", "overwritevsan", "ignoressd",
        "forceunsupportedinstall", "ignoreprereqwarnings", "ignoreprereqerrors", "dpupcislots",
    ]

    public func interpret() throws(KickstartError) -> Interpretation {
        var problems: [KickstartProblem] = []
        func problem(_ command: Command?, _ field: KickstartProblem.Field?, _ message: String, _ fix: String) {
            problems.append(KickstartProblem(field: field, line: command?.line, message: message, fix: fix))
        }
        var options: [Int: [String: String?]] = [:]
        var positional: [Int: [String]] = [:]
        for (index, command) in commands.enumerated() {
            guard let known = KickstartFile.knownOptions[command.name] else {
                problem(command, nil, "unknown command '\(command.name)'", "remove it or check the spelling against VMware's kickstart command list")
                continue
            }
            var parsed: [String: String?] = [:]
            var words: [String] = []
            for argument in command.arguments {
                guard argument.hasPrefix("--") else { words.append(argument); continue }
                let body = argument.dropFirst(2)
                let name = String(body.prefix(while: { $0 != "=" }))
                let value = body.contains("=") ? String(body.drop(while: { $0 != "=" }).dropFirst()) : nil
                if !known.contains(name) {
                    problem(command, nil, "\(command.name): unknown option --\(name)", "valid options: \(known.sorted().map { "--" + $0 }.joined(separator: " "))")
                }
                parsed[name] = value
            }
            options[index] = parsed
            positional[index] = words
        }
        func find(_ names: String...) -> [Int] {
            commands.indices.filter { names.contains(commands[$0].name) }
        }

        if find("vmaccepteula", "accepteula").isEmpty {
            problem(nil, nil, "the required command vmaccepteula is missing", "add a line 'vmaccepteula'")
        }
        var rootPassword = RootPassword.plain("")
        let rootpws = find("rootpw")
        if rootpws.isEmpty {
            problem(nil, .password, "the required command rootpw is missing", "add 'rootpw --iscrypted <hash>'")
        } else if let index = rootpws.last {
            let words = positional[index] ?? []
            if words.count != 1 {
                problem(commands[index], .password, "rootpw takes exactly one password, found \(words.count) words", "quote the password or use --iscrypted with a hash")
            } else if options[index]?.keys.contains("iscrypted") == true {
                rootPassword = .crypted(words[0])
            } else {
                rootPassword = .plain(words[0])
            }
        }

        var installDisk: InstallDisk?
        let installs = find("install", "upgrade", "installorupgrade")
        if installs.count != 1 {
            problem(installs.count > 1 ? commands[installs[1]] : nil, .installDisk,
                    installs.isEmpty ? "none of install, upgrade or installorupgrade is present" : "more than one install/upgrade command",
                    "keep exactly one, e.g. 'install --firstdisk --overwritevmfs'")
        }
        if let index = installs.first, let opts = options[index] {
            if let disk = opts["disk"] ?? opts["drive"], let disk {
                installDisk = .device(disk)
            } else if let firstdisk = opts["firstdisk"] {
                installDisk = .firstDisk(firstdisk ?? "local")
            } else {
                problem(commands[index], .installDisk, "\(commands[index].name) names no disk", "add --firstdisk, --firstdisk=<model> or --disk=<device id>")
            }
        }

        var network: KickstartNetwork?
        if let index = find("network").last, let opts = options[index] {
            let command = commands[index]
            let proto = (opts["bootproto"] ?? nil) ?? "dhcp"
            if proto == "static" {
                network = staticNetwork(command, opts, problem)
            } else if proto != "dhcp" {
                problem(command, nil, "network: --bootproto=\(proto) is neither dhcp nor static", "use --bootproto=static or --bootproto=dhcp")
            }
        }

        var wipesAll = false
        if let index = find("clearpart").last, let opts = options[index] {
            wipesAll = opts.keys.contains("alldrives")
            if !wipesAll, opts["drives"] == nil, opts["ignoredrives"] == nil, opts["firstdisk"] == nil {
                problem(commands[index], nil, "clearpart names no drives", "add --alldrives, --drives=, --ignoredrives= or --firstdisk")
            }
        }
        for section in sections {
            for option in section.options {
                if option.hasPrefix("--interpreter="),
                   KickstartScript.Interpreter(rawValue: String(option.dropFirst("--interpreter=".count))) == nil {
                    problems.append(KickstartProblem(field: .script, line: section.line,
                        message: "%\(section.kind.rawValue): unknown interpreter in \(option)", fix: "use --interpreter=busybox or --interpreter=python"))
                }
            }
        }
        if !problems.isEmpty { throw KickstartError(problems) }
        return Interpretation(rootPassword: rootPassword, installDisk: installDisk, network: network,
                              wipesAllDrives: wipesAll, reboots: !find("reboot").isEmpty, sections: sections)
    }

    private func staticNetwork(_ command: Command, _ opts: [String: String?],
                               _ problem: (Command?, KickstartProblem.Field?, String, String) -> Void) -> KickstartNetwork? {
        func value(_ name: String) -> String? { opts[name] ?? nil }
        func address(_ name: String, _ field: KickstartProblem.Field, required: Bool) -> IPv4Address? {
            guard let text = value(name) else {
                if required { problem(command, field, "network --bootproto=static needs --\(name)=", "add --\(name)=<a.b.c.d>") }
                return nil
            }
            guard let parsed = IPv4Address(text) else {
                problem(command, field, "network: --\(name)=\(text) is not an IPv4 address", "write four decimal numbers 0-255, like 10.0.0.10")
                return nil
            }
            return parsed
        }
        let ip = address("ip", .address, required: true)
        let mask = address("netmask", .netmask, required: true)
        let gateway = address("gateway", .gateway, required: true)
        var netmask: IPv4Netmask?
        if let mask {
            netmask = IPv4Netmask(mask)
            if netmask == nil { problem(command, .netmask, "network: --netmask=\(mask) is not contiguous", "use a mask like 255.255.240.0") }
        }
        var nameservers: [IPv4Address]?
        if let list = value("nameserver") {
            nameservers = []
            for item in list.split(separator: ",", omittingEmptySubsequences: false) {
                if let parsed = IPv4Address(String(item)) { nameservers!.append(parsed) } else {
                    problem(command, .nameservers, "network: name server '\(item)' is not an IPv4 address", "write --nameserver=a.b.c.d[,e.f.g.h]")
                }
            }
        }
        var device: NetworkDevice?
        if let text = value("device") {
            device = NetworkDevice(text)
            if device == nil { problem(command, .device, "network: --device=\(text) is neither vmnicN nor a MAC address", "write vmnic0 or AA:BB:CC:DD:EE:FF") }
            if case .mac(let mac)? = device, mac.description != text {
                problem(command, .device, "network: --device=\(text) must be written upper case with colons (\(mac))", "write --device=\(mac)")
            }
        } else {
            device = .vmnic(0)
        }
        var vlanID: Int?
        if let text = value("vlanid") {
            vlanID = Int(text)
            if vlanID == nil { problem(command, .vlanID, "network: --vlanid=\(text) is not a number", "write --vlanid=<1-4094>") }
        }
        guard let ip, let netmask, let gateway, let device else { return nil }
        let network = KickstartNetwork(address: ip, netmask: netmask, gateway: gateway, nameservers: nameservers,
                                       hostname: value("hostname"), device: device, vlanID: vlanID)
        for found in network.problems {
            problem(command, found.field, "network: " + found.message, found.fix)
        }
        return network
    }
}

/// Why a line cannot be split, with the fix.
struct SplitError: Error {
    let message: String
    let fix: String
}

/// Python `shlex.split(line)` in POSIX mode with comments off: the splitting weasel applies to command lines.
func splitShellStyle(_ line: String) throws(SplitError) -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character?
    var escaping = false
    for character in line {
        if escaping {
            // Inside "…" a backslash escapes only '"' and '\'; elsewhere it escapes anything.
            if quote == "\"", character != "\"", character != "\\" { current.append("\\") }
            current.append(character)
            escaping = false
            continue
        }
        if let open = quote {
            if character == open { quote = nil } else if character == "\\", open == "\"" { escaping = true } else { current.append(character) }
            continue
        }
        switch character {
        case " ", "\t":
            if inWord { words.append(current); current = ""; inWord = false }
        case "'", "\"":
            quote = character; inWord = true
        case "\\":
            escaping = true; inWord = true
        default:
            current.append(character); inWord = true
        }
    }
    if quote != nil { throw SplitError(message: "unclosed quote", fix: "close the quote or remove it") }
    if escaping { throw SplitError(message: "the line ends with a backslash", fix: "remove the trailing backslash") }
    if inWord { words.append(current) }
    if words.isEmpty { throw SplitError(message: "empty command", fix: "remove the line") }
    return words
}
