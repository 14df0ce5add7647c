import ESXi
import Foundation
import Inventory
import Redfish
import Testing
import TestSupport

/// `esxi_disk: "serial:…"` resolved against the recorded vendor drive documents (Fixtures/redfish): the serial's
/// drive must be exactly one, and its NAA/EUI durable name becomes the ESXi device id.
@Suite("Install disk by serial: resolution through the BMC's drives")
struct InstallDiskResolutionTests {
    static let dellBay0 = "/redfish/v1/Systems/System.Embedded.1/Storage/RAID.SL.3-1/Drives/Disk.Bay.0:Enclosure.Internal.0-1:RAID.SL.3-1"
    static let dellBOSS1 = "/redfish/v1/Systems/System.Embedded.1/Storage/AHCI.SL.6-1/Drives/Disk.Direct.1-1:AHCI.SL.6-1"
    static let lenovoM2 = "/redfish/v1/Systems/1/Storage/RAID_M2"
    static let lenovoDisk0 = "/redfish/v1/Systems/1/Storage/RAID_M2/Drives/Disk.0"

    static func inventory(_ set: String, _ change: (FakeBMC) -> Void = { _ in }) async throws -> SystemInventory {
        let bmc = try FakeBMC(set)
        change(bmc)
        return try await withDriver(bmc) { try await $0.inventory() }
    }

    /// Expected ids written from the fixture files by hand: `naa.`/`eui.` + the DurableName's hex digits in lower
    /// case, without Dell's `0x` prefix.
    @Test("a serial maps to naa./eui. + the drive's durable name (lower case, no 0x), ignoring the serial's case",
          arguments: [
            ("dell-idrac9-6x", "WBN0AB12", "naa.5000c500d1234567"),
            ("dell-idrac9-6x", "2210365AAA01", "eui.00a075013650aa01"),
            ("dell-idrac9-6x", "2210365aaa02", "eui.00a075013650aa02"),
            ("lenovo-xcc2", "S6ERNE0T200001", "naa.5002538f42000001"),
            ("lenovo-xcc2", " S6EWNA0T100001 ", "eui.0025384c21000001"),
          ])
    func resolves(set: String, serial: String, expected: String) async throws {
        let inventory = try await Self.inventory(set)
        #expect(try InstallDiskResolution.deviceID(forSerial: serial, in: inventory, host: "esx-01") == expected)
    }

    @Test("durable names written with byte separators resolve to the same id; a non-hex or FC_WWN-only name gives none")
    func durableNameForms() async throws {
        let colons = try await Self.inventory("dell-idrac9-6x") {
            mutate($0, Self.dellBay0, ["Identifiers": [["DurableNameFormat": "NAA", "DurableName": "50:00:C5:00:D1:23:45:67"]]])
        }
        #expect(try InstallDiskResolution.deviceID(forSerial: "WBN0AB12", in: colons, host: "h") == "naa.5000c500d1234567")
        for identifiers: JSONValue in [
            [["DurableNameFormat": "NAA", "DurableName": "not-a-wwn"]],
            [["DurableNameFormat": "FC_WWN", "DurableName": "50:00:C5:00:D1:23:45:67"]],
            [],
        ] {
            let inventory = try await Self.inventory("dell-idrac9-6x") { mutate($0, Self.dellBay0, ["Identifiers": identifiers]) }
            #expect(inventory.disks.last?.esxiDeviceID == nil)
            do {
                _ = try InstallDiskResolution.deviceID(forSerial: "WBN0AB12", in: inventory, host: "esx-01")
                Issue.record("resolved without a NAA/EUI name: \(identifiers)")
            } catch {
                #expect(error.description.contains("reports no NAA or EUI durable name"), "\(error)")
                #expect(error.description.contains("t10."), "\(error)")
            }
        }
    }

