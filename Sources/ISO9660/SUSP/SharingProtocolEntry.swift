/// SP, the SUSP indicator (SUSP 1.12 §5.3): the first entry of the root directory's `.` record; it
/// declares that SUSP is in use and how many bytes to skip at the start of every other System Use Area.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 4 | header `SP`, length 7, version 1 |
/// | 4 | 2 | check bytes `BE EF` |
/// | 6 | 1 | LEN_SKP: bytes skipped in each System Use field |
public struct SharingProtocolEntry: Hashable, Sendable {
    public let bytesSkipped: UInt8

    public init(bytesSkipped: UInt8 = 0) { self.bytesSkipped = bytesSkipped }

    init(data: [UInt8], sector: Int64) throws {
        guard data.count == 3, data[0] == 0xBE, data[1] == 0xEF else {
            throw ISO9660Error.invalidField(structure: "SharingProtocolEntry", sector: sector,
                                            field: "SP check bytes", value: "\(data)", expected: "BE EF and LEN_SKP")
        }
        self.bytesSkipped = data[2]
    }

    var data: [UInt8] { [0xBE, 0xEF, bytesSkipped] }
}
