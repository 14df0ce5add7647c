import Foundation
import Redfish
import Testing

let isoURL = "http://127.0.0.1:8080/esx-01/4f2a9c/esxi.iso"
let login = FakeBMC.Recorded(method: "POST", uri: "/redfish/v1/SessionService/Sessions",
                             body: #"{"Password":"secret-pw","UserName":"admin"}"#, ifMatch: nil)
let logout = FakeBMC.Recorded(method: "DELETE", uri: "/redfish/v1/SessionService/Sessions/1", body: nil, ifMatch: nil)
func write(_ method: String, _ uri: String, _ body: String?, ifMatch: String? = nil) -> FakeBMC.Recorded {
    FakeBMC.Recorded(method: method, uri: uri, body: body, ifMatch: ifMatch)
}
let fullInsert = #"{"Image":"\#(isoURL)","Inserted":true,"WriteProtected":true}"#
let bootOnceCd = #"{"Boot":{"BootSourceOverrideEnabled":"Once","BootSourceOverrideTarget":"Cd"}}"#
/// The SCP import body that boots the virtual CD once on a Dell iDRAC (no insignificant whitespace in the XML).
let scpBootOnce = #"{"ImportBuffer":"<SystemConfiguration><Component FQDD=\"iDRAC.Embedded.1\"><Attribute Name=\"ServerBoot.1#BootOnce\">Enabled</Attribute><Attribute Name=\"ServerBoot.1#FirstBootDevice\">VCD-DVD</Attribute></Component></SystemConfiguration>","ShareParameters":{"Target":["IDRAC"]}}"#

/// Runs the install sequence: eject all → insert → boot once CD → power (on when off, force restart when on).
@discardableResult
func installSequence(_ bmc: FakeBMC, expectedVendor: Vendor? = nil) async throws -> BMCDriver {
    let client = RedfishClient.fake(bmc)
    return try await client.withSession { client in
        let driver = try await BMCDriver.connect(client: client, expectedVendor: expectedVendor)
        try await driver.ejectAll()
        let slot = try await driver.insert(url: isoURL)
        #expect(slot.image == isoURL)
        try await driver.setOneTimeBoot(.cd)
        if try await driver.powerState() == "Off" { try await driver.powerOn() } else { try await driver.forceRestart() }
        #expect(try await driver.powerState() == "On")
        return driver
    }
}

@Suite("Recorded vendor BMCs: exact write sequence of eject → insert → boot once → power")
struct VendorFlowTests {
    @Test("Dell iDRAC9 4.x: Manager slot CD, SCP VCD-DVD one-time boot with job polling, ForceRestart")
    func dellIDRAC9Firmware4() async throws {
        let bmc = try FakeBMC("dell-idrac9-4x")
        let driver = try await installSequence(bmc)
        #expect(driver.profile.vendor == .dell && driver.profile.generation == "iDRAC9")
        let m = "/redfish/v1/Managers/iDRAC.Embedded.1"
        #expect(bmc.writes == [
            login,
            write("POST", m + "/VirtualMedia/CD/Actions/VirtualMedia.EjectMedia", "{}"),
            write("POST", m + "/VirtualMedia/CD/Actions/VirtualMedia.InsertMedia", fullInsert),
            write("POST", m + "/Actions/Oem/EID_674_Manager.ImportSystemConfiguration", scpBootOnce),
            write("POST", "/redfish/v1/Systems/System.Embedded.1/Actions/ComputerSystem.Reset", #"{"ResetType":"ForceRestart"}"#),
            logout,
        ])
        #expect(bmc.log.contains { $0.method == "GET" && $0.uri == "/redfish/v1/TaskService/Tasks/JID_471269252011" })
    }

    @Test("Dell iDRAC9 6.x: System slot 1 although /2 is listed first, SCP VCD-DVD import (key without #), On")
    func dellIDRAC9Firmware6() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        try await installSequence(bmc)
        let s = "/redfish/v1/Systems/System.Embedded.1", m = "/redfish/v1/Managers/iDRAC.Embedded.1"
        #expect(bmc.writes == [
            login,
            write("POST", s + "/VirtualMedia/1/Actions/VirtualMedia.EjectMedia", "{}"),
            write("POST", s + "/VirtualMedia/1/Actions/VirtualMedia.InsertMedia", fullInsert),
            write("POST", m + "/Actions/Oem/EID_674_Manager.ImportSystemConfiguration", scpBootOnce),
            write("POST", s + "/Actions/ComputerSystem.Reset", #"{"ResetType":"On"}"#),
            logout,
        ])
    }

    @Test("Dell iDRAC10: slot 1 only, SCP import at OemManager.ImportSystemConfiguration, no If-Match on actions")
    func dellIDRAC10() async throws {
        let bmc = try FakeBMC("dell-idrac10")
        let driver = try await installSequence(bmc)
        #expect(driver.profile.generation == "iDRAC10")
        let s = "/redfish/v1/Systems/System.Embedded.1", m = "/redfish/v1/Managers/iDRAC.Embedded.1"
        #expect(bmc.writes == [
            login,
            write("POST", s + "/VirtualMedia/2/Actions/VirtualMedia.EjectMedia", "{}"),
            write("POST", s + "/VirtualMedia/1/Actions/VirtualMedia.InsertMedia", fullInsert),
            write("POST", m + "/Actions/Oem/OemManager.ImportSystemConfiguration", scpBootOnce),
            write("POST", s + "/Actions/ComputerSystem.Reset", #"{"ResetType":"On"}"#),
            logout,
        ])
    }

    @Test("Lenovo XCC: EXT slots by PATCH with If-Match (RDOC/Remote skipped), ForceRestart")
    func lenovoXCC() async throws {
        let bmc = try FakeBMC("lenovo-xcc")
        bmc.requireIfMatch = true
        let driver = try await installSequence(bmc)
        #expect(driver.profile.generation == "XCC")
        let vm = "/redfish/v1/Managers/1/VirtualMedia"
        #expect(bmc.writes == [
            login,
            write("PATCH", vm + "/EXT1", #"{"Image":null,"Inserted":false}"#, ifMatch: "\"v0\""),
            write("PATCH", vm + "/EXT1", fullInsert, ifMatch: "\"v1\""),
            write("PATCH", "/redfish/v1/Systems/1", bootOnceCd, ifMatch: "\"v0\""),
            write("POST", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset", #"{"ResetType":"ForceRestart"}"#),
            logout,
        ])
    }

    @Test("Lenovo XCC2: System EXT slots by PATCH, On")
    func lenovoXCC2() async throws {
        let bmc = try FakeBMC("lenovo-xcc2")
        bmc.requireIfMatch = true
        let driver = try await installSequence(bmc)
        #expect(driver.profile.generation == "XCC2")
        let vm = "/redfish/v1/Systems/1/VirtualMedia"
        #expect(bmc.writes == [
            login,
            write("PATCH", vm + "/EXT1", #"{"Image":null,"Inserted":false}"#, ifMatch: "\"v0\""),
            write("PATCH", vm + "/EXT1", fullInsert, ifMatch: "\"v1\""),
            write("PATCH", "/redfish/v1/Systems/1", bootOnceCd, ifMatch: "\"v0\""),
            write("POST", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset", #"{"ResetType":"On"}"#),
            logout,
        ])
    }

    @Test("HPE iLO 5: Manager slot 2, BootOnNextServerReset on the slot, then the Boot PATCH, ForceRestart")
    func hpeILO5() async throws {
        let bmc = try FakeBMC("hpe-ilo5")
        bmc.etagStyle = "weak"
        let driver = try await installSequence(bmc)
        #expect(driver.profile.generation == "iLO 5")
        let vm = "/redfish/v1/Managers/1/VirtualMedia/2"
        #expect(bmc.writes == [
            login,
            write("POST", vm + "/Actions/VirtualMedia.EjectMedia", "{}"),
            write("POST", vm + "/Actions/VirtualMedia.InsertMedia", fullInsert),
            write("PATCH", vm, #"{"Oem":{"Hpe":{"BootOnNextServerReset":true}}}"#, ifMatch: "W/\"v2\""),
            write("PATCH", "/redfish/v1/Systems/1", bootOnceCd, ifMatch: "W/\"v0\""),
            write("POST", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset", #"{"ResetType":"ForceRestart"}"#),
            logout,
        ])
    }

    @Test("Supermicro X12: Image-only insert, UsbCd with mode re-asserted, Reset types from ActionInfo")
    func supermicroX12() async throws {
        let bmc = try FakeBMC("supermicro-x12")
        let driver = try await installSequence(bmc)
        #expect(driver.profile.generation == "X12")
        let vm = "/redfish/v1/Managers/1/VirtualMedia/CD1"
        #expect(bmc.writes == [
            login,
            write("POST", vm + "/Actions/VirtualMedia.EjectMedia", "{}"),
            write("POST", vm + "/Actions/VirtualMedia.InsertMedia", #"{"Image":"\#(isoURL)"}"#),
            write("PATCH", "/redfish/v1/Systems/1", #"{"Boot":{"BootSourceOverrideEnabled":"Once","BootSourceOverrideMode":"UEFI","BootSourceOverrideTarget":"UsbCd"}}"#, ifMatch: "\"v0\""),
            write("POST", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset", #"{"ResetType":"On"}"#),
            logout,
        ])
    }

    @Test("generic DMTF service without sessions: HTTP Basic on every request, System slot CD1")
    func generic() async throws {
        let bmc = try FakeBMC("generic")
        bmc.etagStyle = nil
        let driver = try await installSequence(bmc)
        #expect(driver.profile.vendor == .generic)
        let s = "/redfish/v1/Systems/437XR1138R2"
        #expect(bmc.writes == [
            write("POST", s + "/VirtualMedia/CD1/Actions/VirtualMedia.EjectMedia", "{}"),
            write("POST", s + "/VirtualMedia/CD1/Actions/VirtualMedia.InsertMedia", fullInsert),
            write("PATCH", s, bootOnceCd),
            write("POST", s + "/Actions/ComputerSystem.Reset", #"{"ResetType":"ForceRestart"}"#),
        ])
    }
}