    @Test("no drive with the serial: the error names the host, lists every serial the BMC reported and the fix")
    func noMatch() async throws {
        let inventory = try await Self.inventory("dell-idrac9-6x")
        do {
            _ = try InstallDiskResolution.deviceID(forSerial: "5PJAMUHD", in: inventory, host: "esx-01")
            Issue.record("resolved")
        } catch {
            let text = error.description
            #expect(text.hasPrefix("esx-01: error: install disk serial:5PJAMUHD: no drive of this host has this serial number"), "\(text)")
            for serial in ["2210365AAA01", "2210365AAA02", "WBN0AB12 (ST2400MM0129, naa.5000c500d1234567)"] {
                #expect(text.contains(serial), "\(text)")
            }
            #expect(text.contains("— fix: check the serial with vmedia discover"), "\(text)")
        }
    }

    @Test("two drives reporting the same serial: refused, naming both drives")
    func severalMatches() async throws {
        let inventory = try await Self.inventory("dell-idrac9-6x") { mutate($0, Self.dellBOSS1, ["SerialNumber": "2210365AAA01"]) }
        do {
            _ = try InstallDiskResolution.deviceID(forSerial: "2210365AAA01", in: inventory, host: "esx-01")
            Issue.record("resolved")
        } catch {
            #expect(error.description.contains("2 drives report this serial number"), "\(error)")
            #expect(error.description.contains("Disk.Direct.0-0") && error.description.contains("Disk.Direct.1-1"), "\(error)")
            #expect(error.description.contains("write the naa./eui. id of the wanted drive"), "\(error)")
        }
    }

    @Test("a hosts-file plan with serial: renders --disk=\"naa.…\" once resolved against the recorded iDRAC drives")
    func planResolution() async throws {
        let yaml = """
            hosts:
              - ipmi: {vendor: dell, address: 10.0.1.5, username: root, password: calvin}
                esxi: {esxi_disk: "serial:WBN0AB12", password: "VMware1!", address: 10.0.0.10, gateway: 10.0.0.1,
                       netmask: 255.255.255.0, hostname: esxi-a, mgtnic: vmnic0}
            """
        let plan = try HostsFile.parse(yaml: yaml, file: "hosts.yaml", baseDirectory: "/nonexistent")[0]
        #expect(throws: KickstartError.self) { _ = try plan.renderKickstart() }
        let resolved = try plan.resolvingInstallDisk(with: try await Self.inventory("dell-idrac9-6x"))
        #expect(resolved.kickstart.installDisk == .device("naa.5000c500d1234567"))
        let text = try resolved.renderKickstart()
        #expect(text.contains("\ninstall --overwritevmfs --disk=\"naa.5000c500d1234567\"\n"), "\(text)")
        #expect(try KickstartFile.parse(text).interpret().installDisk == .device("naa.5000c500d1234567"))
        // Everything else of the plan is kept.
        #expect(resolved.hostname == plan.hostname && resolved.bmc == plan.bmc && resolved.kickstart.network == plan.kickstart.network)
    }
}

@Suite("discover: the esxi_disk suggestion is always a usable value")
struct DiskSuggestionTests {
    /// The Lenovo set with its M.2 kit turned into a second plain controller holding the same SSD model as the data
    /// disk: no boot device, two disks of one model.
    static func twoOfAModel(_ change: (FakeBMC) -> Void = { _ in }) async throws -> SystemInventory {
        try await InstallDiskResolutionTests.inventory("lenovo-xcc2") { bmc in
            mutate(bmc, InstallDiskResolutionTests.lenovoM2, ["Name": "RAID 940-8i", "StorageControllers": [["Model": "RAID 940-8i", "Name": "RAID 940-8i"]]])
            mutate(bmc, InstallDiskResolutionTests.lenovoDisk0, ["Model": "MZ7L33T8HBLT"])
            change(bmc)
        }
    }

