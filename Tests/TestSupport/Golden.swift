import Foundation
import Testing

/// The one re-record switch for every golden file and snapshot (kickstart snapshots, patched BOOT.CFG files):
/// `VMEDIA_RECORD=1 swift test --filter …` rewrites them from the current output instead of comparing; review
/// the diff before committing. Refused under `CI=true`: CI compares, it never rewrites what it checks.
public enum Golden {
    public static func recording(sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard ProcessInfo.processInfo.environment["VMEDIA_RECORD"] == "1" else { return false }
        if Peer.isCI {
            Issue.record("VMEDIA_RECORD=1 is refused under CI=true: golden files are compared there, never rewritten",
                         sourceLocation: sourceLocation)
            return false
        }
        return true
    }
}
