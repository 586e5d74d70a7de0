// 2.13: centralized logging, and rotation of local logs, for the daemon and for each container.

private let rationale = LocalizedText(
    en: "Logs kept only on the host are lost with it and can be erased by an intruder; the json-file driver without max-size also lets one noisy container fill the disk.",
    zh: "仅保存在宿主机上的日志会随主机丢失，也可能被入侵者删除；json-file 驱动未设置 max-size 时，一个日志量大的容器就能写满磁盘。")
private let remediation = LocalizedText(
    en: "Send logs to a central collector (\"log-driver\": \"syslog\", \"fluentd\", \"gelf\", …); where json-file stays, set \"log-opts\": {\"max-size\": \"10m\", \"max-file\": \"3\"} (per container: --log-opt max-size=10m).",
    zh: "将日志发送到集中收集端（\"log-driver\": \"syslog\"、\"fluentd\"、\"gelf\" 等）；保留 json-file 时设置 \"log-opts\": {\"max-size\": \"10m\", \"max-file\": \"3\"}（单个容器：--log-opt max-size=10m）。")

struct CentralLoggingRule: HostRule {
    let metadata = RuleMetadata(
        id: .daemonLogging, cis: "2.13", level: 2, severity: .medium,
        title: .init(en: "Centralized and remote logging is configured, and local logs rotate", zh: "配置集中远程日志，本地日志可轮转"),
        rationale: rationale, remediation: remediation,
        references: ["https://docs.docker.com/engine/logging/configure/", Reference.cisDocker])
            .fixed(by: .daemonSettings([.init("log-opts", .object(["max-size": "10m", "max-file": "3"]))]))
    let examples = [
        RuleExample(snapshot: #"{"info": {"LoggingDriver": "syslog"}, "host": {"daemon": {"settings": [{"key": "log-opts", "values": ["syslog-address=tcp://logs.example:514"], "source": "/etc/docker/daemon.json:3"}]}}}"#, expect: .pass),
        RuleExample(snapshot: #"{"info": {"LoggingDriver": "syslog"}, "host": {"daemon": {"settings": []}, "logForwarders": ["rsyslog: *.* @@logs.example:514 (/etc/rsyslog.d/90-remote.conf:1)"]}}"#, expect: .pass),
        RuleExample(snapshot: #"{"info": {"LoggingDriver": "syslog"}, "host": {"daemon": {"settings": []}, "logForwarders": []}}"#, expect: .warn),
        RuleExample(snapshot: #"{"info": {"LoggingDriver": "json-file"}, "host": {"daemon": {"settings": [{"key": "log-opts", "values": ["max-file=3", "max-size=10m"], "source": "/etc/docker/daemon.json:3"}]}}}"#, expect: .warn),
        RuleExample(snapshot: #"{"info": {"LoggingDriver": "json-file"}}"#, expect: .fail),
        RuleExample(snapshot: #"{"info": {"LoggingDriver": "journald"}}"#, expect: .warn),
        RuleExample(snapshot: #"{"info": {"LoggingDriver": "journald"}, "host": {"logForwarders": ["systemd-journal-upload: URL=https://logs.example (/etc/systemd/journal-upload.conf:2)"]}}"#, expect: .pass),
        RuleExample(snapshot: #"{"info": {"LoggingDriver": "none"}}"#, expect: .fail),
        RuleExample(snapshot: #"{"info": {"LoggingDriver": "gelf"}, "host": {"daemon": {"settings": [{"key": "log-opts", "values": ["gelf-address=udp://graylog.example:12201"], "source": "/etc/docker/daemon.json:3"}]}}}"#, expect: .pass),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let driver = context.snapshot.info.loggingDriver ?? host.daemon.string("log-driver") ?? "json-file"
        let options = Dictionary((host.daemon.setting("log-opts")?.values ?? []).map { option -> (String, String) in
            let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }, uniquingKeysWith: { _, last in last })
        var evidence = ["log-driver": driver, "log-opts": settingText(host.daemon, "log-opts")]
        let forwarders = host.logForwarders ?? []
        evidence["log shippers on the host"] = host.logForwarders.map { listEvidence($0) } ?? "not examined"
        let shipped = forwarders.isEmpty ? nil : forwarders.map { String($0.prefix { $0 != ":" }) }.joined(separator: ", ")
        switch LogDrivers.destination(of: driver, options: options) {
        case .none:
            return daemonFinding(host, .fail("log-driver none: containers keep no logs at all", "log-driver 为 none：容器不保留任何日志", evidence: evidence))
        case .remote(let destination):
            return daemonFinding(host, .pass("logs go to \(driver) (\(destination))", "日志发送至 \(driver)（\(destination)）", evidence: evidence))
        case .local(rotates: false):
            return daemonFinding(host, .fail("\(driver) without max-size: logs stay on this host and grow without limit",
                                             "\(driver) 未设置 max-size：日志只在本机且无限增长", evidence: evidence))
        case .local, .localDefault:
            if let shipped {
                return daemonFinding(host, .pass("logs are kept on this host (\(driver)) and shipped by \(shipped)",
                                                 "日志保存在本机（\(driver)），并由 \(shipped) 外发", evidence: evidence))
            }
            guard host.logForwarders != nil else {
                return daemonFinding(host, .warn("logs stay on this host (\(driver)); whether a shipper sends them on was not examined",
                                                 "日志保存在本机（\(driver)）；未检查是否有外发程序", evidence: evidence))
            }
            return daemonFinding(host, .warn("logs stay on this host (\(driver)) and nothing here ships them: send them to a central collector",
                                             "日志仅保存在本机（\(driver)），且本机没有外发程序：请发送到集中收集端", evidence: evidence))
        }
    }
}

struct ContainerLogRotationRule: RuntimeCheck {
    let composeID: RuleID = .composeLogRotation
    let metadata = RuleMetadata(
        id: .containerLogRotation, cis: "2.13", level: 2, severity: .medium,
        title: .init(en: "Each container's local log rotates", zh: "每个容器的本地日志可轮转"),
        rationale: rationale, remediation: remediation,
        references: ["https://docs.docker.com/engine/logging/drivers/json-file/", Reference.cisDocker])
            .fixed(by: .containerFlags(run: "--log-opt max-size=10m --log-opt max-file=3", compose: "logging: {options: {max-size: 10m, max-file: \"3\"}}"))
    let examples = [
        RuleExample(container: #"{"HostConfig": {"LogConfig": {"Type": "json-file", "Config": {}}}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"LogConfig": {"Type": "json-file", "Config": {"max-size": "10m"}}}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"LogConfig": {"Type": "syslog", "Config": {"syslog-address": "udp://logs.example:514"}}}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"LogConfig": {"Type": "syslog", "Config": {"syslog-address": null}}}}"#, expect: .warn),
        RuleExample(container: #"{"HostConfig": {"LogConfig": {"Type": "local", "Config": {}}}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"LogConfig": {"Type": "none", "Config": {}}}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"LogConfig": {"Type": "fluentd", "Config": {}}}}"#, expect: .warn),
        RuleExample(container: #"{"HostConfig": {"LogConfig": {"Type": "fluentd", "Config": {"fluentd-address": "collector:24224"}}}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    logging:\n      driver: json-file\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    logging:\n      driver: json-file\n      options:\n        max-size: 10m\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n", .skipped),
        .compose("services:\n  app:\n    image: a:1\n    logging:\n      driver: none\n", .fail, line: 4),
    ]

    var reads: Set<RuntimeSpec.Section> { [.logConfig] }

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        // The engine copies the daemon's log-opts into each container's LogConfig at creation, so this is what applies.
        guard let log = spec.logConfig, let driver = log.type else {
            return .skipped("not set here: the daemon's log driver and options apply (judged by daemon.logging)",
                            "此处未设置：沿用守护进程的日志驱动与选项（由 daemon.logging 判断）")
        }
        let options = log.config ?? [:]
        let evidence = ["LogConfig": "\(driver) \(options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))"]
        switch LogDrivers.destination(of: driver, options: options) {
        case .none:
            return Verdict.fail("log driver none: this container keeps no logs at all", "日志驱动为 none：该容器不保留任何日志", evidence: evidence)
                .at(spec.origin(of: .logConfig))
        case .local(rotates: false):
            return Verdict.fail("\(driver) log without max-size grows without limit", "\(driver) 日志未设置 max-size，会无限增长", evidence: evidence)
                .at(spec.origin(of: .logConfig))
        case let .localDefault(option):
            return Verdict.warn("\(driver) without \(option): logs go to its local default; check that it ships them",
                                "\(driver) 未设置 \(option)：日志发往其本地默认目的地，请确认会被外发", evidence: evidence).at(spec.origin(of: .logConfig))
        case .local, .remote:
            break
        }
        return .pass("log bounded or shipped (\(driver))", "日志有上限或已外发（\(driver)）", evidence: evidence)
    }
}

extension RuleID {
    public static let daemonLogging: RuleID = "daemon.logging"
    public static let containerLogRotation: RuleID = "container.log-rotation"
    public static let composeLogRotation: RuleID = "compose.log-rotation"
}
