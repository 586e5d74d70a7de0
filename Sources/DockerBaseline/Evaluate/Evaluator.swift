import Foundation

/// Runs rules over a snapshot. Pure: the same snapshot always gives the same report.
public enum Evaluator {
    public static func evaluate(_ snapshot: Snapshot, rules: [any Rule] = RuleCatalog.all, advisories: AdvisoryTable = .embedded,
                                settings: RuleSettings = RuleSettings()) -> AuditReport {
        let context = AuditContext(snapshot, advisories: advisories, settings: settings)
        let known = KnownSecrets.byTarget(snapshot)
        // Rules are pure and independent: judge them on every core, then keep the catalogue's order.
        let perRule = ConcurrentSlots([[Result]](repeating: [], count: rules.count))
        let podman = snapshot.identity.kind.isPodman
        DispatchQueue.concurrentPerform(iterations: rules.count) { index in
            let rule = rules[index]
            let findings = applicableFindings(rule, context: context, podman: podman).sorted { ($0.target.kind.rawValue, $0.target.name) < ($1.target.kind.rawValue, $1.target.name) }
            let metadata = SharedRuleMetadata(rule.metadata)
            perRule.set(index, findings.map { Result(rule: metadata, finding: known[$0.target.id]?.masking($0) ?? $0) })
        }
        // Moved out rule by rule: on a busy host the results are most of the audit's memory, never held twice.
        var results: [Result] = []
        results.reserveCapacity(perRule.values.reduce(snapshot.problems.count) { $0 + $1.count })
        for index in rules.indices { results += perRule.take(index, leaving: []) }
        results += snapshot.problems.map(result(for:))
        return AuditReport(snapshot: snapshot, results: results)
    }

    /// A rule's findings on this engine: a Docker-only rule on Podman is skipped once with what Podman has instead, a
    /// Podman rule gives nothing on Docker (Docker's own rules judge those items).
    static func applicableFindings(_ rule: any Rule, context: AuditContext, podman: Bool) -> [Finding] {
        if podman, let reason = EngineScope.podmanReason(rule.metadata.id) {
            return [Finding(target: .engine(context.snapshot), status: .skipped, message: reason)]
        }
        if !podman, rule.metadata.id.family == "podman" { return [] }
        return rule.evaluate(context)
    }

    /// What the collector could not gather becomes a result, so nothing unread is silently missing from a report.
    static func result(for problem: CollectionProblem) -> Result {
        let status: Status = problem.kind == .vanished ? .skipped : .error
        let message = problem.kind == .vanished
            ? LocalizedText(en: "removed while the audit ran; not judged (\(problem.message))", zh: "审计过程中已被删除，未评估（\(problem.message)）")
            : LocalizedText(en: "could not be read: \(problem.message)", zh: "无法读取：\(problem.message)")
        return Result(rule: collectionMetadata, finding: Finding(target: problem.target, status: status, message: message,
                                                                 evidence: ["endpoint": problem.endpoint]))
    }

    static let collectionMetadata = RuleMetadata(
        id: .collect, cis: nil, severity: .medium,
        title: .init(en: "Every target could be read from the engine", zh: "所有目标均可从引擎读取"),
        rationale: .init(en: "A target the tool could not read is not judged by any rule.", zh: "无法读取的目标不会被任何规则评估。"),
        remediation: .init(en: "Check the engine's log and rerun the audit.", zh: "检查引擎日志后重新审计。"))
}

/// Slots written from `concurrentPerform`: each index is written by exactly one iteration.
final class ConcurrentSlots<Value>: @unchecked Sendable {
    private(set) var values: [Value]
    private let lock = NSLock()
    init(_ values: [Value]) { self.values = values }
    func set(_ index: Int, _ value: Value) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }
    /// The value at `index`, no longer held here.
    func take(_ index: Int, leaving empty: Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        let value = values[index]
        values[index] = empty
        return value
    }
}

/// The outcome of an audit: every result, and the figures reports lead with.
public struct AuditReport: Sendable {
    public var snapshot: Snapshot
    public var results: [Result]
    /// The numbering reports show.
    public var benchmark: Benchmark = .cis16
    /// What was audited: an engine and its host, the network (`scan-api`) or build files (`lint`); the last two have
    /// no engine to describe.
    public var subject: Subject = .engine

    public enum Subject: Sendable { case engine, networkScan, files }

    public init(snapshot: Snapshot, results: [Result]) {
        self.snapshot = snapshot
        self.results = results
    }

    /// Results per status and failures per severity, counted in one pass: what every report's summary shows. The
    /// results are read in place: a busy host has tens of thousands, and copying each costs more than counting it.
    public struct Tally: Sendable {
        public fileprivate(set) var byStatus: [Status: Int] = [:]
        public fileprivate(set) var failuresBySeverity: [Severity: Int] = [:]

        public func count(_ status: Status) -> Int { byStatus[status] ?? 0 }

        /// Percentage of judged results (pass + fail) that pass; nil when nothing was judged.
        public var score: Double? {
            let passed = count(.pass), failed = count(.fail)
            guard passed + failed > 0 else { return nil }
            return (Double(passed) * 1000 / Double(passed + failed)).rounded() / 10
        }
    }

    public var tally: Tally {
        var tally = Tally()
        for index in results.indices {
            let status = results[index].status
            tally.byStatus[status, default: 0] += 1
            if status == .fail { tally.failuresBySeverity[results[index].severity, default: 0] += 1 }
        }
        return tally
    }

    public func count(_ status: Status) -> Int { tally.count(status) }

    public var score: Double? { tally.score }

    /// Inputs that could not be read at all (an image the engine does not have, a missing build file): judged by no rule.
    public var unreadInputs: [Result] {
        results(where: { $0.status == .error && ($0.rule.id == .collect || $0.rule.id == .lintInput) })
    }

    /// The failures at or above `threshold` that count for the exit code: against a previous report, new ones only.
    public func failures(atOrAbove threshold: Severity) -> [Result] {
        results(where: { $0.status == .fail && ($0.change == nil || $0.change == .new) && $0.severity >= threshold })
    }

    /// The results `matching` accepts, in report order; only those are copied.
    func results(where matching: (Result) -> Bool) -> [Result] {
        results.indices.compactMap { matching(results[$0]) ? results[$0] : nil }
    }

    /// The highest severity among failures, nil when nothing failed. Against a previous report only new failures count.
    public var worstFailure: Severity? { failures(atOrAbove: .info).map(\.severity).max() }
}

extension RuleID {
    public static let collect: RuleID = "collect"
}
