/// How a request checks the server's TLS certificate.
public enum TLSPolicy: Sendable, Equatable {
    /// No verification. BMCs ship self-signed certificates, so this is the default; callers warn once per host.
    case insecure
    /// Verify the chain and host name against the CA certificates in this PEM file.
    case caFile(String)
    /// Accept only a server whose public key hashes to this `sha256//BASE64` pin (chain not checked:
    /// the pin is the trust anchor, like an SSH host key).
    case pinned(String)
    /// No verification, but report the server's key pin in `HTTPResponse.serverKeyPin` (trust on first use).
    case recordKey
}
