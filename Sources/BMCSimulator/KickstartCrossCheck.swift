import ESXi

/// The kickstart check the simulated installer runs: the ESXi module's parser and rules (what vmedia itself
/// believes the installer accepts) must accept the file, and the simulator's own independent reading must agree
/// with it on every fact the install depends on (root password, install disk, management address and NIC).
/// Two readers written from the same VMware reference by different hands: a rendering or parsing mistake that one
/// of them mirrors is caught by the other instead of passing unseen.
///
/// The one intended difference: simulated hosts live on 127.0.0.0/8, which the ESXi rules rightly call "not an
/// address a host can have". Those complaints (and only those) are set aside; the other checks then rest on the
/// simulator's reading alone, since the ESXi module returns no interpretation for a file it rejects.
struct CrossCheckedKickstartInterpreter: KickstartInterpreter {
    let independent = MinimalKickstartInterpreter()

    func interpret(_ text: String) throws -> KickstartFacts {
        let esxi: KickstartFile.Interpretation
        do {
            esxi = try KickstartFile.parse(text).interpret()
        } catch {
            let facts = try independent.interpret(text)
            let remaining = error.problems.filter { $0.kind != .loopbackAddress }
            guard remaining.isEmpty, remaining.count < error.problems.count else {
                throw KickstartRejection(description: "the installer rejects ks.cfg: \(KickstartError(remaining.isEmpty ? error.problems : remaining))")
            }
            return facts
        }
        let facts = try independent.interpret(text)

        let ours: (String, Bool)
        switch facts.rootPassword {
        case .plain(let password)?: ours = (password, false)
        case .crypted(let hash)?: ours = (hash, true)
        case nil: ours = ("", false)
        }
        let theirs: (String, Bool)
        switch esxi.rootPassword {
        case .plain(let password): theirs = (password, false)
        case .crypted(let hash): theirs = (hash, true)
        case .cryptedOnRender(let request): theirs = (request.hash, true)
        }
        // Secrets stay out of the message: only which form each reader saw.
        if ours.0 != theirs.0 || ours.1 != theirs.1 {
            throw disagreement("rootpw", ours.1 ? "a crypted password" : "a plaintext password",
                               theirs.1 ? "a crypted password" : "a plaintext password (or a different one)")
        }

        let ourDisk: String
        switch facts.install {
        case .disk(let name)?: ourDisk = "--disk=\(name)"
        case .firstDisk(let filters)?: ourDisk = "--firstdisk=\(filters.isEmpty ? "local" : filters.joined(separator: ","))"
        case nil: ourDisk = "(none)"
        }
        let theirDisk: String
        switch esxi.installDisk {
        case .device(let name)?: theirDisk = "--disk=\(name)"
        case .firstDisk(let filter)?: theirDisk = "--firstdisk=\(filter)"
        // KickstartFile reads --disk= as a device id; a serial only exists in hosts files, never in a KS.CFG.
        case .serial(let serial)?: theirDisk = InstallDisk.serialPrefix + serial
        case nil: theirDisk = "(none)"
        }
        if ourDisk.lowercased() != theirDisk.lowercased() { throw disagreement("install", ourDisk, theirDisk) }

        let isStatic = facts.network.bootproto.lowercased() == "static"
        switch (isStatic, esxi.network) {
        case (false, nil):
            break
        case (true, let network?):
            if facts.network.ip != network.address.description {
                throw disagreement("network --ip", facts.network.ip ?? "(none)", network.address.description)
            }
            if let device = facts.network.device, device.lowercased() != network.device.description.lowercased() {
                throw disagreement("network --device", device, network.device.description)
            }
        case (true, nil):
            throw disagreement("network", "a static address", "DHCP")
        case (false, _?):
            throw disagreement("network", "DHCP", "a static address")
        }
        return facts
    }

    private func disagreement(_ field: String, _ ours: String, _ theirs: String) -> KickstartRejection {
        KickstartRejection(description: "kickstart readers disagree on \(field): the simulator reads \(ours), the ESXi " +
            "module reads \(theirs); one of them misreads the file")
    }
}
