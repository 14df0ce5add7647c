/// ISO 9660 identifiers for names that an edit adds, in the style ESXi images use: upper-case
/// d-characters, 8.3 where the name allows (level 1), up to 30 characters otherwise (level 2), `;1` on files.
enum ISOIdentifier {
    static func file(_ name: String) throws -> [UInt8] {
        let upper = name.uppercased()
        let parts = upper.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let stem = parts.first, !stem.isEmpty,
              parts.allSatisfy({ $0.allSatisfy(isDCharacter) }), upper.count <= 30 else {
            throw ISO9660Error.invalidBuildInput(
                detail: "\"\(name)\" cannot be an ISO 9660 file name",
                fix: "use letters, digits and _ with at most one dot and 30 characters, e.g. KS.CFG")
        }
        return Array(upper.utf8) + Array(";1".utf8)
    }

    static func directory(_ name: String) throws -> [UInt8] {
        let upper = name.uppercased()
        guard !upper.isEmpty, upper.count <= 31, upper.allSatisfy(isDCharacter) else {
            throw ISO9660Error.invalidBuildInput(
                detail: "\"\(name)\" cannot be an ISO 9660 directory name",
                fix: "use letters, digits and _ only, at most 31 characters")
        }
        return Array(upper.utf8)
    }

    private static func isDCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (ascii >= 0x41 && ascii <= 0x5A) || (ascii >= 0x30 && ascii <= 0x39) || ascii == 0x5F
    }
}
