import Foundation
import Testing
import TestSupport

/// sushy-tools 2.2's static storage as an independent Redfish service: its drive template reports the same
/// SerialNumber ("1234570") and model ("C123") for every drive and no Identifiers at all, the worst case a BMC can
/// present to `esxi_disk: "serial:…"`.
@Suite("esxi_disk serial: against sushy-emulator's static drives", .serialized)
struct SushySerialDiskTests {
    static let drives = """
        SUSHY_EMULATOR_STORAGE = {'27946b59-9e44-4fa7-8e91-f3527a1ef094': [{'Id': '1', 'Name': 'Local Storage Controller', 'StorageControllers': [{'MemberId': '0', 'Name': 'Contoso Integrated RAID', 'SpeedGbps': 12}], 'Drives': ['32ADF365C6C1B7BD', '58CFF987C6C1B7BE']}]}
        SUSHY_EMULATOR_DRIVES = {('27946b59-9e44-4fa7-8e91-f3527a1ef094', '1'): [{'Id': '32ADF365C6C1B7BD', 'Name': 'Drive Sample', 'CapacityBytes': 899527000000, 'Protocol': 'SAS'}, {'Id': '58CFF987C6C1B7BE', 'Name': 'Drive Sample', 'CapacityBytes': 899527000000, 'Protocol': 'SAS'}]}

        """

    @Test("discover suggests no disk when two share a model without ids (never the model, never the bare serial), and says why; install with serial: fails that host in the BMC check, before any insert")
    func sharedSerialNoIdentifiers() async throws {
        try SushyEmulator.checkPeers()
        let sushy = try await offPool { try SushyEmulator(extraConfig: Self.drives) }
        defer { sushy.stop() }
        // What the emulator itself serves, read with curl: the premise of this test.
        let drive = try await sushy.read(SushyEmulator.system + "/Storage/1/Drives/58CFF987C6C1B7BE")
        try #require(drive["SerialNumber"] as? String == "1234570" && drive["Identifiers"] == nil, "\(drive)")

        let discover = try await sushy.vmedia(["--json"], command: "discover")
        #expect(discover.status == 0, "\(discover.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: discover.stdoutData) as? [String: Any])
        let inventory = try #require(json["inventory"] as? [String: Any], "\(discover.stdout)")
        #expect((inventory["disks"] as? [Any])?.count == 2)
        #expect(inventory["esxiDisk"] == nil, "\(inventory)")
        #expect((inventory["esxiDiskAdvice"] as? String)?.contains("2 disks share model C123") == true, "\(inventory)")

        let iso = sushy.dir.file("esxi.iso")
        let fixture = try await runVMedia(["fixture", "--esxi", "8.0", "--output", iso, "--size", "8MiB"])
        try #require(fixture.status == 0, "\(fixture.stderr)")
        let hosts = sushy.dir.file("hosts.yaml")
        try Data("""
            hosts:
              - ipmi: {vendor: generic, address: "\(sushy.base)", username: admin, password: "${SUSHY_PW}"}
                esxi: {esxi_disk: "serial:1234570", password: "VMware1!", address: 192.0.2.20, gateway: 192.0.2.1,
                       netmask: 255.255.255.0, hostname: esxi-a, mgtnic: vmnic0}
            """.utf8).write(to: URL(fileURLWithPath: hosts))
        let install = try await runVMedia(["install", "--config", hosts, "--iso", iso, "--listen", "127.0.0.1:0", "--any-peer",
                                           "--until", "media-read", "--json"], environment: ["SUSHY_PW": SushyEmulator.password], timeout: 300)
        #expect(install.status == 1, "\(install.stdout)\(install.stderr)")
        #expect(install.stdout.contains("2 drives report this serial number"), "\(install.stdout)")
        #expect(install.stdout.contains("Drives/32ADF365C6C1B7BD") && install.stdout.contains("Drives/58CFF987C6C1B7BE"), "\(install.stdout)")
        #expect(!sushy.emulator!.output.contains("InsertMedia"), "nothing may be inserted: \(sushy.emulator!.output)")
    }
}
