// §5 rules about what a container may consume: memory 5.11, CPU 5.12, restarts 5.15, devices 5.18, ulimits 5.19,
// cgroup parent 5.25, PIDs 5.29.

struct MemoryLimitRule: RuntimeCheck {
    let composeID: RuleID = .composeMemoryLimit
    let metadata = RuleMetadata(
        id: .containerMemoryLimit, cis: "5.11", severity: .medium,
        title: .init(en: "The memory usage for containers is limited", zh: "限制容器的内存使用"),
        rationale: .init(
            en: "Without a memory limit one container can exhaust the host's memory and make the kernel kill other workloads.",
            zh: "不限制内存时，单个容器即可耗尽宿主机内存，导致内核杀死其他业务进程。"),
        remediation: .init(
            en: "Set a limit: `--memory 512m` (compose: `mem_limit` or `deploy.resources.limits.memory`).",
            zh: "设置内存上限：`--memory 512m`（compose：`mem_limit` 或 `deploy.resources.limits.memory`）。"),
        references: [Reference.resourceConstraints, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "--memory 512m", compose: "mem_limit: 512m"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"Memory": 0}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"Memory": 536870912}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    mem_limit: 256m\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    deploy:\n      resources:\n        limits:\n          memory: 512M\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let memory = spec.memory
        if memory > 0 {
            return .pass("memory limited to \(formatBytes(memory))", "内存上限 \(formatBytes(memory))", evidence: ["Memory": String(memory)])
        }
        return .fail("no memory limit", "未限制内存", evidence: ["Memory": "0 (unlimited)"])
    }
}

struct CPUPriorityRule: RuntimeCheck {
    let composeID: RuleID = .composeCpuLimit
    let metadata = RuleMetadata(
        id: .containerCpuPriority, cis: "5.12", severity: .low,
        title: .init(en: "CPU priority is set appropriately on containers", zh: "为容器合理设置 CPU 优先级"),
        rationale: .init(
            en: "Without CPU shares, a quota or a CPU set, a busy container competes with everything else on the host on equal terms and can starve it.",
            zh: "未设置 CPU 份额、配额或 CPU 集合时，繁忙的容器与宿主机上其他进程平等竞争，可能使其饿死。"),
        remediation: .init(
            en: "Set one of --cpus, --cpu-shares (other than 1024), --cpu-quota or --cpuset-cpus (compose: `cpus`, `cpu_shares`, `cpuset`).",
            zh: "设置 --cpus、--cpu-shares（非 1024）、--cpu-quota 或 --cpuset-cpus 之一（compose：`cpus`、`cpu_shares`、`cpuset`）。"),
        references: [Reference.resourceConstraints, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "--cpus 1", compose: "cpus: 1"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"CpuShares": 0, "NanoCpus": 0, "CpuQuota": 0, "CpusetCpus": ""}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"CpuShares": 1024, "NanoCpus": 0, "CpuQuota": 0, "CpusetCpus": ""}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"CpuShares": 0, "NanoCpus": 500000000}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"CpuShares": 0, "CpuQuota": 50000}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"CpuShares": 0, "CpusetCpus": "0"}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"CpuShares": 512}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    cpu_shares: 1024\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    cpus: 0.5\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    cpuset: \"0,1\"\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    deploy:\n      resources:\n        limits:\n          cpus: '1.5'\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        var set: [String: String] = [:]
        if spec.cpuShares != 0, spec.cpuShares != 1024 { set["CpuShares"] = String(spec.cpuShares) }
        if spec.nanoCPUs > 0 { set["NanoCpus"] = String(spec.nanoCPUs) }
        if spec.cpuQuota > 0 { set["CpuQuota"] = String(spec.cpuQuota) }
        if !spec.cpusetCPUs.isEmpty { set["CpusetCpus"] = spec.cpusetCPUs }
        if set.isEmpty {
            return .fail("no CPU shares, quota or CPU set", "未设置 CPU 份额、配额或 CPU 集合",
                         evidence: ["CpuShares": String(spec.cpuShares), "NanoCpus": "0", "CpuQuota": "0", "CpusetCpus": "(none)"])
        }
        return .pass("CPU use is bounded", "已限制 CPU 使用", evidence: set)
    }
}

