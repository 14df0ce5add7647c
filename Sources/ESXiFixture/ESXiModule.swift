/// A file that BOOT.CFG names: its lower-case name as mboot sees it and a weight for sharing a fixture's
/// size among the modules.
public struct ESXiModule: Sendable, Equatable {
    public let name: String
    public let weight: Int

    public init(name: String, weight: Int) {
        self.name = name
        self.weight = weight
    }
}
