import Foundation

/// What the simulated installer needs from a kickstart: the facts it checks against the hardware and the address
/// and password the simulated ESXi host will answer with.
struct KickstartFacts: Sendable, Equatable {
    enum RootPassword: Sendable, Equatable {
        case plain(String)
        /// `rootpw --iscrypted HASH` (a crypt(3) string such as `$6$salt$…`).
        case crypted(String)
    }

    enum InstallTarget: Sendable, Equatable {
        /// `--disk=NAME` (also `--drive=`).
        case disk(String)
        /// `--firstdisk[=filter,…]`; an empty list means the default (local disks first).
        case firstDisk([String])
    }

    struct Network: Sendable, Equatable {
        var bootproto: String = "dhcp"
        var device: String?
        var ip: String?
        var netmask: String?
        var gateway: String?
        var hostname: String?
        var vlanID: String?
    }

    var acceptsEULA = false
    var rootPassword: RootPassword?
    var install: InstallTarget?
    var network = Network()
}

/// The seam for reading a kickstart. `MinimalKickstartInterpreter` reads the commands the simulator checks; the
/// ESXi module's kickstart parser can replace it once it lands, without touching the checks.
protocol KickstartInterpreter: Sendable {
    func interpret(_ text: String) throws -> KickstartFacts
}

/// A kickstart the installer refuses, phrased as weasel's console message.
struct KickstartRejection: Error, CustomStringConvertible {
    let description: String
}

/// Reads the ESXi kickstart commands (VMware "Installation and Upgrade Script Commands", iso9660-esxi.md §3.5):
/// one command per line, `#` comments, `--option=value` arguments with shell-style quotes, and `%pre`/`%post`/
/// `%firstboot` sections that run to the next section or the end. Other commands (keyboard, clearpart, reboot …)
/// don't matter to the checks and are skipped, as weasel skips unknown ones with a warning.
struct MinimalKickstartInterpreter: KickstartInterpreter {
    func interpret(_ text: String) throws -> KickstartFacts {
        var facts = KickstartFacts()
        var inScriptSection = false
        var sawInstall = false
        for (index, rawLine) in text.components(separatedBy: "\n").enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("%") {
                let section = line.split(separator: " ").first.map(String.init) ?? line
                if ["%pre", "%post", "%firstboot"].contains(section) { inScriptSection = true; continue }
                if section == "%include" { continue }
                throw KickstartRejection(description: "ks.cfg line \(lineNumber): unknown section \(section)")
            }
            if inScriptSection || line.isEmpty || line.hasPrefix("#") { continue }
            let words = try Self.split(line, lineNumber: lineNumber)
            guard let command = words.first else { continue }
            let arguments = Array(words.dropFirst())
            switch command {
            case "vmaccepteula", "accepteula":
                facts.acceptsEULA = true
            case "rootpw":
                let crypted = arguments.contains("--iscrypted")
                let values = arguments.filter { !$0.hasPrefix("--") }
                guard values.count == 1 else {
                    throw KickstartRejection(description: "ks.cfg line \(lineNumber): rootpw needs exactly one password")
                }
                if let refusal = crypted ? WeaselPasswordRules.cryptRefusal(values[0]) : WeaselPasswordRules.plainRefusal(values[0]) {
                    throw KickstartRejection(description: "ks.cfg line \(lineNumber): rootpw: \(refusal)")
                }
                facts.rootPassword = crypted ? .crypted(values[0]) : .plain(values[0])
            case "install", "installorupgrade", "upgrade":
                sawInstall = true
                let options = Self.options(arguments)
                if let disk = options["disk"] ?? options["drive"] {
                    guard let disk, !disk.isEmpty else {
                        throw KickstartRejection(description: "ks.cfg line \(lineNumber): \(command) --disk needs a value")
                    }
                    facts.install = .disk(disk)
                } else if let first = options["firstdisk"] {
                    facts.install = .firstDisk((first ?? "").split(separator: ",").map { String($0) })
                } else {
                    throw KickstartRejection(description: "ks.cfg line \(lineNumber): \(command) needs --disk= or --firstdisk")
                }
            case "network":
                let options = Self.options(arguments)
                var network = KickstartFacts.Network()
                network.bootproto = (options["bootproto"] ?? nil) ?? "dhcp"
                network.device = options["device"] ?? nil
                network.ip = options["ip"] ?? nil
                network.netmask = options["netmask"] ?? nil
                network.gateway = options["gateway"] ?? nil
                network.hostname = options["hostname"] ?? nil
                network.vlanID = options["vlanid"] ?? nil
                facts.network = network
            default:
                continue
            }
        }
        guard facts.acceptsEULA else { throw KickstartRejection(description: "ks.cfg: vmaccepteula is missing") }
        guard facts.rootPassword != nil else { throw KickstartRejection(description: "ks.cfg: rootpw is missing") }
        guard sawInstall else { throw KickstartRejection(description: "ks.cfg: no install, upgrade or installorupgrade command") }
        return facts
    }

    /// `--name=value` / `--name value` / `--flag` → [name: value?].
    private static func options(_ arguments: [String]) -> [String: String?] {
        var result: [String: String?] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else { continue }
            let body = argument.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                result[body[..<equals].lowercased()] = String(body[body.index(after: equals)...])
            } else if index < arguments.count, !arguments[index].hasPrefix("--"),
                      !["firstdisk", "overwritevmfs", "preservevmfs", "novmfsondisk", "iscrypted", "ignoressd",
                        "overwritevsan", "alldrives", "noeject"].contains(body.lowercased()) {
                result[body.lowercased()] = arguments[index]
                index += 1
            } else {
                result[body.lowercased()] = .some(nil)
            }
        }
        return result
    }

    /// Shell-style words: whitespace separates, single and double quotes group, backslash escapes in double quotes.
    static func split(_ line: String, lineNumber: Int) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"", let next = iterator.next() {
                    current.append(next)
                } else {
                    current.append(character)
                }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(character)
                inWord = true
            }
        }
        if quote != nil { throw KickstartRejection(description: "ks.cfg line \(lineNumber): unterminated quote") }
        if inWord { words.append(current) }
        return words
    }
}

