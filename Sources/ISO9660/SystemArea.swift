/// What the system area (logical blocks 0–15, ECMA-119 §6.2.1) holds. ESXi images leave it zero; hybrid
/// images (isohybrid, xorriso `-isohybrid-mbr`) put an MBR and often a GPT there, whose partition sizes
/// an in-place editor would have to keep in step with the image, so they are reported.
///
/// | offset | length | what is checked |
/// |---|---|---|
/// | 510 | 2 | MBR boot signature `55 AA` |
/// | 512 | 8 | GPT header signature `EFI PART` (LBA 1 with 512-byte sectors) |
public struct SystemArea: Hashable, Sendable {
    public let hasMasterBootRecord: Bool
    public let hasGUIDPartitionTable: Bool
    /// True when block 0 is entirely zero.
    public let isZero: Bool

    /// Examines the first 2048 bytes of the image.
    public init(firstBlock bytes: [UInt8]) {
        let count = bytes.count
        self.hasMasterBootRecord = count >= 512 && bytes[510] == 0x55 && bytes[511] == 0xAA
        self.hasGUIDPartitionTable = count >= 520 && Array(bytes[512..<520]) == Array("EFI PART".utf8)
        self.isZero = bytes.allSatisfy { $0 == 0 }
    }

    public init(hasMasterBootRecord: Bool, hasGUIDPartitionTable: Bool, isZero: Bool) {
        self.hasMasterBootRecord = hasMasterBootRecord
        self.hasGUIDPartitionTable = hasGUIDPartitionTable
        self.isZero = isZero
    }
}
