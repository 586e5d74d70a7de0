// §5 rules about what a container exposes on the network: privileged ports 5.8, open ports 5.9,
// bind addresses 5.14, the default bridge 5.30.

struct PrivilegedPortsRule: RuntimeCheck {
    let composeID: RuleID = .composePrivilegedPorts
    let metadata = RuleMetadata(
        id: .containerPrivilegedPorts, cis: "5.8", severity: .medium,
        title: .init(en: "Privileged ports are not mapped within containers", zh: "不将特权端口（<1024）映射给容器"),
        rationale: .init(
            en: "Ports below 1024 are where clients expect system services (SSH 22, HTTP 80, …); a container taking one can impersonate such a service.",
            zh: "1024 以下端口通常承载系统服务（SSH 22、HTTP 80 等），容器占用后可冒充这些服务。"),
        remediation: .init(
            en: "Publish the container on a host port of 1024 or above (`-p 127.0.0.1:8080:80`), and put a reverse proxy in front where a well-known port is needed.",
            zh: "将容器发布到 1024 及以上的宿主机端口（如 `-p 127.0.0.1:8080:80`），需要知名端口时由反向代理对外提供。"),
        references: [Reference.networking, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "-p 127.0.0.1:8080:80 (a host port ≥ 1024)", compose: "ports: [\"127.0.0.1:8080:80\"]"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "80"}]}}, "NetworkSettings": {"Ports": null}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"PortBindings": {"22/tcp": [{"HostIp": "::", "HostPort": "22"}]}}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": ""}]}}, "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "49153"}]}}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"127.0.0.1:80:8080\"\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"22:22\"\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"127.0.0.1:8080:80\"\n      - \"443\"\n", .pass),
    ]

    var reads: Set<RuntimeSpec.Section> { [.ports] }

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let privileged = spec.ports.filter { ($0.lowestHostPort ?? 1024) < 1024 && ($0.lowestHostPort ?? 0) > 0 }
        guard !privileged.isEmpty else {
            return .pass("no host port below 1024", "未映射 1024 以下的宿主机端口", evidence: ["published": listEvidence(spec.ports.map(\.description))])
        }
        let list = privileged.map(\.description).joined(separator: ", ")
        return Verdict.fail("maps privileged host ports: \(list)", "映射了特权端口：\(list)", evidence: ["privileged ports": list])
            .at(privileged.compactMap(\.origin))
    }
}

struct OpenPortsRule: RuntimeCheck {
    let composeID: RuleID = .composeOpenPorts
    let metadata = RuleMetadata(
        id: .containerOpenPorts, cis: "5.9", severity: .low, manual: true,
        title: .init(en: "Only needed ports are open on the container", zh: "容器只开放必要的端口"),
        rationale: .init(
            en: "Every published port is an entry point from outside the host; only those the service needs should exist.",
            zh: "每个发布的端口都是从宿主机外部进入的入口，只应保留业务确需的端口。"),
        remediation: .init(
            en: "Review the published ports below; remove the unneeded ones (`-p`, `-P`, compose `ports`).",
            zh: "核对下列已发布端口，删除不需要的（`-p`、`-P`、compose 中的 `ports`）。"),
        references: [Reference.networking, Reference.cisDocker])

    let examples = [
        RuleExample(container: #"{"HostConfig": {"PortBindings": {}}, "NetworkSettings": {"Ports": {}}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}}}"#, expect: .warn),
        RuleExample(container: #"{"HostConfig": {"PortBindings": {}, "PublishAllPorts": true}, "NetworkSettings": {"Ports": {}}}"#, expect: .warn),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"127.0.0.1:8080:80\"\n", .warn, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    expose: [\"80\"]\n", .pass),
    ]

    var reads: Set<RuntimeSpec.Section> { [.ports] }

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let ports = spec.ports
        let publishAll = spec.publishAllPorts
        if ports.isEmpty && !publishAll {
            return .pass("publishes no ports on the host", "未向宿主机发布端口")
        }
        var evidence = ["published": listEvidence(ports.map(\.description))]
        if publishAll { evidence["PublishAllPorts"] = "true (every exposed port)" }
        let count = ports.count
        return Verdict.warn("review \(count) published port(s)\(publishAll ? " and -P" : ""): are all needed?",
                            "请核对已发布的 \(count) 个端口\(publishAll ? "及 -P" : "")是否都必要", evidence: evidence).at(ports.compactMap(\.origin))
    }
}

struct PortBindAddressRule: RuntimeCheck {
    let composeID: RuleID = .composePortBindAddress
    let metadata = RuleMetadata(
        id: .containerPortBindAddress, cis: "5.14", severity: .medium,
        title: .init(en: "Incoming container traffic is bound to a specific host interface", zh: "容器入站流量绑定到指定的宿主机网卡"),
        rationale: .init(
            en: "A port published without a host address listens on every interface, IPv4 and IPv6, including public ones, and Docker's iptables rules bypass a host firewall such as ufw.",
            zh: "未指定宿主机地址发布的端口会在所有网卡（IPv4 与 IPv6，包括公网网卡）上监听，且 Docker 的 iptables 规则会绕过 ufw 等主机防火墙。"),
        remediation: .init(
            en: "Publish with an address: `-p 127.0.0.1:8080:80` or the internal interface's address; avoid -P.",
            zh: "发布端口时指定地址，如 `-p 127.0.0.1:8080:80` 或内网网卡地址；避免使用 -P。"),
        references: [Reference.networking, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "-p 127.0.0.1:HOSTPORT:PORT instead of -p HOSTPORT:PORT or -P", compose: "ports: [\"127.0.0.1:HOSTPORT:PORT\"]"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": "8080"}]}}, "NetworkSettings": {"Ports": null}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "::", "HostPort": "8080"}]}}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"PortBindings": {}, "PublishAllPorts": true}, "NetworkSettings": {"Ports": {}}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "10.1.2.3", "HostPort": "8080"}]}}, "NetworkSettings": {"Ports": null}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "::1", "HostPort": "8080"}]}}, "NetworkSettings": {"Ports": null}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"PortBindings": {}}, "NetworkSettings": {"Ports": {}}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"8080:8080\"\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"0.0.0.0:80:80\"\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - 3000\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - target: 80\n        published: 8080\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    ports:\n      - \"127.0.0.1:8080:8080\"\n      - \"[::1]:9090:9090/tcp\"\n      - target: 80\n        published: \"8081\"\n        host_ip: 10.0.0.5\n", .pass),
    ]

