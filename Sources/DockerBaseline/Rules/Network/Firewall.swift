import Foundation

// The network layer: what the host's packet filter really lets through to the daemon's API, to published ports,
// out of containers and between them. Each rule asks `HostFilter`, which follows the path a packet takes.

/// Why a network rule cannot judge, if it cannot: no host facts, the filter not examined, or not readable.
private func filterUnavailable(_ context: AuditContext) -> Verdict? {
    guard context.snapshot.host != nil else {
        return .skipped("not checked: the host's packet filter was not collected (remote engine); run on the host or use --root",
                        "未检查：未采集宿主机的包过滤规则（远程引擎）；请在宿主机上运行或使用 --root")
    }
    guard let filter = context.hostFilter else {
        return .skipped("not checked: this snapshot predates packet filter collection", "未检查：该快照早于包过滤规则采集功能")
    }
    if let reason = filter.unreadable { return .error("the packet filter could not be read: \(reason)", "无法读取包过滤规则：\(reason)") }
    return nil
}

/// Evidence every network finding carries: what was read, and what could not be decided.
private func filterEvidence(_ filter: HostFilter, _ exposure: HostFilter.Exposure? = nil) -> [String: String] {
    var evidence = ["packet filter": filter.origins.joined(separator: ", ") + (filter.live ? "" : " (rules files loaded at boot, not the kernel's)")]
    if !filter.problems.isEmpty { evidence["filter problems"] = filter.problems.prefix(5).joined(separator: "; ") }
    if let exposure {
        evidence["reachable from"] = exposure.description
        if !exposure.path.isEmpty { evidence["path"] = exposure.path }
        if !exposure.stoppedBy.isEmpty { evidence["filtered by"] = exposure.stoppedBy.prefix(5).joined(separator: " | ") }
        if !exposure.undecided.isEmpty { evidence["not modelled"] = exposure.undecided.prefix(5).joined(separator: " | ") }
    }
    return evidence
}

/// `0.0.0.0` and `::` (and empty) mean every address of the family.
private func boundAddress(_ text: String?) -> (family: AddressFamily, address: IPAddress?)? {
    let text = text ?? ""
    if text.isEmpty || text == "0.0.0.0" { return (.ipv4, nil) }
    if text == "::" { return (.ipv6, nil) }
    guard let address = IPAddress(text) else { return nil }
    return (address.family, address)
}

private func isLoopback(_ address: IPAddress?) -> Bool {
    guard let address else { return false }
    return address.family == .ipv4 ? address.value >> 24 == 127 : address.value == 1
}

