/// One element of a SOAP answer, read by a deliberately small XML reader: local names (namespace prefixes dropped,
/// as vim25 answers from ESXi, vCenter and govmomi put the same element under different prefixes), attributes by
/// name (`type` of a managed object reference; any prefixed one as `xsi:<name>`, e.g. `xsi:type`), text with the five predefined
/// entities and numeric references decoded, and children in order. No DTDs, no external entities: nothing in a
/// host's answer can make the reader fetch or expand anything.
public struct SOAPElement: Sendable, Equatable {
    public let name: String
    public let attributes: [String: String]
    public let children: [SOAPElement]
    public let text: String

    public init(name: String, attributes: [String: String] = [:], children: [SOAPElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The first child named `name`.
    public func child(_ name: String) -> SOAPElement? { children.first { $0.name == name } }

    public func children(_ name: String) -> [SOAPElement] { children.filter { $0.name == name } }

    /// Follows a path of child names (`"about/build"`).
    public func find(_ path: String) -> SOAPElement? {
        var current: SOAPElement? = self
        for part in path.split(separator: "/") { current = current?.child(String(part)) }
        return current
    }

    /// The first element named `name` anywhere below (depth first).
    public func descendant(_ name: String) -> SOAPElement? {
        for child in children {
            if child.name == name { return child }
            if let found = child.descendant(name) { return found }
        }
        return nil
    }

    /// Parses a whole document and returns its root element.
    public static func parse(_ text: String) throws -> SOAPElement {
        var reader = Reader(scalars: Array(text.unicodeScalars))
        return try reader.document()
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var index = 0

        mutating func document() throws -> SOAPElement {
            while true {
                skipText()
                guard index < scalars.count else { throw Malformed(description: "no root element") }
                if starts(with: "<?") { try skip(past: "?>"); continue }
                if starts(with: "<!--") { try skip(past: "-->"); continue }
                if starts(with: "<!") { throw Malformed(description: "DOCTYPE and declarations are not accepted") }
                return try element()
            }
        }

        private mutating func element() throws -> SOAPElement {
            index += 1 // "<"
            let qualified = name()
            guard !qualified.isEmpty else { throw Malformed(description: "an element without a name at character \(index)") }
            var attributes: [String: String] = [:]
            while true {
                skipSpace()
                guard index < scalars.count else { throw Malformed(description: "unterminated tag <\(qualified)") }
                if starts(with: "/>") {
                    index += 2
                    return SOAPElement(name: Self.local(qualified), attributes: attributes)
                }
                if scalars[index] == ">" { index += 1; break }
                let attribute = name()
                guard !attribute.isEmpty else { throw Malformed(description: "a malformed attribute in <\(qualified)>") }
                skipSpace()
                guard index < scalars.count, scalars[index] == "=" else { throw Malformed(description: "attribute \(attribute) has no value") }
                index += 1
                skipSpace()
                guard index < scalars.count, scalars[index] == "\"" || scalars[index] == "'" else {
                    throw Malformed(description: "attribute \(attribute) is not quoted")
                }
                let quote = scalars[index]
                index += 1
                let start = index
                while index < scalars.count, scalars[index] != quote { index += 1 }
                guard index < scalars.count else { throw Malformed(description: "unterminated attribute \(attribute)") }
                if !attribute.hasPrefix("xmlns") {
                    // vim25's only prefixed attribute is the schema-instance type (`xsi:type`, or govmomi's
                    // `XMLSchema-instance:type`); it must not overwrite a reference's own `type`.
                    let key = attribute.contains(":") ? "xsi:" + Self.local(attribute) : attribute
                    attributes[key] = SOAPText.unescape(String(String.UnicodeScalarView(scalars[start..<index])))
                }
                index += 1
            }
            var children: [SOAPElement] = []
            var text = ""
            while true {
                guard index < scalars.count else { throw Malformed(description: "<\(qualified)> is never closed") }
                if starts(with: "</") {
                    index += 2
                    let closing = name()
                    guard closing == qualified else { throw Malformed(description: "<\(qualified)> closed by </\(closing)>") }
                    skipSpace()
                    guard index < scalars.count, scalars[index] == ">" else { throw Malformed(description: "malformed </\(closing)") }
                    index += 1
                    return SOAPElement(name: Self.local(qualified), attributes: attributes, children: children,
                                       text: SOAPText.unescape(text))
                }
                if starts(with: "<!--") { try skip(past: "-->"); continue }
                if starts(with: "<![CDATA[") {
                    index += 9
                    let start = index
                    try skip(past: "]]>")
                    text += String(String.UnicodeScalarView(scalars[start..<(index - 3)])).replacingOccurrences(of: "&", with: "&amp;")
                        .replacingOccurrences(of: "<", with: "&lt;")
                    continue
                }
                if scalars[index] == "<" {
                    children.append(try element())
                    continue
                }
                let start = index
                while index < scalars.count, scalars[index] != "<" { index += 1 }
                text += String(String.UnicodeScalarView(scalars[start..<index]))
            }
        }

        private static func local(_ qualified: String) -> String {
            guard let colon = qualified.lastIndex(of: ":") else { return qualified }
            return String(qualified[qualified.index(after: colon)...])
        }

        private mutating func name() -> String {
            let start = index
            while index < scalars.count {
                let scalar = scalars[index]
                let isNameCharacter = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || scalar == "_" || scalar == ":" || scalar == "-" || scalar == "."
                guard isNameCharacter else { break }
                index += 1
            }
            return String(String.UnicodeScalarView(scalars[start..<index]))
        }

        private mutating func skipSpace() {
            while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        }

        private mutating func skipText() {
            while index < scalars.count, scalars[index] != "<" { index += 1 }
        }

        private func starts(with prefix: String) -> Bool {
            var position = index
            for scalar in prefix.unicodeScalars {
                guard position < scalars.count, scalars[position] == scalar else { return false }
                position += 1
            }
            return true
        }

        private mutating func skip(past terminator: String) throws {
            while index < scalars.count {
                if starts(with: terminator) { index += terminator.unicodeScalars.count; return }
                index += 1
            }
            throw Malformed(description: "no closing \(terminator)")
        }
    }
}

/// Escaping for text and attribute values written into an envelope, and the decoding the reader applies.
public enum SOAPText {
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }

    public static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            rest = rest[ampersand...]
            guard let semicolon = rest.firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: rest.startIndex)..<semicolon]
            var replacement: String?
            switch entity {
            case "amp": replacement = "&"
            case "lt": replacement = "<"
            case "gt": replacement = ">"
            case "quot": replacement = "\""
            case "apos": replacement = "'"
            default:
                let value = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                replacement = value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            }
            if let replacement {
                result += replacement
                rest = rest[rest.index(after: semicolon)...]
            } else {
                // Not an entity this reader knows: kept as written.
                result += "&"
                rest = rest.dropFirst()
            }
        }
        return result + rest
    }
}
