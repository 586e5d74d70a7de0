import Foundation

/// An OSV record (https://ossf.github.io/osv-schema/), reduced to what matching and reporting need.
public struct OSVRecord: Codable, Sendable, Equatable {
    public struct Severity: Codable, Sendable, Equatable {
        public var type: String
        public var score: String
    }
    public struct Package: Codable, Sendable, Equatable {
        public var ecosystem: String
        public var name: String
    }
    public struct Event: Codable, Sendable, Equatable {
        public var introduced: String?
        public var fixed: String?
        public var last_affected: String?
        public var limit: String?
    }
    public struct Range: Codable, Sendable, Equatable {
        public var type: String
        public var events: [Event]
    }
    public struct Affected: Codable, Sendable, Equatable {
        public var package: Package?
        public var ranges: [Range]?
        public var versions: [String]?
        public var severity: [Severity]?
        public var ecosystem_specific: Specific?
        public var database_specific: Specific?
    }
    /// Only the severity word some databases put here (`HIGH`, Red Hat's `Important`, Ubuntu's `medium`).
    public struct Specific: Codable, Sendable, Equatable {
        public var severity: String?
        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            severity = try? container.decodeIfPresent(String.self, forKey: .severity)
        }
    }

    public var id: String
    public var modified: String?
    public var published: String?
    public var withdrawn: String?
    public var aliases: [String]?
    /// Debian's and the distributions' records name the CVEs they fix here rather than as aliases.
    public var related: [String]?
    public var upstream: [String]?
    public var summary: String?
    public var severity: [Severity]?
    public var affected: [Affected]?
    public var database_specific: Specific?

    /// Aliases, then upstream and related ids, each once: what the advisory is known as (`CVE-2023-4911`).
    public var knownAs: [String] {
        var seen = Set<String>()
        return ((aliases ?? []) + (upstream ?? []) + (related ?? [])).filter { $0 != id && seen.insert($0).inserted }
    }
}

/// An OSV ecosystem string split: `Debian:12` → `Debian`, `12`; `Ubuntu:22.04:LTS` → `Ubuntu`, `22.04:LTS`.
public struct OSVEcosystem: Sendable, Equatable {
    public var base: String
    public var release: String

    public init(_ text: String) {
        if let colon = text.firstIndex(of: ":") {
            base = String(text[..<colon])
            release = String(text[text.index(after: colon)...])
        } else {
            base = text
            release = ""
        }
    }

    public init(base: String, release: String) {
        self.base = base
        self.release = release
    }

    /// How the ecosystem orders its versions.
    public var scheme: VersionScheme? {
        switch base {
        case "Debian", "Ubuntu": return .dpkg
        case "Alpine": return .apk
        case "Red Hat", "AlmaLinux", "Rocky Linux", "SUSE", "openSUSE", "Mageia", "openEuler": return .rpm
        case "PyPI": return .pep440
        case "npm", "Go", "crates.io", "Packagist", "Hex", "Pub": return .semver
        default: return nil
        }
    }

    /// Whether a record for `self` concerns an image whose distribution release is `image` (same base): no release in
    /// the record means every release; Red Hat's releases read `enterprise_linux:9::baseos`.
    public func covers(_ image: OSVEcosystem) -> Bool {
        guard base == image.base else { return false }
        if release.isEmpty || image.release.isEmpty { return true }
        switch base {
        case "Ubuntu": return release == image.release || release.hasPrefix(image.release + ":")
        case "Red Hat":
            let major = image.release.prefix { $0 != "." }
            return release.split(separator: ":").contains { $0 == major || $0.hasPrefix("\(major).") }
        case "SUSE", "openSUSE": return true // releases name products, not os-release versions
        default: return release == image.release
        }
    }
}

public enum VersionScheme: String, Sendable {
    case dpkg, rpm, apk, pep440, semver

    /// Negative, zero or positive; nil when either version cannot be read in this scheme.
    public func compare(_ lhs: String, _ rhs: String) -> Int? {
        switch self {
        case .dpkg: return PackageVersion.dpkgCompare(lhs, rhs)
        case .rpm: return PackageVersion.rpmCompare(lhs, rhs)
        case .apk: return PackageVersion.apkCompare(lhs, rhs)
        case .pep440:
            guard let left = PEP440Version(lhs), let right = PEP440Version(rhs) else { return nil }
            return PEP440Version.compare(left, right)
        case .semver:
            guard let left = SemanticVersion(lhs), let right = SemanticVersion(rhs) else { return nil }
            return SemanticVersion.compare(left, right)
        }
    }
}