/// Remote API access control (enterprise baseline item 2): every TCP listener of the daemon, judged by the sources
/// the filter lets reach it.
struct APIAccessControlRule: HostRule {
    let metadata = RuleMetadata(
        id: .networkApiAcl, cis: nil, severity: .critical,
        title: .init(en: "The daemon's TCP API is reachable only from an allow-list", zh: "守护进程的 TCP API 仅允许白名单来源访问"),
        rationale: .init(en: "Whoever reaches the Docker API can run a privileged container: root on the host. TLS authenticates clients, but a listener open to every address is still scanned and attacked; the baseline asks for a firewall allow-list in front of 2375/2376.",
                         zh: "能访问 Docker API 的人即可运行特权容器，等同于获得宿主机 root。TLS 可认证客户端，但对所有地址开放的监听仍会被扫描和攻击；基线要求在 2375/2376 前设置防火墙白名单。"),
        remediation: .init(en: "Allow the API port in INPUT only from the management network, e.g. `iptables -A INPUT -p tcp --dport 2376 -s 10.0.0.0/24 -j ACCEPT` then `iptables -A INPUT -p tcp --dport 2376 -j DROP`, or bind dockerd to a management address; keep tlsverify on.",
                           zh: "仅允许管理网段在 INPUT 链访问 API 端口，例如 `iptables -A INPUT -p tcp --dport 2376 -s 10.0.0.0/24 -j ACCEPT`，再 `iptables -A INPUT -p tcp --dport 2376 -j DROP`；或让 dockerd 只绑定管理地址；并保持 tlsverify 开启。"),
        references: [Reference.protectSocket])

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let target = Target.daemon(host)
        // Podman has no dockerd (and no TLS): its API listeners are those of `podman system service`.
        let podman = context.snapshot.identity.kind.isPodman
        guard host.daemon.running || podman else {
            return [Finding(target: target, verdict: .skipped("not checked: dockerd is not running", "未检查：dockerd 未运行"))]
        }
        let server = podman ? "podman" : "dockerd"
        let remote = host.apiListeners.filter { !isLoopback(IPAddress($0.address)) }
        if remote.isEmpty, !podman, let configured = host.tcpHosts.first(where: { !$0.contains("127.0.0.1") && !$0.contains("localhost") && !$0.contains("[::1]") }),
           host.listeners.isEmpty {
            return [Finding(target: target, verdict: .error(
                "dockerd is configured to listen on \(configured), but no listener of its could be read (/proc/\(host.daemon.pid.map(String.init) ?? "PID")/fd needs root)",
                "dockerd 配置为监听 \(configured)，但无法读取其监听（/proc/\(host.daemon.pid.map(String.init) ?? "PID")/fd 需要 root 权限）"))]
        }
        guard !remote.isEmpty else {
            return [Finding(target: target, verdict: .pass("the daemon listens on no TCP address outside loopback", "守护进程未在回环地址以外监听 TCP",
                                                             evidence: ["listeners": host.listeners.map(\.endpoint).joined(separator: ", ").ifEmpty("none")]))]
        }
        if let unavailable = filterUnavailable(context) { return [Finding(target: target, verdict: unavailable)] }
        let filter = context.hostFilter!
        let tls = host.daemon.bool("tlsverify") == true || host.daemon.bool("tls") == true
        return remote.map { listener in
            let listenerTarget = Target(kind: .daemon, id: "\(server) \(listener.endpoint)", name: "\(server) API \(listener.endpoint)")
            guard let bound = boundAddress(listener.address) else {
                return Finding(target: listenerTarget, verdict: .error("unreadable listener address \(listener.address)", "无法解析监听地址 \(listener.address)"))
            }
            // A listener on `::` is dual-stack: IPv4 clients reach it too, through the IPv4 rules.
            let exposure = bound.address == nil && bound.family == .ipv6
                ? filter.reachability(ofLocal: nil, families: [.ipv4, .ipv6], port: listener.port)
                : filter.reachability(ofLocal: bound.address, families: [bound.family], port: listener.port)
            var evidence = filterEvidence(filter, exposure)
            evidence["listener"] = listener.endpoint
            evidence["TLS"] = tls ? "tlsverify on" : "off"
            evidence["probe"] = listener.probe
            if exposure.fromAnywhere {
                let severity: Severity = tls ? .high : .critical
                if !exposure.undecided.isEmpty {
                    return Finding(target: listenerTarget, verdict: .warn(
                        "API \(listener.endpoint) may be reachable from any address: rules the tool does not model decide it (see evidence)",
                        "API \(listener.endpoint) 可能可从任意地址访问：决定结果的规则超出本工具的建模范围（见证据）", evidence: evidence))
                }
                return Finding(target: listenerTarget, verdict: .fail(
                    "API \(listener.endpoint) is reachable from any address\(tls ? " (TLS with client certificates)" : " without TLS"): no INPUT rule restricts it",
                    "API \(listener.endpoint) 可从任意地址访问\(tls ? "（启用了客户端证书 TLS）" : "，且未启用 TLS")：没有 INPUT 规则限制它", severity: severity, evidence: evidence))
            }
            if exposure.fromNowhere {
                return Finding(target: listenerTarget, verdict: .pass("API \(listener.endpoint) is not reachable from outside the host",
                                                                      "API \(listener.endpoint) 无法从宿主机外部访问", evidence: evidence))
            }
            return Finding(target: listenerTarget, verdict: .pass("API \(listener.endpoint) is reachable only from \(exposure.description)",
                                                                  "API \(listener.endpoint) 仅允许以下来源访问：\(exposure.description)", evidence: evidence))
        }
    }

    var examples: [RuleExample] {
        [
            RuleExample(snapshot: FirewallExamples.host(listeners: [("0.0.0.0", 2375)], iptables: FirewallExamples.dockerDefault), expect: .fail),
            RuleExample(snapshot: FirewallExamples.host(listeners: [("0.0.0.0", 2375)], iptables: FirewallExamples.dockerDefault
                .replacingOccurrences(of: ":INPUT ACCEPT [0:0]\n", with: ":INPUT ACCEPT [0:0]\n-A INPUT -s 10.9.0.0/16 -p tcp -m tcp --dport 2375 -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 2375 -j DROP\n")),
                        expect: .pass),
            RuleExample(snapshot: FirewallExamples.host(listeners: [("0.0.0.0", 2375)], iptables: FirewallExamples.dockerDefault
                .replacingOccurrences(of: ":INPUT ACCEPT [0:0]", with: ":INPUT DROP [0:0]")), expect: .pass),
            RuleExample(snapshot: FirewallExamples.host(listeners: [("0.0.0.0", 2375)], iptables: FirewallExamples.dockerDefault
                .replacingOccurrences(of: ":INPUT ACCEPT [0:0]\n", with: ":INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m recent --rcheck -j DROP\n")),
                        expect: .warn),
            RuleExample(snapshot: FirewallExamples.host(listeners: [("127.0.0.1", 2375)], iptables: FirewallExamples.dockerDefault), expect: .pass),
            RuleExample(snapshot: FirewallExamples.host(listeners: [("0.0.0.0", 2375)], iptables: nil), expect: .error),
            // Podman: no dockerd, its own service's listener judged the same way.
            RuleExample(snapshot: FirewallExamples.host(listeners: [("0.0.0.0", 8888)], iptables: FirewallExamples.dockerDefault, podman: true), expect: .fail),
            RuleExample(snapshot: FirewallExamples.host(listeners: [("0.0.0.0", 8888)], iptables: FirewallExamples.dockerDefault
                .replacingOccurrences(of: ":INPUT ACCEPT [0:0]", with: ":INPUT DROP [0:0]"), podman: true), expect: .pass),
        ]
    }
}

