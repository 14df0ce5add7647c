import ESXi
import Foundation
import Redfish
import Yams
import Primitives

/// The hosts file: the old bash tool's `config.yaml` (read unchanged) plus vmedia's additions, turned into
/// validated `HostPlan`s.
///
/// ```yaml
/// defaults:                 # optional, merged key by key into every host (the host's own value wins)
///   ipmi: {vendor: dell, username: root, password: ${BMC_PASSWORD}}
///   esxi: {gateway: 10.172.64.1, netmask: 255.255.240.0, nameservers: [10.172.64.53], wipe: install-disk}
/// hosts:
///   - ipmi: {vendor: lenovo, address: 10.172.70.186, username: u, password: file:secrets/bmc186}
///     esxi: {esxi_disk: "ThinkSystem M.2", password: p, address: 10.172.69.86, mgtnic: vmnic4}
/// ```
///
/// `esxi_disk` is a model/vendor filter (`--firstdisk=`), a device id (`naa.`, `t10.`, `eui.`, `mpx.`, `vml.`:
/// `--disk=`), or `serial:<drive serial number>`, which `vmedia install` maps to the drive's naa./eui. id through the
/// BMC (`InstallDiskResolution`) and offline commands refuse.
///
/// Validation happens before anything else and reports every problem of the file at once, each at its
/// file:line:column, so one run shows everything to fix.
///
/// `simulated: true` at the top marks a file for simulated BMCs (`vmedia simulate --hosts-file`, `vmedia demo`):
/// there, and only there, ESXi addresses and gateways in 127.0.0.0/8 are accepted, because loopback is the only
/// place a simulated ESXi host may listen. It is never implied: without it a loopback ESXi address is an error
/// that names this key, and with it every BMC and ESXi address must be a loopback address, so the key cannot
/// quietly relax the checks of a file for real servers.
public enum HostsFile {
    /// Keys of each mapping, for the unknown-key check and its "did you mean".
    static let topLevelKeys = ["hosts", "defaults", "simulated"]
    static let sectionKeys = ["ipmi", "esxi", "vcenter"]
    /// Sections a host may leave out (and `defaults:` too): without `vcenter:` the host joins no vCenter.
    static let optionalSections: Set<String> = ["vcenter"]
    static let vcenterKeys = ["address", "username", "password", "datacenter", "cluster", "folder"]
    /// Where the host goes: one choice, so a host's own cluster or folder replaces both of `defaults:`.
    static let placementKeys: Set<String> = ["cluster", "folder"]

    static func keys(ofSection name: String) -> [String] {
        switch name {
        case "ipmi": ipmiKeys
        case "vcenter": vcenterKeys
        default: esxiKeys
        }
    }
    static let ipmiKeys = ["vendor", "address", "username", "password", "tls_ca", "tls_pin", "media_https"]
    /// How the BMC's certificate is verified: one choice, so a host's own key replaces both of `defaults:`.
    static let trustKeys: Set<String> = ["tls_ca", "tls_pin"]
    static let esxiKeys = [
        // The old tool's keys.
        "esxi_disk", "password", "address", "gateway", "netmask", "hostname", "mgtnic",
        // vmedia's kickstart and boot options.
        "nameservers", "nameserver", "vlanid", "wipe", "keyboard", "ssh", "rootpw", "pre", "post", "firstboot",
        "template", "system_media_size", "password_policy",
        // Installer options (issue 13).
        "kernel_options", "ignore_prereq_warnings", "ignore_prereq_errors", "force_unsupported_install", "license_key",
        // Set through the host's vSphere API by the configure phase (issue 15).
        "ntp", "syslog",
    ]
    static let scriptKeys = ["script", "interpreter", "timeout", "ignorefailure"]
    /// Keys that name one host and so make no sense in `defaults:` (every host would get the same value).
    /// `password_policy: unchecked` is an opt-out of ESXi's password policy, so it is made host by host.
    static let perHostOnly: [String: Set<String>] = ["ipmi": ["address"], "esxi": ["address", "hostname", "password_policy"]]

    /// Reads and validates the file at `path`. Relative `file:` secrets and templates are resolved against the
    /// file's directory.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(InventoryError) -> [HostPlan] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied or not a regular file" : "no such file"
            throw .unreadable(path: path, reason: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "the file is not UTF-8 text")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(yaml: text, file: path, baseDirectory: directory, environment: environment)
    }

    /// Validates hosts-file text. `file` is only used in messages.
    public static func parse(yaml: String, file: String, baseDirectory: String,
                             environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(InventoryError) -> [HostPlan] {
        var reader = Reader(file: file, baseDirectory: baseDirectory, environment: environment)
        let plans = reader.read(yaml)
        if !reader.diagnostics.isEmpty {
            throw .invalid(merged(reader.diagnostics).sorted { ($0.file, $0.line ?? 0, $0.column ?? 0) < ($1.file, $1.line ?? 0, $1.column ?? 0) })
        }
        return plans
    }
}

/// One problem in `defaults:` shows up once per host; say it once, naming the hosts ("hosts 1, 2, 3: …").
/// Problems are grouped by place, section and problem, from the fields the reader recorded (never from `message`);
/// a problem that names no host, or reads as one sentence with its host ("host 3 has no 'esxi:' section"), is only
/// said once per place and subject.
func merged(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    struct Key: Hashable {
        let file: String
        let line: Int?
        let column: Int?
        /// The subject without its host number when hosts merge.
        let subject: Diagnostic.Subject?
        let problem: String
        let phrasing: Diagnostic.Phrasing
    }
    var order: [Key] = []
    var groups: [Key: (first: Diagnostic, hosts: [Int])] = [:]
    for diagnostic in diagnostics {
        let hosts = diagnostic.phrasing == .afterColon ? diagnostic.hosts : []
        let subject = hosts.isEmpty ? diagnostic.subject : diagnostic.subject.map { Diagnostic.Subject(.hosts([]), section: $0.section) }
        let key = Key(file: diagnostic.file, line: diagnostic.line, column: diagnostic.column, subject: subject,
                      problem: diagnostic.problem, phrasing: diagnostic.phrasing)
        if groups[key] == nil { order.append(key); groups[key] = (diagnostic, []) }
        for host in hosts where !groups[key]!.hosts.contains(host) { groups[key]!.hosts.append(host) }
    }
    return order.map { key in
        let group = groups[key]!
        guard group.hosts.count > 1, let subject = group.first.subject else { return group.first }
        return Diagnostic(file: key.file, line: key.line, column: key.column, subject: Diagnostic.Subject(.hosts(group.hosts), section: subject.section),
                          problem: key.problem, phrasing: key.phrasing, fix: group.first.fix)
    }
}

