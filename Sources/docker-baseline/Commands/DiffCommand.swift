import ArgumentParser
import DockerBaseline
import Foundation

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two recorded audits: failing findings that are new, fixed, or unchanged.",
        discussion: """
        RUN is a run id from `history`. With no RUN, the last two runs are compared; with one, that run and the run \
        recorded before it. A finding is known by its rule, its target (kind and id) and its place in a file, so a \
        container re-created under the same name is a new target. Exit 0 whatever changed; 2 when a run does not exist.
        """)

    @Argument(help: "The earlier run, then the later one.")
    var runs: [Int64] = []

    @OptionGroup var history: HistoryOptions

    @Option(help: "Output format: text or json.")
    var format: ListingFormat = .text

    @Flag(name: [.short, .long], help: "Also list the unchanged findings (text format; json always lists them).")
    var verbose = false

    func validate() throws {
        guard runs.count <= 2 else { throw ValidationError("diff takes at most two runs") }
    }

    func run() throws {
        let store = try history.openExisting()
        do {
            let (earlier, later) = try pair(in: store)
            let diff = try store.diff(from: earlier.id, to: later.id)
            switch format {
            case .text: try writeStandardOutput(text(diff, earlier: earlier, later: later))
            case .json: try writeStandardOutput(json(diff, earlier: earlier, later: later))
            }
        } catch let error as UsageProblem {
            throw error
        } catch let error as CouldNotAudit {
            throw error
        } catch {
            throw CouldNotAudit(description: "cannot read \(store.path): \(error)")
        }
    }

    /// The two runs to compare, earlier first.
    func pair(in store: HistoryStore) throws -> (HistoryRun, HistoryRun) {
        func find(_ id: Int64) throws -> HistoryRun {
            guard let run = try store.run(id) else { throw UsageProblem(description: "no run \(id) in \(store.path) (see `docker-baseline history`)") }
            return run
        }
        switch runs.count {
        case 2: return (try find(runs[0]), try find(runs[1]))
        case 1:
            let later = try find(runs[0])
            guard let earlier = try store.run(before: later.id) else { throw UsageProblem(description: "run \(later.id) is the first run recorded: nothing to compare it with") }
            return (earlier, later)
        default:
            let last = try store.runs(limit: 2)
            guard last.count == 2 else { throw UsageProblem(description: "\(store.path) holds \(last.count) run\(last.count == 1 ? "" : "s"): diff needs two") }
            return (last[1], last[0])
        }
    }

    func text(_ diff: FindingDiff, earlier: HistoryRun, later: HistoryRun) -> String {
        func line(_ result: StoredResult) -> String {
            let title = RuleCatalog.rule(id: RuleID(rawValue: result.identity.rule))?.metadata.title.en ?? ""
            let place = result.identity.location.isEmpty ? "\(result.identity.targetKind) \(result.targetName)" : result.identity.location
            return "  [\(result.severity.rawValue)] \(result.identity.rule) \(UntrustedText.shown(place))\(title.isEmpty ? "" : ": \(title)")"
        }
        var out = "Run \(earlier.id) (\(HistoryListing.timestamp(earlier.recordedAt))) → run \(later.id) (\(HistoryListing.timestamp(later.recordedAt)))\n"
        let scores = [earlier.score, later.score].map { $0.map { String(format: "%.1f%%", $0) } ?? "-" }
        out += "Score \(scores[0]) → \(scores[1]); \(diff.new.count) new, \(diff.fixed.count) fixed, \(diff.unchanged.count) unchanged failing findings\n"
        if !diff.new.isEmpty { out += "\nNew:\n" + diff.new.map(line).joined(separator: "\n") + "\n" }
        if !diff.fixed.isEmpty { out += "\nFixed:\n" + diff.fixed.map(line).joined(separator: "\n") + "\n" }
        if verbose, !diff.unchanged.isEmpty { out += "\nUnchanged:\n" + diff.unchanged.map(line).joined(separator: "\n") + "\n" }
        return out
    }

    func json(_ diff: FindingDiff, earlier: HistoryRun, later: HistoryRun) throws -> Data {
        func object(_ result: StoredResult) -> [String: Any] {
            var object: [String: Any] = [
                "rule": result.identity.rule, "severity": result.severity.rawValue, "status": result.status.rawValue, "count": result.count,
                "target": ["kind": result.identity.targetKind, "id": result.identity.targetID, "name": UntrustedText.shown(result.targetName)],
            ]
            if !result.identity.location.isEmpty { object["location"] = result.identity.location }
            return object
        }
        return try HistoryListing.encode([
            "schemaVersion": 1, "from": HistoryListing.object(earlier), "to": HistoryListing.object(later),
            "new": diff.new.map(object), "fixed": diff.fixed.map(object), "unchanged": diff.unchanged.map(object),
        ] as [String: Any])
    }
}
