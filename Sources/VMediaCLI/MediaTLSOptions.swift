import ArgumentParser
import Foundation
import MediaServer

/// HTTPS media for `serve` and `install`: the media server answers HTTPS on its one port (the first byte tells TLS
/// from HTTP), with the operator's pair or a self-signed pair generated once in the state folder.
struct MediaTLSOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(
        "Give every BMC an https:// image URL (install: by default only BMCs that mount nothing else, or hosts with media_https: true).",
        discussion: "HTTP and HTTPS share the --listen port. Without --tls-cert/--tls-key a self-signed pair is generated once in "
            + "$XDG_STATE_HOME/vmedia (default ~/.local/state/vmedia) and reused; its SHA-256 fingerprint is printed. BMCs do not "
            + "verify the image server's certificate."))
    var https = false

    @Flag(name: .long, help: "Give every BMC a plain http:// image URL, even BMCs that mount only HTTPS (they then fail with their own error).")
    var http = false

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("The media server's certificate (PEM, chain after the leaf) for HTTPS media.", valueName: "file"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The private key (PEM) of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    func validate() throws {
        if https && http { throw ValidationError("choose one of --https and --http") }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give the certificate and its private key (PEM)")
        }
        for (flag, path) in [("--tls-cert", tlsCert), ("--tls-key", tlsKey)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw ValidationError("\(flag) \(path): cannot read that file; give a PEM file")
            }
        }
    }

    var source: MediaTLSIdentity.Source { .from(certificate: tlsCert, key: tlsKey) }

    /// The run-wide choice: true (--https or a given pair), false (--http), nil (per host / vendor rule).
    var forcedScheme: Bool? {
        if http { return false }
        if https { return true }
        return nil
    }
}
