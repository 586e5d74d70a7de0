import Foundation

// Version ordering exactly as each packaging ecosystem defines it, for matching installed packages against advisories:
// dpkg (deb-version(7)), rpm (rpmvercmp with `~` and `^`), apk (apk-tools' version.c), PEP 440 and semver 2.0.0.
// Each compare returns a negative number, zero or a positive number, as the tools themselves do.

extension PackageVersion {
    /// dpkg's order: `[epoch:]upstream[-revision]`, epoch numerically, then upstream and revision by `verrevcmp`
    /// (`~` before everything, even the end; letters before other characters; digit runs numerically).
    public static func dpkgCompare(_ lhs: String, _ rhs: String) -> Int {
        let left = dpkgParts(lhs), right = dpkgParts(rhs)
        if left.epoch != right.epoch { return left.epoch < right.epoch ? -1 : 1 }
        let upstream = verrevcmp(left.upstream, right.upstream)
        if upstream != 0 { return upstream }
        return verrevcmp(left.revision, right.revision)
    }

    static func dpkgParts(_ text: String) -> (epoch: Int, upstream: [UInt8], revision: [UInt8]) {
        var bytes = Array(text.utf8.drop { $0 == 0x20 })
        var epoch = 0
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")), let value = Int(String(decoding: bytes[..<colon], as: UTF8.self)) {
            epoch = value
            bytes = Array(bytes[(colon + 1)...])
        }
        if let dash = bytes.lastIndex(of: UInt8(ascii: "-")) {
            return (epoch, Array(bytes[..<dash]), Array(bytes[(dash + 1)...]))
        }
        return (epoch, bytes, [])
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a }

    /// dpkg's `order()`: digits and the end 0, letters themselves, `~` -1, anything else after every letter.
    private static func dpkgOrder(_ byte: UInt8?) -> Int {
        guard let byte else { return 0 }
        if isDigit(byte) { return 0 }
        if isAlpha(byte) { return Int(byte) }
        if byte == UInt8(ascii: "~") { return -1 }
        return Int(byte) + 256
    }

    /// dpkg's `verrevcmp`, byte for byte.
    static func verrevcmp(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0, j = 0
        func at(_ s: [UInt8], _ k: Int) -> UInt8? { k < s.count ? s[k] : nil }
        while i < a.count || j < b.count {
            var firstDiff = 0
            while (at(a, i).map { !isDigit($0) } ?? false) || (at(b, j).map { !isDigit($0) } ?? false) {
                let ac = dpkgOrder(at(a, i)), bc = dpkgOrder(at(b, j))
                if ac != bc { return ac - bc }
                i += 1; j += 1
            }
            while at(a, i) == UInt8(ascii: "0") { i += 1 }
            while at(b, j) == UInt8(ascii: "0") { j += 1 }
            while let x = at(a, i), let y = at(b, j), isDigit(x), isDigit(y) {
                if firstDiff == 0 { firstDiff = Int(x) - Int(y) }
                i += 1; j += 1
            }
            if let x = at(a, i), isDigit(x) { return 1 }
            if let y = at(b, j), isDigit(y) { return -1 }
            if firstDiff != 0 { return firstDiff }
        }
        return 0
    }

    /// rpm's order of `[epoch:]version[-release]` labels: epoch numerically (none is 0), then `rpmvercmp` on the version
    /// and on the release.
    public static func rpmCompare(_ lhs: String, _ rhs: String) -> Int {
        let left = rpmLabel(lhs), right = rpmLabel(rhs)
        if left.epoch != right.epoch { return left.epoch < right.epoch ? -1 : 1 }
        let version = rpmvercmp(left.version, right.version)
        if version != 0 { return version }
        return rpmvercmp(left.release, right.release)
    }

    static func rpmLabel(_ text: String) -> (epoch: Int, version: String, release: String) {
        var rest = Substring(text)
        var epoch = 0
        if let colon = rest.firstIndex(of: ":"), let value = Int(rest[..<colon]) {
            epoch = value
            rest = rest[rest.index(after: colon)...]
        }
        if let dash = rest.lastIndex(of: "-") {
            return (epoch, String(rest[..<dash]), String(rest[rest.index(after: dash)...]))
        }
        return (epoch, String(rest), "")
    }

    /// rpm's `rpmvercmp` (rpm 4.15 and later: `~` sorts before anything, `^` after the end but before anything else).
    static func rpmvercmp(_ lhs: String, _ rhs: String) -> Int {
        if lhs == rhs { return 0 }
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        var one = 0, two = 0
        func at(_ s: [UInt8], _ k: Int) -> UInt8 { k < s.count ? s[k] : 0 }
        func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isAlpha(c) }
        let tilde = UInt8(ascii: "~"), caret = UInt8(ascii: "^")
        while at(a, one) != 0 || at(b, two) != 0 {
            while at(a, one) != 0 && !isAlnum(at(a, one)) && at(a, one) != tilde && at(a, one) != caret { one += 1 }
            while at(b, two) != 0 && !isAlnum(at(b, two)) && at(b, two) != tilde && at(b, two) != caret { two += 1 }
            if at(a, one) == tilde || at(b, two) == tilde {
                if at(a, one) != tilde { return 1 }
                if at(b, two) != tilde { return -1 }
                one += 1; two += 1
                continue
            }
            if at(a, one) == caret || at(b, two) == caret {
                if at(a, one) == 0 { return -1 }
                if at(b, two) == 0 { return 1 }
                if at(a, one) != caret { return 1 }
                if at(b, two) != caret { return -1 }
                one += 1; two += 1
                continue
            }
            if at(a, one) == 0 || at(b, two) == 0 { break }
            var end1 = one, end2 = two
            let isNumber = isDigit(at(a, one))
            func inSegment(_ c: UInt8) -> Bool { isNumber ? isDigit(c) : isAlpha(c) }
            while at(a, end1) != 0 && inSegment(at(a, end1)) { end1 += 1 }
            while at(b, end2) != 0 && inSegment(at(b, end2)) { end2 += 1 }
            if end2 == two { return isNumber ? 1 : -1 }
            var left = a[one..<end1], right = b[two..<end2]
            if isNumber {
                left = left.drop { $0 == UInt8(ascii: "0") }
                right = right.drop { $0 == UInt8(ascii: "0") }
                if left.count != right.count { return left.count > right.count ? 1 : -1 }
            }
            if !left.elementsEqual(right) { return left.lexicographicallyPrecedes(right) ? -1 : 1 }
            one = end1; two = end2
        }
        if at(a, one) == 0 && at(b, two) == 0 { return 0 }
        return at(a, one) == 0 ? -1 : 1
    }

    /// apk-tools' `apk_version_compare`: `1.2.3a_rc1_p2-r4`, tokens compared in turn; a version that stops where the
    /// other goes on with a digit is older, one that goes on with a pre-release suffix (`_alpha`…`_rc`) is older still.
    public static func apkCompare(_ lhs: String, _ rhs: String) -> Int {
        var a = ApkTokens(lhs), b = ApkTokens(rhs)
        var av = 0, bv = 0
        while a.type == b.type && a.type != .end && a.type != .invalid && av == bv {
            av = a.next()
            bv = b.next()
        }
        if av != bv { return av < bv ? -1 : 1 }
        if a.type == b.type { return 0 }
        if a.type == .suffix && a.next() < 0 { return -1 }
        if b.type == .suffix && b.next() < 0 { return 1 }
        if a.type.rawValue > b.type.rawValue { return -1 }
        if b.type.rawValue > a.type.rawValue { return 1 }
        return 0
    }
}

