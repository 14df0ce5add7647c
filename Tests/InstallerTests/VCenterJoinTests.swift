import BMCSimulator
import CurlHTTP
import Foundation
@testable import Installer
import Inventory
import Logging
import Testing
import TestSupport
import VSphere

/// The join phase against govmomi's vCenter simulator (`-vpx`), whose front does what vCenter does when a host is
/// added: it connects to the host, compares `sslThumbprint` with the certificate the host presents, and logs in as
/// root. The hosts are our simulated ESXi over TLS (govmomi 0.24's ESX model has no service system).
@Suite("vCenter join against govmomi's vCenter simulator", .serialized)
struct VCenterJoinTests {
    static let vCenterPassword = "VC-Admin-Pass-2026"
    static let rootPassword = "Join-Root-2026"

    struct Lab {
        let vCenter: GovmomiSimulator
        let host: SimulatedESXiHost
        let http: CurlHTTPClient

        func plan(placement: VCenterPlan.Placement, password: String = VCenterJoinTests.vCenterPassword,
                  datacenter: String = "DC0") -> VCenterPlan {
            VCenterPlan(address: vCenter.address, port: vCenter.port, useTLS: false, username: "root", password: Secret(password),
                        datacenter: datacenter, placement: placement)
        }

        func thumbprint() async throws -> String? {
            try await VSphereClient(http: http, address: host.address, port: host.port, useTLS: true).serviceContentAndThumbprint().thumbprint
        }

        func stop() async {
            http.shutdown()
            vCenter.stop()
            await host.stop()
        }
    }

    static func lab(_ third: Int, hostFolder: String? = nil) async throws -> Lab {
        let vCenter = try GovmomiSimulator(address: "127.0.\(third).1", password: vCenterPassword, vCenter: true, hostFolder: hostFolder)
        let host = try await SimulatedESXiHost.start(address: "127.0.\(third).2", useTLS: true, rootPassword: rootPassword,
                                                     release: SimulatedRelease(version: "8.0.3", build: "24280767", patchLevel: "0.35"))
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        return Lab(vCenter: vCenter, host: host, http: CurlHTTPClient(maxConnectionsPerHost: 2, logger: quiet))
    }

    @Test("the thumbprint taken from the host's TLS handshake is the SHA-1 of its certificate, as openssl computes it")
    func thumbprintMatchesOpenSSL() async throws {
        let lab = try await Self.lab(160)
        let directory = try TemporaryDirectory()
        let pem = directory.path + "/cert.pem"
        try SimulatorCertificate.certificatePEM.write(toFile: pem, atomically: true, encoding: .utf8)
        let openssl = try Peer.run(["/usr/bin/openssl", "x509", "-in", pem, "-noout", "-fingerprint", "-sha1"])
        let expected = openssl.stdout.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let seen = try await lab.thumbprint()
        await lab.stop()
        #expect(expected?.count == 59)
        #expect(seen == expected, "openssl: \(openssl.stdout)")
    }

    @Test("added to a cluster with AddHost_Task; a second run finds the host and adds nothing")
    func addToClusterThenNoOp() async throws {
        let lab = try await Self.lab(161)
        let thumbprint = try await lab.thumbprint()
        let join = VCenterJoin(http: lab.http, plan: lab.plan(placement: .cluster("DC0_C0")))
        let first = try await join.join(address: lab.host.address, port: lab.host.port, thumbprint: thumbprint, rootPassword: Self.rootPassword)
        let second = try await join.join(address: lab.host.address, port: lab.host.port, thumbprint: thumbprint, rootPassword: Self.rootPassword)
        // vCenter logged in to the host as root with the hosts file's password (the simulated ESXi counts it).
        let hostLogins = lab.host.counters.successfulLogins
        await lab.stop()
        #expect(first.added)
        #expect(first.host.hasPrefix("host-"), "\(first)")
        #expect(first.name == "127.0.161.2")
        #expect(first.description.hasPrefix("joined http://127.0.161.1:"), "\(first)")
        #expect(first.description.contains("as \(first.host) (127.0.161.2) in cluster DC0_C0 in DC0"), "\(first)")
        #expect(!second.added)
        #expect(second.host == first.host)
        #expect(second.description.contains("already in") && second.description.contains("in cluster DC0_C0: nothing to do"), "\(second)")
        #expect(hostLogins >= 1)
    }

