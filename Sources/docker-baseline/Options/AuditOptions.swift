import ArgumentParser
import DockerBaseline
import Foundation

/// What an audit judges: whose image layers are read, and the policy. Shared by `audit` and `serve`, so both take one
/// path from the engine's snapshot to a report (`judge`).
struct AuditOptions: ParsableArguments {
    @Option(name: .customLong("image-contents"), help: "Whose layers to read for the image-contents rules (4.3, 4.8, 4.10): used (images containers were created from), all, none.")
    var imageContents: ImageContentsScope = .used

    @OptionGroup var judging: PolicyOptions

    func policy() throws -> AuditPolicy { try judging.policy() }
    func advisoryTable() throws -> AdvisoryTable { try judging.advisoryTable() }
}

/// Which rules judge what, by which policy file, profile, selection and settings: every command that judges an engine
/// (`audit`, `serve`, `watch`) takes these.
struct PolicyOptions: ParsableArguments {
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

    @Option(help: "Advisory table (JSON, the shape of the embedded one) to judge versions against, instead of the built-in table.")
    var advisories: String?

    @Option(name: .customLong("trusted-users"), help: "Comma-separated users allowed in the docker group (1.1.2).")
    var trustedUsers: String?

    @Option(name: .customLong("node-cert-max-days"), help: "The longest swarm node certificate lifetime accepted (7.7; default: the configuration file's node-cert-max-days, else 90).")
    var nodeCertMaxDays: Int?

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
        return policy
    }

    /// The advisory table versions are judged against: --advisories, else the embedded one.
    func advisoryTable() throws -> AdvisoryTable {
        guard let advisories else { return .embedded }
        do { return try AdvisoryTable.load(advisories) } catch { throw UsageProblem(description: String(describing: error)) }
    }
}

/// The one path from a snapshot to a report, for every driver (`audit`, `serve`): evaluate, then apply the policy.
func judge(_ snapshot: Snapshot, policy: AuditPolicy, advisories: AdvisoryTable) -> AuditReport {
    policy.apply(to: Evaluator.evaluate(snapshot, advisories: advisories, settings: policy.settings))
}
