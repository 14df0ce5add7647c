import Foundation
import Testing
import TestSupport

/// Golden files under Tests/KickstartTests/Snapshots. `VMEDIA_RECORD=1 swift test --filter KickstartTests` (`Golden`)
/// rewrites them from the current output (then review the diff before committing); otherwise a difference fails.
enum Snapshot {
    static let directory = Peer.packageRoot.appendingPathComponent("Tests/KickstartTests/Snapshots")

    static func expect(_ text: String, matches name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if Golden.recording(sourceLocation: sourceLocation) {
            try Data(text.utf8).write(to: url)
            return
        }
        guard let golden = FileManager.default.contents(atPath: url.path) else {
            Issue.record("missing snapshot \(name): run VMEDIA_RECORD=1 swift test --filter KickstartTests", sourceLocation: sourceLocation)
            return
        }
        #expect(text == String(decoding: golden, as: UTF8.self), "differs from Snapshots/\(name)", sourceLocation: sourceLocation)
    }
}
