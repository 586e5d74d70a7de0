import ArgumentParser
import Foundation
import DockerBaseline

struct HardenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "harden",
        abstract: "Turn the current findings into concrete changes. Dry run by default: prints the plan, changes nothing.",
        discussion: """
        With --apply, only host-level files change (daemon.json, audit rules, file modes and owners, all under --root), \
        each after a timestamped backup, with the commands to roll back printed. Containers are never touched and the \
        daemon is never restarted.

        With --allow-from CIDR (repeatable), it also proposes DOCKER-USER rules that let only those sources reach \
        published container ports, in iptables, nftables and firewalld forms. --apply then replaces the DOCKER-USER \
        chain's rules (only that chain; another needs --firewall-chain and --allow-other-chain) on the host it runs \
        on, saving the previous rules and printing how to restore them.
        """)

    @OptionGroup var source: SnapshotSource

    @Option(help: "Policy file whose waivers and rule settings are respected (default: ./.docker-baseline.yaml when present).")
    var config: String?

    @Flag(help: "Apply the host-level file changes (after backups). Without it nothing is changed.")
    var apply = false

    @Option(name: .customLong("allow-from"), help: "An address or CIDR allowed to reach published ports (repeatable): proposes DOCKER-USER rules.")
    var allowFrom: [String] = []

    @Option(name: .customLong("firewall-chain"), help: "The iptables chain the allow-list goes in (default DOCKER-USER; another needs --allow-other-chain).")
    var firewallChain = "DOCKER-USER"

    @Flag(name: .customLong("allow-other-chain"), help: "Let --firewall-chain name a chain other than DOCKER-USER.")
    var allowOtherChain = false

    @Flag(name: .customLong("firewall-only"), help: "With --allow-from: show and apply only the firewall rules, not the file changes.")
    var firewallOnly = false

    func validate() throws {
        if firewallOnly && allowFrom.isEmpty { throw ValidationError("--firewall-only needs --allow-from") }
        if firewallChain != "DOCKER-USER" && !allowOtherChain {
            throw ValidationError("--firewall-chain \(firewallChain): only DOCKER-USER is changed unless --allow-other-chain is given too")
        }
    }

    func run() async throws {
        let policy = try loadPolicy(config)
        let snapshot = try await source.load()
        let report = policy.apply(to: Evaluator.evaluate(snapshot, settings: policy.settings))
        let root = source.engine.root
        let plan = HardeningPlan.make(for: report, daemonConfigText: snapshot.host.flatMap { HostFiles(root: root).read($0.daemon.configFile) })
        if !firewallOnly { try writeStandardOutput(plan.text()) }
        let firewall = try allowFrom.isEmpty ? nil : firewallPlan(snapshot)
        if let firewall {
            try writeStandardOutput("\n" + firewall.text(currentRules: currentRules(firewall.chain, in: snapshot)))
        }
        guard apply else {
            if firewallOnly {
                try writeStandardOutput("\nDry run: nothing was changed. `--apply` replaces the \(firewallChain) rules (the current ones are saved first).\n")
                return
            }
            try writeStandardOutput(plan.isEmpty && firewall == nil ? "\n" : "\nDry run: nothing was changed. `harden --apply` applies the daemon.json, audit-rule and file changes (with backups)\(firewall == nil ? "" : " and the \(firewallChain) rules").\n")
            return
        }
        if let firewall { try applyFirewall(firewall, snapshot: snapshot) }
        if firewallOnly { return }
        let outcome: PlanApplier.Outcome
        do { outcome = try PlanApplier(root: root).apply(plan) } catch { throw CouldNotAudit(description: String(describing: error)) }
        try writeStandardOutput("\nApplied:\n" + outcome.done.map { "  \($0)" }.joined(separator: "\n") + "\n")
        if !outcome.skipped.isEmpty { try writeStandardOutput("Skipped:\n" + outcome.skipped.map { "  \($0)" }.joined(separator: "\n") + "\n") }
        if !outcome.rollback.isEmpty { try writeStandardOutput("To roll back:\n" + outcome.rollback.reversed().map { "  \($0)" }.joined(separator: "\n") + "\n") }
    }

    private func firewallPlan(_ snapshot: Snapshot) throws -> FirewallPlan {
        do {
            return try FirewallPlan(allowed: allowFrom, bridges: snapshot.networks.compactMap(\.bridgeName).filter { !$0.hasPrefix("br-") }, chain: firewallChain)
        } catch {
            throw ValidationError(String(describing: error))
        }
    }

    /// The chain's rules in `family` as the snapshot's live packet filter shows them; nil when it was not read.
    private func currentRules(_ chain: String, in snapshot: Snapshot, family: AddressFamily = .ipv4) -> [String]? {
        guard let facts = snapshot.host?.packetFilter,
              facts.sources.contains(where: { $0.live && $0.text != nil && [family == .ipv4 ? .iptablesSave : .ip6tablesSave, .nftJSON].contains($0.kind) })
        else { return nil }
        return HostFilter(facts).rulesets[family]?.iptablesChain(chain)?.rules.map(\.text) ?? []
    }

    /// Replaces the chain's rules on this host, after saving the current ones where `harden` keeps its backups.
    private func applyFirewall(_ plan: FirewallPlan, snapshot: Snapshot) throws {
        guard source.engine.root == "/", source.snapshot == nil else {
            throw CouldNotAudit(description: "the packet filter is changed only on the host this runs on (not under --root or from a saved snapshot): nothing was changed")
        }
        var previous: [AddressFamily: [String]] = [:]
        for family in plan.families {
            guard let rules = currentRules(plan.chain, in: snapshot, family: family) else {
                throw CouldNotAudit(description: "the live \(family == .ipv4 ? "IPv4" : "IPv6") packet filter could not be read, so \(plan.chain) cannot be saved before it is replaced: nothing was changed")
            }
            previous[family] = rules
        }
        let outcome: (done: [String], rollback: [AddressFamily: String])
        do { outcome = try plan.apply(previous: previous) } catch { throw CouldNotAudit(description: String(describing: error)) }
        let directory = stateDirectory() + "/backups"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        var restore: [String] = []
        for family in plan.families {
            guard let rollback = outcome.rollback[family] else { continue }
            let backup = "\(directory)/\(plan.chain)-\(stamp)\(family == .ipv4 ? "" : "-ipv6").rules"
            try rollback.write(toFile: backup, atomically: true, encoding: .utf8)
            restore.append("To roll back \(plan.chain) (\(family == .ipv4 ? "IPv4" : "IPv6")): \(family == .ipv4 ? "iptables-restore" : "ip6tables-restore") --noflush < \(backup)")
        }
        try writeStandardOutput("\nApplied:\n" + outcome.done.map { "  \($0)" }.joined(separator: "\n") + "\n" + restore.joined(separator: "\n") + "\n")
    }
}
