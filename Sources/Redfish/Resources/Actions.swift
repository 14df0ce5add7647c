/// One action of a resource (`"#ComputerSystem.Reset": {"target": …, "ResetType@Redfish.AllowableValues": […]}`).
public struct RedfishAction: Sendable, Equatable {
    public let name: String
    public let target: String?
    /// `Parameter@Redfish.AllowableValues`, by parameter name.
    public let allowableValues: [String: [String]]
    /// `@Redfish.ActionInfo` URI, when the allowed values live in a separate resource (Supermicro, iDRAC10).
    public let actionInfo: String?
}

/// The `Actions` object: standard actions by `#Schema.Action` name, and the OEM ones found under `Oem`
/// (directly, or one level down under a vendor key such as `Oem.Hpe`). OEM keys come with the `#` first
/// (`#OemManager.ImportSystemConfiguration`) or in the middle (`OemManager.v1_0_0#OemManager.ImportSystemConfiguration`,
/// iDRAC9 and Dell's own scripts; redfish-vendors.md §7), so any key holding a `#` is an action.
public struct Actions: Decodable, Sendable {
    public let standard: [String: RedfishAction]
    public let oem: [String: RedfishAction]

    public subscript(name: String) -> RedfishAction? { standard[name] ?? oem[name] }

    /// The OEM action whose name ends in `.suffix` after its `#`, whatever schema version prefixes it
    /// (`#OemManager.v1_3_0.OemManager#OemManager.ImportSystemConfiguration` ends in `OemManager.ImportSystemConfiguration`).
    public func oem(endingIn suffix: String) -> RedfishAction? {
        oem.keys.sorted().first { $0.hasSuffix("#" + suffix) || $0.hasSuffix("." + suffix) }.flatMap { oem[$0] }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        var standard: [String: RedfishAction] = [:], oem: [String: RedfishAction] = [:]
        for key in c.allKeys {
            if key.stringValue == "Oem", let object = try? c.decode(JSONValue.self, forKey: key).objectValue {
                for (name, value) in object {
                    if name.contains("#") { oem[name] = Self.action(name, value) }
                    else if let nested = value.objectValue {
                        for (inner, innerValue) in nested where inner.contains("#") { oem[inner] = Self.action(inner, innerValue) }
                    }
                }
            } else if key.stringValue.hasPrefix("#") {
                standard[key.stringValue] = Self.action(key.stringValue, try c.decode(JSONValue.self, forKey: key))
            }
        }
        self.standard = standard
        self.oem = oem
    }

    static func action(_ name: String, _ value: JSONValue) -> RedfishAction {
        var allowable: [String: [String]] = [:]
        for (key, item) in value.objectValue ?? [:] where key.hasSuffix("@Redfish.AllowableValues") {
            if case .array(let values) = item { allowable[String(key.dropLast("@Redfish.AllowableValues".count))] = values.compactMap(\.stringValue) }
        }
        return RedfishAction(name: name, target: value["target"]?.stringValue, allowableValues: allowable,
                             actionInfo: value["@Redfish.ActionInfo"]?.stringValue)
    }
}
