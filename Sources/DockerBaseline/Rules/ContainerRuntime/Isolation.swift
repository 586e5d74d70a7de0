// Isolation the benchmark does not number but the threat model names: the kernel interfaces under /proc and /sys,
// the cgroup namespace, and raw sockets between containers on one bridge.

/// The engine hides /proc/kcore, /proc/keys, /sys/firmware, … and makes /proc/sys, /proc/sysrq-trigger, … read-only;
/// `--security-opt systempaths=unconfined` (or an API client sending empty lists) turns both off.
struct SystemPathsRule: RuntimeCheck {
    let composeID: RuleID = .composeSystemPaths

    let metadata = RuleMetadata(
        id: .containerSystemPaths, cis: nil, severity: .high,
        title: .init(en: "/proc and /sys stay masked and read-only inside containers", zh: "容器内的 /proc 与 /sys 保持屏蔽和只读"),
        rationale: .init(
            en: "With systempaths=unconfined the container can read kernel memory and keys (/proc/kcore, /proc/keys) and write kernel settings (/proc/sys, /proc/sysrq-trigger): an unisolated /proc and /sys is a path to the host.",
            zh: "使用 systempaths=unconfined 后，容器可读取内核内存与密钥（/proc/kcore、/proc/keys），并写入内核参数（/proc/sys、/proc/sysrq-trigger）：未隔离的 /proc 与 /sys 是通向宿主机的途径。"),
        remediation: .init(
            en: "Recreate the container without `--security-opt systempaths=unconfined` (compose: remove it from `security_opt`).",
            zh: "去掉 `--security-opt systempaths=unconfined` 重新创建容器（compose：从 `security_opt` 中删除）。"),
        references: [Reference.runReference, "https://docs.docker.com/reference/cli/docker/container/run/#security-opt"])
        .fixed(by: .containerFlags(run: "remove --security-opt systempaths=unconfined", compose: "remove `systempaths=unconfined` from security_opt"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["systempaths=unconfined"], "MaskedPaths": [], "ReadonlyPaths": []}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"MaskedPaths": [], "ReadonlyPaths": ["/proc/sys"]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"Privileged": true, "MaskedPaths": [], "ReadonlyPaths": []}}"#, expect: .skipped),
        RuleExample(container: #"{"HostConfig": {"MaskedPaths": ["/proc/kcore", "/proc/keys"], "ReadonlyPaths": ["/proc/sys"]}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"MaskedPaths": null, "ReadonlyPaths": null}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - no-new-privileges:true\n      - systempaths=unconfined\n", .fail, line: 6),
        .compose("services:\n  app:\n    image: a:1\n    security_opt: [no-new-privileges]\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let option = spec.securityOption("systempaths")
        let evidence = [
            "MaskedPaths": spec.maskedPaths.map { "\($0.count) path(s)" } ?? "(engine default)",
            "ReadonlyPaths": spec.readonlyPaths.map { "\($0.count) path(s)" } ?? "(engine default)",
            "SecurityOpt systempaths": option?.value ?? "(default)",
        ]
        if spec.privileged {
            return .skipped("privileged: nothing is masked, judged by container.privileged", "特权容器：不做任何屏蔽，由 container.privileged 判断",
                            evidence: evidence)
        }
        let emptied = [spec.maskedPaths, spec.readonlyPaths].contains { $0?.isEmpty == true }
        if option?.value == "unconfined" || emptied {
            return Verdict.fail("/proc and /sys are not masked (systempaths=unconfined)", "/proc 与 /sys 未被屏蔽（systempaths=unconfined）",
                                evidence: evidence).at(option?.option.origin.map { [$0] } ?? [])
        }
        return .pass("the engine masks /proc and /sys", "引擎屏蔽了 /proc 与 /sys 的敏感路径", evidence: evidence)
    }
}

/// On cgroup v2 the engine gives each container a private cgroup namespace; `--cgroupns host` shares the host's.
struct CgroupNamespaceRule: RuntimeCheck {
    let composeID: RuleID = .composeCgroupNamespace

    let metadata = RuleMetadata(
        id: .containerCgroupNamespace, cis: nil, severity: .low, manual: true,
        title: .init(en: "The host's cgroup namespace is not shared", zh: "不共享宿主机的 cgroup 命名空间"),
        rationale: .init(
            en: "With --cgroupns host the container sees the host's whole cgroup tree (every service and container, their limits and usage) and, with write access, could change it.",
            zh: "使用 --cgroupns host 后，容器可看到宿主机完整的 cgroup 树（所有服务与容器及其限额和用量），如有写权限还可修改。"),
        remediation: .init(
            en: "Recreate the container without `--cgroupns host` (compose: remove `cgroup: host`) unless it is a monitoring agent that needs it.",
            zh: "去掉 `--cgroupns host` 重新创建容器（compose：删除 `cgroup: host`），确需如此的监控代理除外。"),
        references: [Reference.runReference])

