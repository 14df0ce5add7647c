import ESXi
import Foundation
import Inventory
import Testing
import TestSupport

/// `esxi_disk: "serial:<serial number>"`: parsed as a request the BMC must resolve, never rendered as a guess.
@Suite("Hosts file: install disk by serial number")
struct SerialDiskTests {
    static func withDisk(_ value: String) -> String {
        validHost.replacingOccurrences(of: "esxi_disk: \"DELLBOSS VD\"", with: "esxi_disk: \(value)")
    }

    @Test("serial:SERIAL (any case of the prefix, spaces after the colon trimmed) is a serial; the old tool's strings keep their meaning",
          arguments: [
            ("\"serial:5PJAMUHD\"", InstallDisk.serial("5PJAMUHD")),
            ("\"SERIAL: 5PJAMUHD\"", .serial("5PJAMUHD")),
            ("serial:S6ERNE0T200001", .serial("S6ERNE0T200001")),
            ("\"DELLBOSS VD\"", .firstDisk("DELLBOSS VD")),
            ("\"ThinkSystem M.2\"", .firstDisk("ThinkSystem M.2")),
            ("naa.5000cca291e10521", .device("naa.5000cca291e10521")),
            ("t10.ATA_____DISK_____SERIAL1", .device("t10.ATA_____DISK_____SERIAL1")),
            ("local", .firstDisk("local")),
          ])
    func parses(value: String, expected: InstallDisk) throws {
        let plans = try load(Self.withDisk(value))
        #expect(plans[0].kickstart.installDisk == expected)
        #expect(plans[0].kickstart.installDisk.needsResolution == (value.lowercased().contains("serial:")))
    }

    @Test("a bad serial is an error at the esxi_disk value, with the fix", arguments: [
        ("\"serial:\"", "names no serial number"),
        ("\"serial:5PJ AMUHD\"", "contains ' '"),
        ("\"serial:5PJ\\\"AMUHD\"", "contains '\\\"'"),
        ("\"serial:5PJÄMUHD\"", "printable ASCII"),
    ])
    func badSerial(value: String, fragment: String) throws {
        do {
            _ = try load(Self.withDisk(value))
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.diagnostics.count == 1, "\(error)")
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.line == 8 && diagnostic.column == 18, "\(error)")
            #expect(diagnostic.message.contains(fragment), "\(error)")
            #expect(diagnostic.fix.contains("serial:<serial number>"), "\(error)")
        }
    }

    @Test("an unresolved serial renders no kickstart: the error says why and names vmedia install / discover")
    func refusesToRender() throws {
        let plan = try load(Self.withDisk("\"serial:5PJAMUHD\""))[0]
        #expect(throws: KickstartError.self) { _ = try plan.renderKickstart() }
        do {
            _ = try plan.renderKickstart(secrets: .mask)
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.problems[0].field == .installDisk)
            #expect(error.description.contains("serial:5PJAMUHD"))
            #expect(error.description.contains("vmedia install") && error.description.contains("vmedia discover"))
        }
        // What listings and --json show instead of a kickstart option.
        #expect(plan.kickstart.installDisk.description == "serial:5PJAMUHD")
        let json = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        #expect(json.contains("\"installDisk\":\"serial:5PJAMUHD\""), "\(json)")
    }

    @Test("resolved to a device id, the kickstart says --disk=\"naa.…\" and reads back as that device")
    func rendersResolved() throws {
        let plan = try load(Self.withDisk("\"serial:5PJAMUHD\""))[0]
        let disk = plan.kickstart.installDisk.resolved(to: "naa.5000c500d1234567")
        #expect(disk == .device("naa.5000c500d1234567"))
        let text = try plan.kickstart.with(installDisk: disk).render()
        #expect(text.contains("\ninstall --overwritevmfs --disk=\"naa.5000c500d1234567\"\n"))
        let read = try KickstartFile.parse(text).interpret()
        #expect(read.installDisk == .device("naa.5000c500d1234567"))
        // Disks that need no BMC are left alone.
        #expect(InstallDisk.firstDisk("DELLBOSS VD").resolved(to: "naa.1") == .firstDisk("DELLBOSS VD"))
    }

    @Test("a template host with a serial disk passes validation; rendering it still refuses, whatever placeholder it uses")
    func template() throws {
        let directory = try TemporaryDirectory()
        // {{disk}} alone would otherwise put the bare serial after --firstdisk=.
        try "vmaccepteula\n{{rootpw}}\ninstall --firstdisk={{disk}}\n{{network}}\nreboot\n"
            .write(toFile: directory.file("site.ks"), atomically: true, encoding: .utf8)
        let yaml = Self.withDisk("\"serial:5PJAMUHD\"").replacingOccurrences(of: "mgtnic: vmnic0", with: "mgtnic: vmnic0\n      template: site.ks")
        let plan = try load(yaml, directory: directory.path)[0]
        #expect(throws: KickstartError.self) { _ = try plan.renderKickstart() }
    }

    @Test("offline commands refuse serial disks before doing anything, naming every such host, the file and the fix")
    func offlineRefusal() throws {
        let yaml = Self.withDisk("\"serial:5PJAMUHD\"")
        let plans = try load(yaml)
        do {
            try HostPlan.requireResolvedInstallDisks(plans, file: "hosts.yaml", command: "remaster")
            Issue.record("accepted")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.description.contains("hosts.yaml: error: host 0 (esxi-a): esxi_disk serial:5PJAMUHD"), "\(error)")
            #expect(error.description.contains("vmedia remaster does not contact BMCs"))
            #expect(error.description.contains("vmedia discover --config hosts.yaml --host esxi-a"))
        }
        try HostPlan.requireResolvedInstallDisks(try load(validHost), file: "hosts.yaml", command: "remaster")
    }
}
