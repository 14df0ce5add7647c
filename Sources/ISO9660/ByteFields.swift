/// Reading and writing the numerical and character field formats of ECMA-119 §7 in byte arrays.
///
/// 7.2.1/7.3.1 are little-endian, 7.2.2/7.3.2 big-endian, and 7.2.3/7.3.3 ("both-byte orders") store
/// the little-endian copy followed by the big-endian copy. Readers in this module take the
/// little-endian half; callers decide per field whether a disagreeing big-endian half is an error.
enum ByteFields {
    static func le16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    static func be16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) << 8 | UInt16(b[o + 1]) }
    static func le32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
    static func be32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) << 24 | UInt32(b[o + 1]) << 16 | UInt32(b[o + 2]) << 8 | UInt32(b[o + 3])
    }
    /// ECMA-119 §7.2.3: both-byte orders 16-bit (4 bytes).
    static func both16(_ b: [UInt8], _ o: Int) -> (le: UInt16, be: UInt16) { (le16(b, o), be16(b, o + 2)) }
    /// ECMA-119 §7.3.3: both-byte orders 32-bit (8 bytes).
    static func both32(_ b: [UInt8], _ o: Int) -> (le: UInt32, be: UInt32) { (le32(b, o), be32(b, o + 4)) }

    static func putLE16(_ b: inout [UInt8], _ o: Int, _ v: UInt16) {
        b[o] = UInt8(truncatingIfNeeded: v); b[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
    }
    static func putBE16(_ b: inout [UInt8], _ o: Int, _ v: UInt16) {
        b[o] = UInt8(truncatingIfNeeded: v >> 8); b[o + 1] = UInt8(truncatingIfNeeded: v)
    }
    static func putLE32(_ b: inout [UInt8], _ o: Int, _ v: UInt32) {
        for i in 0..<4 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
    }
    static func putBE32(_ b: inout [UInt8], _ o: Int, _ v: UInt32) {
        for i in 0..<4 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(3 - i))) }
    }
    static func putBoth16(_ b: inout [UInt8], _ o: Int, _ v: UInt16) { putLE16(&b, o, v); putBE16(&b, o + 2, v) }
    static func putBoth32(_ b: inout [UInt8], _ o: Int, _ v: UInt32) { putLE32(&b, o, v); putBE32(&b, o + 4, v) }

    /// A fixed-length character field (a-/d-characters, ECMA-119 §7.4) decoded one byte per character
    /// (ISO 8859-1, so every byte survives a round trip), with the trailing padding removed. Writers pad
    /// with spaces (§7.4.3); zero padding from careless writers is removed as well.
    static func text(_ b: [UInt8], _ o: Int, _ length: Int) -> String {
        var end = o + length
        while end > o, b[end - 1] == 0x20 || b[end - 1] == 0 { end -= 1 }
        return String(String.UnicodeScalarView(b[o..<end].map { Unicode.Scalar($0) }))
    }

    /// Writes `text` as one byte per character (ISO 8859-1; other characters become `_`), space padded.
    static func putText(_ b: inout [UInt8], _ o: Int, _ length: Int, _ text: String, pad: UInt8 = 0x20) {
        let bytes = latin1(text)
        for i in 0..<length { b[o + i] = i < bytes.count ? bytes[i] : pad }
    }

    static func latin1(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { $0.value < 0x100 ? UInt8($0.value) : UInt8(ascii: "_") }
    }

    /// A fixed-length UCS-2 big-endian field (Joliet), trailing spaces and NULs removed.
    static func ucs2Text(_ b: [UInt8], _ o: Int, _ length: Int) -> String {
        var units: [UInt16] = []
        var i = o
        while i + 1 < o + length { units.append(be16(b, i)); i += 2 }
        while let last = units.last, last == 0x20 || last == 0 { units.removeLast() }
        return String(decoding: units, as: UTF16.self)
    }

    /// Writes `text` as UCS-2 big-endian, space padded (U+0020) to `length` bytes. Characters outside the
    /// Basic Multilingual Plane are replaced by `_`, because UCS-2 has no surrogates.
    static func putUCS2Text(_ b: inout [UInt8], _ o: Int, _ length: Int, _ text: String) {
        let units = ucs2(text)
        var i = 0
        while i + 1 < length {
            let unit = i / 2 < units.count ? units[i / 2] : 0x20
            putBE16(&b, o + i, unit)
            i += 2
        }
        if length % 2 == 1 { b[o + length - 1] = 0 }
    }

    static func ucs2(_ text: String) -> [UInt16] {
        text.unicodeScalars.map { $0.value <= 0xFFFF ? UInt16($0.value) : UInt16(ascii: "_") }
    }

    static func ucs2BigEndianBytes(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for unit in ucs2(text) { out.append(UInt8(unit >> 8)); out.append(UInt8(unit & 0xFF)) }
        return out
    }

    /// A Joliet name: UTF-16 big-endian as 7-Zip, libisofs and Windows read it (surrogate pairs joined). An
    /// unpaired surrogate cannot be a character; it is kept visible as `\ud800` rather than turned into U+FFFD,
    /// and an odd trailing byte as `\xnn`, so no recorded unit is lost from the name.
    static func decodeUCS2BigEndian(_ bytes: ArraySlice<UInt8>) -> String {
        var units: [UInt16] = []
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex { units.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])); i += 2 }
        var out = ""
        var index = 0
        while index < units.count {
            let unit = units[index]
            if UTF16.isLeadSurrogate(unit), index + 1 < units.count, UTF16.isTrailSurrogate(units[index + 1]) {
                out.unicodeScalars.append(UTF16.decode(UTF16.EncodedScalar([unit, units[index + 1]])))
                index += 2
                continue
            }
            if let scalar = Unicode.Scalar(unit) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u" + hex(unit, digits: 4)
            }
            index += 1
        }
        if i < bytes.endIndex { out += "\\x" + hex(UInt16(bytes[i]), digits: 2) }
        return out
    }

    /// An ISO 9660 file identifier or a Rock Ridge NM name: UTF-8, as genisoimage and xorriso write names
    /// outside d-characters (ISO level 4 / ISO 9660:1999, `-input-charset utf-8`, RR names) and as pycdlib and
    /// Linux read them. Bytes that are not UTF-8 (a Latin-1 name from an old writer, a cut sequence) stay
    /// visible as `\xnn` (lower-case hex, like Python's `backslashreplace`), each byte once, so a name is never
    /// lost or merged with another.
    static func decodeFileName(_ bytes: ArraySlice<UInt8>) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var out = ""
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let lead = bytes[i]
            let length = lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
                : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0
            if length > 0, i + length <= bytes.endIndex,
               let text = String(validating: bytes[i..<(i + length)], as: UTF8.self) {
                out += text
                i += length
            } else {
                out += "\\x" + hex(UInt16(lead), digits: 2)
                i += 1
            }
        }
        return out
    }

    private static func hex(_ value: UInt16, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    static func decodeLatin1(_ bytes: ArraySlice<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    static func isAllZero(_ b: [UInt8], _ range: Range<Int>) -> Bool { b[range].allSatisfy { $0 == 0 } }
}

extension UInt16 {
    init(ascii: Unicode.Scalar) { self = UInt16(ascii.value) }
}
