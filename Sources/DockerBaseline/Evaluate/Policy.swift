import Foundation

/// Which numbering reports show, and which rules a benchmark has.
public enum Benchmark: String, CaseIterable, Sendable {
    case cis16 = "cis-1.6", cis18 = "cis-1.8", cisCE11 = "cis-ce-1.1"

    public func id(for rule: RuleMetadata) -> String? {
        switch self {
        case .cis16: rule.cis
        case .cis18: rule.cis18
        case .cisCE11: rule.cisCE
        }
    }
}

/// Which rules an organisation is held to.
public enum Profile: String, CaseIterable, Sendable {
    case cisLevel1 = "cis-level1", cisLevel2 = "cis-level2", baselineBasic = "baseline-basic", baselineEnhanced = "baseline-enhanced"

    public func includes(_ rule: RuleMetadata) -> Bool {
        switch self {
        case .cisLevel1: return rule.cis != nil && rule.level == 1
        case .cisLevel2: return rule.cis != nil
        case .baselineBasic: return EnterpriseBaseline.items(for: rule).contains { $0.grade == .basic }
        case .baselineEnhanced: return !EnterpriseBaseline.items(for: rule).isEmpty
        }
    }
}

/// Shell-style `*` and `?` matching (fnmatch without path rules).
public func glob(_ pattern: String, _ text: String) -> Bool { fnmatch(pattern, text, 0) == 0 }

/// A waiver: a finding accepted for a reason, until a date.
public struct Waiver: Sendable, Equatable {
    /// The rules it waives.
    public var rule: RuleSelector
    /// Target name glob.
    public var target: String
    public var reason: String
    /// `YYYY-MM-DD`; the waiver holds through that day.
    public var expires: String?
    /// `file:line`.
    public var source: String

    public init(rule: RuleSelector, target: String = "*", reason: String, expires: String? = nil, source: String) {
        self.rule = rule
        self.target = target
        self.reason = reason
        self.expires = expires
        self.source = source
    }

    func matches(_ result: Result, reporting reported: Benchmark) -> Bool {
        rule.matches(result.rule, reporting: reported) && (glob(target, result.target.name) || glob(target, result.target.id))
    }
}

/// What to keep of a report, what is waived, and what it is compared with. Applied after evaluation.
public struct AuditPolicy: Sendable {
    public var benchmark: Benchmark?
    public var profile: Profile?
    public var include: [RuleSelector] = []
    public var exclude: [RuleSelector] = []
    /// Target name globs to keep or drop.
    public var includeTargets: [String] = []
    public var excludeTargets: [String] = []
    /// `key` or `key=value`: keep only containers and images carrying such a label (other targets stay).
    public var labels: [String] = []
    public var waivers: [Waiver] = []
    /// `YYYY-MM-DD` of the day the audit runs: waivers are judged against it.
    public var today: String
    /// Failing (rule, target id) pairs of a previous report.
    public var previousFailures: Set<String>?
    /// The configuration file's `settings:` (and `lint:`) values for the rules; flags given on the command line
    /// are applied over them.
    public var settings: RuleSettings {
        get {
            var settings = storedSettings
            // The enhanced grade holds containers' outbound traffic to a filter (item 3); the basic one advises it.
            if settings.requireEgressFilter == nil, profile == .baselineEnhanced { settings.requireEgressFilter = true }
            return settings
        }
        set { storedSettings = newValue }
    }
    private var storedSettings = RuleSettings()
    /// `lint: exclude-paths`: .gitignore-style patterns `lint` skips.
    public var lintExcludePaths: [String] = []

    public init(today: Date = Date()) {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        self.today = formatter.string(from: today)
    }

    /// The numbering reports show, and the one bare CIS ids in selectors are read in.
    public var reported: Benchmark { benchmark ?? .cis16 }

    public func selects(_ rule: RuleMetadata) -> Bool {
        if let benchmark, benchmark.id(for: rule) == nil { return false }
        if let profile, !profile.includes(rule) { return false }
        if !include.isEmpty, !include.contains(where: { $0.matches(rule, reporting: reported) }) { return false }
        return !exclude.contains { $0.matches(rule, reporting: reported) }
    }

