/// What `RetrieveServiceContent` tells anyone, without a login: the product (`about`) and where the managers are.
public struct ServiceContent: Sendable, Equatable {
    /// `AboutInfo`: `fullName` "VMware ESXi 8.0.3 build-24280767", `version` "8.0.3", `build` "24280767",
    /// `apiType` "HostAgent" on ESXi, "VirtualCenter" on vCenter.
    public struct About: Sendable, Equatable {
        public let fullName: String
        public let version: String
        public let build: String
        public let apiType: String
        public let apiVersion: String

        public init(fullName: String, version: String, build: String, apiType: String, apiVersion: String) {
            self.fullName = fullName
            self.version = version
            self.build = build
            self.apiType = apiType
            self.apiVersion = apiVersion
        }
    }

    public let about: About
    public let sessionManager: ManagedObjectReference
    public let propertyCollector: ManagedObjectReference
    public let rootFolder: ManagedObjectReference?
    /// vCenter's (and hostd's) `SearchIndex`: inventory paths and hosts by IP.
    public let searchIndex: ManagedObjectReference?
    public let licenseManager: ManagedObjectReference?

    init(returnval: SOAPElement) throws {
        guard let about = returnval.child("about") else {
            throw VSphereError.malformed(operation: "RetrieveServiceContent", detail: "no about element")
        }
        guard let sessionManager = ManagedObjectReference(returnval.child("sessionManager")),
              let propertyCollector = ManagedObjectReference(returnval.child("propertyCollector")) else {
            throw VSphereError.malformed(operation: "RetrieveServiceContent", detail: "no sessionManager or propertyCollector reference")
        }
        self.about = About(fullName: about.child("fullName")?.text ?? "", version: about.child("version")?.text ?? "",
                           build: about.child("build")?.text ?? "", apiType: about.child("apiType")?.text ?? "",
                           apiVersion: about.child("apiVersion")?.text ?? "")
        self.sessionManager = sessionManager
        self.propertyCollector = propertyCollector
        self.rootFolder = ManagedObjectReference(returnval.child("rootFolder"))
        self.searchIndex = ManagedObjectReference(returnval.child("searchIndex"))
        self.licenseManager = ManagedObjectReference(returnval.child("licenseManager"))
    }

    /// "ESXi 8.0.3 build-24280767" (the product name without the vendor, as an admin says it).
    public var productDescription: String {
        let name = about.fullName.isEmpty ? "vSphere API \(about.version) build-\(about.build)" : about.fullName
        return name.hasPrefix("VMware ") ? String(name.dropFirst("VMware ".count)) : name
    }
}
