// §5 rules about what confines a container: privileged mode, capabilities, seccomp, LSMs, no-new-privileges.

/// For 5.2 / 5.3: nil when the engine applies `module`, else the verdict for every container: fail when the host has
/// the module but the engine does not use it, not applicable when the host does not have it.
private func unappliedSecurityModule(_ module: String, engineName: String, _ state: RuntimeEnvironment.SecurityModule,
                                     hostOnly: LocalizedText) -> Verdict? {
    guard case let .notApplied(hostEnabled) = state else { return nil }
    let host = hostEnabled.map { $0 ? "enabled" : "disabled" } ?? "unknown"
    let evidence = ["engine": "no \(engineName)", "host \(module)": host]
    if hostEnabled == true { return Verdict(.fail, hostOnly, evidence: evidence) }
    return .skipped("not applicable: \(module) is not enabled on this host", "不适用：该主机未启用 \(module)", evidence: evidence)
}

/// For 5.22 and 2.17: the verdict on a custom seccomp profile's contents, nil when it keeps Docker's protections.
func seccompProfileProblem(_ text: SeccompProfileText, evidence: [String: String]) -> Verdict? {
    let profile: SeccompProfile
    switch text {
    case let .unreadable(why):
        return .error("the seccomp profile could not be read: \(why)", "无法读取 seccomp 配置：\(why)", evidence: evidence)
    case let .json(json):
        do { profile = try SeccompProfile(json: json) } catch {
            return .error("the seccomp profile is not one docker can load: \(error)", "seccomp 配置无法被 docker 加载：\(error)", evidence: evidence)
        }
    }
    var evidence = evidence
    evidence["defaultAction"] = profile.defaultAction
    if profile.allowsByDefault {
        return .fail("the seccomp profile allows every syscall it does not name (defaultAction \(profile.defaultAction))",
                     "seccomp 配置默认放行所有未列出的系统调用（defaultAction \(profile.defaultAction)）", evidence: evidence)
    }
    guard !profile.loosened.isEmpty else { return nil }
    let names = profile.loosened.joined(separator: ", ")
    evidence["allowed unconditionally"] = names
    return .fail("the seccomp profile allows syscalls Docker's default profile blocks: \(names)",
                 "seccomp 配置放行了 Docker 默认配置拦截的系统调用：\(names)", evidence: evidence)
}

struct PrivilegedContainerRule: RuntimeCheck {
    let composeID: RuleID = .composePrivileged
    let metadata = RuleMetadata(
        id: .containerPrivileged, cis: "5.5", severity: .critical,
        title: .init(en: "Privileged containers are not used", zh: "不使用特权容器"),
        rationale: .init(
            en: "--privileged gives the container every capability, all host devices and no seccomp, AppArmor or SELinux confinement: root in it is root on the host.",
            zh: "--privileged 会赋予容器全部能力、所有宿主机设备，并关闭 seccomp、AppArmor、SELinux 限制：容器内的 root 即宿主机的 root。"),
        remediation: .init(
            en: "Recreate the container without --privileged (compose: remove `privileged: true`); add only the capabilities and devices it needs with --cap-add and --device.",
            zh: "去掉 --privileged 重新创建容器（compose 中删除 `privileged: true`），仅通过 --cap-add 和 --device 授予确需的能力与设备。"),
        references: [Reference.capabilities, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "remove --privileged", compose: "remove `privileged: true`"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"Privileged": true}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"Privileged": true}, "State": {"Status": "created", "Running": false}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"Privileged": false}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    privileged: true\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    privileged: \"true\"\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    privileged: false\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        if spec.privileged {
            return Verdict.fail("runs privileged", "以特权模式运行", evidence: ["Privileged": "true"]).at(spec.origin(of: .privileged))
        }
        return .pass("not privileged", "非特权容器", evidence: ["Privileged": "false"])
    }
}

struct CapabilitiesRule: RuntimeCheck {
    let composeID: RuleID = .composeCapabilities

