/// RFC 1123 host names, as ESXi (its /etc/hosts and DCUI) and BMC addresses need them.
public enum HostName {
    /// Why `name` is not an RFC 1123 host name (labels of 1–63 letters, digits, '-', not starting or ending with
    /// '-', total ≤ 253), or nil when it is one. ESXi writes it to /etc/hosts and the DCUI, so it must be strict.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "the hostname is empty" }
        if name.utf8.count > 253 { return "hostname '\(name)' is longer than 253 characters" }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            if label.isEmpty { return "hostname '\(name)' has an empty label (two dots in a row, or a leading/trailing dot)" }
            if label.utf8.count > 63 { return "hostname label '\(label)' is longer than 63 characters" }
            if label.hasPrefix("-") || label.hasSuffix("-") { return "hostname label '\(label)' starts or ends with '-'" }
            if let bad = label.unicodeScalars.first(where: { !($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")) }) {
                return "hostname '\(name)' contains '\(bad)', which RFC 1123 does not allow"
            }
        }
        return nil
    }
}
