/// Where `install` puts ESXi: `--disk=<device id>` for one exact device, or `--firstdisk=<filter>` for the first
/// disk whose model/vendor (or `local`, `remote`, `usb`, `esx`) matches, as the old tool did with "DELLBOSS VD".
///
/// A serial number is reached through the device id: ESXi's `t10.` ids embed vendor, model and serial
/// (`t10.ATA_____Samsung_SSD_860_EVO_500GB_______S3Z1NB0K123456`), and `naa.`/`eui.` ids are the WWN/EUI-64 that
/// `smartctl` prints (the old article's `naa.5000cca291e10521`).
public enum InstallDisk: Sendable, Hashable, CustomStringConvertible {
    /// `--firstdisk="<filter>"`: a model or vendor substring, or a comma list of filters.
    case firstDisk(String)
    /// `--disk="<id>"`: an exact ESXi device name.
    case device(String)

    /// Device-id prefixes ESXi uses in /vmfs/devices/disks (VMware KB 1014953).
    public static let deviceIDPrefixes = ["naa.", "t10.", "eui.", "mpx.", "vml."]

    /// Classifies the old tool's `esxi_disk` value: a device id (by prefix) or else a model/vendor filter.
    public init(_ text: String) {
        let lower = text.lowercased()
        if InstallDisk.deviceIDPrefixes.contains(where: { lower.hasPrefix($0) }) {
            self = .device(text)
        } else {
            self = .firstDisk(text)
        }
    }

    public var value: String {
        switch self {
        case .firstDisk(let filter): filter
        case .device(let id): id
        }
    }

    /// `--firstdisk="ThinkSystem M.2"` or `--disk="naa.5000cca291e10521"`: quoted like the old tool, since
    /// models contain spaces.
    public var option: String {
        switch self {
        case .firstDisk(let filter): "--firstdisk=\"\(filter)\""
        case .device(let id): "--disk=\"\(id)\""
        }
    }

    public var description: String { option }

    /// Why the value cannot be rendered, or nil.
    public var problem: String? {
        let text = value
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
