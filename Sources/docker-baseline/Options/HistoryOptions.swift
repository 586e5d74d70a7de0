import ArgumentParser
import DockerBaseline
import Foundation

/// The history database and how long it keeps runs: shared by `audit --record`, `serve`, `history` and `diff`.
struct HistoryOptions: ParsableArguments {
    @Option(name: .customLong("history"), help: "History database (default: $DOCKER_BASELINE_HISTORY; else /var/lib/docker-baseline/history.sqlite as root, $XDG_STATE_HOME/docker-baseline/history.sqlite or ~/.local/state/docker-baseline/history.sqlite otherwise).")
    var path: String?

    @Option(name: .customLong("keep-runs"), help: "Runs the history keeps when a run is recorded; older ones are removed.")
    var keepRuns: Int = 2_000

    @Option(name: .customLong("keep-days"), help: "Days the history keeps a run when a run is recorded.")
    var keepDays: Int = 30

    func validate() throws {
        guard keepRuns >= 2 else { throw ValidationError("--keep-runs must be at least 2 (diff compares two runs)") }
        guard keepDays >= 1 else { throw ValidationError("--keep-days must be at least 1") }
    }

    var resolvedPath: String { path ?? HistoryStore.defaultPath() }

    var retention: HistoryStore.Retention { .init(maxRuns: keepRuns, maxAge: TimeInterval(keepDays) * 86_400) }

    /// The database, created when missing; one that cannot be opened is exit 3.
    func open() throws -> HistoryStore {
        do { return try HistoryStore(path: resolvedPath) } catch { throw CouldNotAudit(description: String(describing: error)) }
    }

    /// The database for reading: a missing one is a usage problem (nothing was recorded there), not created.
    func openExisting() throws -> HistoryStore {
        guard FileManager.default.fileExists(atPath: resolvedPath) else {
            throw UsageProblem(description: "no history at \(resolvedPath): record runs with `audit --record` or `serve` (or name the database with --history)")
        }
        return try open()
    }

    /// Stores `report`; a write that fails is exit 3 (the audit's report is still what the user asked for, so this
    /// comes before it is written only in the sense that a lost record must not pass silently).
    @discardableResult
    func record(_ report: AuditReport, in store: HistoryStore, source: String, duration: TimeInterval) throws -> HistoryRun {
        do {
            return try store.record(report, source: source, duration: duration, retention: retention)
        } catch {
            throw CouldNotAudit(description: "cannot record the audit in \(store.path): \(error)")
        }
    }
}