extension OSVRecord.Affected {
    /// Whether `version` is affected, and the fixed version of the range it is in (nil: no fix yet). OSV's rule: the
    /// exact `versions` list, or any range whose events, in version order, leave it introduced and not yet fixed.
    func affects(_ version: String, scheme: VersionScheme) -> (affected: Bool, fixed: String?) {
        // Go writes module versions with a `v` (v0.3.7), OSV without.
        var affected = versions.map { $0.contains(version) || (version.hasPrefix("v") && $0.contains(String(version.dropFirst()))) } ?? false
        var fixedVersion: String?
        for range in ranges ?? [] {
            let rangeScheme: VersionScheme
            switch range.type {
            case "ECOSYSTEM": rangeScheme = scheme
            case "SEMVER": rangeScheme = .semver
            default: continue // GIT ranges name commits, which an installed package does not have
            }
            if let fixed = Self.evaluate(version, events: range.events, scheme: rangeScheme) {
                affected = true
                if let found = fixed.fixed { fixedVersion = found }
            }
        }
        return (affected, fixedVersion)
    }

    /// nil when not affected by this range; else the `fixed` event that ends the affected stretch, if any.
    struct RangeHit { var fixed: String? }

    static func evaluate(_ version: String, events: [OSVRecord.Event], scheme: VersionScheme) -> RangeHit? {
        func compare(_ a: String, _ b: String) -> Int? { a == "0" ? (b == "0" ? 0 : -1) : (b == "0" ? 1 : scheme.compare(a, b)) }
        func point(_ event: OSVRecord.Event) -> String? { event.introduced ?? event.fixed ?? event.last_affected ?? event.limit }
        let ordered = events.filter { point($0) != nil }.sorted { (compare(point($0)!, point($1)!) ?? 0) < 0 }
        var affected = false
        var fixed: String?
        for event in ordered {
            if let introduced = event.introduced {
                guard let order = compare(version, introduced) else { return nil }
                if order >= 0 { affected = true; fixed = nil }
            } else if let end = event.fixed {
                guard let order = compare(version, end) else { return nil }
                if order >= 0 { affected = false } else if affected && fixed == nil { fixed = end }
            } else if let last = event.last_affected {
                guard let order = compare(version, last) else { return nil }
                if order > 0 { affected = false }
            }
        }
        return affected ? RangeHit(fixed: fixed) : nil
    }
}

/// CVSS scores: the base score of a CVSS 3.x vector (specification §7), and the qualitative rating of a score.
public enum CVSS {
    /// `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H` → 9.8; nil for anything else.
    public static func baseScore(_ vector: String) -> Double? {
        guard vector.hasPrefix("CVSS:3.") else { return nil }
        var metrics: [String: String] = [:]
        for part in vector.split(separator: "/").dropFirst() {
            let pair = part.split(separator: ":")
            if pair.count == 2 { metrics[String(pair[0])] = String(pair[1]) }
        }
        let changed = metrics["S"] == "C"
        guard let av = ["N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2][metrics["AV"] ?? ""],
              let ac = ["L": 0.77, "H": 0.44][metrics["AC"] ?? ""],
              let pr = (changed ? ["N": 0.85, "L": 0.68, "H": 0.5] : ["N": 0.85, "L": 0.62, "H": 0.27])[metrics["PR"] ?? ""],
              let ui = ["N": 0.85, "R": 0.62][metrics["UI"] ?? ""],
              let c = ["H": 0.56, "L": 0.22, "N": 0.0][metrics["C"] ?? ""],
              let i = ["H": 0.56, "L": 0.22, "N": 0.0][metrics["I"] ?? ""],
              let a = ["H": 0.56, "L": 0.22, "N": 0.0][metrics["A"] ?? ""],
              ["U", "C"].contains(metrics["S"] ?? "") else { return nil }
        let iss = 1 - (1 - c) * (1 - i) * (1 - a)
        let impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss
        let exploitability = 8.22 * av * ac * pr * ui
        guard impact > 0 else { return 0 }
        return roundUp(min((changed ? 1.08 : 1) * (impact + exploitability), 10))
    }

    /// CVSS 3.1's Roundup: the smallest one-decimal number not below the input, computed without floating error.
    static func roundUp(_ value: Double) -> Double {
        let scaled = Int((value * 100_000).rounded())
        return scaled % 10_000 == 0 ? Double(scaled) / 100_000 : Double(scaled / 10_000 + 1) / 10
    }

    public static func rating(_ score: Double) -> Severity {
        switch score {
        case 9...: return .critical
        case 7..<9: return .high
        case 4..<7: return .medium
        case 0.1..<4: return .low
        default: return .info
        }
    }

    /// A severity word as databases write it: CVSS ratings, Red Hat's (`Important`, `Moderate`), Ubuntu's and
    /// Debian's (`negligible`, `unimportant`).
    public static func rating(word: String) -> Severity? {
        switch word.lowercased() {
        case "critical": return .critical
        case "high", "important": return .high
        case "medium", "moderate": return .medium
        case "low", "negligible", "unimportant": return .low
        default: return nil
        }
    }
}
