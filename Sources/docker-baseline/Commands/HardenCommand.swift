import ArgumentParser
import DockerBaseline

struct HardenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "harden",
        abstract: "Turn the current findings into concrete changes. Dry run by default: prints the plan, changes nothing.",
        discussion: """
        With --apply, only host-level files change (daemon.json, audit rules, file modes and owners, all under --root), \
        each after a timestamped backup, with the commands to roll back printed. Containers are never touched and the \
        daemon is never restarted.
        """)

    @OptionGroup var source: SnapshotSource

    @Option(help: "Policy file whose waivers and rule settings are respected (default: ./.docker-baseline.yaml when present).")
    var config: String?

    @Flag(help: "Apply the host-level file changes (after backups). Without it nothing is changed.")
    var apply = false

    func run() async throws {
        let policy = try loadPolicy(config)
        let snapshot = try await source.load()
        let report = policy.apply(to: Evaluator.evaluate(snapshot, settings: policy.settings))
        let root = source.engine.root
        let plan = HardeningPlan.make(for: report, daemonConfigText: snapshot.host.flatMap { HostFiles(root: root).read($0.daemon.configFile) })
        try writeStandardOutput(plan.text())
        guard apply else {
            try writeStandardOutput(plan.isEmpty ? "\n" : "\nDry run: nothing was changed. `harden --apply` applies the daemon.json, audit-rule and file changes (with backups).\n")
            return
        }
        let outcome: PlanApplier.Outcome
        do { outcome = try PlanApplier(root: root).apply(plan) } catch { throw CouldNotAudit(description: String(describing: error)) }
        try writeStandardOutput("\nApplied:\n" + outcome.done.map { "  \($0)" }.joined(separator: "\n") + "\n")
        if !outcome.skipped.isEmpty { try writeStandardOutput("Skipped:\n" + outcome.skipped.map { "  \($0)" }.joined(separator: "\n") + "\n") }
        if !outcome.rollback.isEmpty { try writeStandardOutput("To roll back:\n" + outcome.rollback.reversed().map { "  \($0)" }.joined(separator: "\n") + "\n") }
    }
}
