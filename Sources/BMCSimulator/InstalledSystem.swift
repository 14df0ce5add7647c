import Foundation

/// The ESXi a simulated server runs from its disk: what the install wrote (or what was there before), the release
/// its image named, and the services its first boot left behind.
struct InstalledSystem: Sendable, Equatable {
    let plan: InstallPlan
    let release: SimulatedRelease
    /// `TSM-SSH` policy after the first boot (`on` when `%firstboot` ran `vim-cmd hostsvc/enable_ssh`).
    let sshPolicy: String
    /// `%firstboot` sections that ran on the first boot (none under Secure Boot).
    let firstbootSectionsRun: Int
}

/// The release a simulated host reports in `about`: read from the booted image's BOOT.CFG `build=` line
/// (`8.0.3-0.35.24280767` → version 8.0.3, build 24280767), the way the installed system carries the image's build.
/// Parsed here, apart from the installer's reader, so a misreading on one side cannot be mirrored by the other.
public struct SimulatedRelease: Sendable, Equatable, Codable {
    public let version: String
    public let build: String
    /// `about.patchLevel` ("0.35" for Update 3 patch 35), empty when unknown.
    public let patchLevel: String

    public init(version: String, build: String, patchLevel: String = "") {
        self.version = version
        self.build = build
        self.patchLevel = patchLevel
    }

    /// `build=` of BOOT.CFG; nil when empty or not `<version>-<level>.<build>`.
    init?(bootConfigBuild value: String?) {
        guard let value, let dash = value.firstIndex(of: "-") else { return nil }
        let version = String(value[..<dash])
        let rest = value[value.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false)
        guard !version.isEmpty, let build = rest.last, !build.isEmpty, build.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        self.init(version: version, build: String(build), patchLevel: rest.dropLast().joined(separator: "."))
    }

    /// What a 6.7 image (no `build=` in BOOT.CFG, iso9660-esxi.md §3.2) installs: 6.7 U2, build 13006603.
    static let unnamed = SimulatedRelease(version: "6.7.0", build: "13006603", patchLevel: "2.48")

    var fullName: String { "VMware ESXi \(version) build-\(build)" }
}

/// The `%firstboot` sections of a kickstart and what the simulated first boot does with them: the old tool's
/// `vim-cmd hostsvc/enable_ssh` / `start_ssh` lines turn SSH on; other commands are only counted.
struct FirstbootSections {
    let bodies: [String]

    init(kickstart: String) {
        var bodies: [String] = []
        var current: String?
        for line in kickstart.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("%") {
                if let current { bodies.append(current) }
                current = trimmed.hasPrefix("%firstboot") ? "" : nil
                continue
            }
            if current != nil { current! += line + "\n" }
        }
        if let current { bodies.append(current) }
        self.bodies = bodies
    }

    var enablesSSH: Bool { bodies.contains { $0.contains("hostsvc/enable_ssh") } }
}
