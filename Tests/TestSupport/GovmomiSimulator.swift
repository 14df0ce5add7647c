import Foundation
import Testing

/// govmomi's vSphere API simulator (Debian's golang-github-vmware-govmomi-dev around `simulator.ESX()`/`VPX()`,
/// built by Tests/Peers/setup.sh as `.build-peers/bin/vmedia-govmomi-sim`) running as an independent ESXi on a
/// loopback address. A missing binary follows `Peer`: skipped locally with the reason, a failure under CI=true.
/// The password reaches it through the environment, never argv. `stop()` (or the end of the test process) ends it.
public final class GovmomiSimulator: @unchecked Sendable {
    public let address: String
    public let port: Int
    public let build: String
    public let version: String
    /// `HostSystem.runtime.bootTime` it reports.
    public let bootTime: Date
    private let process: Process
    private let input: Pipe

    public static var binary: String {
        Peer.packageRoot.appendingPathComponent(".build-peers/bin/vmedia-govmomi-sim").path
    }

    /// - Parameters:
    ///   - address: a 127.x.y.z of the test's own.
    ///   - bootedSecondsAgo: how long before now the host booted.
    public init(address: String, password: String, version: String = "8.0.3", build: String = "24280767",
                bootedSecondsAgo: Double = 0, vCenter: Bool = false, hostFolder: String? = nil, useTLS: Bool = false) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            try Peer.unavailable("govmomi's simulator is not built at \(Self.binary) (apt-get install golang-go "
                                 + "golang-github-vmware-govmomi-dev, then bash Tests/Peers/setup.sh)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["-listen", "\(address):0", "-version", version, "-build", build,
                             "-booted-seconds-ago", String(bootedSecondsAgo)] + (vCenter ? ["-vpx"] : [])
            + (hostFolder.map { ["-host-folder", $0] } ?? []) + (useTLS ? ["-tls"] : [])
        process.environment = ProcessInfo.processInfo.environment.merging(["VMEDIA_GOVMOMI_PASSWORD": password]) { $1 }
        let output = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = input
        try process.run()
        // The first line says where it listens (it prints it once the socket is bound).
        var line = Data()
        let reader = output.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        struct Started: Decodable { let host: String; let port: String; let bootTime: String }
        guard let started = try? JSONDecoder().decode(Started.self, from: line.prefix { $0 != UInt8(ascii: "\n") }),
              let port = Int(started.port) else {
            process.terminate()
            throw PeerFailure(description: "vmedia-govmomi-sim did not start: \(String(decoding: line, as: UTF8.self))")
        }
        self.address = started.host
        self.port = port
        self.build = build
        self.version = version
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let trimmed = started.bootTime.replacingOccurrences(of: #"(\.\d{3})\d+"#, with: "$1", options: .regularExpression)
        self.bootTime = formatter.date(from: trimmed) ?? ISO8601DateFormatter().date(from: started.bootTime) ?? Date()
        self.process = process
        self.input = input
    }

    public func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }

    public struct PeerFailure: Error, CustomStringConvertible {
        public let description: String
    }
}