/// The installer's checks of a kickstart against the machine it runs on, and what the host will be afterwards.
struct InstallPlan: Sendable, Equatable {
    let installDisk: HostInventory.Disk
    let nicIndex: Int
    let address: String
    let rootPassword: KickstartFacts.RootPassword
    let hostname: String?

    /// Fails with the message the installer would show: a disk or NIC that isn't there, or unusable IP settings.
    /// Addresses outside 127.0.0.0/8 are refused too: the simulated host would have to listen there.
    static func make(facts: KickstartFacts, inventory: HostInventory) throws -> InstallPlan {
        guard let rootPassword = facts.rootPassword, let install = facts.install else {
            throw KickstartRejection(description: "ks.cfg: rootpw and install are required")
        }
        let disk = try resolve(install, in: inventory)
        let network = facts.network
        let nicIndex = try resolveNIC(network.device, in: inventory)
        guard network.bootproto.lowercased() == "static" else {
            throw KickstartRejection(description: "network --bootproto=\(network.bootproto): the simulator needs a static " +
                "address to bring the ESXi host up on (use --bootproto=static --ip=127.x.y.z)")
        }
        guard let ip = network.ip, let ipValue = IPv4.value(ip) else {
            throw KickstartRejection(description: "network --ip=\(network.ip ?? "(missing)"): not an IPv4 address")
        }
        guard let netmask = network.netmask, let prefix = IPv4.prefixLength(ofNetmask: netmask) else {
            throw KickstartRejection(description: "network --netmask=\(network.netmask ?? "(missing)"): not a valid netmask")
        }
        let mask: UInt32 = prefix == 32 ? .max : ~(UInt32.max >> prefix)
        if prefix < 31 {
            guard ipValue & ~mask != 0, ipValue & ~mask != ~mask else {
                throw KickstartRejection(description: "network --ip=\(ip) is the network or broadcast address of /\(prefix)")
            }
        }
        if let gateway = network.gateway {
            guard let gatewayValue = IPv4.value(gateway) else {
                throw KickstartRejection(description: "network --gateway=\(gateway): not an IPv4 address")
            }
            guard gatewayValue & mask == ipValue & mask, gatewayValue != ipValue else {
                throw KickstartRejection(description: "network --gateway=\(gateway) is not a host in \(ip)/\(prefix)")
            }
        }
        if let vlan = network.vlanID {
            guard let id = Int(vlan), (0...4094).contains(id) else {
                throw KickstartRejection(description: "network --vlanid=\(vlan): must be 0-4094")
            }
        }
        guard LoopbackAddress.isLoopback(ip) else {
            throw KickstartRejection(description: "network --ip=\(ip) is outside 127.0.0.0/8: the simulated ESXi host only " +
                "comes up on loopback addresses")
        }
        return InstallPlan(installDisk: disk, nicIndex: nicIndex, address: ip, rootPassword: rootPassword,
                           hostname: network.hostname)
    }

