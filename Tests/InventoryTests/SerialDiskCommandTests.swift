import Foundation
import Testing
import TestSupport

/// The commands that never talk to a BMC, given a host whose esxi_disk is a serial number, run as a user runs them.
@Suite("Offline commands and esxi_disk: \"serial:…\"")
struct SerialDiskCommandTests {
    static func hostsFile(in directory: TemporaryDirectory) throws -> String {
        let config = directory.file("hosts.yaml")
        try """
            hosts:
              - ipmi: {vendor: dell, address: 10.0.1.5, username: root, password: calvin}
                esxi: {esxi_disk: "serial:WBN0AB12", password: "VMware1!", address: 192.0.2.10, gateway: 192.0.2.1,
                       netmask: 255.255.255.0, hostname: esx-serial, mgtnic: vmnic0}
              - ipmi: {vendor: dell, address: 10.0.1.6, username: root, password: calvin}
                esxi: {esxi_disk: "DELLBOSS VD", password: "VMware1!", address: 192.0.2.11, gateway: 192.0.2.1,
                       netmask: 255.255.255.0, hostname: esx-model, mgtnic: vmnic0}

            """.write(toFile: config, atomically: true, encoding: .utf8)
        return config
    }

    @Test("validate accepts the file and lists the serial; --json shows it as serial:…")
    func validate() throws {
        let directory = try TemporaryDirectory()
        let config = try Self.hostsFile(in: directory)
        let text = try VMediaBinary.run(["validate", "--config", config])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("esx-serial 192.0.2.10  disk serial:WBN0AB12  nic vmnic0"), "\(text.stdout)")
        #expect(text.stdout.contains("disk --firstdisk=\"DELLBOSS VD\""), "\(text.stdout)")
        let json = try VMediaBinary.run(["validate", "--config", config, "--json"])
        let hosts = (try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])?["hosts"] as? [[String: Any]]
        #expect(hosts?.map { $0["installDisk"] as? String } == ["serial:WBN0AB12", "--firstdisk=\"DELLBOSS VD\""])
    }

    @Test("kickstart, remaster and serve refuse the serial host before reading the ISO, naming the fix; other hosts still work")
    func refuse() throws {
        let directory = try TemporaryDirectory()
        let config = try Self.hostsFile(in: directory)
        // Not an ISO: the refusal must come before the image is even opened.
        let iso = directory.file("not-an-iso.iso")
        try Data("x".utf8).write(to: URL(fileURLWithPath: iso))
        let runs: [(String, [String])] = [
            ("kickstart", ["kickstart", "--config", config, "--host", "esx-serial"]),
            ("remaster", ["remaster", "--config", config, "--iso", iso, "--output", directory.file("out")]),
            ("serve", ["serve", "--config", config, "--iso", iso, "--listen", "127.0.0.1:0", "--advertise", "127.0.0.1"]),
        ]
        for (command, arguments) in runs {
            let result = try VMediaBinary.run(arguments, timeout: 30)
            #expect(result.status == 1, "\(command): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.isEmpty, "\(command) printed: \(result.stdout)")
            #expect(result.stderr.contains("host 0 (esx-serial): esxi_disk serial:WBN0AB12 is a drive serial number"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("vmedia \(command) does not contact BMCs"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("vmedia discover --config \(config) --host esx-serial"), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("cannot remaster"), "\(command): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("out")))
        let other = try VMediaBinary.run(["kickstart", "--config", config, "--host", "esx-model"])
        #expect(other.status == 0 && other.stdout.contains("install --overwritevmfs --firstdisk=\"DELLBOSS VD\"\n"), "\(other.stderr)")
    }
}
