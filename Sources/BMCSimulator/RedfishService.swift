import Foundation
import NIOCore
import NIOHTTP1

/// The Redfish service of one simulated BMC: routing, authentication, ETags and the write operations, with the
/// flavour's quirks. It only computes answers and state changes; `SimulatedBMC` runs the timers and the boot.
/// Every vendor quirk names its source in redfish-vendors.md (§ = section, F = failure mode).
struct RedfishService: Sendable {
    let configuration: BMCConfiguration
    var flavour: VendorFlavor { configuration.flavour }

    /// A state change that takes time: `SimulatedBMC` schedules it on the event loop.
    enum Effect: Sendable {
        /// Reach `target` after `after`; `boots` when the transition ends in a boot (power on or restart).
        case power(generation: Int, target: BMCState.Power, boots: Bool, after: TimeAmount)
        case completeTask(id: String, after: TimeAmount)
        /// The host loses power or resets: the running ESXi (if any) stops answering.
        case stopESXi
    }

    struct Handled {
        var response: SimulatedResponse
        var effects: [Effect] = []
    }

    enum Decision {
        case done(Handled)
        /// Dell inserts are synchronous: the iDRAC opens the URL during the call (§1.1), so the answer waits for a
        /// probe of the image URL; `then` runs under the lock with the probe's result.
        case probeMedia(url: String, then: @Sendable (_ failure: String?, _ state: inout BMCState) -> Handled)
    }

    // MARK: Entry point

    func handle(_ request: SimulatedRequest, state: inout BMCState, now: NIODeadline) -> (Decision, RecordedRequest.Authentication) {
        let path = request.path
        // §0 step 1: the service root is readable without credentials.
        if request.method == .GET, path == "/redfish" {
            return (.done(Handled(response: json(.ok, ["v1": "/redfish/v1/"]))), .none)
        }
        if request.method == .GET, path == "/redfish/v1" {
            return (.done(Handled(response: json(.ok, serviceRoot()))), .none)
        }
        if request.method == .POST, path == Paths.sessions {
            return (.done(createSession(request, state: &state)), .none)
        }
        let authentication: RecordedRequest.Authentication
        switch authenticate(request, state: state) {
        case .success(let kind): authentication = kind
        case .failure(let response): return (.done(Handled(response: response)), .none)
        }
        if configuration.faults.errorRate > 0,
           Double(state.random.next() >> 11) / Double(1 << 53) < configuration.faults.errorRate {
            return (.done(Handled(response: error(.internalServerError, "InternalError",
                "The request failed due to an internal service error.  The service is still operational.",
                resolution: "Resubmit the request.  If the problem persists, consider resetting the service."))), authentication)
        }
        return (route(request, path: path, state: &state, now: now), authentication)
    }

    private func route(_ request: SimulatedRequest, path: String, state: inout BMCState, now: NIODeadline) -> Decision {
        let system = flavour.systemPath
        let collection = flavour.virtualMediaCollectionPath
        switch (request.method, path) {
        case (.GET, "/redfish/v1/Systems"):
            return .done(Handled(response: json(.ok, collectionDocument("/redfish/v1/Systems", "ComputerSystemCollection", [system]))))
        case (.GET, system):
            return .done(Handled(response: withETag(json(.ok, systemDocument(state)), path: system, state: state)))
        case (.PATCH, system):
            return .done(patchSystem(request, path: system, state: &state))
        case (.POST, flavour.importAction?.target ?? "-"):
            return .done(importSystemConfiguration(request, state: &state))
        case (.GET, system + "/Settings") where flavour == .dellIDRAC10:
            return .done(Handled(response: withETag(json(.ok, settingsDocument(state)), path: system, state: state)))
        case (.PATCH, system + "/Settings") where flavour == .dellIDRAC10:
            return .done(patchSystem(request, path: system + "/Settings", state: &state))
        case (.POST, system + "/Actions/ComputerSystem.Reset"):
            return .done(reset(request, state: &state, now: now))
        case (.GET, system + "/EthernetInterfaces"):
            let members = configuration.inventory.nics.indices.map { system + "/EthernetInterfaces/\(nicID($0))" }
            return .done(Handled(response: json(.ok, collectionDocument(path, "EthernetInterfaceCollection", members))))
        case (.GET, system + "/SecureBoot"):
            return .done(Handled(response: json(.ok, secureBootDocument())))
        case (.GET, system + "/Storage"):
            return .done(Handled(response: json(.ok, collectionDocument(path, "StorageCollection", [system + "/Storage/1"]))))
        case (.GET, system + "/Storage/1"):
            return .done(Handled(response: json(.ok, storageDocument())))
        case (.GET, "/redfish/v1/Managers"):
            return .done(Handled(response: json(.ok, collectionDocument("/redfish/v1/Managers", "ManagerCollection", [flavour.managerPath]))))
        case (.GET, flavour.managerPath):
            return .done(Handled(response: json(.ok, managerDocument(state))))
        case (.POST, flavour.managerPath + "/Actions/Oem/AMIVirtualMedia.EnableRMedia") where flavour == .lenovoAMI:
            guard let body = jsonObject(request.body), let wanted = body["RMediaState"] as? String, ["Enable", "Disable"].contains(wanted) else {
                return .done(Handled(response: error(.badRequest, "ActionParameterMissing", "The action EnableRMedia requires the parameter RMediaState (Enable or Disable).",
                                                     resolution: "Supply RMediaState in the request body.")))
            }
            state.rMediaEnabled = wanted == "Enable"
            return .done(Handled(response: SimulatedResponse(status: .noContent)))
        case (.GET, flavour.managerPath + "/LogServices/Log/Entries"):
            return .done(Handled(response: json(.ok, logDocument(state))))
        case (.GET, collection):
            let members = flavour.slots.map { collection + "/\($0.id)" }
            return .done(Handled(response: json(.ok, collectionDocument(collection, "VirtualMediaCollection", members))))
        case (.GET, Paths.sessionService):
            return .done(Handled(response: json(.ok, [
                "@odata.id": Paths.sessionService, "@odata.type": "#SessionService.v1_1_8.SessionService",
                "Id": "SessionService", "Name": "Session Service", "ServiceEnabled": true, "SessionTimeout": 1800,
                "Sessions": ["@odata.id": Paths.sessions]])))
        case (.GET, Paths.sessions):
            let members = state.sessions.keys.sorted().map { Paths.sessions + "/\($0)" }
            return .done(Handled(response: json(.ok, collectionDocument(Paths.sessions, "SessionCollection", members))))
        case (.GET, Paths.taskService):
            return .done(Handled(response: json(.ok, [
                "@odata.id": Paths.taskService, "@odata.type": "#TaskService.v1_2_0.TaskService", "Id": "TaskService",
                "Name": "Task Service", "Tasks": ["@odata.id": Paths.tasks]])))
        default:
            break
        }
        if let nic = match(path, prefix: system + "/EthernetInterfaces/"), request.method == .GET,
           let index = configuration.inventory.nics.indices.first(where: { nicID($0) == nic }) {
            return .done(Handled(response: json(.ok, nicDocument(index))))
        }
        if let drive = match(path, prefix: system + "/Storage/1/Drives/"), request.method == .GET,
           let index = Int(drive), configuration.inventory.disks.indices.contains(index) {
            return .done(Handled(response: json(.ok, driveDocument(index))))
        }
        if let id = match(path, prefix: Paths.sessions + "/") {
            return .done(sessionMember(request, id: id, state: &state))
        }
        if let id = match(path, prefix: Paths.tasks + "/"), request.method == .GET, let task = state.tasks[id] {
            return .done(Handled(response: json(.ok, taskDocument(task))))
        }
        if let rest = match(path, prefix: collection + "/") {
            let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if let slot = flavour.slots.first(where: { $0.id == parts[0] }) {
                return virtualMedia(request, slot: slot, subpath: Array(parts.dropFirst()), state: &state)
            }
        }
        return .done(Handled(response: error(.notFound, "ResourceMissingAtURI",
            "The resource at the URI \(request.path) was not found.",
            resolution: "Place a valid resource at the URI or correct the URI and resubmit the request.")))
    }