/// Published ports (item 3): Docker DNATs them in PREROUTING and forwards them, so INPUT rules never see them;
/// only DOCKER-USER (or an nftables/firewalld forward filter) restricts who reaches them.
struct PublishedPortsRule: Rule {
    let metadata = RuleMetadata(
        id: .networkPublishedPorts, cis: nil, severity: .high,
        title: .init(en: "Published container ports are filtered where Docker forwards them", zh: "已发布的容器端口在 Docker 转发路径上受到过滤"),
        rationale: .init(en: "Docker publishes a port by DNAT in PREROUTING; the packet then goes through FORWARD, never INPUT. An INPUT policy of DROP, ufw or firewalld rules on INPUT do not protect it: only rules in DOCKER-USER (or a forward-hook nftables/firewalld policy) do.",
                         zh: "Docker 通过 PREROUTING 中的 DNAT 发布端口，数据包随后经过 FORWARD 而非 INPUT。INPUT 的 DROP 策略、ufw 或 firewalld 的 INPUT 规则都无法保护它，只有 DOCKER-USER 链（或 forward 钩子上的 nftables/firewalld 策略）中的规则可以。"),
        remediation: .init(en: "Bind the port to an internal address (`-p 10.0.0.5:8080:80`), or restrict sources in DOCKER-USER: `docker-baseline harden --allow-from CIDR` prints the rules (iptables, nft and firewalld forms).",
                           zh: "将端口绑定到内部地址（`-p 10.0.0.5:8080:80`），或在 DOCKER-USER 中限制来源：`docker-baseline harden --allow-from CIDR` 会给出规则（iptables、nft 与 firewalld 三种写法）。"),
        references: [Reference.networking, Reference.packetFiltering])

    func evaluate(_ context: AuditContext) -> [Finding] {
        context.snapshot.containers.map { record in
            Finding(target: .container(record.inspect), verdict: judge(record.inspect, context))
        }
    }

    private func judge(_ container: ContainerInspect, _ context: AuditContext) -> Verdict {
        guard container.state?.running == true else {
            return .skipped("not running: it publishes no port now", "未运行：当前未发布端口")
        }
        if container.hostConfig?.networkMode == "host" {
            return .skipped("uses the host's network: its ports are the host's (see container.host-network)", "使用宿主机网络：其端口即宿主机端口（见 container.host-network）")
        }
        let bindings = (container.networkSettings?.ports ?? [:]).sorted { $0.key < $1.key }.flatMap { port, bindings in
            (bindings ?? []).map { (containerPort: port, binding: $0) }
        }.filter { item in !isLoopback(boundAddress(item.binding.hostIP)?.address) }
        guard !bindings.isEmpty else {
            return .pass("publishes no port outside loopback", "未在回环地址以外发布端口")
        }
        if let unavailable = filterUnavailable(context) { return unavailable }
        let filter = context.hostFilter!
        var open: [String] = [], undecided: [String] = [], restricted: [String] = []
        var evidence = filterEvidence(filter)
        // Docker (rootful, managing iptables) and netavark DNAT every published port; without the rule in what was
        // read (boot files under --root hold no Docker chains), the path the packet takes is not known.
        let dnatExpected = !context.snapshot.identity.kind.isRootless && context.snapshot.host?.daemon.bool("iptables") != false
        for item in bindings {
            let name = "\(item.binding.hostIP.map { $0.isEmpty ? "0.0.0.0" : $0 } ?? "0.0.0.0"):\(item.binding.hostPort ?? "?")->\(item.containerPort)"
            guard let bound = boundAddress(item.binding.hostIP), let hostPort = Int(item.binding.hostPort ?? "") else {
                evidence["\(name) not modelled"] = "the binding's address or port could not be read"
                undecided.append(name)
                continue
            }
            let exposure = filter.reachability(ofPublished: bound.address, family: bound.family, hostPort: hostPort)
            if dnatExpected, !exposure.path.contains("DNAT to") {
                evidence["\(name) not modelled"] = "Docker's DNAT rule for port \(hostPort) is not in the rules read (\(filter.origins.joined(separator: ", ")))"
                undecided.append(name)
                continue
            }
            evidence["\(name) reachable from"] = exposure.description
            if !exposure.path.isEmpty { evidence["\(name) path"] = exposure.path }
            if !exposure.stoppedBy.isEmpty { evidence["\(name) filtered by"] = exposure.stoppedBy.prefix(4).joined(separator: " | ") }
            if !exposure.undecided.isEmpty { evidence["\(name) not modelled"] = exposure.undecided.prefix(4).joined(separator: " | ") }
            if exposure.fromAnywhere { (exposure.undecided.isEmpty ? { open.append(name) } : { undecided.append(name) })() } else { restricted.append(name) }
        }
        if context.snapshot.host?.daemon.bool("iptables") == false {
            evidence["dockerd"] = "--iptables=false: Docker writes no DNAT or filter rule; published ports are served by docker-proxy on the host, so INPUT decides who reaches them"
        }
        let forwarded = evidence.contains { $0.key.hasSuffix(" path") && $0.value.contains("DNAT") }
        let inputNote = forwarded ? inputOnlyNote(filter)
            : LocalizedText(en: "the port is served on the host (no DNAT), so INPUT decides, and nothing there restricts the sources",
                            zh: "端口由宿主机上的进程提供（无 DNAT），由 INPUT 决定，而 INPUT 中没有限制来源的规则")
        if !open.isEmpty {
            return .fail("ports reachable from any address: \(open.joined(separator: ", ")); \(inputNote.en)",
                         "端口可从任意地址访问：\(open.joined(separator: ", "))；\(inputNote.zh)", evidence: evidence)
        }
        if !undecided.isEmpty {
            return .warn("ports that may be reachable from any address (rules not modelled decide): \(undecided.joined(separator: ", "))",
                         "可能可从任意地址访问的端口（由未建模的规则决定）：\(undecided.joined(separator: ", "))", evidence: evidence)
        }
        return .pass("published ports are reachable only from restricted sources: \(restricted.joined(separator: ", "))",
                     "已发布端口仅允许受限来源访问：\(restricted.joined(separator: ", "))", evidence: evidence)
    }

