import Foundation
import Testing
import TestSupport

/// One-field edits to a valid ESXi image, as an attacker or a bad download would make them: `remaster`, `serve`
/// and `install` end with an error naming the field and its sector and exit 1, leave no output behind, and
/// `install` still writes its summary and JUnit. Before the editor checked these values, the first three
/// trapped (SIGILL, integer overflow in ImageEditPlanner) and the corrupt catalogs were published.
@Suite("Crafted ISOs are refused by remaster, serve and install", .serialized)
struct CraftedISOCommandTests {
    struct Craft: Sendable, CustomStringConvertible {
        let name: String
        /// Patches the image bytes given the boot catalog's sector.
        let patch: @Sendable (inout [UInt8], _ catalogSector: Int) -> Void
        /// Text the error must contain: the structure, the field and the sector.
        let expected: @Sendable (_ catalogSector: Int) -> [String]
        var description: String { name }
    }

    static let crafts: [Craft] = [
        Craft(name: "volume space size 0xFFFFFFFF", patch: { bytes, _ in
            // PVD at sector 16, both-endian field at bytes 80–87: image bytes 32848–32855.
            for offset in 32848..<32856 { bytes[offset] = 0xFF }
        }, expected: { _ in ["PrimaryVolumeDescriptor at sector 16", "volume space size", "4294967295"] }),
        Craft(name: "El Torito load RBA 0xFFFFFFFF", patch: { bytes, catalog in
            // Initial/default entry: catalog offset 32, load RBA at +8 (little-endian).
            for offset in 0..<4 { bytes[catalog * 2048 + 32 + 8 + offset] = 0xFF }
        }, expected: { catalog in ["InitialEntry at sector \(catalog)", "load RBA", "4294967295"] }),
        Craft(name: "boot catalog pointer 0xFFFFFFFF", patch: { bytes, _ in
            // Boot record at sector 17, catalog pointer at bytes 71–74.
            for offset in 0..<4 { bytes[17 * 2048 + 71 + offset] = 0xFF }
        }, expected: { _ in ["BootRecord at sector 17", "boot catalog pointer", "4294967295"] }),
        Craft(name: "validation entry checksum", patch: { bytes, catalog in
            // A changed ID string byte: the sixteen words no longer sum to zero (EDK2 rejects the catalog).
            bytes[catalog * 2048 + 4] ^= 0x01
        }, expected: { catalog in ["ValidationEntry at sector \(catalog)", "checksum"] }),
        Craft(name: "validation entry key", patch: { bytes, catalog in
            bytes[catalog * 2048 + 30] = 0x54
        }, expected: { catalog in ["ValidationEntry at sector \(catalog)", "key bytes"] }),
    ]

    /// A small vmedia fixture (ESXi 8.0 layout, El Torito BIOS + EFI) and the sector of its boot catalog.
    static func fixture(in directory: TemporaryDirectory) throws -> (path: String, catalogSector: Int) {
        let path = directory.file("VMware-VMvisor-Installer-8.0U3.iso")
        let run = try VMediaBinary.run(["fixture", "--esxi", "8.0", "--size", "8MiB", "--timestamp", "1700000000",
                                        "--json", "--output", path])
        try #require(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let catalog = try #require(report["bootCatalogSector"] as? Int)
        return (path, catalog)
    }

