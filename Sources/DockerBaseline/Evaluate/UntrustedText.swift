import Foundation

/// Text that comes from the audited object (file names, image tags, commands, values, a scanned server's answers) as
/// every report may show it: secret values masked, control characters escaped, length bounded. `Result` passes each
/// finding it is made from through here, so no rule and no reporter can forget it; reporters pass the few other
/// strings from the audited object they print (an engine's version, a scanned endpoint) through `shown` too.
public enum UntrustedText {
    /// The longest text a report shows of one value, in UTF-8 bytes; the rest is counted, not shown.
    static let shownLimit = 8192

    public static func shown(_ text: String) -> String {
        if needsNothing(text) { return text }
        if text.utf8.count <= ShownCache.keyLimit, let cached = ShownCache.shared[text] { return cached }
        let shown = bounded(escapingControlCharacters(SecretScanner.masked(text)))
        if text.utf8.count <= ShownCache.keyLimit { ShownCache.shared[text] = shown }
        return shown
    }

    /// Most texts need none of the work (`passes`, a container's name, a mode): short, no control character, nothing a
    /// secret could be found in. Told without a lookup, since a busy host has tens of thousands of them.
    /// One pass over the bytes: the control characters of `isControl` are found by their UTF-8 forms.
    static func needsNothing(_ text: String) -> Bool {
        guard text.utf8.count <= shownLimit else { return false }
        var trigger = SecretTrigger()
        var before: UInt8 = 0, beforeThat: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x80 {
                if (byte < 0x20 && byte != 0x0A && byte != 0x09) || byte == 0x7F { return false }
            } else {
                switch (beforeThat, before, byte) {
                case (_, 0xC2, 0x80...0x9F), (_, 0xD8, 0x9C): return false  // U+0080–U+009F, U+061C
                case (0xE2, 0x80, 0x8E), (0xE2, 0x80, 0x8F), (0xE2, 0x80, 0xAA...0xAE), (0xE2, 0x81, 0xA6...0xA9): return false
                default: break
                }
            }
            if trigger.reached(byte) { return false }
            beforeThat = before
            before = byte
        }
        return true
    }

    /// Characters a terminal or a Markdown renderer would act on rather than show (escape sequences that move the
    /// cursor or erase findings, carriage returns, bidirectional overrides) written out as `\x1B`, `\u{202E}`.
    /// Line breaks and tabs stay.
    public static func escapingControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if !isControl(scalar) {
                out.unicodeScalars.append(scalar)
            } else if scalar.value <= 0xFF {
                out += "\\x" + String(format: "%02X", scalar.value)
            } else {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func bounded(_ text: String) -> String {
        let size = text.utf8.count
        guard size > shownLimit else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: shownLimit)
        while !text.unicodeScalars.indices.contains(end) && end > text.startIndex { end = text.utf8.index(before: end) }
        return String(text[..<end]) + " …(\(size - text.utf8.distance(from: text.startIndex, to: end)) more bytes)"
    }
}

/// Findings repeat the same short texts thousands of times (`passes`, `root`, a default path): each is masked once.
private final class ShownCache: @unchecked Sendable {
    static let shared = ShownCache()
    static let keyLimit = 512
    private static let capacity = 16384
    private var entries: [String: String] = [:]
    private let lock = NSLock()

    subscript(text: String) -> String? {
        get { lock.withLock { entries[text] } }
        set {
            lock.withLock {
                if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
                entries[text] = newValue
            }
        }
    }
}

extension LocalizedText {
    var shown: LocalizedText { LocalizedText(en: UntrustedText.shown(en), zh: UntrustedText.shown(zh)) }
}

extension Finding {
    /// This finding with every string that may come from the audited object passed through `UntrustedText.shown`.
    var shown: Finding {
        var finding = self
        finding.target.name = UntrustedText.shown(target.name)
        finding.target.id = UntrustedText.shown(target.id)
        finding.target.state = target.state.map(UntrustedText.shown)
        finding.message = message.shown
        // Rebuilt only when something changes: most evidence is shown as it is, and a busy host has tens of
        // thousands of findings.
        let shownEvidence = evidence.map { (key: UntrustedText.escapingControlCharacters($0.key), value: UntrustedText.shown($0.value)) }
        if zip(evidence, shownEvidence).contains(where: { $0.key != $1.key || $0.value != $1.value }) {
            finding.evidence = Dictionary(shownEvidence.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        finding.location?.file = UntrustedText.shown(location?.file ?? "")
        finding.fix?.description = fix?.description.shown ?? LocalizedText(en: "", zh: "")
        return finding
    }
}
