/// Who made the BMC.
public enum Vendor: String, Sendable, Codable, CaseIterable {
    case dell, lenovo, hpe, supermicro, generic

    /// Parses a hosts-file `vendor:` value (`dell`, `idrac`, `lenovo`, `xcc`, `hpe`, `ilo`, `supermicro`, `smc`, `generic`).
    public init?(configValue: String) {
        switch configValue.lowercased() {
        case "dell", "idrac": self = .dell
        case "lenovo", "xcc": self = .lenovo
        case "hpe", "hp", "ilo": self = .hpe
        case "supermicro", "smc": self = .supermicro
        case "generic", "redfish", "dmtf": self = .generic
        default: return nil
        }
    }

    /// From the service root: `Vendor`, else the first vendor key of `Oem`, else the system's manufacturer.
    static func detect(root: ServiceRoot, manufacturer: String?) -> Vendor {
        let names = [root.vendor] + (root.oem.map { Array($0.keys) } ?? []) + [manufacturer]
        for name in names.compactMap({ $0?.lowercased() }) {
            if name.hasPrefix("dell") { return .dell }
            if name.hasPrefix("lenovo") { return .lenovo }
            if name == "hpe" || name == "hp" || name.hasPrefix("hewlett") { return .hpe }
            if name.hasPrefix("supermicro") { return .supermicro }
        }
        return .generic
    }
}

/// Everything the generic driver looks up about a BMC before deciding how to talk to it.
public struct BMCFacts: Sendable {
    public let root: ServiceRoot
    public let system: ComputerSystem
    public let manager: Manager?
}

/// The per-vendor hooks of `BMCDriver`. The protocol extension is the generic DMTF behaviour; a vendor
/// type overrides only the steps its BMC does differently, each with a comment naming the BMC, the
/// symptom and the source (`Fn` = failure mode n of redfish-vendors.md §2).
public protocol VendorProfile: Sendable {
    var vendor: Vendor { get }
    /// `iDRAC9`, `XCC2`, `iLO 5`, `X12`, `DMTF` …: shown by `info` and used by the vendor's own rules.
    var generation: String { get }
    /// Whether a CD/DVD slot may take a URL.
    func acceptsSlot(_ slot: VirtualMedia, among slots: [VirtualMedia]) -> Bool
    /// InsertMedia / PATCH bodies to try in order (the payload ladder).
    func insertPayloads(image: String) -> [JSONValue]
    /// Extra attempts of the same insert payload when the BMC answers 5xx.
    var insertRetriesOnServerError: Int { get }
    /// The `BootSourceOverrideTarget` for a virtual CD, given the allowed values (empty: not advertised).
    func bootTarget(allowable: [String]) -> String?
    /// The PATCH body that sets a one-time boot to `target`.
    func bootBody(target: String, system: ComputerSystem) -> JSONValue
    /// Where to PATCH the boot override, in order of preference.
    func bootURIs(system: ComputerSystem) -> [String]
    /// Whether one-time boot must go through a vendor OEM mechanism instead of the Boot PATCH.
    func usesOEMBootOnce(slotURI: String?) -> Bool
    /// Whether the vendor OEM one-time boot is the last resort when every Boot PATCH was refused.
    var hasOEMBootOnceFallback: Bool { get }
    /// The vendor OEM one-time boot (called when `usesOEMBootOnce`, or as the fallback).
    func setOEMBootOnce(driver: BMCDriver) async throws
    /// Runs before the standard boot PATCH, with the slot that holds our image.
    func prepareBoot(slot: VirtualMedia?, driver: BMCDriver) async throws
    /// A Reset error that goes away by itself (retry after a pause).
    func isTransientResetError(_ error: RedfishError) -> Bool
    /// Refuses an image URL this BMC generation cannot mount (before any request), naming what it needs.
    func checkImageURL(_ url: String) throws
    /// Whether this BMC generation mounts only `https://` images: the installer then serves it HTTPS by itself.
    var requiresHTTPSMedia: Bool { get }
    /// Whether the BMC fetches the image while InsertMedia runs (so a media pre-flight that saw no read suspects the
    /// network, not the firmware's habit of reading later).
    var readsMediaAtInsert: Bool { get }
    /// Runs before the insert (e.g. switching the BMC's remote media on).
    func prepareInsert(driver: BMCDriver) async throws
    /// An insert error that a stale attachment causes: eject everything and retry the insert once.
    func isStaleAttachError(_ error: RedfishError) -> Bool
    /// What the field needs to know about an error this BMC answers (causes seen in bug reports, the fix).
    func advice(for error: RedfishError) -> String?
    /// The PATCH body that clears a boot override.
    func clearBootBody(system: ComputerSystem) -> JSONValue
}

extension VendorProfile {
    public func acceptsSlot(_ slot: VirtualMedia, among slots: [VirtualMedia]) -> Bool { true }

    /// sushy/bmclib/community.general union: the full body, then without WriteProtected, then Image only.
    public func insertPayloads(image: String) -> [JSONValue] {
        [["Image": .string(image), "Inserted": true, "WriteProtected": true],
         ["Image": .string(image), "Inserted": true],
         ["Image": .string(image)]]
    }

    public var insertRetriesOnServerError: Int { 0 }

    public func bootTarget(allowable: [String]) -> String? {
        if allowable.isEmpty || allowable.contains("Cd") { return "Cd" }
        return allowable.first { $0.caseInsensitiveCompare("dvd") == .orderedSame }
    }

    public func bootBody(target: String, system: ComputerSystem) -> JSONValue {
        ["Boot": ["BootSourceOverrideEnabled": "Once", "BootSourceOverrideTarget": .string(target)]]
    }

    /// The system first; its `@Redfish.Settings` object when the system refuses (PropertyNotWritable).
    public func bootURIs(system: ComputerSystem) -> [String] {
        [system.odataID, system.settings?.settingsObject?.id].compactMap { $0 }
    }

    public func usesOEMBootOnce(slotURI: String?) -> Bool { false }
    public var hasOEMBootOnceFallback: Bool { false }
    public func setOEMBootOnce(driver: BMCDriver) async throws {}
    public func prepareBoot(slot: VirtualMedia?, driver: BMCDriver) async throws {}
    public func isTransientResetError(_ error: RedfishError) -> Bool { false }
    public func checkImageURL(_ url: String) throws {}
    public var requiresHTTPSMedia: Bool { false }
    public var readsMediaAtInsert: Bool { false }
    public func prepareInsert(driver: BMCDriver) async throws {}
    public func isStaleAttachError(_ error: RedfishError) -> Bool { false }
    public func advice(for error: RedfishError) -> String? { nil }

    /// community.general's Disabled payload.
    public func clearBootBody(system: ComputerSystem) -> JSONValue {
        ["Boot": ["BootSourceOverrideEnabled": "Disabled", "BootSourceOverrideTarget": "None"]]
    }
}

/// Chooses the profile for what the BMC reports.
public enum VendorProfiles {
    public static func profile(for facts: BMCFacts) -> any VendorProfile {
        switch Vendor.detect(root: facts.root, manufacturer: facts.system.manufacturer) {
        case .dell: return DellProfile(manager: facts.manager, root: facts.root)
        case .lenovo: return LenovoProfile(manager: facts.manager)
        case .hpe: return HPEProfile(manager: facts.manager)
        case .supermicro: return SupermicroProfile(system: facts.system, manager: facts.manager)
        case .generic: return GenericProfile()
        }
    }
}
