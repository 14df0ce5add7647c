/// The boot information table (mkisofs `-boot-info-table`, described in the isolinux documentation and
/// libisofs `make_boot_info_table`): 56 bytes at offset 8 of a no-emulation boot image that tell the
/// loader where it is, because the BIOS loads only its first sectors.
///
/// | file offset | length | field |
/// |---|---|---|
/// | 8 | 4 | `bi_pvd`: block of the primary volume descriptor, little-endian |
/// | 12 | 4 | `bi_file`: block of the boot file, little-endian |
/// | 16 | 4 | `bi_length`: length of the boot file in bytes, little-endian |
/// | 20 | 4 | `bi_csum`: 32-bit sum of the little-endian dwords from file offset 64 to the end (tail zero-padded) |
/// | 24 | 40 | reserved (0) |
public struct BootInfoTable: Hashable, Sendable {
    public static let fileOffset = 8
    public static let byteCount = 56
    /// The checksum covers the file from this offset on.
    public static let checksumStart = 64

    public let primaryVolumeDescriptor: LogicalBlockAddress
    public let bootFile: LogicalBlockAddress
    public let bootFileLength: UInt32
    public let checksum: UInt32

    public init(primaryVolumeDescriptor: LogicalBlockAddress, bootFile: LogicalBlockAddress, bootFileLength: UInt32,
                checksum: UInt32) {
        self.primaryVolumeDescriptor = primaryVolumeDescriptor
        self.bootFile = bootFile
        self.bootFileLength = bootFileLength
        self.checksum = checksum
    }

    /// Reads the table from the first 64 bytes of a boot file.
    public init(fileHead bytes: [UInt8], sector: Int64) throws {
        guard bytes.count >= Self.checksumStart else {
            throw ISO9660Error.truncated(structure: "BootInfoTable", sector: sector, neededBytes: 64,
                                         imageBytes: Int64(bytes.count))
        }
        self.primaryVolumeDescriptor = LogicalBlockAddress(ByteFields.le32(bytes, 8))
        self.bootFile = LogicalBlockAddress(ByteFields.le32(bytes, 12))
        self.bootFileLength = ByteFields.le32(bytes, 16)
        self.checksum = ByteFields.le32(bytes, 20)
    }

    /// The 56 bytes written at file offset 8.
    public var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.byteCount)
        ByteFields.putLE32(&b, 0, primaryVolumeDescriptor.rawValue)
        ByteFields.putLE32(&b, 4, bootFile.rawValue)
        ByteFields.putLE32(&b, 8, bootFileLength)
        ByteFields.putLE32(&b, 12, checksum)
        return b
    }

    /// Streaming `bi_csum`: feed the whole file in order, in chunks of any size; bytes before offset 64
    /// are ignored, and a partial last dword counts as zero padded.
    public struct Checksum: Sendable {
        public private(set) var value: UInt32 = 0
        private var position: Int64 = 0
        private var partial: UInt32 = 0

        public init() {}

        public mutating func add<C: Collection>(_ bytes: C) where C.Element == UInt8 {
            for byte in bytes {
                if position >= Int64(BootInfoTable.checksumStart) {
                    let shift = UInt32((position - Int64(BootInfoTable.checksumStart)) % 4) * 8
                    partial |= UInt32(byte) << shift
                    if shift == 24 {
                        value &+= partial
                        partial = 0
                    }
                }
                position += 1
            }
        }

        /// The sum including a partial final dword.
        public var finalValue: UInt32 { value &+ partial }
    }
}
