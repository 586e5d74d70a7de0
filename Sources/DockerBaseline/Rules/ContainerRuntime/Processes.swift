// §5 rules about what runs in and around containers: sshd 5.7, health checks 5.27, image currency 5.28,
// privileged and root `docker exec` 5.23/5.24 (from a watch's journal), swarm mode 5.1.

struct SSHDaemonRule: ContainerRule {
    let metadata = RuleMetadata(
        id: .containerSshd, cis: "5.7", severity: .high,
        title: .init(en: "sshd is not run within containers", zh: "容器内不运行 sshd"),
        rationale: .init(
            en: "An SSH daemon in a container is one more service to patch, a second way in that bypasses the engine's access control, and usually a sign the container is managed like a VM.",
            zh: "容器内的 SSH 服务是又一个需要打补丁的服务，也是绕过引擎访问控制的另一入口，通常说明容器被当作虚拟机管理。"),
        remediation: .init(
            en: "Remove sshd from the image and the container's command; use `docker exec` for debugging.",
            zh: "从镜像和容器启动命令中移除 sshd；调试时使用 `docker exec`。"),
        references: [Reference.securityOverview, Reference.cisDocker])

    let examples = [
        RuleExample(processes: #"{"Processes": [["root", "1", "0", "0", "10:00", "?", "00:00:00", "/usr/sbin/sshd -D"]]}"#, expect: .fail),
        RuleExample(processes: #"{"Processes": [["root", "7", "1", "0", "10:00", "?", "00:00:00", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"]]}"#, expect: .fail),
        RuleExample(processes: #"{"Processes": [["root", "1", "0", "0", "10:00", "?", "00:00:00", "/app --sshd-compatible"]]}"#, expect: .pass),
        RuleExample(processes: #"{"Processes": [["root", "1", "0", "0", "10:00", "?", "00:00:00", "grep sshd"]]}"#, expect: .pass),
        RuleExample(container: #"{"State": {"Status": "created", "Running": false}}"#, processes: "null", expect: .skipped),
        RuleExample(container: #"{"State": {"Status": "exited", "Running": false}}"#, processes: "null", expect: .skipped),
        RuleExample(processes: "null", expect: .error),
    ]

    /// True when the program run is sshd: `/usr/sbin/sshd -D`, or sshd's own retitled `sshd: …` processes.
    static func isSSHDaemon(_ command: String) -> Bool {
        guard let program = command.split(separator: " ").first else { return false }
        if program == "sshd:" { return true }
        return program.split(separator: "/").last == "sshd"
    }

    func judge(_ container: ContainerRecord, in context: AuditContext) -> Verdict {
        guard container.inspect.isRunning else {
            return .skipped("not applicable: container is \(container.inspect.status), no processes to check",
                            "不适用：容器状态为 \(container.inspect.status)，没有可检查的进程")
        }
        guard let processes = container.processes else {
            return .error("the process list could not be read: \(container.processesError ?? "no answer")",
                          "无法读取进程列表：\(container.processesError ?? "无应答")")
        }
        let commands = processes.commands
        let sshd = commands.filter(Self.isSSHDaemon)
        let source = container.processesSource ?? "engine top"
        if sshd.isEmpty {
            return .pass("no sshd among \(commands.count) process(es)", "\(commands.count) 个进程中没有 sshd",
                         evidence: ["processes": String(commands.count), "source": source])
        }
        return .fail("sshd is running: \(sshd.joined(separator: "; "))", "正在运行 sshd：\(sshd.joined(separator: "; "))",
                     evidence: ["sshd processes": sshd.joined(separator: "; "), "source": source])
    }
}

struct HealthcheckRule: RuntimeCheck {
    let composeID: RuleID = .composeHealthcheck
    let metadata = RuleMetadata(
        id: .containerHealthcheck, cis: "5.27", severity: .low,
        title: .init(en: "Container health is checked at runtime", zh: "运行时检查容器健康状态"),
        rationale: .init(
            en: "Without a health check the engine and orchestrators only know whether the process exists, not whether the service works, so a hung or hijacked service keeps receiving traffic.",
            zh: "没有健康检查时，引擎和编排系统只知道进程是否存在，不知道服务是否正常，挂起或被劫持的服务会继续接收流量。"),
        remediation: .init(
            en: "Add a HEALTHCHECK to the image or run with `--health-cmd` (compose: `healthcheck`); do not disable it with --no-healthcheck.",
            zh: "在镜像中添加 HEALTHCHECK，或使用 `--health-cmd` 运行（compose：`healthcheck`）；不要用 --no-healthcheck 关闭。"),
        references: [Reference.dockerfile, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "--health-cmd 'CMD' --health-interval 30s", compose: "healthcheck: {test: [CMD, …], interval: 30s}"))

    let examples = [
        RuleExample(container: #"{"Config": {"Healthcheck": null}}"#, expect: .fail),
        RuleExample(container: #"{"Config": {"Healthcheck": {"Test": ["NONE"]}}}"#, expect: .fail),
        RuleExample(container: #"{"Config": {"Healthcheck": {"Test": ["CMD-SHELL", "wget -q localhost:8080/health"]}}}"#, expect: .pass),
        RuleExample(container: #"{"Config": {"Healthcheck": {"Test": ["CMD", "true"]}}, "State": {"Health": {"Status": "unhealthy"}}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    healthcheck:\n      disable: true\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    healthcheck:\n      test: [\"NONE\"]\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    healthcheck:\n      test: [\"CMD\", \"/ok\"]\n      interval: 30s\n", .pass),
    ]

    var reads: Set<RuntimeSpec.Section> { [.config] }

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        if spec.inheritsImageHealthcheck {
            return .warn("no healthcheck here: check that the image defines a HEALTHCHECK", "未配置 healthcheck：请确认镜像自身定义了 HEALTHCHECK")
        }
        let health = spec.observed?.health.map { ["health": $0] } ?? [:]
        return judgeHealthcheck(spec.healthcheck, evidence: health).at(spec.origin(of: .healthcheck))
    }
}

struct ImageCurrencyRule: ContainerRule {
    let metadata = RuleMetadata(
        id: .containerImageCurrent, cis: "5.28", severity: .low, manual: true,
        title: .init(en: "Containers run the current version of their image", zh: "容器使用其镜像的最新版本运行"),
        rationale: .init(
            en: "When the tag a container was created from has since been pulled or rebuilt, the container keeps running the old image and misses its fixes.",
            zh: "容器创建所用的标签被重新拉取或重新构建后，容器仍运行旧镜像，得不到其中的修复。"),
        remediation: .init(
            en: "Recreate the container from the current image (`docker compose up -d`, or `docker pull` then `docker run --pull always …`).",
            zh: "用当前镜像重新创建容器（`docker compose up -d`，或先 `docker pull` 再 `docker run --pull always …`）。"),
        references: [Reference.runReference, Reference.cisDocker])

    let examples = [
        RuleExample(container: #"{"Config": {"Image": "example/app:1.0"}}"#, expect: .pass),
        RuleExample(container: #"{"Config": {"Image": "example/app:1.0"}, "Image": "sha256:2222222222222222222222222222222222222222222222222222222222222222"}"#, expect: .fail),
        RuleExample(container: #"{"Config": {"Image": "example/gone:2"}}"#, expect: .warn),
        RuleExample(container: #"{"Config": {"Image": "sha256:1111111111111111111111111111111111111111111111111111111111111111"}}"#, expect: .info),
    ]

    func judge(_ container: ContainerRecord, in context: AuditContext) -> Verdict {
        guard let reference = container.inspect.config?.image, let imageID = container.inspect.image else {
            return .notReported("Config.Image")
        }
        var evidence = ["created from": reference, "image id": shortImageID(imageID)]
        if reference.hasPrefix("sha256:") || imageID.hasPrefix("sha256:" + reference) || reference.contains("@") {
            return .info("created from a fixed image id or digest", "由固定镜像 ID 或摘要创建", evidence: evidence)
        }
        guard let current = context.image(tagged: reference) else {
            return .warn("\(reference) is no longer present on this engine: check which image it should run",
                         "引擎上已不存在 \(reference)：请确认其应运行的镜像", evidence: evidence)
        }
        evidence["\(reference) now"] = shortImageID(current.inspect.id)
        if current.inspect.id == imageID {
            return .pass("runs the image \(reference) points to", "运行的即 \(reference) 当前指向的镜像", evidence: evidence)
        }
        return .fail("runs an older image than \(reference) now points to", "运行的镜像比 \(reference) 当前指向的旧", evidence: evidence)
    }
}

/// 5.23 and 5.24 judge `docker exec` use, which the engine keeps no history of. A watch's journal (and the host's
/// audit log) gives one: each offending exec fails its container; with none, the period a watch covered up to now
/// passes; without a journal covering now, a person reviews it.
struct ExecUseRule: Rule {
    let metadata: RuleMetadata
    /// Which execs offend.
    private let offends: @Sendable (ExecRecord) -> Bool
    /// "privileged exec" / "exec as root", in both languages.
    private let what: LocalizedText
    let examples: [RuleExample]

    func evaluate(_ context: AuditContext) -> [Finding] {
        let engine = Target.engine(context.snapshot)
        guard let history = context.snapshot.execHistory else {
            return [Finding(target: engine, verdict: .warn(
                "review: no watch journal covers this period (run `docker-baseline watch`); check `docker events --filter event=exec_create` and the host's audit log for any \(what.en)",
                "需人工核查：没有 watch 日志覆盖这段时间（请运行 `docker-baseline watch`）；请检查 `docker events --filter event=exec_create` 及宿主机审计日志中的\(what.zh)"))]
        }
        let offending = history.execs.filter(offends)
        if !offending.isEmpty {
            let byContainer = Dictionary(grouping: offending, by: \.containerID)
            return byContainer.keys.sorted().map { id in
                let execs = byContainer[id]!
                let lines = execs.map { "\($0.time) \($0.command) (user \($0.user.isEmpty ? "<container's>" : $0.user)\($0.privileged ? ", privileged" : ""), \($0.source))" }
                let target = Target(kind: .container, id: id, name: execs.last!.containerName)
                return Finding(target: target, verdict: .fail(
                    "\(execs.count) \(what.en)(s): \(lines.joined(separator: "; "))", "\(execs.count) 次\(what.zh)：\(lines.joined(separator: "；"))",
                    evidence: ["execs": execs.map(\.id).joined(separator: " "), "commands": execs.map(\.command).joined(separator: "; "),
                               "users": execs.map { $0.user.isEmpty ? "-" : $0.user }.joined(separator: " "),
                               "times": execs.map(\.time).joined(separator: " "), "sources": history.sources.joined(separator: ", ")]))
            }
        }
        var evidence = ["execs seen": String(history.execs.count), "sources": history.sources.joined(separator: ", ")]
        if !history.problems.isEmpty { evidence["problems"] = history.problems.joined(separator: "; ") }
        if let period = history.currentPeriod(collectedAt: context.snapshot.collectedAt) {
            evidence["covered"] = history.coverage.map { "\($0.start)–\($0.end)" }.joined(separator: ", ")
            return [Finding(target: engine, verdict: .pass(
                "no \(what.en) since \(period.start) (watched without a gap since then)", "自 \(period.start) 起没有\(what.zh)（此后持续监视，无间断）",
                evidence: evidence))]
        }
        let last = history.coverage.last.map { "watched \($0.start)–\($0.end), not since" } ?? "no watch has covered any period"
        let lastZh = history.coverage.last.map { "监视时段 \($0.start)–\($0.end)，此后未监视" } ?? "没有任何时段被监视"
        return [Finding(target: engine, verdict: .warn(
            "review: no \(what.en) recorded, but \(last): check the host's audit log for the rest",
            "需人工核查：未记录到\(what.zh)，但\(lastZh)：其余时间请检查宿主机审计日志", evidence: evidence))]
    }

    /// A journal whose watch was alive when the snapshot was taken, with `execs`.
    private static func journal(_ execs: String) -> String {
        #"{"execHistory": {"execs": "# + execs + #", "coverage": [{"start": "2025-12-31T00:00:00Z", "end": "2025-12-31T23:59:50Z", "stoppedCleanly": false}], "sources": ["journal.sqlite"], "problems": []}}"#
    }

    private static func exec(user: String, containerUser: String, privileged: Bool) -> String {
        #"{"id": "e1", "containerID": "c1", "containerName": "app", "command": "sh", "user": "\#(user)", "containerUser": "\#(containerUser)", "privileged": \#(privileged), "time": "2025-12-31T12:00:00.000Z", "source": "engine"}"#
    }

    static let privileged = ExecUseRule(
        metadata: RuleMetadata(
            id: .containerExecPrivileged, cis: "5.23", level: 2, severity: .high, manual: true,
            title: .init(en: "docker exec commands are not used with the privileged option", zh: "docker exec 命令不使用 --privileged 选项"),
            rationale: .init(
                en: "`docker exec --privileged` gives the new process every capability and no confinement, even in a container that was started without them.",
                zh: "`docker exec --privileged` 会让新进程获得全部能力且不受任何限制，即使容器本身并非特权启动。"),
            remediation: .init(
                en: "Never use `docker exec --privileged`; restrict who may reach the engine, and record exec events with `docker-baseline watch`.",
                zh: "禁止使用 `docker exec --privileged`；限制可访问引擎的人员，并用 `docker-baseline watch` 记录 exec 事件。"),
            references: [Reference.cisDocker]),
        offends: { $0.privileged },
        what: .init(en: "privileged exec", zh: "特权 exec"),
        examples: [
            RuleExample(expect: .warn),
            RuleExample(snapshot: journal("[" + exec(user: "", containerUser: "", privileged: true) + "]"), expect: .fail),
            RuleExample(snapshot: journal("[" + exec(user: "root", containerUser: "", privileged: false) + "]"), expect: .pass),
            RuleExample(snapshot: journal("[]"), expect: .pass),
            RuleExample(snapshot: #"{"execHistory": {"execs": [], "coverage": [{"start": "2025-12-01T00:00:00Z", "end": "2025-12-02T00:00:00Z", "stoppedCleanly": true}], "sources": ["journal.sqlite"], "problems": []}}"#, expect: .warn),
        ])

    static let root = ExecUseRule(
        metadata: RuleMetadata(
            id: .containerExecRoot, cis: "5.24", level: 2, severity: .medium, manual: true,
            title: .init(en: "docker exec commands are not used with the user=root option", zh: "docker exec 命令不使用 --user=root 选项"),
            rationale: .init(
                en: "`docker exec --user root` runs as root inside a container that was meant to run unprivileged.",
                zh: "`docker exec --user root` 会在本应以普通用户运行的容器内以 root 身份执行命令。"),
            remediation: .init(
                en: "Do not exec as root; restrict who may reach the engine, and record exec events with `docker-baseline watch`.",
                zh: "不要以 root 身份 exec；限制可访问引擎的人员，并用 `docker-baseline watch` 记录 exec 事件。"),
            references: [Reference.cisDocker]),
        offends: { $0.runsAsRoot },
        what: .init(en: "exec as root", zh: "以 root 身份执行的 exec"),
        examples: [
            RuleExample(expect: .warn),
            RuleExample(snapshot: journal("[" + exec(user: "root", containerUser: "1000", privileged: false) + "]"), expect: .fail),
            RuleExample(snapshot: journal("[" + exec(user: "0:0", containerUser: "1000", privileged: false) + "]"), expect: .fail),
            RuleExample(snapshot: journal("[" + exec(user: "", containerUser: "", privileged: false) + "]"), expect: .fail),
            RuleExample(snapshot: journal("[" + exec(user: "1000", containerUser: "", privileged: false) + "]"), expect: .pass),
            RuleExample(snapshot: journal("[" + exec(user: "", containerUser: "app", privileged: false) + "]"), expect: .pass),
            RuleExample(snapshot: #"{"execHistory": {"execs": [], "coverage": [], "sources": ["journal.sqlite"], "problems": []}}"#, expect: .warn),
        ])
}

struct SwarmModeRule: EngineRule {
    let metadata = RuleMetadata(
        id: .engineSwarmMode, cis: "5.1", severity: .low, manual: true,
        title: .init(en: "Swarm mode is not enabled, if not needed", zh: "如无需要，不启用 Swarm 模式"),
        rationale: .init(
            en: "Swarm mode opens management and data-plane ports (2377, 7946, 4789) and keeps cluster secrets on the host; a host that is not part of a swarm should not have it.",
            zh: "Swarm 模式会开放管理与数据平面端口（2377、7946、4789），并在主机上保存集群密钥；不属于集群的主机不应启用。"),
        remediation: .init(
            en: "If this host does not need swarm, leave it: `docker swarm leave` (on a manager, `--force`).",
            zh: "如主机无需加入集群，执行 `docker swarm leave`（管理节点需加 `--force`）。"),
        references: [Reference.swarm, Reference.cisDocker])

    let examples = [
        RuleExample(snapshot: #"{"info": {"Swarm": {"LocalNodeState": "inactive"}}}"#, expect: .pass),
        RuleExample(snapshot: #"{"info": {"Swarm": {"LocalNodeState": "active", "ControlAvailable": true}}}"#, expect: .info),
        RuleExample(snapshot: #"{"info": {"Swarm": null}}"#, expect: .error),
    ]

    func judge(_ context: AuditContext) -> Verdict {
        guard let state = context.snapshot.info.swarm?.localNodeState else { return .notReported("Swarm.LocalNodeState") }
        let role = context.snapshot.info.swarm?.controlAvailable == true ? "manager" : "worker"
        if state == "inactive" {
            return .pass("swarm mode is not enabled", "未启用 Swarm 模式", evidence: ["Swarm": state])
        }
        return .info("swarm mode is \(state) (\(role)): confirm this host needs it", "Swarm 模式状态为 \(state)（\(role)）：请确认确有需要",
                     evidence: ["Swarm": state, "role": role])
    }
}

extension RuleID {
    public static let engineSwarmMode: RuleID = "engine.swarm-mode"
    public static let containerSshd: RuleID = "container.sshd"
    public static let containerExecPrivileged: RuleID = "container.exec-privileged"
    public static let containerExecRoot: RuleID = "container.exec-root"
    public static let containerHealthcheck: RuleID = "container.healthcheck"
    public static let containerImageCurrent: RuleID = "container.image-current"
    public static let composeHealthcheck: RuleID = "compose.healthcheck"
}
