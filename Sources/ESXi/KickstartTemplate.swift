/// A user's own kickstart text with `{{placeholder}}`s that vmedia fills per host, for sites whose kickstart goes
/// beyond the options of `Kickstart`. Unknown placeholders are an error (a typo must not silently install a host
/// with a literal `{{hostnme}}`), and the filled text must still pass `KickstartFile` checks.
///
/// Placeholders (spaces inside the braces are allowed: `{{ ip }}`):
///
/// | name | example |
/// |---|---|
/// | `rootpw` | `rootpw --iscrypted $6$…` (the whole line) |
/// | `password_hash` | `$6$…` (the hash only; use with your own `rootpw --iscrypted`) |
/// | `keyboard` | `US Default` |
/// | `clearpart` | `clearpart --alldrives --overwritevmfs`, or empty with `wipe: install-disk` |
/// | `install` | `install --overwritevmfs --firstdisk="DELLBOSS VD"` (the whole line) |
/// | `disk` | `DELLBOSS VD` |
/// | `disk_option` | `--firstdisk="DELLBOSS VD"` or `--disk="naa.…"` |
/// | `network` | `network --bootproto=static …` (the whole line) |
/// | `hostname`, `ip`, `netmask`, `gateway`, `device` | the values |
/// | `nameservers` | `10.0.0.53,10.0.0.54` |
/// | `vlanid` | `100`, or empty when untagged |
/// | `vmserialnum` | `vmserialnum --esx=<licence key>` (masked like the password), or empty without `license_key` |
/// | `firstboot_ssh` | the built-in `%firstboot` section that turns SSH on, or empty with `ssh: false` |
public struct KickstartTemplate: Sendable, Equatable {
    public let text: String
    /// Where the template came from, for messages.
    public let origin: String

    public static let placeholderNames: [String] = [
        "rootpw", "password_hash", "keyboard", "clearpart", "install", "disk", "disk_option", "network", "hostname",
        "ip", "netmask", "gateway", "device", "nameservers", "vlanid", "firstboot_ssh",
        "vmserialnum",
    ]

    /// Checks every placeholder now, so a bad template fails when the hosts file is read, not per host later.
    public init(text: String, origin: String) throws(KickstartError) {
        self.text = text
        self.origin = origin
        var problems: [KickstartProblem] = []
        for piece in KickstartTemplate.pieces(of: text) {
            switch piece {
            case .literal: break
            case .placeholder(let name, let line, let column):
                if !KickstartTemplate.placeholderNames.contains(name) {
                    let suggestion = KickstartTemplate.suggestion(for: name, among: KickstartTemplate.placeholderNames).map { "did you mean {{\($0)}}? " } ?? ""
                    problems.append(KickstartProblem(field: .template, line: line, column: column,
                        message: "unknown placeholder {{\(name)}}",
                        fix: "\(suggestion)known placeholders: \(KickstartTemplate.placeholderNames.joined(separator: ", "))"))
                }
            case .unterminated(let line, let column):
                problems.append(KickstartProblem(field: .template, line: line, column: column,
                    message: "'{{' without a closing '}}'", fix: "close the placeholder with '}}'"))
            }
        }
        if !problems.isEmpty { throw KickstartError(problems) }
    }

    /// The template with every placeholder replaced by `kickstart`'s values. Throws while the install disk is an
    /// unresolved serial number, whichever placeholders the template uses (`{{disk}}` would otherwise be the serial).
    public func render(_ kickstart: Kickstart, secrets: SecretRendering = .reveal) throws(KickstartError) -> String {
        let values = try KickstartTemplate.values(of: kickstart, secrets: secrets)
        var out = ""
        for piece in KickstartTemplate.pieces(of: text) {
            switch piece {
            case .literal(let literal): out += literal
            case .placeholder(let name, _, _): out += values[name] ?? ""
            case .unterminated: break  // rejected by init
            }
        }
        return out
    }

    static func values(of kickstart: Kickstart, secrets: SecretRendering) throws(KickstartError) -> [String: String] {
        let hash: String
        switch (kickstart.rootPassword, secrets) {
        case (.crypted(let value), .reveal): hash = value
        case (.cryptedOnRender(let request), .reveal): hash = request.hash
        default: hash = SecretRendering.maskText
        }
        let network = kickstart.network
        return [
            "rootpw": kickstart.rootpwLine(secrets: secrets),
            "password_hash": hash,
            "keyboard": kickstart.keyboard,
            "clearpart": kickstart.clearpartLine ?? "",
            "install": try kickstart.installLine,
            "disk": kickstart.installDisk.value,
            "disk_option": try kickstart.installDisk.option,
            "network": kickstart.networkLine,
            "hostname": network.hostname,
            "ip": network.address.description,
            "netmask": network.netmask.description,
            "gateway": network.gateway.description,
            "device": network.device.description,
            "nameservers": kickstart.nameserverList,
            "vlanid": network.vlanID.map(String.init) ?? "",
            "firstboot_ssh": kickstart.enableSSH ? Kickstart.sshFirstboot.rendered : "",
            "vmserialnum": kickstart.serialnumLine(secrets: secrets) ?? "",
        ]
    }

    enum Piece: Equatable {
        case literal(String)
        case placeholder(String, line: Int, column: Int)
        case unterminated(line: Int, column: Int)
    }

    /// Splits the text at `{{ … }}`; lines and columns are 1-based, columns counted in characters.
    static func pieces(of text: String) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        var line = 1, column = 1
        var index = text.startIndex
        while index < text.endIndex {
            if text[index...].hasPrefix("{{") {
                let start = (line, column)
                guard let close = text[index...].range(of: "}}") else {
                    pieces.append(.unterminated(line: start.0, column: start.1))
                    literal += text[index...]
                    break
                }
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                let inner = text[text.index(index, offsetBy: 2)..<close.lowerBound]
                let name = inner.trimmingCharacters(in: " \t")
                pieces.append(.placeholder(name, line: start.0, column: start.1))
                for character in text[index..<close.upperBound] {
                    if character == "\n" { line += 1; column = 1 } else { column += 1 }
                }
                index = close.upperBound
                continue
            }
            let character = text[index]
            literal.append(character)
            if character == "\n" { line += 1; column = 1 } else { column += 1 }
            index = text.index(after: index)
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = self
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }

    fileprivate func range(of needle: String) -> Range<Substring.Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
            index = self.index(after: index)
        }
        return nil
    }
}

extension KickstartTemplate {
/// The candidate nearest to `word` by edit distance when it is close enough to be a likely typo (at most a third
/// of the word's length, minimum 1, maximum 3), for "did you mean" hints in kickstart and hosts-file messages.
public static func suggestion(for word: String, among candidates: [String]) -> String? {
    let limit = Swift.min(3, Swift.max(1, word.count / 3))
    var best: (String, Int)?
    for candidate in candidates {
        let distance = editDistance(word.lowercased(), candidate.lowercased())
        if distance <= limit, best == nil || distance < best!.1 { best = (candidate, distance) }
    }
    if let best { return best.0 }
    // A word that starts with a candidate, or the reverse ("dellemc" for "dell"), is a likely meant one too.
    guard word.count >= 3 else { return nil }
    return candidates.first { word.lowercased().hasPrefix($0.lowercased()) || $0.lowercased().hasPrefix(word.lowercased()) }
}
}

/// Levenshtein distance with adjacent transpositions counted as one edit (the commonest typo).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            table[i][j] = Swift.min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                table[i][j] = Swift.min(table[i][j], table[i - 2][j - 2] + 1)
            }
        }
    }
    return table[a.count][b.count]
}
