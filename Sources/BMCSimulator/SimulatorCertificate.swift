import Digest
import Foundation

/// The self-signed certificate and key the simulated BMCs and ESXi hosts serve TLS with. They are the committed
/// files Fixtures/simulator/simulator-cert.pem and simulator-key.pem (see the README there for the openssl command),
/// embedded so `vmedia demo` and `vmedia simulate` work from any directory. A test checks both copies are equal.
/// The key protects nothing: it is public test material for loopback-only simulators.
public enum SimulatorCertificate {
    /// SHA-1 of the certificate (DER) as `AA:BB:…`: the thumbprint vCenter is told for a simulated ESXi host.
    public static var sha1Thumbprint: String {
        let base64 = certificatePEM.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        let der = Data(base64Encoded: base64) ?? Data()
        return SHA1.hash(der).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true) }.joined(separator: ":")
    }

    public static let certificatePEM = """
-----BEGIN CERTIFICATE-----
MIIBpjCCAU2gAwIBAgIUEj+sdIoFKnhwrZBsSHp9rpbuZUMwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQdm1lZGlhIHNpbXVsYXRvcjAeFw0yNjExMjUyMTMyMzNaFw0z
NjExMjIyMTMyMzNaMBsxGTAXBgNVBAMMEHZtZWRpYSBzaW11bGF0b3IwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAATpCkTh3N7/HaQeYDQ8QKM+n7iCcJuDQeA+/UKs
R9rBmxoCZ+7VKYTqL4/E6Eb/6M4YYb1Z800bH6E79eXWm7Smo28wbTAdBgNVHQ4E
FgQUaYvdUuJX5+zJ9xjYjS28RuFNKHUwHwYDVR0jBBgwFoAUaYvdUuJX5+zJ9xjY
jS28RuFNKHUwDwYDVR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2Nh
bGhvc3QwCgYIKoZIzj0EAwIDRwAwRAIgMi0f4Be355NwHx+2m6Kpa+Lz+/xxTcs+
wqaZzvnbXsACIAGBEwiUT7RzxoKqhF//d9304rEH+1NgRrJzNj7Tbdro
-----END CERTIFICATE-----
"""

    public static let privateKeyPEM = """
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgyPNchK57SjU2Y++r
PpS/M0eSzNULQ7lmCwlqES6olKOhRANCAATpCkTh3N7/HaQeYDQ8QKM+n7iCcJuD
QeA+/UKsR9rBmxoCZ+7VKYTqL4/E6Eb/6M4YYb1Z800bH6E79eXWm7Sm
-----END PRIVATE KEY-----
"""
}
