import Foundation

/// The per-host folders `remaster` writes into: created with an error a user can act on (not Foundation's
/// "NSCocoaErrorDomain Code=642"), and removed again when the host's image could not be written (ENOSPC, EROFS),
/// so a failed run leaves no empty folder that looks like a result.
enum OutputFolder {
    /// Creates `path` and any missing parents; returns the folders it created, outermost first.
    static func create(_ path: String) throws -> [String] {
        var missing: [String] = []
        var current = (path as NSString).standardizingPath
        while !FileManager.default.fileExists(atPath: current) {
            missing.append(current)
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current || parent.isEmpty { break }
            current = parent
        }
        var created: [String] = []
        for folder in missing.reversed() {
            guard mkdir(folder, 0o755) == 0 || errno == EEXIST else {
                let code = errno
                remove(created)
                throw CommandFailure("cannot create the output folder \(folder): \(String(cString: strerror(code))) (errno \(code)). "
                    + "Fix: " + advice(code, parent: (folder as NSString).deletingLastPathComponent))
            }
            created.append(folder)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("the output path \(path) is a file, not a folder. Fix: pass a folder to --output")
        }
        return created
    }

    /// Removes the folders `create` made, innermost first, as long as they are empty (rmdir never removes files).
    static func remove(_ created: [String]) {
        for folder in created.reversed() { rmdir(folder) }
    }

    static func advice(_ code: Int32, parent: String) -> String {
        switch code {
        case EACCES, EPERM: return "choose an --output folder you can write to, or give yourself write permission on \(parent)"
        case EROFS: return "\(parent) is on a read-only file system; choose an --output folder on a writable one"
        case ENOSPC, EDQUOT: return "free space on that file system or choose an --output folder on another one"
        case ENOTDIR: return "a part of the path is a file; choose another --output folder"
        default: return "check the --output path"
        }
    }
}
