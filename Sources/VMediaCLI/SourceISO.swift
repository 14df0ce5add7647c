import ArgumentParser
import CurlHTTP
import ESXi
import Foundation
import ISO9660
import Logging
import Inventory
import Redfish
import Installer

/// The source ISO's checks that are the user's to fix (exit 64): a path that is no file, a file that is not an ISO
/// 9660 image, an image that is not an ESXi installer. A damaged installer (crafted structures, a module whose gzip
/// CRC fails) is refused too, but as a failed run (exit 1, every host failed with the reason).
enum SourceISO {
    static func checkPath(_ iso: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: iso, isDirectory: &isDirectory), FileManager.default.isReadableFile(atPath: iso) else {
            throw InputRefusal("cannot read the ISO \(iso): check the path (the installer ISO from VMware's download portal)")
        }
        if isDirectory.boolValue {
            throw InputRefusal("--iso \(iso) is a directory: give the installer ISO file itself (VMware-VMvisor-Installer-….iso)")
        }
    }

    static func open(_ iso: String) throws -> ESXiRemaster {
        do {
            return try ESXiRemaster(sourcePath: iso)
        } catch let error as ISO9660Error {
            switch error {
            case .notISO9660, .truncated(_, 0...17, _, _):
                throw InputRefusal("--iso \(iso) is not an ISO 9660 image (\(error)): give the ESXi installer ISO "
                    + "(VMware-VMvisor-Installer-….iso)")
            default: throw error
            }
        } catch let error as ESXiError {
            if case .notAnInstallerImage = error {
                throw InputRefusal("--iso \(iso) is not an ESXi installer (\(error)): give the ESXi installer ISO "
                    + "(VMware-VMvisor-Installer-….iso), not an offline bundle or another system's ISO")
            }
            throw error
        }
    }
}