    let metadata = RuleMetadata(
        id: .containerCapabilities, cis: "5.4", severity: .medium,
        title: .init(en: "Linux kernel capabilities are restricted within containers", zh: "限制容器内的 Linux 内核能力"),
        rationale: .init(
            en: "Each capability added beyond Docker's default set widens what root in the container may do to the kernel; some (SYS_ADMIN, SYS_MODULE, SYS_PTRACE, …) are enough to escape.",
            zh: "在 Docker 默认能力集之外每增加一项能力，容器内 root 对内核的操作范围就更大；其中 SYS_ADMIN、SYS_MODULE、SYS_PTRACE 等足以逃逸到宿主机。"),
        remediation: .init(
            en: "Remove --cap-add entries the workload does not need (compose: `cap_add`); prefer --cap-drop ALL and add back only what is required.",
            zh: "删除业务不需要的 --cap-add（compose 中的 `cap_add`）；建议 --cap-drop ALL 后只添加必需的能力。"),
        references: [Reference.capabilities, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "--cap-drop ALL, then --cap-add only what is needed; remove dangerous --cap-add", compose: "cap_drop: [ALL]; trim cap_add"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"CapAdd": ["SYS_ADMIN"]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"CapAdd": ["CAP_NET_ADMIN"]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"CapAdd": ["all"]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"CapAdd": ["SYS_TIME"]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"Privileged": true}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"CapAdd": ["NET_BIND_SERVICE"], "CapDrop": ["ALL"]}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"CapAdd": null, "CapDrop": null}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    cap_add: [SYS_ADMIN]\n    cap_drop: [ALL]\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    cap_add:\n      - NET_BIND_SERVICE\n      - NET_ADMIN\n", .fail, line: 6),
        .compose("services:\n  app:\n    image: a:1\n    privileged: true\n", .fail, line: 4),
        // In Docker's default set: adding it changes nothing, as on a container.
        .compose("services:\n  app:\n    image: a:1\n    cap_add:\n      - NET_BIND_SERVICE\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    cap_add: [NET_BIND_SERVICE]\n    cap_drop: [ALL]\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let dropped = listEvidence(spec.capDrop.map(Capabilities.normalize))
        if spec.privileged {
            return Verdict.fail("privileged: has every capability", "特权容器：拥有全部能力", severity: .critical,
                                evidence: ["Privileged": "true", "CapDrop": dropped]).at(spec.origin(of: .privileged))
        }
        let added = spec.capAdd.map(Capabilities.normalize)
        let extra = added.filter { !Capabilities.engineDefaults.contains($0) }
        let evidence = ["CapAdd": listEvidence(added), "CapDrop": dropped]
        guard !extra.isEmpty else {
            return .pass("no capabilities beyond Docker's default set", "未在默认能力集之外添加能力", evidence: evidence)
        }
        let dangerous = extra.filter(Capabilities.dangerous.contains)
        let names = extra.joined(separator: ", ")
        let places = extra.compactMap { spec.capAddOrigins[$0] }
        if extra.contains("ALL") {
            return Verdict.fail("adds ALL capabilities", "添加了全部能力（ALL）", severity: .critical, evidence: evidence).at(places)
        }
        return Verdict.fail("adds capabilities beyond the default set: \(names)", "在默认能力集之外添加了能力：\(names)",
                            severity: dangerous.isEmpty ? nil : .high, evidence: evidence).at(places)
    }
}

