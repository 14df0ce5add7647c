/// A host's ESXi kickstart (`KS.CFG`): typed, validated, rendered byte-for-byte deterministically.
///
/// The default rendering is the old bash tool's file, command for command: `vmaccepteula`, `rootpw`,
/// `keyboard 'US Default'`, `clearpart --alldrives --overwritevmfs`, `install --overwritevmfs --firstdisk="…"`,
/// `network --bootproto=static …`, `reboot`, and a busybox `%firstboot` that turns SSH on. What differs is on
/// purpose: `rootpw --iscrypted` by default (no plaintext in an image anyone on the network can fetch), comments
/// that say what each line does, and the sshServer firewall rule set *enabled* (the old file set
/// `--enabled=false`, which closes the port, while its article says the aim was to open SSH).
///
/// A side effect of `--iscrypted` worth knowing: weasel (`doRootpw`) runs its password-quality check only on
/// plaintext passwords, so the old configs' short test passwords still install when hashed.
public struct Kickstart: Sendable, Equatable {
    /// Which drives lose their partitions before the install.
    public enum Wipe: String, Sendable, Equatable, CaseIterable {
        /// `clearpart --alldrives --overwritevmfs`: every disk the installer sees, FC/iSCSI/SAN LUNs included (weasel
        /// leaves out only USB "loop" disks; iso9660-esxi.md §7). The old tool's behaviour, kept as the default.
        case all
        /// No `clearpart`: only the install disk is overwritten (`install --overwritevmfs`); other local disks and
        /// every remote (FC/iSCSI/SAN) LUN keep their partitions and datastores. The value that never touches a
        /// remote disk as long as the install disk is local.
        case installDisk = "install-disk"
    }

    public let rootPassword: RootPassword
    /// `keyboard '<layout>'`; also the layout of the console (DCUI) after the install.
    public let keyboard: String
    public let wipe: Wipe
    public let installDisk: InstallDisk
    public let network: KickstartNetwork
    /// The `%firstboot` lines that enable and start SSH and open its firewall rule set.
    public let enableSSH: Bool
    /// Extra sections, rendered after the built-in ones in this order (the installer runs same-kind sections in
    /// file order).
    public let scripts: [KickstartScript]
    /// Pre-check switches added to the `install` line.
    public let precheck: PrecheckOverrides
    /// `vmserialnum --esx=<key>`; nil installs in evaluation mode.
    public let licenseKey: LicenseKey?

    public init(rootPassword: RootPassword, keyboard: String = "US Default", wipe: Wipe = .all,
                installDisk: InstallDisk, network: KickstartNetwork, enableSSH: Bool = true,
                scripts: [KickstartScript] = [], precheck: PrecheckOverrides = [], licenseKey: LicenseKey? = nil) {
        self.precheck = precheck
        self.licenseKey = licenseKey
        self.rootPassword = rootPassword
        self.keyboard = keyboard
        self.wipe = wipe
        self.installDisk = installDisk
        self.network = network
        self.enableSSH = enableSSH
        self.scripts = scripts
    }

    /// Every reason this kickstart cannot be rendered (empty when it can), for the caller to place and report.
    public var problems: [KickstartProblem] {
        var found = network.problems
        switch rootPassword {
        case .plain(let password):
            if let problem = RootPassword.problem(with: password, plain: true) {
                found.append(KickstartProblem(field: .password, message: problem,
                                              fix: "choose another password, or use rootpw: crypted (the default)"))
            } else if let weakness = RootPasswordPolicy.weakness(of: password) {
                // weasel checks a plaintext rootpw and stops the install at an error dialog.
                found.append(KickstartProblem(field: .password, message: "the root password is refused by ESXi's password policy: \(weakness)",
                                              fix: "choose a password of 7-40 characters from at least 3 of: digits, lower case, upper case, others"))
            }
        case .cryptedOnRender:
            break  // hashed by vmedia when rendered: always a valid $6$ string
        case .crypted(let hash):
            if let problem = RootPasswordPolicy.cryptedProblem(hash) {
                found.append(KickstartProblem(field: .password, message: "rootpw --iscrypted: \(problem)",
                                              fix: "let vmedia hash the password (rootpw: crypted)"))
            }
        }
        if let problem = installDisk.problem {
            found.append(KickstartProblem(field: .installDisk, message: problem,
                                          fix: "write the disk model (\"DELLBOSS VD\"), its naa./t10./eui. device id, or serial:<serial number>"))
        }
        if keyboard.isEmpty || keyboard.unicodeScalars.contains(where: { !$0.isASCII || $0.value < 0x20 || $0 == "'" }) {
            found.append(KickstartProblem(field: .keyboard, message: "keyboard layout '\(keyboard)' is empty or has quotes, control or non-ASCII characters",
                                          fix: "use an ESXi layout name such as 'US Default' or 'German'"))
        }
        for script in scripts {
            if let problem = script.problem {
                found.append(KickstartProblem(field: .script, message: problem,
                                              fix: "edit the script (a line starting with '%' can be indented by one space)"))
            }
        }
        return found
    }

