// §2 rules, judged from the daemon's effective configuration (Snapshot.host.daemon) and what the engine reports.

/// `false (dockerd argument --icc=false)`, or the given text when the setting is not set anywhere.
func settingText(_ daemon: DaemonConfiguration, _ key: String, default value: String = "not set") -> String {
    daemon.setting(key).map { "\($0.values.joined(separator: ",")) (\($0.source))" } ?? value
}

/// A daemon rule's one finding, about the daemon.
func daemonFinding(_ host: HostFacts, _ verdict: Verdict) -> [Finding] { [Finding(target: .daemon(host), verdict: verdict)] }

/// One type for the §2 items that ask a boolean setting to have one value.
struct DaemonBoolRule: HostRule {
    let metadata: RuleMetadata
    let key: String
    let compliant: Bool
    let defaultValue: Bool
    /// What the running engine itself reports, which wins over the files.
    let engineValue: @Sendable (EngineInfo) -> Bool?
    let examples: [RuleExample]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        var evidence = [key: settingText(host.daemon, key, default: "not set (default \(defaultValue))")]
        let configured = host.daemon.bool(key)
        var effective = configured ?? defaultValue
        if let reported = engineValue(context.snapshot.info) {
            evidence["engine reports"] = String(reported)
            effective = reported
        }
        if host.daemon.setting(key) != nil && configured == nil {
            return daemonFinding(host, .error("\(key) has a value dockerd cannot read", "\(key) 的值无法解析", evidence: evidence))
        }
        if effective == compliant {
            return daemonFinding(host, .pass("\(key) is \(effective)", "\(key) 为 \(effective)", evidence: evidence))
        }
        return daemonFinding(host, .fail("\(key) is \(effective); it should be \(compliant)", "\(key) 为 \(effective)，应为 \(compliant)", evidence: evidence))
    }

    static func make(id: RuleID, fix: [DaemonSettingChange], cis: String, level: Int = 1, severity: Severity, key: String, compliant: Bool,
                     defaultValue: Bool, title: LocalizedText, rationale: LocalizedText, remediation: LocalizedText,
                     engineField: String? = nil, engineValue: @escaping @Sendable (EngineInfo) -> Bool? = { _ in nil }) -> DaemonBoolRule {
        // Where the engine reports the value itself, the examples set that report too.
        func info(_ value: Bool) -> String { engineField.map { #""info": {"\#($0)": \#(value)}, "# } ?? "" }
        let good = #"{\#(info(compliant))"host": {"daemon": {"settings": [{"key": "\#(key)", "values": ["\#(compliant)"], "source": "/etc/docker/daemon.json:2"}]}}}"#
        let bad = #"{\#(info(!compliant))"host": {"daemon": {"settings": [{"key": "\#(key)", "values": ["\#(!compliant)"], "source": "dockerd argument --\#(key)=\#(!compliant)"}]}}}"#
        let unset = #"{\#(info(defaultValue))"host": {"daemon": {"settings": []}}}"#
        return DaemonBoolRule(
            metadata: RuleMetadata(id: id, cis: cis, level: level, severity: severity, title: title, rationale: rationale,
                                   remediation: remediation, references: [Reference.dockerd, Reference.cisDocker])
                .fixed(by: .daemonSettings(fix)),
            key: key, compliant: compliant, defaultValue: defaultValue, engineValue: engineValue,
            examples: [
                RuleExample(snapshot: good, expect: .pass),
                RuleExample(snapshot: bad, expect: .fail),
                RuleExample(snapshot: unset, expect: defaultValue == compliant ? .pass : .fail),
                RuleExample(snapshot: #"{"host": null}"#, expect: .skipped),
            ])
    }

    static let all: [DaemonBoolRule] = [
        make(id: .daemonIcc, fix: [.init("icc", .bool(false))], cis: "2.2", severity: .medium, key: "icc", compliant: false, defaultValue: true,
             title: .init(en: "Network traffic is restricted between containers on the default bridge", zh: "限制默认网桥上容器之间的网络流量"),
             rationale: .init(en: "With icc on, every container on the default bridge can reach every other one on every port; one compromised container can attack the rest.",
                              zh: "开启 icc 时，默认网桥上的容器可以访问彼此的所有端口，一个容器被攻破即可攻击其他容器。"),
             remediation: .init(en: "Set \"icc\": false in daemon.json (or --icc=false) and restart dockerd; link containers that must talk through user-defined networks.",
                                zh: "在 daemon.json 中设置 \"icc\": false（或 --icc=false）并重启 dockerd；需要互通的容器使用自定义网络。")),
        make(id: .daemonIptables, fix: [.init("iptables", nil)], cis: "2.4", severity: .medium, key: "iptables", compliant: true, defaultValue: true,
             title: .init(en: "Docker is allowed to make changes to iptables", zh: "允许 Docker 修改 iptables"),
             rationale: .init(en: "With iptables off, Docker no longer keeps container traffic rules consistent, and published ports or isolation between networks silently stop working as intended.",
                              zh: "关闭 iptables 后，Docker 不再维护容器流量规则，端口发布和网络隔离会在无提示的情况下失效。"),
             remediation: .init(en: "Remove \"iptables\": false from daemon.json (and --iptables=false) and restart dockerd; filter traffic in the DOCKER-USER chain.",
                                zh: "从 daemon.json 中删除 \"iptables\": false（以及 --iptables=false）并重启 dockerd；在 DOCKER-USER 链中过滤流量。")),
        make(id: .daemonNoNewPrivileges, fix: [.init("no-new-privileges", .bool(true))], cis: "2.14", severity: .medium, key: "no-new-privileges", compliant: true, defaultValue: false,
             title: .init(en: "Containers are restricted from acquiring new privileges by default", zh: "默认禁止容器获取新权限"),
             rationale: .init(en: "With no-new-privileges as the daemon default, no container can raise its privileges through setuid binaries unless it opts out explicitly.",
                              zh: "守护进程默认启用 no-new-privileges 后，除非显式关闭，任何容器都无法通过 setuid 程序提升权限。"),
             remediation: .init(en: "Set \"no-new-privileges\": true in daemon.json and restart dockerd.", zh: "在 daemon.json 中设置 \"no-new-privileges\": true 并重启 dockerd。")),
        make(id: .daemonLiveRestore, fix: [.init("live-restore", .bool(true))], cis: "2.15", severity: .low, key: "live-restore", compliant: true, defaultValue: false,
             title: .init(en: "Live restore is enabled", zh: "启用 live-restore"),
             rationale: .init(en: "With live restore, containers keep running while dockerd restarts or is upgraded, so patching the engine does not mean downtime and is not put off.",
                              zh: "启用 live-restore 后，dockerd 重启或升级时容器继续运行，给引擎打补丁不再需要停机，也就不会被拖延。"),
             remediation: .init(en: "Set \"live-restore\": true in daemon.json and reload dockerd (SIGHUP).", zh: "在 daemon.json 中设置 \"live-restore\": true 并重新加载 dockerd（SIGHUP）。"),
             engineField: "LiveRestoreEnabled", engineValue: { $0.liveRestoreEnabled }),
        make(id: .daemonUserlandProxy, fix: [.init("userland-proxy", .bool(false))], cis: "2.16", severity: .low, key: "userland-proxy", compliant: false, defaultValue: true,
             title: .init(en: "The userland proxy is disabled", zh: "禁用 userland-proxy"),
             rationale: .init(en: "The userland proxy runs a docker-proxy process per published port; with hairpin NAT the kernel does the same with less code exposed.",
                              zh: "userland-proxy 为每个发布端口运行一个 docker-proxy 进程；使用 hairpin NAT 时内核即可完成同样工作，暴露的代码更少。"),
             remediation: .init(en: "Set \"userland-proxy\": false in daemon.json and restart dockerd.", zh: "在 daemon.json 中设置 \"userland-proxy\": false 并重启 dockerd。")),
        make(id: .daemonExperimental, fix: [.init("experimental", nil)], cis: "2.18", severity: .low, key: "experimental", compliant: false, defaultValue: false,
             title: .init(en: "Experimental features are not used in production", zh: "生产环境不使用实验性功能"),
             rationale: .init(en: "Experimental features are unfinished and unsupported; their security has not been reviewed like the rest of the engine.",
                              zh: "实验性功能尚未完成、不受支持，其安全性未经与引擎其他部分同等的审查。"),
             remediation: .init(en: "Remove \"experimental\": true from daemon.json (and --experimental) and restart dockerd.",
                                zh: "从 daemon.json 中删除 \"experimental\": true（以及 --experimental）并重启 dockerd。"),
             engineField: "ExperimentalBuild", engineValue: { $0.experimentalBuild }),
    ]
}

extension RuleID {
    public static let daemonIcc: RuleID = "daemon.icc"
    public static let daemonIptables: RuleID = "daemon.iptables"
    public static let daemonNoNewPrivileges: RuleID = "daemon.no-new-privileges"
    public static let daemonLiveRestore: RuleID = "daemon.live-restore"
    public static let daemonUserlandProxy: RuleID = "daemon.userland-proxy"
    public static let daemonExperimental: RuleID = "daemon.experimental"
}