/// The tokenizer of apk-tools' version.c.
private struct ApkTokens {
    enum Kind: Int { case invalid = -1, digitOrZero = 0, digit, letter, suffix, suffixNumber, revisionNumber, end }
    static let preSuffixes = ["alpha", "beta", "pre", "rc"]
    static let postSuffixes = ["cvs", "svn", "git", "hg", "p"]

    var bytes: [UInt8]
    var index = 0
    var type = Kind.digit

    init(_ text: String) { bytes = Array(text.utf8) }

    private var remaining: Int { bytes.count - index }
    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// `get_token`: the value of the token of the current type, moving to the next token's type.
    mutating func next() -> Int {
        var value = 0, length = 0
        var nextType: Kind?
        if remaining <= 0 { type = .end; return 0 }
        switch type {
        case .digitOrZero where bytes[index] == UInt8(ascii: "0"):
            // Leading zeros after a dot: all but the last are consumed here, and count against the component.
            while length + 1 < remaining && bytes[index + length + 1] == UInt8(ascii: "0") { length += 1 }
            nextType = .digit
            value = -length
        case .digitOrZero, .digit, .suffixNumber, .revisionNumber:
            while length < remaining && isDigit(bytes[index + length]) {
                value = value &* 10 &+ Int(bytes[index + length] - 0x30)
                length += 1
            }
        case .letter:
            value = Int(bytes[index])
            length = 1
        case .suffix:
            let rest = bytes[index...]
            if let found = Self.preSuffixes.firstIndex(where: { rest.starts(with: $0.utf8) }) {
                value = found - Self.preSuffixes.count
                length = Self.preSuffixes[found].utf8.count
            } else if let found = Self.postSuffixes.firstIndex(where: { rest.starts(with: $0.utf8) }) {
                value = found
                length = Self.postSuffixes[found].utf8.count
            } else {
                type = .invalid
                return -1
            }
        case .invalid, .end:
            type = .invalid
            return -1
        }
        index += length
        if remaining == 0 { type = .end }
        else if let nextType { type = nextType }
        else { advance() }
        return value
    }

