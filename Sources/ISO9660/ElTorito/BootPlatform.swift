/// The platform a boot catalog section is for (El Torito 1.0 §2.1 platform ID; 0xEF from UEFI 2.x §13.3.2.1).
public enum BootPlatform: Hashable, Sendable, CustomStringConvertible {
    case x86
    case powerPC
    case mac
    case efi
    case other(UInt8)

    public init(rawValue: UInt8) {
        switch rawValue {
        case 0x00: self = .x86
        case 0x01: self = .powerPC
        case 0x02: self = .mac
        case 0xEF: self = .efi
        default: self = .other(rawValue)
        }
    }

    public var rawValue: UInt8 {
        switch self {
        case .x86: return 0x00
        case .powerPC: return 0x01
        case .mac: return 0x02
        case .efi: return 0xEF
        case .other(let value): return value
        }
    }

    /// The names xorriso's `-report_el_torito plain` prints ("BIOS", "UEFI", "PPC", "Mac").
    public var description: String {
        switch self {
        case .x86: return "BIOS"
        case .powerPC: return "PPC"
        case .mac: return "Mac"
        case .efi: return "UEFI"
        case .other(let value): return "0x" + String(value, radix: 16)
        }
    }
}

/// The boot media type of an entry (El Torito 1.0 §2.2, bits 0–3 of the media byte).
public enum BootMediaType: UInt8, Hashable, Sendable, CustomStringConvertible {
    case noEmulation = 0
    case floppy1_2MB = 1
    case floppy1_44MB = 2
    case floppy2_88MB = 3
    case hardDisk = 4

    public var description: String {
        switch self {
        case .noEmulation: return "no emulation"
        case .floppy1_2MB: return "1.2 MB floppy"
        case .floppy1_44MB: return "1.44 MB floppy"
        case .floppy2_88MB: return "2.88 MB floppy"
        case .hardDisk: return "hard disk"
        }
    }
}
