import ESXi
import Redfish
import Primitives

/// Everything vmedia needs to install one host, validated: where its BMC is and how to log in, the kickstart to
/// put on its image, and the boot options for BOOT.CFG.
///
/// Printing or JSON-encoding a plan never shows a password: the BMC password is a `Secret` and the kickstart's
/// root password a masked `RootPassword`.
public struct HostPlan: Sendable, Equatable, Encodable {
    /// The host's position in `hosts:` (0-based), for messages that refer back to the file.
    public let index: Int
    public let vendor: Vendor
    public let bmc: BMCAddress
    public let username: String
    public let password: Secret
    public let kickstart: Kickstart
    /// The user's own kickstart text, when `template:` is set; `kickstart` then only supplies its values.
    public let template: KickstartTemplate?
    /// `systemMediaSize=` for BOOT.CFG's kernelopt line: the old tool's `small` unless the hosts file says otherwise.
    public let systemMediaSize: SystemMediaSize
    /// The host's own tokens for BOOT.CFG's kernelopt line (`kernel_options:`), in both BOOT.CFG files.
    public let kernelOptions: [String]

    /// The root password as the hosts file gives it. The image carries only its SHA-512 crypt hash (by default);
    /// the installer needs the password itself to prove ESXi accepts it (`Login` over the vSphere API).
    public let rootPassword: Secret?

    /// How the BMC's TLS certificate is verified (`ipmi: {tls_ca: …}` / `tls_pin: …`; not at all by default).
    public let bmcTrust: BMCTrust

    /// Whether the BMC gets an `https://` image URL (`ipmi: {media_https: true}`), plain `http://` (`false`), or
    /// what the vendor rule says once the BMC is identified (nil: iLO 7 and Lenovo's AMI BMC mount only HTTPS).
    public let mediaHTTPS: Bool?
    /// NTP, syslog and vCenter (`ntp:`, `syslog:`, `vcenter:`): what the configure and join phases do.
    public let settings: HostSettings

    public init(index: Int, vendor: Vendor, bmc: BMCAddress, username: String, password: Secret,
                kickstart: Kickstart, template: KickstartTemplate?, systemMediaSize: SystemMediaSize,
                rootPassword: Secret? = nil, bmcTrust: BMCTrust = .unverified, kernelOptions: [String] = [],
                mediaHTTPS: Bool? = nil, settings: HostSettings = .none) {
        self.mediaHTTPS = mediaHTTPS
        self.settings = settings
        self.rootPassword = rootPassword
        self.bmcTrust = bmcTrust
        self.kernelOptions = kernelOptions
        self.index = index
        self.vendor = vendor
        self.bmc = bmc
        self.username = username
        self.password = password
        self.kickstart = kickstart
        self.template = template
        self.systemMediaSize = systemMediaSize
    }

    /// The ESXi host name (given, or `esxi-a-b-c-d` from its address).
    public var hostname: String { kickstart.network.hostname }
    public var esxiAddress: IPv4Address { kickstart.network.address }

    /// The KS.CFG text for this host, from the template when there is one. Throws while the install disk is a
    /// serial number not yet mapped through the BMC (`resolvingInstallDisk(with:)`).
    public func renderKickstart(secrets: SecretRendering = .reveal) throws(KickstartError) -> String {
        if let template { return try template.render(kickstart, secrets: secrets) }
        return try kickstart.render(secrets: secrets)
    }

    /// Whether `name` designates this host: its BMC address (as written or as URL), ESXi address or host name.
    public func matches(_ name: String) -> Bool {
        let lower = name.lowercased()
        if lower == hostname.lowercased() || lower == esxiAddress.description { return true }
        if case .success(let endpoint) = BMCAddress.parse(name) { return endpoint.identity == bmc.identity }
        return false
    }

    private enum CodingKeys: String, CodingKey {
        case index, vendor, bmc, username, password, hostname, esxiAddress, installDisk, device, systemMediaSize, kernelOptions,
             precheck, licenseKey, template, mediaHTTPS, ntp, syslog, vcenter
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(vendor, forKey: .vendor)
        try container.encode(bmc.url, forKey: .bmc)
        try container.encode(username, forKey: .username)
        try container.encode(password, forKey: .password)
        try container.encode(hostname, forKey: .hostname)
        try container.encode(esxiAddress.description, forKey: .esxiAddress)
        try container.encode(kickstart.installDisk.description, forKey: .installDisk)
        try container.encode(kickstart.network.device.description, forKey: .device)
        try container.encode(systemMediaSize, forKey: .systemMediaSize)
        try container.encode(kernelOptions, forKey: .kernelOptions)
        try container.encode(kickstart.precheck.installOptions, forKey: .precheck)
        // Like the passwords: only whether there is one, never the key.
        try container.encodeIfPresent(kickstart.licenseKey.map { _ in SecretRendering.maskText }, forKey: .licenseKey)
        try container.encodeIfPresent(template?.origin, forKey: .template)
        try container.encodeIfPresent(mediaHTTPS, forKey: .mediaHTTPS)
        if !settings.ntpServers.isEmpty { try container.encode(settings.ntpServers, forKey: .ntp) }
        try container.encodeIfPresent(settings.syslog, forKey: .syslog)
        try container.encodeIfPresent(settings.vcenter, forKey: .vcenter)
    }
}
