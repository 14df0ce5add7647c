import Foundation

/// The release an installer image installs, from BOOT.CFG's `build=` line (`8.0.3-0.35.24280767`): the version
/// (`8.0.3`) and the build number (`24280767`), which is what the installed host reports as `about.build` in the
/// vSphere API. 6.7 images leave `build=` empty: then nothing is known and nothing can be compared.
public struct InstallerBuild: Sendable, Equatable, CustomStringConvertible {
    /// The whole `build=` value.
    public let value: String
    public let version: String
    public let buildNumber: String

    /// Reads `<version>-<update>.<patch>.<build>`; nil when the value does not end in a build number.
    public init?(bootConfigValue value: String) {
        let trimmed = value.trimmingCharacters(in: [" ", "\t"])
        guard let dash = trimmed.firstIndex(of: "-") else { return nil }
        let version = String(trimmed[..<dash])
        guard let last = trimmed[trimmed.index(after: dash)...].split(separator: ".").last,
              !last.isEmpty, last.allSatisfy(\.isNumber), !version.isEmpty else { return nil }
        self.value = trimmed
        self.version = version
        self.buildNumber = String(last)
    }

    /// "ESXi 8.0.3 build-24280767", as `about.fullName` says it.
    public var description: String { "ESXi \(version) build-\(buildNumber)" }
}

extension ESXiInstallerImage {
    /// The build this image installs: the EFI BOOT.CFG's `build=` (UEFI is what servers boot today), else the BIOS one.
    public var build: InstallerBuild? {
        for config in [efiBootConfig, biosBootConfig].compactMap({ $0 }) {
            if let value = config.value(forKey: "build"), let build = InstallerBuild(bootConfigValue: value) { return build }
        }
        return nil
    }
}
