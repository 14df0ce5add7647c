import Foundation
import Logging

/// What one BMC is and holds, as `vmedia bmc info` shows it.
public struct BMCInfo: Sendable, Encodable {
    public let vendor: Vendor
    public let generation: String
    public let redfishVersion: String?
    public let managerModel: String?
    public let firmwareVersion: String?
    public let systemURI: String
    public let manufacturer: String?
    public let model: String?
    public let serialNumber: String?
    public let powerState: String?
    public let bootOverride: String?
    public let bootProgress: String?
    public let authentication: String
    /// `SecureBoot.SecureBootEnable` as "on"/"off"; nil when the BMC has no SecureBoot resource.
    public let secureBoot: String?
    public let mediaSlots: [MediaSlot]
    public let warnings: [String]
}

/// One virtual-media slot as reported.
public struct MediaSlot: Sendable, Encodable, Equatable {
    public let uri: String
    public let mediaTypes: [String]
    public let image: String?
    public let occupied: Bool
    public let usable: Bool
    public let connectedVia: String?
}

public enum BootDevice: String, Sendable { case cd }

/// Result of a power request: what was done.
public enum PowerOutcome: String, Sendable, Encodable {
    case alreadyInState = "already in that state"
    case changed = "done"
}

/// Generic DMTF Redfish driver with the vendor's small overrides (`VendorProfile`). Works inside a
/// `RedfishClient` session; every write is followed by a re-read that must show the change.
public struct BMCDriver: Sendable {
    public let client: RedfishClient
    public let facts: BMCFacts
    public let profile: any VendorProfile
    public let warnings: [String]
    let logger: Logger

    /// Reads the service root, the (first) system and its manager, and picks the vendor profile.
    /// - Parameter expectedVendor: the hosts file's `vendor:`; a disagreement is a warning (the BMC wins).
    public static func connect(client: RedfishClient, expectedVendor: Vendor? = nil,
                               logger: Logger = Logger(label: "vmedia.redfish")) async throws -> BMCDriver {
        let root = try await client.serviceRoot()
        guard let systems = root.systems?.id else {
            throw RedfishError.unsupported(operation: "discover", detail: "the service root lists no Systems collection")
        }
        guard let systemURI = try await client.get(systems, as: ResourceCollection.self).members.first?.id else {
            throw RedfishError.unsupported(operation: "discover", detail: "\(systems) has no members")
        }
        let system = try await client.get(systemURI, as: ComputerSystem.self)
        var managerURI = system.links?.managedBy?.first?.id
        if managerURI == nil, let managers = root.managers?.id {
            managerURI = try? await client.get(managers, as: ResourceCollection.self).members.first?.id
        }
        var manager: Manager?
        if let managerURI { manager = try? await client.get(managerURI, as: Manager.self) }
        let facts = BMCFacts(root: root, system: system, manager: manager)
        let profile = VendorProfiles.profile(for: facts)
        var warnings: [String] = []
        if let expectedVendor, expectedVendor != profile.vendor {
            warnings.append("the hosts file says vendor \(expectedVendor.rawValue), but the BMC reports "
                + "\(profile.vendor.rawValue) (\(profile.generation)); using \(profile.vendor.rawValue) — fix vendor: in the hosts file")
        }
        for warning in warnings { logger.warning("\(warning)") }
        return BMCDriver(client: client, facts: facts, profile: profile, warnings: warnings, logger: logger)
    }

    var systemURI: String { facts.system.odataID ?? "/redfish/v1/Systems/1" }

    // MARK: Discover

