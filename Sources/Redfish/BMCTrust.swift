/// How vmedia decides whether a BMC's TLS certificate is the BMC's: what the operator asked for, on the command
/// line (`--tls-ca`, `--tls-pin`, `--insecure`) or per host in the hosts file (`ipmi: {tls_ca: …}` /
/// `tls_pin: …`). A description only: the connection factory turns it into a curl policy, recording keys on
/// first use where asked.
public enum BMCTrust: Sendable, Hashable, CustomStringConvertible {
    /// Nothing asked: BMCs ship self-signed certificates, so this is the default, with a warning that names the
    /// host and the ways to verify it.
    case unverified
    /// `--insecure`: the operator chose not to verify; no warning.
    case unverifiedByChoice
    /// Verify the chain and the name against the CA certificates in this PEM file.
    case certificateAuthority(path: String)
    /// Trust on first use: the key is recorded in the known-BMCs file the first time and must match afterwards.
    case pinOnFirstUse
    /// Accept only a server whose public key hashes to this `sha256//BASE64` pin (given in the hosts file).
    case pinned(String)

    public var description: String {
        switch self {
        case .unverified: return "not verified"
        case .unverifiedByChoice: return "not verified (--insecure)"
        case .certificateAuthority(let path): return "verified against the CA file \(path)"
        case .pinOnFirstUse: return "key pinned on first use (known-BMCs file)"
        case .pinned(let pin): return "key pinned to \(pin)"
        }
    }

    /// Whether `text` has the form of a public-key pin, `sha256//` and 44 base64 characters (what curl's
    /// CURLOPT_PINNEDPUBLICKEY and `vmedia bmc --tls-pin` use for a SHA-256 of the key).
    public static func isPin(_ text: String) -> Bool {
        guard text.hasPrefix("sha256//") else { return false }
        let value = text.dropFirst("sha256//".count)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return value.count == 44 && value.hasSuffix("=") && value.dropLast().allSatisfy(alphabet.contains)
    }
}
