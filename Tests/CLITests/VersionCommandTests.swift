import Testing
import TestSupport

@Suite("vmedia command line")
struct VersionCommandTests {
    @Test("vmedia --version prints a version and --help lists the commands")
    func versionAndHelp() throws {
        let version = try VMediaBinary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.contains("0.1.0"))
        let help = try VMediaBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("SUBCOMMANDS"))
    }
}
