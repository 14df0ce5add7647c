import CurlHTTP
import Inventory
import VSphere

/// The join phase: logs in to vCenter, finds the datacenter and the cluster (or folder), and adds the host with
/// `AddHost_Task` / `AddStandaloneHost_Task`, naming the SHA-1 thumbprint of the certificate the host presented to
/// vmedia (so vCenter trusts exactly the host vmedia installed, not whatever answers at its address later). A host
/// whose address vCenter already knows is reported, not added twice.
public struct VCenterJoin: Sendable {
    /// What the join found or did.
    public struct Outcome: Sendable, Equatable, CustomStringConvertible {
        /// The host's managed object id in vCenter (`host-42`).
        public let host: String
        public let name: String
        /// False when vCenter already had the host.
        public let added: Bool
        /// Where it is (`cluster Cluster1 in DC1`), or where the existing host sits.
        public let place: String
        public let vCenter: String

        public var description: String {
            added ? "joined \(vCenter) as \(host) (\(name)) in \(place)"
                  : "already in \(vCenter) as \(host) (\(name)) in \(place): nothing to do"
        }
    }

    let client: VSphereClient
    let plan: VCenterPlan

    public init(http: CurlHTTPClient, plan: VCenterPlan) {
        // vCenter's certificate is not verified (like a fresh ESXi's): the password goes only to the address the
        // hosts file names.
        self.client = VSphereClient(http: http, address: plan.address, port: plan.port, useTLS: plan.useTLS, timeout: .seconds(60))
        self.plan = plan
    }

    /// - Parameters:
    ///   - address: the host's management address (what vCenter connects to and lists it as).
    ///   - thumbprint: `AA:BB:…` of the certificate the host presented during readiness; nil over plain http.
    ///   - license: the host's licence key (`license_key`), handed to vCenter with the host.
    public func join(address: String, port: Int, thumbprint: String?, rootPassword: String, license: String? = nil,
                     sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) async throws -> Outcome {
        let content: ServiceContent
        do {
            content = try await client.serviceContent()
        } catch {
            throw failure("\(error)", fix: "check vcenter.address (\(plan.url)) and that vCenter is up")
        }
        let session: VSphereSession
        do {
            session = try await client.login(userName: plan.username, password: plan.password.reveal(), content: content)
        } catch let error as VSphereError where error.faultType == "InvalidLogin" {
            throw failure("vCenter \(plan.url) refused the login of \(plan.username) (wrong user name or password)",
                          fix: "correct vcenter.username / vcenter.password in the hosts file")
        } catch {
            throw failure("logging in to vCenter \(plan.url) failed: \(error)", fix: "check vcenter.address and that vCenter is up")
        }
        do {
            let outcome = try await join(session: session, address: address, port: port, thumbprint: thumbprint,
                                         rootPassword: rootPassword, license: license, sleep: sleep)
            try? await client.logout(session)
            return outcome
        } catch let error as InstallError {
            try? await client.logout(session)
            throw error
        } catch let error as VSphereError {
            try? await client.logout(session)
            switch error.faultType {
            case "SSLVerifyFault":
                throw failure("vCenter refused the thumbprint \(thumbprint ?? "(none)") of \(address): \(error)",
                              fix: "the host at \(address) no longer presents the certificate vmedia saw during the install; check that nothing else answers at that address")
            case "InvalidLogin":
                throw failure("vCenter could not log in to \(address) as root: \(error)", fix: "the host's root password is not the hosts file's; correct esxi.password")
            case "AlreadyConnected", "AlreadyBeingManaged":
                throw failure("\(error)", fix: "remove the host from the other vCenter (or cluster) first; vmedia never takes a host over (force: false)")
            default:
                throw failure("\(error)", fix: "see vCenter's task list for the failed task")
            }
        } catch {
            try? await client.logout(session)
            throw error
        }
    }

    private func join(session: VSphereSession, address: String, port: Int, thumbprint: String?, rootPassword: String,
                      license: String?, sleep: @escaping @Sendable (Duration) async throws -> Void) async throws -> Outcome {
        guard let datacenter = try await client.find(inventoryPath: plan.datacenter, session: session),
              datacenter.type == "Datacenter" else {
            throw failure("vCenter \(plan.url) has no datacenter '\(plan.datacenter)'", fix: "correct vcenter.datacenter (the name as the vSphere Client shows it)")
        }
        let place = "\(plan.placement) in \(plan.datacenter)"
        if let existing = try await client.findHost(ip: address, session: session) {
            let name = try await client.name(of: existing, session: session) ?? address
            var where_ = "vCenter"
            if let parent = try await client.properties(of: existing, ["parent"], session: session)["parent"].flatMap(ManagedObjectReference.init),
               let parentName = try await client.name(of: parent, session: session) {
                where_ = parent.type == "ClusterComputeResource" ? "cluster \(parentName)" : "standalone \(parentName)"
            }
            return Outcome(host: existing.value, name: name, added: false, place: where_, vCenter: plan.url)
        }
        guard let target = try await client.find(inventoryPath: plan.inventoryPath, session: session) else {
            throw failure("vCenter \(plan.url) has no \(place) (\(plan.inventoryPath))",
                          fix: "create it in vCenter or correct vcenter.\(plan.placement.key)")
        }
        let spec = HostConnectSpec(hostName: address, port: port, sslThumbprint: thumbprint, userName: "root", password: rootPassword)
        let task: ManagedObjectReference
        switch plan.placement {
        case .cluster:
            guard target.type == "ClusterComputeResource" else {
                throw failure("\(plan.inventoryPath) in vCenter \(plan.url) is a \(target.type), not a cluster",
                              fix: "name a cluster with vcenter.cluster, or use vcenter.folder for a folder")
            }
            task = try await client.addHost(toCluster: target, spec: spec, license: license, session: session)
        case .folder:
            guard target.type == "Folder" else {
                throw failure("\(plan.inventoryPath) in vCenter \(plan.url) is a \(target.type), not a folder",
                              fix: "name a host folder with vcenter.folder, or use vcenter.cluster for a cluster")
            }
            task = try await client.addStandaloneHost(toFolder: target, spec: spec, license: license, session: session)
        }
        let result = try await client.waitForTask(task, operation: plan.placement.operation, session: session, sleep: sleep)
        guard let host = ManagedObjectReference(result) else {
            throw failure("\(plan.placement.operation) finished without naming the new host", fix: "look for \(address) in vCenter")
        }
        let name = try await client.name(of: host, session: session) ?? address
        return Outcome(host: host.value, name: name, added: true, place: place, vCenter: plan.url)
    }

    private func failure(_ detail: String, fix: String) -> InstallError {
        .joinFailed(vCenter: plan.url, detail: detail, fix: fix)
    }
}

extension VCenterPlan.Placement {
    /// The hosts-file key that chose it.
    var key: String {
        switch self {
        case .cluster: "cluster"
        case .folder: "folder"
        }
    }

    var operation: String {
        switch self {
        case .cluster: "AddHost_Task"
        case .folder: "AddStandaloneHost_Task"
        }
    }
}
