import Foundation

/// Parsers for the text the peer tools print.
enum PeerOutput {
    struct ListedFile: Equatable {
        let lba: Int
        let size: Int64
        let isDirectory: Bool
    }

    /// `isoinfo -l [-J|-R]`: "Directory listing of /DIR/" blocks of `ls -l`-like lines ending in
    /// `[ LBA FLAGS]  NAME`.
    static func isoinfoListing(_ text: String) -> [String: ListedFile] {
        var result: [String: ListedFile] = [:]
        var directory = "/"
        let pattern = try! NSRegularExpression(
            pattern: #"^\S+\s+\d+\s+\d+\s+\d+\s+(\d+)\s+\w{3}\s+\d+\s+\d{4}\s+\[\s*(\d+)\s+(\d+)\]\s\s(.*?)\s?$"#)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("Directory listing of ") {
                directory = String(line.dropFirst("Directory listing of ".count))
                continue
            }
            let range = NSRange(line.startIndex..., in: line)
            guard let match = pattern.firstMatch(in: line, range: range) else { continue }
            func group(_ i: Int) -> String { String(line[Range(match.range(at: i), in: line)!]) }
            let name = group(4)
            if name == "." || name == ".." { continue }
            let flags = Int(group(3)) ?? 0
            result[directory + name] = ListedFile(lba: Int(group(2))!, size: Int64(group(1))!, isDirectory: flags & 2 != 0)
        }
        return result
    }

    /// `7zz l -slt`: blocks of `Key = value` lines; returns path → (size, folder).
    static func sevenZipListing(_ text: String) -> [String: (size: Int64, isDirectory: Bool)] {
        var result: [String: (Int64, Bool)] = [:]
        let body = text.components(separatedBy: "----------\n").dropFirst().joined()
        for block in body.components(separatedBy: "\n\n") {
            var fields: [String: String] = [:]
            for line in block.split(separator: "\n") {
                let parts = line.components(separatedBy: " = ")
                if parts.count >= 2 { fields[parts[0]] = parts.dropFirst().joined(separator: " = ") }
            }
            guard let path = fields["Path"] else { continue }
            result["/" + path] = (Int64(fields["Size"] ?? "") ?? 0, fields["Folder"] == "+")
        }
        return result
    }

    /// `xorriso -report_el_torito plain`: the "El Torito boot img" rows and "img path" rows.
    struct ElToritoRow: Equatable {
        let platform: String
        let loadSize: Int
        let lba: Int
        var path: String?
        var bootInfoTable = false
    }

    static func xorrisoElTorito(_ text: String) -> [ElToritoRow] {
        var rows: [ElToritoRow] = []
        for line in text.split(separator: "\n").map(String.init) {
            let fields = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 2 else { continue }
            let values = fields[1].split(separator: " ").map(String.init)
            switch fields[0] {
            case "El Torito boot img" where values.count >= 8 && Int(values[0]) != nil:
                rows.append(ElToritoRow(platform: values[1], loadSize: Int(values[6]) ?? -1, lba: Int(values[7]) ?? -1))
            case "El Torito img path" where values.count >= 2:
                if let n = Int(values[0]), n >= 1, n <= rows.count { rows[n - 1].path = values[1] }
            case "El Torito img opts" where values.count >= 2:
                if let n = Int(values[0]), n >= 1, n <= rows.count { rows[n - 1].bootInfoTable = values.contains("boot-info-table") }
            default: continue
            }
        }
        return rows
    }

    /// `xorriso -find / -type f`: one quoted path per line.
    static func xorrisoFind(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").map { line in
            var s = String(line)
            if s.hasPrefix("'"), s.hasSuffix("'"), s.count >= 2 { s = String(s.dropFirst().dropLast()) }
            return s.replacingOccurrences(of: "'\\''", with: "'")
        })
    }
}
