import Primitives

/// A kickstart text read back the way ESXi's installer (weasel) reads it, so that the BMC simulator and the tests
/// can check what the installer would: the required commands are there, and the `install`, `network` and `rootpw`
/// options parse into values.
///
/// Reading rules (VMware "Installation and Upgrade Script Commands"):
/// - Lines before the first `%section` are commands; a line whose first non-blank character is `#` is a comment.
/// - A command line is split as weasel's `ScriptedInstallPreparser.tokenizeLine` does, with Python's
///   `shlex.split(line, comments=True)`: whitespace separates words, '…' and "…" quote, `\` escapes outside single
///   quotes, and an unquoted `#` ends the line, even in the middle of a word (`rootpw abc#def` sets `abc`).
/// - Like weasel, unknown commands and options are warnings, not errors; missing required commands, a second
///   install command, bad addresses and a malformed crypted password are errors.
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
                guard let name = words.first else { continue }
                commands.append(Command(name: name, arguments: Array(words.dropFirst()), line: number))
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
        /// What weasel would log as warnings and go on: unknown commands and options, values it fills in itself.
        public let warnings: [KickstartProblem]
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
        var warnings: [KickstartProblem] = []
        func problem(_ command: Command?, _ field: KickstartProblem.Field?, _ message: String, _ fix: String) {
            problems.append(KickstartProblem(field: field, line: command?.line, message: message, fix: fix))
        }
        func warning(_ command: Command?, _ field: KickstartProblem.Field?, _ message: String, _ fix: String) {
            warnings.append(KickstartProblem(field: field, line: command?.line, message: message, fix: fix))
        }
        var options: [Int: [String: String?]] = [:]
        var positional: [Int: [String]] = [:]
        for (index, command) in commands.enumerated() {
            guard let known = KickstartFile.knownOptions[command.name] else {
                warning(command, nil, "unknown command '\(command.name)' (the installer ignores it)", "remove it or check the spelling against VMware's kickstart command list")
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
                    warning(command, nil, "\(command.name): unknown option --\(name) (the installer ignores it)", "valid options: \(known.sorted().map { "--" + $0 }.joined(separator: " "))")
                }
                parsed[name] = value
            }
            options[index] = parsed
            positional[index] = words
        }
        func find(_ names: String...) -> [Int] {
            commands.indices.filter { names.contains(commands[$0].name) }
        }

        for index in find("%include", "include") {
            // weasel reads the file after running %pre (which usually writes it); it is not in this text.
            warning(commands[index], nil, "\(commands[index].name) \(commands[index].arguments.joined(separator: " ")): commands in included files are not checked here",
                    "check the included file separately")
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
                // weasel accepts MD5 ($1$), SHA-512 ($6$, no rounds=) and 13-character DES crypt; vmedia writes $6$ only.
                if let reason = RootPasswordPolicy.cryptedProblem(words[0]) {
                    problem(commands[index], .password, "rootpw --iscrypted: \(reason)", "give a $6$ (SHA-512 crypt) hash, e.g. from openssl passwd -6")
                }
            } else {
                rootPassword = .plain(words[0])
                if let weakness = RootPasswordPolicy.weakness(of: words[0]) {
                    // weasel's sanityCheckPassword: the install stops at an error dialog.
                    problem(commands[index], .password, "rootpw: the installer refuses this password: \(weakness)",
                            "choose 7-40 printable ASCII characters from at least 3 of: digits, lower case, upper case, others")
                } else {
                    warning(commands[index], .password, "rootpw in plaintext: the image carries the password", "use rootpw --iscrypted with a $6$ hash")
                }
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
                network = staticNetwork(command, opts, problem, warning) { found in
                    // The model's own check, located on this line and keeping its kind.
                    problems.append(KickstartProblem(field: found.field, kind: found.kind, line: command.line,
                                                     message: "network: " + found.message, fix: found.fix))
                }
            } else if proto == "dhcp" {
                for name in ["ip", "netmask", "gateway"] where opts[name] != nil {
                    problem(command, nil, "network: --bootproto=dhcp with --\(name)=", "remove --\(name)= or use --bootproto=static")
                }
            } else {
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
                              wipesAllDrives: wipesAll, reboots: !find("reboot").isEmpty, sections: sections,
                              warnings: warnings)
    }

    /// weasel requires only --ip for a static setup and fills in a classful netmask, a gateway and the hostname
    /// 'localhost' with warnings; vmedia always writes them, so here a missing one is a warning and no network
    /// value is returned.
    private func staticNetwork(_ command: Command, _ opts: [String: String?],
                               _ problem: (Command?, KickstartProblem.Field?, String, String) -> Void,
                               _ warning: (Command?, KickstartProblem.Field?, String, String) -> Void,
                               networkProblem: (KickstartProblem) -> Void) -> KickstartNetwork? {
        func value(_ name: String) -> String? { opts[name] ?? nil }
        func address(_ name: String, _ field: KickstartProblem.Field, required: Bool) -> IPv4Address? {
            guard let text = value(name) else {
                if required {
                    problem(command, field, "network --bootproto=static needs --\(name)=", "add --\(name)=<a.b.c.d>")
                } else {
                    warning(command, field, "network: no --\(name)=; the installer guesses one", "add --\(name)=<a.b.c.d>")
                }
                return nil
            }
            guard let parsed = IPv4Address(text) else {
                problem(command, field, "network: --\(name)=\(text) is not an IPv4 address", "write four decimal numbers 0-255, like 10.0.0.10")
                return nil
            }
            return parsed
        }
        let ip = address("ip", .address, required: true)
        let mask = address("netmask", .netmask, required: false)
        let gateway = address("gateway", .gateway, required: false)
        if value("hostname") == nil {
            warning(command, .hostname, "network: no --hostname=; the installer names the host 'localhost'", "add --hostname=<name>")
        }
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
            // weasel compares MACs lower-cased with ':' separators, so any case works; '-' does not.
            if case .mac(let mac)? = device, mac.description.lowercased() != text.lowercased() {
                problem(command, .device, "network: --device=\(text) must separate the MAC's bytes with colons (\(mac))", "write --device=\(mac)")
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
                                       hostname: value("hostname") ?? "localhost", device: device, vlanID: vlanID)
        network.problems.forEach(networkProblem)
        return network
    }
}

/// Why a line cannot be split, with the fix.
struct SplitError: Error {
    let message: String
    let fix: String
}

/// Python `shlex.split(line, comments=True)` (POSIX mode): the splitting weasel applies to command lines.
/// Returns no words for a blank or comment-only line.
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
        if character == "#" { break }  // shlex comments=True: the rest of the line is a comment
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
    return words
}