    public func info() async throws -> BMCInfo {
        let system = try await client.get(systemURI, as: ComputerSystem.self)
        var notes = warnings
        var slots: [VirtualMedia] = []
        do { slots = try await mediaSlots() } catch let error as RedfishError { notes.append("virtual media: \(error)") }
        let auth: String
        switch await client.authentication {
        case .session: auth = "session"
        case .basic: auth = "basic"
        case .none: auth = "none"
        }
        return BMCInfo(vendor: profile.vendor, generation: profile.generation, redfishVersion: facts.root.redfishVersion,
                       managerModel: facts.manager?.model, firmwareVersion: facts.manager?.firmwareVersion,
                       systemURI: systemURI, manufacturer: system.manufacturer, model: system.model,
                       serialNumber: system.serialNumber, powerState: system.powerState,
                       bootOverride: system.boot.map { "\($0.overrideEnabled ?? "?")/\($0.overrideTarget ?? "?")" },
                       bootProgress: Self.bootProgress(of: system), authentication: auth,
                       secureBoot: (try? await secureBoot())?.secureBootEnable.map { $0 ? "on" : "off" },
                       mediaSlots: slots.map { slot in
                           MediaSlot(uri: slot.odataID ?? "?", mediaTypes: slot.mediaTypes ?? [], image: slot.image,
                                     occupied: slot.isOccupied, usable: slot.isOpticalDrive && profile.acceptsSlot(slot, among: slots),
                                     connectedVia: slot.connectedVia)
                       },
                       warnings: notes)
    }

    /// `BootProgress.LastState` (Redfish ≥ 1.13), else HPE's `Oem.Hpe.PostState`.
    static func bootProgress(of system: ComputerSystem) -> String? {
        system.bootProgress?.lastState ?? system.oem?["Hpe"]?["PostState"]?.stringValue
    }

    public func bootProgress() async throws -> String? {
        Self.bootProgress(of: try await client.get(systemURI, as: ComputerSystem.self))
    }

    // MARK: Virtual media

