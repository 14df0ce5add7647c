/// Where the virtual CD's bytes come from: the image server over HTTP ranges (`HTTPRangeClient`), or a copy the
/// BMC made when the image was inserted (`CopiedImage`).
protocol ImageReader: AnyObject {
    var url: String { get }
    func read(at offset: Int64, count: Int) async throws -> [UInt8]
}

extension HTTPRangeClient: ImageReader {}

/// An image a BMC downloaded during InsertMedia (`FaultKnobs.copiesImageAtInsert`): the boot reads it from the
/// BMC's own storage, so the image server sees nothing after the power action.
final class CopiedImage: ImageReader, @unchecked Sendable {
    let url: String
    let bytes: [UInt8]

    init(url: String, bytes: [UInt8]) {
        self.url = url
        self.bytes = bytes
    }

    func read(at offset: Int64, count: Int) async throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + Int64(count) <= Int64(bytes.count) else {
            throw SimulatorError.mediaReadFailed(url: url, range: "\(offset)+\(count)", reason: "read past the end of the copied image")
        }
        return Array(bytes[Int(offset)..<(Int(offset) + count)])
    }
}
