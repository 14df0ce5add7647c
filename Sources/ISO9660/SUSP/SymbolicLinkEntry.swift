/// SL, a symbolic link (RRIP 1.12 §4.1.3): the link target as a list of component records. A target
/// longer than one entry continues in the next SL entry (flag CONTINUE).
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 4 | header `SL`, length, version 1 |
/// | 4 | 1 | flags: bit 0 CONTINUE (the link continues in the next SL entry) |
/// | 5 | … | component records: flags (1; bit 0 CONTINUE, 1 CURRENT, 2 PARENT, 3 ROOT), length (1), content |
public struct SymbolicLinkEntry: Hashable, Sendable {
    public struct Component: Hashable, Sendable {
        public struct Flags: OptionSet, Hashable, Sendable {
            public let rawValue: UInt8
            public init(rawValue: UInt8) { self.rawValue = rawValue }
            /// The component continues in the next component record.
            public static let `continue` = Flags(rawValue: 0x01)
            public static let current = Flags(rawValue: 0x02)
            public static let parent = Flags(rawValue: 0x04)
            public static let root = Flags(rawValue: 0x08)
        }

        public let flags: Flags
        public let content: [UInt8]

        public init(flags: Flags, content: [UInt8] = []) {
            self.flags = flags
            self.content = content
        }
    }

    public let continues: Bool
    public let components: [Component]

    public init(continues: Bool = false, components: [Component]) {
        self.continues = continues
        self.components = components
    }

    init(data: [UInt8], sector: Int64) throws {
        guard data.count >= 1 else { throw ISO9660Error.badEntryLength("SL", sector: sector, length: 0, expected: "at least 5") }
        self.continues = data[0] & 1 != 0
        var components: [Component] = []
        var offset = 1
        while offset < data.count {
            guard offset + 2 <= data.count, offset + 2 + Int(data[offset + 1]) <= data.count else {
                throw ISO9660Error.invalidField(structure: "SymbolicLinkEntry", sector: sector,
                                                field: "SL component record length", value: "past the entry end",
                                                expected: "components that fit in the entry")
            }
            let length = Int(data[offset + 1])
            components.append(Component(flags: Component.Flags(rawValue: data[offset]),
                                        content: Array(data[(offset + 2)..<(offset + 2 + length)])))
            offset += 2 + length
        }
        self.components = components
    }

    var data: [UInt8] {
        var b: [UInt8] = [continues ? 1 : 0]
        for component in components {
            b += [component.flags.rawValue, UInt8(truncatingIfNeeded: component.content.count)] + component.content
        }
        return b
    }

    /// Joins the components of consecutive SL entries into a POSIX path.
    public static func target(of entries: [SymbolicLinkEntry]) -> String {
        var parts: [String] = []
        var current = ""
        var absolute = false
        var pending = false
        for component in entries.flatMap(\.components) {
            if component.flags.contains(.root) { absolute = true; continue }
            if component.flags.contains(.current) { parts.append("."); continue }
            if component.flags.contains(.parent) { parts.append(".."); continue }
            current += String(decoding: component.content, as: UTF8.self)
            pending = true
            if !component.flags.contains(.continue) {
                parts.append(current)
                current = ""
                pending = false
            }
        }
        if pending { parts.append(current) }
        return (absolute ? "/" : "") + parts.joined(separator: "/")
    }
}
