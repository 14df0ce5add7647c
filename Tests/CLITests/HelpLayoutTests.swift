import Foundation
import Testing
import TestSupport

/// `--help` at an ordinary terminal width (80 columns): ArgumentParser wraps every paragraph to the width, so an
/// example command longer than a line would be cut in two, the rest landing at column 0 where it no longer reads as
/// part of the command (and cannot be pasted). Examples are written with shell continuations instead.
@Suite("help layout")
struct HelpLayoutTests {
    /// The subcommands `vmedia --help` lists.
    static func subcommands() throws -> [String] {
        let help = try VMediaBinary.run(["--help"])
        var names: [String] = []
        var inList = false
        for line in help.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") { inList = true; continue }
            guard inList else { continue }
            if line.isEmpty || !line.hasPrefix("  ") { if !names.isEmpty { break } else { continue } }
            if let name = line.split(separator: " ").first, line.hasPrefix("  "), !line.hasPrefix("   ") { names.append(String(name)) }
        }
        return names
    }

    /// Lines of an example: a command at two spaces (`vmedia …`, `swift run …`, `curl …`, `VAR=… vmedia …`, a `#`
    /// comment) or its continuation after a trailing backslash.
    static func wrappedExamples(in help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var problems: [String] = []
        var inExample = false
        for (index, line) in lines.enumerated() {
            let starts = ["  vmedia ", "  swift ", "  curl ", "  VMEDIA_", "  # "].contains { line.hasPrefix($0) }
            let continues = inExample && line.hasPrefix("    ")
            inExample = starts || continues
            guard inExample, index + 1 < lines.count else { continue }
            let next = lines[index + 1]
            if !next.isEmpty, !next.hasPrefix(" ") { problems.append(line + " ⏎ " + next) }
            if line.hasSuffix("\\"), !next.hasPrefix("    ") { problems.append("continuation not indented: " + line + " ⏎ " + next) }
        }
        return problems
    }

    @Test("the rule catches a wrapped example and passes a continued one")
    func ruleCanFail() {
        #expect(Self.wrappedExamples(in: "Examples:\n  vmedia install --config hosts.yaml --iso a.iso\n--advertise 10.0.0.5\n").count == 1)
        #expect(Self.wrappedExamples(in: "Examples:\n  vmedia install --config hosts.yaml \\\n      --advertise 10.0.0.5\n\nmore\n").isEmpty)
    }

    @Test("no example in any command's help wraps at 80 columns")
    func examplesDoNotWrap() throws {
        let commands = try Self.subcommands()
        #expect(commands.count >= 15, "\(commands)")
        for command in [nil] + commands.map(Optional.some) {
            let run = try VMediaBinary.run(["help"] + (command.map { [$0] } ?? []), environment: ["COLUMNS": "80", "PATH": "/usr/bin:/bin"])
            #expect(run.status == 0, "\(command ?? "vmedia"): \(run.stderr)")
            let problems = Self.wrappedExamples(in: run.stdout)
            #expect(problems.isEmpty, "vmedia help \(command ?? ""): \(problems.joined(separator: "\n"))")
        }
    }
}
