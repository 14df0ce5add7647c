/// The ESXi installer releases whose image shape vmedia knows: what their stock BOOT.CFG says
/// (reference/iso9660-esxi.md §3). What a fixture needs to imitate each one (module list, sizes, volume
/// identifier) lives beside the fixture generator, in the ESXiFixture target.
public enum ESXiRelease: String, Sendable, CaseIterable, Codable {
    case v6_7 = "6.7"
    case v7_0 = "7.0"
    case v8_0 = "8.0"
    /// ESXi 9.0 (2025). Its installer keeps the 8.x layout (upper-case 8.3 names, both BOOT.CFG copies,
    /// `EFI/BOOT/BOOTX64.EFI`, reference/iso9660-esxi.md §7); BOOT.CFG says `title=Loading ESX installer`,
    /// `build=9.0.0-0.0.24678710` and `updated=1`. The GA build number is the one in the GA installer's name,
    /// `VMware-VMvisor-Installer-9.0.0.0.24678710.x86_64.iso` (fox-it/dissect.target issue 1191, June 2025).
    ///
    /// Legacy BIOS: Broadcom KB 313152 deprecates legacy BIOS (CSM) boot and says a future release removes
    /// it, yet keeps supporting servers already certified with it; vmlib.com ("ESXi 9: UEFI only") reads
    /// William Lam's February 2025 post as 9.0 dropping it. No public listing of the 9.0 image shows
    /// ISOLINUX gone, so the 9.0 fixture keeps ISOLINUX.BIN and its BIOS El Torito entry like 8.0, and
    /// `vmedia fixture --esxi 9.0 --uefi-only` builds the other reading (no ISOLINUX, one EFI entry); vmedia
    /// remasters and boots both.
    case v9_0 = "9.0"

    /// The `kernelopt=` tokens of the stock installer: 6.7 puts `cdromBoot` first, 7.0 and 8.0 last (§3.2).
    public var stockKernelOptions: [String] {
        self == .v6_7 ? ["cdromBoot", "runweasel"] : ["runweasel", "cdromBoot"]
    }

    /// The `build=` value of the stock BOOT.CFG (empty on 6.7, as in the 6.7U2 sample of §3.2).
    public var build: String {
        switch self {
        case .v6_7: return ""
        case .v7_0: return "7.0.2-0.20.18426014"
        case .v8_0: return "8.0.3-0.35.24280767"
        case .v9_0: return "9.0.0-0.0.24678710"
        }
    }

    /// BOOT.CFG's `title=`: 9.0 calls the product "ESX" again (§7).
    public var title: String { self == .v9_0 ? "Loading ESX installer" : "Loading ESXi installer" }

    /// The release a BOOT.CFG `build=` value (`9.0.0-0.0.24678710`) or an ESXi version (`9.0.3`) belongs to,
    /// by its major version: every 9.x build is shaped like 9.0, 8.x like 8.0, 7.x like 7.0, 6.x like 6.7.
    /// Nil for anything else (an empty value, a 5.x or 10.x build).
    public init?(version: String) {
        let major = version.prefix { $0.isNumber }
        guard !major.isEmpty, version.dropFirst(major.count).first == "." || version.count == major.count else { return nil }
        switch major {
        case "6": self = .v6_7
        case "7": self = .v7_0
        case "8": self = .v8_0
        case "9": self = .v9_0
        default: return nil
        }
    }
}
