/// Where `install` puts ESXi: `--disk=<device id>` for one exact device, or `--firstdisk=<filter>` for the first
/// disk whose vendor, model or driver name *equals* the filter ignoring case (weasel's diskfilter: a substring
/// never matches), or `local`, `remote`, `usb`, as the old tool did with "DELLBOSS VD".
///
/// The kickstart language has no "disk by serial number" option, so a serial (`esxi_disk: "serial:5PJAMUHD"`) is
/// a request, not a kickstart value: `.serial` renders nothing until the BMC's inventory has mapped it to the
/// drive's durable name (`naa.`/`eui.` id, see `resolved(to:)`). Rendering it as `--firstdisk="5PJAMUHD"` would
/// make the installer look for a disk whose *model* contains the serial and stop, or worse pick another disk.
public enum InstallDisk: Sendable, Hashable, CustomStringConvertible {
    /// `--firstdisk="<filter>"`: a whole vendor, model or driver name, or a comma list of filters.
    case firstDisk(String)
    /// `--disk="<id>"`: an exact ESXi device name.
    case device(String)
    /// A drive serial number, to be mapped to its device id through the BMC before the kickstart can be rendered.
    case serial(String)

    /// Device-id prefixes ESXi uses in /vmfs/devices/disks (VMware KB 1014953).
    public static let deviceIDPrefixes = ["naa.", "t10.", "eui.", "mpx.", "vml."]

    /// The hosts-file prefix that marks a serial number (`serial:5PJAMUHD`). A model or device id never starts
    /// with it, so the old tool's `esxi_disk` strings keep their meaning.
    public static let serialPrefix = "serial:"

    /// Classifies the old tool's `esxi_disk` value: `serial:<serial number>`, a device id (by prefix) or else a
    /// model/vendor filter.
    public init(_ text: String) {
        let lower = text.lowercased()
        if lower.hasPrefix(InstallDisk.serialPrefix) {
            self = .serial(String(text.dropFirst(InstallDisk.serialPrefix.count)).trimmingCharacters(in: " "))
        } else if InstallDisk.deviceIDPrefixes.contains(where: { lower.hasPrefix($0) }) {
            self = .device(text)
        } else {
            self = .firstDisk(text)
        }
    }

    public var value: String {
        switch self {
        case .firstDisk(let filter): filter
        case .device(let id): id
        case .serial(let serial): serial
        }
    }

    /// Whether the BMC must map this disk to a device id before the kickstart can be rendered.
    public var needsResolution: Bool {
        if case .serial = self { true } else { false }
    }

    /// The disk the installer will be told about once the serial's drive is known: `--disk="<device id>"`.
    /// Other cases are returned unchanged (they need no BMC).
    public func resolved(to deviceID: String) -> InstallDisk {
        needsResolution ? .device(deviceID) : self
    }

    /// `--firstdisk="ThinkSystem M.2"` or `--disk="naa.5000cca291e10521"`: quoted like the old tool, since
    /// models contain spaces. Throws for a serial that has not been resolved: there is no kickstart spelling for it.
    public var option: String {
        get throws(KickstartError) {
            switch self {
            case .firstDisk(let filter): return "--firstdisk=\"\(filter)\""
            case .device(let id): return "--disk=\"\(id)\""
            case .serial(let serial): throw KickstartError([InstallDisk.unresolvedProblem(serial)])
            }
        }
    }

    static func unresolvedProblem(_ serial: String) -> KickstartProblem {
        KickstartProblem(field: .installDisk,
                         message: "the install disk is given by serial number (serial:\(serial)), which the ESXi kickstart cannot express; it must first be mapped to the drive's naa./eui. device id through the BMC",
                         fix: "use vmedia install, which maps it through the BMC, or run vmedia discover for the host and write the naa./eui. id it prints as esxi_disk")
    }

    /// For messages and listings: the kickstart option, or `serial:<serial>` while unresolved.
    public var description: String {
        (try? option) ?? InstallDisk.serialPrefix + value
    }

    /// Why the value cannot be rendered, or nil.
    public var problem: String? {
        let text = value
        if case .serial(let serial) = self {
            if serial.isEmpty { return "'serial:' names no serial number" }
            if let bad = serial.unicodeScalars.first(where: { !$0.isASCII || $0.value <= 0x20 || $0 == "\"" || $0 == "\\" }) {
                return "the serial number '\(serial)' contains '\(bad.escaped(asASCII: true))'; drive serial numbers are printable ASCII without spaces"
            }
            return nil
        }
        if text.trimmingCharacters(in: " ").isEmpty { return "the install disk is empty" }
        if let bad = text.unicodeScalars.first(where: { !$0.isASCII || $0.value < 0x20 || $0 == "\"" || $0 == "\\" }) {
            return "the install disk '\(text)' contains '\(bad.escaped(asASCII: true))', which cannot appear inside the quoted --firstdisk/--disk value"
        }
        if text != text.trimmingCharacters(in: " ") {
            return "the install disk '\(text)' has leading or trailing spaces, which ESXi would match literally"
        }
        if case .device(let id) = self, id.contains(" ") {
            return "the device id '\(id)' contains a space; ESXi device ids never do"
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
