import ArgumentParser
import DockerBaseline
import Foundation

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List recorded audits (from `serve` and `audit --record`), newest first, with score and counts.")

    @OptionGroup var history: HistoryOptions

    @Option(help: "Output format: text or json.")
    var format: ListingFormat = .text

    @Option(help: "Show at most this many runs.")
    var limit: Int = 50

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let store = try history.openExisting()
        let runs: [HistoryRun]
        do { runs = try store.runs(limit: limit) } catch { throw CouldNotAudit(description: "cannot read \(store.path): \(error)") }
        switch format {
        case .json: try writeStandardOutput(HistoryListing.json(runs))
        case .text: try writeStandardOutput(HistoryListing.text(runs))
        }
    }
}

enum ListingFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// How `history` and `diff` print what the history holds.
enum HistoryListing {
    static func text(_ runs: [HistoryRun]) -> String {
        guard !runs.isEmpty else { return "No runs recorded.\n" }
        var lines = ["RUN    RECORDED (UTC)        SOURCE  ENGINE                SCORE   FAIL  CRIT  HIGH  WARN  ERROR"]
        for run in runs {
            let engine = UntrustedText.shown(run.engineName ?? run.endpoint)
            lines.append([
                pad(String(run.id), 6), pad(timestamp(run.recordedAt), 21), pad(run.source, 7), pad(String(engine.prefix(21)), 21),
                pad(run.score.map { String(format: "%.1f%%", $0) } ?? "-", 7), pad(String(run.counts[.fail] ?? 0), 5),
                pad(String(run.failedBySeverity[.critical] ?? 0), 5), pad(String(run.failedBySeverity[.high] ?? 0), 5),
                pad(String(run.counts[.warn] ?? 0), 5), String(run.counts[.error] ?? 0),
            ].joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ runs: [HistoryRun]) throws -> Data {
        try encode(["schemaVersion": 1, "runs": runs.map(object)] as [String: Any])
    }

    static func object(_ run: HistoryRun) -> [String: Any] {
        var object: [String: Any] = [
            "id": run.id, "recordedAt": timestamp(run.recordedAt, iso: true), "collectedAt": run.collectedAt, "source": run.source,
            "toolVersion": run.toolVersion, "endpoint": run.endpoint, "benchmark": run.benchmark, "total": run.total,
            "counts": Dictionary(uniqueKeysWithValues: Status.allCases.map { ($0.rawValue, run.counts[$0] ?? 0) }),
            "failedBySeverity": Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, run.failedBySeverity[$0] ?? 0) }),
            "score": run.score ?? NSNull(),
        ]
        if let name = run.engineName { object["engineName"] = name }
        if let version = run.engineVersion { object["engineVersion"] = version }
        if let duration = run.durationSeconds { object["durationSeconds"] = duration }
        return object
    }

    static func encode(_ object: Any) throws -> Data {
        do {
            var data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            data.append(0x0A)
            return data
        } catch {
            throw CouldNotAudit(description: "cannot encode the listing: \(error)")
        }
    }

    static func timestamp(_ seconds: Double, iso: Bool = false) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = iso ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