    /// This kickstart with another install disk (a serial mapped to its device id by the BMC's inventory).
    public func with(installDisk: InstallDisk) -> Kickstart {
        Kickstart(rootPassword: rootPassword, keyboard: keyboard, wipe: wipe, installDisk: installDisk, network: network,
                  enableSSH: enableSSH, scripts: scripts, precheck: precheck, licenseKey: licenseKey)
    }

    /// The text of KS.CFG. Same model, same bytes. `.mask` replaces the password (or its hash) and the licence
    /// key with `********`.
    /// Throws while the install disk is an unresolved serial number: no kickstart line can say "the disk with
    /// this serial", and guessing one would install on the wrong disk.
    public func render(secrets: SecretRendering = .reveal) throws(KickstartError) -> String {
        var lines: [String] = []
        lines.append("# ESXi kickstart for \(network.hostname), generated by vmedia.")
        lines.append("# The installer reads it through the boot option ks=cdrom:/KS.CFG.")
        lines.append("vmaccepteula")
        lines.append("# Root password for the console (DCUI), SSH and the host client.")
        lines.append(rootpwLine(secrets: secrets))
        lines.append("keyboard '\(keyboard)'")
        if let serial = serialnumLine(secrets: secrets) {
            lines.append("# Licence key; without it the host runs in evaluation mode.")
            lines.append(serial)
        }
        if let clearpart = clearpartLine {
            lines.append("# CAREFUL: erases the partitions, VMFS datastores included, of every drive the host sees,")
            lines.append("# SAN, FC and iSCSI LUNs included (wipe: install-disk leaves every other disk alone).")
            lines.append(clearpart)
        }
        lines.append("# Install on the disk chosen in the hosts file, overwriting any VMFS on it.")
        if !precheck.isEmpty {
            lines.append("# Pre-check overrides: without them a pre-check error waits at the console for a key press.")
        }
        lines.append(try installLine)
        lines.append("# Static management network on the chosen NIC.")
        lines.append(networkLine)
        lines.append("reboot")
        var text = lines.joined(separator: "\n") + "\n"
        if enableSSH { text += Kickstart.sshFirstboot.rendered }
        for script in scripts { text += script.rendered }
        return text
    }

    func rootpwLine(secrets: SecretRendering) -> String { "rootpw " + rootPassword.arguments(secrets: secrets) }

    var clearpartLine: String? {
        switch wipe {
        case .all: "clearpart --alldrives --overwritevmfs"
        case .installDisk: nil
        }
    }

    var installLine: String {
        get throws(KickstartError) {
            (["install", "--overwritevmfs", try installDisk.option] + precheck.installOptions).joined(separator: " ")
        }
    }

    func serialnumLine(secrets: SecretRendering) -> String? {
        licenseKey.map { "vmserialnum " + $0.argument(secrets: secrets) }
    }

    /// The old tool's option order, with `--vlanid` appended when set.
    var networkLine: String {
        var line = "network --bootproto=static --hostname=\(network.hostname) --ip=\(network.address)"
            + " --gateway=\(network.gateway) --nameserver=\(nameserverList) --netmask=\(network.netmask)"
            + " --device=\"\(network.device)\""
        if let vlanID = network.vlanID { line += " --vlanid=\(vlanID)" }
        return line
    }

    var nameserverList: String { network.nameservers.map(\.description).joined(separator: ",") }

    /// `vim-cmd hostsvc/enable_ssh` + `start_ssh` as in the old tool, then the sshServer rule set enabled
    /// (`--enabled=true` opens the port; the old file's `false` closed it).
    static let sshFirstboot = KickstartScript(section: .firstboot, interpreter: .busybox, body: """
        # Enable and start SSH, and open its firewall rule set.
        vim-cmd hostsvc/enable_ssh
        vim-cmd hostsvc/start_ssh
        esxcli network firewall ruleset set --enabled=true --ruleset-id=sshServer

        """)
}
