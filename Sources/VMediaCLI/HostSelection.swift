import ArgumentParser
import CurlHTTP
import ESXi
import Foundation
import ISO9660
import Logging
import Inventory
import Redfish
import Installer

/// Options shared by install, check and eject: which hosts file and which of its hosts.
struct HostSelection: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The hosts file (the old tool's config.yaml works as is).", valueName: "hosts.yaml"),
            completion: .file(extensions: ["yaml", "yml"]))
    var config: String

    @Option(name: .long, help: ArgumentHelp("Only these hosts (BMC address, ESXi address or hostname), comma-separated, or @FILE: "
                                            + "the names in FILE, one a line or comma-separated, # starts a comment (e.g. a run's retry file).",
                                            valueName: "a,b|@FILE"))
    var hosts: String?

    @Option(name: .long, help: ArgumentHelp("Hosts worked on at once.", valueName: "N"))
    var parallel: Int = 8

    @OptionGroup(title: "BMC certificate verification")
    var tls: BMCTrustOptions

    @OptionGroup(title: "Output")
    var log: LogOptions

    func validate() throws {
        guard (1...1024).contains(parallel) else { throw ValidationError("--parallel must be 1…1024") }
    }

    func targets() throws -> [InstallTarget] {
        try targets(from: HostsFileLoading.load(config))
    }

    func targets(from plans: [HostPlan]) throws -> [InstallTarget] {
        let chosen = try names().map { names in
            try names.map { try HostsFileLoading.select($0, from: plans, config: config) }
        } ?? plans
        let trust = tls.trust
        return chosen.map { InstallTarget(plan: $0, bmcTrust: trust) }
    }

    /// The names `--hosts` gives, read from the file for `@FILE`; nil selects every host of the hosts file.
    func names() throws -> [String]? {
        try hosts.map(Self.names(from:))
    }

    /// `--hosts a,b` or `--hosts @FILE` (one name a line or comma-separated, `#` starts a comment), for every
    /// command that selects hosts of a hosts file.
    static func names(from hosts: String) throws -> [String] {
        let list: String
        if hosts.hasPrefix("@") {
            let path = String(hosts.dropFirst())
            do {
                list = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ValidationError("--hosts @\(path): cannot read \(path) (\(error.localizedDescription)); give a file of host names, one a line")
            }
        } else {
            list = hosts
        }
        let names = list.split(whereSeparator: \.isNewline)
            .map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !names.isEmpty else { throw ValidationError("--hosts \(hosts) names no host") }
        return names
    }
}