    var reads: Set<RuntimeSpec.Section> { [.ports] }

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let ports = spec.ports
        let open = ports.filter(\.bindsAllInterfaces)
        var evidence = ["published": listEvidence(ports.map(\.description))]
        if spec.publishAllPorts {
            evidence["PublishAllPorts"] = "true"
            return .fail("-P publishes every exposed port on all interfaces", "-P 在所有网卡上发布全部暴露端口", evidence: evidence)
        }
        guard !open.isEmpty else {
            return .pass(ports.isEmpty ? "publishes no ports" : "every published port is bound to a specific address",
                         ports.isEmpty ? "未发布端口" : "所有发布端口均绑定了具体地址", evidence: evidence)
        }
        let list = open.map(\.description).joined(separator: ", ")
        return Verdict.fail("listens on all interfaces: \(list)", "在所有网卡上监听：\(list)", evidence: evidence).at(open.compactMap(\.origin))
    }
}

struct DefaultBridgeRule: RuntimeCheck {
    let composeID: RuleID = .composeDefaultBridge
    let metadata = RuleMetadata(
        id: .containerDefaultBridge, cis: "5.30", severity: .low,
        title: .init(en: "Docker's default bridge docker0 is not used", zh: "不使用 Docker 默认网桥 docker0"),
        rationale: .init(
            en: "Containers on the default bridge can all reach each other (unless icc is off) and are open to ARP spoofing between them; user-defined networks isolate groups of containers and give name resolution.",
            zh: "默认网桥上的容器彼此可达（除非关闭 icc），且相互之间存在 ARP 欺骗风险；自定义网络可按组隔离容器并提供名称解析。"),
        remediation: .init(
            en: "Create a user-defined network (`docker network create app`) and run the container on it (`--network app`; compose does this by default).",
            zh: "创建自定义网络（`docker network create app`）并以 `--network app` 运行容器（compose 默认即如此）。"),
        references: [Reference.networking, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "--network app (docker network create app)", compose: "networks: [app]"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"NetworkMode": "default"}, "NetworkSettings": {"Networks": {"bridge": {"NetworkID": "b"}}}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"NetworkMode": "bridge"}, "NetworkSettings": {"Networks": null}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"NetworkMode": "appnet"}, "NetworkSettings": {"Networks": {"appnet": {"NetworkID": "n1"}}}}"#, expect: .pass),
        RuleExample(container: #"{"HostConfig": {"NetworkMode": "none"}, "NetworkSettings": {"Networks": {"none": {"NetworkID": "n0"}}}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    network_mode: bridge\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n", .pass),
        .compose("services:\n  app:\n    image: a:1\n    networks: [backend]\nnetworks:\n  backend: {}\n", .pass),
    ]

    var reads: Set<RuntimeSpec.Section> { [.networks] }

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let mode = spec.mode(of: .network)
        let networks = spec.networks
        let evidence = ["NetworkMode": mode.isEmpty ? "(default)" : mode, "networks": listEvidence(networks)]
        if networks.contains("bridge") || (networks.isEmpty && ["default", "bridge"].contains(mode)) {
            return Verdict.fail("attached to the default bridge", "连接在默认网桥上", evidence: evidence).at(spec.origin(of: .namespace(.network)))
        }
        return .pass("not on the default bridge", "未使用默认网桥", evidence: evidence)
    }
}

extension RuleID {
    public static let containerPrivilegedPorts: RuleID = "container.privileged-ports"
    public static let containerOpenPorts: RuleID = "container.open-ports"
    public static let containerPortBindAddress: RuleID = "container.port-bind-address"
    public static let containerDefaultBridge: RuleID = "container.default-bridge"
    public static let composePortBindAddress: RuleID = "compose.port-bind-address"
    public static let composePrivilegedPorts: RuleID = "compose.privileged-ports"
    public static let composeOpenPorts: RuleID = "compose.open-ports"
    public static let composeDefaultBridge: RuleID = "compose.default-bridge"
}
