// The §5 runtime checks applied to Compose services before they run. Each takes its CIS ids, title, rationale and
// remediation from the container rule it mirrors, so the two never drift apart.

/// A Compose check: one service in, its findings out.
struct ComposeCheck: ComposeRule {
    let metadata: RuleMetadata
    let examples: [LintExample]
    let judge: @Sendable (ComposeService) -> [LintFinding]

    /// `compose.X` judged like the container rule `container.Y`.
    init(_ id: String, mirroring containerRule: String, severity: Severity? = nil, examples: [LintExample],
         judge: @escaping @Sendable (ComposeService) -> [LintFinding]) {
        var metadata = RuleCatalog.rule(id: containerRule)!.metadata
        metadata.id = id
        if let severity { metadata.severity = severity }
        self.metadata = metadata
        self.examples = examples
        self.judge = judge
    }

    init(metadata: RuleMetadata, examples: [LintExample], judge: @escaping @Sendable (ComposeService) -> [LintFinding]) {
        self.metadata = metadata
        self.examples = examples
        self.judge = judge
    }

    func check(_ service: ComposeService, _ settings: RuleSettings) -> [LintFinding] { judge(service) }
}

extension ComposeService {
    /// A failure at `key` when the service sets it, else at the service's name.
    func fail(at key: String?, _ en: String, _ zh: String, severity: Severity? = nil, evidence: [String: String] = [:]) -> LintFinding {
        let node = key.flatMap { value(at: $0) }
        let entryRange = key.flatMap { key in
            key.contains(".") ? node?.range : self.node.entry(key)?.keyRange
        }
        return .fail(entryRange ?? range, en, zh, severity: severity, evidence: evidence, file: node?.file ?? file)
    }

    func failAt(_ node: YAMLNode, _ en: String, _ zh: String, severity: Severity? = nil, evidence: [String: String] = [:]) -> LintFinding {
        .fail(node.range, en, zh, severity: severity, evidence: evidence, file: node.file)
    }

    var securityOptions: [(text: String, node: YAMLNode)] {
        (self["security_opt"]?.items ?? []).compactMap { item in item.string.map { ($0.replacingOccurrences(of: "=", with: ":"), item) } }
    }
}

/// A published port of a service: `[IP:][HOST:]CONTAINER[/PROTO]` or the long syntax.
struct ComposePort {
    var hostIP: String
    /// The first host port; nil when the engine picks one.
    var hostPort: Int?
    var text: String
    var node: YAMLNode

    static func ports(of service: ComposeService) -> [ComposePort] {
        (service["ports"]?.items ?? []).compactMap { item in
            if case .mapping = item.value {
                let published = item["published"]?.string
                return ComposePort(hostIP: item["host_ip"]?.string ?? "", hostPort: published.flatMap(firstPort),
                                   text: "\(item["host_ip"]?.string.map { $0 + ":" } ?? "")\(published ?? ""):\(item["target"]?.string ?? "")", node: item)
            }
            guard let text = item.string else { return nil }
            var spec = String(text.prefix { $0 != "/" })
            var ip = ""
            if spec.hasPrefix("["), let close = spec.firstIndex(of: "]") {
                ip = String(spec[spec.index(after: spec.startIndex)..<close])
                spec = String(spec[close...].dropFirst(2))
            }
            var parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if parts.count > 3 { // an IPv6 address without brackets
                ip = parts.dropLast(2).joined(separator: ":")
                parts = Array(parts.suffix(2))
            } else if parts.count == 3 {
                ip = parts.removeFirst()
            }
            let host = parts.count == 2 ? parts[0] : ""
            return ComposePort(hostIP: ip, hostPort: firstPort(host), text: text, node: item)
        }
    }

    private static func firstPort(_ text: String) -> Int? { Int(text.prefix { $0 != "-" }) }

    var allInterfaces: Bool { ["", "0.0.0.0", "::", "[::]"].contains(hostIP) }
}

/// A host path a service mounts (bind mounts only; named volumes are not host paths).
struct ComposeBind {
    var source: String
    var target: String
    var readOnly: Bool
    var node: YAMLNode

    var description: String { "\(source):\(target)\(readOnly ? ":ro" : "")" }

    static func binds(of service: ComposeService) -> [ComposeBind] {
        (service["volumes"]?.items ?? []).compactMap { item in
            if case .mapping = item.value {
                guard item["type"]?.string == "bind", let source = item["source"]?.string else { return nil }
                return ComposeBind(source: source, target: item["target"]?.string ?? "", readOnly: item["read_only"]?.bool == true,
                                   node: item["source"] ?? item)
            }
            guard let text = item.string else { return nil }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, parts[0].hasPrefix("/") else { return nil }
            let options = parts.count > 2 ? parts[2].split(separator: ",").map(String.init) : []
            return ComposeBind(source: parts[0], target: parts[1], readOnly: options.contains("ro"), node: item)
        }
    }
}