    /// What to tell someone who relies on INPUT.
    private func inputOnlyNote(_ filter: HostFilter) -> LocalizedText {
        let input = filter.rulesets[.ipv4]?.iptablesChain("INPUT")
        if input?.policy == .drop || !(input?.rules.isEmpty ?? true) {
            return .init(en: "the INPUT rules do not apply: Docker DNATs the packets in PREROUTING and they traverse FORWARD; filter them in DOCKER-USER",
                         zh: "INPUT 规则不起作用：Docker 在 PREROUTING 中做了 DNAT，数据包经过 FORWARD；请在 DOCKER-USER 中过滤")
        }
        return .init(en: "nothing in DOCKER-USER or the forward path restricts the sources", zh: "DOCKER-USER 及转发路径上没有任何限制来源的规则")
    }

    var examples: [RuleExample] {
        let published = #"{"NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}, "Networks": {"appnet": {"NetworkID": "n1", "IPAddress": "172.17.0.2"}}}}"#
        let allowList = FirewallExamples.dockerDefault.replacingOccurrences(
            of: "-A DOCKER-USER -j RETURN", with: "-A DOCKER-USER -i eth0 ! -s 10.9.0.0/16 -j DROP\n-A DOCKER-USER -j RETURN")
        return [
            RuleExample(container: published, snapshot: FirewallExamples.host(iptables: FirewallExamples.dockerDefault), expect: .fail),
            // INPUT's DROP policy does not protect a published port.
            RuleExample(container: published, snapshot: FirewallExamples.host(iptables: FirewallExamples.dockerDefault
                .replacingOccurrences(of: ":INPUT ACCEPT [0:0]", with: ":INPUT DROP [0:0]")), expect: .fail),
            RuleExample(container: published, snapshot: FirewallExamples.host(iptables: allowList), expect: .pass),
            RuleExample(container: #"{"NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}}}"#,
                        snapshot: FirewallExamples.host(iptables: FirewallExamples.dockerDefault), expect: .pass),
            RuleExample(container: published, snapshot: FirewallExamples.host(iptables: nil), expect: .error),
            // Rootless: rootlesskit or rootlessport listens on the host port, no DNAT; INPUT decides, both ways.
            RuleExample(container: published, snapshot: FirewallExamples.host(
                iptables: "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n", rootless: true), expect: .fail),
            RuleExample(container: published, snapshot: FirewallExamples.host(
                iptables: "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -s 10.9.0.0/16 -j ACCEPT\nCOMMIT\n", rootless: true), expect: .pass),
        ]
    }
}

