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
        if let kind = maskedKind(value) { return kind }
        guard mayHoldToken(value) else { return nil }
        let range = NSRange(location: 0, length: (value as NSString).length)
        return valuePatterns.first { $0.regex.firstMatch(in: value, range: range) != nil }?.kind
    }

    /// A cheap pre-check: every value pattern needs one of these.
    private static func mayHoldToken(_ text: String) -> Bool {
        text.contains("-") || text.contains("_") || text.contains("@") || text.contains("AKIA") || text.contains("ASIA")
    }

    /// Token shapes; the first group, when there is one, is the part kept (a URL's user name).
    /// Compiled once: compiling them per value cost more than the whole rest of a lint run.
    private static let valuePatterns: [(regex: NSRegularExpression, kind: String)] = [
        ("-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]{0,16384}?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", "private key"),
        ("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b", "AWS access key id"),
        ("\\bgh[pousr]_[A-Za-z0-9]{30,}", "GitHub token"),
        ("\\bgithub_pat_[A-Za-z0-9_]{30,}", "GitHub token"),
        ("\\bglpat-[A-Za-z0-9_-]{20,}", "GitLab token"),
        ("\\bxox[abprs]-[A-Za-z0-9-]{10,}", "Slack token"),
        ("\\bsk_live_[A-Za-z0-9]{16,}", "Stripe secret key"),
        ("(?<![A-Za-z0-9+.-])([a-zA-Z][a-zA-Z0-9+.-]{0,31}://[^/\\s:@]{1,256}:)[^/\\s@]{1,256}(?=@)", "URL with a password"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    /// `<masked>` and `<masked: KIND>`: a value masked earlier (a shared snapshot) still counts as the secret it was.
    private static func maskedKind(_ value: String) -> String? {
        let unquoted = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        guard unquoted.hasPrefix("<masked"), unquoted.hasSuffix(">") else { return nil }
        let kind = unquoted.dropFirst("<masked".count).dropLast().drop { $0 == ":" || $0 == " " }
        return kind.isEmpty ? maskedValueKind : String(kind)
    }
    private static let maskedValueKind = "masked value"

    // Bounded repetitions and a name that starts a word keep these linear on a 10 MB line.
    private static let assignmentPattern = try! NSRegularExpression(
        pattern: "(?<![A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]{0,127})=(\"[^\"]{0,4096}\"|'[^']{0,4096}'|[^\\s;&|]{0,4096})")
    /// `--password VALUE`, `--token=VALUE`; the first group is kept.
    private static let flagPattern = try! NSRegularExpression(
        pattern: "(--?(?:password|passwd|token|secret|api-key|http-password|proxy-password)[= ])(\"[^\"]{0,4096}\"|'[^']{0,4096}'|[^\\s;&|]{1,4096})",
        options: .caseInsensitive)
    /// `curl -u user:pass`, `--user=user:pass`, `--proxy-user user:pass`, `-uuser:pass`: the password after the colon.
    private static let userFlagPattern = try! NSRegularExpression(
        pattern: "(?<![A-Za-z0-9_-])((?:-u|-U|--user|--proxy-user)(?:[= ]+|(?=[^\\s=-]))[\"']?[^\\s:\"';&|]{1,256}:)([^\\s\"';&|]{1,4096})")
    /// `Authorization: Bearer TOKEN`, `Authorization: Basic …`, `X-Api-Key: …`, `PRIVATE-TOKEN: …` headers.
    private static let headerPattern = try! NSRegularExpression(
        pattern: "((?:authorization|proxy-authorization)\\s*:\\s*(?:bearer|basic|token|digest|bot)?\\s*|(?:x-[a-z-]{0,32}(?:api-key|token|auth)|private-token|api-key)\\s*:\\s*)([^\\s\"';&|]{1,4096})",
        options: .caseInsensitive)
    /// `ENV DB_PASSWORD hunter2`, `ARG TOKEN x`: the old space-separated form of a Dockerfile assignment.
    private static let spacedAssignmentPattern = try! NSRegularExpression(
        pattern: "(?<![A-Za-z0-9_])((?:ENV|ARG|LABEL)\\s+([A-Za-z_][A-Za-z0-9_.-]{0,127})\\s+)(\"[^\"]{0,4096}\"|'[^']{0,4096}'|[^\\s=]\\S{0,4095})",
        options: .caseInsensitive)

    /// A value that only refers to another variable or is empty holds nothing secret.
    static func isLiteralValue(_ value: String) -> Bool {
        let unquoted = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        return !unquoted.isEmpty && !unquoted.hasPrefix("$")
    }

    /// A secret found in a `NAME=VALUE` pair: the reason, never the value.
    static func judgeAssignment(name: String, value: String) -> String? {
        guard isLiteralValue(value) else { return nil }
        if let kind = secretKind(ofValue: value), kind != maskedValueKind { return "\(name) holds a \(kind)" }
        if isSecretName(name) { return "\(name) has a secret-like name" }
        return maskedKind(value) == nil ? nil : "\(name) holds a masked value"
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

    /// False only when `maskSecrets` can find nothing, told in one pass over the bytes: every pattern it uses needs
    /// `=`, `:`, `-`, `_` or `@`, or the word ENV, ARG or LABEL (Dockerfile's spaced form), or AKIA/ASIA (AWS key
    /// ids). A new pattern must keep this a necessary condition (tested on every shape the tests know).
    static func mayHoldSecret(_ text: String) -> Bool {
        var trigger = SecretTrigger()
        return text.utf8.contains { trigger.reached($0) }
    }

    /// The text with every secret value replaced by `<masked>`; nil when it holds none.
    /// Catches `NAME=VALUE` pairs with a secret-like name or value (and Dockerfile's `ENV NAME VALUE`), `--password VALUE`
    /// and `-u user:password` flags, credential headers and bare token shapes, and masks only the secret part.
    static func maskSecrets(in text: String) -> (masked: String, reasons: [String])? {
        var masked = text
        // Text masked earlier (a shared snapshot, the cache) still holds the secrets it held.
        var reasons = text.contains("<masked: ") ? earlierMasks(in: text) : []
        for assignment in assignments(in: text).reversed() {
            guard let reason = judgeAssignment(name: assignment.name, value: assignment.value) else { continue }
            reasons.insert(reason, at: 0)
            masked.replaceSubrange(assignment.range, with: "\(assignment.name)=<masked>")
        }
        mask(flagPattern, in: &masked, reasons: &reasons) { flag, _ in
            "\(flag.trimmingCharacters(in: CharacterSet(charactersIn: "= "))) is given a value"
        }
        if masked.contains("-") {
            mask(userFlagPattern, in: &masked, reasons: &reasons) { _, value in
                // `-u 1000:1000` is a user and group, not a password.
                value.allSatisfy(\.isNumber) ? nil : "a user flag is given a password"
            }
        }
        if masked.contains(":") {
            mask(headerPattern, in: &masked, reasons: &reasons) { header, _ in
                "the \(header.prefix { $0 != ":" }.trimmingCharacters(in: .whitespaces)) header is given a credential"
            }
        }
        if masked.count > 4 {
            mask(spacedAssignmentPattern, in: &masked, reasons: &reasons, nameGroup: 2) { prefix, value in
                let name = prefix.split(whereSeparator: \.isWhitespace).dropFirst().first.map(String.init) ?? ""
                return judgeAssignment(name: name, value: value)
            }
        }
        if mayHoldToken(masked) {
            for (regex, kind) in valuePatterns {
                let matches = regex.matches(in: masked, range: NSRange(location: 0, length: (masked as NSString).length))
                for match in matches.reversed() {
                    guard let whole = Range(match.range, in: masked) else { continue }
                    let kept = match.numberOfRanges > 1 ? Range(match.range(at: 1), in: masked).map { String(masked[$0]) } ?? "" : ""
                    masked.replaceSubrange(whole, with: kept + "<masked: \(kind)>")
                }
                if !matches.isEmpty { reasons.append("contains a \(kind)") }
            }
        }
        return reasons.isEmpty ? nil : (masked, reasons)
    }

    private static let earlierMaskPattern = try! NSRegularExpression(pattern: "<masked: ([A-Za-z ]{1,40})>")

    private static func earlierMasks(in text: String) -> [String] {
        earlierMaskPattern.matches(in: text, range: NSRange(location: 0, length: (text as NSString).length)).compactMap { match in
            Range(match.range(at: 1), in: text).map { "contains a \(text[$0]) (masked)" }
        }
    }

    /// Replaces group 2 (the value) of each match whose `judge(group 1, value)` gives a reason; values that only refer to
    /// a variable are left alone.
    private static func mask(_ regex: NSRegularExpression, in text: inout String, reasons: inout [String], nameGroup: Int? = nil,
                             judge: (String, String) -> String?) {
        let valueGroup = nameGroup == nil ? 2 : 3
        let matches = regex.matches(in: text, range: NSRange(location: 0, length: (text as NSString).length))
        for match in matches.reversed() {
            guard let value = Range(match.range(at: valueGroup), in: text), isLiteralValue(String(text[value])),
                  let kept = Range(match.range(at: 1), in: text),
                  let reason = judge(String(text[kept]), String(text[value])) else { continue }
            reasons.insert(reason, at: 0)
            text.replaceSubrange(value, with: "<masked>")
        }
    }

    /// Text from the audited object as it may be shown: every secret value masked.
    static func masked(_ text: String) -> String {
        maskSecrets(in: text)?.masked ?? text
    }
}

/// `mayHoldSecret` a byte at a time, for a caller that reads the bytes for other reasons too (`UntrustedText`).
struct SecretTrigger {
    /// The last four bytes read, lower-case.
    private var lastFour: UInt32 = 0

    /// True once the bytes read so far may hold a secret.
    @inline(__always)
    mutating func reached(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "@"): return true
        default: break
        }
        lastFour = lastFour << 8 | UInt32(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        let lastThree = lastFour & 0xFF_FFFF
        return lastThree == Self.env || lastThree == Self.arg || lastFour == Self.labe || lastFour == Self.akia || lastFour == Self.asia
    }

    /// Lower-case words packed as the last bytes read (`labe` stands for `label`).
    private static let env = packed("env"), arg = packed("arg"), labe = packed("labe"), akia = packed("akia"), asia = packed("asia")
    private static func packed(_ word: String) -> UInt32 { word.utf8.reduce(0) { $0 << 8 | UInt32($1) } }
}
