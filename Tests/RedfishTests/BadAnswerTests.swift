import Foundation
import Inventory
import Redfish
import Testing

@Suite("Bad answers: a clear error naming the URI, and the session still deleted")
struct BadAnswerTests {
    func failure(_ bmc: FakeBMC, _ operation: @Sendable @escaping (BMCDriver) async throws -> Void) async -> RedfishError? {
        do {
            try await withDriver(bmc) { try await operation($0) }
            return nil
        } catch {
            return error as? RedfishError
        }
    }

    @Test("a non-JSON body (an HTML error page with status 200) names the URI and says it is not JSON")
    func nonJSON() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        bmc.addRule { request, _ in
            request.uri == dellSystem + "/VirtualMedia" ? RedfishHTTPResponse(status: 200, body: Data("<html><body>Login</body></html>".utf8)) : nil
        }
        let error = try #require(await failure(bmc) { _ = try await $0.mediaSlots() })
        #expect(error.description.contains("GET \(dellSystem)/VirtualMedia → HTTP 200 with a body that is not JSON"))
        #expect(error.description.contains("<html>"))
        #expect(bmc.deletedSessions.count == 1)
    }

    @Test("a 500 with a Redfish error body shows the status, MessageId and message")
    func serverError() async throws {
        let bmc = try FakeBMC("lenovo-xcc2")
        bmc.addRule { request, _ in
            request.method == "PATCH" ? FakeBMC.error(500, "Base.1.16.0.InternalError", "The request failed due to an internal service error.",
                                                      resolution: "Resubmit the request. If the problem persists, consider resetting the service.") : nil
        }
        let error = try #require(await failure(bmc) { try await $0.setOneTimeBoot(.cd) })
        #expect(error.description == "PATCH /redfish/v1/Systems/1 → HTTP 500: Base.1.16.0.InternalError: The request failed due to an internal service error. Resolution: Resubmit the request. If the problem persists, consider resetting the service.")
        #expect(bmc.liveSessions == 0)
    }

    @Test("a field of the wrong JSON type names the URI and the field")
    func wrongType() async throws {
        let bmc = try FakeBMC("supermicro-x12")
        mutate(bmc, "/redfish/v1/Managers/1/VirtualMedia/CD1", ["Inserted": "yes"])
        let error = try #require(await failure(bmc) { _ = try await $0.mediaSlots() })
        #expect(error.description.hasPrefix("/redfish/v1/Managers/1/VirtualMedia/CD1: field Inserted is not a boolean"))
        let nested = try FakeBMC("generic")
        mutate(nested, "/redfish/v1/Systems/437XR1138R2", ["Boot": ["BootSourceOverrideTarget@Redfish.AllowableValues": "Cd"]])
        let second = try #require(await failure(nested) { _ = try await $0.powerState() })
        #expect(second.description.contains("field Boot.BootSourceOverrideTarget@Redfish.AllowableValues is not a array"))
    }

    @Test("a transport failure (no answer) names the method and URI")
    func transportFailure() async throws {
        let bmc = try FakeBMC("generic")
        struct Dead: HTTPTransport {
            let inner: FakeBMC
            func send(_ request: RedfishHTTPRequest) async throws -> RedfishHTTPResponse {
                if request.uri.hasSuffix("ComputerSystem.Reset") { throw FakeError(message: "timed out after 30 s") }
                return try await inner.send(request)
            }
        }
        let client = RedfishClient(transport: Dead(inner: bmc), credentials: .init(username: "admin", password: "secret-pw"))
        do {
            _ = try await client.withSession { try await BMCDriver.connect(client: $0).forceRestart() }
            Issue.record("no error")
        } catch let error as RedfishError {
            #expect(error.description == "POST /redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset: timed out after 30 s")
        }
    }

    @Test("wrong credentials: the login error says what to check, and nothing else is sent")
    func wrongPassword() async throws {
        let bmc = try FakeBMC("dell-idrac9-6x")
        let client = RedfishClient.fake(bmc, password: "wrong")
        do {
            try await client.withSession { _ in }
            Issue.record("logged in")
        } catch let error as RedfishError {
            #expect(error.description.contains("login to /redfish/v1/SessionService/Sessions refused (HTTP 401)"))
            #expect(error.description.contains("check the user name and password"))
            #expect(!error.description.contains("wrong"))
        }
        #expect(bmc.writes.count == 1)
    }

    @Test("BMC addresses: host, host:port, URLs and IPv6; bad forms are refused with the accepted forms")
    func addresses() throws {
        #expect(try BMCAddress("10.0.0.5").baseURL == "https://10.0.0.5:443")
        #expect(try BMCAddress("10.0.0.5:8443").baseURL == "https://10.0.0.5:8443")
        #expect(try BMCAddress("http://127.0.0.1:8000").baseURL == "http://127.0.0.1:8000")
        #expect(try BMCAddress("http://bmc.example").port == 80)
        #expect(try BMCAddress("https://[fd00::1]:8443/redfish/v1/").endpoint == "[fd00::1]:8443")
        for bad in ["", "ftp://x", "fd00::1", "host:99999", "https://h/other/path"] {
            #expect(throws: RedfishError.self) { _ = try BMCAddress(bad) }
        }
    }
}

@Suite("Inventory: disks, NICs and the hosts-file values")
struct InventoryTests {
    @Test("Dell BOSS card: esxi_disk is DELLBOSS VD, mgtnic the MAC with link up; NAA/EUI ids kept")
    func dellBOSS() async throws {
        let inventory = try await withDriver(try FakeBMC("dell-idrac9-6x")) { try await $0.inventory() }
        #expect(inventory.disks.count == 3)
        #expect(inventory.disks.filter(\.isBootDevice).count == 2)
        #expect(inventory.disks.last?.identifiers == ["NAA:5000C500D1234567"])
        #expect(inventory.suggestedESXiDisk?.value == "DELLBOSS VD")
        #expect(inventory.suggestedManagementNIC?.value == "B4:96:91:A7:3F:D6")
        #expect(inventory.yamlSnippet.contains("esxi_disk: \"DELLBOSS VD\""))
    }

    @Test("Lenovo M.2 kit: esxi_disk is the M.2 drive's eui. id (not its model); the second port (link up) is mgtnic")
    func lenovoM2() async throws {
        let inventory = try await withDriver(try FakeBMC("lenovo-xcc2")) { try await $0.inventory() }
        #expect(inventory.suggestedESXiDisk?.value == "eui.0025384c21000001")
        #expect(inventory.suggestedManagementNIC?.value == "7C:D3:0A:11:22:31")
    }

    @Test("SimpleStorage only: the smallest disk is suggested; a Storage 500 becomes a note, not a failure")
    func simpleStorage() async throws {
        let bmc = try FakeBMC("generic")
        mutate(bmc, "/redfish/v1/Systems/437XR1138R2", ["Storage": ["@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage"]])
        bmc.addRule { request, _ in request.uri.hasSuffix("/Storage") ? FakeBMC.error(500, "Base.1.0.GeneralError", "storage not available") : nil }
        let inventory = try await withDriver(bmc) { try await $0.inventory() }
        #expect(inventory.suggestedESXiDisk?.value == "3000GT7")
        #expect(inventory.notes.first?.contains("HTTP 500") == true)
    }
}