    /// Every virtual-media slot: the system's collection (DMTF ≥ 1.6, iDRAC9 ≥ 6, iDRAC10, XCC2/3), else the
    /// manager's (iDRAC9 ≤ 5, XCC, iLO, Supermicro) — F3: never assume one of them.
    public func mediaSlots() async throws -> [VirtualMedia] {
        var collections: [String] = []
        if let uri = facts.system.virtualMedia?.id { collections.append(uri) }
        if let uri = facts.manager?.virtualMedia?.id, !collections.contains(uri) { collections.append(uri) }
        var firstError: Error?
        for collection in collections {
            do {
                let slots = try await client.members(of: collection, as: VirtualMedia.self)
                if !slots.isEmpty { return slots }
            } catch let error as RedfishError where error.status == 404 {
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
        let none = RedfishError.unsupported(operation: "virtual media",
                                            detail: "neither \(systemURI) nor its manager lists VirtualMedia; the BMC may need a licence (iDRAC Enterprise, XCC Enterprise, iLO Advanced)")
        throw profile.advice(for: none).map { RedfishError.advised(none, advice: $0) } ?? none
    }

    /// Ejects every occupied CD/DVD slot (not only ours: F1/F2), then re-reads until all are empty.
    /// Returns the URIs ejected.
    @discardableResult
    public func ejectAll() async throws -> [String] {
        let slots = try await mediaSlots()
        var ejected: [String] = []
        for slot in slots where slot.isOpticalDrive && slot.isOccupied {
            guard let uri = slot.odataID else { continue }
            try await eject(slot)
            ejected.append(uri)
        }
        for uri in ejected {
            try await waitFor("eject", uri) { (slot: VirtualMedia) in (!slot.isOccupied, Self.describe(slot)) }
        }
        return ejected
    }

    func eject(_ slot: VirtualMedia) async throws {
        guard let uri = slot.odataID else { return }
        if let target = slot.ejectAction?.target {
            // Always a JSON body: iLO answers an empty POST with 415 (F22).
            try await client.post(target, [:])
        } else {
            // No standard action (Lenovo EXT slots, HPE iLO 4): PATCH with an explicit Image null. iLO 4's VirtualMedia
            // 1.0 has a read-only Inserted and answers PropertyUnknown: again without it, as community.general's
            // virtual_media_eject_via_patch does; a slot that takes no PATCH at all may still offer the OEM eject
            // (`Oem.Hp.Actions.#HpiLOVirtualMedia.EjectVirtualMedia`, fakefish's iLO 4 scripts; F25).
            do {
                try await client.patch(uri, ["Image": nil, "Inserted": false])
            } catch let error as RedfishError where error.status == 400 && error.bmcText.contains("Inserted") {
                try await client.patch(uri, ["Image": nil])
            } catch let error as RedfishError where [400, 405, 501].contains(error.status ?? 0) {
                guard let oem = slot.oemEjectTarget else { throw error }
                try await client.post(oem, [:])
            }
        }
        await client.invalidate(uri)
    }

    /// Inserts `url` into the first usable empty CD/DVD slot with the payload ladder and re-reads it until
    /// it shows the URL. Returns the slot as read back.
    @discardableResult
    public func insert(url: String) async throws -> VirtualMedia {
        try Self.validateImageURL(url)
        try profile.checkImageURL(url)
        if let advice = Self.imageURLAdvice(url) { logger.warning("\(advice)") }
        do {
            return try await insertOnce(url: url)
        } catch let error as RedfishError where profile.isStaleAttachError(error) {
            // iDRAC VRM0021 (detached / in use) and RAC0904 (stale share): eject everything, then one more try
            // (openshift/openshift-docs#29321; microsoft/lisa idrac.py).
            logger.notice("insert refused (\(error)); ejecting every slot and trying once more")
            do {
                try await ejectAll()
                return try await insertOnce(url: url)
            } catch let again as RedfishError {
                throw profile.advice(for: again).map { RedfishError.advised(again, advice: $0) } ?? again
            }
        } catch let error as RedfishError {
            throw profile.advice(for: error).map { RedfishError.advised(error, advice: $0) } ?? error
        }
    }

    private func insertOnce(url: String) async throws -> VirtualMedia {
        try await profile.prepareInsert(driver: self)
        let slots = try await mediaSlots()
        let usable = slots.filter { $0.isOpticalDrive && profile.acceptsSlot($0, among: slots) }
        guard let slot = usable.first(where: { !$0.isOccupied }) ?? usable.first, let uri = slot.odataID else {
            let listed = slots.map { "\($0.odataID ?? "?") \($0.mediaTypes ?? [])" }.joined(separator: ", ")
            throw RedfishError.unsupported(operation: "insert", detail: "no CD/DVD virtual-media slot that takes a URL (slots: \(listed.isEmpty ? "none" : listed))")
        }
        if slot.isOccupied {
            // F28: a stale slot (Dell keeps Inserted with the old URL) must be emptied, or the host boots the old image.
            try await eject(slot)
            try await waitFor("eject", uri) { (s: VirtualMedia) in (!s.isOccupied, Self.describe(s)) }
        }
        try await insertWithLadder(url: url, slot: slot)
        return try await waitFor("insert", uri) { (s: VirtualMedia) in
            (s.isOccupied && s.inserted != false && (s.image == url || (s.image == nil && s.imageName == Self.lastPathComponent(url))),
             Self.describe(s))
        }
    }

    private func insertWithLadder(url: String, slot: VirtualMedia) async throws {
        let uri = slot.odataID ?? ""
        let timeout = client.timeouts.insert
        var lastError: RedfishError?
        for base in profile.insertPayloads(image: url) {
            var payload = base
            var attempts = 0
            var serverRetries = profile.insertRetriesOnServerError
            while attempts < 5 {
                attempts += 1
                do {
                    if let target = slot.insertAction?.target {
                        try await client.post(target, payload, timeout: timeout)
                    } else {
                        try await client.patch(uri, payload, timeout: timeout)
                    }
                    await client.invalidate(uri)
                    return
                } catch let error as RedfishError {
                    guard let status = error.status, [400, 405, 415, 422, 500, 501, 502, 503].contains(status),
                          !profile.isStaleAttachError(error) else { throw error }
                    lastError = error
                    // F27: optional parameters some BMCs require, named in their error text.
                    let text = error.bmcText
                    if text.contains("TransferProtocolType"), payload["TransferProtocolType"] == nil {
                        payload = Self.merged(payload, ["TransferProtocolType": .string(url.lowercased().hasPrefix("https") ? "HTTPS" : "HTTP")])
                        continue
                    }
                    if text.contains("TransferMethod"), payload["TransferMethod"] == nil {
                        payload = Self.merged(payload, ["TransferMethod": "Stream"])
                        continue
                    }
                    if text.contains("UserName") || text.contains("Password"), payload["UserName"] == nil {
                        payload = Self.merged(payload, ["UserName": "none", "Password": "none"])
                        continue
                    }
                    if status >= 500, serverRetries > 0 {
                        serverRetries -= 1
                        try await client.sleep(client.timeouts.pollInterval)
                        continue
                    }
                    break
                }
            }
        }
        throw lastError ?? RedfishError.unsupported(operation: "insert", detail: "no payload to try")
    }

    /// BMCs reject URLs with query strings, over 255 characters, or not ending in .iso (F29).
    static func validateImageURL(_ url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              ["http", "https", "nfs", "cifs", "smb"].contains(scheme), components.host != nil else {
            throw RedfishError.unsupported(operation: "insert", detail: "\(url) is not an http(s) URL")
        }
        guard components.query == nil, components.fragment == nil else {
            throw RedfishError.unsupported(operation: "insert", detail: "\(url) has a query or fragment; BMCs reject ? and & in image URLs — serve the image under a plain path")
        }
        guard url.count <= 255 else {
            throw RedfishError.unsupported(operation: "insert", detail: "the URL is \(url.count) characters; BMCs accept at most 255")
        }
        guard components.path.lowercased().hasSuffix(".iso") else {
            throw RedfishError.unsupported(operation: "insert", detail: "\(url) does not end in .iso; iDRAC and others refuse CD images named otherwise")
        }
    }

    /// A URL that works but risks failing on some BMCs: a host name instead of an IP literal (a BMC without
    /// DNS, e.g. Lenovo SR635, fails to fetch it while the IP works; community.general#8279; F32).
    public static func imageURLAdvice(_ url: String) -> String? {
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else { return nil }
        let isIPv4 = host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
        if isIPv4 || host.contains(":") { return nil }
        return "the image URL names host \(host); BMCs without DNS cannot fetch it — an IP literal is safer"
    }

    // MARK: Boot

    /// One-time boot from the virtual CD: vendor preparation, then the Boot PATCH (or the vendor OEM way),
    /// then a re-read that shows the target. Returns a warning when the BMC set the override in a weaker form
    /// (Continuous instead of Once).
    @discardableResult
    public func setOneTimeBoot(_ device: BootDevice = .cd) async throws -> String? {
        let slots = (try? await mediaSlots()) ?? []
        let ours = slots.first { $0.isOpticalDrive && $0.isOccupied && profile.acceptsSlot($0, among: slots) }
        if profile.usesOEMBootOnce(slotURI: ours?.odataID ?? slots.first(where: \.isOpticalDrive)?.odataID) {
            try await profile.setOEMBootOnce(driver: self)
            return nil
        }
        try await profile.prepareBoot(slot: ours, driver: self)
        let system = try await client.get(systemURI, as: ComputerSystem.self)
        var allowable = system.boot?.allowableTargets ?? []
        if allowable.isEmpty, let settings = system.settings?.settingsObject?.id,
           let pending = try? await client.get(settings, as: ComputerSystem.self) {
            allowable = pending.boot?.allowableTargets ?? []   // iDRAC10 lists AllowableValues only there
        }
        guard let target = profile.bootTarget(allowable: allowable) else {
            throw RedfishError.unsupported(operation: "boot-once cd", detail: "\(systemURI) offers no CD boot target (allowed: \(allowable.joined(separator: ", ")))")
        }
        let body = profile.bootBody(target: target, system: system)
        do {
            return try await patchBootVerified(body, system: system, expecting: .oneTime(target: target))
        } catch let error as RedfishError where profile.hasOEMBootOnceFallback && error.status == 400 {
            logger.notice("every Boot PATCH was refused (\(error)); using the vendor's OEM one-time boot")
            try await profile.setOEMBootOnce(driver: self)
            return nil
        }
    }

    /// What a boot-override PATCH must have changed, judged on the re-read resource.
    enum BootExpectation {
        /// A one-time boot to `target`.
        case oneTime(target: String)
        /// No override.
        case cleared

        /// Whether the re-read override shows the change; `warning` is set when it shows it in a weaker form.
        func judge(_ boot: ComputerSystem.Boot?) -> (applied: Bool, warning: String?) {
            let enabled = boot?.overrideEnabled, target = boot?.overrideTarget
            switch self {
            case .oneTime(let wanted):
                guard target.map({ $0 == wanted }) ?? true, enabled != "Disabled" else { return (false, nil) }
                // sushy-tools' libvirt driver keeps every override Continuous by design ("In libvirt we always set
                // the boot device frequency to continuous", sushy_tools/emulator/main.py); so do BMCs without
                // one-time support. The target is set, and vmedia clears the override after the install.
                if let enabled, enabled == "Continuous" {
                    return (true, "the BMC set the boot override to \(wanted) but keeps it Continuous (no one-time boot on this BMC): "
                        + "vmedia clears it after the install; after an interrupted run, clear it with vmedia eject")
                }
                return (true, nil)
            case .cleared:
                // Disabled, or a target of None where the BMC never leaves Continuous (sushy-tools).
                return (enabled == nil || enabled == "Disabled" || target == "None", nil)
            }
        }

        var description: String {
            switch self {
            case .oneTime(let target): return "BootSourceOverrideEnabled Once, BootSourceOverrideTarget \(target)"
            case .cleared: return "BootSourceOverrideEnabled Disabled (or BootSourceOverrideTarget None)"
            }
        }
    }

    /// PATCHes the boot override, then re-reads the resource it went to. A BMC may answer 200 with an error in
    /// `@Message.ExtendedInfo` and change nothing (Dell 13G SYS444/SYS410, ansible-collections/community.general#5091):
    /// not applied is retried once, then an error with the BMC's words, never a success. Returns a warning when the
    /// override took a weaker form (Continuous instead of Once).
    @discardableResult
    private func patchBootVerified(_ body: JSONValue, system: ComputerSystem, expecting: BootExpectation) async throws -> String? {
        var attempt = 0
        while true {
            attempt += 1
            let (uri, response) = try await patchBoot(body, system: system)
            await client.invalidate(uri)
            let boot = try await client.get(uri, as: ComputerSystem.self).boot
            let verdict = expecting.judge(boot)
            if verdict.applied {
                if let warning = verdict.warning { logger.warning("\(warning)") }
                return verdict.warning
            }
            let seen = "BootSourceOverrideEnabled \(boot?.overrideEnabled ?? "missing"), BootSourceOverrideTarget \(boot?.overrideTarget ?? "missing")"
            let said = RedfishMessage.messages(in: response.body).filter { !$0.key.hasSuffix("Success") }
            logger.notice("PATCH \(uri) answered HTTP \(response.status) but the resource shows \(seen)\(said.isEmpty ? "" : " (\(RedfishError.describe(said)))")")
            guard attempt < 2 else {
                throw RedfishError.verificationFailed(operation: "boot override", uri: uri, expected: expecting.description,
                                                      found: seen + (said.isEmpty ? "" : " after the BMC said: \(RedfishError.describe(said))"))
            }
        }
    }

    /// Clears a boot override left behind. iDRAC10 refuses any Boot PATCH once the host has booted ("The property
    /// Boot is a read-only property", ansible-collections/community.general#11297; dsx-ai-factory/libredfish#75):
    /// then the system is re-read, and a Once override that the boot consumed is no failure. Returns a warning
    /// for the operator when the override could not be cleared.
    @discardableResult
    public func clearBootOverride() async throws -> String? {
        let system = try await client.get(systemURI, as: ComputerSystem.self)
        do {
            try await patchBootVerified(profile.clearBootBody(system: system), system: system, expecting: .cleared)
            return nil
        } catch let error as RedfishError where error.status == 400
                    && (Self.isReadOnlyRefusal(error) || error.messageKeys.contains("UnsupportedOperation")) {
            await client.invalidate(systemURI)
            let now = try await client.get(systemURI, as: ComputerSystem.self).boot
            let enabled = now?.overrideEnabled ?? "missing"
            let cleared = enabled == "Disabled" || enabled == "missing"
            // iLO 6 refuses every Boot PATCH (UnsupportedOperation): with no override set there is nothing to report.
            if cleared && !Self.isReadOnlyRefusal(error) { return nil }
            let warning: String
            if cleared {
                warning = "the BMC refused to clear the boot override (\(error.messageKeys.last ?? "read-only")), but it shows "
                    + "BootSourceOverrideEnabled \(enabled): the one-time boot was consumed by the boot, nothing is left to clear"
            } else {
                warning = "the BMC refused to clear the boot override (\(error.messageKeys.last ?? "read-only")) and it still shows "
                    + "BootSourceOverrideEnabled \(enabled), target \(now?.overrideTarget ?? "?"); the media is ejected, so the next "
                    + "boot falls through to the disk — clear it in the BMC's web interface if it matters"
            }
            logger.warning("\(warning)")
            return warning
        }
    }

    static func isReadOnlyRefusal(_ error: RedfishError) -> Bool {
        error.messageKeys.contains { ["PropertyNotWritable", "PropertyNotWritableOrUnknown"].contains($0) }
            || error.bmcText.localizedCaseInsensitiveContains("read-only")
    }

    /// PATCHes each boot URI in the profile's order; a 400 naming the property read-only/unknown moves on
    /// to the next (F6). During POST (iLO UnableToModifyDuringSystemPOST, F24) the same URI is retried.
    private func patchBoot(_ body: JSONValue, system: ComputerSystem) async throws -> (String, RedfishHTTPResponse) {
        var lastError: RedfishError?
        for uri in profile.bootURIs(system: system) {
            var duringPOST = 0
            while true {
                do {
                    if uri != systemURI { _ = try? await client.get(uri, as: JSONValue.self) }   // its ETag
                    let response = try await client.patch(uri, body)
                    return (uri, response)
                } catch let error as RedfishError {
                    lastError = error
                    if error.messageKeys.contains("UnableToModifyDuringSystemPOST"), duringPOST < 6 {
                        duringPOST += 1
                        try await client.sleep(client.timeouts.pollInterval * (1 << duringPOST))
                        continue
                    }
                    let keys = error.messageKeys
                    if error.status == 400 || error.status == 405,
                       keys.contains(where: { ["PropertyNotWritable", "PropertyNotWritableOrUnknown", "PropertyUnknown", "ActionNotSupported",
                                               "UnsupportedOperation"].contains($0) })
                        || error.bmcText.localizedCaseInsensitiveContains("read-only") {
                        break
                    }
                    throw error
                }
            }
        }
        throw lastError ?? RedfishError.unsupported(operation: "boot-once", detail: "no URI to set the boot override on")
    }

    // MARK: Secure Boot

    /// `SecureBoot.SecureBootEnable` of the system: the setting the install boot and ESXi's first boot will run
    /// under (ESXi skips `%firstboot` when it is on). Nil when the BMC has no SecureBoot resource.
    public func secureBoot() async throws -> SecureBoot? {
        let system = try await client.get(systemURI, as: ComputerSystem.self)
        guard let uri = system.secureBoot?.id else { return nil }
        return try await client.get(uri, as: SecureBoot.self)
    }

    // MARK: Power

    public func powerState() async throws -> PowerState {
        PowerState(redfish: try await client.get(systemURI, as: ComputerSystem.self).powerState)
    }

    @discardableResult
    public func powerOn() async throws -> PowerOutcome {
        if try await powerState() == .on { return .alreadyInState }
        try await reset(preferring: ["On", "ForceOn", "PushPowerButton"])
        try await waitForPower(.on)
        return .changed
    }

    @discardableResult
    public func powerOff() async throws -> PowerOutcome {
        if try await powerState() == .off { return .alreadyInState }
        try await reset(preferring: ["ForceOff", "GracefulShutdown", "PushPowerButton"])
        try await waitForPower(.off)
        return .changed
    }

    /// Off → On; On → ForceRestart (else PowerCycle, else ForceOff + On). Sent once, never repeated on a
    /// slow answer (a second reset would reboot the installer).
    @discardableResult
    public func forceRestart() async throws -> PowerOutcome {
        if try await powerState() == .off { return try await powerOn() }
        let allowed = try await resetTypes()
        if allowed.isEmpty || allowed.contains("ForceRestart") || allowed.contains("PowerCycle") || allowed.contains("GracefulRestart") {
            try await reset(preferring: ["ForceRestart", "PowerCycle", "GracefulRestart"])
        } else {
            try await reset(preferring: ["ForceOff"])
            try await waitForPower(.off)
            try await reset(preferring: ["On", "ForceOn"])
        }
        try await waitForPower(.on)
        return .changed
    }

    func resetTypes() async throws -> [String] {
        let system = try await client.get(systemURI, as: ComputerSystem.self)
        guard let action = system.resetAction else {
            throw RedfishError.unsupported(operation: "power", detail: "\(systemURI) has no #ComputerSystem.Reset action")
        }
        if let values = action.allowableValues["ResetType"], !values.isEmpty { return values }
        if let info = action.actionInfo, let json = try? await client.get(info, as: JSONValue.self),
           case .array(let parameters)? = json["Parameters"] {
            for parameter in parameters where parameter["Name"]?.stringValue == "ResetType" {
                if case .array(let values)? = parameter["AllowableValues"] { return values.compactMap(\.stringValue) }
            }
        }
        return []
    }

    /// POSTs the first preferred ResetType the BMC allows (community.general `_map_reset_type`).
    private func reset(preferring choices: [String]) async throws {
        let system = try await client.get(systemURI, as: ComputerSystem.self)
        guard let target = system.resetAction?.target else {
            throw RedfishError.unsupported(operation: "power", detail: "\(systemURI) has no #ComputerSystem.Reset action")
        }
        let allowed = try await resetTypes()
        guard let type = allowed.isEmpty ? choices.first : choices.first(where: allowed.contains) else {
            throw RedfishError.unsupported(operation: "power", detail: "none of \(choices.joined(separator: ", ")) is allowed (BMC allows \(allowed.joined(separator: ", ")))")
        }
        var attempts = 0
        while true {
            do {
                try await client.post(target, ["ResetType": .string(type)])
                return
            } catch let error as RedfishError {
                // F23 (iLO): `On` while already on → InvalidOperationForSystemState: nothing to do.
                if error.messageKeys.contains("InvalidOperationForSystemState") { return }
                attempts += 1
                guard profile.isTransientResetError(error), attempts < 6 else { throw error }
                try await client.sleep(client.timeouts.pollInterval)
            }
        }
    }

    private func waitForPower(_ state: PowerState) async throws {
        let limit = client.timeouts.power
        try await waitFor("power \(state)", systemURI, limit: limit) { (system: ComputerSystem) in
            (PowerState(redfish: system.powerState) == state, "PowerState \(system.powerState ?? "missing")")
        }
    }

    // MARK: Polling

    @discardableResult
    func waitFor<T: Decodable & Sendable>(_ operation: String, _ uri: String, limit: Duration? = nil,
                                          _ check: (T) -> (Bool, String)) async throws -> T {
        let timeouts = client.timeouts
        let deadline = ContinuousClock.now + (limit ?? timeouts.settle)
        var last = "not read"
        while true {
            let value = try await client.get(uri, as: T.self)
            let (done, seen) = check(value)
            if done { return value }
            last = seen
            guard ContinuousClock.now < deadline else {
                throw RedfishError.timedOut(operation: operation, uri: uri, seconds: Int((limit ?? timeouts.settle).components.seconds), lastSeen: last)
            }
            try await client.sleep(timeouts.pollInterval)
        }
    }

    static func describe(_ slot: VirtualMedia) -> String {
        "Inserted \(slot.inserted.map(String.init) ?? "missing"), Image \(slot.image ?? "null"), ConnectedVia \(slot.connectedVia ?? "missing")"
    }

    static func lastPathComponent(_ url: String) -> String { URLComponents(string: url)?.path.split(separator: "/").last.map(String.init) ?? url }

    static func merged(_ base: JSONValue, _ extra: [String: JSONValue]) -> JSONValue {
        .object((base.objectValue ?? [:]).merging(extra) { $1 })
    }
}
