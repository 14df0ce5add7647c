import Foundation
import Testing
import TestSupport

/// The README's copy-paste Jenkinsfile and Dockerfile: extracted from README.md and checked, so the text users
/// paste keeps working when options change. The Jenkinsfile's `sh` steps run through a real /bin/sh with the
/// built `vmedia` first on PATH: `install` with `--dry-run` added, `check` and `eject` against simulated BMCs
/// on loopback, so nothing leaves 127.0.0.0/8.
@Suite("README quick start, Jenkinsfile and Dockerfile blocks", .serialized)
struct ReadmeBlocksTests {
    static func readme() throws -> String {
        try String(contentsOfFile: Peer.packageRoot.appendingPathComponent("README.md").path, encoding: .utf8)
    }

    /// The body of the only fenced block of this language in the README.
    static func block(_ language: String) throws -> String {
        let lines = try readme().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let starts = lines.indices.filter { lines[$0] == "```" + language }
        try #require(starts.count == 1, "README.md must have exactly one ```\(language) block, found \(starts.count)")
        let start = starts[0] + 1
        let end = try #require(lines[start...].firstIndex(of: "```"), "the ```\(language) block in README.md is not closed")
        return lines[start..<end].joined(separator: "\n")
    }

    /// The single-quoted `sh '…'` steps of a Jenkinsfile, in order.
    static func shellSteps(_ jenkinsfile: String) -> [String] {
        jenkinsfile.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("sh '"), trimmed.hasSuffix("'"), trimmed.count > 5 else { return nil }
            return String(trimmed.dropFirst(4).dropLast())
        }
    }

    /// Names given as `name: 'X'` (parameters) and `X = credentials(…)` (environment) in a Jenkinsfile.
    static func declaredVariables(_ jenkinsfile: String) -> Set<String> {
        var names = Set<String>()
        for line in jenkinsfile.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if let range = line.range(of: "name: '") {
                names.insert(String(line[range.upperBound...].prefix { $0 != "'" }))
            }
            if line.contains("= credentials(") {
                names.insert(String(line.prefix { $0 != " " }))
            }
        }
        return names
    }

    /// `$NAME` and `${NAME}` references in a shell command.
    static func referencedVariables(_ command: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(command)
        while let dollar = rest.firstIndex(of: "$") {
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "{" { rest = rest.dropFirst() }
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty { names.insert(String(name)) }
        }
        return names
    }

    @Test("every Jenkinsfile sh step is a vmedia command using only declared parameters, never a password")
    func jenkinsfileShape() throws {
        let jenkinsfile = try Self.block("groovy")
        #expect(jenkinsfile.hasPrefix("pipeline {"), "a declarative pipeline")
        let steps = Self.shellSteps(jenkinsfile)
        #expect(steps.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
                == ["vmedia validate", "vmedia check", "vmedia install", "vmedia eject"])
        let declared = Self.declaredVariables(jenkinsfile)
        #expect(declared.isSuperset(of: ["ISO_DIR", "ESXI_ISO", "HOSTS_YAML", "PARALLEL", "UNTIL", "BMC_PASSWORD", "ROOT_PASSWORD"]),
                "\(declared)")
        for step in steps {
            let unknown = Self.referencedVariables(step).subtracting(declared)
            #expect(unknown.isEmpty, "sh '\(step)' uses undeclared variables \(unknown)")
            #expect(!step.contains("PASSWORD"), "a password on a command line: \(step)")
        }
        let install = try #require(steps.first { $0.hasPrefix("vmedia install ") })
        #expect(install.contains("--junit vmedia-junit.xml") && install.contains("--json > vmedia-events.ndjson"))
        #expect(install.contains("--until \"$UNTIL\"") && install.contains("--parallel \"$PARALLEL\""))
        #expect(jenkinsfile.contains("writeFile file: 'hosts.yaml', text: params.HOSTS_YAML"))
        #expect(jenkinsfile.contains("junit 'vmedia-junit.xml'"))
        #expect(jenkinsfile.contains("archiveArtifacts artifacts: 'vmedia-junit.xml, vmedia-events.ndjson'"))
        #expect(!jenkinsfile.contains("sh \""), "double-quoted sh steps would let Groovy interpolate secrets")
    }

    /// Simulated generic BMCs from `vmedia simulate`, running in the background until `stop()`.
    final class Simulators {
        let process = Process()
        let bmcs: [(address: String, port: Int)]

        init(count: Int, firstAddress: String, password: String) throws {
            // stdbuf: the simulator's stdout is a pipe here, and its "started" line must arrive while it runs.
            process.executableURL = URL(fileURLWithPath: try Peer.tool("stdbuf"))
            process.arguments = ["-oL", VMediaBinary.path, "simulate", "--count", String(count), "--vendors", "generic", "--first-address", firstAddress,
                                 "--port", "0", "--duration", "120", "--json"]
            process.environment = ProcessInfo.processInfo.environment.merging(["VMEDIA_SIMULATOR_PASSWORD": password]) { $1 }
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The first line is the "started" event listing every BMC with its port.
            var buffer = Data()
            while !buffer.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
            }
            let line = buffer.split(separator: UInt8(ascii: "\n")).first ?? Data()
            let started = try JSONSerialization.jsonObject(with: line) as? [String: Any]
            let list = started?["bmcs"] as? [[String: Any]] ?? []
            bmcs = list.compactMap { bmc in
                guard let address = bmc["address"] as? String, let port = bmc["port"] as? Int else { return nil }
                return (address, port)
            }
        }

        func stop() {
            if process.isRunning { process.interrupt() }
            process.waitUntilExit()
        }
    }

    /// A workspace as the Jenkinsfile's agent would have it: the fixture ISO in ISO_DIR, hosts.yaml written from
    /// the HOSTS_YAML parameter (passwords as ${ENV}), and the job's parameters and credentials as environment.
    struct Workspace {
        let directory: TemporaryDirectory
        let environment: [String: String]
        let secrets: [String]

        init(bmcs: [(address: String, port: Int)], bmcPassword: String) throws {
            directory = try TemporaryDirectory()
            let isoDirectory = directory.file("iso")
            try FileManager.default.createDirectory(atPath: isoDirectory, withIntermediateDirectories: true)
            let isoName = "VMware-VMvisor-Installer-test.x86_64.iso"
            let fixture = try VMediaBinary.run(["fixture", "--esxi", "8.0", "--size", "8MiB", "--output", "\(isoDirectory)/\(isoName)"])
            try #require(fixture.status == 0, "\(fixture.stderr)")
            var hosts = "hosts:\n"
            for (index, bmc) in bmcs.enumerated() {
                // The ESXi addresses are documentation addresses that nothing here contacts (install is a dry run).
                hosts += """
                      - ipmi: {vendor: generic, address: "https://\(bmc.address):\(bmc.port)", username: root, password: "${BMC_PASSWORD}"}
                        esxi: {esxi_disk: "local", password: "${ROOT_PASSWORD}", address: 192.0.2.\(index + 20), gateway: 192.0.2.1, netmask: 255.255.255.0, hostname: esx-jenkins-\(index + 1), mgtnic: vmnic0}

                    """
            }
            try hosts.write(toFile: directory.file("hosts.yaml"), atomically: true, encoding: .utf8)
            let binDirectory = (VMediaBinary.path as NSString).deletingLastPathComponent
            secrets = [bmcPassword, "Root-\(UUID().uuidString.prefix(18))"]
            environment = [
                "PATH": binDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "ISO_DIR": isoDirectory, "ESXI_ISO": isoName, "ADVERTISE": "127.0.0.1", "PARALLEL": "2", "UNTIL": "installed",
                "BMC_PASSWORD": secrets[0], "ROOT_PASSWORD": secrets[1],
            ]
        }

        /// Runs one `sh` step as Jenkins does (`sh -e` in the workspace), with `--dry-run` added to `vmedia install`.
        func run(_ step: String, overriding: [String: String] = [:]) throws -> Peer.Result {
            let script = step.hasPrefix("vmedia install ") ? "vmedia install --dry-run " + step.dropFirst("vmedia install ".count) : step
            return try Peer.run(["/bin/sh", "-ec", script], environment: environment.merging(overriding) { $1 },
                                currentDirectory: directory.path, timeout: 120)
        }
    }

    @Test("the Jenkinsfile's sh steps run and succeed: validate, check and eject against simulated BMCs, install --dry-run")
    func jenkinsfileStepsRun() throws {
        let steps = Self.shellSteps(try Self.block("groovy"))
        try #require(steps.count >= 3)
        let bmcPassword = "Bmc-\(UUID().uuidString)"
        let simulators = try Simulators(count: 2, firstAddress: "127.0.66.1", password: bmcPassword)
        defer { simulators.stop() }
        try #require(simulators.bmcs.count == 2, "vmedia simulate did not report its BMCs")
        let workspace = try Workspace(bmcs: simulators.bmcs, bmcPassword: bmcPassword)
        for step in steps {
            let result = try workspace.run(step)
            #expect(result.status == 0, "sh '\(step)' exited \(result.status): \(result.stdout)\(result.stderr)")
            for secret in workspace.secrets {
                #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "a password in the output of \(step)")
            }
        }
        // The install step's redirect wrote the plan for both hosts, with the ISO the parameters name.
        let events = try String(contentsOfFile: workspace.directory.file("vmedia-events.ndjson"), encoding: .utf8)
        #expect(events.contains("esx-jenkins-1") && events.contains("esx-jenkins-2"), "\(events)")
        #expect(events.contains("VMware-VMvisor-Installer-test.x86_64.iso"))
        #expect(workspace.secrets.allSatisfy { !events.contains($0) })
    }

    @Test("a misspelt option in a Jenkinsfile step fails with a usage error, so a README typo fails this suite")
    func typoFails() throws {
        let install = try #require(Self.shellSteps(try Self.block("groovy")).first { $0.hasPrefix("vmedia install ") })
        let workspace = try Workspace(bmcs: [("127.0.66.9", 9)], bmcPassword: "Bmc-\(UUID().uuidString)")
        let good = try workspace.run(install)
        #expect(good.status == 0, "\(good.stderr)")
        let misspelt = try workspace.run(install.replacingOccurrences(of: "--parallel", with: "--paralel"))
        #expect(misspelt.status == 64, "\(misspelt.stderr)")
        let badParameter = try workspace.run(install, overriding: ["UNTIL": "installd"])
        #expect(badParameter.status == 64, "an unknown --until value must be refused: \(badParameter.stderr)")
    }

    @Test("the Dockerfile builds vmedia statically from this repository on swift:6 and copies it into a slim image")
    func dockerfileShape() throws {
        let dockerfile = try Self.block("dockerfile")
        let lines = dockerfile.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let froms = lines.filter { $0.hasPrefix("FROM ") }
        try #require(froms.count == 2, "a build stage and a runtime stage: \(froms)")
        #expect(froms[0].hasPrefix("FROM swift:6.") && froms[0].hasSuffix(" AS build"), "\(froms[0])")
        #expect(froms[1].hasPrefix("FROM debian:") && froms[1].hasSuffix("-slim"), "\(froms[1])")
        let runtimeStart = try #require(lines.firstIndex(of: froms[1]))
        let build = lines[..<runtimeStart].joined(separator: "\n"), runtime = lines[runtimeStart...].joined(separator: "\n")
        for package in ["libcurl4-openssl-dev", "zlib1g-dev"] { #expect(build.contains(" \(package)"), "build stage lacks \(package)") }
        for package in ["libcurl4", "zlib1g"] { #expect(runtime.contains(" \(package) ") || runtime.contains(" \(package)\n"), "runtime lacks \(package)") }
        #expect(!runtime.contains("-dev"), "the runtime stage needs no development packages")
        #expect(lines.contains("RUN swift build -c release --product vmedia --static-swift-stdlib"))
        #expect(runtime.contains("COPY --from=build /src/.build/release/vmedia /usr/local/bin/vmedia"))
        #expect(build.contains("WORKDIR /src"))
        // Whatever the build stage copies must be committed (a fresh clone has no Package.resolved or .build),
        // and the product must be declared.
        let git = try Peer.tool("git")
        for copy in lines[..<runtimeStart] where copy.hasPrefix("COPY ") {
            let sources = copy.split(separator: " ").dropFirst().dropLast()
            for source in sources {
                let tracked = try Peer.run([git, "-C", Peer.packageRoot.path, "ls-files", "--error-unmatch", String(source)])
                #expect(tracked.status == 0, "COPY \(source): not committed to the repository")
            }
        }
        let manifest = try String(contentsOfFile: Peer.packageRoot.appendingPathComponent("Package.swift").path, encoding: .utf8)
        #expect(manifest.contains(".executable(name: \"vmedia\""))
        // Every option of the image's `swift build` line is one this toolchain's `swift build --help` lists
        // (cheap: the help text only; the release build itself is far too slow for a test).
        let buildLine = try #require(lines.first { $0.hasPrefix("RUN swift build ") })
        let help = try Peer.run([try Peer.tool("swift"), "build", "--help"], timeout: 60)
        #expect(help.status == 0, "\(help.stderr)")
        for option in buildLine.split(separator: " ").filter({ $0.hasPrefix("-") }) {
            #expect(help.stdout.range(of: "\(option)[ ,/]", options: .regularExpression) != nil,
                    "swift build --help does not list \(option)")
        }
    }

    /// Stand-ins for `apt-get` and `swift` that model a fresh Debian container: its package lists are empty,
    /// so `apt-get install` fails with apt's own "Unable to locate package" until `apt-get update` has run
    /// (the symptom of issue 13); `swift run vmedia demo` only records that it was reached.
    static func freshContainerPath(in directory: TemporaryDirectory) throws -> String {
        let bin = directory.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let state = directory.file("lists-updated")
        let aptGet = """
            #!/bin/sh
            case "$1" in
              update) : > '\(state)'; echo "Reading package lists... Done"; exit 0 ;;
              install)
                if [ ! -e '\(state)' ]; then
                  for arg in "$@"; do case "$arg" in install|-*) ;; *) echo "E: Unable to locate package $arg" >&2; exit 100 ;; esac; done
                fi
                echo "installed" >> '\(directory.file("log"))'; exit 0 ;;
            esac
            exit 100
            """
        let swift = "#!/bin/sh\necho \"swift $*\" >> '\(directory.file("log"))'\n"
        for (name, text) in [("apt-get", aptGet), ("swift", swift)] {
            try text.write(toFile: bin + "/" + name, atomically: true, encoding: .utf8)
            chmod(bin + "/" + name, 0o755)
        }
        return bin
    }

    @Test("the quick start has exactly two commands, and the first works on a machine whose apt lists are empty")
    func quickStartOnFreshMachine() throws {
        let commands = try Self.block("sh").split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        try #require(commands.count == 2, "the quick start must be two commands: \(commands)")
        #expect(commands[0].contains("swift run vmedia demo"), "\(commands[0])")
        #expect(commands[1] == "bash Tests/run", "\(commands[1])")
        let directory = try TemporaryDirectory()
        let bin = try Self.freshContainerPath(in: directory)
        let shell = try Peer.tool("sh")
        // The model itself: an install before any update fails as on a new container.
        let bare = try Peer.run([shell, "-c", "apt-get install -y zlib1g-dev"],
                                environment: ["PATH": bin + ":/usr/bin:/bin"])
        #expect(bare.status == 100 && bare.stderr.contains("Unable to locate package zlib1g-dev"), "\(bare.stderr)")
        try? FileManager.default.removeItem(atPath: directory.file("lists-updated"))
        let result = try Peer.run([shell, "-c", commands[0]], environment: ["PATH": bin + ":/usr/bin:/bin"])
        #expect(result.status == 0, "the first quick-start command failed on empty package lists: \(result.stderr)")
        let log = (try? String(contentsOfFile: directory.file("log"), encoding: .utf8)) ?? ""
        #expect(log.contains("installed") && log.contains("swift run vmedia demo"), "\(log)")
    }
}