enum ComposeRules {
    static let all: [any ComposeRule] = [
        privileged, capabilities, sensitiveMounts, dockerSocket, portBindAddress, privilegedPorts, memoryLimit, cpuLimit, pidsLimit,
        readOnly, seccomp, apparmor, noNewPrivileges, restartPolicy, devices, healthcheck, secrets,
    ] + hostNamespaces

    static let privileged = ComposeCheck("compose.privileged", mirroring: "container.privileged", examples: [
        .compose("services:\n  app:\n    image: a:1\n    privileged: true\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    privileged: \"true\"\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    privileged: false\n", .pass),
    ]) { service in
        guard service["privileged"]?.bool == true else { return [] }
        return [service.fail(at: "privileged", "privileged: true", "privileged: true（特权容器）")]
    }

    static let hostNamespaces: [ComposeCheck] = [
        ("network_mode", "compose.host-network", "container.host-network"), ("pid", "compose.host-pid", "container.host-pid"),
        ("ipc", "compose.host-ipc", "container.host-ipc"), ("uts", "compose.host-uts", "container.host-uts"),
        ("userns_mode", "compose.host-userns", "container.host-userns"),
    ].map { key, id, containerRule in
        ComposeCheck(id, mirroring: containerRule, examples: [
            .compose("services:\n  app:\n    image: a:1\n    \(key): host\n", .fail, line: 4),
            .compose("x-base: &base\n  \(key): host\nservices:\n  app:\n    <<: *base\n    image: a:1\n", .fail, line: 2),
            .compose("services:\n  app:\n    image: a:1\n    \(key): \(key == "network_mode" ? "bridge" : "\"\"")\n", .pass),
        ]) { service in
            guard service[key]?.string == "host" else { return [] }
            return [service.fail(at: key, "\(key): host shares the host's namespace", "\(key): host 共享了宿主机命名空间")]
        }
    }

    static let capabilities = ComposeCheck("compose.capabilities", mirroring: "container.capabilities", examples: [
        .compose("services:\n  app:\n    image: a:1\n    cap_add: [SYS_ADMIN]\n    cap_drop: [ALL]\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    cap_add:\n      - NET_BIND_SERVICE\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    cap_add: [NET_BIND_SERVICE]\n    cap_drop: [ALL]\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n", .pass),
    ]) { service in
        let added = (service["cap_add"]?.strings ?? []).map(CapabilitiesRule.normalize)
        guard !added.isEmpty else { return [] }
        let beyond = added.filter { !CapabilitiesRule.defaultCapabilities.contains($0) }
        let dangerous = added.filter(CapabilitiesRule.dangerousCapabilities.contains)
        let dropsAll = (service["cap_drop"]?.strings ?? []).map(CapabilitiesRule.normalize).contains("ALL")
        let evidence = ["cap_add": listEvidence(added), "cap_drop": listEvidence(service["cap_drop"]?.strings ?? [])]
        if !beyond.isEmpty {
            return [service.fail(at: "cap_add", "adds capabilities beyond Docker's defaults: \(beyond.joined(separator: ", "))",
                                 "添加了默认能力集之外的能力：\(beyond.joined(separator: ", "))", severity: dangerous.isEmpty ? nil : .high, evidence: evidence)]
        }
        if !dropsAll {
            return [service.fail(at: "cap_add", "adds \(added.joined(separator: ", ")) without cap_drop: [ALL]",
                                 "添加了 \(added.joined(separator: ", ")) 但未设置 cap_drop: [ALL]", evidence: evidence)]
        }
        return []
    }

    static let sensitiveMounts = ComposeCheck("compose.sensitive-mounts", mirroring: "container.sensitive-mounts", examples: [
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - /etc:/host/etc:ro\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - type: bind\n        source: /\n        target: /host\n", .fail, line: 6),
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - ./data:/data\n      - cache:/cache\n      - /srv/app:/srv\nvolumes:\n  cache: {}\n", .pass),
    ]) { service in
        ComposeBind.binds(of: service).compactMap { bind in
            let source = normalizedPath(bind.source)
            guard SensitiveMountRule.sensitiveDirectories.contains(where: { path(source, isWithin: $0) }) else { return nil }
            return service.failAt(bind.node, "mounts the host's \(bind.source)\(bind.readOnly ? " read-only" : " read-write")",
                                  "挂载了宿主机敏感目录 \(bind.source)\(bind.readOnly ? "（只读）" : "（读写）")",
                                  severity: bind.readOnly ? .medium : nil, evidence: ["volume": bind.description])
        }
    }

