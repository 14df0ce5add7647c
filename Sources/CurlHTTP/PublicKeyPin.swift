import Digest
import Foundation

/// A `sha256//BASE64` public-key pin as libcurl's CURLOPT_PINNEDPUBLICKEY takes it: the SHA-256 of the
/// certificate's DER-encoded SubjectPublicKeyInfo (RFC 7469 §2.4), so it survives certificate renewal
/// with the same key and changes when the key changes.
public enum PublicKeyPin {
    /// The pin of the first certificate in `pem` (a `-----BEGIN CERTIFICATE-----` block, as CURLINFO_CERTINFO gives it).
    public static func pin(certificatePEM pem: String) -> String? {
        let lines = pem.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }
        guard let der = Data(base64Encoded: lines.joined(), options: .ignoreUnknownCharacters),
              let spki = subjectPublicKeyInfo(certificateDER: [UInt8](der)) else { return nil }
        return "sha256//" + Data(SHA256.hash(spki)).base64EncodedString()
    }

    /// The SHA-1 thumbprint `AA:BB:…` of the first certificate in `pem` (the whole DER certificate, not its key).
    public static func sha1Thumbprint(certificatePEM pem: String) -> String? {
        let lines = pem.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }
        guard let der = Data(base64Encoded: lines.joined(), options: .ignoreUnknownCharacters), !der.isEmpty else { return nil }
        return thumbprint(SHA1.hash(der))
    }

    /// `AA:BB:…`: upper-case hex bytes joined by colons.
    public static func thumbprint(_ digest: [UInt8]) -> String {
        digest.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// Walks the X.509 DER (RFC 5280 §4.1): Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version
    /// OPTIONAL, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, … } … } and returns
    /// the complete TLV bytes of subjectPublicKeyInfo.
    static func subjectPublicKeyInfo(certificateDER der: [UInt8]) -> [UInt8]? {
        guard let certificate = element(der, at: 0), der[0] == 0x30,
              let tbs = element(der, at: certificate.contentStart), der[certificate.contentStart] == 0x30 else { return nil }
        var offset = tbs.contentStart
        if der[offset] == 0xA0, let version = element(der, at: offset) { offset = version.end }
        for _ in 0..<5 {   // serialNumber, signature, issuer, validity, subject
            guard let skipped = element(der, at: offset) else { return nil }
            offset = skipped.end
        }
        guard offset < der.count, der[offset] == 0x30, let spki = element(der, at: offset) else { return nil }
        return Array(der[offset..<spki.end])
    }

    /// One DER TLV at `offset`: where its content starts and where the element ends.
    private static func element(_ der: [UInt8], at offset: Int) -> (contentStart: Int, end: Int)? {
        guard offset + 2 <= der.count else { return nil }
        let first = Int(der[offset + 1])
        var length = 0
        var start = offset + 2
        if first < 0x80 {
            length = first
        } else {
            let count = first & 0x7F
            guard count >= 1, count <= 4, start + count <= der.count else { return nil }
            for i in 0..<count { length = length << 8 | Int(der[start + i]) }
            start += count
        }
        guard start + length <= der.count else { return nil }
        return (start, start + length)
    }
}