struct SeccompRule: RuntimeCheck {
    let composeID: RuleID = .composeSeccomp
    let metadata = RuleMetadata(
        id: .containerSeccomp, cis: "5.22", severity: .high,
        title: .init(en: "The default seccomp profile is not disabled", zh: "未禁用默认 seccomp 配置"),
        rationale: .init(
            en: "Docker's default seccomp profile blocks about 44 system calls that containers rarely need and many kernel exploits use. Without it the whole syscall surface is exposed.",
            zh: "Docker 默认 seccomp 配置拦截约 44 个容器很少使用、却常被内核漏洞利用的系统调用；关闭后整个系统调用面都暴露给容器。"),
        remediation: .init(
            en: "Recreate the container without `--security-opt seccomp=unconfined` and without --privileged; if a syscall is really needed, use a custom profile that allows only it.",
            zh: "去掉 `--security-opt seccomp=unconfined` 和 --privileged 重新创建容器；确需某个系统调用时，使用只放行该调用的自定义配置。"),
        references: [Reference.seccomp, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "remove --security-opt seccomp=unconfined", compose: "remove `seccomp:unconfined` from security_opt"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["seccomp=unconfined"]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["seccomp:unconfined"]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"Privileged": true}}"#, expect: .fail),
        RuleExample(container: #"{"AppArmorProfile": "docker-default"}"#,
                    snapshot: #"{"info": {"SecurityOptions": ["name=seccomp,profile=unconfined"]}}"#, expect: .fail),
        RuleExample(snapshot: #"{"info": {"SecurityOptions": []}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["seccomp={\"defaultAction\":\"SCMP_ACT_ERRNO\"}"]}}"#, expect: .pass),
        // The enterprise baseline's own example: everything allowed but chmod.
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"name\":\"chmod\",\"action\":\"SCMP_ACT_ERRNO\"}]}"]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["seccomp={\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\",\"mount\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["seccomp={\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}}]}"]}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["seccomp={not json"]}}"#, expect: .error),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": null}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - seccomp:unconfined\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    security_opt: [\"seccomp=unconfined\"]\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - seccomp:./profile.json\n", .pass,
                 siblings: ["profile.json": #"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}"#]),
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - seccomp=allow-all.json\n", .fail, line: 5,
                 siblings: ["allow-all.json": #"{"defaultAction": "SCMP_ACT_ALLOW"}"#]),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        var evidence = ["SecurityOpt": listEvidence(spec.securityOptionSummary), "engine": environment.seccomp ?? "no seccomp"]
        if spec.privileged {
            evidence["Privileged"] = "true"
            return Verdict.fail("privileged: seccomp is not applied", "特权容器：不应用 seccomp", evidence: evidence).at(spec.origin(of: .privileged))
        }
        if let (profile, option) = spec.securityOption("seccomp") {
            if profile == "unconfined" {
                return Verdict.fail("seccomp disabled (seccomp=unconfined)", "已禁用 seccomp（seccomp=unconfined）", evidence: evidence)
                    .at(option.origin.map { [$0] } ?? [])
            }
            if let text = spec.seccompProfile, let problem = seccompProfileProblem(text, evidence: evidence) {
                return problem.at(option.origin.map { [$0] } ?? [])
            }
            return .pass("custom seccomp profile that keeps Docker's blocks", "自定义 seccomp 配置，保留了 Docker 默认拦截的调用", evidence: evidence)
        }
        guard let engineSeccomp = environment.seccomp else {
            return .fail("the engine applies no seccomp profile (kernel or build without seccomp)", "引擎未启用 seccomp（内核或构建不支持）",
                         evidence: evidence)
        }
        if engineSeccomp.contains("profile=unconfined") {
            return .fail("the daemon's default seccomp profile is unconfined", "守护进程默认 seccomp 配置为 unconfined", evidence: evidence)
        }
        return .pass("the engine's default seccomp profile applies", "应用引擎默认 seccomp 配置", evidence: evidence)
    }
}

struct AppArmorRule: RuntimeCheck {
    let composeID: RuleID = .composeApparmor
    let metadata = RuleMetadata(
        id: .containerApparmor, cis: "5.2", severity: .medium,
        title: .init(en: "An AppArmor profile is applied, where AppArmor is available", zh: "在支持 AppArmor 的主机上为容器启用 AppArmor 配置"),
        rationale: .init(
            en: "On hosts with AppArmor, the docker-default profile (or a custom one) limits which files and kernel interfaces a container can reach even as root.",
            zh: "在启用 AppArmor 的主机上，docker-default（或自定义）配置即使对容器内 root 也能限制其可访问的文件与内核接口。"),
        remediation: .init(
            en: "Do not run with `--security-opt apparmor=unconfined` or --privileged; use docker-default or a custom profile (`--security-opt apparmor=PROFILE`).",
            zh: "不要使用 `--security-opt apparmor=unconfined` 或 --privileged；使用 docker-default 或自定义配置（`--security-opt apparmor=配置名`）。"),
        references: [Reference.apparmor, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "remove --security-opt apparmor=unconfined", compose: "remove `apparmor:unconfined` from security_opt"))

    let examples = [
        RuleExample(snapshot: #"{"host": {"appArmorEnabled": false}}"#, expect: .skipped),
        RuleExample(snapshot: #"{"host": null}"#, expect: .skipped),
        RuleExample(container: #"{"AppArmorProfile": "docker-default"}"#,
                    snapshot: #"{"info": {"SecurityOptions": ["name=apparmor"]}, "host": {"appArmorEnabled": true}}"#, expect: .pass),
        RuleExample(container: #"{"AppArmorProfile": "unconfined", "HostConfig": {"SecurityOpt": ["apparmor=unconfined"]}}"#,
                    snapshot: #"{"info": {"SecurityOptions": ["name=apparmor"]}}"#, expect: .fail),
        RuleExample(container: #"{"AppArmorProfile": "", "HostConfig": {"Privileged": true}}"#,
                    snapshot: #"{"info": {"SecurityOptions": ["name=apparmor"]}}"#, expect: .fail),
        RuleExample(container: #"{"AppArmorProfile": "", "State": {"Status": "running", "Running": true}}"#,
                    snapshot: #"{"info": {"SecurityOptions": ["name=apparmor"]}}"#, expect: .fail),
        RuleExample(container: #"{"AppArmorProfile": "", "State": {"Status": "created", "Running": false}}"#,
                    snapshot: #"{"info": {"SecurityOptions": ["name=apparmor"]}}"#, expect: .pass),
        RuleExample(snapshot: #"{"host": {"appArmorEnabled": true}}"#, expect: .fail),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - apparmor:unconfined\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - apparmor=docker-default\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        if let verdict = unappliedSecurityModule(
            "AppArmor", engineName: "apparmor", environment.appArmor,
            hostOnly: .init(en: "the host has AppArmor but the engine does not apply it", zh: "宿主机已启用 AppArmor，但引擎未应用")) {
            return verdict
        }
        let profile = spec.observed?.appArmorProfile ?? ""
        let requested = spec.securityOption("apparmor")
        let evidence = ["AppArmorProfile": profile.isEmpty ? "(none)" : profile, "SecurityOpt apparmor": requested?.value ?? "(default)"]
        if spec.privileged {
            return Verdict.fail("privileged: runs without AppArmor", "特权容器：不受 AppArmor 约束", evidence: evidence.merging(["Privileged": "true"]) { a, _ in a })
                .at(spec.origin(of: .privileged))
        }
        if profile == "unconfined" || requested?.value == "unconfined" {
            return Verdict.fail("AppArmor disabled (unconfined)", "已禁用 AppArmor（unconfined）", evidence: evidence)
                .at(requested?.option.origin.map { [$0] } ?? [])
        }
        if profile.isEmpty {
            if spec.observed?.running == true {
                return .fail("running without an AppArmor profile", "运行中但未应用 AppArmor 配置", evidence: evidence)
            }
            let applied = requested?.value ?? "docker-default"
            return .pass("not started yet: the engine applies \(applied) at start", "尚未启动：启动时引擎将应用 \(applied)", evidence: evidence)
        }
        return .pass("AppArmor profile \(profile)", "AppArmor 配置 \(profile)", evidence: evidence)
    }
}

struct SELinuxRule: RuntimeCheck {
    let composeID: RuleID = .composeSelinux
    let metadata = RuleMetadata(
        id: .containerSelinux, cis: "5.3", level: 2, severity: .medium,
        title: .init(en: "SELinux security options are set, where SELinux is available", zh: "在支持 SELinux 的主机上为容器设置 SELinux 安全选项"),
        rationale: .init(
            en: "With SELinux enabled in the daemon, every container gets its own label, which stops it reading or writing other containers' and the host's files.",
            zh: "守护进程启用 SELinux 后，每个容器获得独立标签，可阻止其读写其他容器和宿主机的文件。"),
        remediation: .init(
            en: "Run dockerd with --selinux-enabled on SELinux hosts; do not use `--security-opt label=disable` or --privileged; set `--security-opt label=type:…` where a custom type is needed.",
            zh: "在 SELinux 主机上以 --selinux-enabled 运行 dockerd；不要使用 `--security-opt label=disable` 或 --privileged；需要自定义类型时使用 `--security-opt label=type:…`。"),
        references: [Reference.securityOverview, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "remove --security-opt label=disable", compose: "remove `label:disable` from security_opt"))

    let examples = [
        RuleExample(expect: .skipped),
        RuleExample(container: #"{"ProcessLabel": "system_u:system_r:container_t:s0:c1,c2"}"#,
                    snapshot: #"{"info": {"SecurityOptions": ["name=selinux"]}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["label=disable"]}}"#,
                    snapshot: #"{"info": {"SecurityOptions": ["name=selinux"]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["label:disable"]}}"#,
                    snapshot: #"{"info": {"SecurityOptions": ["name=selinux"]}}"#, expect: .fail),
        RuleExample(snapshot: #"{"host": {"seLinuxEnabled": true}}"#, expect: .fail),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - label:disable\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    security_opt: [\"label=disable\"]\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - label=type:svirt_apache_t\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        if let verdict = unappliedSecurityModule(
            "SELinux", engineName: "selinux", environment.seLinux,
            hostOnly: .init(en: "the host has SELinux but the daemon runs without --selinux-enabled",
                            zh: "宿主机已启用 SELinux，但守护进程未使用 --selinux-enabled")) {
            return verdict
        }
        let labels = spec.labelOptions
        let processLabel = spec.observed?.processLabel ?? ""
        let evidence = ["SecurityOpt label": listEvidence(labels.map(\.value)), "ProcessLabel": processLabel.isEmpty ? "(none)" : processLabel]
        if spec.privileged {
            return Verdict.fail("privileged: SELinux labels are not applied", "特权容器：不应用 SELinux 标签", evidence: evidence).at(spec.origin(of: .privileged))
        }
        if let disabled = labels.first(where: { $0.value == "disable" }) {
            return Verdict.fail("SELinux labelling disabled (label=disable)", "已禁用 SELinux 标签（label=disable）", evidence: evidence)
                .at(disabled.option.origin.map { [$0] } ?? [])
        }
        return .pass("SELinux labels apply", "应用 SELinux 标签", evidence: evidence)
    }
}

struct NoNewPrivilegesRule: RuntimeCheck {
    let composeID: RuleID = .composeNoNewPrivileges
    let metadata = RuleMetadata(
        id: .containerNoNewPrivileges, cis: "5.26", severity: .high,
        title: .init(en: "The container is restricted from acquiring additional privileges", zh: "限制容器获取额外权限（no-new-privileges）"),
        rationale: .init(
            en: "no-new-privileges stops setuid/setgid binaries and file capabilities from raising a process's privileges inside the container.",
            zh: "no-new-privileges 阻止容器内进程通过 setuid/setgid 程序或文件能力提升权限。"),
        remediation: .init(
            en: "Run with `--security-opt no-new-privileges` (compose: `security_opt: [no-new-privileges:true]`), or set `\"no-new-privileges\": true` in daemon.json for every container.",
            zh: "使用 `--security-opt no-new-privileges` 运行（compose：`security_opt: [no-new-privileges:true]`），或在 daemon.json 中设置 `\"no-new-privileges\": true` 作为全局默认。"),
        references: [Reference.runReference, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "--security-opt no-new-privileges", compose: "security_opt: [\"no-new-privileges:true\"]"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["no-new-privileges"]}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["no-new-privileges=true"]}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["no-new-privileges:true"]}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": null}}"#, snapshot: #"{"host": {"daemon": {"settings": []}}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": ["no-new-privileges:false"]}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": null}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"SecurityOpt": null}}"#, snapshot: #"{"host": null}"#, expect: .warn),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    security_opt: [\"no-new-privileges:false\"]\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - no-new-privileges:true\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    security_opt: [no-new-privileges]\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        var evidence = ["SecurityOpt": listEvidence(spec.securityOptionSummary)]
        if let (value, option) = spec.securityOption("no-new-privileges") {
            let place = option.origin.map { [$0] } ?? []
            switch parseGoBool(value) {
            case true?: return .pass("no-new-privileges is set", "已设置 no-new-privileges", evidence: evidence)
            case false?: return Verdict.fail("no-new-privileges is explicitly turned off", "显式关闭了 no-new-privileges", evidence: evidence).at(place)
            case nil:
                return Verdict.error("no-new-privileges has an unreadable value \"\(value)\"", "no-new-privileges 的值 \"\(value)\" 无法识别", evidence: evidence)
                    .at(place)
            }
        }
        guard let daemonDefault = environment.noNewPrivileges else {
            return .warn("not set on the container, and the daemon's default could not be read here: check daemon.json",
                         "容器未设置，且无法读取守护进程的全局默认值：请检查 daemon.json", evidence: evidence)
        }
        evidence["daemon default"] = daemonDefault.description
        if daemonDefault.enabled {
            return .pass("the daemon's default applies", "应用守护进程的全局默认设置", evidence: evidence)
        }
        return .fail("no-new-privileges is not set", "未设置 no-new-privileges", evidence: evidence)
    }
}

extension RuleID {
    public static let containerApparmor: RuleID = "container.apparmor"
    public static let containerSelinux: RuleID = "container.selinux"
    public static let containerCapabilities: RuleID = "container.capabilities"
    public static let containerPrivileged: RuleID = "container.privileged"
    public static let containerSeccomp: RuleID = "container.seccomp"
    public static let containerNoNewPrivileges: RuleID = "container.no-new-privileges"
    public static let composePrivileged: RuleID = "compose.privileged"
    public static let composeCapabilities: RuleID = "compose.capabilities"
    public static let composeSeccomp: RuleID = "compose.seccomp"
    public static let composeApparmor: RuleID = "compose.apparmor"
    public static let composeNoNewPrivileges: RuleID = "compose.no-new-privileges"
    public static let composeSelinux: RuleID = "compose.selinux"
}
