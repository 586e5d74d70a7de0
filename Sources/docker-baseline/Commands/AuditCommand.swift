import ArgumentParser
import DockerBaseline
import Foundation

extension Benchmark: ExpressibleByArgument {}
extension Profile: ExpressibleByArgument {}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Collect from the engine (or read a saved snapshot) and judge every rule.",
        discussion: """
        Exit codes: 0 no failure at or above --fail-on (and the score at least --min-score); 1 failures at or above \
        it (with --baseline, new ones only) or a score below --min-score; 2 usage or configuration error; \
        3 could not audit (engine unreachable, unreadable snapshot, unwritable output).
        """)

    @OptionGroup var source: SnapshotSource

    @OptionGroup var options: AuditOptions

    @OptionGroup var cache: CacheOptions

    @OptionGroup var vulnerabilities: VulnerabilityOptions

    @Option(help: "A previous JSON report: mark results new / unchanged / fixed, and fail only on new failures.")
    var baseline: String?

    @Option(name: .customLong("min-score"), help: "Exit 1 when the score (pass / (pass + fail), in %) is below this.")
    var minScore: Double?

    @Flag(help: "Store this audit in the history database (see `history`, `diff`).")
    var record = false

    @OptionGroup var history: HistoryOptions

    @Option(help: "A `watch` journal to judge 5.23/5.24 (docker exec) from (default: the watch's default journal, when present).")
    var journal: String?

    @OptionGroup var reporting: ReportOptions

    func validate() throws {
        if let minScore, !(0...100).contains(minScore) { throw ValidationError("--min-score must be between 0 and 100") }
    }

    /// The policy of `options`, compared with --baseline.
    func policy() throws -> AuditPolicy {
        var policy = try options.policy()
        if let baseline {
            do { policy.previousFailures = try AuditPolicy.failures(inReport: baseline) } catch { throw UsageProblem(description: String(describing: error)) }
        }
        return policy
    }

    func run() async throws {
        var policy = try policy()
        vulnerabilities.apply(to: &policy.settings)
        let database = try vulnerabilities.open(cacheDirectory: cache.cache?.directory.path)
        let table = try options.advisoryTable()
        if let journal, !FileManager.default.fileExists(atPath: journal) { throw UsageProblem(description: "--journal \(journal): no such file") }
        let store = record ? try history.open() : nil
        let started = Date()
        var snapshot = try await source.load(imageContents: options.imageContents, cache: cache.cache, journal: journal ?? ExecJournal.defaultPath())
        VulnerabilityMatcher.attach(to: &snapshot, database: database)
        let report = judge(snapshot, policy: policy, advisories: table)
        if let store { try history.record(report, in: store, source: "audit", duration: Date().timeIntervalSince(started)) }
        try reporting.finish(report, failure: belowMinScore(report))
    }

    /// Why the score fails --min-score, or nil when it does not.
    func belowMinScore(_ report: AuditReport) -> LocalizedText? {
        guard let minScore, let score = report.score, score < minScore else { return nil }
        return LocalizedText(en: "score \(score)% is below --min-score \(minScore)%", zh: "得分 \(score)% 低于 --min-score \(minScore)%")
    }
}
