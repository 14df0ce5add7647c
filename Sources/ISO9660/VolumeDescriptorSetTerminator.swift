/// The volume descriptor set terminator (ECMA-119 §8.3), type 255: the end of the descriptor set.
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 7 | header: type 255, `CD001`, version 1 |
/// | 7 | 2041 | reserved (0) |
public struct VolumeDescriptorSetTerminator: Hashable, Sendable {
    public init() {}

    public init(bytes: [UInt8], sector: Int64) throws {
        guard let header = VolumeDescriptorHeader(bytes: bytes), header.type == .terminator else {
            throw ISO9660Error.invalidField(structure: "VolumeDescriptorSetTerminator", sector: sector,
                                            field: "volume descriptor type", value: "\(bytes.first ?? 0)",
                                            expected: "255 with identifier CD001")
        }
    }

    public var bytes: [UInt8] {
        VolumeDescriptorHeader(type: .terminator).bytes + [UInt8](repeating: 0, count: 2041)
    }
}
