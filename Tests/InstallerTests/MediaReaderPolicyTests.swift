import Foundation
import Testing
import TestSupport
@testable import VMediaCLI

/// One vocabulary for the media server: who may read an image (`--any-peer`, default the BMC only) and which address
/// goes into the URLs when `--advertise` is left out are decided the same way by install, serve and check --media.
@Suite("media readers and the advertised address", .serialized)
struct MediaReaderPolicyTests {
    static let anyListen = ListenAddress("0.0.0.0:8080")!

    @Test("a specific --listen address is advertised as is, without looking at routes")
    func specificListen() throws {
        var looked: [String] = []
        let chosen = try AdvertiseAddress.choose(listen: ListenAddress("127.0.0.7:8080")!, bmcs: ["127.0.3.1"],
                                                 localAddress: { looked.append($0); return "127.0.0.1" }, say: { _ in })
        #expect(chosen == "127.0.0.7")
        #expect(looked.isEmpty)
    }

    @Test("one route to every BMC: that address, and it is said on stderr")
    func oneRoute() throws {
        var said: [String] = []
        let chosen = try AdvertiseAddress.choose(listen: Self.anyListen, bmcs: ["127.0.3.1", "127.0.3.2", "127.0.3.1"],
                                                 localAddress: { _ in "127.0.0.1" }, say: { said.append($0) })
        #expect(chosen == "127.0.0.1")
        #expect(said.count == 1 && said[0].contains("advertising 127.0.0.1") && said[0].contains("--advertise"), "\(said)")
    }

    @Test("BMCs behind different local addresses are refused, naming each route and --advertise; no guess from the first")
    func severalRoutesRefused() throws {
        let routes = ["127.0.3.1": "127.0.0.1", "127.0.4.1": "127.0.0.2", "127.0.3.2": "127.0.0.1"]
        var said: [String] = []
        #expect {
            _ = try AdvertiseAddress.choose(listen: Self.anyListen, bmcs: Array(routes.keys),
                                            localAddress: { routes[$0] }, say: { said.append($0) })
        } throws: { error in
            let text = "\(error)"
            return error is InputRefusal && text.contains("127.0.0.1 towards 127.0.3.1, 127.0.3.2")
                && text.contains("127.0.0.2 towards 127.0.4.1") && text.contains("pass --advertise IP")
        }
        #expect(said.isEmpty)
    }

    @Test("a BMC without a route (or given by name) is refused naming --advertise")
    func noRoute() {
        #expect {
            _ = try AdvertiseAddress.choose(listen: Self.anyListen, bmcs: ["bmc01.example"], localAddress: { _ in nil }, say: { _ in })
        } throws: { "\($0)".contains("towards the BMC bmc01.example") && "\($0)".contains("--advertise") }
    }

    @Test("the real route lookup: loopback BMCs are reached through 127.0.0.1 (a UDP connect, no packet)")
    func realLoopbackRoute() throws {
        let chosen = try AdvertiseAddress.choose(listen: Self.anyListen, bmcs: ["127.0.3.1", "127.0.3.2"], say: { _ in })
        #expect(chosen == "127.0.0.1")
    }

    /// A hosts file whose second BMC is a name: only-the-BMC admission compares addresses, so it could never read.
    /// `localhost` resolves without the network, so even a run that wrongly went ahead stays on loopback (the ESXi
    /// addresses are documentation addresses, which neither the dry run, serve nor check contacts).
    static func hostsFileWithNamedBMC(in directory: TemporaryDirectory) throws -> String {
        let yaml = """
            hosts:
            - ipmi: {vendor: dell, address: 127.0.3.1, username: root, password: calvin}
              esxi: {esxi_disk: DELLBOSS VD, password: Esxi-r00t-pw, address: 192.0.2.41, gateway: 192.0.2.254, netmask: 255.255.255.0, hostname: esx-a, mgtnic: vmnic0}
            - ipmi: {vendor: dell, address: localhost, username: root, password: calvin}
              esxi: {esxi_disk: DELLBOSS VD, password: Esxi-r00t-pw, address: 192.0.2.42, gateway: 192.0.2.254, netmask: 255.255.255.0, hostname: esx-b, mgtnic: vmnic0}
            """
        let path = directory.file("hosts.yaml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("install, serve and check --media refuse a BMC given by name with exit 64 and the fix; --any-peer accepts it",
          arguments: ["install", "serve", "check"])
    func namedBMCNeedsAnyPeer(_ command: String) throws {
        let directory = try TemporaryDirectory()
        let hosts = try Self.hostsFileWithNamedBMC(in: directory)
        let iso = directory.file("VMware-VMvisor-Installer-8.0.iso")
        let fixture = try VMediaBinary.run(["fixture", "--esxi", "8.0", "--size", "16MiB", "--output", iso], timeout: 300)
        try #require(fixture.status == 0, "vmedia fixture failed: \(fixture.stderr)")
        let arguments: [String] = switch command {
        case "install": ["install", "--config", hosts, "--iso", iso, "--listen", "127.0.0.1:0", "--dry-run"]
        case "serve": ["serve", "--config", hosts, "--iso", iso, "--listen", "127.0.0.1:0", "--json"]
        default: ["check", "--config", hosts, "--media", "--listen", "127.0.0.1:0"]
        }
        let refused = try VMediaBinary.run(arguments, timeout: 60)
        #expect(refused.status == 64, "\(command): exit \(refused.status): \(refused.stderr)")
        #expect(refused.stderr.contains("esx-b's BMC is localhost, a name") && refused.stderr.contains("--any-peer"),
                "\(command): \(refused.stderr)")
        #expect(!refused.stdout.contains("http://"), "\(command) published a URL: \(refused.stdout)")
        guard command == "install" else { return }
        // The dry run contacts nothing, so it shows the accepted plan: every address may read.
        let accepted = try VMediaBinary.run(arguments + ["--any-peer"], timeout: 60)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.contains("== esx-b") && !accepted.stdout.contains("readable only from"), "\(accepted.stdout)")
    }
}
