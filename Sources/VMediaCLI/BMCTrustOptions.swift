import ArgumentParser
import CurlHTTP
import Foundation
import Redfish

/// How to verify BMC certificates, for every command that talks to BMCs (`bmc`, `discover`, `install`, `check`,
/// `eject`). Given on the command line, the choice applies to every BMC of the run; without it, each host's
/// `tls_ca:` / `tls_pin:` from the hosts file applies, and BMCs with neither are used unverified with a warning.
struct BMCTrustOptions: ParsableArguments {
    @Option(name: .customLong("tls-ca"), help: ArgumentHelp("Verify BMC certificates against the CA certificates in this PEM file.", valueName: "file"))
    var tlsCA: String?

    @Flag(name: .customLong("tls-pin"), help: "Pin each BMC's TLS key: recorded on first use in the known-BMCs file, checked on every later connection.")
    var tlsPin = false

    @Flag(name: .long, help: "Do not verify BMC certificates and print no warning (without any TLS option they go unverified with a warning: BMCs ship self-signed certificates).")
    var insecure = false

    @Option(name: .customLong("known-bmcs"), help: ArgumentHelp("The known-BMCs file for --tls-pin and hosts-file tls_pin: true.", valueName: "file"))
    var knownBMCs: String = KnownBMCs.defaultPath

    func validate() throws {
        if [tlsCA != nil, tlsPin, insecure].filter({ $0 }).count > 1 {
            throw ValidationError("choose one of --tls-ca FILE, --tls-pin or --insecure")
        }
        if let tlsCA {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: tlsCA, isDirectory: &isDirectory), !isDirectory.boolValue,
                  FileManager.default.isReadableFile(atPath: tlsCA) else {
                throw ValidationError("--tls-ca \(tlsCA): cannot read that file; give the PEM file of the CA that signed the BMCs' certificates")
            }
        }
    }

    /// The command line's choice, or nil when it made none (each host's hosts-file setting applies then).
    var trust: BMCTrust? {
        if let tlsCA { return .certificateAuthority(path: tlsCA) }
        if tlsPin { return .pinOnFirstUse }
        if insecure { return .unverifiedByChoice }
        return nil
    }

    var store: KnownBMCs { KnownBMCs(path: knownBMCs) }
}