    static let dockerSocket = ComposeCheck("compose.docker-socket", mirroring: "container.docker-socket", examples: [
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - type: bind\n        source: /run/containerd/containerd.sock\n        target: /c.sock\n", .fail, line: 6),
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - /var/run:/hostrun\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - /srv/docker.sock.d:/x\n", .pass),
    ]) { service in
        ComposeBind.binds(of: service).compactMap { bind in
            let source = normalizedPath(bind.source)
            guard source != "/", DockerSocketMountRule.engineSockets.contains(where: { path($0, isWithin: source) }) else { return nil }
            return service.failAt(bind.node, "mounts the engine's socket: \(bind.description)", "挂载了容器引擎套接字：\(bind.description)",
                                  evidence: ["volume": bind.description])
        }
    }

    static let portBindAddress = ComposeCheck("compose.port-bind-address", mirroring: "container.port-bind-address", examples: [
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"8080:8080\"\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"0.0.0.0:80:80\"\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - 3000\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - target: 80\n        published: 8080\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"127.0.0.1:8080:8080\"\n      - \"[::1]:9090:9090/tcp\"\n      - target: 80\n        published: \"8081\"\n        host_ip: 10.0.0.5\n", .pass),
    ]) { service in
        ComposePort.ports(of: service).filter(\.allInterfaces).map { port in
            service.failAt(port.node, "port \(port.text) is published on every interface of the host", "端口 \(port.text) 发布在宿主机所有网卡上",
                           evidence: ["port": port.text])
        }
    }

    static let privilegedPorts = ComposeCheck("compose.privileged-ports", mirroring: "container.privileged-ports", examples: [
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"127.0.0.1:80:8080\"\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"22:22\"\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"127.0.0.1:8080:80\"\n      - \"443\"\n", .pass),
    ]) { service in
        ComposePort.ports(of: service).filter { ($0.hostPort ?? 1024) < 1024 && ($0.hostPort ?? 0) > 0 }.map { port in
            service.failAt(port.node, "host port \(port.hostPort!) is below 1024 (\(port.text))", "宿主机端口 \(port.hostPort!) 小于 1024（\(port.text)）",
                           evidence: ["port": port.text])
        }
    }

    /// A limit set by the service key or under deploy.resources.limits, ignoring `0`.
    private static func limit(_ service: ComposeService, keys: [String]) -> Bool {
        keys.contains { key in
            guard let value = service.value(at: key)?.string else { return false }
            return !["0", "0.0", "-1"].contains(value) && !value.isEmpty
        }
    }

    static let memoryLimit = ComposeCheck("compose.memory-limit", mirroring: "container.memory-limit", examples: [
        .compose("services:\n  app:\n    image: a:1\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    mem_limit: 256m\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    deploy:\n      resources:\n        limits:\n          memory: 512M\n", .pass),
    ]) { service in
        limit(service, keys: ["mem_limit", "deploy.resources.limits.memory"]) ? []
            : [service.fail(at: nil, "no memory limit (mem_limit or deploy.resources.limits.memory)", "未设置内存限制（mem_limit 或 deploy.resources.limits.memory）")]
    }

    static let cpuLimit = ComposeCheck("compose.cpu-limit", mirroring: "container.cpu-priority", examples: [
        .compose("services:\n  app:\n    image: a:1\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    cpus: 0.5\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    deploy:\n      resources:\n        limits:\n          cpus: '1.5'\n", .pass),
    ]) { service in
        limit(service, keys: ["cpus", "cpu_quota", "cpu_shares", "deploy.resources.limits.cpus"]) ? []
            : [service.fail(at: nil, "no CPU limit (cpus, cpu_shares or deploy.resources.limits.cpus)", "未设置 CPU 限制（cpus、cpu_shares 或 deploy.resources.limits.cpus）")]
    }

    static let pidsLimit = ComposeCheck("compose.pids-limit", mirroring: "container.pids-limit", examples: [
        .compose("services:\n  app:\n    image: a:1\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    pids_limit: 0\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    pids_limit: 200\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    deploy:\n      resources:\n        limits:\n          pids: 100\n", .pass),
    ]) { service in
        limit(service, keys: ["pids_limit", "deploy.resources.limits.pids"]) ? []
            : [service.fail(at: nil, "no pids limit (pids_limit or deploy.resources.limits.pids)", "未设置进程数限制（pids_limit 或 deploy.resources.limits.pids）")]
    }

    static let readOnly = ComposeCheck("compose.readonly-rootfs", mirroring: "container.readonly-rootfs", examples: [
        .compose("services:\n  app:\n    image: a:1\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    read_only: false\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    read_only: true\n    tmpfs: [/tmp]\n", .pass),
    ]) { service in
        service["read_only"]?.bool == true ? []
            : [service.fail(at: service["read_only"] == nil ? nil : "read_only", "the root filesystem is writable (read_only is not true)", "根文件系统可写（未设置 read_only: true）")]
    }

    static let seccomp = ComposeCheck("compose.seccomp", mirroring: "container.seccomp", examples: [
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - seccomp:unconfined\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    security_opt: [\"seccomp=unconfined\"]\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - seccomp:./profile.json\n", .pass),
    ]) { service in
        service.securityOptions.filter { $0.text.lowercased() == "seccomp:unconfined" }.map {
            service.failAt($0.node, "seccomp is switched off (\($0.text))", "关闭了 seccomp（\($0.text)）")
        }
    }

    static let apparmor = ComposeCheck("compose.apparmor", mirroring: "container.apparmor", examples: [
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - apparmor:unconfined\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - apparmor=docker-default\n", .pass),
    ]) { service in
        service.securityOptions.filter { $0.text.lowercased() == "apparmor:unconfined" }.map {
            service.failAt($0.node, "AppArmor is switched off (\($0.text))", "关闭了 AppArmor（\($0.text)）")
        }
    }

    static let noNewPrivileges = ComposeCheck("compose.no-new-privileges", mirroring: "container.no-new-privileges", examples: [
        .compose("services:\n  app:\n    image: a:1\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    security_opt: [\"no-new-privileges:false\"]\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    security_opt:\n      - no-new-privileges:true\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    security_opt: [no-new-privileges]\n", .pass),
    ]) { service in
        let set = service.securityOptions.contains { ["no-new-privileges", "no-new-privileges:true"].contains($0.text.lowercased()) }
        return set ? [] : [service.fail(at: nil, "no-new-privileges is not set in security_opt", "security_opt 中未设置 no-new-privileges")]
    }

    static let restartPolicy = ComposeCheck("compose.restart-policy", mirroring: "container.restart-policy", examples: [
        .compose("services:\n  app:\n    image: a:1\n    restart: always\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    restart: \"on-failure:10\"\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    deploy:\n      restart_policy:\n        condition: on-failure\n        max_attempts: 9\n", .fail, line: 7),
        .compose("services:\n  app:\n    image: a:1\n    restart: on-failure:3\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    deploy:\n      restart_policy:\n        condition: on-failure\n        max_attempts: 3\n", .pass),
    ]) { service in
        if let restart = service["restart"]?.string {
            let parts = restart.split(separator: ":").map(String.init)
            let retries = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            if parts[0] == "always" || parts[0] == "unless-stopped" || (parts[0] == "on-failure" && (retries == 0 || retries > 5)) {
                return [service.fail(at: "restart", "restart: \(restart) restarts without a limit of at most 5", "restart: \(restart) 未将重启次数限制在 5 次以内")]
            }
        }
        if let policy = service.value(at: "deploy.restart_policy"), policy["condition"]?.string != "none" {
            if let attempts = policy["max_attempts"]?.string.flatMap({ Int($0) }), attempts >= 1, attempts <= 5 { return [] }
            let node = policy["max_attempts"] ?? policy
            return [service.failAt(node, "deploy.restart_policy restarts without a limit of at most 5 attempts", "deploy.restart_policy 未将重启次数限制在 5 次以内")]
        }
        return []
    }

    static let devices = ComposeCheck("compose.devices", mirroring: "container.host-devices", examples: [
        .compose("services:\n  app:\n    image: a:1\n    devices:\n      - /dev/fuse:/dev/fuse\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    devices: []\n", .pass),
    ]) { service in
        let devices = service["devices"]?.items.compactMap { $0.string ?? $0["source"]?.string } ?? []
        guard !devices.isEmpty else { return [] }
        return [service.fail(at: "devices", "host devices are passed in: \(devices.joined(separator: ", "))", "直接映射了宿主机设备：\(devices.joined(separator: ", "))",
                             evidence: ["devices": listEvidence(devices)])]
    }

    static let healthcheck = ComposeCheck("compose.healthcheck", mirroring: "container.healthcheck", examples: [
        .compose("services:\n  app:\n    image: a:1\n    healthcheck:\n      disable: true\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    healthcheck:\n      test: [\"NONE\"]\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    healthcheck:\n      test: [\"CMD\", \"/ok\"]\n      interval: 30s\n", .pass),
    ]) { service in
        guard let check = service["healthcheck"] else {
            return [LintFinding.warn(service.range, "no healthcheck here: check that the image defines a HEALTHCHECK", "未配置 healthcheck：请确认镜像自身定义了 HEALTHCHECK",
                                     file: service.file)]
        }
        if let disable = check["disable"], disable.bool == true {
            return [service.failAt(disable, "the health check is switched off (disable: true)", "关闭了健康检查（disable: true）")]
        }
        if let test = check["test"], test.strings.first?.uppercased() == "NONE" {
            return [service.failAt(test, "the health check is switched off (test: NONE)", "关闭了健康检查（test: NONE）")]
        }
        return []
    }

    static let secrets = ComposeCheck(metadata: lintMetadata(
        "compose.secrets", cis: "4.10", severity: .high,
        title: .init(en: "No secrets are written into the Compose file", zh: "Compose 文件中不包含密钥等敏感信息"),
        rationale: .init(
            en: "Passwords and tokens written as literal values are in version control, in `docker inspect` output and in every process's environment (baseline item 10).",
            zh: "以明文写入的密码和令牌会进入版本库、`docker inspect` 输出以及进程环境变量（基线第 10 项）。"),
        remediation: .init(
            en: "Use Compose `secrets:` (files mounted under /run/secrets) or `${VAR}` references filled from the environment; rotate any secret that was committed.",
            zh: "使用 Compose 的 `secrets:`（挂载到 /run/secrets 的文件）或从环境变量填充的 `${VAR}` 引用；已提交过的密钥必须轮换。"),
        references: ["https://docs.docker.com/compose/how-tos/use-secrets/", Reference.cisDocker]), examples: [
        .compose("services:\n  db:\n    image: a:1\n    environment:\n      POSTGRES_PASSWORD: hunter2\n", .fail, line: 5),
        .compose("services:\n  db:\n    image: a:1\n    environment:\n      - API_TOKEN=abc123\n", .fail, line: 5),
        .compose("services:\n  app:\n    build:\n      context: .\n      args:\n        NPM_TOKEN: npm_abcdef\n", .fail, line: 6),
        .compose("services:\n  db:\n    image: a:1\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n      POSTGRES_PASSWORD_FILE: /run/secrets/db\n", .pass),
        .compose("services:\n  db:\n    image: a:1\n    environment:\n      - POSTGRES_PASSWORD=${DB_PASSWORD:?set it}\n      - DEBUG=1\n", .pass),
    ]) { service in
        let entries = (service["environment"].map(ComposeLoader.keyValueEntries) ?? [])
            + (service.value(at: "build.args").map(ComposeLoader.keyValueEntries) ?? [])
        return entries.compactMap { entry in
            guard let raw = entry.value.raw, !raw.contains("$"), let reason = SecretScanner.judgeAssignment(name: entry.key, value: raw) else { return nil }
            return service.failAt(entry.value, "\(reason) (value masked)", "\(entry.key) 中包含敏感信息（值已隐藏）", evidence: [entry.key: "<masked>"])
        }
    }
}