struct PidsLimitRule: RuntimeCheck {
    let composeID: RuleID = .composePidsLimit
    let metadata = RuleMetadata(
        id: .containerPidsLimit, cis: "5.29", severity: .medium,
        title: .init(en: "The PIDs cgroup limit is used", zh: "使用 PIDs cgroup 限制进程数"),
        rationale: .init(
            en: "Without a PIDs limit a fork bomb inside one container exhausts the host's process table.",
            zh: "不限制进程数时，容器内的 fork 炸弹可耗尽宿主机进程表。"),
        remediation: .init(
            en: "Set `--pids-limit 200` (a value that fits the workload; compose: `pids_limit`).",
            zh: "设置 `--pids-limit 200`（按业务需要取值；compose：`pids_limit`）。"),
        references: [Reference.resourceConstraints, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "--pids-limit 200", compose: "pids_limit: 200"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"PidsLimit": null}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"PidsLimit": 0}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"PidsLimit": -1}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"PidsLimit": 200}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    pids_limit: 0\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    pids_limit: 200\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    deploy:\n      resources:\n        limits:\n          pids: 100\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        if let limit = spec.pidsLimit, limit > 0 {
            return .pass("at most \(limit) processes", "最多 \(limit) 个进程", evidence: ["PidsLimit": String(limit)])
        }
        return .fail("no PIDs limit", "未限制进程数", evidence: ["PidsLimit": spec.pidsLimit.map(String.init) ?? "(unset)"])
    }
}

struct RestartPolicyRule: RuntimeCheck {
    let composeID: RuleID = .composeRestartPolicy
    let metadata = RuleMetadata(
        id: .containerRestartPolicy, cis: "5.15", severity: .low,
        title: .init(en: "The 'on-failure' restart policy is limited to 5 retries", zh: "重启策略为 on-failure 且最多重试 5 次"),
        rationale: .init(
            en: "A container that restarts forever (always, unless-stopped, on-failure without a limit) hides a crash loop and can be used to keep a denial of service going.",
            zh: "无限重启的容器（always、unless-stopped、无次数上限的 on-failure）会掩盖崩溃循环，也可被用来持续制造拒绝服务。"),
        remediation: .init(
            en: "Use `--restart on-failure:5` (compose: `restart: on-failure:5`), or no restart policy with an orchestrator that watches the container.",
            zh: "使用 `--restart on-failure:5`（compose：`restart: on-failure:5`），或不设重启策略而由编排系统负责。"),
        references: [Reference.restartPolicies, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "--restart on-failure:5", compose: "restart: on-failure:5"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"RestartPolicy": {"Name": "always", "MaximumRetryCount": 0}}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": 0}}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 0}}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 6}}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5}}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 1}}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"RestartPolicy": {"Name": "no", "MaximumRetryCount": 0}}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"RestartPolicy": {"Name": "", "MaximumRetryCount": 0}}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    restart: always\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    restart: \"on-failure:10\"\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    deploy:\n      restart_policy:\n        condition: on-failure\n        max_attempts: 9\n", .fail, line: 7),
        .compose("services:\n  app:\n    image: a:1\n    restart: on-failure:3\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    deploy:\n      restart_policy:\n        condition: on-failure\n        max_attempts: 3\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let name = spec.restartPolicy
        let retries = spec.restartRetries
        let place = spec.origin(of: .restartPolicy)
        let evidence = ["RestartPolicy": name.isEmpty ? "no" : (name == "on-failure" ? "on-failure:\(retries)" : name)]
        switch name {
        case "", "no":
            return .pass("no restart policy", "未设置重启策略", evidence: evidence)
        case "on-failure" where retries >= 1 && retries <= 5:
            return .pass("restarts at most \(retries) times", "最多重启 \(retries) 次", evidence: evidence)
        case "on-failure":
            return Verdict.fail(retries == 0 ? "on-failure without a retry limit" : "on-failure with \(retries) retries (more than 5)",
                                retries == 0 ? "on-failure 未限制重试次数" : "on-failure 重试 \(retries) 次（超过 5 次）", evidence: evidence).at(place)
        default:
            return Verdict.fail("restarts without limit (\(name))", "无限重启（\(name)）", evidence: evidence).at(place)
        }
    }
}

