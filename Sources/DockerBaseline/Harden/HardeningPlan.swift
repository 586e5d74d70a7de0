import Foundation

/// Concrete changes that fix an audit's findings. Built from the report alone (pure); `PlanApplier` does the I/O.
public struct HardeningPlan: Sendable {
    /// The daemon.json in effect, its current text ("" when absent) and the proposed text.
    public var daemonConfigPath: String
    public var daemonConfigBefore: String
    public var daemonConfigAfter: String
    /// What each daemon.json change fixes (`icc: false (2.2)`).
    public var daemonChanges: [String]
    /// Settings that are given as dockerd flags: changing daemon.json would conflict, so the flag must change.
    public var flagChanges: [String]
    /// Lines for /etc/audit/rules.d/docker-baseline.rules.
    public var auditRulesPath = "/etc/audit/rules.d/docker-baseline.rules"
    public var auditRules: [String]
    public var fileCommands: [FileChange]
    public var containers: [ContainerFix]
    /// Findings the plan has no automatic change for, with the rule's own remediation.
    public var manual: [String]

    public struct FileChange: Sendable, Equatable {
        public var path: String
        /// `chmod 644 /etc/docker/daemon.json`, `chown root:root …`.
        public var command: String
        public var mode: Int?
        public var owner: (user: String, group: String)?
        public var fixes: String

        public static func == (lhs: FileChange, rhs: FileChange) -> Bool { lhs.command == rhs.command }
    }

    public struct ContainerFix: Sendable {
        public var name: String
        public var state: String
        /// `docker run` flags to add or remove, and the compose keys that do the same.
        public var runFlags: [String]
        public var composeKeys: [String]
    }

    public var isEmpty: Bool {
        daemonChanges.isEmpty && flagChanges.isEmpty && auditRules.isEmpty && fileCommands.isEmpty && containers.isEmpty
    }
}