    func selects(_ target: Target, labels: [String: String]?) -> Bool {
        if !includeTargets.isEmpty, !includeTargets.contains(where: { glob($0, target.name) }) { return false }
        if excludeTargets.contains(where: { glob($0, target.name) }) { return false }
        guard !self.labels.isEmpty, target.kind == .container || target.kind == .image else { return true }
        let present = labels ?? [:]
        return self.labels.contains { wanted in
            let parts = wanted.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? present[parts[0]] == parts[1] : present[parts[0]] != nil
        }
    }

    /// The report with unselected results dropped, waivers applied (stale ones reported) and changes marked.
    /// Only waivers for `rules` (the command's own) can be stale: one file serves both `audit` and `lint`.
    /// Takes the report over: its results are filtered in place, not copied (on a busy host they are most of the memory).
    public func apply(to report: consuming AuditReport, rules: [RuleMetadata] = RuleCatalog.all.map(\.metadata)) -> AuditReport {
        let labels = Self.labels(in: report.snapshot)
        var filtered = consume report
        var results = filtered.results
        filtered.results = []
        results.removeAll { !(selects($0.rule) && selects($0.target, labels: labels[$0.target.id])) }
        var used = Set<Int>()
        for index in results.indices where [.fail, .warn].contains(results[index].finding.status) {
            guard let (number, waiver) = waivers.enumerated().first(where: { $0.element.matches(results[index], reporting: reported) }) else { continue }
            used.insert(number)
            let expired = waiver.expires.map { $0 < today } ?? false
            results[index].waiver = AppliedWaiver(reason: waiver.reason, expires: waiver.expires, expired: expired, source: waiver.source)
        }
        for (number, waiver) in waivers.enumerated() where !used.contains(number) && rules.contains(where: { waiver.rule.matches($0, reporting: reported) }) {
            results.append(Result(rule: Self.staleWaiverRule, finding: Finding(
                target: .file(waiver.source), status: .warn,
                message: .init(en: "waiver for \(waiver.rule) on \(waiver.target) matches no finding: remove it",
                               zh: "针对 \(waiver.rule)（目标 \(waiver.target)）的豁免未匹配任何问题：请删除"),
                evidence: ["rule": waiver.rule.text, "target": waiver.target, "reason": waiver.reason])))
        }
        if let previous = previousFailures {
            for index in results.indices {
                let key = Self.key(results[index].rule.id.rawValue, results[index].target.id)
                let failsNow = results[index].finding.status == .fail
                let failedBefore = previous.contains(key)
                results[index].change = failsNow ? (failedBefore ? .unchanged : .new) : (failedBefore ? .fixed : nil)
            }
        }
        filtered.results = results
        filtered.benchmark = reported
        return filtered
    }

    static func key(_ rule: String, _ target: String) -> String { "\(rule) \(target)" }

    /// Container and image labels by id.
    static func labels(in snapshot: Snapshot) -> [String: [String: String]] {
        var labels: [String: [String: String]] = [:]
        for container in snapshot.containers { labels[container.inspect.id] = container.inspect.config?.labels ?? [:] }
        for image in snapshot.images { labels[image.inspect.id] = image.inspect.config?.labels ?? [:] }
        return labels
    }

    /// The failing (rule, target) pairs of a JSON report written by `--format json`.
    public static func failures(inReport path: String) throws -> Set<String> {
        struct Document: Decodable {
            struct Item: Decodable {
                struct Target: Decodable { let id: String }
                let rule: String
                let status: String
                let target: Target
            }
            let results: [Item]
        }
        let data = try readInputFile(path, what: "baseline report")
        do {
            let document = try JSONDecoder().decode(Document.self, from: data)
            return Set(document.results.filter { $0.status == "fail" }.map { key($0.rule, $0.target.id) })
        } catch {
            throw SnapshotFile.LoadError(description: "\(path) is not a docker-baseline JSON report: \(describe(decodingError: error))")
        }
    }

    static let staleWaiverRule = RuleMetadata(
        id: .policyStaleWaiver, cis: nil, severity: .low,
        title: .init(en: "Every waiver still matches a finding", zh: "每条豁免都仍对应实际问题"),
        rationale: .init(en: "A waiver that matches nothing is stale: the finding was fixed or renamed, and the waiver could hide a new one later.",
                         zh: "不匹配任何问题的豁免已经过时：问题已修复或已改名，该豁免日后可能掩盖新的问题。"),
        remediation: .init(en: "Remove the waiver from the configuration file.", zh: "从配置文件中删除该豁免。"))
}

extension RuleID {
    public static let policyStaleWaiver: RuleID = "policy.stale-waiver"
}