    private static func resolve(_ target: KickstartFacts.InstallTarget, in inventory: HostInventory) throws -> HostInventory.Disk {
        let available = inventory.disks.map(\.deviceName).joined(separator: ", ")
        switch target {
        case .disk(let name):
            guard let disk = inventory.disks.first(where: { $0.deviceName.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw KickstartRejection(description: "install --disk=\(name): no such disk on this host (disks: \(available))")
            }
            return disk
        case .firstDisk(let filters):
            // The installer tries the filters in order and takes the first disk matching one; by default local
            // disks come first (VMware: "--firstdisk=local,remote,usb"). A name matches a disk whose vendor, model
            // or driver name EQUALS it, ignoring case; a substring never does (weasel diskfilter.py, whose
            // generic matcher is `name in (disk.vendor, disk.model, disk.driverName)`; iso9660-esxi.md §7).
            for filter in filters.isEmpty ? ["local", "remote", "usb"] : filters {
                let name = filter.trimmingCharacters(in: .whitespaces).lowercased()
                let match = inventory.disks.first { disk in
                    switch name {
                    case "local": return disk.isLocal
                    case "remote": return !disk.isLocal
                    case "usb": return false
                    default:
                        return [disk.vendor, disk.model, disk.driverName ?? ""].contains { $0.lowercased() == name }
                    }
                }
                if let match { return match }
            }
            let names = inventory.disks.map { "\($0.vendor)/\($0.model)/\($0.driverName ?? "?")" }.joined(separator: ", ")
            throw KickstartRejection(description: "install --firstdisk=\(filters.joined(separator: ",")): no disk's vendor, model " +
                "or driver name equals it (a part of a model does not match; disks: \(names); ids: \(available))")
        }
    }

    private static func resolveNIC(_ device: String?, in inventory: HostInventory) throws -> Int {
        guard !inventory.nics.isEmpty else { throw KickstartRejection(description: "no network adapters found") }
        guard let device else { return 0 }
        if device.lowercased().hasPrefix("vmnic"), let index = Int(device.dropFirst(5)) {
            guard index < inventory.nics.count else {
                throw KickstartRejection(description: "network --device=\(device): this host has vmnic0-vmnic\(inventory.nics.count - 1)")
            }
            return index
        }
        if let index = inventory.nics.firstIndex(where: { $0.macAddress == device.lowercased() }) { return index }
        throw KickstartRejection(description: "network --device=\(device): no NIC with that name or MAC " +
            "(MACs: \(inventory.nics.map(\.macAddress).joined(separator: ", ")))")
    }
}

/// The installer's own password rules, written here from weasel's sources rather than shared with the ESXi module,
/// so that a misreading there is caught here (iso9660-esxi.md §7):
/// - `rootpw --iscrypted`: weasel matches SHA-512 `\$6\$[a-zA-Z0-9./]{,16}\$[a-zA-Z0-9./]{86}` (so no `rounds=`),
///   MD5 `$1$` and DES; anything else stops the install.
/// - plaintext `rootpw`: `users.sanityCheckPassword` (7-40 characters of digits, letters, punctuation and space),
///   then `pwqcheck` with ESXi's `min=disabled,disabled,disabled,7,7` (three character classes; passwdqc_check.c
///   does not count an upper-case first letter or a final digit). The console shows the error and waits.
enum WeaselPasswordRules {
    static let crypt = [#"^\$6\$[a-zA-Z0-9./]{0,16}\$[a-zA-Z0-9./]{86}$"#, #"^\$1\$[a-zA-Z0-9./]{0,8}\$[a-zA-Z0-9./]{22}$"#,
                        #"^[a-zA-Z0-9./]{13}$"#]

    static func cryptRefusal(_ hash: String) -> String? {
        let whole = NSRange(hash.startIndex..., in: hash)
        let matches = crypt.contains { pattern in
            (try? NSRegularExpression(pattern: pattern))?.firstMatch(in: hash, range: whole) != nil
        }
        if matches { return nil }
        return hash.contains("rounds=") ? "--iscrypted hash with rounds= is not a format the installer accepts"
                                        : "--iscrypted value is not a $6$, $1$ or DES crypt hash the installer accepts"
    }

    static func plainRefusal(_ password: String) -> String? {
        let bytes = Array(password.utf8)
        if bytes.count < 7 { return "Password must be at least 7 characters long." }
        if bytes.count > 40 { return "Password must be less than 41 characters long." }
        if bytes.contains(where: { $0 < 0x20 || $0 > 0x7e }) { return "Password may only contain ASCII characters." }
        var counts = [0, 0, 0, 0]  // digits, lower, upper, other
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): counts[0] += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"): counts[1] += 1
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): counts[2] += 1
            default: counts[3] += 1
            }
        }
        if (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[0]) { counts[2] -= 1 }
        if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[bytes.count - 1]) { counts[0] -= 1 }
        if counts.filter({ $0 > 0 }).count < 3 || Set(bytes).count < 5 {
            return "Password does not have enough character types."
        }
        return nil
    }
}
