import Foundation

/// Finds credentials in environment variables, build arguments and build commands, and masks them.
/// Values are never copied into a finding: only names, kinds and masked text.
enum SecretScanner {
    /// Name words that mark a credential (`DB_PASSWORD`, `githubToken`, `API_KEY`).
    private static let secretWords: Set<String> = [
        "PASSWORD", "PASSWD", "PASS", "SECRET", "SECRETS", "TOKEN", "APIKEY", "CREDENTIAL",
        "CREDENTIALS", "PRIVATEKEY", "PASSPHRASE",
    ]
    /// Word pairs that mark a credential where each word alone does not.
    private static let secretPairs: Set<String> = [
        "API KEY", "ACCESS KEY", "PRIVATE KEY", "SECRET KEY", "ENCRYPTION KEY", "SIGNING KEY", "AUTH KEY", "CLIENT KEY",
        "MASTER KEY",
    ]
    /// A last word that says the variable holds where the secret is, not the secret (`POSTGRES_PASSWORD_FILE`).
    private static let referenceWords: Set<String> = ["FILE", "PATH", "DIR", "LOCATION", "ENV", "NAME", "LENGTH", "POLICY"]

    /// File names of SSH private keys (Dockerfiles that copy them, images that contain them).
    static let privateKeyFileNames: Set<String> = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk", "identity"]

    /// `.env`, `.env.production`; not `.env.example`, `.env.sample`, `.env.template`, `.env.dist`.
    static func isDotenvName(_ name: String) -> Bool {
        name == ".env" || (name.hasPrefix(".env.") && !["example", "sample", "template", "dist"].contains(name.dropFirst(5).lowercased()))
    }

    /// `dbPassword` → [DB, PASSWORD]; `API-KEY` → [API, KEY].
    static func words(of name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in name {
            if !(character.isLetter || character.isNumber) {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
                continue
            }
            if character.isUppercase && previousWasLower {
                words.append(current)
                current = ""
            }
            current.append(character)
            previousWasLower = character.isLowercase
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.uppercased() }
    }

    static func isSecretName(_ name: String) -> Bool {
        let words = words(of: name)
        guard let last = words.last, !referenceWords.contains(last) else { return false }
        if words.contains(where: secretWords.contains) { return true }
        return zip(words, words.dropFirst()).contains { secretPairs.contains("\($0) \($1)") }
    }

    /// What a value looks like when its content alone gives it away, whatever its name.
    static func secretKind(ofValue value: String) -> String? {
        // A cheap pre-check: every pattern needs one of these characters.
        guard value.contains("-") || value.contains("_") || value.contains("@") || value.contains("AKIA") || value.contains("ASIA") else { return nil }
        let range = NSRange(location: 0, length: (value as NSString).length)
        return valuePatterns.first { $0.regex.firstMatch(in: value, range: range) != nil }?.kind
    }

    /// Compiled once: compiling them per value cost more than the whole rest of a lint run.
    private static let valuePatterns: [(regex: NSRegularExpression, kind: String)] = [
        ("-----BEGIN [A-Z ]*PRIVATE KEY-----", "private key"),
        ("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b", "AWS access key id"),
        ("\\bgh[pousr]_[A-Za-z0-9]{30,}", "GitHub token"),
        ("\\bgithub_pat_[A-Za-z0-9_]{30,}", "GitHub token"),
        ("\\bglpat-[A-Za-z0-9_-]{20,}", "GitLab token"),
        ("\\bxox[abprs]-[A-Za-z0-9-]{10,}", "Slack token"),
        ("\\bsk_live_[A-Za-z0-9]{16,}", "Stripe secret key"),
        ("(?<![A-Za-z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]{0,31}://[^/\\s:@]{1,256}:[^/\\s@]{1,256}@", "URL with a password"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    // Bounded repetitions and a name that starts a word keep these linear on a 10 MB line.
    private static let assignmentPattern = try! NSRegularExpression(
        pattern: "(?<![A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]{0,127})=(\"[^\"]{0,4096}\"|'[^']{0,4096}'|[^\\s;&|]{0,4096})")
    private static let flagPattern = try! NSRegularExpression(
        pattern: "(--?(?:password|passwd|token|secret|api-key)[= ])(\"[^\"]{0,4096}\"|'[^']{0,4096}'|[^\\s;&|]{1,4096})", options: .caseInsensitive)

    /// A value that only refers to another variable or is empty holds nothing secret.
    static func isLiteralValue(_ value: String) -> Bool {
        let unquoted = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        return !unquoted.isEmpty && !unquoted.hasPrefix("$")
    }

    /// A secret found in a `NAME=VALUE` pair: the reason, never the value.
    static func judgeAssignment(name: String, value: String) -> String? {
        guard isLiteralValue(value) else { return nil }
        if let kind = secretKind(ofValue: value) { return "\(name) holds a \(kind)" }
        return isSecretName(name) ? "\(name) has a secret-like name" : nil
    }

    /// `NAME=VALUE` words in a command line or instruction (`ENV A=1 B="x y"`, `export TOKEN=abc`).
    static func assignments(in text: String) -> [(name: String, value: String, range: Range<String.Index>)] {
        guard text.contains("=") else { return [] }
        let nsText = text as NSString
        return assignmentPattern.matches(in: text, range: NSRange(location: 0, length: nsText.length)).compactMap { match in
            guard let whole = Range(match.range, in: text), let name = Range(match.range(at: 1), in: text),
                  let value = Range(match.range(at: 2), in: text) else { return nil }
            return (String(text[name]), String(text[value]), whole)
        }
    }

    /// The text with every secret value replaced by `<masked>`; nil when it holds none.
    /// Catches `NAME=VALUE` pairs with a secret-like name or value, `--password VALUE` flags and bare token shapes.
    static func maskSecrets(in text: String) -> (masked: String, reasons: [String])? {
        var masked = text
        var reasons: [String] = []
        for assignment in assignments(in: text).reversed() {
            guard let reason = judgeAssignment(name: assignment.name, value: assignment.value) else { continue }
            reasons.insert(reason, at: 0)
            masked.replaceSubrange(assignment.range, with: "\(assignment.name)=<masked>")
        }
        do {
            let matches = Self.flagPattern.matches(in: masked, range: NSRange(location: 0, length: (masked as NSString).length))
            for match in matches.reversed() {
                guard let value = Range(match.range(at: 2), in: masked), isLiteralValue(String(masked[value])),
                      let flag = Range(match.range(at: 1), in: masked) else { continue }
                reasons.insert("\(masked[flag].trimmingCharacters(in: CharacterSet(charactersIn: "= "))) is given a value", at: 0)
                masked.replaceSubrange(value, with: "<masked>")
            }
        }
        if let kind = secretKind(ofValue: masked) {
            reasons.append("contains a \(kind)")
            masked = "<masked: the text contains a \(kind)>"
        }
        return reasons.isEmpty ? nil : (masked, reasons)
    }
}
