import BMCSimulator
import Foundation
import Testing
import TestSupport

/// A small Redfish client written from redfish-vendors.md §0 and §5 (discover, session, eject all, insert, one-time
/// boot, power on) over curl. It reads only the documents the simulator serves, so a simulator that drifts from
/// the vendor shapes breaks it. It is the tests' reference, not the product's driver.
struct ReferenceFlow {
    var client: CurlClient
    let password: String
    var sessionLocation: String?

    init(bmc: SimulatedBMC, password: String) {
        client = CurlClient(baseURL: bmc.baseURL, user: bmc.configuration.username, password: password)
        self.password = password
    }

    struct Discovery {
        var systemPath: String
        var system: [String: Any]
        var slotPath: String
        var slot: [String: Any]
        var vendor: String?
    }

    mutating func login() async throws {
        let root = try await client.send("GET", "/redfish/v1").json
        let links = root["Links"] as? [String: Any]
        let sessions = ((links?["Sessions"] as? [String: Any])?["@odata.id"] as? String) ?? "/redfish/v1/SessionService/Sessions"
        let reply = try await client.send("POST", sessions, json: ["UserName": client.user!, "Password": password])
        guard reply.status == 201, let token = reply.header("X-Auth-Token"), let location = reply.header("Location") else {
            throw TestFailure("session login failed: \(reply.status) \(reply.body)")
        }
        client.token = token
        sessionLocation = location
    }

    mutating func logout() async throws {
        guard let location = sessionLocation else { return }
        let reply = try await client.send("DELETE", location)
        guard [200, 204].contains(reply.status) else { throw TestFailure("logout failed: \(reply.status) \(reply.body)") }
        sessionLocation = nil
        client.token = nil
    }

    func discover() async throws -> Discovery {
        let root = try await client.send("GET", "/redfish/v1").json
        let systems = try await client.send("GET", ref(root["Systems"])).json
        let systemPath = ref((systems["Members"] as? [Any])?.first)
        let system = try await client.send("GET", systemPath).json
        var collection = ref(system["VirtualMedia"])
        if collection.isEmpty {
            let links = system["Links"] as? [String: Any]
            let manager = try await client.send("GET", ref((links?["ManagedBy"] as? [Any])?.first)).json
            collection = ref(manager["VirtualMedia"])
        }
        let vendor = root["Vendor"] as? String
        let members = (try await client.send("GET", collection).json["Members"] as? [Any] ?? []).map(ref)
        for member in members {
            let slot = try await client.send("GET", member).json
            let id = slot["Id"] as? String ?? ""
            let types = slot["MediaTypes"] as? [String] ?? []
            guard types.contains("CD") || types.contains("DVD") else { continue }
            // F13: only EXT slots take URLs on an XCC (the AMI BMC of Lenovo's AMD servers has CD1…CD4 instead).
            if vendor == "Lenovo" && members.contains(where: { $0.hasSuffix("/EXT1") }) && !id.hasPrefix("EXT") { continue }
            // iDRAC9 ≥ 6 and iDRAC10 number their slots 1/2 and boot only slot 1 (§7).
            if vendor == "Dell" && members.contains(where: { $0.hasSuffix("/VirtualMedia/1") }) && id != "1" { continue }
            return Discovery(systemPath: systemPath, system: system, slotPath: member, slot: slot, vendor: vendor)
        }
        throw TestFailure("no CD slot found in \(members)")
    }

    /// Ejects every slot that holds media: the action when present, else PATCH with If-Match.
    func ejectAll() async throws {
        let discovery = try await discover()
        let slotsPath = (discovery.slotPath as NSString).deletingLastPathComponent
        for member in (try await client.send("GET", slotsPath).json["Members"] as? [Any] ?? []).map(ref) {
            let get = try await client.send("GET", member)
            let slot = get.json
            let occupied = slot["Inserted"] as? Bool == true || (slot["ConnectedVia"] as? String ?? "NotConnected") != "NotConnected"
            guard occupied else { continue }
            let actions = slot["Actions"] as? [String: Any]
            // iLO 4 lists its eject only under Oem.Hp.Actions (§7).
            let hp = ((slot["Oem"] as? [String: Any])?["Hp"] as? [String: Any])?["Actions"] as? [String: Any]
            let oemEject = (hp?["#HpiLOVirtualMedia.EjectVirtualMedia"] as? [String: Any])?["target"] as? String
            if let oemEject, actions?["#VirtualMedia.EjectMedia"] == nil {
                let reply = try await client.send("POST", oemEject, json: [String: Any]())
                guard reply.status < 300 else { throw TestFailure("OEM eject failed: \(reply.status) \(reply.body)") }
            } else if let eject = actions?["#VirtualMedia.EjectMedia"] as? [String: Any], let target = eject["target"] as? String {
                let reply = try await client.send("POST", target, json: [String: Any]())
                guard reply.status < 300 else { throw TestFailure("eject failed: \(reply.status) \(reply.body)") }
            } else {
                let reply = try await client.send("PATCH", member, json: ["Image": NSNull(), "Inserted": false],
                                            headers: ["If-Match": get.header("ETag") ?? "*"])
                guard reply.status < 300 else { throw TestFailure("eject PATCH failed: \(reply.status) \(reply.body)") }
            }
        }
    }

