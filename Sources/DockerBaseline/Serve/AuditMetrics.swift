import Foundation
import Prometheus

/// An audit as Prometheus metrics (text exposition format 0.0.4), through swift-prometheus's registry.
///
/// The library fits: every figure is a gauge or a counter with labels; info metrics are the usual `*_info` gauges
/// set to 1 (the 0.0.4 text format has no info type); and the per-target cap is ours to apply before a series is
/// registered. A fresh registry is filled per audit and rendered once (`report(…)`), so a scrape reads one audit's
/// figures whole, never a mix of two, and costs a copy of bytes; the serve loop's own counters (`status(…)`) are a
/// second small registry rendered per scrape.
public enum AuditMetrics {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The figures of one audit's report, and how many per-target series the cap left out.
    public struct Rendered: Sendable {
        public var text: [UInt8]
        public var droppedTargetSeries: Int
    }

    /// One failing check on one target, as a label set.
    struct TargetSeries: Hashable {
        var rule: String, cis: String, severity: Severity, kind: String, target: String
    }

    /// The report's metrics. `newFailures`: failing findings that the previous run did not have, by severity (nil
    /// before a second run). At most `maxTargetSeries` per-target series are kept, the most severe first.
    public static func report(_ report: AuditReport, durationSeconds: Double, newFailures: [Severity: Int]?, maxTargetSeries: Int) -> Rendered {
        let registry = PrometheusCollectorRegistry()
        let benchmark = report.benchmark

        if let score = report.score {
            registry.gauge("score", "Percentage of judged results (pass + fail) that pass, in the last audit.").set(score)
        }
        var byStatus: [Status: Int] = [:]
        var failuresBySeverity: [Severity: Int] = [:]
        var byRule: [RuleID: [Status: Int]] = [:]
        var cisByRule: [RuleID: String] = [:]
        var targets: [TargetSeries: Int] = [:]
        for result in report.results {
            let status = result.status
            byStatus[status, default: 0] += 1
            byRule[result.rule.id, default: [:]][status, default: 0] += 1
            if cisByRule[result.rule.id] == nil { cisByRule[result.rule.id] = benchmark.id(for: result.rule) ?? "" }
            guard status == .fail else { continue }
            failuresBySeverity[result.severity, default: 0] += 1
            let series = TargetSeries(rule: result.rule.id.rawValue, cis: cisByRule[result.rule.id]!, severity: result.severity,
                                      kind: result.target.kind.rawValue, target: result.target.name)
            targets[series, default: 0] += 1
        }
        for status in Status.allCases {
            registry.gauge("results", "Results of the last audit by status.", [("status", status.rawValue)])
                .set(Double(byStatus[status, default: 0]))
        }
        for severity in Severity.allCases {
            registry.gauge("failures", "Failing results of the last audit by severity.", [("severity", severity.rawValue)])
                .set(Double(failuresBySeverity[severity, default: 0]))
        }
        for (rule, counts) in byRule.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for (status, count) in counts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                registry.gauge("rule_results", "Results of the last audit by rule and status.",
                               [("rule", rule.rawValue), ("cis", cisByRule[rule] ?? ""), ("status", status.rawValue)])
                    .set(Double(count))
            }
        }
        let (kept, dropped) = capped(targets, to: maxTargetSeries)
        for (series, count) in kept {
            registry.gauge("failing_checks", "Failing results of the last audit per rule and target (capped by --max-target-series, most severe kept).",
                           [("rule", series.rule), ("cis", series.cis), ("severity", series.severity.rawValue), ("kind", series.kind), ("target", series.target)])
                .set(Double(count))
        }
        registry.gauge("failing_checks_dropped", "Per-target failing-check series the last audit left out because of --max-target-series.")
            .set(Double(dropped))
        let collectionErrors = report.results.lazy.filter { $0.rule.id == .collect && $0.status == .error }.count
        registry.gauge("collection_errors", "Targets the last audit could not read from the engine or host.").set(Double(collectionErrors))
        if let newFailures {
            for severity in Severity.allCases {
                registry.gauge("new_failures", "Failing findings in the last audit that the run before it did not have, by severity.",
                               [("severity", severity.rawValue)])
                    .set(Double(newFailures[severity, default: 0]))
            }
        }
        registry.gauge("audit_duration_seconds", "How long the last audit took, collection included.").set(durationSeconds)
        registry.gauge("containers", "Containers in the last audit's snapshot.").set(Double(report.snapshot.containers.count))
        registry.gauge("images", "Images in the last audit's snapshot.").set(Double(report.snapshot.images.count))
        let snapshot = report.snapshot
        registry.gauge("engine_info", "The audited engine (value 1).",
                       [("name", snapshot.info.name ?? ""), ("version", snapshot.engine.version ?? ""), ("api_version", snapshot.engine.apiVersion ?? ""),
                        ("os", snapshot.info.operatingSystem ?? ""), ("benchmark", benchmark.rawValue)])
            .set(1.0)
        return Rendered(text: registry.emitToBuffer(), droppedTargetSeries: dropped)
    }

    /// The series to keep, most severe first (then by rule and target, so the choice is stable), and how many are left out.
    static func capped(_ series: [TargetSeries: Int], to limit: Int) -> (kept: [(TargetSeries, Int)], dropped: Int) {
        let ordered = series.sorted { a, b in
            if a.key.severity != b.key.severity { return a.key.severity > b.key.severity }
            return (a.key.rule, a.key.kind, a.key.target) < (b.key.rule, b.key.kind, b.key.target)
        }
        let kept = ordered.prefix(max(limit, 0)).map { ($0.key, $0.value) }
        return (kept, ordered.count - kept.count)
    }

    /// The serve loop's own figures, across audits.
    public struct LoopStatus: Sendable {
        public var audits = 0
        public var failedAudits = 0
        public var lastSuccess: Date?
        public var lastAuditSucceeded = false
        public var droppedTargetSeries = 0
        public init() {}
    }

    public static func status(_ status: LoopStatus) -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        registry.gauge("build_info", "The docker-baseline serving these metrics (value 1).", [("version", ToolInfo.current.version)]).set(1.0)
        registry.counter("audits_total", "Audits run since serve started.").increment(by: Int64(status.audits))
        registry.counter("audit_failures_total", "Audits that could not run (engine unreachable, collection failed) since serve started.")
            .increment(by: Int64(status.failedAudits))
        registry.counter("failing_checks_dropped_total", "Per-target failing-check series left out by --max-target-series, summed over audits.")
            .increment(by: Int64(status.droppedTargetSeries))
        registry.gauge("last_audit_success", "1 when the last audit ran, 0 when it could not.")
            .set(status.lastAuditSucceeded ? 1.0 : 0.0)
        if let lastSuccess = status.lastSuccess {
            registry.gauge("last_success_timestamp_seconds", "When the last audit that ran finished, in Unix seconds.")
                .set(lastSuccess.timeIntervalSince1970)
        }
        return registry.emitToBuffer()
    }
}

extension PrometheusCollectorRegistry {
    /// A gauge named `docker_baseline_<name>`.
    func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
        let descriptor = MetricNameDescriptor(namespace: "docker_baseline", metricName: name, unitName: "", helpText: help)
        return labels.isEmpty ? makeGauge(descriptor: descriptor) : makeGauge(descriptor: descriptor, labels: labels)
    }

    /// A counter named `docker_baseline_<name>` (ending in `_total`).
    func counter(_ name: String, _ help: String) -> Counter {
        makeCounter(descriptor: MetricNameDescriptor(namespace: "docker_baseline", metricName: name, unitName: "", helpText: help))
    }
}
