/// File and directory identifiers for the trees the builder writes, and their recording order.
enum ISO9660Naming {
    /// d-characters (ECMA-119 §7.4.1): `A–Z 0–9 _`.
    static func isDCharacter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
    }

    /// Upper-cases and replaces everything that is not a d-character by `_`.
    static func dCharacters(_ text: Substring) -> [UInt8] {
        Array(text.uppercased().utf8).map { isDCharacter($0) ? $0 : UInt8(ascii: "_") }
    }

    /// Level 1 identifiers (ECMA-119 §7.5, §7.6, interchange level 1 §10.1), ESXi style: directories
    /// `NAME` (≤ 8), files `NAME.EXT;1` (≤ 8 + 3). `taken` holds the identifiers already used in the same
    /// directory; on a collision the end of the name becomes a counter (`LONGNA01.TXT;1`), as genisoimage does.
    static func level1Identifier(for name: String, isDirectory: Bool, taken: Set<[UInt8]>) throws -> [UInt8] {
        var base = Substring(name)
        if base.hasPrefix(".") { base = "_" + base.dropFirst() }
        let stem: [UInt8]
        let ext: [UInt8]
        if isDirectory {
            stem = Array(dCharacters(base).prefix(8))
            ext = []
        } else if let dot = base.lastIndex(of: "."), dot != base.startIndex {
            stem = Array(dCharacters(base[..<dot]).prefix(8))
            ext = Array(dCharacters(base[base.index(after: dot)...]).prefix(3))
        } else {
            stem = Array(dCharacters(base).prefix(8))
            ext = []
        }
        func compose(_ stem: [UInt8]) -> [UInt8] {
            isDirectory ? stem : stem + [UInt8(ascii: ".")] + ext + Array(";1".utf8)
        }
        let safeStem = stem.isEmpty ? [UInt8(ascii: "_")] : stem
        var candidate = compose(safeStem)
        var counter = 1
        while taken.contains(candidate) {
            let digits = Array(String(counter).utf8)
            guard digits.count < 8 else {
                throw ISO9660Error.invalidBuildInput(detail: "too many names in one directory map to \(String(decoding: compose(safeStem), as: UTF8.self))",
                                                     fix: "rename the files so their 8.3 forms differ")
            }
            let width = max(digits.count, 2)
            let padded = [UInt8](repeating: UInt8(ascii: "0"), count: width - digits.count) + digits
            candidate = compose(Array(safeStem.prefix(8 - width)) + padded)
            counter += 1
        }
        return candidate
    }

    /// ECMA-119 §9.3 order: by name (shorter padded with spaces), then extension (padded likewise), then
    /// version descending. For upper-case 8.3 names this is also byte order, which pycdlib expects.
    static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let (aName, aExt, aVersion) = split(a)
        let (bName, bExt, bVersion) = split(b)
        let byName = comparePadded(aName, bName)
        if byName != 0 { return byName < 0 }
        let byExt = comparePadded(aExt, bExt)
        if byExt != 0 { return byExt < 0 }
        return aVersion > bVersion
    }

    private static func split(_ identifier: [UInt8]) -> ([UInt8], [UInt8], Int) {
        var nameExt = identifier[...]
        var version = 0
        if let semicolon = identifier.firstIndex(of: UInt8(ascii: ";")) {
            nameExt = identifier[..<semicolon]
            version = Int(String(decoding: identifier[(semicolon + 1)...], as: UTF8.self)) ?? 0
        }
        if let dot = nameExt.firstIndex(of: UInt8(ascii: ".")) {
            return (Array(nameExt[..<dot]), Array(nameExt[(dot + 1)...]), version)
        }
        return (Array(nameExt), [], version)
    }

    private static func comparePadded(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let count = max(a.count, b.count)
        for i in 0..<count {
            let x = i < a.count ? a[i] : 0x20
            let y = i < b.count ? b[i] : 0x20
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// Joliet order: by UCS-2 code units (as libisofs `ucscmp`), big-endian bytes compare the same way.
    static func jolietPrecedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }

    /// The Joliet identifier of a name: UCS-2 big-endian, at most 64 characters (Joliet specification §3.3).
    static func jolietIdentifier(for name: String, path: String) throws -> [UInt8] {
        let units = ByteFields.ucs2(name)
        guard units.count <= 64 else {
            throw ISO9660Error.invalidBuildInput(detail: "the Joliet name of \(path) has \(units.count) characters, more than 64",
                                                 fix: "shorten the name, or build without Joliet")
        }
        for unit in units where unit < 0x20 || [0x2A, 0x2F, 0x3A, 0x3B, 0x3F, 0x5C].contains(unit) {
            throw ISO9660Error.invalidBuildInput(detail: "the name of \(path) contains U+\(String(unit, radix: 16, uppercase: true)), "
                                                     + "which Joliet forbids (control characters and * / : ; ? \\)",
                                                 fix: "rename the file, or build without Joliet")
        }
        return ByteFields.ucs2BigEndianBytes(name)
    }
}
