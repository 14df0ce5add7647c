/// The `rootpw` command's argument: a SHA-512 crypt hash (`rootpw --iscrypted $6$…`, the default) or, for
/// compatibility with the old tool's files, the plaintext (`rootpw secret`).
///
/// The description and debug description are masked so that printing a model never shows either form: even the
/// hash is offline-crackable and belongs to nobody's log.
public enum RootPassword: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A `$6$…` hash, rendered `rootpw --iscrypted <hash>`.
    case crypted(String)
    /// Plaintext, rendered `rootpw <password>`, quoted when needed (see `quotedForShlex`). The installer then runs
    /// its password-quality check on it, which the crypted form skips.
    case plain(String)
    /// A password hashed when the kickstart is rendered (`crypted(password:saltContext:key:)`), rendered as
    /// `rootpw --iscrypted $6$…` like `.crypted`. Validating a hosts file of 20,000 hosts then costs no crypt at all
    /// (each is a 5,000-round SHA-512 crypt, about 5 ms); every render gives the same hash.
    case cryptedOnRender(CryptRequest)

    /// What `.cryptedOnRender` hashes. Prints masked, like the password it holds.
    public struct CryptRequest: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
        let password: String
        let saltContext: String
        let key: RootPasswordSaltKey

        /// The SHA-512 crypt hash (`$6$salt$…`).
        public var hash: String {
            SHA512Crypt.hash(password: Array(password.utf8), salt: key.salt(password: password, context: saltContext))
        }

        public var description: String { "CryptRequest(\(SecretRendering.maskText))" }
        public var customMirror: Mirror { Mirror(self, children: []) }
    }

    /// The `$6$…` hash of a crypted password (computed now for `.cryptedOnRender`), nil for plaintext.
    public var hash: String? {
        switch self {
        case .crypted(let hash): hash
        case .cryptedOnRender(let request): request.hash
        case .plain: nil
        }
    }

    /// Hashes `password` with SHA-512 crypt. The salt is HMAC-SHA-512 of `saltContext` (the host name) and the
    /// password under `key`, a secret kept outside the image (`RootPasswordSaltKey`): nobody who reads the image
    /// can compute it, so every guess costs a full 5,000-round crypt. One machine still renders the same bytes
    /// for the same inputs (images and their ETags stay stable run to run), and two hosts with one password get
    /// different salts and hashes.
    ///
    /// The hash itself is computed when the kickstart is rendered (`.cryptedOnRender`), not here.
    public static func crypted(password: String, saltContext: String, key: RootPasswordSaltKey = .machine) -> RootPassword {
        .cryptedOnRender(CryptRequest(password: password, saltContext: saltContext, key: key))
    }

    /// Why `password` cannot be used, or nil.
    ///
    /// - Non-ASCII and control characters: ESXi's console (DCUI) uses the `keyboard` layout, 'US Default' unless
    ///   changed, and cannot type them; such a password would lock the console out.
    /// - Plain form only: `--iscrypted` (alone or with `=…`). weasel sorts words into options before it looks at
    ///   the password, so no quoting can make it a password.
    ///
    /// Spaces, quotes, `#`, `$` and `\` are fine: the plain form is quoted for weasel's `shlex.split` (see
    /// `quotedForShlex`), and the crypted form has only `[A-Za-z0-9./$]`.
    public static func problem(with password: String, plain: Bool) -> String? {
        if password.isEmpty { return "the root password is empty" }
        if let bad = password.unicodeScalars.first(where: { !$0.isASCII }) {
            return "the root password contains the non-ASCII character '\(bad)' (U+\(String(bad.value, radix: 16, uppercase: true))), which the ESXi console keyboard cannot type"
        }
        if password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            return "the root password contains a control character (tab, newline …), which the ESXi console cannot type"
        }
        if plain, password == "--iscrypted" || password.hasPrefix("--iscrypted=") {
            return "a plaintext root password of '--iscrypted…' is read by the installer as the --iscrypted option"
        }
        return nil
    }

    /// The arguments after `rootpw`, or a mask of the same form.
    public func arguments(secrets: SecretRendering) -> String {
        switch (self, secrets) {
        case (.crypted(let hash), .reveal): "--iscrypted " + hash
        case (.cryptedOnRender(let request), .reveal): "--iscrypted " + request.hash
        case (.crypted, .mask), (.cryptedOnRender, .mask): "--iscrypted " + SecretRendering.maskText
        case (.plain(let password), .reveal): RootPassword.quotedForShlex(password)
        case (.plain, .mask): SecretRendering.maskText
        }
    }

    /// `text` written so that Python's `shlex.split(line, comments=True)` (how weasel splits kickstart lines)
    /// gives it back as one word: bare when it has no space, quote, `\` or `#` (so the old tool's simple
    /// passwords render as before), else in '…', or in "…" with `\` before `"` and `\` when it holds a `'`.
    public static func quotedForShlex(_ text: String) -> String {
        if !text.contains(where: { " \t'\"\\#".contains($0) }) { return text }
        if !text.contains("'") { return "'" + text + "'" }
        var out = "\""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }

    /// Equal when they render the same `rootpw` line: a hash read back from a rendered kickstart equals the
    /// `.cryptedOnRender` password it was made from.
    public static func == (lhs: RootPassword, rhs: RootPassword) -> Bool {
        switch (lhs, rhs) {
        case (.plain(let a), .plain(let b)): a == b
        case (.plain, _), (_, .plain): false
        case (.cryptedOnRender(let a), .cryptedOnRender(let b)) where a == b: true
        default: lhs.hash == rhs.hash
        }
    }

    public var description: String { "RootPassword(\(SecretRendering.maskText))" }
    public var debugDescription: String { description }
    /// `dump` and debuggers show the mask, not the enum payload.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .enum) }
}

/// Whether rendered text carries the secrets or a mask in their place (for `vmedia kickstart` without
/// `--show-secrets`, logs and reports).
public enum SecretRendering: Sendable, Equatable {
    case reveal
    case mask

    public static let maskText = "********"
}
