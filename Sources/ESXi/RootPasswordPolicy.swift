/// ESXi's rules for the root password, as its installer (weasel) applies them to `rootpw`.
///
/// - Plaintext `rootpw`: weasel's `users.sanityCheckPassword` (7-40 characters of printable ASCII, space included),
///   then `pwqcheck` with ESXi's default `/etc/passwdqc.conf` (`min=disabled,disabled,disabled,7,7`): a password
///   needs characters from at least three of the classes digits, lower case, upper case and others. A failure stops
///   the scripted install at an error dialog that waits for a key press.
/// - `rootpw --iscrypted`: weasel skips the quality check and only matches the hash against the crypt forms it
///   knows: SHA-512 `$6$<salt of at most 16>$<86>` (no `rounds=`), MD5 `$1$` and traditional DES.
///
/// passwdqc's class count follows its `is_simple` (passwdqc_check.c): an upper-case first character and a digit as
/// the last character do not count ("Password1" has one class), and the password must have enough different
/// characters for its length. passwdqc's dictionary-word and common-sequence checks are not modelled: their
/// wordlist ships inside passwdqc, so a password this accepts can still be refused for being a word.
///
/// Sources: shared/reference/iso9660-esxi.md §7; weasel `users.py` `sanityCheckPassword` and its
/// `ALLOWED_CHARS = digits + ascii_letters + punctuation + " "`; openwall passwdqc `passwdqc_check.c`.
public enum RootPasswordPolicy {
    public static let minimumLength = 7
    public static let maximumLength = 40
    /// `min=disabled,disabled,disabled,7,7`: only three- and four-class passwords, each at least 7 long.
    public static let minimumClasses = 3

    /// The rule `password` breaks, phrased as weasel's dialog would, or nil when ESXi accepts it.
    public static func weakness(of password: String) -> String? {
        let characters = Array(password.unicodeScalars)
        if characters.count < minimumLength {
            return "it has \(characters.count) characters; ESXi needs at least \(minimumLength) (weasel: \"Password must be at least 7 characters long.\")"
        }
        if characters.count > maximumLength {
            return "it has \(characters.count) characters; ESXi allows at most \(maximumLength) (weasel: \"Password must be less than 41 characters long.\")"
        }
        if characters.contains(where: { $0.value < 0x20 || $0.value > 0x7e }) {
            return "it has a character outside printable ASCII (weasel: \"Password may only contain ASCII characters.\")"
        }
        let classes = characterClasses(of: characters)
        guard classes.count >= minimumClasses else {
            let found = classes.isEmpty ? "none" : classes.sorted().joined(separator: ", ")
            return "it uses \(classes.count) character class\(classes.count == 1 ? "" : "es") (\(found)); ESXi's password policy needs " +
                "\(minimumClasses) of digits, lower case, upper case and others (an upper-case first letter and a final digit " +
                "do not count) (weasel: \"Password does not have enough character types.\")"
        }
        // passwdqc tries the four-class rule (95 characters), then falls back to the three-class one (62).
        let distinct = Set(characters).count
        let needed = classes.count >= 4
            ? min(expectedDifferent(charset: 95, length: minimumLength), expectedDifferent(charset: 62, length: minimumLength)) - 1
            : expectedDifferent(charset: 62, length: minimumLength) - 1
        if distinct < needed {
            return "it has only \(distinct) different characters; ESXi's password policy needs at least \(needed) " +
                "(weasel: \"Password does not have enough character types.\")"
        }
        return nil
    }

    /// The classes passwdqc counts: an upper-case first character and a digit at the end are left out.
    static func characterClasses(of characters: [Unicode.Scalar]) -> Set<String> {
        var digits = 0, lowers = 0, uppers = 0, others = 0
        for character in characters {
            switch character {
            case "0"..."9": digits += 1
            case "a"..."z": lowers += 1
            case "A"..."Z": uppers += 1
            default: others += 1
            }
        }
        if let first = characters.first, ("A"..."Z").contains(first), uppers > 0 { uppers -= 1 }
        if let last = characters.last, ("0"..."9").contains(last), digits > 0 { digits -= 1 }
        var classes: Set<String> = []
        if digits > 0 { classes.insert("digits") }
        if lowers > 0 { classes.insert("lower case") }
        if uppers > 0 { classes.insert("upper case") }
        if others > 0 { classes.insert("others") }
        return classes
    }

    /// passwdqc's `expected_different`: the number of different characters a random password of `length` drawn
    /// from `charset` characters is expected to have (15-bit fixed point, as passwdqc computes it).
    static func expectedDifferent(charset: Int, length: Int) -> Int {
        let bits = 15
        let x = ((charset - 1) << bits) / charset
        var y = x
        var remaining = length
        while remaining > 1 { y = (y * x) >> bits; remaining -= 1 }
        let z = charset * (((1 << bits) - 1) - y)
        return z >> bits
    }

    /// Why weasel would refuse `hash` after `rootpw --iscrypted`, or nil when it accepts it.
    public static func cryptedProblem(_ hash: String) -> String? {
        let alphabet = Set("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        func isCryptText(_ text: Substring) -> Bool { text.allSatisfy { alphabet.contains($0) } }
        if hash.hasPrefix("$6$") {
            let parts = hash.dropFirst(3).split(separator: "$", omittingEmptySubsequences: false)
            if parts.first?.hasPrefix("rounds=") == true {
                return "the SHA-512 hash sets rounds=, which the ESXi installer's pattern ($6$<salt>$<hash>) does not accept; " +
                    "hash it with the default rounds (openssl passwd -6, or let vmedia hash it)"
            }
            guard parts.count == 2, parts[0].count <= 16, isCryptText(parts[0]), parts[1].count == 86, isCryptText(parts[1]) else {
                return "the SHA-512 hash is not $6$<salt of at most 16 characters>$<86 characters of [./0-9A-Za-z]>, " +
                    "the only $6$ form the ESXi installer accepts"
            }
            return nil
        }
        if hash.hasPrefix("$1$") {
            let parts = hash.dropFirst(3).split(separator: "$", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count <= 8, isCryptText(parts[0]), parts[1].count == 22, isCryptText(parts[1]) else {
                return "the MD5 hash is not $1$<salt of at most 8 characters>$<22 characters of [./0-9A-Za-z]>"
            }
            return nil
        }
        if hash.hasPrefix("$") {
            let scheme = hash.dropFirst().prefix { $0 != "$" }
            return "crypt scheme $\(scheme)$ is not one the ESXi installer accepts (only $6$ SHA-512, $1$ MD5 and DES)"
        }
        guard hash.count == 13, isCryptText(Substring(hash)) else {
            return "the hash is neither $6$ (SHA-512), $1$ (MD5) nor a 13-character DES crypt string"
        }
        return nil
    }
}