struct ComposeSyntaxRule: LintRule {
    let metadata = lintMetadata(
        "compose.syntax", severity: .high,
        title: .init(en: "The Compose file can be read", zh: "Compose 文件可被正确解析"),
        rationale: .init(
            en: "A Compose file that is not valid YAML, has no services, or whose `extends` cannot be followed would not start, and none of its services can be checked.",
            zh: "不是合法 YAML、没有 services 或 `extends` 无法解析的 Compose 文件无法启动，其中的服务也都无法检查。"),
        remediation: .init(en: "Fix the file as the message says; `docker compose config` shows how Compose reads it.",
                           zh: "按提示修正文件；`docker compose config` 可显示 Compose 的解析结果。"),
        references: ["https://docs.docker.com/reference/compose-file/"])

    let kind = BuildFileKind.compose

    let examples: [LintExample] = [
        .compose("services:\n  app:\n    image: [a\n", .fail),
        .compose("services:\n  app:\n    extends: missing\n", .fail),
        .compose("- just\n- a list\n", .fail, line: 1),
        .compose("version: \"3.8\"\nservices:\n  app:\n    image: a:1\n", .pass),
    ]

    func check(_ file: BuildFile, _ settings: RuleSettings) -> [LintFinding] {
        guard case let .compose(project) = file else { return [] }
        return project.problems.map { problem in
            .fail(problem.range ?? .line(1), problem.message, "无法解析：\(problem.message)")
        }
    }
}
