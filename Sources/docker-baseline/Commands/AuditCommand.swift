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

    @Option(name: .customLong("image-contents"), help: "Whose layers to read for the image-contents rules (4.3, 4.8, 4.10): used (images containers were created from), all, none.")
    var imageContents: ImageContentsScope = .used

    @OptionGroup var cache: CacheOptions

    @Option(help: "Benchmark numbering to show, and whose rules to run: cis-1.6 (default), cis-1.8, cis-ce-1.1.")
    var benchmark: Benchmark?

    @Option(help: "Rules to judge: cis-level1, cis-level2, baseline-basic, baseline-enhanced (default: every rule).")
    var profile: Profile?

    @Option(help: "Only these rules (rule id, CIS id, section or glob; CIS ids of another numbering than the one shown are prefixed, e.g. cis-ce:5.4; repeatable).")
    var include: [String] = []

    @Option(help: "Not these rules (rule id, CIS id, section or glob; CIS ids of another numbering than the one shown are prefixed, e.g. cis-ce:5.4; repeatable).")
    var exclude: [String] = []

    @Option(name: .customLong("include-target"), help: "Only targets whose name matches this glob (repeatable).")
    var includeTargets: [String] = []

    @Option(name: .customLong("exclude-target"), help: "Not targets whose name matches this glob (repeatable).")
    var excludeTargets: [String] = []

    @Option(name: .customLong("label"), help: "Only containers and images with this label, KEY or KEY=VALUE (repeatable).")
    var labels: [String] = []

    @Option(help: "Policy file with profile, selection, waivers and rule settings (default: ./.docker-baseline.yaml when present).")
    var config: String?

    @Option(help: "A previous JSON report: mark results new / unchanged / fixed, and fail only on new failures.")
    var baseline: String?

    @Option(name: .customLong("min-score"), help: "Exit 1 when the score (pass / (pass + fail), in %) is below this.")
    var minScore: Double?

    @Option(help: "Advisory table (JSON, the shape of the embedded one) to judge versions against, instead of the built-in table.")
    var advisories: String?

    @Option(name: .customLong("trusted-users"), help: "Comma-separated users allowed in the docker group (1.1.2).")
    var trustedUsers: String?

    @Option(name: .customLong("node-cert-max-days"), help: "The longest swarm node certificate lifetime accepted (7.7; default: the configuration file's node-cert-max-days, else 90).")
    var nodeCertMaxDays: Int?

    @Option(help: "A `watch` journal to judge 5.23/5.24 (docker exec) from (default: the watch's default journal, when present).")
    var journal: String?

    @OptionGroup var reporting: ReportOptions

    func validate() throws {
        if let minScore, !(0...100).contains(minScore) { throw ValidationError("--min-score must be between 0 and 100") }
    }

    /// The policy from the configuration file, then the command line.
    func policy() throws -> AuditPolicy {
        var policy = try loadPolicy(config)
        if let benchmark { policy.benchmark = benchmark }
        if let profile { policy.profile = profile }
        if !include.isEmpty { policy.include = try selectors(include, flag: "--include") }
        if !exclude.isEmpty { policy.exclude = try selectors(exclude, flag: "--exclude") }
        policy.includeTargets = includeTargets
        policy.excludeTargets = excludeTargets
        policy.labels = labels
        if let trustedUsers { policy.settings.trustedUsers = trustedUsers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if let nodeCertMaxDays { policy.settings.nodeCertMaxDays = nodeCertMaxDays }
        if let baseline {
            do { policy.previousFailures = try AuditPolicy.failures(inReport: baseline) } catch { throw UsageProblem(description: String(describing: error)) }
        }
        return policy
    }

    func run() async throws {
        let policy = try policy()
        var table = AdvisoryTable.embedded
        if let advisories {
            do { table = try AdvisoryTable.load(advisories) } catch { throw UsageProblem(description: String(describing: error)) }
        }
        if let journal, !FileManager.default.fileExists(atPath: journal) { throw UsageProblem(description: "--journal \(journal): no such file") }
        let snapshot = try await source.load(imageContents: imageContents, cache: cache.cache, journal: journal ?? ExecJournal.defaultPath())
        let report = policy.apply(to: Evaluator.evaluate(snapshot, advisories: table, settings: policy.settings))
        try reporting.finish(report, failure: belowMinScore(report))
    }

    /// Why the score fails --min-score, or nil when it does not.
    func belowMinScore(_ report: AuditReport) -> LocalizedText? {
        guard let minScore, let score = report.score, score < minScore else { return nil }
        return LocalizedText(en: "score \(score)% is below --min-score \(minScore)%", zh: "得分 \(score)% 低于 --min-score \(minScore)%")
    }
}
