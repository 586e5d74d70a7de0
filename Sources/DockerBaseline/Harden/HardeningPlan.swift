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
    /// Daemon settings that fix a failing §2 rule: key, value, and the rule it answers.
    static var daemonFixes: [String: [(key: String, value: Any?)]] { [
        "daemon.icc": [("icc", false)],
        "daemon.log-level": [("log-level", "info"), ("debug", nil)],
        "daemon.iptables": [("iptables", nil)],
        "daemon.insecure-registries": [("insecure-registries", nil)],
        "daemon.no-new-privileges": [("no-new-privileges", true)],
        "daemon.live-restore": [("live-restore", true)],
        "daemon.userland-proxy": [("userland-proxy", false)],
        "daemon.experimental": [("experimental", nil)],
        "daemon.seccomp-profile": [("seccomp-profile", nil)],
        "daemon.logging": [("log-opts", ["max-size": "10m", "max-file": "3"])],
    ] }

    /// Container flags and compose keys per failing container rule.
    static let containerFixes: [String: (run: String, compose: String)] = [
        "container.privileged": ("remove --privileged", "remove `privileged: true`"),
        "container.capabilities": ("--cap-drop ALL, then --cap-add only what is needed; remove dangerous --cap-add", "cap_drop: [ALL]; trim cap_add"),
        "container.sensitive-mounts": ("remove the -v/--mount of host system directories", "remove those `volumes` entries"),
        "container.docker-socket": ("remove the -v/--mount exposing docker.sock or containerd.sock", "remove that `volumes` entry"),
        "container.privileged-ports": ("-p 127.0.0.1:8080:80 (a host port ≥ 1024)", "ports: [\"127.0.0.1:8080:80\"]"),
        "container.port-bind-address": ("-p 127.0.0.1:HOSTPORT:PORT instead of -p HOSTPORT:PORT or -P", "ports: [\"127.0.0.1:HOSTPORT:PORT\"]"),
        "container.host-network": ("remove --network host", "remove `network_mode: host`"),
        "container.host-pid": ("remove --pid host", "remove `pid: host`"),
        "container.host-ipc": ("remove --ipc host", "remove `ipc: host`"),
        "container.host-uts": ("remove --uts host", "remove `uts: host`"),
        "container.host-userns": ("remove --userns host", "remove `userns_mode: host`"),
        "container.memory-limit": ("--memory 512m", "mem_limit: 512m"),
        "container.cpu-priority": ("--cpus 1", "cpus: 1"),
        "container.pids-limit": ("--pids-limit 200", "pids_limit: 200"),
        "container.readonly-rootfs": ("--read-only --tmpfs /tmp", "read_only: true; tmpfs: [/tmp]"),
        "container.restart-policy": ("--restart on-failure:5", "restart: on-failure:5"),
        "container.no-new-privileges": ("--security-opt no-new-privileges", "security_opt: [\"no-new-privileges:true\"]"),
        "container.seccomp": ("remove --security-opt seccomp=unconfined", "remove `seccomp:unconfined` from security_opt"),
        "container.apparmor": ("remove --security-opt apparmor=unconfined", "remove `apparmor:unconfined` from security_opt"),
        "container.selinux": ("remove --security-opt label=disable", "remove `label:disable` from security_opt"),
        "container.healthcheck": ("--health-cmd 'CMD' --health-interval 30s", "healthcheck: {test: [CMD, …], interval: 30s}"),
        "container.user": ("--user 10001:10001", "user: \"10001:10001\""),
        "container.mount-propagation": ("use bind-propagation=rprivate", "bind: {propagation: rprivate}"),
        "container.host-devices": ("remove --device entries not needed", "trim `devices`"),
        "container.default-bridge": ("--network app (docker network create app)", "networks: [app]"),
        "container.log-rotation": ("--log-opt max-size=10m --log-opt max-file=3", "logging: {options: {max-size: 10m, max-file: \"3\"}}"),
    ]

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
            guard let fixes = daemonFixes[result.rule.id] else {
                manual.append("\(result.rule.cis ?? result.rule.id) \(result.rule.id): \(result.rule.remediation.en)")
                continue
            }
            for (key, value) in fixes {
                let shown = value.map { describe($0) } ?? "(removed)"
                if flagKeys.contains(key) {
                    flagChanges.append("\(key): change or remove the dockerd flag (\(daemon.setting(key)?.source ?? "command line")); wanted \(shown) (\(result.rule.cis ?? result.rule.id))")
                    continue
                }
                if let value { object[key] = value } else { object.removeValue(forKey: key) }
                daemonChanges.append("\(key): \(shown) (\(result.rule.cis ?? result.rule.id) \(result.rule.id))")
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
            if rule.id.hasPrefix("host.audit-"), let path = result.finding.evidence["path"] {
                auditRules.append("-w \(path) -p wa -k docker")
            } else if let fileRule = FileRule.all.first(where: { $0.metadata.id == rule.id }), let facts = host?.file(result.target.id) {
                switch fileRule.check {
                case let .mode(allowed):
                    guard let mode = facts.mode else { continue }
                    files.append(FileChange(path: facts.path, command: "chmod \(String(mode & allowed, radix: 8)) \(facts.path)", mode: mode & allowed,
                                            owner: nil, fixes: "\(rule.cis ?? "") \(rule.id)"))
                case let .owner(user, group):
                    files.append(FileChange(path: facts.path, command: "chown \(user):\(group) \(facts.path)", mode: nil, owner: (user, group),
                                            fixes: "\(rule.cis ?? "") \(rule.id)"))
                }
            } else if result.target.kind == .container, let fix = containerFixes[rule.id] {
                if containers[result.target.id] == nil {
                    order.append(result.target.id)
                    containers[result.target.id] = ContainerFix(name: result.target.name, state: result.target.state ?? "", runFlags: [], composeKeys: [])
                }
                containers[result.target.id]!.runFlags.append("\(fix.run)  [\(rule.cis ?? rule.id)]")
                containers[result.target.id]!.composeKeys.append(fix.compose)
            } else if result.target.kind != .daemon {
                manual.append("\(rule.cis ?? rule.id) \(rule.id) on \(result.target.kind.rawValue) \(result.target.name): \(rule.remediation.en)")
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