/// The DOCKER-USER chain exists and filters something: the place Docker leaves for the administrator's rules.
struct DockerUserChainRule: HostRule {
    let metadata = RuleMetadata(
        id: .networkDockerUserChain, cis: nil, severity: .medium,
        title: .init(en: "The DOCKER-USER chain filters forwarded traffic", zh: "DOCKER-USER 链对转发流量进行过滤"),
        rationale: .init(en: "DOCKER-USER is the only iptables chain Docker runs before its own rules and never rewrites: the place for source allow-lists on published ports and egress limits. Empty, every published port is open to whoever routes to the host.",
                         zh: "DOCKER-USER 是 Docker 在其自身规则之前执行且不会改写的唯一 iptables 链，是为已发布端口设置来源白名单和限制出站的位置。若为空，任何能路由到宿主机的人都能访问已发布端口。"),
        remediation: .init(en: "Add allow-list rules to DOCKER-USER (`docker-baseline harden --allow-from CIDR` prints them) and persist them (iptables-persistent, or a firewalld direct rule / policy).",
                           zh: "在 DOCKER-USER 中加入白名单规则（`docker-baseline harden --allow-from CIDR` 会给出规则）并持久化（iptables-persistent，或 firewalld direct 规则/策略）。"),
        references: [Reference.packetFiltering])

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let target = Target.host
        if let unavailable = filterUnavailable(context) { return [Finding(target: target, verdict: unavailable)] }
        let filter = context.hostFilter!
        var evidence = filterEvidence(filter)
        if host.daemon.bool("iptables") == false {
            return [Finding(target: target, verdict: .skipped(
                "not applicable: dockerd runs with --iptables=false and creates no chains; published ports are then protected only by INPUT rules (see network.published-ports)",
                "不适用：dockerd 以 --iptables=false 运行，不创建任何链；已发布端口此时仅受 INPUT 规则保护（见 network.published-ports）", evidence: evidence))]
        }
        if context.snapshot.identity.kind.isRootless {
            return [Finding(target: target, verdict: .skipped(
                "not applicable: a rootless dockerd writes its chains inside rootlesskit's network namespace; its published ports arrive through rootlesskit on the host, where INPUT decides (see network.published-ports)",
                "不适用：rootless dockerd 的链位于 rootlesskit 的网络命名空间内；其已发布端口经宿主机上的 rootlesskit 进入，由 INPUT 决定（见 network.published-ports）", evidence: evidence))]
        }
        if filter.rulesets[.ipv4]?.tables.contains(where: { $0.name == "nft ip docker-bridges" }) == true, filter.dockerUserChain == nil {
            return [Finding(target: target, verdict: .skipped(
                "not applicable: dockerd uses its nftables firewall backend, which has no DOCKER-USER chain; filter in a table of your own on the forward hook (see network.published-ports for the effect)",
                "不适用：dockerd 使用 nftables 防火墙后端，没有 DOCKER-USER 链；请在自建表的 forward 钩子上过滤（实际效果见 network.published-ports）", evidence: evidence))]
        }
        guard let chain = filter.dockerUserChain else {
            return [Finding(target: target, verdict: .fail("there is no DOCKER-USER chain in the iptables filter table (dockerd has not started, or uses another firewall backend)",
                                                           "iptables filter 表中没有 DOCKER-USER 链（dockerd 尚未启动，或使用了其他防火墙后端）", evidence: evidence))]
        }
        let filtering = chain.rules.filter { rule in !(rule.conditions.isEmpty && rule.action == .returns) && !rule.action.isContinuation }
        evidence["DOCKER-USER"] = chain.rules.isEmpty ? "empty" : chain.rules.prefix(10).map(\.text).joined(separator: " | ")
        if let firewalld = host.packetFilter?.firewalld?.summary { evidence["firewalld"] = firewalld }
        if filtering.isEmpty {
            return [Finding(target: target, verdict: .fail("DOCKER-USER filters nothing (\(chain.rules.count) rule(s), none restricting)",
                                                           "DOCKER-USER 未过滤任何流量（\(chain.rules.count) 条规则，均无限制作用）", evidence: evidence))]
        }
        return [Finding(target: target, verdict: .pass("DOCKER-USER holds \(filtering.count) filtering rule(s)", "DOCKER-USER 包含 \(filtering.count) 条过滤规则",
                                                       evidence: evidence))]
    }

    var examples: [RuleExample] {
        [
            RuleExample(snapshot: FirewallExamples.host(iptables: FirewallExamples.dockerDefault), expect: .fail),
            RuleExample(snapshot: FirewallExamples.host(iptables: FirewallExamples.dockerDefault.replacingOccurrences(
                of: "-A DOCKER-USER -j RETURN", with: "-A DOCKER-USER -i eth0 ! -s 10.9.0.0/16 -j DROP\n-A DOCKER-USER -j RETURN")), expect: .pass),
            RuleExample(snapshot: FirewallExamples.host(iptables: "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"), expect: .fail),
            RuleExample(snapshot: FirewallExamples.host(iptables: nil), expect: .error),
            RuleExample(snapshot: FirewallExamples.host(iptables: FirewallExamples.dockerDefault, rootless: true), expect: .skipped),
        ]
    }
}

