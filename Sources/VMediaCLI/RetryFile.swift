import Foundation
import Installer

/// The hosts of a run that did not succeed, one name a line, for `--hosts @FILE` (like Ansible's `.retry` files):
/// written beside the hosts file as `<hosts file>.retry` unless `--retry-file` says where, after every run
/// that started hosts, including one stopped by Ctrl-C or SIGTERM. A run where every host succeeded removes a
/// retry file left by an earlier run, so the file never names hosts that are done.
struct RetryFile {
    let path: String
    /// The command line the run was started with (`CommandLine.arguments`), rewritten into the rerun command.
    let arguments: [String]

    static func defaultPath(config: String) -> String { config + ".retry" }

    /// Writes (or removes) the file and returns what to tell the user: where the names are and the exact command
    /// that reruns those hosts. Nil when every host succeeded.
    func update(_ results: [HostResult]) -> String? {
        let failed = results.filter { !$0.succeeded }.map(\.host)
        guard !failed.isEmpty else {
            if FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
            return nil
        }
        let text = "# vmedia: the hosts of the last run that did not succeed; rerun them with --hosts @\(path)\n"
            + failed.joined(separator: "\n") + "\n"
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            return "\(failed.count) host(s) did not succeed (\(failed.joined(separator: ", "))), but the retry file \(path) "
                + "cannot be written (\(error)); rerun them with --hosts \(failed.joined(separator: ","))"
        }
        return "\(failed.count) host(s) did not succeed; their names are in \(path). Rerun exactly those with:\n  "
            + Self.rerunCommand(arguments, retryPath: path)
    }

    /// `arguments` with any host selection replaced by `--hosts @retryPath`, quoted for a POSIX shell.
    static func rerunCommand(_ arguments: [String], retryPath: String) -> String {
        var kept: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--hosts" || argument == "--host" {
                index += 2
                continue
            }
            if argument.hasPrefix("--hosts=") || argument.hasPrefix("--host=") {
                index += 1
                continue
            }
            kept.append(argument)
            index += 1
        }
        return (kept + ["--hosts", "@" + retryPath]).map(shellQuoted).joined(separator: " ")
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-")
        if !word.isEmpty, word.allSatisfy(plain.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