extension HardeningPlan {
    /// The plan for a report's failures (waived ones are left alone).
    public static func make(for report: AuditReport, daemonConfigText: String?) -> HardeningPlan {
        let failing = report.results.filter { $0.status == .fail }
        let daemon = report.snapshot.host?.daemon ?? DaemonConfiguration()
        var object = (daemonConfigText.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }) ?? [:]
        let parsed = daemonConfigText == nil || daemonConfigText!.isEmpty || !object.isEmpty
        var daemonChanges: [String] = []
        var flagChanges: [String] = []
        var manual: [String] = []
        let flagKeys = Set(daemon.settings.filter { $0.source.hasPrefix("dockerd argument") || $0.source.contains("ExecStart") || $0.source.contains("DOCKER_OPTS") }.map(\.key))
        for result in failing where result.target.kind == .daemon {
            guard case let .daemonSettings(changes)? = result.rule.hardening else {
                manual.append("\(result.rule.cis ?? result.rule.id.rawValue) \(result.rule.id): \(result.rule.remediation.en)")
                continue
            }
            for change in changes {
                let shown = change.value.map { describe($0.json) } ?? "(removed)"
                if flagKeys.contains(change.key) {
                    flagChanges.append("\(change.key): change or remove the dockerd flag (\(daemon.setting(change.key)?.source ?? "command line")); wanted \(shown) (\(result.rule.cis ?? result.rule.id.rawValue))")
                    continue
                }
                if let value = change.value { object[change.key] = value.json } else { object.removeValue(forKey: change.key) }
                daemonChanges.append("\(change.key): \(shown) (\(result.rule.cis ?? result.rule.id.rawValue) \(result.rule.id))")
            }
        }
        let before = daemonConfigText ?? ""
        var after = before
        if !daemonChanges.isEmpty {
            if parsed, let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
                after = String(decoding: data, as: UTF8.self) + "\n"
            } else {
                manual.append("daemon.json is not valid JSON: fix it first, then rerun harden")
                daemonChanges = []
            }
        }
        var auditRules: [String] = []
        var files: [FileChange] = []
        var containers: [String: ContainerFix] = [:]
        var order: [String] = []
        let host = report.snapshot.host
        for result in failing {
            let rule = result.rule
            let fixes = "\(rule.cis ?? "") \(rule.id)"
            switch rule.hardening {
            case .auditWatch? where result.finding.evidence["path"] != nil:
                auditRules.append("-w \(result.finding.evidence["path"]!) -p wa -k docker")
            case let .fileMode(allowed)?:
                guard let facts = host?.file(result.target.id), let mode = facts.mode else { continue }
                files.append(FileChange(path: facts.path, command: "chmod \(String(mode & allowed, radix: 8)) \(facts.path)", mode: mode & allowed,
                                        owner: nil, fixes: fixes))
            case let .fileOwner(user, group)?:
                guard let facts = host?.file(result.target.id) else { continue }
                files.append(FileChange(path: facts.path, command: "chown \(user):\(group) \(facts.path)", mode: nil, owner: (user, group), fixes: fixes))
            case let .containerFlags(run, compose)? where result.target.kind == .container:
                if containers[result.target.id] == nil {
                    order.append(result.target.id)
                    containers[result.target.id] = ContainerFix(name: result.target.name, state: result.target.state ?? "", runFlags: [], composeKeys: [])
                }
                containers[result.target.id]!.runFlags.append("\(run)  [\(rule.cis ?? rule.id.rawValue)]")
                containers[result.target.id]!.composeKeys.append(compose)
            default:
                if result.target.kind != .daemon {
                    manual.append("\(rule.cis ?? rule.id.rawValue) \(rule.id) on \(result.target.kind.rawValue) \(result.target.name): \(rule.remediation.en)")
                }
            }
        }
        return HardeningPlan(
            daemonConfigPath: daemon.configFile, daemonConfigBefore: before, daemonConfigAfter: after, daemonChanges: daemonChanges,
            flagChanges: flagChanges, auditRules: Array(Set(auditRules)).sorted(), fileCommands: files,
            containers: order.compactMap { containers[$0] }, manual: Array(Set(manual)).sorted())
    }

    static func describe(_ value: Any) -> String {
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) {
            return String(decoding: data, as: UTF8.self)
        }
        return String(describing: value)
    }

    /// A unified diff of two texts, line by line (LCS), as `diff -u` would print it.
    static func unifiedDiff(_ before: String, _ after: String, path: String) -> String {
        let old = before.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = after.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var table = Array(repeating: Array(repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                table[i][j] = old[i] == new[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var lines = ["--- \(path)", "+++ \(path) (proposed)"]
        var i = 0, j = 0
        while i < old.count || j < new.count {
            if i < old.count, j < new.count, old[i] == new[j] {
                lines.append(" \(old[i])"); i += 1; j += 1
            } else if j < new.count, i == old.count || table[i][j + 1] >= table[i + 1][j] {
                lines.append("+\(new[j])"); j += 1
            } else {
                lines.append("-\(old[i])"); i += 1
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The plan as a person reads it.
    public func text() -> String {
        if isEmpty && manual.isEmpty { return "Nothing to change: no failing finding has a hardening step.\n" }
        var out = ""
        if !daemonChanges.isEmpty {
            out += "== daemon.json (\(daemonConfigPath)); every existing key is kept\n"
            out += daemonChanges.map { "  \($0)" }.joined(separator: "\n") + "\n"
            out += Self.unifiedDiff(daemonConfigBefore, daemonConfigAfter, path: daemonConfigPath) + "\n"
            out += "  then restart dockerd (systemctl restart docker); live-restore and log settings need a restart too\n\n"
        }
        if !flagChanges.isEmpty {
            out += "== dockerd flags (these settings come from the command line; daemon.json must not repeat them)\n"
            out += flagChanges.map { "  \($0)" }.joined(separator: "\n") + "\n\n"
        }
        if !auditRules.isEmpty {
            out += "== audit rules (\(auditRulesPath)), then: augenrules --load\n" + auditRules.joined(separator: "\n") + "\n\n"
        }
        if !fileCommands.isEmpty {
            out += "== files\n" + fileCommands.map { "\($0.command)    # \($0.fixes)" }.joined(separator: "\n") + "\n\n"
        }
        for container in containers {
            out += "== container \(container.name) (\(container.state)): recreate it with\n"
            out += container.runFlags.map { "  docker run: \($0)" }.joined(separator: "\n") + "\n"
            out += container.composeKeys.map { "  compose:    \($0)" }.joined(separator: "\n") + "\n\n"
        }
        if !manual.isEmpty {
            out += "== to do by hand\n" + manual.map { "  \($0)" }.joined(separator: "\n") + "\n"
        }
        return out
    }
}
