import DockerBaseline
import Foundation

/// What `serve` shows: the last audit's report and metrics, and the loop's own figures. Scrapes read it while the
/// next audit runs; an audit replaces it whole.
actor ServeState {
    private(set) var report: AuditReport?
    private var reportMetrics: [UInt8] = []
    private var status = AuditMetrics.LoopStatus()
    private(set) var auditRequested = false
    private(set) var running = false
    /// Failing findings of the last report, to count new ones when there is no history.
    private var lastFailing: [FindingIdentity: Severity]?

    var isReady: Bool { report != nil }

    /// The metrics text: the last audit's figures, then the loop's.
    func metrics() -> [UInt8] { reportMetrics + AuditMetrics.status(status) }

    func requestAudit() { auditRequested = true }

    /// Marks an audit as started; false when one is already running.
    func begin() -> Bool {
        guard !running else { return false }
        running = true
        auditRequested = false
        return true
    }

    func published(_ report: AuditReport, metrics: AuditMetrics.Rendered) {
        self.report = report
        reportMetrics = metrics.text
        status.audits += 1
        status.lastAuditSucceeded = true
        status.lastSuccess = Date()
        status.droppedTargetSeries += metrics.droppedTargetSeries
        running = false
    }

    func failed() {
        status.audits += 1
        status.failedAudits += 1
        status.lastAuditSucceeded = false
        running = false
    }

    /// How many of `failing` the previous report did not have, by severity (nil for the first), remembering
    /// `failing` for the next.
    func newSince(_ failing: [FindingIdentity: Severity]) -> [Severity: Int]? {
        defer { lastFailing = failing }
        guard let lastFailing else { return nil }
        var counts: [Severity: Int] = [:]
        for (identity, severity) in failing where lastFailing[identity] == nil { counts[severity, default: 0] += 1 }
        return counts
    }
}

/// Judges snapshots and publishes them: the one step every source of snapshots (the interval loop, an on-demand
/// audit, a watcher) calls. Rule logic stays in `judge` (Evaluator + policy), as for `audit`.
struct AuditPublisher: Sendable {
    let state: ServeState
    let policy: AuditPolicy
    let advisories: AdvisoryTable
    let history: HistoryStore?
    let retention: HistoryStore.Retention
    let maxTargetSeries: Int

    /// Evaluates `snapshot`, records it in the history, and makes it what `/metrics` and the reports show.
    func publish(_ snapshot: Snapshot, started: Date) async {
        // Waivers expire while serve runs: they are judged against the day of each audit.
        var policy = self.policy
        policy.today = AuditPolicy(today: Date()).today
        let report = judge(snapshot, policy: policy, advisories: advisories)
        let duration = Date().timeIntervalSince(started)
        var failing: [FindingIdentity: Severity] = [:]
        for result in report.results where result.status == .fail {
            let identity = FindingIdentity(result)
            failing[identity] = max(failing[identity] ?? result.severity, result.severity)
        }
        var newFailures = await state.newSince(failing)
        if let history {
            do {
                let run = try history.record(report, source: "serve", duration: duration, retention: retention)
                if let previous = try history.run(before: run.id) {
                    newFailures = Dictionary(grouping: try history.diff(from: previous.id, to: run.id).new, by: \.severity).mapValues(\.count)
                }
            } catch {
                // The metrics still go out: a full disk must not blind the monitoring too.
                writeStandardError("docker-baseline: serve: cannot record the audit in \(history.path): \(error)\n")
            }
        }
        let metrics = AuditMetrics.report(report, durationSeconds: duration, newFailures: newFailures, maxTargetSeries: maxTargetSeries)
        await state.published(report, metrics: metrics)
    }
}

/// Audits every `interval` (± 10 %, so a fleet started together does not hit its engines in step) and whenever one is
/// asked for, until cancelled.
struct AuditLoop: Sendable {
    let publisher: AuditPublisher
    let interval: Double
    let collect: @Sendable () async throws -> Snapshot

    func run() async {
        while !Task.isCancelled {
            await auditOnce()
            let deadline = Date().addingTimeInterval(interval * Double.random(in: 0.9...1.1))
            // Woken twice a second to see whether an audit was asked for (POST /audit).
            while Date() < deadline, !Task.isCancelled, await !publisher.state.auditRequested {
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    func auditOnce() async {
        guard await publisher.state.begin() else { return }
        let started = Date()
        do {
            let snapshot = try await collect()
            await publisher.publish(snapshot, started: started)
        } catch {
            writeStandardError("docker-baseline: serve: audit failed: \(UntrustedText.shown(String(describing: error)))\n")
            await publisher.state.failed()
        }
    }
}