/// Container egress (item 3): can a container on a bridge open connections to any destination?
struct ContainerEgressRule: Rule {
    let metadata = RuleMetadata(
        id: .networkContainerEgress, cis: nil, severity: .medium,
        title: .init(en: "Traffic leaving containers is restricted", zh: "容器出站流量受到限制"),
        rationale: .init(en: "By default Docker forwards everything a container sends anywhere. A compromised container then reaches internal services, metadata endpoints and the internet for exfiltration or command and control; the baseline asks which destinations containers may reach.",
                         zh: "默认情况下 Docker 会转发容器发往任何地址的流量。被攻陷的容器可借此访问内部服务、元数据端点以及互联网，用于数据外泄或远程控制；基线要求限制容器可访问的目的地。"),
        remediation: .init(en: "In DOCKER-USER, allow what containers need and drop the rest, e.g. `-A DOCKER-USER -i docker0 -d 10.0.0.0/8 -j RETURN` then `-A DOCKER-USER -i docker0 ! -o docker0 -j DROP` (established replies are accepted by Docker's own rules); or use `--internal` networks.",
                           zh: "在 DOCKER-USER 中仅放行容器需要的目的地并丢弃其余，例如 `-A DOCKER-USER -i docker0 -d 10.0.0.0/8 -j RETURN`，再 `-A DOCKER-USER -i docker0 ! -o docker0 -j DROP`（已建立连接的回包由 Docker 自身规则放行）；或使用 `--internal` 网络。"),
        references: [Reference.packetFiltering])

    func evaluate(_ context: AuditContext) -> [Finding] {
        perBridge(context) { network, address, bridge, filter in
            let exposure = filter.egress(from: address, bridge: bridge)
            var evidence = filterEvidence(filter, exposure)
            evidence["reachable from"] = nil
            evidence["destinations"] = exposure.description
            evidence["bridge"] = bridge
            evidence["probed from"] = address.description
            evidence["ports tried"] = HostFilter.egressPorts.map(String.init).joined(separator: ", ")
            if exposure.fromAnywhere {
                let en = "containers on \(network.name) (\(bridge)) can open connections to any destination"
                let zh = "\(network.name)（\(bridge)）上的容器可连接任意目的地址"
                if context.settings.requireEgressFilter == true, exposure.undecided.isEmpty {
                    return .fail(en, zh, evidence: evidence)
                }
                return .warn(en + "; review whether they need to", zh + "；请评估是否确有必要", evidence: evidence)
            }
            return .pass("egress from \(network.name) is restricted to \(exposure.description)",
                         "\(network.name) 的出站流量仅限：\(exposure.description)", evidence: evidence)
        }
    }

    var examples: [RuleExample] {
        let onBridge = #"{"NetworkSettings": {"Networks": {"appnet": {"NetworkID": "n1", "IPAddress": "172.17.0.2"}}}}"#
        let limited = FirewallExamples.dockerDefault.replacingOccurrences(
            of: "-A DOCKER-USER -j RETURN", with: "-A DOCKER-USER -i docker0 -d 10.0.0.0/8 -j RETURN\n-A DOCKER-USER -i docker0 ! -o docker0 -j DROP\n-A DOCKER-USER -j RETURN")
        return [
            RuleExample(container: onBridge, snapshot: FirewallExamples.host(iptables: FirewallExamples.dockerDefault), expect: .warn),
            RuleExample(container: onBridge, snapshot: FirewallExamples.host(iptables: FirewallExamples.dockerDefault),
                        settings: RuleSettings(requireEgressFilter: true), expect: .fail),
            RuleExample(container: onBridge, snapshot: FirewallExamples.host(iptables: limited),
                        settings: RuleSettings(requireEgressFilter: true), expect: .pass),
            RuleExample(container: onBridge, snapshot: FirewallExamples.host(iptables: nil), expect: .error),
            RuleExample(container: onBridge, snapshot: FirewallExamples.host(iptables: FirewallExamples.dockerDefault, rootless: true), expect: .skipped),
        ]
    }
}

