import BMCSimulator
import Foundation
import Installer
import MediaServer
import Testing
import TestSupport
@testable import VMediaCLI

/// iLO 7 (Gen12) and Lenovo's AMI BMC mount only HTTPS images (tinkerbell/tinkerbell#304; Lenovo's
/// lenovo_mount_virtual_media.py): the installer must see that from the identified BMC and serve those hosts an
/// https:// URL on its one port, while the others keep plain HTTP.
@Suite("Installs pick HTTPS media by vendor rule", .serialized)
struct HTTPSMediaInstallTests {
    @Test("iLO 7 and the AMI BMC get https:// by themselves and install; iLO 5 beside them stays on http://")
    func vendorRule() async throws {
        let directory = try TemporaryDirectory()
        let state = directory.file("state")
        let flavours: [VendorFlavor] = [.hpeILO7, .lenovoAMI, .hpeILO5]
        let run = try await InstallerFlowTests.install(count: flavours.count, flavours: flavours, subnet: 131, in: directory,
                                                       configure: { $0.mediaTLS = .stateDirectory(state) })
        defer { Task { await run.lab.stop() } }
        for (host, result) in zip(run.lab.hosts, run.results) {
            let flavour = host.simulator.configuration.flavour
            #expect(result.succeeded, "\(flavour): \(result.failure ?? "") log: \(host.simulator.log)")
            #expect(host.simulator.mediaBytesRead > 0, "\(flavour) read nothing")
            #expect(host.simulator.esxiHost?.counters.successfulLogins ?? 0 >= 1, "\(flavour) never ran the installed ESXi")
            #expect(host.simulator.insertedMedia.isEmpty)
            let inserted = host.simulator.requestLog.filter { $0.method != "GET" && $0.uri.contains("VirtualMedia") && $0.body.contains("\"Image\":\"http") }
            let scheme = flavour == .hpeILO5 ? "http://" : "https://"
            #expect(!inserted.isEmpty && inserted.allSatisfy { $0.body.contains("\"Image\":\"\(scheme)") }, "\(flavour): \(inserted.map(\.body))")
        }
        // The reason and the certificate are said once, for the first host that needed it.
        let notes = run.events.filter { $0.kind == .note && $0.message.hasPrefix("https:// image URL") }.map(\.message)
        #expect(notes.count == 2, "\(notes)")
        #expect(notes.contains { $0.contains("mounts only HTTPS images") })
        #expect(notes.filter { $0.contains("SHA-256 fingerprint") }.count == 1, "\(notes)")
        #expect(FileManager.default.fileExists(atPath: state + "/" + MediaTLSIdentity.certificateFileName))
    }

    @Test("media_https: false (--http) on iLO 7 fails before anything is inserted, naming the fix")
    func forcedHTTP() async throws {
        let run = try await InstallerFlowTests.install(count: 1, flavours: [.hpeILO7], subnet: 133,
                                                       configure: { $0.mediaHTTPS = false })
        defer { Task { await run.lab.stop() } }
        let result = try #require(run.results.first)
        #expect(!result.succeeded)
        #expect(result.failure?.contains("needs HTTPS media") == true && result.failure?.contains("--http") == true, "\(result.failure ?? "")")
        #expect(!run.lab.hosts[0].simulator.requestLog.contains { $0.uri.contains("InsertMedia") })
    }
}