    /// `next_token`: the type of the token that starts here, skipping its separator.
    private mutating func advance() {
        var next = Kind.invalid
        let c = bytes[index]
        if remaining == 0 || c == 0 {
            next = .end
        } else if (type == .digit || type == .digitOrZero) && c >= 0x61 && c <= 0x7a {
            next = .letter
        } else if type == .letter && isDigit(c) {
            next = .digit
        } else if type == .suffix && isDigit(c) {
            next = .suffixNumber
        } else {
            switch c {
            case UInt8(ascii: "."): next = .digitOrZero
            case UInt8(ascii: "_"): next = .suffix
            case UInt8(ascii: "-"):
                if remaining > 1 && bytes[index + 1] == UInt8(ascii: "r") {
                    next = .revisionNumber
                    index += 1
                }
            default: break
            }
            index += 1
        }
        if next.rawValue < type.rawValue {
            let allowed = (next == .digitOrZero && type == .digit) || (next == .suffix && type == .suffixNumber)
                || (next == .digit && type == .letter)
            if !allowed { next = .invalid }
        }
        type = next
    }
}

/// A Python package version as PEP 440 defines it (normalized spellings: `1.0-alpha.1`, `1.0.post`, `v1.0`, `1.0-1`).
public struct PEP440Version: Comparable, Sendable {
    var epoch = 0
    var release: [Int] = []
    var pre: (kind: Int, number: Int)? // a = 0, b = 1, rc = 2
    var post: Int?
    var dev: Int?
    var local: [LocalPart] = []

    enum LocalPart: Comparable {
        case text(String)
        case number(Int)
        // Numbers sort after text (PEP 440), which the case order gives.
    }

    /// PEP 440's own regular expression (its appendix), compiled once: NSRegularExpression is immutable and thread-safe.
    private static let pattern = try! NSRegularExpression(
        pattern: #"^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$"#,
        options: [.caseInsensitive])

