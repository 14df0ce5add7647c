import ArgumentParser
import ESXi
import Foundation
import Inventory

/// `vmedia kickstart`: print the KS.CFG vmedia would put on one host's image.
struct KickstartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kickstart",
        abstract: "Print the kickstart (KS.CFG) of one host from the hosts file.",
        discussion: """
            The hosts file is validated first, the whole of it: any problem is printed as FILE:LINE:COLUMN \
            with the fix, and nothing else is printed.

            The root password line is masked (rootpw --iscrypted ********) unless --show-secrets is given. \
            By default vmedia writes a SHA-512 crypt hash, never the plaintext, into the image.

            A host whose esxi_disk is a drive serial number (esxi_disk: "serial:5PJAMUHD") has no \
            kickstart until its BMC has named the drive's naa./eui. id: vmedia install does that; \
            here it is an error. Write the id that vmedia discover prints to render it offline.

            Examples:
              vmedia kickstart --config hosts.yaml --hosts 10.172.70.186  (BMC address)
              vmedia kickstart --config hosts.yaml --hosts esxi-69-86     (ESXi hostname)
              vmedia kickstart --config hosts.yaml --hosts 10.172.69.86 --show-secrets
            """)

    @Option(name: .long, help: ArgumentHelp("The hosts file (the old tool's config.yaml works as is).", valueName: "hosts.yaml"), completion: .file(extensions: ["yaml", "yml"]))
    var config: String

    @Option(name: .long, help: ArgumentHelp("The hosts: BMC address, ESXi address or hostname, comma-separated, or @FILE of names "
                                            + "(several print one KS.CFG after another, each after a '# ==== HOSTNAME' line). May be left out when the file has one host.",
                                            valueName: "a,b|@FILE"))
    var hosts: String?

    /// The old spelling of --hosts (one host); kept working, no longer shown.
    @Option(name: .long, help: .hidden)
    var host: String?

    @Flag(name: .long, help: "Print the root password (or its hash) instead of ********.")
    var showSecrets = false

    func run() throws {
        let plans = try HostsFileLoading.load(config)
        let names = try host.map { [$0] } ?? hosts.map(HostSelection.names(from:)) ?? []
        guard names.count > 1 else {
            let plan = try HostsFileLoading.select(names.first, from: plans, config: config)
            try HostsFileLoading.requireResolvedDisks([plan], config: config, command: "kickstart")
            print(try plan.renderKickstart(secrets: showSecrets ? .reveal : .mask), terminator: "")
            return
        }
        let chosen = try names.map { try HostsFileLoading.select($0, from: plans, config: config) }
        try HostsFileLoading.requireResolvedDisks(chosen, config: config, command: "kickstart")
        for plan in chosen {
            print("# ==== \(plan.hostname)")
            print(try plan.renderKickstart(secrets: showSecrets ? .reveal : .mask), terminator: "")
        }
    }
}

/// Shared by the commands that read a hosts file: load it, print all problems to stderr, pick a host.
enum HostsFileLoading {
    static func load(_ path: String) throws -> [HostPlan] {
        do {
            return try HostsFile.load(path: path)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode.failure
        }
    }

    static func select(_ name: String?, from plans: [HostPlan], config: String) throws -> HostPlan {
        let known = plans.map { "\($0.bmc.host) (\($0.hostname), \($0.esxiAddress))" }.joined(separator: "\n  ")
        guard let name else {
            if plans.count == 1 { return plans[0] }
            throw ValidationError("\(config) has \(plans.count) hosts; choose one with --hosts. Hosts:\n  \(known)")
        }
        let matching = plans.filter { $0.matches(name) }
        guard matching.count == 1 else {
            throw ValidationError(matching.isEmpty
                ? "no host in \(config) has the BMC address, ESXi address or hostname '\(name)'. Hosts:\n  \(known)"
                : "'\(name)' matches \(matching.count) hosts in \(config); use the BMC address")
        }
        return matching[0]
    }

    /// Commands without a BMC connection stop here when a host's esxi_disk is `serial:…`: only the BMC can map it
    /// to the device id the kickstart needs (see `HostPlan.requireResolvedInstallDisks`).
    static func requireResolvedDisks(_ plans: [HostPlan], config: String, command: String) throws {
        do {
            try HostPlan.requireResolvedInstallDisks(plans, file: config, command: command)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode.failure
        }
    }
}