    let examples = [
        RuleExample(container: #"{"HostConfig": {"CgroupnsMode": "host"}}"#, snapshot: #"{"info": {"CgroupVersion": "2"}}"#, expect: .warn),
        RuleExample(container: #"{"HostConfig": {"CgroupnsMode": "host"}}"#, snapshot: #"{"info": {"CgroupVersion": "1"}}"#, expect: .skipped),
        RuleExample(container: #"{"HostConfig": {"CgroupnsMode": "private"}}"#, snapshot: #"{"info": {"CgroupVersion": "2"}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    cgroup: host\n", .warn, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    cgroup: private\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let mode = spec.mode(of: .cgroup)
        let evidence = ["CgroupnsMode": mode.isEmpty ? "(default)" : mode, "cgroup version": environment.cgroupVersion ?? "unknown"]
        guard mode == "host" else { return .pass("own cgroup namespace", "使用独立的 cgroup 命名空间", evidence: evidence) }
        guard environment.cgroupVersion == "2" else {
            return .skipped("not applicable: cgroup v1 has no private cgroup namespaces", "不适用：cgroup v1 不支持独立的 cgroup 命名空间",
                            evidence: evidence)
        }
        return Verdict.warn("shares the host's cgroup namespace: confirm it needs to", "共享宿主机 cgroup 命名空间：请确认确有需要",
                            evidence: evidence).at(spec.origin(of: .namespace(.cgroup)))
    }
}

/// NET_RAW, in Docker's default set, lets a container forge packets: ARP and DNS spoofing of its neighbours on a bridge.
struct NetRawRule: RuntimeCheck {
    let composeID: RuleID = .composeNetRaw

    let metadata = RuleMetadata(
        id: .containerNetRaw, cis: nil, level: 2, severity: .low,
        title: .init(en: "NET_RAW is dropped from containers on a network", zh: "联网容器去除 NET_RAW 能力"),
        rationale: .init(
            en: "NET_RAW is in Docker's default capability set; with it a compromised container can forge ARP and DNS answers to the other containers on its bridge and read their traffic.",
            zh: "NET_RAW 属于 Docker 默认能力集；被攻陷的容器可借此向同一网桥上的其他容器伪造 ARP 与 DNS 应答并窃听其流量。"),
        remediation: .init(
            en: "Run with `--cap-drop NET_RAW` (or `--cap-drop ALL`; compose: `cap_drop: [NET_RAW]`); ping inside containers works through ping_group_range without it.",
            zh: "使用 `--cap-drop NET_RAW`（或 `--cap-drop ALL`；compose：`cap_drop: [NET_RAW]`）运行；容器内的 ping 可通过 ping_group_range 在无此能力时工作。"),
        references: [Reference.capabilities])
        .fixed(by: .containerFlags(run: "--cap-drop NET_RAW (or ALL)", compose: "cap_drop: [NET_RAW]"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"CapDrop": null}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"CapDrop": ["ALL"], "CapAdd": ["NET_RAW"]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"CapDrop": ["cap_net_raw"]}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"CapDrop": null, "NetworkMode": "none"}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    cap_drop: [ALL]\n    cap_add:\n      - NET_RAW\n", .fail, line: 6),
        .compose("services:\n  app:\n    image: a:1\n    cap_drop: [NET_RAW]\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let dropped = spec.capDrop.map(Capabilities.normalize)
        let added = spec.capAdd.map(Capabilities.normalize)
        let evidence = ["CapDrop": listEvidence(dropped), "CapAdd": listEvidence(added), "NetworkMode": spec.mode(of: .network)]
        if spec.mode(of: .network) == "none" { return .pass("no network to spoof on", "无网络，无从伪造", evidence: evidence) }
        if spec.privileged {
            return Verdict.fail("privileged: has NET_RAW", "特权容器：拥有 NET_RAW", evidence: evidence).at(spec.origin(of: .privileged))
        }
        if let readded = ["NET_RAW", "ALL"].first(where: added.contains) {
            return Verdict.fail("adds \(readded): can forge packets", "添加了 \(readded)：可伪造数据包", evidence: evidence)
                .at(spec.capAddOrigins[readded].map { [$0] } ?? [])
        }
        if dropped.contains("ALL") || dropped.contains("NET_RAW") {
            return .pass("NET_RAW is dropped", "已去除 NET_RAW", evidence: evidence)
        }
        return .fail("keeps NET_RAW (Docker's default): can forge packets to its neighbours", "保留了 NET_RAW（默认能力）：可向邻近容器伪造数据包",
                     evidence: evidence)
    }
}

extension RuleID {
    public static let containerSystemPaths: RuleID = "container.systempaths"
    public static let composeSystemPaths: RuleID = "compose.systempaths"
    public static let containerCgroupNamespace: RuleID = "container.cgroupns"
    public static let composeCgroupNamespace: RuleID = "compose.cgroupns"
    public static let containerNetRaw: RuleID = "container.net-raw"
    public static let composeNetRaw: RuleID = "compose.net-raw"
}
