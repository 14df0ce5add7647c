/// A vim25 `ManagedObjectReference`: `<_this type="HostSystem">ha-host</_this>`.
public struct ManagedObjectReference: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let type: String
    public let value: String

    public init(type: String, value: String) {
        self.type = type
        self.value = value
    }

    /// The reference an element carries (its `type` attribute and text), or nil when it is not one.
    public init?(_ element: SOAPElement?) {
        guard let element, let type = element.attributes["type"], !element.text.isEmpty else { return nil }
        self.init(type: type, value: element.text)
    }

    /// The standalone ESXi host's own `HostSystem` (hostd always names it `ha-host`; govmomi's ESX model too).
    public static let standaloneHost = ManagedObjectReference(type: "HostSystem", value: "ha-host")
    public static let serviceInstance = ManagedObjectReference(type: "ServiceInstance", value: "ServiceInstance")

    /// The element as an argument: `<name type="…">value</name>`.
    func xml(_ name: String) -> String {
        "<\(name) type=\"\(SOAPText.escape(type))\">\(SOAPText.escape(value))</\(name)>"
    }

    public var description: String { "\(type):\(value)" }
}