    static func crafted(_ craft: Craft, in directory: TemporaryDirectory) throws -> (path: String, expected: [String]) {
        let (source, catalog) = try fixture(in: directory)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source)))
        craft.patch(&bytes, catalog)
        let path = directory.file("crafted.iso")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, craft.expected(catalog))
    }

    /// A hosts file whose BMC is a closed loopback port: nothing may be contacted, and nothing outside 127/8 could be.
    static func hostsFile(in directory: TemporaryDirectory) throws -> String {
        let path = directory.file("hosts.yaml")
        try """
            simulated: true
            hosts:
              - ipmi: {vendor: generic, address: "https://127.0.0.1:9", username: root, password: Bmc-Secret-1}
                esxi: {esxi_disk: "local", password: "Root-Secret-1", address: 127.0.99.10, gateway: 127.0.99.1, netmask: 255.255.255.0, hostname: esx-crafted, mgtnic: vmnic0}

            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("remaster: a clear error naming the field and sector, exit 1, no output folder", arguments: crafts)
    func remaster(_ craft: Craft) throws {
        let directory = try TemporaryDirectory()
        let (iso, expected) = try Self.crafted(craft, in: directory)
        let before = try Data(contentsOf: URL(fileURLWithPath: iso))
        let output = directory.file("out")
        let run = try VMediaBinary.run(["remaster", "--config", try Self.hostsFile(in: directory), "--iso", iso, "--output", output])
        #expect(run.status == 1, "exit \(run.status): \(run.stderr)")
        for text in expected { #expect(run.stderr.contains(text), "\(craft): stderr lacks \"\(text)\": \(run.stderr)") }
        #expect(run.stderr.contains("Fix:"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output), "\(craft): remaster left \(output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: iso)) == before, "the source ISO must never change")
    }

    @Test("serve: refuses before listening, exit 1", arguments: crafts)
    func serve(_ craft: Craft) throws {
        let directory = try TemporaryDirectory()
        let (iso, expected) = try Self.crafted(craft, in: directory)
        let run = try VMediaBinary.run(["serve", "--config", try Self.hostsFile(in: directory), "--iso", iso,
                                        "--listen", "127.0.0.1:0", "--advertise", "127.0.0.1"])
        #expect(run.status == 1, "exit \(run.status): \(run.stderr)")
        for text in expected { #expect(run.stderr.contains(text), "\(craft): stderr lacks \"\(text)\": \(run.stderr)") }
        #expect(!run.stdout.contains("http://"), "serve published a URL: \(run.stdout)")
    }

    @Test("install: exit 1 before any BMC contact, with the JSON summary and a JUnit failure per host", arguments: crafts)
    func install(_ craft: Craft) throws {
        let directory = try TemporaryDirectory()
        let (iso, expected) = try Self.crafted(craft, in: directory)
        let junit = directory.file("results.xml")
        let run = try VMediaBinary.run(["install", "--config", try Self.hostsFile(in: directory), "--iso", iso,
                                        "--listen", "127.0.0.1:0", "--json", "--junit", junit])
        #expect(run.status == 1, "exit \(run.status): \(run.stderr)")
        for text in expected { #expect(run.stderr.contains(text), "\(craft): stderr lacks \"\(text)\": \(run.stderr)") }
        let last = try #require(run.stdout.split(separator: "\n").last, "no summary line: \(run.stdout)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        #expect(summary["summary"] as? Bool == true)
        #expect(summary["failed"] as? Int == 1)
        let hosts = try #require(summary["hosts"] as? [[String: Any]])
        let failure = hosts.first?["failure"] as? String ?? ""
        #expect(failure.contains(expected[0]), "\(hosts)")
        let xml = try Peer.run([try Peer.tool("python3"), "-c", """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            case = root.find(".//testcase")
            print(root.get("tests"), root.get("failures"), case.get("name"), case.find("failure").get("type"))
            """, junit])
        #expect(xml.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1 1 esx-crafted validate", "\(xml.stdout)\(xml.stderr)")
        #expect(!run.stdout.contains("Bmc-Secret-1") && !run.stderr.contains("Bmc-Secret-1"))
    }

    @Test("inspect --verify reports the volume space size past the file")
    func inspectVerify() throws {
        let directory = try TemporaryDirectory()
        let (iso, _) = try Self.crafted(Self.crafts[0], in: directory)
        let run = try VMediaBinary.run(["inspect", iso, "--verify"])
        #expect(run.status != 0, "\(run.stdout)")
        #expect((run.stdout + run.stderr).contains("volume space size"), "\(run.stdout)\(run.stderr)")
    }
}
