import BMCSimulator
import Foundation
import Testing
import TestSupport

/// The simulated ESXi reports the release of the image it booted (BOOT.CFG `build=`), a boot time, and skips
/// `%firstboot` under Secure Boot, which its BMC reports per host at `Systems/<id>/SecureBoot`.
@Suite("Simulated release, boot time and Secure Boot", .serialized)
struct ReleaseAndSecureBootTests {
    /// Boots `image` on a generic BMC and returns the running ESXi host, after checking the SecureBoot document.
    private func boot(index: Int, secureBoot: Bool, build: String) async throws -> (SimulatedESXiHost, [String], [String: Any]) {
        let directory = try TemporaryDirectory()
        let esxiAddress = "127.0.24.\(index)"
        let image = try TestImage.make(in: directory, kickstart: .init(ip: esxiAddress), build: build)
        let nginx = try NginxRangeServer(address: "127.0.25.\(index)", port: 8080, serving: directory.path)
        _ = image
        let password = "bmc-secret-\(index)"
        let configuration = BMCConfiguration(name: "release-\(index)", flavour: .generic, address: "127.0.23.\(index)", port: 8443,
                                             password: password, index: index, readsModules: false, installMilliseconds: 50,
                                             esxiPort: 9443, secureBoot: secureBoot)
        let bmc = try SimulatedBMC(configuration: configuration)
        return try await withRunning(bmc) { bmc in
            var flow = ReferenceFlow(bmc: bmc, password: password)
            try await flow.login()
            let system = try await flow.discover()
            let link = (system.system["SecureBoot"] as? [String: Any])?["@odata.id"] as? String
            let secure = try await flow.client.send("GET", link ?? "/missing").json
            _ = try await flow.insert(nginx.url("/esxi.iso"), imageOnly: false)
            _ = try await flow.bootOnceFromCD()
            let before = Date()
            _ = try await flow.reset("On")
            let phase = await bmc.waitForPhase(timeout: .seconds(30)) {
                if case .running = $0 { return true }
                if case .failed = $0 { return true }
                return false
            }
            #expect(phase == .running(address: esxiAddress, port: 9443), "log: \(bmc.log)")
            let host = try #require(bmc.esxiHost)
            #expect(host.bootTime >= before.addingTimeInterval(-1))
            try await flow.logout()
            return (host, bmc.log, secure)
        }
    }

    @Test("the installed host reports the build= of the image it booted, not a fixed release")
    func releaseFromBootConfig() async throws {
        let (host, _, _) = try await boot(index: 1, secureBoot: false, build: "7.0.3-0.95.21930508")
        #expect(host.release == SimulatedRelease(version: "7.0.3", build: "21930508", patchLevel: "0.95"))
        let (other, _, _) = try await boot(index: 2, secureBoot: false, build: "8.0.3-0.35.24280767")
        #expect(other.release.build == "24280767")
        #expect(other.release.version == "8.0.3")
    }

    @Test("without Secure Boot %firstboot runs (SSH on); with it the BMC says so and %firstboot is skipped")
    func secureBootSkipsFirstboot() async throws {
        let (open, _, openDocument) = try await boot(index: 3, secureBoot: false, build: "8.0.3-0.35.24280767")
        #expect(openDocument["SecureBootEnable"] as? Bool == false)
        #expect(open.firstbootSectionsRun == 1)
        #expect(open.services.first { $0.key == "TSM-SSH" }?.policy == "on")

        let (secured, log, document) = try await boot(index: 4, secureBoot: true, build: "8.0.3-0.35.24280767")
        #expect(document["SecureBootEnable"] as? Bool == true)
        #expect(document["SecureBootCurrentBoot"] as? String == "Enabled")
        #expect(secured.firstbootSectionsRun == 0)
        #expect(secured.services.first { $0.key == "TSM-SSH" }.map { ($0.policy, $0.running) } ?? ("?", true) == ("off", false))
        #expect(log.contains { $0.contains("Secure Boot is enabled: 1 %firstboot section(s) skipped") })
    }
}
