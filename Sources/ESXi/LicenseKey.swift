/// An ESXi licence key for the kickstart's `vmserialnum --esx=<key>` ("Installation and Upgrade Script Commands",
/// GUID-61A14EBB: "serialnum or vmserialnum … --esx= Specifies the vSphere license key to use. The format is
/// 5 five-character groups (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)"). Without it the host installs in evaluation mode.
///
/// A key is a secret like a password: `description`, `dump` and debuggers show `********`, and the rendered line
/// is masked unless the caller asks for `.reveal`.
public struct LicenseKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    /// Parses a key: five groups of five letters or digits joined by `-`, case-insensitive (keys are printed
    /// upper case; the stored form is upper case). Nil for anything else.
    public init?(_ text: String) {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.count == 5,
              groups.allSatisfy({ $0.count == 5 && $0.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) } })
        else { return nil }
        value = text.uppercased()
    }

    /// Why `text` is not a licence key, without quoting it (the message may reach a log).
    public static func problem(with text: String) -> String? {
        if LicenseKey(text) != nil { return nil }
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        if text.isEmpty { return "the licence key is empty" }
        if groups.count != 5 { return "the licence key has \(groups.count) group\(groups.count == 1 ? "" : "s") separated by '-'; an ESXi key has 5 (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)" }
        if let index = groups.firstIndex(where: { $0.count != 5 }) {
            return "group \(index + 1) of the licence key has \(groups[index].count) characters; each of the 5 groups has 5"
        }
        return "the licence key may hold only letters A-Z and digits in its 5 groups of 5"
    }

    /// The arguments of `vmserialnum`, or their mask.
    public func argument(secrets: SecretRendering) -> String {
        "--esx=" + (secrets == .reveal ? value : SecretRendering.maskText)
    }

    /// The key itself, for the one place that writes it (the kickstart).
    public func reveal() -> String { value }

    public var description: String { "LicenseKey(\(SecretRendering.maskText))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