    private func match(_ path: String, prefix: String) -> String? {
        guard path.hasPrefix(prefix), path.count > prefix.count else { return nil }
        return String(path.dropFirst(prefix.count))
    }

    // MARK: Authentication and sessions

    enum Paths {
        static let sessionService = "/redfish/v1/SessionService"
        static let sessions = "/redfish/v1/SessionService/Sessions"
        static let taskService = "/redfish/v1/TaskService"
        static let tasks = "/redfish/v1/TaskService/Tasks"
    }

    private enum AuthResult {
        case success(RecordedRequest.Authentication)
        case failure(SimulatedResponse)
    }

    private func authenticate(_ request: SimulatedRequest, state: BMCState) -> AuthResult {
        if let token = request.headers.first(name: "X-Auth-Token") {
            if state.sessions.values.contains(where: { $0.token == token }) { return .success(.session) }
            return .failure(unauthorized("NoValidSession", "There is no valid session established with the implementation.",
                                         resolution: "Establish a session before attempting any operations."))
        }
        if let header = request.headers.first(name: "Authorization"), header.lowercased().hasPrefix("basic ") {
            // F10: iDRAC10 ≥ 1.30.10.50 ships with Basic auth "Unadvertised": every Basic call is 401 AccessDenied.
            if flavour == .dellIDRAC10 {
                return .failure(unauthorized("AccessDenied", "While attempting to establish a connection to /redfish/v1, the service denied access.",
                                             resolution: "Use a Redfish session (POST /redfish/v1/SessionService/Sessions) or enable Basic authentication."))
            }
            let encoded = String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)
            if let data = Data(base64Encoded: encoded), let pair = String(data: data, encoding: .utf8),
               pair == "\(configuration.username):\(configuration.password)" {
                return .success(.basic)
            }
            return .failure(unauthorized("AccessDenied", "The authentication credentials included with this request are missing or invalid.",
                                         resolution: "Attempt to ensure that the URI is correct and that the service has the appropriate credentials."))
        }
        return .failure(unauthorized("NoValidSession", "There is no valid session established with the implementation.",
                                     resolution: "Establish a session before attempting any operations."))
    }

    private func unauthorized(_ id: String, _ message: String, resolution: String) -> SimulatedResponse {
        var response = error(.unauthorized, id, message, resolution: resolution)
        if flavour != .dellIDRAC10 { response.headers.add(name: "WWW-Authenticate", value: "Basic realm=\"Redfish\"") }
        return response
    }

    /// §0 Auth: POST {UserName, Password} → 201, token in X-Auth-Token, session URI in Location.
    private func createSession(_ request: SimulatedRequest, state: inout BMCState) -> Handled {
        guard let body = jsonObject(request.body), let user = body["UserName"] as? String,
              let password = body["Password"] as? String else {
            return Handled(response: error(.badRequest, "PropertyMissing", "The property UserName or Password is a required property and must be included in the request.",
                                           resolution: "Ensure that the property is in the request body and has a valid value and resubmit the request if the operation failed."))
        }
        guard user == configuration.username, password == configuration.password else {
            return Handled(response: error(.unauthorized, "AccessDenied", "While attempting to establish a session, the service denied access.",
                                           resolution: "Check the user name and password and retry."))
        }
        if let cap = configuration.faults.sessionCap ?? flavour.defaultSessionCap, state.sessions.count >= cap {
            // F18: leaked sessions fill the BMC; iDRAC answers RAC0218.
            if flavour.isDell {
                return Handled(response: error(.serviceUnavailable, "RAC0218", "The maximum number of user sessions is reached.",
                                               resolution: "Close one or more sessions and retry the operation.", registry: "IDRAC.2.8"))
            }
            return Handled(response: error(.serviceUnavailable, "SessionLimitExceeded",
                "The session establishment failed due to the number of simultaneous sessions exceeding the limit of the implementation.",
                resolution: "Reduce the number of other sessions before trying to establish the session or increase the limit of simultaneous sessions (if supported)."))
        }
        let id = String(state.nextSessionNumber)
        state.nextSessionNumber += 1
        state.sessionsCreated += 1
        var generator = SystemRandomNumberGenerator()
        let token = (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
        state.sessions[id] = BMCState.Session(id: id, token: token, user: user)
        var response = json(.created, sessionDocument(id: id, user: user))
        response.headers.add(name: "X-Auth-Token", value: token)
        response.headers.add(name: "Location", value: Paths.sessions + "/\(id)")
        return Handled(response: response)
    }

    private func sessionMember(_ request: SimulatedRequest, id: String, state: inout BMCState) -> Handled {
        guard let session = state.sessions[id] else {
            return Handled(response: error(.notFound, "ResourceMissingAtURI", "The resource at the URI \(request.path) was not found.",
                                           resolution: "Place a valid resource at the URI or correct the URI and resubmit the request."))
        }
        switch request.method {
        case .GET:
            return Handled(response: json(.ok, sessionDocument(id: id, user: session.user)))
        case .DELETE:
            state.sessions[id] = nil
            return Handled(response: SimulatedResponse(status: .noContent))
        default:
            return methodNotAllowed(allow: "GET, DELETE")
        }
    }

    // MARK: ETags

    func etag(_ path: String, state: BMCState) -> String {
        let value = String(state.version(of: path) &* 2_654_435_761 & 0xFFFF_FFFF, radix: 16, uppercase: true)
        // §1.3: iLO ETags are weak (W/"0D292F2F").
        return flavour.isHPE ? "W/\"\(value)\"" : "\"\(value)\""
    }

    private func withETag(_ response: SimulatedResponse, path: String, state: BMCState) -> SimulatedResponse {
        var response = response
        response.headers.add(name: "ETag", value: etag(path, state: state))
        return response
    }

    /// PATCH preconditions: 428 without If-Match where required (XCC always, F14; others by fault knob), 412 for a
    /// stale value, or for the first N values when the stale-ETag knob is set (newer XCC, F15).
    private func checkIfMatch(_ request: SimulatedRequest, path: String, state: inout BMCState) -> SimulatedResponse? {
        guard let ifMatch = request.headers.first(name: "If-Match") else {
            if flavour == .lenovoXCC || configuration.faults.requireIfMatch {
                return error(HTTPResponseStatus(statusCode: 428), "PreconditionRequired",
                             "A precondition header or annotation is required to change the resource at URI \(request.path).",
                             resolution: "Try the request again with an If-Match header holding the resource's current ETag.")
            }
            return nil
        }
        if state.staleETagsRemaining > 0 {
            state.staleETagsRemaining -= 1
            return preconditionFailed(request.path)
        }
        if ifMatch == "*" { return nil }
        // Weak and strong forms of the same value match (RFC 9110 weak comparison is what services implement).
        func bare(_ tag: String) -> String {
            var tag = tag.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag
        }
        return bare(ifMatch) == bare(etag(path, state: state)) ? nil : preconditionFailed(request.path)
    }

    private func preconditionFailed(_ uri: String) -> SimulatedResponse {
        error(.preconditionFailed, "PreconditionFailed", "The ETag supplied did not match the ETag required to change this resource.",
              resolution: "Try the operation again using the appropriate ETag.")
    }

    // MARK: Boot override

    private func patchSystem(_ request: SimulatedRequest, path: String, state: inout BMCState) -> Handled {
        guard let body = jsonObject(request.body) else { return Handled(response: malformedJSON()) }
        // F6: on iDRAC10 the override lives in @Redfish.Settings; PATCHing the System is refused.
        if flavour == .dellIDRAC10, path == flavour.systemPath, body["Boot"] != nil {
            return Handled(response: error(.badRequest, "PropertyNotWritable", "The property Boot is a read-only property and cannot be assigned a value.",
                                           resolution: "Remove the property from the request body and resubmit the request if the operation failed."))
        }
        if flavour == .dellIDRAC10, state.bootReadOnly, body["Boot"] != nil {
            // iDRAC10 once the host has booted: Boot is read-only on /Settings as well (ansible-collections/
            // community.general#11297; dsx-ai-factory/libredfish#75), until the host is powered off.
            return Handled(response: error(.badRequest, "PropertyNotWritable", "The property Boot is a read-only property and cannot be assigned a value.",
                                           resolution: "Remove the property from the request body and resubmit the request if the operation failed."))
        }
        if flavour == .hpeILO6 || flavour == .hpeILO7, body["Boot"] != nil {
            // HPE iLO 6 (Gen11, 1.58 and 1.72): every BootSourceOverride PATCH, even Pxe, answers UnsupportedOperation;
            // the virtual media's Oem.Hpe.BootOnNextServerReset is what boots it (dsx-ai-factory/libredfish PR #76;
            // the MessageId as ironcore-dev/metal-operator#606 shows it).
            return Handled(response: error(.badRequest, "UnsupportedOperation", "The operation is not supported.",
                                           resolution: "None.", registry: "iLO.2.30"))
        }
        if let failure = checkIfMatch(request, path: flavour.systemPath, state: &state) { return Handled(response: failure) }
        if state.ignoredBootPatchesRemaining > 0, body["Boot"] != nil {
            // Dell 13G: 200 with the errors in the body and nothing applied (ansible-collections/community.general#5091).
            state.ignoredBootPatchesRemaining -= 1
            let registry = "IDRAC.1.6"
            return Handled(response: json(.ok, ["error": ["@Message.ExtendedInfo": [
                ["MessageId": "\(registry).SYS444", "Message": "Unable to set the attribute value because it depends on other attribute(s).",
                 "RelatedProperties": ["BootSourceOverrideEnabled"], "Severity": "Warning",
                 "Resolution": "Change the value on the other attribute and retry the operation."],
                ["MessageId": "\(registry).SYS410", "Message": "Unable to modify the attribute because the attribute is read-only and depends on other attributes.",
                 "RelatedProperties": ["BootSourceOverrideMode"], "Severity": "Warning",
                 "Resolution": "Verify if the attribute has dependency on other attributes and retry the operation."],
            ]] as [String: Any]]))
        }
        guard let boot = body["Boot"] as? [String: Any] else {
            return Handled(response: error(.badRequest, "PropertyUnknown", "The property \(body.keys.sorted().first ?? "(none)") is not in the list of valid properties for the resource.",
                                           resolution: "Remove the unknown property from the request body and resubmit the request if the operation failed."))
        }
        var updated = state.boot
        for (key, value) in boot {
            guard let text = value as? String else {
                return Handled(response: propertyValueError(key, value: "\(value)"))
            }
            switch key {
            case "BootSourceOverrideTarget":
                guard flavour.bootTargets.contains(text) else { return Handled(response: propertyValueError(key, value: text)) }
                updated.target = text
            case "BootSourceOverrideEnabled":
                guard flavour.bootEnabledValues.contains(text) else { return Handled(response: propertyValueError(key, value: text)) }
                updated.enabled = text
            case "BootSourceOverrideMode":
                guard ["UEFI", "Legacy"].contains(text) else { return Handled(response: propertyValueError(key, value: text)) }
                updated.mode = text
            default:
                return Handled(response: error(.badRequest, "PropertyUnknown", "The property \(key) is not in the list of valid properties for the resource.",
                                               resolution: "Remove the unknown property from the request body and resubmit the request if the operation failed."))
            }
        }
        if flavour == .supermicro, updated.enabled == "Disabled", boot["BootSourceOverrideMode"] == nil {
            // Supermicro: a clear without BootSourceOverrideMode reverts the mode to its default, Legacy (DMTF/Redfishtool#106).
            updated.mode = "Legacy"
        }
        state.boot = updated
        state.touch(flavour.systemPath)
        if flavour.isHPE { return Handled(response: hpeSuccess()) }
        if flavour == .lenovoXCC || flavour.isDell { return Handled(response: withETag(json(.ok, systemDocument(state)), path: flavour.systemPath, state: state)) }
        return Handled(response: SimulatedResponse(status: .noContent))
    }

    /// Dell iDRAC (every generation simulated): "Cd" in the boot override boots the physical optical drive, not the
    /// virtual CD (openstack/ironic drivers/modules/drac/boot.py; dell/terraform-provider-redfish#332 on iDRAC10); the
    /// one-time boot of the virtual CD is a Server Configuration Profile import of `ServerBoot.1#BootOnce=Enabled` and
    /// `ServerBoot.1#FirstBootDevice=VCD-DVD` (written `vCD-DVD` by newer scripts; the value is matched without case),
    /// answered 202 with a job (redfish-vendors.md §1.1, F5; Dell's SetNextOneTimeBootVirtualMediaDeviceOemREDFISH.py).
    /// The job is reported already complete. A busy Lifecycle Controller (fault knob) answers 503, LC068 or RAC0679 first.
    private func importSystemConfiguration(_ request: SimulatedRequest, state: inout BMCState) -> Handled {
        if state.importBusyRemaining > 0 {
            let turn = configuration.faults.importBusyCount - state.importBusyRemaining
            state.importBusyRemaining -= 1
            switch turn % 3 {
            case 0:
                return Handled(response: SimulatedResponse(status: .serviceUnavailable))   // iDRAC8: an empty 503 (#116)
            case 1:
                return Handled(response: error(.badRequest, "LC068", "Unable to continue with the operation because there is a pending configuration job.",
                                               resolution: "Delete the pending job or wait until it completes, and retry the operation.", registry: "IDRAC.2.8"))
            default:
                return Handled(response: error(.badRequest, "RAC0679", "Unable to run the method because the requested HTTP method is not allowed while a job is running.",
                                               resolution: "Wait for the running job to complete and retry the operation.", registry: "IDRAC.2.8"))
            }
        }
        guard let body = jsonObject(request.body), let buffer = body["ImportBuffer"] as? String,
              let share = body["ShareParameters"] as? [String: Any] else {
            return Handled(response: error(.badRequest, "ActionParameterMissing", "The action ImportSystemConfiguration requires the parameters ShareParameters and ImportBuffer to be present in the request body.",
                                           resolution: "Supply the action with the required parameters in the request body when the request is resubmitted."))
        }
        let targets = (share["Target"] as? [String]) ?? (share["Target"] as? String).map { [$0] } ?? []
        guard targets.contains(where: { ["IDRAC", "ALL"].contains($0.uppercased()) }) else {
            return Handled(response: error(.badRequest, "SYS405", "The ShareParameters Target does not include the iDRAC component.",
                                           resolution: "Set ShareParameters.Target to IDRAC or ALL.", registry: "IDRAC.2.8"))
        }
        func attribute(_ name: String) -> String? {
            guard let start = buffer.range(of: "<Attribute Name=\"ServerBoot.1#\(name)\">"),
                  let end = buffer.range(of: "</Attribute>", range: start.upperBound..<buffer.endIndex) else { return nil }
            return String(buffer[start.upperBound..<end.lowerBound])
        }
        guard attribute("BootOnce")?.lowercased() == "enabled", attribute("FirstBootDevice")?.lowercased() == "vcd-dvd" else {
            return Handled(response: error(.badRequest, "SYS041", "The import buffer does not set ServerBoot.1#BootOnce=Enabled and ServerBoot.1#FirstBootDevice=VCD-DVD.",
                                           resolution: "Import both attributes in the iDRAC.Embedded.1 component.", registry: "IDRAC.2.8"))
        }
        state.virtualCDBootOnce = true
        state.boot.enabled = "Once"
        state.boot.target = "Cd"
        state.touch(flavour.systemPath)
        let id = "JID_\(String(format: "%012d", 7_000_000_000 + state.nextTaskNumber))"
        state.nextTaskNumber += 1
        var task = BMCState.Task(id: id, state: "Completed", slotID: "", image: "", writeProtected: true)
        task.name = "Import Configuration"
        state.tasks[id] = task
        var response = json(.accepted, taskDocument(task))
        response.headers.add(name: "Location", value: Paths.tasks + "/\(id)")
        return Handled(response: response)
    }

    // MARK: Power

    /// Settle window after power-off in which iDRAC10 answers 409 to "On" (F8).
    static let iDRAC10SettleTime = TimeAmount.seconds(2)

    private func reset(_ request: SimulatedRequest, state: inout BMCState, now: NIODeadline) -> Handled {
        if flavour == .dellIDRAC10, request.headers.first(name: "If-Match") != nil {
            // F7: iDRAC10 rejects If-Match on action POSTs with 412.
            return Handled(response: preconditionFailed(request.path))
        }
        guard let body = jsonObject(request.body), let type = body["ResetType"] as? String else {
            return Handled(response: error(.badRequest, "ActionParameterMissing", "The action ComputerSystem.Reset requires the parameter ResetType to be present in the request body.",
                                           resolution: "Supply the action with the required parameter in the request body when the request is resubmitted."))
        }
        guard flavour.resetTypes.contains(type) else {
            return Handled(response: error(.badRequest, "ActionParameterNotSupported", "The parameter ResetType with value \(type) is not supported by the action ComputerSystem.Reset.",
                                           resolution: "Remove the parameter supplied and resubmit the request if the operation failed."))
        }
        let isOn = state.power == .on || state.power == .poweringOn
        let lag = TimeAmount.milliseconds(Int64(configuration.faults.powerLagMilliseconds))
        var effects: [Effect] = []
        func powerOn() {
            state.powerGeneration += 1
            state.power = configuration.faults.powerLagMilliseconds > 0 ? .poweringOn : state.power
            effects.append(.power(generation: state.powerGeneration, target: .on, boots: true, after: lag))
        }
        func powerOff() {
            state.powerGeneration += 1
            state.power = configuration.faults.powerLagMilliseconds > 0 ? .poweringOff : state.power
            effects.append(.stopESXi)
            effects.append(.power(generation: state.powerGeneration, target: .off, boots: false, after: lag))
        }
        func restart() {
            // A restart keeps PowerState On; the server resets and boots again after the lag.
            state.powerGeneration += 1
            effects.append(.stopESXi)
            effects.append(.power(generation: state.powerGeneration, target: .on, boots: true, after: lag))
        }
        switch type {
        case "On", "ForceOn":
            if isOn {
                // F23: iLO answers 400 InvalidOperationForSystemState for On when already on; others treat it as a no-op.
                if flavour.isHPE {
                    return Handled(response: error(.badRequest, "InvalidOperationForSystemState", "The operation was not successful due to the current power state (for example, attempting to turn the power off when it is already off).",
                                                   resolution: "Verify that the system is in the correct power state.", registry: "iLO.2.16"))
                }
            } else {
                if flavour == .dellIDRAC10, let off = state.lastPowerOffAt, now - off < Self.iDRAC10SettleTime {
                    // F8: right after power-off iDRAC10 answers 409 ActionParameterValueConflict; the client retries.
                    return Handled(response: error(.conflict, "ActionParameterValueConflict", "The parameter ResetType with value On conflicts with the current state of the server.",
                                                   resolution: "Wait a few seconds and retry the operation."))
                }
                powerOn()
            }
        case "ForceOff", "GracefulShutdown":
            if isOn { powerOff() }
        case "ForceRestart", "GracefulRestart", "PowerCycle":
            if isOn { restart() } else { powerOn() }
        case "PushPowerButton":
            if isOn { powerOff() } else { powerOn() }
        default:
            break // Nmi: a diagnostic interrupt, no power change.
        }
        let response = flavour.isHPE ? hpeSuccess() : SimulatedResponse(status: .noContent)
        return Handled(response: response, effects: effects)
    }

    // MARK: Virtual media

    private func virtualMedia(_ request: SimulatedRequest, slot: SlotSpec, subpath: [String], state: inout BMCState) -> Decision {
        let path = flavour.virtualMediaCollectionPath + "/\(slot.id)"
        switch (request.method, subpath) {
        case (.GET, []):
            var response = withETag(json(.ok, virtualMediaDocument(slot, state: state)), path: path, state: state)
            response.headers.add(name: "Allow", value: allowedVirtualMediaMethods)
            return .done(Handled(response: response))
        case (.PATCH, []):
            return .done(patchVirtualMedia(request, slot: slot, path: path, state: &state))
        case (.POST, ["Actions", "VirtualMedia.InsertMedia"]) where flavour != .lenovoXCC && flavour != .hpeILO4:
            return insertMedia(request, slot: slot, path: path, state: &state)
        case (.POST, ["Actions", "VirtualMedia.EjectMedia"]) where flavour != .lenovoXCC && flavour != .hpeILO4:
            return .done(ejectMedia(request, slot: slot, path: path, state: &state))
        case (.POST, ["Actions", "Oem", "Hp", "HpiLOVirtualMedia.InsertVirtualMedia"]) where flavour == .hpeILO4:
            return insertMedia(request, slot: slot, path: path, state: &state)
        case (.POST, ["Actions", "Oem", "Hp", "HpiLOVirtualMedia.EjectVirtualMedia"]) where flavour == .hpeILO4:
            return .done(ejectMedia(request, slot: slot, path: path, state: &state))
        case (.GET, _), (.POST, _):
            // F13: XCC EXT slots have no InsertMedia action; a POST there is 404.
            return .done(Handled(response: error(.notFound, "ResourceMissingAtURI", "The resource at the URI \(request.path) was not found.",
                                                 resolution: "Place a valid resource at the URI or correct the URI and resubmit the request.")))
        default:
            return .done(methodNotAllowed(allow: allowedVirtualMediaMethods))
        }
    }

    private var allowedVirtualMediaMethods: String {
        switch flavour {
        case .lenovoXCC, .generic: return "GET, PATCH"
        case .hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7: return "GET, POST, PATCH" // §1.3: HPE doc lists Allow GET POST PATCH.
        case .dellIDRAC9, .dellIDRAC9v7, .dellIDRAC10, .supermicro, .lenovoAMI, .lenovoXCCLegacy: return "GET"
        }
    }

    private func insertMedia(_ request: SimulatedRequest, slot: SlotSpec, path: String, state: inout BMCState) -> Decision {
        if flavour == .dellIDRAC10, request.headers.first(name: "If-Match") != nil {
            return .done(Handled(response: preconditionFailed(request.path))) // F7
        }
        guard let body = jsonObject(request.body) else { return .done(Handled(response: malformedJSON())) }
        // F16: Supermicro accepts only Image; F25 (iLO 4) likewise, iLO 5 accepts Inserted/WriteProtected.
        let allowed: Set<String> = flavour == .supermicro
            ? ["Image", "TransferProtocolType"]
            : ["Image", "Inserted", "WriteProtected", "UserName", "Password", "TransferProtocolType", "TransferMethod"]
        if let unknown = body.keys.sorted().first(where: { !allowed.contains($0) }) {
            return .done(Handled(response: error(.badRequest, "PropertyUnknown", "The property \(unknown) is not in the list of valid properties for the resource.",
                                                 resolution: "Remove the unknown property from the request body and resubmit the request if the operation failed.")))
        }
        guard let image = body["Image"] as? String, !image.isEmpty else {
            return .done(Handled(response: error(.badRequest, "ActionParameterMissing", "The action VirtualMedia.InsertMedia requires the parameter Image to be present in the request body.",
                                                 resolution: "Supply the action with the required parameter in the request body when the request is resubmitted.")))
        }
        if let protocolType = body["TransferProtocolType"] as? String,
           protocolType.uppercased() != (image.lowercased().hasPrefix("https") ? "HTTPS" : "HTTP") {
            return .done(Handled(response: error(.badRequest, "ActionParameterValueConflict", "The TransferProtocolType \(protocolType) does not match the Image URL scheme.",
                                                 resolution: "Use the URL's scheme as TransferProtocolType.")))
        }
        if flavour == .lenovoAMI, !state.rMediaEnabled {
            // Lenovo's mount script enables RMedia first: with it off the BMC mounts nothing.
            return .done(Handled(response: error(.badRequest, "ActionNotSupported", "Remote media is disabled (Oem.Ami.VirtualMedia.RMediaStatus is Disabled).",
                                                 resolution: "Enable remote media with #AMIVirtualMedia.EnableRMedia and retry.")))
        }
        if flavour == .lenovoAMI || flavour == .hpeILO7, !image.lowercased().hasPrefix("https://"), !image.lowercased().hasPrefix("nfs://") || flavour == .hpeILO7 {
            // AMI (Lenovo SR635/SR655): HTTPS, NFS or CIFS only (lenovo_mount_virtual_media.py); iLO 7 (Gen12): HTTPS only
            // (tinkerbell/tinkerbell#304 citing HPE). The exact MessageIds are not in our sources: a Base registry one.
            return .done(Handled(response: error(.badRequest, "ActionParameterValueNotInList",
                                                 "The value \(image.split(separator: ":").first ?? "") for the parameter TransferProtocolType is not supported: this BMC mounts \(flavour == .hpeILO7 ? "only HTTPS" : "only HTTPS or NFS") images.",
                                                 resolution: "Serve the image over HTTPS and retry.")))
        }
        if let failure = occupied(slot, state: state) { return .done(Handled(response: failure)) }
        if flavour == .supermicro, configuration.faults.unlicensed {
            // Supermicro: virtual media over Redfish needs a node product key; without it 403 OemLicenseNotPassed
            // naming the key in MessageArgs (redfish-vendors.md §7; Supermicro exporters' notes on X11/X12).
            let response = json(.forbidden, ["error": ["code": "Base.v1_4_0.GeneralError",
                "message": "A general error has occurred. See ExtendedInfo for more information.",
                "@Message.ExtendedInfo": [["MessageId": "SMC.1.0.OemLicenseNotPassed", "Severity": "Warning",
                    "Message": "Not licensed to perform this request. The following licenses SFT-DCMS-SVC-KEY were needed",
                    "MessageArgs": ["SFT-DCMS-SVC-KEY"], "Resolution": "Activate the licence and retry."]]] as [String: Any]])
            return .done(Handled(response: response))
        }
        if flavour.isDell, state.staleAttachRemaining > 0 {
            // A stale attachment (virtual console session, attach mode) refuses the insert although the drive is
            // empty; the client's eject-and-retry gets through (openshift/openshift-docs#29321; fault knob).
            state.staleAttachRemaining -= 1
            return .done(Handled(response: error(.badRequest, "VRM0021", "Virtual Media is detached or Virtual Media devices are already in use.",
                                                 resolution: "Change the Virtual Media Attach Mode to Auto-Attach or Attach, or close the session using the device, and retry.",
                                                 registry: "IDRAC.2.8")))
        }
        let writeProtected = (body["WriteProtected"] as? Bool) ?? true
        let inserted = (body["Inserted"] as? Bool) ?? true

        if let slow = configuration.faults.slowInsertMilliseconds {
            // Dell-style long operation: 202 + Task; the media shows up when the task completes.
            let id = flavour.isDell ? "JID_\(String(format: "%012d", 7_000_000_000 + state.nextTaskNumber))" : String(state.nextTaskNumber)
            state.nextTaskNumber += 1
            let task = BMCState.Task(id: id, state: "Running", slotID: slot.id, image: image, writeProtected: writeProtected)
            state.tasks[id] = task
            var response = json(.accepted, taskDocument(task))
            response.headers.add(name: "Location", value: Paths.tasks + "/\(id)")
            return .done(Handled(response: response, effects: [.completeTask(id: id, after: .milliseconds(Int64(slow)))]))
        }
        let apply: @Sendable (inout BMCState) -> Void = { state in
            Self.mount(slotID: slot.id, image: image, inserted: inserted, writeProtected: writeProtected, path: path, state: &state)
        }
        if (flavour.isDell || configuration.faults.copiesImageAtInsert) && !configuration.faults.neverReadsMedia {
            // §1.1: iDRAC opens the URL during the call; an unreachable URL fails with RAC0904 (F4).
            return .probeMedia(url: image) { failure, state in
                if let failure {
                    return Handled(response: error(.badRequest, "RAC0904", "Unable to complete the operation because the remote file location is not accessible (\(failure)).",
                                                   resolution: "Make sure the file location is accessible from the iDRAC network and the file exists, and retry the operation.",
                                                   registry: "IDRAC.2.8"))
                }
                apply(&state)
                return Handled(response: SimulatedResponse(status: .noContent))
            }
        }
        apply(&state)
        // §1.3: iLO answers 200 with an ExtendedInfo "error" envelope carrying Base.Success.
        return .done(Handled(response: flavour.isHPE ? hpeSuccess() : SimulatedResponse(status: .noContent)))
    }

    static func mount(slotID: String, image: String, inserted: Bool, writeProtected: Bool, path: String, state: inout BMCState) {
        var slot = state.slots[slotID] ?? BMCState.Slot()
        slot.image = image
        slot.imageName = image.split(separator: "/").last.map(String.init)
        slot.inserted = inserted
        slot.writeProtected = writeProtected
        slot.connected = true
        state.slots[slotID] = slot
        state.touch(path)
    }

    /// Rejects an insert into a slot that is not empty: the spec says services should (gofish schema comment), and
    /// iDRAC answers VRM0012 "already connected" (F28). iDRAC9's CD and RemovableDisk are exclusive (VRM0021).
    private func occupied(_ slot: SlotSpec, state: BMCState) -> SimulatedResponse? {
        if state.slots[slot.id]?.connected == true {
            if flavour.isDell {
                return error(.badRequest, "VRM0012", "The Virtual Media image server is already connected.",
                             resolution: "Disconnect the current image (EjectMedia) and retry the operation.", registry: "IDRAC.2.8")
            }
            return error(.badRequest, "ResourceInUse", "The change to the requested resource failed because the resource is in use or in transition.",
                         resolution: "Eject the current media, then retry the insert.")
        }
        if flavour == .dellIDRAC9, state.slots.contains(where: { $0.key != slot.id && $0.value.connected }) {
            return error(.badRequest, "VRM0021", "Virtual Media is already connected on another device (CD and RemovableDisk are mutually exclusive).",
                         resolution: "Eject the other virtual media device and retry the operation.", registry: "IDRAC.2.8")
        }
        return nil
    }

    private func ejectMedia(_ request: SimulatedRequest, slot: SlotSpec, path: String, state: inout BMCState) -> Handled {
        if flavour == .dellIDRAC10, request.headers.first(name: "If-Match") != nil {
            return Handled(response: preconditionFailed(request.path)) // F7
        }
        // F22: iLO needs a JSON body ({}); an empty POST is 415.
        if flavour.isHPE, request.body.isEmpty {
            return Handled(response: error(.unsupportedMediaType, "UnsupportedMediaType", "The request body is empty or not JSON.",
                                           resolution: "Send an empty JSON object ({}) as the request body."))
        }
        if !request.body.isEmpty, jsonObject(request.body) == nil { return Handled(response: malformedJSON()) }
        if flavour.isHPE, state.slots[slot.id]?.connected != true {
            // §1.3 / bmc-toolbox/bmclib#410: ejecting an empty slot errors on iLO.
            return Handled(response: error(.badRequest, "NoVirtualMediaConnectionAvailable", "No Virtual Media connection is available.",
                                           resolution: "Insert media before attempting to eject.", registry: "iLO.2.23"))
        }
        Self.unmount(slot.id, flavour: flavour, path: path, state: &state)
        return Handled(response: flavour.isHPE ? hpeSuccess() : SimulatedResponse(status: .noContent))
    }

    static func unmount(_ slotID: String, flavour: VendorFlavor, path: String, state: inout BMCState) {
        var slot = state.slots[slotID] ?? BMCState.Slot()
        slot.image = nil
        // F17: Supermicro leaves ImageName set after eject; ConnectedVia NotConnected is the reliable signal.
        if flavour != .supermicro { slot.imageName = nil }
        slot.inserted = false
        slot.connected = false
        slot.bootOnNextReset = false
        state.slots[slotID] = slot
        state.touch(path)
    }

    private func patchVirtualMedia(_ request: SimulatedRequest, slot: SlotSpec, path: String, state: inout BMCState) -> Handled {
        guard allowedVirtualMediaMethods.contains("PATCH") else { return methodNotAllowed(allow: allowedVirtualMediaMethods) }
        guard let body = jsonObject(request.body) else { return Handled(response: malformedJSON()) }
        if let failure = checkIfMatch(request, path: path, state: &state) { return Handled(response: failure) }
        if flavour == .hpeILO4, let unknown = body.keys.sorted().first(where: { !["Image", "Oem"].contains($0) }) {
            // iLO 4's VirtualMedia 1.0: Inserted and WriteProtected are read-only (ansible-collections/community.general#4595).
            return Handled(response: error(.badRequest, "PropertyUnknown", "The property \(unknown) is not in the list of valid properties for the resource.",
                                           resolution: "Remove the unknown property from the request body and resubmit the request if the operation failed."))
        }
        if let oem = body["Oem"] as? [String: Any], flavour.isHPE {
            // §1.3: PATCH {vm} {"Oem":{"Hpe":{"BootOnNextServerReset":true}}} boots the image on the next reset (iLO 4: "Hp").
            if let hpe = oem[flavour.oemKey ?? "Hpe"] as? [String: Any], let flag = hpe["BootOnNextServerReset"] as? Bool {
                guard state.slots[slot.id]?.connected == true || !flag else {
                    return Handled(response: error(.badRequest, "NoVirtualMediaConnectionAvailable", "No Virtual Media connection is available.",
                                                   resolution: "Insert media before setting BootOnNextServerReset.", registry: "iLO.2.23"))
                }
                state.slots[slot.id, default: BMCState.Slot()].bootOnNextReset = flag
                state.touch(path)
            }
            if body.count == 1 { return Handled(response: hpeSuccess()) }
        }
        let hasImage = body.keys.contains("Image")
        let image = body["Image"] as? String
        guard hasImage || body["Inserted"] != nil else {
            return Handled(response: error(.badRequest, "PropertyMissing", "The property Image is a required property and must be included in the request.",
                                           resolution: "Ensure that the property is in the request body and has a valid value and resubmit the request if the operation failed."))
        }
        if let image, !image.isEmpty {
            // F13: XCC Remote*/RDOC* slots are vKVM/upload only and refuse remote URLs.
            guard slot.acceptsRemoteURL else {
                return Handled(response: error(.badRequest, "ActionNotSupported", "The action Mount a remote image is not supported by the resource \(slot.id).",
                                               resolution: "Use an EXT slot for remote media."))
            }
            if let failure = occupied(slot, state: state) { return Handled(response: failure) }
            Self.mount(slotID: slot.id, image: image, inserted: (body["Inserted"] as? Bool) ?? true,
                       writeProtected: (body["WriteProtected"] as? Bool) ?? true, path: path, state: &state)
        } else if (hasImage && image == nil) || (body["Inserted"] as? Bool) == false {
            Self.unmount(slot.id, flavour: flavour, path: path, state: &state)
        }
        switch flavour {
        case .hpeILO4, .hpeILO5, .hpeILO6, .hpeILO7: return Handled(response: hpeSuccess())
        // §1.2: XCC answers 200 with the resource.
        case .lenovoXCC: return Handled(response: withETag(json(.ok, virtualMediaDocument(slot, state: state)), path: path, state: state))
        default: return Handled(response: SimulatedResponse(status: .noContent))
        }
    }

    // MARK: Responses

    func json(_ status: HTTPResponseStatus, _ object: [String: Any]) -> SimulatedResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        headers.add(name: "OData-Version", value: "4.0")
        return SimulatedResponse(status: status, headers: headers, body: Array(data))
    }

    /// A Redfish error with one `@Message.ExtendedInfo` entry; `registry` defaults to the flavour's Base registry.
    func error(_ status: HTTPResponseStatus, _ id: String, _ message: String, resolution: String, registry: String? = nil) -> SimulatedResponse {
        let messageID = "\(registry ?? flavour.baseRegistry).\(id)"
        let info: [String: Any] = [
            "@odata.type": "#Message.v1_1_1.Message", "MessageId": messageID, "Message": message, "MessageArgs": [String](),
            "Severity": "Critical", "MessageSeverity": "Critical", "Resolution": resolution,
        ]
        let code = flavour.isHPE ? "iLO.0.10.ExtendedInfo" : "\(flavour.baseRegistry).GeneralError"
        return json(status, ["error": ["code": code, "message": message, "@Message.ExtendedInfo": [info]] as [String: Any]])
    }

    /// §1.3: iLO 5 answers successful writes with 200 and an "error" envelope whose MessageId is Base.Success.
    func hpeSuccess() -> SimulatedResponse {
        json(.ok, ["error": ["code": "iLO.0.10.ExtendedInfo", "message": "See @Message.ExtendedInfo for more information.",
                             "@Message.ExtendedInfo": [["MessageId": "Base.1.4.Success"]]] as [String: Any]])
    }

    private func malformedJSON() -> SimulatedResponse {
        error(.badRequest, "MalformedJSON", "The request body submitted was malformed JSON and could not be parsed by the receiving service.",
              resolution: "Ensure that the request body is valid JSON and resubmit the request.")
    }

    private func propertyValueError(_ key: String, value: String) -> SimulatedResponse {
        error(.badRequest, "PropertyValueNotInList", "The value \(value) for the property \(key) is not in the list of acceptable values.",
              resolution: "Choose a value from the enumeration list that the implementation can support and resubmit the request if the operation failed.")
    }

    private func methodNotAllowed(allow: String) -> Handled {
        var response = error(.methodNotAllowed, "OperationNotAllowed", "The HTTP method is not allowed on this resource.",
                             resolution: "Use one of the methods in the Allow header.")
        response.headers.add(name: "Allow", value: allow)
        return Handled(response: response)
    }

    func jsonObject(_ body: [UInt8]) -> [String: Any]? {
        guard !body.isEmpty else { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    func nicID(_ index: Int) -> String {
        flavour.isDell ? "NIC.Integrated.1-\(index + 1)-1" : String(index + 1)
    }
}
