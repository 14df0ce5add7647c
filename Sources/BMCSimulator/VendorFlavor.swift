/// The vendor shapes a simulated BMC can take. Each flavour fixes the URIs, slot names, payload rules and quirks
/// of one BMC family as documented in shared/reference/redfish-vendors.md (§ numbers below refer to it), so the
/// client is tested against the differences it will meet on real hardware, not against one idealised service.
public enum VendorFlavor: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// Dell iDRAC9 on firmware 5.x: virtual media under the Manager (`CD`, `RemovableDisk`), synchronous insert.
    case dellIDRAC9 = "idrac9"
    /// Dell iDRAC9 on firmware 7.x (16G): System-scoped slots listed `2` before `1`, only slot 1 boots (§7).
    case dellIDRAC9v7 = "idrac9-7"
    /// Dell iDRAC10: System-scoped slots `1`/`2`, boot override only through `@Redfish.Settings`, no Basic auth.
    case dellIDRAC10 = "idrac10"
    /// Lenovo XCC (firmware ≥ 2.50): Manager-scoped `EXT1…4`/`Remote1…4`/`RDOC1…2`, PATCH + If-Match insert.
    case lenovoXCC = "xcc"
    /// Lenovo XCC below 2.50: no predefined virtual media members at all (lenovo/python-redfish-lenovo#9).
    case lenovoXCCLegacy = "xcc-2.30"
    /// Lenovo SR635/SR655 (AMD, AMI MegaRAC BMC): remote media off until `#AMIVirtualMedia.EnableRMedia`, slots
    /// `CD1…CD4` with InsertMedia, HTTPS/NFS images only (lenovo/python-redfish-lenovo lenovo_mount_virtual_media.py).
    case lenovoAMI = "lenovo-ami"
    /// HPE iLO 4 (Gen9): VirtualMedia 1.0 without standard actions (`Oem.Hp` ones instead), PATCH `{Image}` only —
    /// `Inserted` is PropertyUnknown (community.general#4595) — and `Oem.Hp.BootOnNextServerReset`.
    case hpeILO4 = "ilo4"
    /// HPE iLO 5: Manager slots `1` (floppy) and `2` (CD), 200-with-error-envelope answers, weak ETags.
    case hpeILO5 = "ilo5"
    /// HPE iLO 6 (Gen11): as iLO 5, but every BootSourceOverride PATCH answers UnsupportedOperation (§7).
    case hpeILO6 = "ilo6"
    /// HPE iLO 7 (Gen12): as iLO 6, and virtual media mounts only HTTPS images (tinkerbell/tinkerbell#304).
    case hpeILO7 = "ilo7"
    /// Supermicro X12/X13: Manager slot `CD1`, Image-only insert, `UsbCd` boot target.
    case supermicro = "supermicro"
    /// A plain DMTF service (OpenBMC bmcweb shaped): System-scoped `CD1`, standard actions.
    case generic = "generic"

    public var description: String { displayName }

    public var displayName: String {
        switch self {
        case .dellIDRAC9: return "Dell iDRAC9"
        case .dellIDRAC9v7: return "Dell iDRAC9 7.x"
        case .dellIDRAC10: return "Dell iDRAC10"
        case .lenovoXCC: return "Lenovo XCC"
        case .lenovoXCCLegacy: return "Lenovo XCC 2.30"
        case .lenovoAMI: return "Lenovo SR655 (AMI)"
        case .hpeILO4: return "HPE iLO 4"
        case .hpeILO7: return "HPE iLO 7"
        case .hpeILO5: return "HPE iLO 5"
        case .hpeILO6: return "HPE iLO 6"
        case .supermicro: return "Supermicro"
        case .generic: return "generic DMTF"
        }
    }

    /// Service root `Vendor` (§0 discovery step 1); bmcweb-style generic services often omit it.
    var vendor: String? {
        switch self {
        case .dellIDRAC9, .dellIDRAC9v7, .dellIDRAC10: return "Dell"
        case .lenovoXCC, .lenovoXCCLegacy, .lenovoAMI: return "Lenovo"
        case .hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7: return "HPE"
        case .supermicro: return "Supermicro"
        case .generic: return nil
        }
    }

    /// The service root's `Oem` key, the fallback vendor hint (§0: "else first key of Oem").
    var oemKey: String? {
        switch self {
        case .dellIDRAC9, .dellIDRAC9v7, .dellIDRAC10: return "Dell"
        case .lenovoXCC, .lenovoXCCLegacy, .lenovoAMI: return "Lenovo"
        case .hpeILO4: return "Hp"
        case .hpeILO5, .hpeILO6, .hpeILO7: return "Hpe"
        case .supermicro: return "Supermicro"
        case .generic: return nil
        }
    }

    var redfishVersion: String {
        switch self {
        case .dellIDRAC9: return "1.11.0"
        case .dellIDRAC9v7: return "1.17.0"
        case .dellIDRAC10: return "1.20.1"
        case .lenovoXCC, .lenovoAMI: return "1.15.0"
        case .lenovoXCCLegacy: return "1.0.0"
        case .hpeILO4: return "1.0.0"
        case .hpeILO5: return "1.13.0"
        case .hpeILO6, .hpeILO7: return "1.15.0"
        case .supermicro: return "1.14.0"
        case .generic: return "1.17.0"
        }
    }

    /// Fixed in practice, still discovered by clients (§1.1 "IDs are fixed in practice", §1.2, §1.3, §1.4).
    var systemPath: String {
        switch self {
        case .dellIDRAC9, .dellIDRAC9v7, .dellIDRAC10: return "/redfish/v1/Systems/System.Embedded.1"
        case .lenovoXCC, .lenovoXCCLegacy, .lenovoAMI, .hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7, .supermicro: return "/redfish/v1/Systems/1"
        case .generic: return "/redfish/v1/Systems/system"
        }
    }

    var managerPath: String {
        switch self {
        case .dellIDRAC9, .dellIDRAC9v7, .dellIDRAC10: return "/redfish/v1/Managers/iDRAC.Embedded.1"
        case .lenovoXCC, .lenovoXCCLegacy, .lenovoAMI, .hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7, .supermicro: return "/redfish/v1/Managers/1"
        case .generic: return "/redfish/v1/Managers/bmc"
        }
    }

    /// Where the VirtualMedia collection lives. iDRAC9 5.x, XCC ≥ 2.50, iLO and Supermicro keep it under the
    /// Manager; iDRAC9 ≥ 6.00.02 / iDRAC10 and the DMTF mockup put it under the System (§0 step 3, §1.1 F3).
    var virtualMediaUnderSystem: Bool {
        switch self {
        case .dellIDRAC9v7, .dellIDRAC10, .generic: return true
        case .dellIDRAC9, .lenovoXCC, .lenovoXCCLegacy, .lenovoAMI, .hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7, .supermicro: return false
        }
    }

    var virtualMediaCollectionPath: String {
        (virtualMediaUnderSystem ? systemPath : managerPath) + "/VirtualMedia"
    }

    /// The slots of the flavour, in collection order.
    var slots: [SlotSpec] {
        switch self {
        case .dellIDRAC9:
            // §1.1: ≤ iDRAC9 5.x Manager path → CD and RemovableDisk (mutually exclusive, VRM0021).
            return [SlotSpec(id: "CD", mediaTypes: ["CD", "DVD"], bootsAsCD: true, acceptsRemoteURL: true),
                    SlotSpec(id: "RemovableDisk", mediaTypes: ["USBStick"], bootsAsCD: false, acceptsRemoteURL: true)]
        case .dellIDRAC9v7, .dellIDRAC10:
            // §1.1: slots 1/2 ("Virtual Network File 1/2"); slot 2 lists three MediaTypes. Ironic inserts into slot 1
            // only: "only virtual media ID 1 is acceptable … due to hardware limitations" (F9), so only 1 boots. iDRAC9
            // 6.x/7.x behave the same and both list /2 before /1 (dell/terraform-provider-redfish#329; bmclib's Dell
            // fixtures; redfish-vendors.md §7): a client taking the first empty CD slot picks the one that never boots.
            return [SlotSpec(id: "2", mediaTypes: ["CD", "DVD", "USBStick"], bootsAsCD: false, acceptsRemoteURL: true),
                    SlotSpec(id: "1", mediaTypes: ["CD", "DVD", "USBStick"], bootsAsCD: true, acceptsRemoteURL: true)]
        case .lenovoXCC:
            // §1.2: 10 predefined members; only EXT{n} accept remote URLs, Remote* are vKVM-only, RDOC* upload-only.
            let ext = (1...4).map { SlotSpec(id: "EXT\($0)", mediaTypes: ["CD", "DVD", "USBStick"], bootsAsCD: true, acceptsRemoteURL: true) }
            let remote = (1...4).map { SlotSpec(id: "Remote\($0)", mediaTypes: ["CD", "DVD", "USBStick"], bootsAsCD: false, acceptsRemoteURL: false) }
            let rdoc = (1...2).map { SlotSpec(id: "RDOC\($0)", mediaTypes: ["CD", "DVD", "USBStick"], bootsAsCD: false, acceptsRemoteURL: false) }
            return ext + remote + rdoc
        case .lenovoXCCLegacy:
            // XCC < 2.50: "there are no predefined members" (lenovo/python-redfish-lenovo#9).
            return []
        case .lenovoAMI:
            // §1.2: AMD platforms: slots CD1..CD4 with InsertMedia (Lenovo's mount script).
            return (1...4).map { SlotSpec(id: "CD\($0)", mediaTypes: ["CD", "DVD"], bootsAsCD: true, acceptsRemoteURL: true) }
        case .hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7:
            // §1.3: /Managers/1/VirtualMedia/1 is Floppy/USBStick, /2 is CD/DVD.
            return [SlotSpec(id: "1", mediaTypes: ["Floppy", "USBStick"], bootsAsCD: false, acceptsRemoteURL: true),
                    SlotSpec(id: "2", mediaTypes: ["CD", "DVD"], bootsAsCD: true, acceptsRemoteURL: true)]
        case .supermicro:
            // §1.4: standard API generation: /Managers/1/VirtualMedia/CD1 (+ a USB slot).
            return [SlotSpec(id: "CD1", mediaTypes: ["CD", "DVD"], bootsAsCD: true, acceptsRemoteURL: true),
                    SlotSpec(id: "USB1", mediaTypes: ["USBStick"], bootsAsCD: false, acceptsRemoteURL: true)]
        case .generic:
            // DMTF public-rackmount1 mockup puts CD1 under Systems (§0 step 3).
            return [SlotSpec(id: "CD1", mediaTypes: ["CD", "DVD"], bootsAsCD: true, acceptsRemoteURL: true)]
        }
    }

    /// The `ResetType@Redfish.AllowableValues` the flavour advertises; anything else is refused with 400.
    var resetTypes: [String] {
        switch self {
        case .dellIDRAC9, .dellIDRAC9v7, .dellIDRAC10:
            return ["On", "ForceOff", "ForceRestart", "GracefulRestart", "GracefulShutdown", "PushPowerButton", "Nmi", "PowerCycle"]
        case .lenovoXCC, .lenovoXCCLegacy, .lenovoAMI:
            return ["On", "Nmi", "GracefulShutdown", "GracefulRestart", "ForceOn", "ForceOff", "ForceRestart"]
        case .hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7:
            return ["On", "ForceOff", "GracefulShutdown", "ForceRestart", "Nmi", "PushPowerButton", "GracefulRestart"]
        case .supermicro:
            return ["On", "ForceOff", "GracefulShutdown", "GracefulRestart", "ForceRestart", "Nmi", "ForceOn"]
        case .generic:
            return ["On", "ForceOff", "ForceOn", "ForceRestart", "GracefulRestart", "GracefulShutdown", "PowerCycle", "Nmi"]
        }
    }

    /// The boot override target that boots the virtual CD. Supermicro X11/X12 expose virtual media as a USB CD:
    /// "plain Cd boots nothing" (§1.4, sushy `_supermicro_models_cd_vmedia`).
    var virtualCDBootTarget: String { self == .supermicro ? "UsbCd" : "Cd" }

    var bootTargets: [String] {
        switch self {
        case .supermicro: return ["None", "Pxe", "Hdd", "Cd", "UsbCd", "BiosSetup", "UefiShell", "UefiBootNext"]
        default: return ["None", "Pxe", "Floppy", "Cd", "Usb", "Hdd", "BiosSetup", "Utilities", "UefiTarget", "UefiHttp"]
        }
    }

    /// XCC allows only Once/Disabled (§1.2, bmclib `providers/lenovo/boot.go`).
    var bootEnabledValues: [String] {
        self == .lenovoXCC ? ["Once", "Disabled"] : ["Disabled", "Once", "Continuous"]
    }

    /// Default session cap. XCC: 16 (§1.2 "session cap 16"); iDRAC answers RAC0218 when its cap is reached (F18;
    /// the exact number is not in our sources, 8 is the figure used here). Others: not documented, no cap unless
    /// the fault knob sets one.
    var defaultSessionCap: Int? {
        switch self {
        case .lenovoXCC, .lenovoXCCLegacy: return 16
        case .dellIDRAC9, .dellIDRAC9v7, .dellIDRAC10: return 8
        case .lenovoAMI, .hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7, .supermicro, .generic: return nil
        }
    }

    var isDell: Bool { self == .dellIDRAC9 || self == .dellIDRAC9v7 || self == .dellIDRAC10 }
    var isHPE: Bool { [.hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7].contains(self) }

    /// Whether an install can boot this flavour from a plain-HTTP image: iLO 7 and the AMI BMC take HTTPS only, and
    /// XCC < 2.50 has no slot for a remote image. The others make up `mixed` (demo and simulate).
    public var installsFromHTTP: Bool { ![.hpeILO7, .lenovoAMI, .lenovoXCCLegacy].contains(self) }

    /// The flavours `--vendors mixed` cycles through.
    public static var mixed: [VendorFlavor] { allCases.filter(\.installsFromHTTP) }

    /// The Manager's SCP import action: key and target as each generation spells them (iDRAC9 5.x
    /// `OemManager.v1_1_0#…` without a leading `#`; 7.x and iDRAC10 `#OemManager.v1_3_0.OemManager#…`; iDRAC10's target
    /// drops the `EID_674_Manager` name; Dell's mockups and scripts, redfish-vendors.md §1.1 and §7).
    var importAction: (key: String, target: String)? {
        switch self {
        case .dellIDRAC9:
            return ("OemManager.v1_1_0#OemManager.ImportSystemConfiguration", managerPath + "/Actions/Oem/EID_674_Manager.ImportSystemConfiguration")
        case .dellIDRAC9v7:
            return ("#OemManager.v1_3_0.OemManager#OemManager.ImportSystemConfiguration", managerPath + "/Actions/Oem/EID_674_Manager.ImportSystemConfiguration")
        case .dellIDRAC10:
            return ("#OemManager.v1_3_0.OemManager#OemManager.ImportSystemConfiguration", managerPath + "/Actions/Oem/OemManager.ImportSystemConfiguration")
        default:
            return nil
        }
    }

    /// The prefix of registry MessageIds in errors (`IDRAC.2.8.RAC0904`, `iLO.2.23.…`, `Base.1.x.…`).
    var baseRegistry: String {
        switch self {
        case .hpeILO4: return "Base.0.10"
        case .hpeILO5, .hpeILO6, .hpeILO7: return "Base.1.4"
        case .dellIDRAC10: return "Base.1.18"
        default: return "Base.1.12"
        }
    }

    var managerModel: String {
        switch self {
        case .dellIDRAC9: return "14G Monolithic"
        case .dellIDRAC9v7: return "16G Monolithic"
        case .dellIDRAC10: return "17G Monolithic"
        case .lenovoXCC, .lenovoXCCLegacy: return "Lenovo XClarity Controller"
        case .lenovoAMI: return "ASPEED"
        case .hpeILO4: return "iLO 4"
        case .hpeILO5: return "iLO 5"
        case .hpeILO6: return "iLO 6"
        case .hpeILO7: return "iLO 7"
        case .supermicro: return "X12DPT-B6"
        case .generic: return "OpenBMC"
        }
    }

    var managerFirmware: String {
        switch self {
        case .dellIDRAC9: return "5.10.50.00"
        case .dellIDRAC9v7: return "7.10.70.00"
        case .dellIDRAC10: return "1.30.10.50"
        case .lenovoXCC: return "TGBT58S 5.10"
        case .lenovoXCCLegacy: return "TGBT22N 2.30"
        case .lenovoAMI: return "12.60.0"
        case .hpeILO4: return "2.80 Jan 25 2022"
        case .hpeILO5: return "2.72 Sep 04 2022"
        case .hpeILO6: return "1.58 Jan 11 2024"
        case .hpeILO7: return "1.12 Jun 03 2025"
        case .supermicro: return "01.03.05"
        case .generic: return "2.16.0"
        }
    }

    var defaultSystemModel: String {
        switch self {
        case .dellIDRAC9: return "PowerEdge R640"
        case .dellIDRAC9v7: return "PowerEdge R660xs"
        case .dellIDRAC10: return "PowerEdge R770"
        case .lenovoXCC: return "ThinkSystem SR650 V2"
        case .lenovoXCCLegacy: return "ThinkSystem SR650"
        case .lenovoAMI: return "ThinkSystem SR655"
        case .hpeILO4: return "ProLiant DL360 Gen9"
        case .hpeILO5: return "ProLiant DL380 Gen10"
        case .hpeILO6: return "ProLiant DL380a Gen11"
        case .hpeILO7: return "ProLiant DL380 Gen12"
        case .supermicro: return "SYS-620U-TNR"
        case .generic: return "Generic Server"
        }
    }

    var manufacturer: String {
        switch self {
        case .dellIDRAC9, .dellIDRAC9v7, .dellIDRAC10: return "Dell Inc."
        case .lenovoXCC, .lenovoXCCLegacy, .lenovoAMI: return "Lenovo"
        case .hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7: return "HPE"
        case .supermicro: return "Supermicro"
        case .generic: return "OpenBMC"
        }
    }

    /// Parses the names `vmedia simulate --vendors` accepts (the raw values plus a few spellings).
    public init?(name: String) {
        switch name.lowercased() {
        case "idrac9", "dell", "dell-idrac9": self = .dellIDRAC9
        case "idrac9-7", "idrac9-7x", "dell-idrac9-7": self = .dellIDRAC9v7
        case "idrac10", "dell-idrac10": self = .dellIDRAC10
        case "xcc", "lenovo", "lenovo-xcc": self = .lenovoXCC
        case "ilo5", "ilo", "hpe", "hpe-ilo5": self = .hpeILO5
        case "ilo6", "hpe-ilo6": self = .hpeILO6
        case "ilo4", "hpe-ilo4": self = .hpeILO4
        case "ilo7", "hpe-ilo7": self = .hpeILO7
        case "lenovo-ami", "sr655", "sr635": self = .lenovoAMI
        case "xcc-2.30", "xcc-old": self = .lenovoXCCLegacy
        case "supermicro", "smc": self = .supermicro
        case "generic", "dmtf", "openbmc": self = .generic
        default: return nil
        }
    }
}

/// One VirtualMedia member of a flavour.
struct SlotSpec: Sendable {
    let id: String
    let mediaTypes: [String]
    /// True for the slot the firmware boots when the override target is the virtual CD.
    let bootsAsCD: Bool
    /// False for slots that refuse remote URLs (XCC `Remote*` = vKVM only, `RDOC*` = upload only).
    let acceptsRemoteURL: Bool
}