    public init?(_ text: String) {
        guard let match = Self.pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        func group(_ index: Int) -> String? {
            let range = match.range(at: index)
            guard range.location != NSNotFound, let swiftRange = Range(range, in: text) else { return nil }
            return String(text[swiftRange]).lowercased()
        }
        epoch = group(1).flatMap { Int($0) } ?? 0
        release = (group(2) ?? "").split(separator: ".").map { Int($0) ?? 0 }
        if let kind = group(3) {
            let rank = ["a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2][kind] ?? 2
            pre = (rank, group(4).flatMap { Int($0) } ?? 0)
        }
        if let implicit = group(5) { post = Int(implicit) } else if group(6) != nil { post = group(7).flatMap { Int($0) } ?? 0 }
        if group(8) != nil { dev = group(9).flatMap { Int($0) } ?? 0 }
        local = (group(10) ?? "").split(whereSeparator: { "-_.".contains($0) }).map { part in
            Int(part).map(LocalPart.number) ?? .text(String(part))
        }
    }

    /// packaging's `_cmpkey`: trailing zeros of the release ignored; a dev release without pre or post sorts before
    /// the pre-releases; no pre-release after any; no post before any; no dev after any; no local before any.
    private var key: (Int, [Int], (Int, Int), Int, Int) {
        var trimmed = release
        while trimmed.last == 0 { trimmed.removeLast() }
        let preKey: (Int, Int) = pre.map { ($0.kind, $0.number) } ?? ((post == nil && dev != nil) ? (-1, 0) : (3, 0))
        return (epoch, trimmed, preKey, post ?? -1, dev ?? Int.max)
    }

    public static func < (lhs: PEP440Version, rhs: PEP440Version) -> Bool { compare(lhs, rhs) < 0 }
    public static func == (lhs: PEP440Version, rhs: PEP440Version) -> Bool { compare(lhs, rhs) == 0 }

    static func compare(_ lhs: PEP440Version, _ rhs: PEP440Version) -> Int {
        let l = lhs.key, r = rhs.key
        if l.0 != r.0 { return l.0 < r.0 ? -1 : 1 }
        if l.1 != r.1 { return l.1.lexicographicallyPrecedes(r.1) ? -1 : 1 }
        if l.2 != r.2 { return l.2 < r.2 ? -1 : 1 }
        if l.3 != r.3 { return l.3 < r.3 ? -1 : 1 }
        if l.4 != r.4 { return l.4 < r.4 ? -1 : 1 }
        if lhs.local != rhs.local {
            if lhs.local.isEmpty { return -1 }
            if rhs.local.isEmpty { return 1 }
            return lhs.local.lexicographicallyPrecedes(rhs.local) ? -1 : 1
        }
        return 0
    }
}

/// Semantic Versioning 2.0.0 precedence (§11); read leniently as the ecosystems write it: `v1.2`, `1.2` (missing
/// parts are 0). Build metadata is ignored.
public struct SemanticVersion: Comparable, Sendable {
    var core: [Int]
    var preRelease: [Substring]

    public init?(_ text: String) {
        var rest = Substring(text.hasPrefix("v") ? String(text.dropFirst()) : text)
        if let plus = rest.firstIndex(of: "+") { rest = rest[..<plus] }
        var pre: Substring = ""
        if let dash = rest.firstIndex(of: "-") {
            pre = rest[rest.index(after: dash)...]
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 3 else { return nil }
        var core: [Int] = []
        for part in parts {
            guard let number = Int(part), !part.isEmpty, part.allSatisfy(\.isNumber) else { return nil }
            core.append(number)
        }
        while core.count < 3 { core.append(0) }
        self.core = core
        preRelease = pre.isEmpty ? [] : pre.split(separator: ".", omittingEmptySubsequences: false)
    }

    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool { compare(lhs, rhs) < 0 }
    public static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool { compare(lhs, rhs) == 0 }

    static func compare(_ lhs: SemanticVersion, _ rhs: SemanticVersion) -> Int {
        if lhs.core != rhs.core { return lhs.core.lexicographicallyPrecedes(rhs.core) ? -1 : 1 }
        switch (lhs.preRelease.isEmpty, rhs.preRelease.isEmpty) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): break
        }
        for (left, right) in zip(lhs.preRelease, rhs.preRelease) where left != right {
            let leftNumber = left.allSatisfy(\.isNumber) ? Int(left) : nil
            let rightNumber = right.allSatisfy(\.isNumber) ? Int(right) : nil
            switch (leftNumber, rightNumber) {
            case let (l?, r?): if l != r { return l < r ? -1 : 1 }
            case (_?, nil): return -1 // numeric identifiers have lower precedence
            case (nil, _?): return 1
            case (nil, nil): return left < right ? -1 : 1
            }
        }
        if lhs.preRelease.count != rhs.preRelease.count { return lhs.preRelease.count < rhs.preRelease.count ? -1 : 1 }
        return 0
    }
}