/// Inter-container traffic (item 15, with 2.2): on each bridge, is traffic between containers dropped in effect?
struct InterContainerRule: Rule {
    let metadata = RuleMetadata(
        id: .networkInterContainer, cis: nil, severity: .medium,
        title: .init(en: "Containers on a bridge cannot reach each other unless allowed", zh: "同一网桥上的容器默认无法互相访问"),
        rationale: .init(en: "icc=false (or com.docker.network.bridge.enable_icc=false) works only through a DROP rule between the bridge's own ports, and only when br_netfilter hands bridged packets to the filter (net.bridge.bridge-nf-call-iptables=1). The setting alone proves nothing; tenants sharing a bridge reach each other's services.",
                         zh: "icc=false（或 com.docker.network.bridge.enable_icc=false）只有在网桥端口之间存在 DROP 规则、且 br_netfilter 将桥接数据包交给过滤器（net.bridge.bridge-nf-call-iptables=1）时才生效。仅有配置并不能证明隔离；共享网桥的租户可以互相访问服务。"),
        remediation: .init(en: "Set \"icc\": false in daemon.json (default bridge) or create networks with `-o com.docker.network.bridge.enable_icc=false`; make sure br_netfilter is loaded and net.bridge.bridge-nf-call-iptables=1 (sysctl.d).",
                           zh: "在 daemon.json 中设置 \"icc\": false（默认网桥），或使用 `-o com.docker.network.bridge.enable_icc=false` 创建网络；确保加载 br_netfilter 且 net.bridge.bridge-nf-call-iptables=1（写入 sysctl.d）。"),
        references: [Reference.networking])

    func evaluate(_ context: AuditContext) -> [Finding] {
        perBridge(context) { network, address, bridge, filter in
            let subnet = network.ipam?.config?.compactMap { $0.subnet.flatMap { AddressSet(cidr: $0, family: address.family) } }.first
                ?? AddressSet.single(address)
            // Every other address of the subnet, towards the container's.
            let peers = subnet.subtracting(.single(address))
            let exposure = filter.interContainer(bridge: bridge, subnet: peers, destination: address)
            var evidence = filterEvidence(filter, exposure)
            evidence["bridge"] = bridge
            evidence["setting"] = network.name == "bridge"
                ? "icc=\(context.snapshot.host?.daemon.string("icc") ?? "true (default)")"
                : "enable_icc=\(network.options?["com.docker.network.bridge.enable_icc"] ?? "true (default)")"
            if exposure.fromNowhere {
                return .pass("traffic between containers on \(network.name) is dropped", "\(network.name) 上容器之间的流量被丢弃", evidence: evidence)
            }
            if !exposure.undecided.isEmpty {
                return .warn("containers on \(network.name) may reach each other: rules not modelled decide it",
                             "\(network.name) 上的容器可能可以互相访问：由未建模的规则决定", evidence: evidence)
            }
            return .fail("containers on \(network.name) (\(bridge)) can reach each other (\(exposure.path))",
                         "\(network.name)（\(bridge)）上的容器可以互相访问（\(exposure.path)）", evidence: evidence)
        }
    }

    var examples: [RuleExample] {
        let onBridge = #"{"NetworkSettings": {"Networks": {"appnet": {"NetworkID": "n1", "IPAddress": "172.17.0.2"}}}}"#
        let iccOff = FirewallExamples.dockerDefault.replacingOccurrences(of: "-A FORWARD -i docker0 -o docker0 -j ACCEPT", with: "-A FORWARD -i docker0 -o docker0 -j DROP")
        return [
            RuleExample(container: onBridge, snapshot: FirewallExamples.host(iptables: FirewallExamples.dockerDefault), expect: .fail),
            RuleExample(container: onBridge, snapshot: FirewallExamples.host(iptables: iccOff), expect: .pass),
            // The DROP is there, but br_netfilter is not loaded: bridged packets never meet it.
            RuleExample(container: onBridge, snapshot: FirewallExamples.host(iptables: iccOff, bridgeNetfilter: nil), expect: .fail),
            RuleExample(container: onBridge, snapshot: FirewallExamples.host(iptables: nil), expect: .error),
        ]
    }
}

/// One finding per bridge network that running containers use, judged by `judge` (network, one of its containers'
/// addresses, its Linux bridge, the filter); one for the host when the filter cannot be read or no bridge is in use.
private func perBridge(_ context: AuditContext, _ judge: (NetworkSummary, IPAddress, String, HostFilter) -> Verdict) -> [Finding] {
    if let unavailable = filterUnavailable(context) { return [Finding(target: .host, verdict: unavailable)] }
    if context.snapshot.identity.kind.isRootless {
        return [Finding(target: .host, verdict: .skipped(
            "not applicable: a rootless engine's bridges are inside its own network namespace; containers' traffic leaves the host as the user's own connections (slirp4netns, pasta or rootlesskit), which the host's OUTPUT chain filters",
            "不适用：rootless 引擎的网桥位于其自身网络命名空间内；容器流量以该用户自身连接的形式离开宿主机（slirp4netns、pasta 或 rootlesskit），由宿主机 OUTPUT 链过滤"))]
    }
    let networks = bridgesInUse(context)
    guard let filter = context.hostFilter else { return [] }  // filterUnavailable said why
    guard !networks.isEmpty else {
        return [Finding(target: .host, verdict: .pass("no running container is on a bridge network", "没有运行中的容器连接到网桥网络"))]
    }
    return networks.map { network, address in
        // The host's interface that holds the container's prefix is its bridge, whatever the engine named it
        // (Podman's podman0, a custom bridge name); the name Docker would give it when the interfaces were not read.
        let bridge = filter.interface(routing: address) ?? network.bridgeName ?? "?"
        return Finding(target: Target(kind: .network, id: network.id, name: network.name), verdict: judge(network, address, bridge, filter))
    }
}

