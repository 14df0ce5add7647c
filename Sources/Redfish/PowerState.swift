/// `ComputerSystem.PowerState` (DSP0268 `Resource.PowerState`): On, Off, PoweringOn, PoweringOff, Paused. A value
/// outside the schema is kept as the BMC wrote it; a BMC that omits the property reads as `.unknown`.
public enum PowerState: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    case on
    case off
    case poweringOn
    case poweringOff
    case paused
    /// A value the schema does not define, as the BMC sent it.
    case other(String)
    /// The BMC did not report PowerState.
    case unknown

    public init(redfish value: String?) {
        switch value {
        case "On": self = .on
        case "Off": self = .off
        case "PoweringOn": self = .poweringOn
        case "PoweringOff": self = .poweringOff
        case "Paused": self = .paused
        case let value?: self = .other(value)
        case nil: self = .unknown
        }
    }

    /// A Redfish spelling, so that `state == "On"` reads as the schema does.
    public init(stringLiteral value: String) { self.init(redfish: value) }

    /// The Redfish spelling ("On", "PoweringOff"), "Unknown" when the BMC did not say.
    public var description: String {
        switch self {
        case .on: "On"
        case .off: "Off"
        case .poweringOn: "PoweringOn"
        case .poweringOff: "PoweringOff"
        case .paused: "Paused"
        case .other(let value): value
        case .unknown: "Unknown"
        }
    }
}
