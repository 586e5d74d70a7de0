import Foundation

// A Podman engine judged by its own configuration (containers.conf, storage.conf, registries.conf, policy.json) and
// files. Each rule keeps the CIS Docker number of the item it stands in for, where there is one; the Docker rule for
// that item is skipped on Podman with a reason naming this one (`EngineScope`).

/// A rule judged from a Podman engine's configuration, once for the engine.
protocol PodmanRule: HostRule {
    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict
}

extension PodmanRule {
    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        guard let podman = host.podman else {
            return [Finding(target: .podman(host), verdict: .skipped("not checked: Podman's configuration was not read (a snapshot without it)",
                                                                     "未检查：未读取 Podman 的配置（快照中没有）"))]
        }
        return [Finding(target: .podman(host), verdict: judge(podman, host: host, in: context))]
    }
}

extension Target {
    /// The audited Podman engine: its process when known.
    static func podman(_ host: HostFacts) -> Target {
        Target(kind: .daemon, id: "podman", name: host.engineProcess.map { "podman (pid \($0.pid))" } ?? "podman")
    }
}

private func podmanMetadata(_ id: RuleID, _ cis: String?, section: String, level: Int = 1, _ severity: Severity, manual: Bool = false,
                            _ title: LocalizedText, _ rationale: LocalizedText, _ remediation: LocalizedText, _ references: [String]) -> RuleMetadata {
    var metadata = RuleMetadata(id: id, cis: cis, level: level, severity: severity, manual: manual, title: title, rationale: rationale,
                                remediation: remediation, references: references + [Reference.cisDocker])
    if cis == nil { metadata.section = section }
    return metadata
}

/// A rule example: a Podman engine (rootful unless said) whose facts are `podman` (a JSON object merged over a default
/// configuration with nothing set and a signature-requiring policy).
func podmanExample(_ podman: String = "{}", host: String = "{}", expect: Status, line: Int = #line) -> RuleExample {
    let base = #"{"rootless": false, "containersConf": [], "storageConf": [], "registriesConf": [], "registries": [], "policyFile": "/etc/containers/policy.json", "policy": {"defaultTypes": ["reject"], "dockerScopes": {"registry.example.com": ["sigstoreSigned"]}}, "sources": ["/usr/share/containers/containers.conf"], "problems": []}"#
    let merged = mergePatch(try! JSONSerialization.jsonObject(with: Data(base.utf8)), try! JSONSerialization.jsonObject(with: Data(podman.utf8)))
    let hostPatch = mergePatch(try! JSONSerialization.jsonObject(with: Data(host.utf8)), ["podman": merged])
    let snapshot: [String: Any] = [
        "engine": ["Version": "5.4.2", "Components": [["Name": "Podman Engine", "Version": "5.4.2"]]],
        "host": hostPatch,
    ]
    let text = String(decoding: try! JSONSerialization.data(withJSONObject: snapshot, options: [.sortedKeys]), as: UTF8.self)
    return RuleExample(snapshot: text, expect: expect, line: line)
}

private func setting(_ key: String, _ value: String) -> String {
    #"{"key": "\#(key)", "values": [\#(value)], "source": "/etc/containers/containers.conf:3"}"#
}

// MARK: Configuration