    @Test("several disks of one model: the smallest one's eui./naa. id, which InstallDisk reads as that exact device")
    func sharedModelSuggestsDeviceID() async throws {
        let inventory = try await Self.twoOfAModel()
        #expect(inventory.disks.filter { $0.model == "MZ7L33T8HBLT" }.count == 2)
        let suggestion = try #require(inventory.suggestedESXiDisk)
        #expect(suggestion.value == "eui.0025384c21000001")
        #expect(suggestion.reason.contains("\"serial:S6EWNA0T100001\" selects the same drive"), "\(suggestion.reason)")
        #expect(InstallDisk(suggestion.value) == .device("eui.0025384c21000001"))
        #expect(inventory.yamlSnippet.contains("esxi_disk: \"eui.0025384c21000001\""))
        // The same drive reached through its serial gives the same id.
        #expect(try InstallDiskResolution.deviceID(forSerial: "S6EWNA0T100001", in: inventory, host: "h") == suggestion.value)
    }

    @Test("several disks of one model and no durable name: no suggestion (a shared model picks whichever ESXi lists first), with the reason")
    func sharedModelWithoutIDs() async throws {
        let inventory = try await Self.twoOfAModel { mutate($0, InstallDiskResolutionTests.lenovoDisk0, ["Identifiers": []]) }
        #expect(inventory.suggestedESXiDisk == nil)
        let advice = try #require(inventory.esxiDiskAdvice)
        #expect(advice.contains("share model MZ7L33T8HBLT") && advice.contains("no NAA/EUI name"), "\(advice)")
        #expect(inventory.yamlSnippet.contains("# esxi_disk: no safe suggestion"))
    }

    @Test("several disks of one model, the smallest inside a RAID volume: the model, not the member's own id")
    func sharedModelRAIDMember() async throws {
        let inventory = try await Self.twoOfAModel {
            mutate($0, InstallDiskResolutionTests.lenovoDisk0, ["Links": ["Volumes": [["@odata.id": "/redfish/v1/Systems/1/Storage/RAID_M2/Volumes/1"]]]])
        }
        #expect(inventory.suggestedESXiDisk == nil)
        let advice = try #require(inventory.esxiDiskAdvice)
        #expect(advice.contains("belongs to a RAID volume"), "\(advice)")
    }
}

@Suite("Install disk by serial: RAID members")
struct RAIDMemberTests {
    /// As HPE's iLOrest guide shows a Gen11 MR416i-p NVMe drive: colon-separated EUI and `Links.Volumes`.
    static func memberOfVolume() async throws -> SystemInventory {
        try await InstallDiskResolutionTests.inventory("dell-idrac9-6x") {
            mutate($0, InstallDiskResolutionTests.dellBay0, [
                "Identifiers": [["DurableNameFormat": "EUI", "DurableName": "01:CF:53:21:E2:8E:E3:8C"]],
                "Links": ["Volumes": [["@odata.id": "/redfish/v1/Systems/System.Embedded.1/Storage/RAID.SL.3-1/Volumes/Disk.Virtual.0:RAID.SL.3-1"]]],
            ])
        }
    }

    @Test("a drive inside a RAID volume is refused: ESXi sees the volume, so the drive's own id would be a wrong kickstart")
    func volumeMember() async throws {
        let inventory = try await Self.memberOfVolume()
        let disk = try #require(inventory.disks.first { $0.serialNumber == "WBN0AB12" })
        #expect(disk.esxiDeviceID == "eui.01cf5321e28ee38c")
        #expect(disk.volumes == ["/redfish/v1/Systems/System.Embedded.1/Storage/RAID.SL.3-1/Volumes/Disk.Virtual.0:RAID.SL.3-1"])
        do {
            _ = try InstallDiskResolution.deviceID(forSerial: "WBN0AB12", in: inventory, host: "esx-01")
            Issue.record("resolved a RAID member")
        } catch {
            #expect(error.description.contains("belongs to the volume /redfish/v1/Systems/System.Embedded.1/Storage/RAID.SL.3-1/Volumes/Disk.Virtual.0:RAID.SL.3-1"), "\(error)")
            #expect(error.description.contains("ESXi sees the volume, not the drive"), "\(error)")
        }
        // Drives of the same host outside any volume still resolve.
        #expect(try InstallDiskResolution.deviceID(forSerial: "2210365AAA01", in: inventory, host: "esx-01") == "eui.00a075013650aa01")
    }
}
