/// The order of records in a directory and of path table records.
enum DirectoryRecordOrder {
    /// ECMA-119 §9.3: by file name (the shorter padded with spaces), then by extension (likewise), then
    /// by version number descending. For ESXi's upper-case 8.3 names this equals byte order.
    static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let (nameA, extensionA, versionA) = split(a)
        let (nameB, extensionB, versionB) = split(b)
        if nameA != nameB { return paddedPrecedes(nameA, nameB) }
        if extensionA != extensionB { return paddedPrecedes(extensionA, extensionB) }
        return versionA > versionB
    }

    /// Joliet trees sort by UCS-2 code units (what libisofs and genisoimage write).
    static func jolietPrecedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }

    /// ECMA-119 §9.4.4: directory identifiers within one parent, padded with spaces.
    static func pathTablePrecedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        paddedPrecedes(a, b)
    }

    private static func split(_ identifier: [UInt8]) -> (name: [UInt8], extension: [UInt8], version: Int) {
        var body = identifier[...]
        var version = 0
        if let semicolon = body.firstIndex(of: UInt8(ascii: ";")) {
            version = Int(String(decoding: body[(semicolon + 1)...], as: UTF8.self)) ?? 0
            body = body[..<semicolon]
        }
        if let dot = body.firstIndex(of: UInt8(ascii: ".")) {
            return (Array(body[..<dot]), Array(body[(dot + 1)...]), version)
        }
        return (Array(body), [], version)
    }

    private static func paddedPrecedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let length = max(a.count, b.count)
        let paddedA = a + [UInt8](repeating: 0x20, count: length - a.count)
        let paddedB = b + [UInt8](repeating: 0x20, count: length - b.count)
        return paddedA.lexicographicallyPrecedes(paddedB)
    }
}
