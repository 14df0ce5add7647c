import BMCSimulator
import CurlHTTP
import Foundation
@testable import Installer
import Inventory
import Logging
import Testing
import TestSupport
import VSphere

/// The demo's own vCenter (no Go needed) behaves like govmomi's `-vpx` front where vmedia relies on it: it adds a
/// host only with the right thumbprint and root password, finds it again by address, and refuses a wrong login.
@Suite("Simulated vCenter (vmedia demo)", .serialized)
struct SimulatedVCenterTests {
    static let rootPassword = "SimVC-Root-2026"
    static let password = "SimVC-Pass-2026"

    @Test("joins with the right thumbprint, reports the host on a second run, refuses a wrong thumbprint and a wrong login")
    func joinRules() async throws {
        let host = try await SimulatedESXiHost.start(address: "127.0.178.2", useTLS: true, rootPassword: Self.rootPassword,
                                                     release: SimulatedRelease(version: "8.0.3", build: "24280767", patchLevel: "0.35"))
        let vCenter = try await SimulatedVCenter.start(address: "127.0.178.1", username: "admin", password: Self.password) { address, port in
            guard address == host.address, port == host.port else { return nil }
            return .init(thumbprint: SimulatorCertificate.sha1Thumbprint, acceptsRoot: host.acceptsRootPassword)
        }
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let http = CurlHTTPClient(maxConnectionsPerHost: 2, logger: quiet)
        func plan(_ password: String, _ placement: VCenterPlan.Placement = .cluster(SimulatedVCenter.cluster)) -> VCenterPlan {
            VCenterPlan(address: vCenter.address, port: vCenter.port, useTLS: false, username: "admin", password: Secret(password),
                        datacenter: SimulatedVCenter.datacenter, placement: placement)
        }
        let seen = try await VSphereClient(http: http, address: host.address, port: host.port, useTLS: true).serviceContentAndThumbprint().thumbprint
        let join = VCenterJoin(http: http, plan: plan(Self.password))
        let wrongThumbprint = await #expect(throws: InstallError.self) {
            try await join.join(address: host.address, port: host.port, thumbprint: String(repeating: "00:", count: 19) + "00",
                                rootPassword: Self.rootPassword)
        }
        let wrongRoot = await #expect(throws: InstallError.self) {
            try await join.join(address: host.address, port: host.port, thumbprint: seen, rootPassword: "Not-Root-1")
        }
        let wrongLogin = await #expect(throws: InstallError.self) {
            try await VCenterJoin(http: http, plan: plan("nope")).join(address: host.address, port: host.port, thumbprint: seen,
                                                                       rootPassword: Self.rootPassword)
        }
        let first = try await join.join(address: host.address, port: host.port, thumbprint: seen, rootPassword: Self.rootPassword)
        let second = try await join.join(address: host.address, port: host.port, thumbprint: seen, rootPassword: Self.rootPassword)
        let added = vCenter.hosts
        http.shutdown()
        await vCenter.stop()
        await host.stop()
        #expect(seen == SimulatorCertificate.sha1Thumbprint)
        #expect(wrongThumbprint?.description.contains("SSLVerifyFault") == true && wrongThumbprint?.description.contains("the host presents \(seen ?? "?")") == true,
                "\(String(describing: wrongThumbprint))")
        #expect(wrongRoot?.description.contains("vCenter could not log in to 127.0.178.2 as root") == true, "\(String(describing: wrongRoot))")
        #expect(wrongLogin?.description.contains("refused the login of admin") == true, "\(String(describing: wrongLogin))")
        #expect(first.added && first.host == "host-10" && first.description.contains("in cluster Cluster in Datacenter"), "\(first)")
        #expect(!second.added && second.host == "host-10" && second.description.contains("in cluster Cluster: nothing to do"), "\(second)")
        #expect(added.count == 1 && added[0].thumbprint == seen)
    }
}
