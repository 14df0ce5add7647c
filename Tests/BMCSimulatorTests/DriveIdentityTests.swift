import BMCSimulator
import Foundation
import Testing
import TestSupport

/// The simulated drives carry what real BMCs report (Fixtures/redfish/dell-idrac9-6x): a serial number per drive
/// and, for SAS drives, an NAA durable name, the same id the simulated installer accepts in `install --disk=`.
@Suite("Simulated drives: serials, NAA ids and install --disk=")
struct DriveIdentityTests {
    @Test("every drive document has its serial; naa. drives an NAA durable name of 16 hex digits; two data disks share a model",
          arguments: [VendorFlavor.dellIDRAC9, .lenovoXCC, .generic])
    func driveDocuments(flavour: VendorFlavor) async throws {
        let index = 61 + [VendorFlavor.dellIDRAC9, .lenovoXCC, .generic].firstIndex(of: flavour)!
        let configuration = BMCConfiguration(name: "drives-\(index)", flavour: flavour, address: "127.0.40.\(index)", port: 8080,
                                             useTLS: false, password: "pw", index: index, esxiPort: 9443)
        let bmc = try SimulatedBMC(configuration: configuration)
        try await bmc.start()
        defer { Task { await bmc.stop() } }
        let client = CurlClient(baseURL: bmc.baseURL, user: "root", password: "pw")
        let systems = try await client.send("GET", "/redfish/v1/Systems", basicAuth: true).json
        let system = try #require((systems["Members"] as? [[String: Any]])?.first?["@odata.id"] as? String)
        let storage = try await client.send("GET", system + "/Storage/1", basicAuth: true).json
        let links = try #require(storage["Drives"] as? [[String: Any]]).compactMap { $0["@odata.id"] as? String }
        #expect(links.count == configuration.inventory.disks.count)
        var naaBySerial: [String: String] = [:]
        var models: [String] = []
        for (link, disk) in zip(links, configuration.inventory.disks) {
            let drive = try await client.send("GET", link, basicAuth: true).json
            let serial = try #require(drive["SerialNumber"] as? String)
            #expect(serial == disk.serialNumber && !serial.isEmpty)
            models.append(drive["Model"] as? String ?? "")
            let identifiers = drive["Identifiers"] as? [[String: Any]] ?? []
            if disk.deviceName.hasPrefix("naa.") {
                let naa = try #require(identifiers.first { $0["DurableNameFormat"] as? String == "NAA" }?["DurableName"] as? String)
                #expect(naa.count == 16 && naa.allSatisfy(\.isHexDigit), "\(naa)")
                #expect("naa." + naa.lowercased() == disk.deviceName)
                naaBySerial[serial] = naa
            } else {
                #expect(identifiers.isEmpty, "t10. names have no Redfish durable name")
            }
        }
        #expect(naaBySerial.count == 2 && Set(naaBySerial.values).count == 2)
        #expect(Dictionary(grouping: models, by: { $0 }).values.contains { $0.count == 2 })
    }

    @Test("install --disk=naa.… of a drive the host has installs on exactly that drive")
    func installByDeviceID() async throws {
        let index = 65
        // The second of the two identical data disks: only its id tells it apart.
        let wanted = HostInventory.standard(for: .generic, index: index).disks[2]
        #expect(wanted.deviceName.hasPrefix("naa."))
        var scenario = BootCheckTests.Scenario()
        scenario.kickstart.disk = "--disk=\"\(wanted.deviceName)\""
        let (bmc, phase, _) = try await BootCheckTests().boot(scenario, index: index, expectRunning: true)
        #expect(phase == .running(address: "127.0.41.\(index)", port: 9443), "\(bmc.log)")
        #expect(bmc.log.contains { $0.hasPrefix("Installing ESXi on \(wanted.deviceName),") }, "\(bmc.log)")
        await bmc.stop()
    }
}
