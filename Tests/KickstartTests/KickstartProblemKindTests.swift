import ESXi
import Primitives
import Testing

/// Code that treats one kind of problem differently (the hosts file's `simulated: true`, the simulator's
/// cross-check) switches on `KickstartProblem.kind`, never on the message text.
@Suite("Kickstart problems carry their kind")
struct KickstartProblemKindTests {
    func network(address: String, gateway: String) -> KickstartNetwork {
        KickstartNetwork(address: IPv4Address(address)!, netmask: IPv4Netmask(prefixLength: 8)!, gateway: IPv4Address(gateway)!,
                         nameservers: [IPv4Address(gateway)!], hostname: "esx", device: .vmnic(0), vlanID: nil)
    }

    @Test("a loopback address or gateway is .loopbackAddress; multicast and other mistakes are .invalid")
    func modelKinds() {
        let loopback = network(address: "127.0.102.10", gateway: "127.0.0.1").problems
        #expect(loopback.filter { $0.kind == .loopbackAddress }.map(\.field) == [.address, .gateway])
        let multicast = network(address: "224.0.0.5", gateway: "224.0.0.1").problems
        #expect(!multicast.isEmpty && multicast.allSatisfy { $0.kind == .invalid })
    }

    @Test("the installer-style parser keeps the kind of the network model's problems, located on the network line")
    func parserKeepsKind() throws {
        let text = """
            vmaccepteula
            rootpw 'Passw0rd!x'
            install --firstdisk --overwritevmfs
            network --bootproto=static --ip=127.0.102.10 --netmask=255.0.0.0 --gateway=127.0.0.1 --device=vmnic0

            """
        do {
            _ = try KickstartFile.parse(text).interpret()
            Issue.record("a loopback management address was accepted")
        } catch {
            let loopback = error.problems.filter { $0.kind == .loopbackAddress }
            #expect(loopback.count == 2 && loopback.allSatisfy { $0.line == 4 }, "\(error.problems)")
        }
    }
}