    func insert(_ url: String, imageOnly: Bool) async throws -> CurlClient.Reply {
        let discovery = try await discover()
        let actions = discovery.slot["Actions"] as? [String: Any]
        let body: [String: Any] = imageOnly ? ["Image": url] : ["Image": url, "Inserted": true, "WriteProtected": true]
        if let insert = actions?["#VirtualMedia.InsertMedia"] as? [String: Any], let target = insert["target"] as? String {
            return try await client.send("POST", target, json: body)
        }
        let etag = try await client.send("GET", discovery.slotPath).header("ETag") ?? "*"
        return try await client.send("PATCH", discovery.slotPath, json: body, headers: ["If-Match": etag])
    }

    /// One-time boot to the virtual CD: on the Settings object when the System advertises one (iDRAC10, F6), with
    /// UsbCd when the allowable targets offer it (Supermicro, §1.4), always with If-Match from a fresh GET.
    func bootOnceFromCD() async throws -> CurlClient.Reply {
        let discovery = try await discover()
        if discovery.vendor == "Dell" {
            // §1.1/§7: the virtual CD boots once only through the SCP import (BootOnce + FirstBootDevice VCD-DVD).
            let links = discovery.system["Links"] as? [String: Any]
            let manager = try await client.send("GET", ref((links?["ManagedBy"] as? [Any])?.first)).json
            let oem = (manager["Actions"] as? [String: Any])?["Oem"] as? [String: Any] ?? [:]
            guard let action = oem.first(where: { $0.key.hasSuffix("ImportSystemConfiguration") })?.value as? [String: Any],
                  let target = action["target"] as? String else { throw TestFailure("no ImportSystemConfiguration action on the iDRAC manager") }
            let xml = #"<SystemConfiguration><Component FQDD="iDRAC.Embedded.1"><Attribute Name="ServerBoot.1#BootOnce">Enabled</Attribute>"#
                + #"<Attribute Name="ServerBoot.1#FirstBootDevice">VCD-DVD</Attribute></Component></SystemConfiguration>"#
            return try await client.send("POST", target, json: ["ShareParameters": ["Target": ["IDRAC"]], "ImportBuffer": xml])
        }
        if discovery.vendor == "HPE" {
            // §1.3: the slot's own BootOnNextServerReset (the only one-time boot iLO 6 takes, §7).
            let etag = try await client.send("GET", discovery.slotPath).header("ETag") ?? "*"
            let key = (discovery.slot["Oem"] as? [String: Any])?["Hp"] != nil ? "Hp" : "Hpe"   // iLO 4 (Gen9) spells it Hp
            let flag = try await client.send("PATCH", discovery.slotPath, json: ["Oem": [key: ["BootOnNextServerReset": true]]],
                                             headers: ["If-Match": etag])
            guard flag.status < 300 else { return flag }
            if (discovery.system["Model"] as? String ?? "").hasSuffix("Gen11") { return flag }
        }
        let settings = ((discovery.system["@Redfish.Settings"] as? [String: Any])?["SettingsObject"] as? [String: Any])?["@odata.id"] as? String
        let path = settings ?? discovery.systemPath
        let get = try await client.send("GET", path)
        let boot = get.json["Boot"] as? [String: Any] ?? [:]
        let allowed = boot["BootSourceOverrideTarget@Redfish.AllowableValues"] as? [String] ?? []
        let target = allowed.contains("UsbCd") ? "UsbCd" : "Cd"
        return try await client.send("PATCH", path, json: ["Boot": ["BootSourceOverrideEnabled": "Once", "BootSourceOverrideTarget": target]],
                               headers: ["If-Match": get.header("ETag") ?? "*"])
    }

    func reset(_ type: String) async throws -> CurlClient.Reply {
        let discovery = try await discover()
        let target = ((discovery.system["Actions"] as? [String: Any])?["#ComputerSystem.Reset"] as? [String: Any])?["target"] as? String ?? ""
        return try await client.send("POST", target, json: ["ResetType": type])
    }

    private func ref(_ value: Any?) -> String {
        (value as? [String: Any])?["@odata.id"] as? String ?? ""
    }
}
