import ArgumentParser
import Foundation
import Inventory

/// `vmedia validate`: check a hosts file without touching any BMC or image.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a hosts file and list the hosts it defines.",
        discussion: """
            Reads the whole file and reports every problem at once as FILE:LINE:COLUMN: error: WHAT — fix: HOW \
            (IPv4 syntax, contiguous netmasks, gateway inside the subnet, MAC and vmnicN names, RFC 1123 hostnames, \
            duplicate addresses and hostnames, unknown keys with a "did you mean", unreadable secrets). \
            Exit status 0 when the file is usable, 1 otherwise. Nothing is contacted: BMC checks come with `vmedia check`.

            The hosts file is the old tool's config.yaml, unchanged, plus optional keys.
            hosts:     a list of {ipmi: …, esxi: …, vcenter: …}
            defaults:  {ipmi: …, esxi: …, vcenter: …}, merged key by key into every host
            ipmi:      vendor (dell, lenovo, hpe, supermicro, generic),
                       address (HOST, HOST:PORT, https://HOST[:PORT], [IPv6]:PORT),
                       username, password,
                       tls_ca (PEM file of the CA that signed the BMC's
                       certificate) or tls_pin (true: pin the key on first
                       use; or "sha256//…"); neither: not verified, with a
                       warning (a host's own key replaces the default's),
                       media_https (true: the BMC gets an https:// image URL;
                       false: http://; absent: https:// where the BMC mounts
                       only HTTPS — iLO 7, Lenovo SR635/SR655 AMI)
            esxi:      esxi_disk (model, naa./t10./eui. id, or
                       "serial:SERIAL": vmedia install maps a drive serial
                       number to its naa./eui. id through the BMC), password,
                       address, gateway, netmask, mgtnic (vmnicN or MAC),
                       hostname (default esxi-A-B-C-D),
                       nameservers (up to two; default the gateway),
                       vlanid, wipe (all: clearpart --alldrives, every disk
                       the installer sees, SAN/iSCSI LUNs included;
                       install-disk: no other disk is touched),
                       rootpw (crypted, plain, hash: password is a $6$ hash),
                       password_policy (esxi, or unchecked: per host only,
                       lets a crypted password ESXi's policy would refuse
                       through), keyboard, ssh (true, false),
                       pre, post, firstboot (script text, or {script,
                       interpreter, timeout, ignorefailure}),
                       template (a kickstart file with {{placeholders}}),
                       system_media_size (min, small, default, max, none),
                       kernel_options (extra BOOT.CFG kernelopt tokens in
                       both BOOT.CFG files, e.g. [allowLegacyCPU=true];
                       ks=, systemMediaSize=, cdromBoot are vmedia's),
                       ignore_prereq_warnings, ignore_prereq_errors,
                       force_unsupported_install (true, false: the install
                       line's --ignoreprereqwarnings, --ignoreprereqerrors,
                       --forceunsupportedinstall. WITHOUT THEM A PRE-CHECK
                       ERROR STOPS THE INSTALLER AT A DIALOG THAT WAITS FOR A
                       KEY PRESS FOREVER; warnings go on after 30 s),
                       ntp (NTP servers) and syslog (udp://HOST:514, tcp://,
                       ssl://; comma-separated): set through the host's
                       vSphere API by install --until configured and
                       vmedia configure (ssh: too), each read back,
                       license_key (vmserialnum --esx=XXXXX-XXXXX-XXXXX-
                       XXXXX-XXXXX; a secret, masked like the passwords;
                       the install applies it, so the API steps after it
                       do not assign it again)
            vcenter:   (optional; install --until joined, vmedia configure)
                       address (HOST, HOST:PORT, https://HOST[:PORT]),
                       username, password, datacenter, and cluster (PATH:
                       AddHost_Task) or folder (PATH under the datacenter's
                       host folder: AddStandaloneHost_Task; neither: the
                       host folder itself); a host's own cluster or folder
                       replaces the default's
            Passwords, license_key and vcenter.password may be ${ENV_VAR} or file:PATH (relative to the file).
            Root passwords must pass ESXi's policy: 7-40 printable ASCII
            characters from 3 of digits, lower case, upper case, others (an
            upper-case first letter and a final digit do not count).
            install --firstdisk=NAME matches a disk whose vendor, model or
            driver name equals NAME (ignoring case), never a part of a model.

            Examples:
              vmedia validate --config hosts.yaml
              vmedia validate --config hosts.yaml --json | jq '.hosts[].bmc'
            """)

    @Option(name: .long, help: ArgumentHelp("The hosts file.", valueName: "hosts.yaml"), completion: .file(extensions: ["yaml", "yml"]))
    var config: String

    @Flag(name: .long, help: "Print a JSON object {ok, hosts, problems} for scripts (passwords are always masked).")
    var json = false

    struct Report: Encodable {
        let ok: Bool
        let hosts: [HostPlan]
        let problems: [Diagnostic]
    }

    func run() throws {
        var report: Report
        do {
            report = Report(ok: true, hosts: try HostsFile.load(path: config), problems: [])
        } catch {
            report = Report(ok: false, hosts: [], problems: error.diagnostics)
            if !json { FileHandle.standardError.write(Data((error.description + "\n").utf8)) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else if report.ok {
            print("\(config): \(report.hosts.count) host\(report.hosts.count == 1 ? "" : "s"), no problems")
            for plan in report.hosts {
                print("  \(plan.bmc.url) (\(plan.vendor.rawValue))  →  \(plan.hostname) \(plan.esxiAddress)  disk \(plan.kickstart.installDisk)  nic \(plan.kickstart.network.device)")
            }
        }
        if !report.ok { throw ExitCode.failure }
    }
}
