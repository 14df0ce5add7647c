import Foundation
import Primitives
import Yams

/// The keys of the configure and join phases: `esxi: {ntp:, syslog:}` and the `vcenter:` section.
extension Reader {
    /// Nil when a problem was reported (the host then gets no plan, like any other invalid key).
    mutating func readSettings(esxi: Section, vcenter: Section?, item: Node, subject: Subject) -> HostSettings? {
        var ok = true
        var servers: [String] = []
        if let entry = esxi["ntp"], !isNull(entry.value) {
            let items: [Node] = entry.value.sequence.map(Array.init) ?? [entry.value]
            for node in items {
                guard let text = scalar(node)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                    report(node, subject, "each ntp item must be one server name or address", fix: "write ntp: [10.20.0.1, ntp2.example.com]")
                    ok = false
                    continue
                }
                if let problem = serverProblem(text) {
                    report(node, subject, "NTP server '\(text)' \(problem)",
                           fix: "write an IPv4 address or a DNS name, one per list item: ntp: [10.20.0.1, ntp2.example.com]")
                    ok = false
                } else if servers.contains(where: { $0.lowercased() == text.lowercased() }) {
                    report(node, subject, "NTP server '\(text)' is listed twice", fix: "keep one")
                    ok = false
                } else {
                    servers.append(text)
                }
            }
        }
        var syslog: String?
        if let (text, node) = optionalString(esxi, "syslog") {
            var targets: [String] = []
            for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if let problem = syslogProblem(part) {
                    report(node, subject, "syslog target '\(part)' \(problem)",
                           fix: "write syslog: udp://10.20.0.5:514 (udp, tcp or ssl; several separated by commas), as ESXi's Syslog.global.logHost takes it")
                    ok = false
                } else {
                    targets.append(part)
                }
            }
            syslog = targets.joined(separator: ",")
        }
        var plan: VCenterPlan?
        if let vcenter {
            plan = readVCenter(vcenter, item: item, subject: subject)
            if plan == nil { ok = false }
        }
        return ok ? HostSettings(ntpServers: servers, syslog: syslog, vcenter: plan) : nil
    }

    /// `vcenter: {address, username, password, datacenter, cluster | folder}`.
    mutating func readVCenter(_ section: Section, item: Node, subject: Subject) -> VCenterPlan? {
        let inVCenter = subject.section("vcenter")
        var endpoint: (String, Int, Bool)?
        if let (text, node) = requiredString(section, "address", item: item, subject: inVCenter, example: "vc1.example.com") {
            switch Self.vCenterAddress(text) {
            case .success(let parsed):
                endpoint = parsed
                if simulated, !Self.isLoopback(parsed.0) {
                    report(node, subject, "vCenter address \(parsed.0) is not a loopback address, but the file says 'simulated: true'",
                           fix: "remove 'simulated: true' for real servers (a simulated vCenter listens on 127.0.0.0/8)")
                    endpoint = nil
                }
            case .failure(let problem):
                report(node, subject, "vCenter address '\(text)' \(problem.description)", fix: "write address: vc1.example.com, 10.20.0.5 or https://vc1.example.com:8443")
            }
        }
        var username: String?
        if let (text, node) = requiredString(section, "username", item: item, subject: inVCenter, example: "administrator@vsphere.local") {
            if text.isEmpty || text.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                report(node, subject, "the vCenter username is empty or has control characters", fix: "write the vCenter login name, e.g. administrator@vsphere.local")
            } else { username = text }
        }
        let password = requiredSecret(section, "password", item: item, subject: inVCenter)
        let datacenter = requiredString(section, "datacenter", item: item, subject: inVCenter, example: "DC1").flatMap { text, node in
            inventoryName(text, node: node, subject: subject, key: "datacenter")
        }
        var placement: VCenterPlan.Placement? = .folder("")
        let cluster = optionalString(section, "cluster")
        let folder = optionalString(section, "folder")
        if let cluster, folder != nil {
            report(section["folder"]?.key ?? cluster.1, subject, "vcenter has both cluster and folder",
                   fix: "keep one: cluster: NAME adds the host to a cluster (AddHost_Task), folder: PATH adds it standalone (AddStandaloneHost_Task)")
            placement = nil
        } else if let cluster {
            placement = inventoryName(cluster.0, node: cluster.1, subject: subject, key: "cluster").map { .cluster($0) }
        } else if let folder {
            placement = inventoryName(folder.0, node: folder.1, subject: subject, key: "folder", allowEmpty: true).map { .folder($0) }
        }
        guard let endpoint, let username, let password, let datacenter, let placement else { return nil }
        return VCenterPlan(address: endpoint.0, port: endpoint.1, useTLS: endpoint.2, username: username, password: password,
                           datacenter: datacenter, placement: placement)
    }

    /// An inventory name as vCenter shows it; `/` separates folders in a path (a datacenter in a folder:
    /// `Region1/DC1`), as `SearchIndex.FindByInventoryPath` takes it.
    mutating func inventoryName(_ text: String, node: Node, subject: Subject, key: String, allowEmpty: Bool = false) -> String? {
        let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if trimmed.isEmpty, allowEmpty { return "" }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        if trimmed.isEmpty || parts.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty })
            || text.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            report(node, subject, "vcenter \(key) '\(text)' is not an inventory path",
                   fix: "write the name as vCenter shows it, with '/' between nested folders, e.g. \(key): Rack1/\(key == "datacenter" ? "DC1" : key == "cluster" ? "Cluster1" : "Standalone")")
            return nil
        }
        return trimmed
    }

    func serverProblem(_ text: String) -> String? {
        if IPv4Address(text) == nil {
            if text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || $0 == "." }) { return "is not an IPv4 address" }
            if let problem = HostName.problem(text) { return "is not a host name: \(problem)" }
        }
        if simulated, !Self.isLoopback(text) { return "is not a loopback address, but the file says 'simulated: true'" }
        return nil
    }

    /// `udp://host:514`, `tcp://host`, `ssl://host:1514` (what `esxcli system syslog config set --loghost` takes).
    func syslogProblem(_ text: String) -> String? {
        guard let range = text.range(of: "://") else { return "has no protocol (udp://, tcp:// or ssl://)" }
        let scheme = text[..<range.lowerBound].lowercased()
        guard ["udp", "tcp", "ssl"].contains(scheme) else { return "uses '\(scheme)', not udp, tcp or ssl" }
        var rest = String(text[range.upperBound...])
        if rest.hasSuffix("/") { rest.removeLast() }
        if let colon = rest.lastIndex(of: ":") {
            guard let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else { return "has a port that is not 1-65535" }
            rest = String(rest[..<colon])
        }
        guard !rest.isEmpty else { return "names no host" }
        return serverProblem(rest)
    }

    /// `host`, `host:port`, `https://host[:port]` or `http://host[:port]` → (host, port, TLS).
    static func vCenterAddress(_ text: String) -> Result<(String, Int, Bool), AddressProblem> {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var useTLS = true
        if rest.lowercased().hasPrefix("https://") { rest = rest.dropFirst(8) } else if rest.lowercased().hasPrefix("http://") {
            rest = rest.dropFirst(7)
            useTLS = false
        } else if rest.contains("://") { return .failure(AddressProblem(description: "has a scheme other than https:// or http://")) }
        if rest.hasSuffix("/sdk") { rest = rest.dropLast(4) }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        var port = useTLS ? 443 : 80
        if let colon = rest.lastIndex(of: ":") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                return .failure(AddressProblem(description: "has a port that is not 1-65535"))
            }
            port = number
            rest = rest[..<colon]
        }
        let host = String(rest)
        guard !host.isEmpty else { return .failure(AddressProblem(description: "names no host")) }
        if IPv4Address(host) == nil, let problem = HostName.problem(host) {
            return .failure(AddressProblem(description: "is not a host name or IPv4 address: \(problem)"))
        }
        return .success((host, port, useTLS))
    }

    struct AddressProblem: Error, CustomStringConvertible {
        let description: String
    }
}