/// Running containers' bridge networks, each with one of its containers' addresses.
private func bridgesInUse(_ context: AuditContext) -> [(NetworkSummary, IPAddress)] {
    let byID = Dictionary(context.snapshot.networks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    var found: [String: (NetworkSummary, IPAddress)] = [:]
    for record in context.snapshot.containers where record.inspect.state?.running == true {
        for (_, endpoint) in record.inspect.networkSettings?.networks ?? [:] {
            guard let id = endpoint.networkID, found[id] == nil, let network = byID[id], network.driver == "bridge",
                  let address = endpoint.ipAddress.flatMap(IPAddress.init) ?? endpoint.globalIPv6Address.flatMap(IPAddress.init) else { continue }
            found[id] = (network, address)
        }
    }
    return found.values.sorted { $0.0.name < $1.0.name }
}

/// Snapshots for the network rules' examples: a host with Docker 20.10's chains for the default bridge and one
/// published port (0.0.0.0:8080 → 172.17.0.2:80), an outside interface eth0 and docker0.
enum FirewallExamples {
    static let dockerDefault = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
        -A DOCKER -i docker0 -j RETURN
        -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-ISOLATION-STAGE-1 - [0:0]
        :DOCKER-ISOLATION-STAGE-2 - [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-ISOLATION-STAGE-1
        -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o docker0 -j DOCKER
        -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
        -A FORWARD -i docker0 -o docker0 -j ACCEPT
        -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
        -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -j RETURN
        -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -j RETURN
        -A DOCKER-USER -j RETURN
        COMMIT

        """

    /// A `snapshot` patch: the example host with `iptables` as its live IPv4 rules (nil: nothing could be read);
    /// `rootless`: the engine says it runs rootless (its bridges are then in a namespace of its own); `podman`: the
    /// engine is Podman, and no dockerd runs.
    static func host(listeners: [(String, Int)] = [], iptables: String?, bridgeNetfilter: String? = "1", rootless: Bool = false,
                     podman: Bool = false) -> String {
        var facts = PacketFilterFacts(
            sources: [iptables.map { PacketFilterSource(kind: .iptablesSave, origin: "/usr/sbin/iptables-nft-save", live: true, text: $0) }
                ?? PacketFilterSource(kind: .iptablesSave, origin: "/usr/sbin/iptables-nft-save", live: true, error: "Permission denied (you must be root)")],
            interfaces: [HostInterface(name: "lo", kind: "loopback", addresses: ["127.0.0.1/8"]),
                         HostInterface(name: "eth0", addresses: ["192.0.2.10/24"]),
                         HostInterface(name: "docker0", kind: "bridge", addresses: ["172.17.0.1/16"])],
            sysctls: ["net.ipv4.ip_forward": "1"])
        if let bridgeNetfilter { facts.sysctls["net.bridge.bridge-nf-call-iptables"] = bridgeNetfilter }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let filter = String(decoding: try! encoder.encode(facts), as: UTF8.self)
        let listenerJSON = listeners.map { #"{"address": "\#($0.0)", "port": \#($0.1), "probe": "answered over HTTP", "unauthenticated": true}"# }
        let networks = #"[{"Id": "n1", "Name": "bridge", "Driver": "bridge", "Scope": "local", "Options": {"com.docker.network.bridge.name": "docker0"}, "IPAM": {"Config": [{"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}]}}]"#
        let info = rootless ? #""info": {"SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless"]}, "# : ""
        let engine = podman ? #""engine": {"Version": "4.3.1", "Components": [{"Name": "Podman Engine", "Version": "4.3.1"}]}, "# : ""
        let daemon = podman ? #""daemon": {"running": false}, "# : ""
        return #"{\#(info)\#(engine)"networks": \#(networks), "host": {\#(daemon)"packetFilter": \#(filter), "listeners": [\#(listenerJSON.joined(separator: ", "))]}}"#
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}

extension RuleID {
    public static let networkApiAcl: RuleID = "network.api-acl"
    public static let networkPublishedPorts: RuleID = "network.published-ports"
    public static let networkDockerUserChain: RuleID = "network.docker-user-chain"
    public static let networkContainerEgress: RuleID = "network.container-egress"
    public static let networkInterContainer: RuleID = "network.inter-container"
}