/// One pass over the file, collecting diagnostics instead of stopping at the first.
struct Reader {
    let file: String
    let baseDirectory: String
    let environment: [String: String]
    var diagnostics: [Diagnostic] = []
    var templates: [String: KickstartTemplate?] = [:]
    /// `simulated: true`: a lab of simulated BMCs on loopback (see `HostsFile`).
    var simulated = false

    init(file: String, baseDirectory: String, environment: [String: String]) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.environment = environment
    }

    /// A key and its value node (from the host or from `defaults:`), marks included, for merged sections.
    struct Entry {
        let key: Node
        let value: Node
    }

    typealias Section = [String: Entry]
    typealias Subject = Diagnostic.Subject

    /// A problem at `node` that names no subject.
    mutating func report(_ node: Node?, _ message: String, fix: String) {
        report(node, nil, message, fix: fix)
    }

    /// A problem at `node` about `subject` (the host and section being read, `defaults:`, the top level), kept as
    /// data so that `merged` can say a problem of every host once.
    mutating func report(_ node: Node?, _ subject: Subject?, _ problem: String, phrasing: Diagnostic.Phrasing = .afterColon, fix: String) {
        diagnostics.append(Diagnostic(file: file, line: node?.mark?.line, column: node?.mark?.column, subject: subject,
                                      problem: problem, phrasing: phrasing, fix: fix))
    }

    /// The file in phases: the YAML document, `simulated:`, `defaults:`, the host list, then per host its
    /// merged sections, its BMC and kickstart fields, the checks across hosts, and its plan.
    mutating func read(_ yaml: String) -> [HostPlan] {
        guard let (root, top) = readTopLevel(yaml) else { return [] }
        simulated = readSimulated(top)
        let defaults = readDefaults(top)
        guard let hosts = readHostList(top, root: root) else { return [] }
        var seen = SeenIdentities()
        var plans: [HostPlan] = []
        for (index, item) in hosts.enumerated() {
            let subject = Subject.host(index + 1)
            guard let (mapping, ipmi, esxi, vcenter) = readHostSections(item, subject: subject, defaults: defaults) else { continue }
            // A missing key is reported at the host's own 'ipmi:' / 'esxi:' key, where it has to be added.
            func anchor(_ name: String) -> Node { mapping.first { scalar($0.key) == name }?.key ?? item }
            let bmc = readBMC(ipmi, item: anchor("ipmi"), subject: subject)
            let kickstart = readKickstart(esxi, item: anchor("esxi"), subject: subject)
            let settings = readSettings(esxi: esxi, vcenter: vcenter, item: anchor("vcenter"), subject: subject)
            checkAcrossHosts(bmc: bmc, kickstart: kickstart, subject: subject, seen: &seen)
            if let settings, let plan = Self.plan(index: index, bmc: bmc, kickstart: kickstart, settings: settings) { plans.append(plan) }
        }
        return plans
    }

    /// The YAML document and its top-level mapping, with its keys checked.
    mutating func readTopLevel(_ yaml: String) -> (root: Node, top: Node.Mapping)? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            reportSyntax(error)
            return nil
        } catch {
            diagnostics.append(Diagnostic(file: file, line: nil, column: nil, message: "not valid YAML: \(error)", fix: "fix the YAML syntax"))
            return nil
        }
        guard let root, let top = root.mapping else {
            report(root, "the file has no 'hosts:' list at the top",
                   fix: "start the file with 'hosts:' followed by '- ipmi: …' / '  esxi: …' items, as in the old tool's config.yaml")
            return nil
        }
        checkKeys(of: top, allowed: HostsFile.topLevelKeys, in: .topLevel)
        return (root, top)
    }

    /// `simulated: true` (see `HostsFile`).
    mutating func readSimulated(_ top: Node.Mapping) -> Bool {
        guard let node = top["simulated"], !isNull(node) else { return false }
        let entry = Entry(key: top.first { scalar($0.key) == "simulated" }?.key ?? node, value: node)
        return boolean(["simulated": entry], "simulated", default: false, subject: .topLevel) ?? false
    }

    /// `defaults:` by section, refusing keys that name one host.
    mutating func readDefaults(_ top: Node.Mapping) -> [String: Section] {
        var defaults: [String: Section] = [:]
        guard let node = top["defaults"], !isNull(node) else { return defaults }
        guard let mapping = node.mapping else {
            report(node, "'defaults' must be a mapping with 'ipmi:', 'esxi:' and/or 'vcenter:'", fix: "write 'defaults:' then indented 'ipmi:' / 'esxi:' / 'vcenter:' blocks")
            return defaults
        }
        checkKeys(of: mapping, allowed: HostsFile.sectionKeys, in: .defaults())
        for name in HostsFile.sectionKeys {
            if let section = mapping[name], !isNull(section) {
                defaults[name] = entries(of: section, allowed: HostsFile.keys(ofSection: name), in: .defaults(section: name))
                for key in HostsFile.perHostOnly[name] ?? [] {
                    if let entry = defaults[name]?[key] {
                        report(entry.key, key == "password_policy"
                                   ? "defaults.esxi.password_policy would waive ESXi's password policy for every host"
                                   : "defaults.\(name).\(key) would give every host the same \(key)",
                               fix: "move '\(key)' into each host's '\(name):' section")
                    }
                }
            }
        }
        return defaults
    }

    /// `hosts:`, a non-empty list.
    mutating func readHostList(_ top: Node.Mapping, root: Node) -> Node.Sequence? {
        guard let hostsNode = top["hosts"] else {
            report(root, "the file has no 'hosts:' list", fix: "add 'hosts:' with one '- ipmi: … esxi: …' item per server")
            return nil
        }
        guard let hosts = hostsNode.sequence, !hosts.isEmpty else {
            report(hostsNode, "'hosts' must be a non-empty list", fix: "write one '- ipmi: … esxi: …' item per server under 'hosts:'")
            return nil
        }
        return hosts
    }

    /// One host's `ipmi:`, `esxi:` and (optional) `vcenter:` sections with `defaults:` merged in key by key (the
    /// host's own value wins).
    mutating func readHostSections(_ item: Node, subject: Subject, defaults: [String: Section])
        -> (mapping: Node.Mapping, ipmi: Section, esxi: Section, vcenter: Section?)? {
        guard let mapping = item.mapping else {
            report(item, subject, "is not a mapping", phrasing: .sentence, fix: "write each host as '- ipmi: {…}' with 'esxi: {…}' under it")
            return nil
        }
        checkKeys(of: mapping, allowed: HostsFile.sectionKeys, in: subject)
        var sections: [String: Section] = [:]
        for name in HostsFile.sectionKeys {
            var merged = defaults[name] ?? [:]
            if let node = mapping[name], !isNull(node) {
                let own = entries(of: node, allowed: HostsFile.keys(ofSection: name), in: subject.section(name))
                // The certificate keys are one choice: a host's own tls_ca or tls_pin replaces both defaults.
                if name == "ipmi", !HostsFile.trustKeys.isDisjoint(with: own.keys) {
                    for key in HostsFile.trustKeys { merged[key] = nil }
                }
                // So are the placement keys: a host's own cluster or folder replaces both defaults.
                if name == "vcenter", !HostsFile.placementKeys.isDisjoint(with: own.keys) {
                    for key in HostsFile.placementKeys { merged[key] = nil }
                }
                merged.merge(own) { _, host in host }
            } else if defaults[name] == nil {
                if HostsFile.optionalSections.contains(name) { continue }
                report(item, subject, "has no '\(name):' section", phrasing: .sentence, fix: "add '\(name):' with the host's \(name == "ipmi" ? "BMC" : "ESXi") settings")
                continue
            }
            sections[name] = merged
        }
        guard let ipmi = sections["ipmi"], let esxi = sections["esxi"] else { return nil }
        return (mapping, ipmi, esxi, sections["vcenter"])
    }

    /// BMC addresses, ESXi addresses and hostnames seen so far, with the node of their first use.
    struct SeenIdentities {
        var bmc: [String: Node] = [:]
        var address: [String: Node] = [:]
        var hostname: [String: Node] = [:]
    }

    /// The checks that span hosts: `simulated:` hosts on loopback, and no BMC, ESXi address or hostname twice.
    mutating func checkAcrossHosts(bmc: BMCFields, kickstart: KickstartFields, subject: Subject, seen: inout SeenIdentities) {
        if simulated, let (endpoint, node) = bmc.endpoint, !Self.isLoopback(endpoint.host) {
            report(node, subject, "BMC address \(endpoint.host) is not a loopback address, but the file says 'simulated: true'",
                   fix: "remove 'simulated: true' for real servers (it only serves simulated BMCs on 127.0.0.0/8, from vmedia simulate or vmedia demo)")
        }
        if let (endpoint, node) = bmc.endpoint {
            if let first = seen.bmc[endpoint.identity] {
                report(node, subject, "BMC address \(endpoint) is also used by the host at line \(first.mark?.line ?? 0)",
                       fix: "each server has its own BMC; correct one of the two addresses")
            } else { seen.bmc[endpoint.identity] = node }
        }
        if let (esxiAddress, hostname, addressNode, hostnameNode) = kickstart.identity {
            let address = esxiAddress.description
            if let first = seen.address[address] {
                report(addressNode, subject, "ESXi address \(address) is also used by the host at line \(first.mark?.line ?? 0)",
                       fix: "give every host its own management address")
            } else { seen.address[address] = addressNode }
            let name = hostname.lowercased()
            // A derived esxi-a-b-c-d name repeats only when the address does, which is reported above.
            if hostnameNode == addressNode {
            } else if let first = seen.hostname[name] {
                report(hostnameNode, subject, "hostname \(hostname) is also used by the host at line \(first.mark?.line ?? 0)",
                       fix: "give every host its own hostname (or leave it out to get esxi-a-b-c-d from the address)")
            } else { seen.hostname[name] = hostnameNode }
        }
    }

    /// The host's plan, when every field it needs parsed.
    static func plan(index: Int, bmc: BMCFields, kickstart: KickstartFields, settings: HostSettings) -> HostPlan? {
        guard let vendor = bmc.vendor, let (endpoint, _) = bmc.endpoint, let username = bmc.username, let password = bmc.password,
              let model = kickstart.model, let systemMediaSize = kickstart.systemMediaSize else { return nil }
        return HostPlan(index: index, vendor: vendor, bmc: endpoint, username: username, password: password,
                        kickstart: model, template: kickstart.template, systemMediaSize: systemMediaSize,
                        rootPassword: kickstart.rootPassword, bmcTrust: bmc.trust,
                        kernelOptions: kickstart.kernelOptions, mediaHTTPS: bmc.mediaHTTPS, settings: settings)
    }

    // MARK: - ipmi

    struct BMCFields {
        var vendor: Vendor?
        var endpoint: (BMCAddress, Node)?
        var username: String?
        var password: Secret?
        var trust: BMCTrust = .unverified
        var mediaHTTPS: Bool?
    }

    mutating func readBMC(_ section: Section, item: Node, subject: Subject) -> BMCFields {
        var fields = BMCFields()
        if let (text, node) = requiredString(section, "vendor", item: item, subject: subject.section("ipmi"), example: "dell, lenovo, hpe, supermicro or generic") {
            // The hosts file takes the canonical names only (`--vendor` on the command line also takes idrac, xcc, ilo,
            // smc): a file outlives the run, and one spelling per vendor keeps files greppable and diffs small.
            if let vendor = Vendor(rawValue: text.lowercased()) {
                fields.vendor = vendor
            } else {
                let names = Vendor.allCases.map(\.rawValue)
                let hint = KickstartTemplate.suggestion(for: text, among: names).map { "did you mean '\($0)'? " } ?? ""
                report(node, subject, "unknown BMC vendor '\(text)'", fix: "\(hint)use one of \(names.joined(separator: ", ")) (generic = plain DMTF Redfish)")
            }
        }
        if let (text, node) = requiredString(section, "address", item: item, subject: subject.section("ipmi"), example: "10.172.70.186, bmc1:8443 or https://bmc1") {
            switch BMCAddress.parse(text) {
            case .success(let endpoint): fields.endpoint = (endpoint, node)
            case .failure(let problem): report(node, subject, problem.message, fix: problem.fix)
            }
        }
        if let (text, node) = requiredString(section, "username", item: item, subject: subject.section("ipmi"), example: "root") {
            if text.isEmpty || text.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                report(node, subject, "the BMC username is empty or has control characters", fix: "write the BMC login name")
            } else { fields.username = text }
        }
        fields.password = requiredSecret(section, "password", item: item, subject: subject.section("ipmi"))
        fields.trust = readTrust(section, endpoint: fields.endpoint?.0, subject: subject)
        // Absent: the vendor rule decides (iLO 7 and AMI-based BMCs mount only HTTPS; HostPlan.mediaHTTPS).
        if let entry = section["media_https"], !isNull(entry.value) {
            fields.mediaHTTPS = boolean(section, "media_https", default: false, subject: subject.section("ipmi"))
        }
        return fields
    }

    /// `tls_ca: FILE` (PEM, relative to the hosts file) or `tls_pin: true | sha256//BASE64`: how this BMC's
    /// certificate is verified. Without either it is not (BMCs ship self-signed certificates) and vmedia warns.
    mutating func readTrust(_ section: Section, endpoint: BMCAddress?, subject: Subject) -> BMCTrust {
        let ca = section["tls_ca"].flatMap { isNull($0.value) ? nil : $0 }
        let pin = section["tls_pin"].flatMap { isNull($0.value) ? nil : $0 }
        if ca != nil, let pin {
            report(pin.key, subject, "ipmi has both tls_ca and tls_pin",
                   fix: "keep one: tls_ca: FILE verifies the certificate chain, tls_pin: true pins the BMC's key on first use")
            return .unverified
        }
        if let endpoint, endpoint.scheme == .http, let given = ca ?? pin {
            report(given.key, subject, "\(scalar(given.key) ?? "tls") has no effect on the plain-http BMC address \(endpoint)",
                   fix: "write the address as https://… (Redfish's default), or remove the key")
            return .unverified
        }
        if let ca {
            guard let path = scalar(ca.value), !path.isEmpty else {
                report(ca.value, subject, "tls_ca must be the path of a PEM file", fix: "write tls_ca: bmc-ca.pem (relative to the hosts file) or an absolute path")
                return .unverified
            }
            let full = path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: full) else {
                report(ca.value, subject, "cannot read the CA file \(full) (tls_ca)",
                       fix: "give the PEM file of the CA that signed the BMC's certificate; relative paths start at the hosts file's folder")
                return .unverified
            }
            guard String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
                report(ca.value, subject, "the CA file \(full) (tls_ca) holds no PEM certificate",
                       fix: "give a PEM file with '-----BEGIN CERTIFICATE-----' blocks (convert DER with: openssl x509 -inform der -in ca.cer -out ca.pem)")
                return .unverified
            }
            return .certificateAuthority(path: full)
        }
        if let pin {
            switch scalar(pin.value)?.lowercased() {
            case "true", "yes", "on": return .pinOnFirstUse
            case "false", "no", "off": return .unverified
            default:
                if let text = scalar(pin.value), BMCTrust.isPin(text) { return .pinned(text) }
                report(pin.value, subject, "tls_pin must be true (pin the key on first use) or a pin sha256//BASE64",
                       fix: "write tls_pin: true, or the pin vmedia bmc --tls-pin recorded (sha256// and 44 base64 characters)")
                return .unverified
            }
        }
        return .unverified
    }

    // MARK: - esxi

    struct KickstartFields {
        var model: Kickstart?
        /// ESXi address and hostname with the nodes to point at, for the duplicate checks.
        var identity: (IPv4Address, String, Node, Node)?
        var template: KickstartTemplate?
        var systemMediaSize: SystemMediaSize?
        var kernelOptions: [String] = []
        /// The root password as written, for the installer's ESXi login check (the kickstart may hold only its hash).
        var rootPassword: Secret?
    }

    /// The network keys as written, each with its node; nil where missing or malformed (already reported).
    struct NetworkFields {
        var address: (IPv4Address, Node)?
        var gateway: (IPv4Address, Node)?
        var netmask: IPv4Netmask?
        var device: NetworkDevice?
        var hostname: (String, Node)?
        var nameservers: [IPv4Address]?
        var nameserverEntry: Entry?
        var vlanID: Int?
        /// False when a name server or the VLAN id was malformed.
        var ok = true
    }

    /// The installer keys other than the network and the root password.
    struct InstallChoices {
        var wipe: Kickstart.Wipe?
        var keyboard: String
        var ssh: Bool?
        var form: RootpwForm?
        var systemMediaSize: SystemMediaSize?
        var kernelOptions: [String]?
        var precheck: PrecheckOverrides?
        var licenseKey: LicenseKey??
        var scripts: [KickstartScript]
        var template: KickstartTemplate??
    }

    /// An `esxi:` section in phases: the install disk, the network keys, the other installer keys, the root
    /// password, the checks that combine network fields, then the kickstart model and its template.
    mutating func readKickstart(_ section: Section, item: Node, subject: Subject) -> KickstartFields {
        var fields = KickstartFields()
        let inESXi = subject.section("esxi")
        let disk = requiredString(section, "esxi_disk", item: item, subject: inESXi, example: "\"DELLBOSS VD\", naa.5000cca291e10521 or \"serial:5PJAMUHD\"")
            .map { (InstallDisk($0.0), $0.1) }
        var network = readNetworkFields(section, item: item, subject: subject)
        let choices = readInstallChoices(section, item: item, subject: subject)
        fields.systemMediaSize = choices.systemMediaSize
        fields.kernelOptions = choices.kernelOptions ?? []
        let password = readRootPassword(section, item: item, subject: subject, form: choices.form, network: network, fields: &fields)
        if simulated, let address = network.address, address.0.octets[0] != 127 {
            report(address.1, subject, "ESXi address \(address.0) is not a loopback address, but the file says 'simulated: true'",
                   fix: "remove 'simulated: true' for real servers (simulated ESXi hosts only come up on 127.0.0.0/8)")
            network.ok = false
        }
        if let address = network.address {
            let name = network.hostname?.0 ?? KickstartNetwork.defaultHostname(for: address.0)
            fields.identity = (address.0, name, address.1, network.hostname?.1 ?? address.1)
        }
        var clean = checkNetwork(network, section: section, item: item, subject: subject)
        guard let disk, let address = network.address, let gateway = network.gateway, let netmask = network.netmask,
              let device = network.device, let wipe = choices.wipe, let ssh = choices.ssh, let password,
              choices.systemMediaSize != nil, choices.kernelOptions != nil, let precheck = choices.precheck,
              choices.licenseKey != .some(nil) else { return fields }
        let model = Kickstart(rootPassword: password, keyboard: choices.keyboard, wipe: wipe, installDisk: disk.0,
                              network: KickstartNetwork(address: address.0, netmask: netmask, gateway: gateway.0,
                                                        nameservers: network.nameservers, hostname: network.hostname?.0,
                                                        device: device, vlanID: network.vlanID),
                              enableSSH: ssh, scripts: choices.scripts, precheck: precheck,
                              licenseKey: choices.licenseKey ?? nil)
        // Network problems were reported above; scripts and the password were checked where they were read.
        for problem in model.problems where [.installDisk, .keyboard].contains(problem.field) {
            clean = false
            report(problem.field == .installDisk ? disk.1 : section["keyboard"]?.value, subject, problem.message, fix: problem.fix)
        }
        guard clean else { return fields }
        if let template = choices.template {
            guard let template, checkTemplate(template, model: model, section: section, subject: subject) else { return fields }
            fields.template = template
        }
        fields.model = model
        return fields
    }

    /// address, gateway, netmask, mgtnic, hostname, nameservers and vlanid.
    mutating func readNetworkFields(_ section: Section, item: Node, subject: Subject) -> NetworkFields {
        let inESXi = subject.section("esxi")
        var ok = true
        let address = requiredString(section, "address", item: item, subject: inESXi, example: "10.172.69.86").flatMap { ipv4($0, subject: subject, what: "ESXi address") }
        let gateway = requiredString(section, "gateway", item: item, subject: inESXi, example: "10.172.64.1").flatMap { ipv4($0, subject: subject, what: "gateway") }
        var netmask: IPv4Netmask?
        if let (mask, maskNode) = requiredString(section, "netmask", item: item, subject: inESXi, example: "255.255.240.0").flatMap({ ipv4($0, subject: subject, what: "netmask") }) {
            netmask = IPv4Netmask(mask)
            if netmask == nil {
                report(maskNode, subject, "netmask \(mask) is not contiguous (its one-bits must all come first)",
                       fix: "use a mask such as 255.255.255.0 (/24) or 255.255.240.0 (/20)")
            }
        }
        var device: NetworkDevice?
        if let (text, nicNode) = requiredString(section, "mgtnic", item: item, subject: inESXi, example: "vmnic4 or B4:96:91:A7:3F:D6") {
            device = NetworkDevice(text)
            if device == nil {
                report(nicNode, subject, "mgtnic '\(text)' is neither an ESXi NIC name (vmnicN) nor a MAC address",
                       fix: "write vmnic0, vmnic4 … or the NIC's MAC like B4:96:91:A7:3F:D6")
            }
        }
        let hostname = optionalString(section, "hostname")
        var nameservers: [IPv4Address]?
        let nameserverEntry = section["nameservers"] ?? section["nameserver"]
        if let entry = nameserverEntry, !isNull(entry.value) {
            nameservers = []
            var items: [Node] = []
            if let list = entry.value.sequence { items = Array(list) } else if let text = scalar(entry.value) {
                // "10.0.0.53,10.0.0.54" as the kickstart writes it is accepted too.
                items = text.split(separator: ",", omittingEmptySubsequences: false).map {
                    Node.scalar(.init(String($0).trimmingCharacters(in: .whitespaces), Tag(.str), .plain, entry.value.mark))
                }
            } else { report(entry.value, subject, "nameservers must be a list of IPv4 addresses", fix: "write nameservers: [10.0.0.53, 10.0.0.54]") }
            for itemNode in items {
                if let text = scalar(itemNode), let parsed = ipv4((text, itemNode), subject: subject, what: "name server") { nameservers!.append(parsed.0) } else { ok = false }
            }
        }
        var vlanID: Int?
        if let (text, vlanNode) = optionalString(section, "vlanid") {
            vlanID = Int(text)
            if vlanID == nil {
                report(vlanNode, subject, "vlanid '\(text)' is not a number", fix: "write the VLAN id (1-4094), or leave vlanid out for untagged"); ok = false
            }
        }
        return NetworkFields(address: address, gateway: gateway, netmask: netmask, device: device, hostname: hostname,
                             nameservers: nameservers, nameserverEntry: nameserverEntry, vlanID: vlanID, ok: ok)
    }

    /// wipe, keyboard, ssh, rootpw, system_media_size, kernel_options, the precheck overrides, license_key,
    /// the %pre/%post/%firstboot scripts and template.
    mutating func readInstallChoices(_ section: Section, item: Node, subject: Subject) -> InstallChoices {
        let inESXi = subject.section("esxi")
        let wipe: Kickstart.Wipe? = choice(section, "wipe", default: .all, subject: subject)
        let keyboard = optionalString(section, "keyboard")?.0 ?? "US Default"
        let ssh = boolean(section, "ssh", default: true, subject: subject)
        let form: RootpwForm? = choice(section, "rootpw", default: RootpwForm.crypted, subject: subject)
        let systemMediaSize: SystemMediaSize? = choice(section, "system_media_size", default: .small, subject: subject)
        let kernelOptions = readKernelOptions(section, subject: subject)
        var precheck: PrecheckOverrides? = []
        for (key, flag) in [("ignore_prereq_warnings", PrecheckOverrides.ignoreWarnings), ("ignore_prereq_errors", .ignoreErrors),
                            ("force_unsupported_install", .forceUnsupported)] {
            switch boolean(section, key, default: false, subject: subject) {
            case true?: precheck?.insert(flag)
            case false?: break
            case nil: precheck = nil
            }
        }
        var licenseKey: LicenseKey??
        if let entry = section["license_key"], !isNull(entry.value) {
            licenseKey = .some(nil)
            if let secret = requiredSecret(section, "license_key", item: item, subject: inESXi) {
                if let key = LicenseKey(secret.reveal().trimmingCharacters(in: .whitespaces)) {
                    licenseKey = key
                } else {
                    // Never quote the value: it is a secret like a password.
                    report(entry.value, subject, "\(LicenseKey.problem(with: secret.reveal().trimmingCharacters(in: .whitespaces)) ?? "the licence key is malformed")",
                           fix: "write the key as XXXXX-XXXXX-XXXXX-XXXXX-XXXXX, best as license_key: ${ESXI_LICENSE} or file:PATH")
                }
            }
        }

        var scripts: [KickstartScript] = []
        for kind in KickstartScript.Section.allCases {
            if let entry = section[kind.rawValue], !isNull(entry.value) {
                scripts += readScripts(entry.value, section: kind, subject: subject)
            }
        }

        var template: KickstartTemplate??
        if let (path, templateNode) = optionalString(section, "template") {
            template = loadTemplate(path, node: templateNode, subject: subject)
        }
        return InstallChoices(wipe: wipe, keyboard: keyboard, ssh: ssh, form: form, systemMediaSize: systemMediaSize,
                              kernelOptions: kernelOptions, precheck: precheck, licenseKey: licenseKey, scripts: scripts,
                              template: template)
    }

    /// password (with rootpw and password_policy): the root password to install, checked against ESXi's
    /// policy; `fields.rootPassword` keeps the plaintext for the installer's login check.
    mutating func readRootPassword(_ section: Section, item: Node, subject: Subject, form: RootpwForm?, network: NetworkFields,
                                   fields: inout KickstartFields) -> RootPassword? {
        let inESXi = subject.section("esxi")
        let (hostname, address) = (network.hostname, network.address)
        var password: RootPassword?
        let passwordNode = section["password"]?.value
        let policy: PasswordPolicy? = choice(section, "password_policy", default: PasswordPolicy.esxi, subject: subject)
        if let secret = requiredSecret(section, "password", item: item, subject: inESXi), let form, let policy {
            let text = secret.reveal()
            let plain = form == .plain
            if form == .hash {
                // The plaintext is unknown: neither the policy nor a root login can be checked.
                if let problem = RootPasswordPolicy.cryptedProblem(text) {
                    report(passwordNode, subject, "rootpw: hash, but the password is not a hash the ESXi installer accepts: \(problem)",
                           fix: "give a $6$ hash from 'openssl passwd -6', or the password itself with rootpw: crypted (the default)")
                } else if policy != .unchecked {
                    report(passwordNode, subject, "rootpw: hash gives an already-crypted password, whose strength vmedia cannot check; " +
                           "the installer skips its password policy for hashes, so a weak password would install silently",
                           fix: "give the password itself (rootpw: crypted hashes it), or add 'password_policy: unchecked' to this host to take the hash as it is")
                } else {
                    password = .crypted(text)
                }
            } else if let problem = RootPassword.problem(with: text, plain: plain) {
                fields.rootPassword = secret
                report(passwordNode, subject, problem,
                       fix: plain ? "choose another password, or use rootpw: crypted (the default)"
                                  : "choose a password of printable ASCII characters")
            } else if let weakness = RootPasswordPolicy.weakness(of: text), plain || policy != .unchecked {
                fields.rootPassword = secret
                report(passwordNode, subject, "the root password breaks ESXi's password policy: \(weakness)",
                       fix: plain ? "choose 7-40 characters from at least 3 of: digits, lower case, upper case, others (with rootpw: plain the installer itself refuses a weak one; no key waives that)"
                                  : "choose 7-40 characters from at least 3 of: digits, lower case, upper case, others, or add 'password_policy: unchecked' to this host to install it hashed anyway")
            } else {
                fields.rootPassword = secret
                let context = hostname?.0 ?? address.map { KickstartNetwork.defaultHostname(for: $0.0) } ?? ""
                password = plain ? .plain(text) : .crypted(password: text, saltContext: context)
            }
        }
        return password
    }

    /// The problems of the network as a whole (an address that is the subnet's broadcast address, a gateway
    /// outside the subnet …), at the key to fix; false when there was one, or a field was malformed.
    mutating func checkNetwork(_ fields: NetworkFields, section: Section, item: Node, subject: Subject) -> Bool {
        // The checks that combine fields run as soon as their own fields parsed, so that one bad value (say the
        // NIC) does not hide another (say an address that is the subnet's broadcast address).
        var clean = fields.ok
        let (address, gateway, hostname, nameserverEntry) = (fields.address, fields.gateway, fields.hostname, fields.nameserverEntry)
        if let address, let gateway, let netmask = fields.netmask {
            let network = KickstartNetwork(address: address.0, netmask: netmask, gateway: gateway.0, nameservers: fields.nameservers,
                                           hostname: hostname?.0, device: fields.device ?? .vmnic(0), vlanID: fields.vlanID)
            for problem in network.problems {
                let isLoopbackProblem = problem.kind == .loopbackAddress
                if isLoopbackProblem && simulated { continue }
                clean = false
                if isLoopbackProblem {
                    report(problem.field == .address ? address.1 : gateway.1, subject, problem.message,
                           fix: "\(problem.fix); only for simulated BMCs (vmedia simulate, vmedia demo) put 'simulated: true' at the top of the hosts file")
                    continue
                }
                let at: Node? = switch problem.field {
                case .address: address.1
                case .netmask: section["netmask"]?.value
                case .gateway: gateway.1
                case .nameservers: nameserverEntry?.value
                case .hostname: hostname?.1 ?? address.1
                case .vlanID: section["vlanid"]?.value
                default: item
                }
                report(at, subject, problem.message, fix: problem.fix)
            }
        } else if let hostname, let problem = HostName.problem(hostname.0) {
            clean = false
            report(hostname.1, subject, problem, fix: "use letters, digits and '-' in dot-separated labels of at most 63 characters, e.g. esxi-69-86")
        }
        return clean
    }

    /// The kickstart a template makes for this host must still be one the installer accepts.
    mutating func checkTemplate(_ template: KickstartTemplate, model: Kickstart, section: Section, subject: Subject) -> Bool {
        // The filled template must still be a kickstart the installer accepts (revealed only for this check:
        // the messages below quote the installer's complaint, never the password).
        // A serial is mapped to its device id only at install time; check the template with a stand-in id,
        // which is never written anywhere.
        let checked = model.installDisk.needsResolution ? model.with(installDisk: model.installDisk.resolved(to: "naa.0")) : model
        do {
            _ = try KickstartFile.parse(template.render(checked, secrets: .reveal)).interpret()
        } catch {
            for problem in error.problems {
                report(section["template"]?.value, subject, "the kickstart made from \(template.origin) would be rejected by the ESXi installer: \(problem.line.map { "line \($0): " } ?? "")\(problem.message)",
                       fix: problem.fix)
            }
            return false
        }
        return true
    }

    /// `crypted`: vmedia hashes the password; `plain`: the image carries it; `hash`: the password value already is a
    /// crypt hash (`$6$…`), written as is, so the plaintext is unknown to vmedia.
    enum RootpwForm: String, CaseIterable { case crypted, plain, hash }
    /// `esxi` (default): vmedia refuses a root password ESXi's policy would refuse; `unchecked`: a per-host
    /// opt-out for a crypted password (weasel installs a hash without checking it).
    enum PasswordPolicy: String, CaseIterable { case esxi, unchecked }

    /// `kernel_options:` as a list (`[allowLegacyCPU=true, …]`) or one string of blank-separated tokens, each
    /// checked by `KernelOption`; a name given twice is an error (which value would win is not obvious). Nil when
    /// a problem was reported.
    mutating func readKernelOptions(_ section: Section, subject: Subject) -> [String]? {
        guard let entry = section["kernel_options"], !isNull(entry.value) else { return [] }
        var items: [(String, Node)] = []
        if let list = entry.value.sequence {
            for item in list {
                guard let text = scalar(item) else {
                    report(item, subject, "each kernel_options item must be one option", fix: "write kernel_options: [allowLegacyCPU=true]")
                    return nil
                }
                items.append((text, item))
            }
        } else if let text = scalar(entry.value) {
            items = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { (String($0), entry.value) }
        } else {
            report(entry.value, subject, "kernel_options must be a list of boot options", fix: "write kernel_options: [allowLegacyCPU=true]")
            return nil
        }
        var options: [String] = []
        var names: [String: String] = [:]
        var ok = true
        for (token, node) in items {
            if let problem = KernelOption.problem(with: token) {
                report(node, subject, problem, fix: "write options like allowLegacyCPU=true or autoPartitionOSDataSize=8192, one per list item")
                ok = false
            } else if let first = names[KernelOption.name(of: token).lowercased()] {
                report(node, subject, "kernel option '\(token)' repeats '\(first)'", fix: "keep one value per option")
                ok = false
            } else {
                names[KernelOption.name(of: token).lowercased()] = token
                options.append(token)
            }
        }
        return ok ? options : nil
    }

    mutating func readScripts(_ value: Node, section: KickstartScript.Section, subject: Subject) -> [KickstartScript] {
        let items: [Node] = value.sequence.map(Array.init) ?? [value]
        var scripts: [KickstartScript] = []
        for item in items {
            var body: String?
            var interpreter = KickstartScript.Interpreter.busybox
            var timeout: Int?
            var ignoreFailure: Bool?
            if let text = scalar(item) {
                body = text
            } else if let mapping = item.mapping {
                checkKeys(of: mapping, allowed: HostsFile.scriptKeys, in: subject.section(section.rawValue))
                let entries = entries(of: item, allowed: HostsFile.scriptKeys, in: subject.section(section.rawValue), checkUnknown: false)
                body = optionalString(entries, "script")?.0
                if body == nil { report(item, subject, "the %\(section.rawValue) entry has no 'script:'", fix: "add script: | followed by the script lines") }
                guard let chosen: KickstartScript.Interpreter = choice(entries, "interpreter", default: .busybox, subject: subject) else { continue }
                interpreter = chosen
                if let (text, node) = optionalString(entries, "timeout") {
                    timeout = Int(text)
                    if timeout == nil { report(node, subject, "timeout '\(text)' is not a number of seconds", fix: "write timeout: 300") ; continue }
                }
                if entries["ignorefailure"] != nil {
                    guard let flag = boolean(entries, "ignorefailure", default: false, subject: subject) else { continue }
                    ignoreFailure = flag
                }
            } else {
                report(item, subject, "%\(section.rawValue) must be script text, a list of scripts, or {script:, interpreter:}", fix: "write \(section.rawValue): | followed by the script lines")
            }
            guard let body else { continue }
            let script = KickstartScript(section: section, interpreter: interpreter, body: body, timeout: timeout, ignoreFailure: ignoreFailure)
            if let problem = script.problem {
                report(item, subject, problem, fix: "edit the script (indent a line starting with '%' by one space)")
                continue
            }
            scripts.append(script)
        }
        return scripts
    }

    /// `.some(nil)` when the template is broken (problems reported), `.some(template)` when it is usable.
    mutating func loadTemplate(_ path: String, node: Node, subject: Subject) -> KickstartTemplate? {
        let full = path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).path
        if let cached = templates[full] { return cached }
        var result: KickstartTemplate?
        if let data = FileManager.default.contents(atPath: full), let text = String(data: data, encoding: .utf8) {
            do {
                result = try KickstartTemplate(text: text, origin: full)
            } catch {
                for problem in error.problems {
                    diagnostics.append(Diagnostic(file: full, line: problem.line, column: problem.column,
                                                  message: problem.message, fix: problem.fix))
                }
            }
        } else {
            report(node, subject, "cannot read the kickstart template \(full)", fix: "check the path (relative paths start at the hosts file's folder)")
        }
        templates[full] = .some(result)
        return result
    }

    // MARK: - values

    mutating func ipv4(_ value: (String, Node), subject: Subject, what: String) -> (IPv4Address, Node)? {
        guard let address = IPv4Address(value.0) else {
            report(value.1, subject, "\(what) '\(value.0)' is not an IPv4 address",
                   fix: "write four decimal numbers 0-255 without leading zeros, like 10.172.69.86")
            return nil
        }
        return (address, value.1)
    }

    mutating func requiredString(_ section: Section, _ key: String, item: Node, subject: Subject, example: String) -> (String, Node)? {
        guard let entry = section[key], !isNull(entry.value) else {
            report(item, subject, "has no '\(key)'", phrasing: .sentence, fix: "add '\(key): …' (for example \(example)) to the host or to defaults")
            return nil
        }
        guard let text = scalar(entry.value) else {
            report(entry.value, subject, "'\(key)' must be a single value, not a list or mapping", fix: "write \(key): \(example)")
            return nil
        }
        return (text, entry.value)
    }

    mutating func optionalString(_ section: Section, _ key: String) -> (String, Node)? {
        guard let entry = section[key], !isNull(entry.value) else { return nil }
        guard let text = scalar(entry.value) else {
            report(entry.value, "'\(key)' must be a single value, not a list or mapping", fix: "write \(key): VALUE")
            return nil
        }
        return (text, entry.value)
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ section: Section, _ key: String, default value: T, subject: Subject) -> T?
    where T.RawValue == String {
        guard let (text, node) = optionalString(section, key) else { return value }
        if let parsed = T(rawValue: text.lowercased()) { return parsed }
        let names = T.allCases.map(\.rawValue)
        let hint = KickstartTemplate.suggestion(for: text, among: names).map { "did you mean '\($0)'? " } ?? ""
        report(node, subject, "\(key) '\(text)' is not one of \(names.joined(separator: ", "))", fix: "\(hint)write \(key): \(names.joined(separator: " or \(key): ")) (default: \(value.rawValue))")
        return nil
    }

    mutating func boolean(_ section: Section, _ key: String, default value: Bool, subject: Subject) -> Bool? {
        guard let (text, node) = optionalString(section, key) else { return value }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report(node, subject, "\(key) '\(text)' is not true or false", fix: "write \(key): true or \(key): false")
            return nil
        }
    }

    /// A password: literal, `${ENV_VAR}` or `file:PATH` (relative to the hosts file; one trailing newline dropped,
    /// since editors and `echo` add one).
    mutating func requiredSecret(_ section: Section, _ key: String, item: Node, subject: Subject) -> Secret? {
        guard let entry = section[key], !isNull(entry.value) else {
            report(item, subject, "has no '\(key)'", phrasing: .sentence, fix: "add '\(key): …' (literal, ${ENV_VAR} or file:PATH) to the host or to defaults")
            return nil
        }
        guard let text = scalar(entry.value) else {
            report(entry.value, subject, "'\(key)' must be a single value", fix: "write \(key): ${ENV_VAR}, file:PATH or the password")
            return nil
        }
        if text.hasPrefix("${"), text.hasSuffix("}") {
            let name = String(text.dropFirst(2).dropLast())
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) }) else {
                report(entry.value, subject, "'\(text)' is not a valid environment variable reference", fix: "write ${NAME} with letters, digits and '_'")
                return nil
            }
            guard let value = environment[name] else {
                report(entry.value, subject, "environment variable \(name) is not set", fix: "export \(name)=… in the shell that runs vmedia, or use file:PATH")
                return nil
            }
            guard !value.isEmpty else {
                report(entry.value, subject, "environment variable \(name) is empty", fix: "set \(name) to the password")
                return nil
            }
            return Secret(value)
        }
        if text.hasPrefix("file:") {
            let path = String(text.dropFirst("file:".count))
            let full = path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).path
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            if exists, isDirectory.boolValue {
                report(entry.value, subject, "the secret file \(full) is a directory",
                       fix: "name the file inside it that holds the password (file:\(path.hasSuffix("/") ? path : path + "/")NAME)")
                return nil
            }
            guard let data = FileManager.default.contents(atPath: full), var value = String(data: data, encoding: .utf8) else {
                if exists {
                    report(entry.value, subject, "cannot read the secret file \(full) (\(FileManager.default.isReadableFile(atPath: full) ? "not UTF-8 text" : "permission denied"))",
                           fix: "make it readable by the user running vmedia (and by nobody else: chmod 600) and write the password as text")
                    return nil
                }
                report(entry.value, subject, "the secret file \(full) does not exist",
                       fix: "create it (e.g. printf '%s' 'PASSWORD' > \(path); chmod 600 \(path)) or fix the path; relative paths start at the hosts file's folder")
                return nil
            }
            if value.hasSuffix("\r\n") { value.removeLast(2) } else if value.hasSuffix("\n") { value.removeLast() }
            guard !value.isEmpty else {
                report(entry.value, subject, "the secret file \(full) is empty", fix: "write the password into it")
                return nil
            }
            return Secret(value)
        }
        return Secret(text)
    }

    // MARK: - YAML helpers

    mutating func entries(of node: Node, allowed: [String], in context: Subject, checkUnknown: Bool = true) -> Section {
        guard let mapping = node.mapping else {
            report(node, context, "must be a mapping of key: value", phrasing: .sentence, fix: "indent the keys under it, or write {key: value, …}")
            return [:]
        }
        if checkUnknown { checkKeys(of: mapping, allowed: allowed, in: context) }
        var section: Section = [:]
        for (key, value) in mapping {
            guard let name = scalar(key), allowed.contains(name) else { continue }
            if section[name] != nil {
                report(key, context, "'\(name)' appears twice", fix: "keep one '\(name):'")
            }
            section[name] = Entry(key: key, value: value)
        }
        return section
    }

    mutating func checkKeys(of mapping: Node.Mapping, allowed: [String], in context: Subject) {
        for (key, _) in mapping {
            guard let name = scalar(key) else {
                report(key, context, "a key must be plain text", fix: "write key: value")
                continue
            }
            if allowed.contains(name) { continue }
            if name == "<<" {
                report(key, context, "YAML merge keys (<<) are not supported", fix: "put shared settings in the 'defaults:' block instead")
                continue
            }
            let hint = KickstartTemplate.suggestion(for: name, among: allowed).map { "did you mean '\($0)'? " } ?? ""
            report(key, context, "unknown key '\(name)'", fix: "\(hint)valid keys here: \(allowed.joined(separator: ", "))")
        }
    }

    func scalar(_ node: Node) -> String? { node.scalar?.string }

    /// A BMC address in 127.0.0.0/8 (or `localhost`): what `simulated: true` requires of every BMC.
    static func isLoopback(_ host: String) -> Bool {
        host.lowercased() == "localhost" || IPv4Address(host).map { $0.octets[0] == 127 } ?? false
    }

    /// `key:` with nothing after it, `~` or `null`: the old tool treated these as "not set" (yq printed null).
    func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    mutating func reportSyntax(_ error: YamlError) {
        let fix = "fix the YAML syntax at this place (indentation with spaces, a ':' after each key, quotes closed)"
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text))" } ?? problem
            diagnostics.append(Diagnostic(file: file, line: mark.line, column: mark.column, message: "not valid YAML: \(detail)", fix: fix))
        case .duplicatedKeysInMapping(let duplicates, let context):
            diagnostics.append(Diagnostic(file: file, line: context.mark.line, column: context.mark.column,
                                          message: "\(duplicates.map { "'\($0)'" }.joined(separator: ", ")) appears twice in the mapping that starts here", fix: "keep one (the old tool's yq silently took the last)"))
        default:
            diagnostics.append(Diagnostic(file: file, line: nil, column: nil, message: "not valid YAML: \(error)", fix: fix))
        }
    }
}
