import Foundation

/// An installer image's files in a directory on disk (an extracted ISO, or a fixture tree before it is
/// built into an image). Paths are looked up component by component, first exactly and then ignoring case
/// and an ISO9660 `;1` version, the way ESXi's loaders match names.
public struct DirectoryInstallerFiles: InstallerImageFiles, Sendable {
    public let root: String
    /// The size of the pieces handed to `readFile`'s body.
    public let chunkSize: Int

    public init(root: String, chunkSize: Int = 1 << 20) {
        self.root = root
        self.chunkSize = max(1, chunkSize)
    }

    public func byteCount(ofFile path: String) throws -> Int64? {
        guard let local = resolve(path) else { return nil }
        let attributes = try FileManager.default.attributesOfItem(atPath: local)
        guard attributes[.type] as? FileAttributeType == .typeRegular else { return nil }
        return (attributes[.size] as? NSNumber)?.int64Value
    }

    public func readFile(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let local = resolve(path) else {
            throw ESXiError.moduleUnreadable(path: path, reason: "no such file under \(root)")
        }
        guard let handle = FileHandle(forReadingAtPath: local) else {
            throw ESXiError.moduleUnreadable(path: path, reason: "cannot open \(local)")
        }
        defer { try? handle.close() }
        while true {
            let data: Data
            do {
                guard let next = try handle.read(upToCount: chunkSize), !next.isEmpty else { return }
                data = next
            } catch {
                throw ESXiError.moduleUnreadable(path: path, reason: "reading \(local): \(error.localizedDescription)")
            }
            try data.withUnsafeBytes { try body($0) }
        }
    }

    /// The on-disk path for an image path, or nil when some component does not exist.
    func resolve(_ path: String) -> String? {
        var current = root
        for component in path.split(separator: "/") where !component.isEmpty {
            let candidate = current + "/" + component
            if FileManager.default.fileExists(atPath: candidate) {
                current = candidate
                continue
            }
            let wanted = Self.normalized(String(component))
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: current),
                  let match = names.sorted().first(where: { Self.normalized($0) == wanted }) else { return nil }
            current += "/" + match
        }
        return current
    }

    /// Lower case without an ISO9660 `;version` suffix or a trailing dot.
    static func normalized(_ name: String) -> String {
        var base = name.lowercased()
        if let semicolon = base.lastIndex(of: ";") { base = String(base[..<semicolon]) }
        if base.hasSuffix(".") { base.removeLast() }
        return base
    }
}