struct HostDevicesRule: RuntimeCheck {
    let composeID: RuleID = .composeDevices
    let metadata = RuleMetadata(
        id: .containerHostDevices, cis: "5.18", severity: .medium,
        title: .init(en: "Host devices are not directly exposed to containers", zh: "不将宿主机设备直接暴露给容器"),
        rationale: .init(
            en: "A host device in the container (a disk, /dev/mem, a GPU) is reachable without the kernel's usual checks; with write or mknod permission it can change the host.",
            zh: "暴露给容器的宿主机设备（磁盘、/dev/mem、GPU 等）可绕过常规内核检查直接访问，若有写或 mknod 权限还能篡改宿主机。"),
        remediation: .init(
            en: "Remove --device entries the workload does not need; give the ones it needs only the permissions it needs (`--device /dev/x:/dev/x:r`).",
            zh: "删除业务不需要的 --device；确需的设备只授予必要权限（如 `--device /dev/x:/dev/x:r`）。"),
        references: [Reference.runReference, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "remove --device entries not needed", compose: "trim `devices`"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"Devices": [{"PathOnHost": "/dev/sda", "PathInContainer": "/dev/sda", "CgroupPermissions": "rwm"}]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"Devices": [{"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "r"}]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"Devices": [], "DeviceCgroupRules": ["c 10:200 rwm"]}}"#, expect: .warn),
        RuleExample(container: #"{"HostConfig": {"Devices": null}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    devices:\n      - /dev/fuse:/dev/fuse\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    devices: []\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let devices = spec.devices.map { "\($0.pathOnHost):\($0.pathInContainer):\($0.permissions)" }
        let rules = spec.deviceCgroupRules
        let evidence = ["Devices": listEvidence(devices), "DeviceCgroupRules": listEvidence(rules)]
        if !devices.isEmpty {
            let writable = spec.devices.contains { $0.permissions.contains(where: { $0 == "w" || $0 == "m" }) }
            let list = devices.joined(separator: ", ")
            return Verdict.fail("host devices exposed: \(list)", "暴露了宿主机设备：\(list)", severity: writable ? .high : .medium, evidence: evidence)
                .at(spec.devices.compactMap(\.origin))
        }
        if !rules.isEmpty {
            return .warn("device cgroup rules allow device access: review \(rules.joined(separator: ", "))",
                         "设备 cgroup 规则允许访问设备，请核对：\(rules.joined(separator: ", "))", evidence: evidence)
        }
        return .pass("no host devices", "未暴露宿主机设备", evidence: evidence)
    }
}

struct UlimitRule: RuntimeCheck {
    let composeID: RuleID = .composeUlimits
    let metadata = RuleMetadata(
        id: .containerUlimits, cis: "5.19", severity: .low, manual: true,
        title: .init(en: "The default ulimit is overwritten at runtime only if needed", zh: "仅在需要时于运行时覆盖默认 ulimit"),
        rationale: .init(
            en: "Ulimits bound open files and processes per container; a per-container override should be a deliberate choice, otherwise the daemon's defaults apply.",
            zh: "ulimit 限制容器的文件句柄数与进程数；针对单个容器的覆盖应是有意为之，否则沿用守护进程默认值。"),
        remediation: .init(
            en: "Keep --ulimit overrides only where the workload needs them; set sensible defaults with the daemon's --default-ulimit.",
            zh: "仅在业务确需时使用 --ulimit 覆盖；通过守护进程的 --default-ulimit 设置合理的默认值。"),
        references: [Reference.runReference, Reference.cisDocker])

    let examples = [
        RuleExample(container: #"{"HostConfig": {"Ulimits": null}}"#, expect: .info),
        RuleExample(container: #"{"HostConfig": {"Ulimits": [{"Name": "nofile", "Soft": 1024, "Hard": 2048}]}}"#, expect: .warn),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    ulimits:\n      nofile:\n        soft: 20000\n        hard: 40000\n", .warn, line: 4),
        .compose("services:\n  app:\n    image: a:1\n", .info),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let limits = spec.ulimits.map { "\($0.name ?? "?")=\($0.soft.map(String.init) ?? "?"):\($0.hard.map(String.init) ?? "?")" }
        if limits.isEmpty {
            return .info("uses the daemon's default ulimits", "沿用守护进程默认 ulimit", evidence: ["Ulimits": "none"])
        }
        return Verdict.warn("overrides ulimits: confirm they are needed (\(limits.joined(separator: ", ")))",
                            "覆盖了 ulimit，请确认确有需要（\(limits.joined(separator: ", "))）", evidence: ["Ulimits": listEvidence(limits)])
            .at(spec.origin(of: .ulimits))
    }
}

struct CgroupParentRule: RuntimeCheck {
    let composeID: RuleID = .composeCgroupParent
    let metadata = RuleMetadata(
        id: .containerCgroupParent, cis: "5.25", level: 2, severity: .low, manual: true,
        title: .init(en: "cgroup usage is confirmed", zh: "确认容器的 cgroup 使用"),
        rationale: .init(
            en: "A container placed under a custom cgroup parent escapes the limits Docker's own cgroup hierarchy would apply unless that parent is set up with care.",
            zh: "放在自定义 cgroup 父组下的容器不受 Docker 自身 cgroup 层级的约束，除非该父组经过精心配置。"),
        remediation: .init(
            en: "Leave --cgroup-parent unset unless a reviewed cgroup is meant; confirm the named parent's limits.",
            zh: "除非有经过评审的 cgroup，否则不要设置 --cgroup-parent；确认所指定父组的限制。"),
        references: [Reference.runReference, Reference.cisDocker])

    let examples = [
        RuleExample(container: #"{"HostConfig": {"CgroupParent": ""}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"CgroupParent": "/custom"}}"#, expect: .warn),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    cgroup_parent: /custom\n", .warn, line: 4),
        .compose("services:\n  app:\n    image: a:1\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let parent = spec.cgroupParent
        if parent.isEmpty { return .pass("default cgroup parent", "使用默认 cgroup 父组", evidence: ["CgroupParent": "(default)"]) }
        return Verdict.warn("custom cgroup parent \(parent): confirm its limits", "自定义 cgroup 父组 \(parent)：请确认其限制",
                            evidence: ["CgroupParent": parent]).at(spec.origin(of: .cgroupParent))
    }
}

extension RuleID {
    public static let containerMemoryLimit: RuleID = "container.memory-limit"
    public static let containerCpuPriority: RuleID = "container.cpu-priority"
    public static let containerRestartPolicy: RuleID = "container.restart-policy"
    public static let containerHostDevices: RuleID = "container.host-devices"
    public static let containerUlimits: RuleID = "container.ulimits"
    public static let containerCgroupParent: RuleID = "container.cgroup-parent"
    public static let containerPidsLimit: RuleID = "container.pids-limit"
    public static let composeMemoryLimit: RuleID = "compose.memory-limit"
    public static let composeCpuLimit: RuleID = "compose.cpu-limit"
    public static let composePidsLimit: RuleID = "compose.pids-limit"
    public static let composeRestartPolicy: RuleID = "compose.restart-policy"
    public static let composeDevices: RuleID = "compose.devices"
    public static let composeUlimits: RuleID = "compose.ulimits"
    public static let composeCgroupParent: RuleID = "compose.cgroup-parent"
}
