import ArgumentParser
import Foundation
import Installer

/// Bad input found before any host is touched (an ISO that is a directory, not an ISO or not an ESXi installer, a
/// `--listen` port in use, an unknown host in `--hosts`, a hosts file that does not validate): exit 64, like
/// ArgumentParser's own usage errors, and the `--junit` report is still written (one failed testcase naming the
/// cause) so a Jenkins junit step never fails for want of a report. Exit 1 stays for hosts that failed.
struct InputRefusal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// Prints the error and writes the JUnit report; the caller then exits 64.
    func report(junit: String?) -> ExitCode {
        FileHandle.standardError.write(Data("Error: \(description)\n".utf8))
        if let junit {
            do {
                try JUnitReport.refused(description).write(toFile: junit, atomically: true, encoding: .utf8)
            } catch {
                FileHandle.standardError.write(Data("Error: cannot write the JUnit report \(junit): \(error)\n".utf8))
            }
        }
        return .validationFailure
    }
}
