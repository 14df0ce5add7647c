import Foundation

/// The `vmedia` executable that `swift build` put next to the test bundle, for end-to-end command tests.
public enum VMediaBinary {
    public static var path: String {
        // The test bundle lives in .build/<triple>/<config>/; the executable is beside it.
        let bundle = Bundle.main.bundleURL
        let candidates = [bundle.appendingPathComponent("vmedia"),
                          bundle.deletingLastPathComponent().appendingPathComponent("vmedia")]
        for url in candidates where FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        return Peer.packageRoot.appendingPathComponent(".build/debug/vmedia").path
    }

    /// Runs `vmedia ARGS…` and returns its exit status and output.
    @discardableResult
    public static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
                           timeout: TimeInterval = 300) throws -> Peer.Result {
        try Peer.run([path] + arguments, stdin: stdin, environment: environment, timeout: timeout)
    }
}
