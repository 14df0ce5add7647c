import Foundation
import Testing
import TestSupport

/// Output folders that cannot be made or filled: an error the user can act on, and nothing left that looks like a result.
@Suite("vmedia remaster output folders", .serialized)
struct RemasterOutputTests {
    @Test("an output folder that cannot be created names the folder and the reason, not NSCocoaErrorDomain")
    func unwritableOutput() throws {
        let directory = try TemporaryDirectory()
        let (iso, _) = try CraftedISOCommandTests.fixture(in: directory)
        let output: String
        if geteuid() == 0 {
            // root ignores permission bits; /proc refuses new folders whoever asks.
            output = "/proc/vmedia-remaster-output"
        } else {
            let locked = directory.file("locked")
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
            chmod(locked, 0o555)
            output = locked + "/out"
        }
        let run = try VMediaBinary.run(["remaster", "--config", try CraftedISOCommandTests.hostsFile(in: directory),
                                        "--iso", iso, "--output", output])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("cannot create the output folder"), "\(run.stderr)")
        #expect(run.stderr.contains("Fix:"), "\(run.stderr)")
        #expect(!run.stderr.contains("NSCocoaErrorDomain"), "\(run.stderr)")
    }

    @Test("a write that fails (file size limit, as ENOSPC would) leaves no empty per-host folder")
    func failedWriteLeavesNoFolder() throws {
        let directory = try TemporaryDirectory()
        let (iso, _) = try CraftedISOCommandTests.fixture(in: directory)
        let output = directory.file("out")
        let hosts = try CraftedISOCommandTests.hostsFile(in: directory)
        // RLIMIT_FSIZE of 100 KiB with SIGXFSZ ignored: write(2) fails with EFBIG partway through the image.
        let script = "trap '' XFSZ; ulimit -f 100; exec \"$0\" remaster --config \"$1\" --iso \"$2\" --output \"$3\""
        let run = try Peer.run([try Peer.tool("bash"), "-c", script, VMediaBinary.path, hosts, iso, output])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("error: esx-crafted"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output + "/127.0.0.1"), "an empty per-host folder was left")
        #expect(!FileManager.default.fileExists(atPath: output), "the output folder made for it was left")
    }
}
