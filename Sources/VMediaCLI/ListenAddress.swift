import Foundation

/// `IP:PORT` or `[IPv6]:PORT`.
struct ListenAddress {
    let host: String
    let port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard NetworkAddress.isIPLiteral(host) else { return nil }
        self.host = host
        self.port = port
    }
}

/// Address helpers over the C library (inet_pton, a connected UDP socket).
enum NetworkAddress {
    static func isIPLiteral(_ text: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// The source address of the route to `host` (an IPv4 literal), via connect() on a UDP socket: no packet leaves.
    static func localAddress(towards host: String) -> String? {
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = in_port_t(UInt16(623).bigEndian)
        guard inet_pton(AF_INET, host, &target.sin_addr) == 1 else { return nil }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        guard inet_ntop(AF_INET, &local.sin_addr, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The secret behind `--stable-tokens`: 32 random bytes in a file only the user can read.
enum TokenSeed {
    static var path: String {
        if let path = ProcessInfo.processInfo.environment["VMEDIA_TOKEN_SEED_FILE"], !path.isEmpty { return path }
        let state = ProcessInfo.processInfo.environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/state")
        return (state as NSString).appendingPathComponent("vmedia/token-seed")
    }

    static func load() throws -> [UInt8] {
        let path = self.path
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count >= 16 else {
                throw CommandFailure("the token seed \(path) has \(data.count) bytes, needs at least 16; delete it to make a new one (URLs change)")
            }
            return [UInt8](data)
        }
        var generator = SystemRandomNumberGenerator()
        let seed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard FileManager.default.createFile(atPath: path, contents: Data(seed), attributes: [.posixPermissions: 0o600]) else {
                throw CommandFailure("cannot create \(path)")
            }
        } catch {
            throw CommandFailure("cannot create the token seed \(path): \(error); set VMEDIA_TOKEN_SEED_FILE to a writable path")
        }
        return seed
    }
}