    @Test("added standalone to a folder with AddStandaloneHost_Task")
    func addToFolder() async throws {
        let lab = try await Self.lab(162, hostFolder: "Standalone")
        let thumbprint = try await lab.thumbprint()
        let join = VCenterJoin(http: lab.http, plan: lab.plan(placement: .folder("Standalone")))
        let outcome = try await join.join(address: lab.host.address, port: lab.host.port, thumbprint: thumbprint, rootPassword: Self.rootPassword)
        let again = try await join.join(address: lab.host.address, port: lab.host.port, thumbprint: thumbprint, rootPassword: Self.rootPassword)
        await lab.stop()
        #expect(outcome.added)
        #expect(outcome.description.contains("in folder Standalone in DC0"), "\(outcome)")
        #expect(!again.added && again.host == outcome.host)
        #expect(again.description.contains("standalone 127.0.162.2"), "\(again)")
    }

    @Test("a thumbprint that is not the host's certificate is refused by vCenter, and the message says so")
    func wrongThumbprint() async throws {
        let lab = try await Self.lab(163)
        let seen = try await lab.thumbprint()
        let wrong = String(repeating: "AB:", count: 19) + "AB"
        let join = VCenterJoin(http: lab.http, plan: lab.plan(placement: .cluster("DC0_C0")))
        let error = await #expect(throws: InstallError.self) {
            try await join.join(address: lab.host.address, port: lab.host.port, thumbprint: wrong, rootPassword: Self.rootPassword)
        }
        await lab.stop()
        let text = error?.description ?? ""
        #expect(text.hasPrefix("installed; join failed: vCenter refused the thumbprint \(wrong) of 127.0.163.2"), "\(text)")
        #expect(text.contains("SSLVerifyFault"), "\(text)")
        #expect(text.contains("the host presents \(seen ?? "?")"), "\(text)")
    }

    @Test("a wrong vCenter password fails clearly and never shows the password")
    func wrongVCenterPassword() async throws {
        let lab = try await Self.lab(164)
        let join = VCenterJoin(http: lab.http, plan: lab.plan(placement: .cluster("DC0_C0"), password: "Not-The-Password-9"))
        let error = await #expect(throws: InstallError.self) {
            try await join.join(address: lab.host.address, port: lab.host.port, thumbprint: nil, rootPassword: Self.rootPassword)
        }
        await lab.stop()
        let text = error?.description ?? ""
        #expect(text.contains("installed; join failed: vCenter http://127.0.164.1:"), "\(text)")
        #expect(text.contains("refused the login of root (wrong user name or password)"), "\(text)")
        #expect(text.contains("correct vcenter.username / vcenter.password"), "\(text)")
        #expect(!text.contains("Not-The-Password-9") && !text.contains(Self.rootPassword))
    }

    @Test("a wrong root password: vCenter cannot log in to the host, and the message names esxi.password")
    func wrongRootPassword() async throws {
        let lab = try await Self.lab(165)
        let thumbprint = try await lab.thumbprint()
        let join = VCenterJoin(http: lab.http, plan: lab.plan(placement: .cluster("DC0_C0")))
        let error = await #expect(throws: InstallError.self) {
            try await join.join(address: lab.host.address, port: lab.host.port, thumbprint: thumbprint, rootPassword: "Wrong-Root-1")
        }
        await lab.stop()
        let text = error?.description ?? ""
        #expect(text.contains("vCenter could not log in to 127.0.165.2 as root"), "\(text)")
        #expect(!text.contains("Wrong-Root-1"))
    }

    @Test("a datacenter or cluster vCenter does not have is named in the failure")
    func missingPlaces() async throws {
        let lab = try await Self.lab(166)
        let noDatacenter = VCenterJoin(http: lab.http, plan: lab.plan(placement: .cluster("DC0_C0"), datacenter: "DC9"))
        let first = await #expect(throws: InstallError.self) {
            try await noDatacenter.join(address: lab.host.address, port: lab.host.port, thumbprint: nil, rootPassword: Self.rootPassword)
        }
        let noCluster = VCenterJoin(http: lab.http, plan: lab.plan(placement: .cluster("Nope")))
        let second = await #expect(throws: InstallError.self) {
            try await noCluster.join(address: lab.host.address, port: lab.host.port, thumbprint: nil, rootPassword: Self.rootPassword)
        }
        await lab.stop()
        #expect(first?.description.contains("has no datacenter 'DC9'") == true, "\(String(describing: first))")
        #expect(second?.description.contains("has no cluster Nope in DC0 (DC0/host/Nope)") == true, "\(String(describing: second))")
    }
}
