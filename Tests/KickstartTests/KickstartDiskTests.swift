import ESXi
import Testing
import TestSupport

/// `InstallDisk.serial`: the kickstart language has no "disk by serial", so nothing is rendered until the serial is
/// mapped to a device id.
@Suite("Kickstart install disk by serial number")
struct KickstartDiskTests {
    @Test("an unresolved serial renders no KS.CFG, masked or not, and no template, whichever placeholder it uses",
          arguments: ["{{install}}", "install {{disk_option}}", "install --firstdisk=\"{{disk}}\""])
    func refuses(installLine: String) throws {
        let kickstart = lenovoExample(disk: "serial:5PJAMUHD")
        #expect(kickstart.installDisk == .serial("5PJAMUHD"))
        #expect(kickstart.problems.isEmpty, "a serial is a valid request, only not yet renderable")
        for secrets in [SecretRendering.reveal, .mask] {
            #expect(throws: KickstartError.self) { _ = try kickstart.render(secrets: secrets) }
        }
        let template = try KickstartTemplate(text: "vmaccepteula\n{{rootpw}}\n\(installLine)\n{{network}}\n", origin: "site.ks")
        do {
            _ = try template.render(kickstart)
            Issue.record("rendered")
        } catch {
            #expect(error.problems.map(\.field) == [.installDisk])
            #expect(error.description.contains("serial:5PJAMUHD") && error.description.contains("naa./eui."))
        }
    }

    @Test("once resolved, the device id is rendered as --disk=\"…\" in the model and in templates")
    func rendersResolved() throws {
        let kickstart = lenovoExample(disk: "serial:5PJAMUHD")
        let resolved = kickstart.with(installDisk: kickstart.installDisk.resolved(to: "eui.0025384c21000001"))
        #expect(try resolved.render().contains("\ninstall --overwritevmfs --disk=\"eui.0025384c21000001\"\n"))
        let template = try KickstartTemplate(text: "{{disk_option}}|{{disk}}", origin: "t")
        #expect(try template.render(resolved) == "--disk=\"eui.0025384c21000001\"|eui.0025384c21000001")
        // Only the disk changed.
        #expect(resolved.network == kickstart.network && resolved.rootPassword == kickstart.rootPassword && resolved.wipe == kickstart.wipe)
    }
}
