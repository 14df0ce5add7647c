/// One `range-spec` of an RFC 9110 §14.1.2 `Range: bytes=…` header, before it meets the image's length.
public enum ByteRangeSpec: Sendable, Hashable {
    /// `first-last` (`last` given) or `first-` (`last` nil).
    case interval(first: Int64, last: Int64?)
    /// `-n`: the last n bytes.
    case suffix(length: Int64)

    /// The bytes this spec selects in a representation of `length` bytes, with an end past EOF clamped to it;
    /// nil when unsatisfiable (starts at or past EOF, or asks for zero suffix bytes).
    public func resolve(length: Int64) -> Range<Int64>? {
        switch self {
        case .interval(let first, let last):
            guard first < length else { return nil }
            let end = last.map { min($0, length - 1) } ?? (length - 1)
            return first..<(end + 1)
        case .suffix(let count):
            guard count > 0, length > 0 else { return nil }
            return max(0, length - count)..<length
        }
    }
}

/// What a `Range` header (after `If-Range`) means for one response.
public enum RangeDecision: Sendable, Hashable {
    /// 200 with the whole image: no Range, a Range this server ignores (invalid syntax, another unit), or several
    /// ranges (see `ByteRangeHeader.decide`).
    case full
    /// 206 with exactly these bytes.
    case partial(Range<Int64>)
    /// 416 with `Content-Range: bytes */<length>`.
    case unsatisfiable
}

/// Parsing and interpretation of the `Range` request header (RFC 9110 §14.2).
public enum ByteRangeHeader {
    /// More range-specs than this and the header is ignored: RFC 9110 §14.2 lets a server ignore a Range it finds
    /// abusive, and no BMC or boot loader asks for more than one.
    public static let maximumSpecs = 64

    /// The range-specs of a `bytes=` header, or nil when the header must be ignored (another unit, bad syntax,
    /// `first > last`, too many specs). An ignored Range means a plain 200, exactly as RFC 9110 §14.2 requires.
    public static func parse(_ value: String) -> [ByteRangeSpec]? {
        if let spec = parseSimple(value) { return [spec] }
        let trimmed = value.trimmingOWS()
        guard let equals = trimmed.firstIndex(of: "="),
              trimmed[..<equals].trimmingOWS().lowercased() == "bytes"
        else { return nil }
        var specs: [ByteRangeSpec] = []
        // The list rule (RFC 9110 §5.6.1) allows optional whitespace around commas and empty elements.
        for element in trimmed[trimmed.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false) {
            let spec = element.trimmingOWS()
            if spec.isEmpty { continue }
            guard let dash = spec.firstIndex(of: "-") else { return nil }
            let firstText = spec[..<dash], lastText = spec[spec.index(after: dash)...]
            if firstText.isEmpty {
                guard let count = digits(lastText) else { return nil }
                specs.append(.suffix(length: count))
            } else {
                guard let first = digits(firstText) else { return nil }
                if lastText.isEmpty {
                    specs.append(.interval(first: first, last: nil))
                } else {
                    guard let last = digits(lastText), first <= last else { return nil }
                    specs.append(.interval(first: first, last: last))
                }
            }
            if specs.count > maximumSpecs { return nil }
        }
        return specs.isEmpty ? nil : specs
    }

    /// The form every BMC, boot loader and benchmark sends, `bytes=first-last` or `bytes=first-` with nothing
    /// else, read straight from the UTF-8 bytes; nil for anything else (then the general parser decides).
    private static func parseSimple(_ value: String) -> ByteRangeSpec? {
        var utf8 = value.utf8[...]
        guard utf8.starts(with: "bytes=".utf8) else { return nil }
        utf8 = utf8.dropFirst(6)
        guard let dash = utf8.firstIndex(of: UInt8(ascii: "-")) else { return nil }
        guard let first = digits(utf8[..<dash]) else { return nil }
        let lastText = utf8[utf8.index(after: dash)...]
        if lastText.isEmpty { return .interval(first: first, last: nil) }
        guard let last = digits(lastText), first <= last else { return nil }
        return .interval(first: first, last: last)
    }

    /// The response a `Range` header asks for on an image of `length` bytes.
    ///
    /// Several ranges get the whole image (200) rather than `multipart/byteranges`: RFC 9110 §14.2 lets a server
    /// ignore Range, no BMC, boot loader or QEMU asks for several ranges, and a multipart body is one more framing
    /// every client would have to parse correctly for no gain. When none of them is satisfiable the answer is still
    /// 416, as §15.5.17 requires.
    public static func decide(_ value: String?, length: Int64) -> RangeDecision {
        guard let value, let specs = parse(value) else { return .full }
        let resolved = specs.compactMap { $0.resolve(length: length) }
        if resolved.isEmpty { return .unsatisfiable }
        if specs.count > 1 { return .full }
        return .partial(resolved[0])
    }

    /// A non-negative decimal integer; values beyond Int64 saturate (a `last` that large just means "to EOF", a
    /// `first` that large is unsatisfiable, a suffix that large is the whole image).
    private static func digits(_ text: Substring) -> Int64? { digits(text.utf8[...]) }

    private static func digits(_ text: Substring.UTF8View) -> Int64? {
        guard !text.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in text {
            guard byte >= 48, byte <= 57 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(byte - 48))
            value = overflow1 || overflow2 ? Int64.max : sum
        }
        return value
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (HTTP's OWS).
    func trimmingOWS() -> Substring {
        let scalars = self[...]
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, scalars[start] == " " || scalars[start] == "\t" { start = scalars.index(after: start) }
        while end > start {
            let before = scalars.index(before: end)
            guard scalars[before] == " " || scalars[before] == "\t" else { break }
            end = before
        }
        return Substring(scalars[start..<end])
    }
}
