import Foundation

/// vCenter's side: finding places in the inventory, finding a host that is already there, adding one, and waiting
/// for its task. Each call as govc makes it (`SearchIndex`, `ClusterComputeResource.AddHost_Task`,
/// `Folder.AddStandaloneHost_Task`, `Task.info`).
extension VSphereClient {
    /// `SearchIndex.FindByInventoryPath` (`DC1/host/Cluster1`), or nil when nothing is there.
    public func find(inventoryPath: String, session: VSphereSession) async throws -> ManagedObjectReference? {
        let returnval = try await call("FindByInventoryPath", this: try searchIndex(session),
                                       arguments: "<inventoryPath>\(SOAPText.escape(inventoryPath))</inventoryPath>", session: session)
        return ManagedObjectReference(returnval)
    }

    /// `SearchIndex.FindByIp(vmSearch: false)`: the host whose management address is `ip`, anywhere in vCenter.
    public func findHost(ip: String, session: VSphereSession) async throws -> ManagedObjectReference? {
        let returnval = try await call("FindByIp", this: try searchIndex(session),
                                       arguments: "<ip>\(SOAPText.escape(ip))</ip><vmSearch>false</vmSearch>", session: session)
        return ManagedObjectReference(returnval)
    }

    /// The `name` property of any managed entity.
    public func name(of object: ManagedObjectReference, session: VSphereSession) async throws -> String? {
        try await properties(of: object, ["name"], session: session)["name"]?.text
    }

    /// `ClusterComputeResource.AddHost_Task(spec, asConnected: true, license:)`; returns the task. `license`: the
    /// key vCenter assigns to the host (without it vCenter may put a licensed host back into evaluation mode).
    public func addHost(toCluster cluster: ManagedObjectReference, spec: HostConnectSpec, license: String? = nil,
                        session: VSphereSession) async throws -> ManagedObjectReference {
        let returnval = try await call("AddHost_Task", this: cluster, arguments: spec.xml("spec") + "<asConnected>true</asConnected>"
                                       + Self.licenseArgument(license), session: session)
        guard let task = ManagedObjectReference(returnval) else {
            throw VSphereError.malformed(operation: "AddHost_Task", detail: "no Task in the answer")
        }
        return task
    }

    /// `Folder.AddStandaloneHost_Task(spec, addConnected: true, license:)`; returns the task.
    public func addStandaloneHost(toFolder folder: ManagedObjectReference, spec: HostConnectSpec, license: String? = nil,
                                  session: VSphereSession) async throws -> ManagedObjectReference {
        let returnval = try await call("AddStandaloneHost_Task", this: folder,
                                       arguments: spec.xml("spec") + "<addConnected>true</addConnected>" + Self.licenseArgument(license),
                                       session: session)
        guard let task = ManagedObjectReference(returnval) else {
            throw VSphereError.malformed(operation: "AddStandaloneHost_Task", detail: "no Task in the answer")
        }
        return task
    }

    /// Polls `Task.info` until `success` (returns `info.result`) or `error` (throws `VSphereError.taskFailed` with
    /// the fault's type and message), at most `timeout`.
    public func waitForTask(_ task: ManagedObjectReference, operation: String, session: VSphereSession,
                            timeout: Duration = .seconds(300), interval: Duration = .milliseconds(200),
                            sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) async throws -> SOAPElement? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var wait = interval
        while true {
            let info = try await properties(of: task, ["info"], session: session)["info"]
            switch info?.child("state")?.text {
            case "success":
                return info?.child("result")
            case "error":
                let fault = info?.child("error")
                let type = fault?.child("fault")?.attributes["xsi:type"] ?? "fault"
                var message = fault?.child("localizedMessage")?.text ?? ""
                if type == "SSLVerifyFault", let thumbprint = fault?.find("fault/thumbprint")?.text {
                    message += (message.isEmpty ? "" : "; ") + "the host presents \(thumbprint)"
                }
                throw VSphereError.fault(operation: operation, endpoint: endpoint, fault: type, message: message)
            case nil:
                throw VSphereError.malformed(operation: operation, detail: "\(task) has no info.state")
            default:
                guard clock.now < deadline else {
                    throw VSphereError.malformed(operation: operation, detail: "\(task) did not finish within \(timeout)")
                }
                try await sleep(wait)
                wait = min(wait * 2, .seconds(2))
            }
        }
    }

    /// `<license>` is the last argument of both calls (after asConnected/addConnected in the WSDL's order).
    static func licenseArgument(_ license: String?) -> String {
        license.map { "<license>\(SOAPText.escape($0))</license>" } ?? ""
    }

    private func searchIndex(_ session: VSphereSession) throws -> ManagedObjectReference {
        guard let index = session.content.searchIndex else {
            throw VSphereError.malformed(operation: "RetrieveServiceContent", detail: "no searchIndex in the service content")
        }
        return index
    }
}