struct PodmanConfigurationRule: PodmanRule {
    let metadata = podmanMetadata(
        .podmanConfiguration, nil, section: "2", .medium,
        .init(en: "Podman's configuration files are readable and valid", zh: "Podman 的配置文件可读且有效"),
        .init(en: "A malformed containers.conf, storage.conf or registries.conf, or a missing policy.json, makes Podman refuse to run or pull, or run with settings nobody reviewed.",
              zh: "格式错误的 containers.conf、storage.conf、registries.conf 或缺失的 policy.json 会让 Podman 拒绝运行或拉取镜像，或以未经审查的设置运行。"),
        .init(en: "Fix the file and line named; `podman info` shows the configuration Podman reads.", zh: "修正所列文件与行；`podman info` 显示 Podman 读取的配置。"),
        ["https://github.com/containers/common/blob/main/docs/containers.conf.5.md"])
    var examples: [RuleExample] {
        [podmanExample(expect: .pass),
         podmanExample(#"{"problems": ["/etc/containers/containers.conf:4: expected = after the key pids_limit"]}"#, expect: .fail)]
    }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        let evidence = ["files": listEvidence(podman.sources)]
        guard podman.problems.isEmpty else {
            return .fail(podman.problems.joined(separator: "; "), podman.problems.joined(separator: "；"), evidence: evidence)
        }
        return .pass("every configuration file was read", "所有配置文件均已读取", evidence: evidence)
    }
}

struct PodmanRootlessRule: PodmanRule {
    let metadata = podmanMetadata(
        .podmanRootless, "2.1", section: "2", level: 2, .medium, manual: true,
        .init(en: "Podman runs rootless, if possible", zh: "尽可能以 rootless 模式运行 Podman"),
        .init(en: "Rootless Podman and its containers run as an ordinary user inside a user namespace: an escape does not give root on the host.",
              zh: "rootless Podman 及其容器在用户命名空间中以普通用户运行，逃逸不会获得宿主机 root。"),
        .init(en: "Run the workload's Podman as an ordinary user (`systemctl --user enable --now podman.socket`), or at least set `userns = \"auto\"` in containers.conf.",
              zh: "以普通用户运行 Podman（`systemctl --user enable --now podman.socket`），至少在 containers.conf 中设置 `userns = \"auto\"`。"),
        ["https://github.com/containers/podman/blob/main/docs/tutorials/rootless_tutorial.md"])
    var examples: [RuleExample] { [podmanExample(#"{"rootless": true}"#, expect: .pass), podmanExample(expect: .warn)] }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        let user = host.engineProcess?.uid.map { "uid \($0)" } ?? "unknown"
        if podman.rootless || context.snapshot.identity.kind == .podmanRootless {
            return .pass("Podman runs rootless", "Podman 以 rootless 模式运行", evidence: ["user": user])
        }
        return .warn("Podman runs as root: consider rootless Podman where the workload allows", "Podman 以 root 运行：在业务允许时考虑 rootless 模式",
                     evidence: ["user": user])
    }
}

struct PodmanInsecureRegistriesRule: PodmanRule {
    let metadata = podmanMetadata(
        .podmanInsecureRegistries, "2.5", section: "2", .high,
        .init(en: "Podman does not use insecure registries", zh: "Podman 不使用不安全的镜像仓库"),
        .init(en: "`insecure = true` in registries.conf pulls over plain HTTP or without verifying TLS: anyone on the path can serve any image.",
              zh: "registries.conf 中的 `insecure = true` 会通过明文 HTTP 或不校验 TLS 拉取镜像，链路上的任何人都能替换镜像。"),
        .init(en: "Remove `insecure = true` from the [[registry]] tables named and give those registries certificates (/etc/containers/certs.d).",
              zh: "删除所列 [[registry]] 表中的 `insecure = true`，并为这些仓库配置证书（/etc/containers/certs.d）。"),
        ["https://github.com/containers/image/blob/main/docs/containers-registries.conf.5.md"])
    var examples: [RuleExample] {
        [podmanExample(#"{"registries": [{"prefix": "registry.example.com", "insecure": false, "blocked": false, "source": "/etc/containers/registries.conf:10"}]}"#, expect: .pass),
         podmanExample(#"{"registries": [{"prefix": "10.0.0.5:5000", "insecure": true, "blocked": false, "source": "/etc/containers/registries.conf:10"}]}"#, expect: .fail)]
    }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        let insecure = podman.registries.filter(\.insecure)
        guard insecure.isEmpty else {
            let list = insecure.map { "\($0.prefix) (\($0.source))" }.joined(separator: ", ")
            return .fail("insecure registries: \(list)", "不安全的镜像仓库：\(list)", evidence: ["insecure": list])
        }
        return .pass("no registry is marked insecure", "没有仓库被标记为不安全", evidence: ["registries": listEvidence(podman.registries.map(\.prefix))])
    }
}

struct PodmanShortNamesRule: PodmanRule {
    let metadata = podmanMetadata(
        .podmanShortNames, nil, section: "4", .medium,
        .init(en: "Short image names resolve to one registry (short-name mode enforcing)", zh: "短镜像名只解析到一个仓库（short-name-mode 为 enforcing）"),
        .init(en: "With several unqualified-search registries and short-name-mode permissive or disabled, `podman pull nginx` takes whichever registry answers first: a squatted name on another registry is pulled instead of the intended image.",
              zh: "存在多个 unqualified-search 仓库且 short-name-mode 为 permissive 或 disabled 时，`podman pull nginx` 会取最先应答的仓库：其他仓库上的抢注同名镜像会被拉取。"),
        .init(en: "Set `short-name-mode = \"enforcing\"` in registries.conf, list one unqualified-search registry, or use fully qualified names (docker.io/library/nginx).",
              zh: "在 registries.conf 中设置 `short-name-mode = \"enforcing\"`，只列一个 unqualified-search 仓库，或使用完整镜像名（docker.io/library/nginx）。"),
        ["https://www.redhat.com/sysadmin/container-image-short-names"])
    var examples: [RuleExample] {
        let two = #"{"key": "unqualified-search-registries", "values": ["docker.io", "quay.io"], "source": "/etc/containers/registries.conf:5"}"#
        return [
            podmanExample(#"{"registriesConf": [\#(two), {"key": "short-name-mode", "values": ["enforcing"], "source": "/etc/containers/registries.conf:6"}]}"#, expect: .pass),
            podmanExample(#"{"registriesConf": [{"key": "unqualified-search-registries", "values": ["docker.io"], "source": "x:1"}, {"key": "short-name-mode", "values": ["permissive"], "source": "x:2"}]}"#, expect: .pass),
            podmanExample(#"{"registriesConf": [\#(two), {"key": "short-name-mode", "values": ["permissive"], "source": "/etc/containers/registries.conf:6"}]}"#, expect: .fail),
            podmanExample(#"{"registriesConf": [\#(two), {"key": "short-name-mode", "values": ["disabled"], "source": "/etc/containers/registries.conf:6"}]}"#, expect: .fail),
            // Unset: containers/image's default, permissive.
            podmanExample(#"{"registriesConf": [\#(two)]}"#, expect: .fail),
        ]
    }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        let search = podman.registriesSetting("unqualified-search-registries")
        let mode = podman.registriesSetting("short-name-mode")
        // containers/image's default is permissive (defaultShortNameMode).
        let modeValue = mode?.values.last ?? "permissive"
        let registries = search?.values ?? []
        var evidence = ["short-name-mode": mode?.description ?? "permissive (default)",
                        "unqualified-search-registries": search?.description ?? "none"]
        if registries.count <= 1 {
            evidence["why"] = "at most one registry to look a short name up in"
            return .pass(registries.isEmpty ? "short names are not looked up in any registry" : "short names resolve to \(registries[0]) only",
                         registries.isEmpty ? "短镜像名不会在任何仓库中查找" : "短镜像名只解析到 \(registries[0])", evidence: evidence)
        }
        if modeValue == "enforcing" {
            return .pass("short names that could come from several registries are refused (or asked about on a terminal)",
                         "可能来自多个仓库的短镜像名会被拒绝（终端上会询问）", evidence: evidence)
        }
        return .fail("short-name-mode \(modeValue) with \(registries.count) search registries (\(registries.joined(separator: ", "))): a short name is pulled from whichever answers first",
                     "short-name-mode 为 \(modeValue)，且有 \(registries.count) 个搜索仓库（\(registries.joined(separator: ", "))）：短镜像名会从最先应答的仓库拉取",
                     evidence: evidence)
    }
}

struct PodmanImageTrustRule: PodmanRule {
    let metadata = podmanMetadata(
        .podmanImageTrust, "4.5", section: "4", level: 2, .high,
        .init(en: "Podman verifies image signatures (policy.json)", zh: "Podman 校验镜像签名（policy.json）"),
        .init(en: "policy.json decides which images Podman accepts. A default of insecureAcceptAnything runs whatever a registry or a man in the middle serves; signedBy or sigstoreSigned requirements per registry, with reject as the default, accept only signed images.",
              zh: "policy.json 决定 Podman 接受哪些镜像。默认 insecureAcceptAnything 会运行仓库或中间人提供的任何镜像；默认 reject 并为各仓库要求 signedBy 或 sigstoreSigned，才只接受已签名的镜像。"),
        .init(en: "Set `\"default\": [{\"type\": \"reject\"}]` and, under transports.docker, a signedBy (GPG) or sigstoreSigned requirement for each registry you pull from (`podman image trust set`).",
              zh: "设置 `\"default\": [{\"type\": \"reject\"}]`，并在 transports.docker 下为每个拉取镜像的仓库设置 signedBy（GPG）或 sigstoreSigned 要求（`podman image trust set`）。"),
        ["https://github.com/containers/image/blob/main/docs/containers-policy.json.5.md"])
    var examples: [RuleExample] {
        [podmanExample(expect: .pass),
         podmanExample(#"{"policy": {"defaultTypes": ["insecureAcceptAnything"], "dockerScopes": {}}}"#, expect: .fail),
         podmanExample(#"{"policy": {"defaultTypes": ["insecureAcceptAnything"], "dockerScopes": {"registry.example.com": ["signedBy"]}}}"#, expect: .fail),
         podmanExample(#"{"policy": {"defaultTypes": ["reject"], "dockerScopes": {"docker.io": ["insecureAcceptAnything"]}}}"#, expect: .fail),
         podmanExample(#"{"policy": {"defaultTypes": ["signedBy"], "dockerScopes": {"docker.io": ["insecureAcceptAnything"]}}}"#, expect: .fail),
         podmanExample(#"{"policy": null, "problems": ["/etc/containers/policy.json does not exist"]}"#, expect: .error)]
    }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        guard let policy = podman.policy else {
            let why = podman.problems.first { $0.contains(podman.policyFile) } ?? "\(podman.policyFile) could not be read"
            return .error("the signature policy could not be read: \(why)", "无法读取签名策略：\(why)", evidence: ["file": podman.policyFile])
        }
        let signed = policy.dockerScopes.filter { !SignaturePolicy.signatureTypes.isDisjoint(with: $0.value) }.keys.sorted()
        let open = policy.dockerScopes.filter { $0.value.contains("insecureAcceptAnything") }.keys.sorted()
        let evidence = ["file": podman.policyFile, "default": policy.defaultTypes.joined(separator: ","),
                        "signatures required for": listEvidence(signed), "accepted unsigned": listEvidence(open)]
        if policy.defaultTypes.contains("insecureAcceptAnything") {
            return .fail("policy.json's default is insecureAcceptAnything: images from any registry are accepted unsigned",
                         "policy.json 的默认要求是 insecureAcceptAnything：任何仓库的镜像都会在未签名时被接受", evidence: evidence)
        }
        guard open.isEmpty else {
            return .fail("images from \(open.joined(separator: ", ")) are accepted unsigned (insecureAcceptAnything)",
                         "来自 \(open.joined(separator: ", ")) 的镜像在未签名时也会被接受（insecureAcceptAnything）", evidence: evidence)
        }
        if !SignaturePolicy.signatureTypes.isDisjoint(with: policy.defaultTypes) {
            return .pass("every image must be signed (default \(policy.defaultTypes.joined(separator: ",")))",
                         "所有镜像都必须签名（默认 \(policy.defaultTypes.joined(separator: ","))）", evidence: evidence)
        }
        guard !signed.isEmpty else {
            return .warn("images are rejected by default, but no registry has a signature requirement: only what other transports allow can be used",
                         "默认拒绝镜像，但没有仓库设置签名要求：只能使用其他传输方式允许的镜像", evidence: evidence)
        }
        return .pass("unsigned images are rejected; signatures are required for \(signed.joined(separator: ", "))",
                     "拒绝未签名镜像；以下仓库要求签名：\(signed.joined(separator: ", "))", evidence: evidence)
    }
}

// MARK: What every container gets (containers.conf [containers] and [engine])

struct PodmanCapabilitiesRule: PodmanRule {
    /// containers-common 0.50's `default_capabilities`.
    static let podmanDefaults = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]
    let metadata = podmanMetadata(
        .podmanDefaultCapabilities, nil, section: "5", .high,
        .init(en: "Podman's default capabilities add nothing dangerous", zh: "Podman 的默认 capabilities 不含危险项"),
        .init(en: "containers.conf's default_capabilities are given to every container; SYS_ADMIN, NET_ADMIN, SYS_PTRACE and the like there open the host kernel to all of them.",
              zh: "containers.conf 的 default_capabilities 会赋予每个容器；其中的 SYS_ADMIN、NET_ADMIN、SYS_PTRACE 等会让所有容器都能触及宿主机内核。"),
        .init(en: "Remove the capabilities named from default_capabilities; grant them per container (`--cap-add`) only where needed.",
              zh: "从 default_capabilities 中删除所列项，仅在必要的容器上用 `--cap-add` 单独授予。"),
        ["https://github.com/containers/common/blob/main/docs/containers.conf.5.md"])
    var examples: [RuleExample] {
        [podmanExample(expect: .pass),
         podmanExample(#"{"containersConf": [\#(setting("containers.default_capabilities", #""CHOWN", "SYS_ADMIN""#))]}"#, expect: .fail)]
    }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        let configured = podman.containers("containers.default_capabilities")
        let capabilities = (configured?.values ?? Self.podmanDefaults).map(Capabilities.normalize)
        let evidence = ["default_capabilities": configured?.description ?? "\(Self.podmanDefaults.joined(separator: ",")) (Podman's default)"]
        let dangerous = capabilities.filter { Capabilities.dangerous.contains($0) }
        guard dangerous.isEmpty else {
            return .fail("every container gets \(dangerous.joined(separator: ", "))", "每个容器都会获得 \(dangerous.joined(separator: ", "))", evidence: evidence)
        }
        return .pass("no dangerous capability is given by default", "默认不授予危险的 capability", evidence: evidence)
    }
}

struct PodmanSeccompRule: PodmanRule {
    let metadata = podmanMetadata(
        .podmanSeccomp, "2.17", section: "2", level: 2, .medium,
        .init(en: "Podman applies a seccomp profile to containers", zh: "Podman 为容器应用 seccomp 配置"),
        .init(en: "The seccomp profile blocks system calls containers do not need; `seccomp_profile = \"unconfined\"` turns it off for every container.",
              zh: "seccomp 配置拦截容器不需要的系统调用；`seccomp_profile = \"unconfined\"` 会对所有容器关闭它。"),
        .init(en: "Leave seccomp_profile unset (Podman's /usr/share/containers/seccomp.json) or point it at a reviewed profile.",
              zh: "不设置 seccomp_profile（使用 Podman 的 /usr/share/containers/seccomp.json），或指向经过审查的配置。"),
        ["https://github.com/containers/common/blob/main/docs/containers.conf.5.md"])
    var examples: [RuleExample] {
        [podmanExample(expect: .pass),
         podmanExample(#"{"containersConf": [\#(setting("containers.seccomp_profile", #""unconfined""#))]}"#, expect: .fail)]
    }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        let configured = podman.containers("containers.seccomp_profile")
        var evidence = ["seccomp_profile": configured?.description ?? "unset: /usr/share/containers/seccomp.json"]
        if let options = context.snapshot.info.securityOptions { evidence["SecurityOptions"] = listEvidence(options) }
        if configured?.values.last == "unconfined" {
            return .fail("seccomp is off for every container (seccomp_profile = unconfined)", "所有容器的 seccomp 均被关闭（seccomp_profile = unconfined）", evidence: evidence)
        }
        if context.snapshot.info.securityOptions != nil, !context.snapshot.info.securityOptionNames.contains("seccomp") {
            return .fail("the engine reports no seccomp support", "引擎未报告 seccomp 支持", evidence: evidence)
        }
        return .pass("containers get \(configured?.values.last.map { "the profile \($0)" } ?? "Podman's default seccomp profile")",
                     "容器使用\(configured?.values.last.map { "配置 \($0)" } ?? " Podman 默认 seccomp 配置")", evidence: evidence)
    }
}

struct PodmanPidsLimitRule: PodmanRule {
    let metadata = podmanMetadata(
        .podmanPidsLimit, nil, section: "5", .medium,
        .init(en: "Podman limits the processes of each container", zh: "Podman 限制每个容器的进程数"),
        .init(en: "Without a PIDs limit one container can fork until the host runs out of processes.", zh: "没有 PIDs 限制时，单个容器可以不断 fork 直到耗尽宿主机进程数。"),
        .init(en: "Keep containers.conf's pids_limit positive (Podman's default is 2048).", zh: "保持 containers.conf 的 pids_limit 为正数（Podman 默认 2048）。"),
        ["https://github.com/containers/common/blob/main/docs/containers.conf.5.md"])
    var examples: [RuleExample] {
        [podmanExample(expect: .pass),
         podmanExample(#"{"containersConf": [\#(setting("containers.pids_limit", "\"0\""))]}"#, expect: .fail)]
    }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        guard let configured = podman.containers("containers.pids_limit") else {
            return .pass("pids_limit is Podman's default, 2048", "pids_limit 为 Podman 默认值 2048", evidence: ["pids_limit": "unset (2048)"])
        }
        let evidence = ["pids_limit": configured.description]
        guard let limit = configured.values.last.flatMap(Int.init), limit > 0 else {
            return .fail("containers have no PIDs limit (pids_limit = \(configured.values.last ?? "?"))", "容器没有 PIDs 限制（pids_limit = \(configured.values.last ?? "?")）", evidence: evidence)
        }
        return .pass("each container may run \(limit) processes", "每个容器最多 \(limit) 个进程", evidence: evidence)
    }
}

struct PodmanLoggingRule: PodmanRule {
    let metadata = podmanMetadata(
        .podmanLogging, "2.13", section: "2", level: 2, .medium,
        .init(en: "Podman's container logs go to the journal (centralized and remote logging)", zh: "Podman 的容器日志写入 journal（集中与远程日志）"),
        .init(en: "k8s-file logs stay in files on the host, lost with it and unbounded unless log_size_max is set; journald logs reach the host's log shipping.",
              zh: "k8s-file 日志只留在宿主机文件中，随主机丢失，且未设置 log_size_max 时无上限；journald 日志会进入宿主机的日志转发。"),
        .init(en: "Set `log_driver = \"journald\"` in containers.conf and forward the journal; with k8s-file, set log_size_max.",
              zh: "在 containers.conf 中设置 `log_driver = \"journald\"` 并转发 journal；使用 k8s-file 时设置 log_size_max。"),
        ["https://github.com/containers/common/blob/main/docs/containers.conf.5.md"])
    var examples: [RuleExample] {
        [podmanExample(#"{"containersConf": [\#(setting("containers.log_driver", #""journald""#))]}"#, expect: .pass),
         podmanExample(expect: .warn),
         podmanExample(#"{"containersConf": [\#(setting("containers.log_driver", #""none""#))]}"#, expect: .fail)]
    }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        let configured = podman.containers("containers.log_driver")
        let driver = configured?.values.last ?? "k8s-file"
        let size = podman.containers("containers.log_size_max")
        var evidence = ["log_driver": configured?.description ?? "k8s-file (Podman's default)", "log_size_max": size?.description ?? "unset (unlimited)"]
        if let forwarders = host.logForwarders, !forwarders.isEmpty { evidence["forwarding"] = listEvidence(forwarders) }
        switch driver {
        case "journald":
            return .pass("container logs go to the journal", "容器日志写入 journal", evidence: evidence)
        case "none":
            return .fail("container logs are discarded (log_driver = none)", "容器日志被丢弃（log_driver = none）", evidence: evidence)
        default:
            let unbounded = (size?.values.last.flatMap(Int.init) ?? -1) <= 0
            return .warn("container logs stay in \(driver) files on this host\(unbounded ? ", without a size limit" : ""): forward them or use journald",
                         "容器日志只保存在本机的 \(driver) 文件中\(unbounded ? "且无大小限制" : "")：请转发或改用 journald", evidence: evidence)
        }
    }
}

struct PodmanUsernsRule: PodmanRule {
    let metadata = podmanMetadata(
        .podmanUserns, "2.9", section: "2", level: 2, .medium,
        .init(en: "Podman runs containers in user namespaces", zh: "Podman 在用户命名空间中运行容器"),
        .init(en: "In a user namespace, root in a container is an unprivileged user on the host; rootful Podman's default (`userns = \"host\"`) keeps root root.",
              zh: "在用户命名空间中，容器内的 root 在宿主机上是普通用户；rootful Podman 默认（`userns = \"host\"`）容器 root 即宿主机 root。"),
        .init(en: "Run Podman rootless, or set `userns = \"auto\"` in containers.conf (with subordinate ids for the containers user).",
              zh: "以 rootless 模式运行 Podman，或在 containers.conf 中设置 `userns = \"auto\"`（并为 containers 用户配置从属 ID）。"),
        ["https://docs.podman.io/en/latest/markdown/podman-run.1.html#userns-mode"])
    var examples: [RuleExample] {
        [podmanExample(#"{"containersConf": [\#(setting("containers.userns", #""auto""#))]}"#, expect: .pass),
         podmanExample(#"{"rootless": true}"#, expect: .pass),
         podmanExample(expect: .fail)]
    }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        let configured = podman.containers("containers.userns")
        let mode = configured?.values.last ?? "host"
        let evidence = ["userns": configured?.description ?? "unset (host)", "rootless": String(podman.rootless)]
        if podman.rootless {
            return .pass("rootless Podman: every container is in the user's namespace", "rootless Podman：所有容器都在该用户的命名空间中", evidence: evidence)
        }
        if mode == "host" || mode.isEmpty {
            return .fail("containers share the host's user namespace: root in a container is root on the host",
                         "容器共享宿主机用户命名空间：容器内 root 即宿主机 root", evidence: evidence)
        }
        return .pass("containers get their own user namespace (userns = \(mode))", "容器拥有独立的用户命名空间（userns = \(mode)）", evidence: evidence)
    }
}

struct PodmanCgroupManagerRule: PodmanRule {
    let metadata = podmanMetadata(
        .podmanCgroupManager, "2.10", section: "2", level: 2, .low, manual: true,
        .init(en: "Podman's cgroup manager is confirmed (systemd)", zh: "确认 Podman 的 cgroup 管理器（systemd）"),
        .init(en: "With the systemd cgroup manager each container is a systemd scope under the host's resource policy; cgroupfs places containers outside it.",
              zh: "使用 systemd cgroup 管理器时每个容器都是 systemd scope，受宿主机资源策略约束；cgroupfs 会让容器脱离其管理。"),
        .init(en: "Set `cgroup_manager = \"systemd\"` in containers.conf's [engine] on hosts that boot with systemd.",
              zh: "在使用 systemd 的主机上，于 containers.conf 的 [engine] 中设置 `cgroup_manager = \"systemd\"`。"),
        ["https://github.com/containers/common/blob/main/docs/containers.conf.5.md"])
    var examples: [RuleExample] {
        [podmanExample(expect: .pass),
         podmanExample(#"{"containersConf": [\#(setting("engine.cgroup_manager", #""cgroupfs""#))]}"#, expect: .warn)]
    }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        let configured = podman.containers("engine.cgroup_manager")
        var evidence = ["cgroup_manager": configured?.description ?? "unset (systemd)"]
        if let driver = context.snapshot.info.cgroupDriver { evidence["engine reports"] = driver }
        let manager = context.snapshot.info.cgroupDriver.flatMap { $0.isEmpty ? nil : $0 } ?? configured?.values.last ?? "systemd"
        if manager == "systemd" {
            return .pass("containers are systemd scopes", "容器作为 systemd scope 运行", evidence: evidence)
        }
        return .warn("containers' cgroups are managed by \(manager), outside systemd: confirm that this is intended",
                     "容器 cgroup 由 \(manager) 管理，不受 systemd 管理：请确认这是预期的", evidence: evidence)
    }
}

struct PodmanNoNewPrivilegesRule: PodmanRule {
    let metadata = podmanMetadata(
        .podmanNoNewPrivileges, "2.14", section: "2", .medium,
        .init(en: "Podman stops containers from gaining new privileges", zh: "Podman 禁止容器获取新权限"),
        .init(en: "no_new_privileges keeps setuid programs in containers from raising privileges.", zh: "no_new_privileges 阻止容器中的 setuid 程序提升权限。"),
        .init(en: "Set `no_new_privileges = true` in containers.conf's [containers].", zh: "在 containers.conf 的 [containers] 中设置 `no_new_privileges = true`。"),
        ["https://github.com/containers/common/blob/main/docs/containers.conf.5.md"])
    var examples: [RuleExample] {
        [podmanExample(#"{"containersConf": [\#(setting("containers.no_new_privileges", #""true""#))]}"#, expect: .pass),
         podmanExample(expect: .fail)]
    }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        let configured = podman.containers("containers.no_new_privileges")
        let evidence = ["no_new_privileges": configured?.description ?? "unset (false)"]
        if configured?.values.last == "true" {
            return .pass("containers cannot gain new privileges", "容器无法获取新权限", evidence: evidence)
        }
        return .fail("containers may gain privileges through setuid programs", "容器可以通过 setuid 程序提升权限", evidence: evidence)
    }
}

struct PodmanRemoteAPIRule: PodmanRule {
    let metadata = podmanMetadata(
        .podmanRemoteApi, "2.7", section: "2", .critical,
        .init(en: "Podman's API is not served over TCP", zh: "Podman API 不通过 TCP 提供"),
        .init(en: "`podman system service tcp://…` has neither TLS nor authentication: whoever reaches the port controls the engine.",
              zh: "`podman system service tcp://…` 既无 TLS 也无认证：能连到该端口的人即可控制引擎。"),
        .init(en: "Serve the API on a unix socket only; reach it remotely through ssh (`podman --remote --url ssh://…`).",
              zh: "只在 unix 套接字上提供 API；远程通过 ssh 访问（`podman --remote --url ssh://…`）。"),
        ["https://docs.podman.io/en/latest/markdown/podman-system-service.1.html"])
    var examples: [RuleExample] {
        [podmanExample(host: #"{"engineProcess": {"pid": 10, "command": "podman", "uid": 0}}"#, expect: .pass),
         podmanExample(host: #"{"listeners": [{"address": "0.0.0.0", "port": 8080, "probe": "answered over HTTP"}]}"#, expect: .fail),
         podmanExample(expect: .skipped)]
    }

    func judge(_ podman: PodmanFacts, host: HostFacts, in context: AuditContext) -> Verdict {
        guard host.engineProcess != nil || !host.listeners.isEmpty else {
            return .skipped("not checked: the Podman process behind the socket was not found, so its TCP listeners are unknown",
                            "未检查：未找到套接字背后的 Podman 进程，无法得知其 TCP 监听")
        }
        guard host.listeners.isEmpty else {
            let list = host.listeners.map { "\($0.endpoint) (\($0.probe))" }.joined(separator: ", ")
            return .fail("the API listens on TCP without TLS or authentication: \(list)", "API 在 TCP 上监听且无 TLS 和认证：\(list)", evidence: ["listeners": list])
        }
        return .pass("the API is served on unix sockets only", "API 只通过 unix 套接字提供", evidence: ["listeners": "none"])
    }
}

// MARK: Files

/// Owner and mode of Podman's socket and configuration files (the §3 items for Podman). A rootful engine's files must
/// be root's; a rootless engine's, its user's.
struct PodmanFileRule: HostRule {
    enum Check: Sendable { case owner, mode }
    static let roles: [FileRole] = [.podmanSocket, .containersConf, .storageConf, .registriesConf, .policyJSON]
    let metadata: RuleMetadata
    let check: Check
    let examples: [RuleExample]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        guard let podman = host.podman else {
            return [Finding(target: .podman(host), verdict: .skipped("not checked: Podman's files were not examined (a snapshot without them)",
                                                                     "未检查：未检查 Podman 的文件（快照中没有）"))]
        }
        let present = host.files.filter { Self.roles.contains($0.role) && $0.exists }
        guard !present.isEmpty else {
            return [Finding(target: .podman(host), verdict: .skipped("not applicable: none of Podman's files was found", "不适用：未找到 Podman 的文件"))]
        }
        let owner = podman.rootless ? host.engineProcess?.uid : 0
        return present.map { Finding(target: .file($0.path), verdict: judge($0, expectedUID: owner)) }
    }

    /// The mode bits a file of `role` may have: the socket read-write for owner and group, files readable by all.
    static func allowedMode(_ role: FileRole) -> Int { role == .podmanSocket ? 0o660 : 0o644 }

    func judge(_ file: FileFacts, expectedUID: Int?) -> Verdict {
        if let error = file.error { return .error("could not examine \(file.path): \(error)", "无法检查 \(file.path)：\(error)") }
        guard let mode = file.mode, let uid = file.uid, let gid = file.gid else { return .error("no owner or mode for \(file.path)", "无法获取 \(file.path) 的属主或权限") }
        let owner = "\(file.owner ?? String(uid)):\(file.group ?? String(gid))"
        let evidence = ["owner": owner, "mode": file.octalMode, "role": file.role.rawValue]
        switch check {
        case .owner:
            guard let expectedUID else {
                return .skipped("not checked: the rootless engine's user is unknown", "未检查：未知 rootless 引擎的用户", evidence: evidence)
            }
            // System files (under /etc, /usr) of a rootless engine are root's; its own files are its user's.
            let systemFile = file.path.hasPrefix("/etc/") || file.path.hasPrefix("/usr/")
            let wanted = systemFile ? 0 : expectedUID
            if uid == wanted { return .pass("owned by \(owner)", "属主为 \(owner)", evidence: evidence) }
            return .fail("owned by \(owner), not uid \(wanted)", "属主为 \(owner)，应为 uid \(wanted)", evidence: evidence)
        case .mode:
            let allowed = Self.allowedMode(file.role)
            let extra = mode & ~allowed
            if extra == 0 { return .pass("mode \(file.octalMode)", "权限 \(file.octalMode)", evidence: evidence) }
            let bits = "0" + String(extra, radix: 8)
            return .fail("mode \(file.octalMode) grants \(bits) beyond 0\(String(allowed, radix: 8))",
                         "权限 \(file.octalMode) 超出 0\(String(allowed, radix: 8))（多出 \(bits)）", evidence: evidence)
        }
    }

    static func file(_ role: FileRole, path: String, uid: Int, mode: Int) -> String {
        #"{"files": [{"path": "\#(path)", "role": "\#(role.rawValue)", "exists": true, "type": "file", "mode": \#(mode), "uid": \#(uid), "gid": \#(uid), "owner": "u\#(uid)", "group": "g\#(uid)"}]}"#
    }

    static let all: [PodmanFileRule] = [
        PodmanFileRule(
            metadata: podmanMetadata(
                .podmanFileOwner, nil, section: "3", .medium,
                .init(en: "Podman's socket and configuration files are owned by root (rootful) or the engine's user (rootless)",
                      zh: "Podman 的套接字与配置文件属于 root（rootful）或引擎用户（rootless）"),
                .init(en: "Whoever owns containers.conf, registries.conf, policy.json or the API socket can change what every container gets, which images are trusted, or drive the engine.",
                      zh: "拥有 containers.conf、registries.conf、policy.json 或 API 套接字的人可以改变所有容器的设置、信任哪些镜像，或直接操控引擎。"),
                .init(en: "chown root:root the files named (for rootless Podman, the user's own files to that user).", zh: "将所列文件属主改为 root:root（rootless Podman 的用户文件改为该用户）。"),
                ["https://github.com/containers/common/blob/main/docs/containers.conf.5.md"]),
            check: .owner,
            examples: [podmanExample(host: file(.containersConf, path: "/etc/containers/containers.conf", uid: 0, mode: 0o644), expect: .pass),
                       podmanExample(host: file(.policyJSON, path: "/etc/containers/policy.json", uid: 1000, mode: 0o644), expect: .fail)]),
        PodmanFileRule(
            metadata: podmanMetadata(
                .podmanFileMode, nil, section: "3", .medium,
                .init(en: "Podman's socket is 660 or stricter and its configuration files 644 or stricter", zh: "Podman 套接字权限不超过 660，配置文件不超过 644"),
                .init(en: "A socket others can write is root on the host for them; configuration files others can write let them weaken every container.",
                      zh: "他人可写的套接字等于给了他们宿主机 root；他人可写的配置文件可以削弱所有容器。"),
                .init(en: "chmod 660 the socket and 644 the configuration files named.", zh: "将套接字权限设为 660，配置文件设为 644。"),
                ["https://docs.podman.io/en/latest/markdown/podman-system-service.1.html"]),
            check: .mode,
            examples: [podmanExample(host: file(.podmanSocket, path: "/run/podman/podman.sock", uid: 0, mode: 0o660), expect: .pass),
                       podmanExample(host: file(.registriesConf, path: "/etc/containers/registries.conf", uid: 0, mode: 0o666), expect: .fail)]),
    ]
}

extension RuleID {
    public static let podmanConfiguration: RuleID = "podman.configuration"
    public static let podmanRootless: RuleID = "podman.rootless"
    public static let podmanInsecureRegistries: RuleID = "podman.insecure-registries"
    public static let podmanShortNames: RuleID = "podman.short-names"
    public static let podmanImageTrust: RuleID = "podman.image-trust"
    public static let podmanDefaultCapabilities: RuleID = "podman.default-capabilities"
    public static let podmanSeccomp: RuleID = "podman.seccomp"
    public static let podmanPidsLimit: RuleID = "podman.pids-limit"
    public static let podmanLogging: RuleID = "podman.logging"
    public static let podmanUserns: RuleID = "podman.userns"
    public static let podmanCgroupManager: RuleID = "podman.cgroup-manager"
    public static let podmanNoNewPrivileges: RuleID = "podman.no-new-privileges"
    public static let podmanRemoteApi: RuleID = "podman.remote-api"
    public static let podmanFileOwner: RuleID = "podman.file-owner"
    public static let podmanFileMode: RuleID = "podman.file-mode"
}
