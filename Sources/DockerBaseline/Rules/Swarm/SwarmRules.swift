import Foundation

// §7 swarm configuration, judged from what a manager reports (Snapshot.swarm) and the daemon's listeners.

/// A rule about the swarm: not applicable without swarm mode, and only a manager can answer it.
protocol SwarmRule: Rule {
    func judge(_ swarm: SwarmFacts, in context: AuditContext) -> [Finding]
}

extension SwarmRule {
    func evaluate(_ context: AuditContext) -> [Finding] {
        let snapshot = context.snapshot
        let target = Target.swarm(snapshot)
        if let reason = snapshot.engineUnavailable {
            return [Finding(target: target, verdict: .skipped("not checked: \(reason)", "未检查：没有运行中的 Docker 引擎"))]
        }
        guard snapshot.info.swarm?.localNodeState == "active" else {
            return [Finding(target: target, verdict: .skipped("not applicable: swarm mode is not active", "不适用：未启用 Swarm 模式"))]
        }
        guard let swarm = snapshot.swarm else {
            return [Finding(target: target, verdict: .skipped("not checked: this node is a worker; audit a manager for the swarm's settings",
                                                              "未检查：本节点为工作节点，请在管理节点上审计集群设置"))]
        }
        return judge(swarm, in: context)
    }
}

extension Target {
    static func swarm(_ snapshot: Snapshot) -> Target {
        let id = snapshot.swarm?.swarm?.id ?? "swarm"
        return Target(kind: .swarm, id: id, name: "swarm \(id.prefix(12))")
    }
}

private func swarmMetadata(_ id: RuleID, _ cis: String, manual: Bool = false, _ severity: Severity, _ title: LocalizedText,
                           _ rationale: LocalizedText, _ remediation: LocalizedText) -> RuleMetadata {
    RuleMetadata(id: id, cis: cis, severity: severity, manual: manual, title: title, rationale: rationale,
                        remediation: remediation, references: [Reference.swarm, Reference.cisDocker])
}

/// An active manager's snapshot patch, with `swarm` facts merged in.
private func activeSwarm(_ swarm: String = "{}", info: String = "") -> String {
    #"{"info": {"Swarm": {"LocalNodeState": "active", "ControlAvailable": true\#(info)}}, "swarm": \#(swarm)}"#
}

private let baseSwarm = #"{"nodes": [], "problems": []"#

struct SwarmManagersRule: SwarmRule {
    let metadata = swarmMetadata(
        .swarmManagers, "7.1", .medium,
        .init(en: "The minimum number of manager nodes have been created in a swarm", zh: "集群只创建所需最少数量的管理节点"),
        .init(en: "Raft needs a majority of managers: an even number tolerates no more failures than one fewer, and every extra manager is one more place holding the cluster's keys.",
              zh: "Raft 需要多数管理节点在线：偶数个管理节点的容错能力并不比少一个时更强，而每多一个管理节点就多一处保存集群密钥的位置。"),
        .init(en: "Keep an odd number of managers (1, 3 or 5; at most 7): docker node demote NODE.",
              zh: "保持奇数个管理节点（1、3 或 5，最多 7 个）：docker node demote 节点名。"))
    let examples = [
        RuleExample(snapshot: activeSwarm(baseSwarm + #", "nodes": [{"ID": "a", "Spec": {"Role": "manager"}}]}"#), expect: .pass),
        RuleExample(snapshot: activeSwarm(baseSwarm + #", "nodes": [{"ID": "a", "Spec": {"Role": "manager"}}, {"ID": "b", "Spec": {"Role": "manager"}}, {"ID": "c", "Spec": {"Role": "worker"}}]}"#), expect: .fail),
        RuleExample(expect: .skipped),
    ]

    func judge(_ swarm: SwarmFacts, in context: AuditContext) -> [Finding] {
        let managers = swarm.nodes.filter(\.isManager).count
        let evidence = ["managers": String(managers), "nodes": String(swarm.nodes.count)]
        let verdict: Verdict
        if managers == 0 {
            verdict = .error("no node list: \(swarm.problems.joined(separator: "; "))", "无法读取节点列表", evidence: evidence)
        } else if managers % 2 == 0 {
            verdict = .fail("\(managers) managers: an even number adds no fault tolerance", "\(managers) 个管理节点：偶数个不会提高容错能力", evidence: evidence)
        } else if managers > 7 {
            verdict = .warn("\(managers) managers: more than Raft needs", "\(managers) 个管理节点：超过 Raft 所需", evidence: evidence)
        } else {
            verdict = .pass("\(managers) manager(s)", "\(managers) 个管理节点", evidence: evidence)
        }
        return [Finding(target: .swarm(context.snapshot), verdict: verdict)]
    }
}

struct SwarmListenAddressRule: SwarmRule {
    let metadata = swarmMetadata(
        .swarmListenAddress, "7.2", .medium,
        .init(en: "Swarm services are bound to a specific host interface", zh: "Swarm 服务绑定到指定的宿主机网卡"),
        .init(en: "The swarm management port 2377 listening on every interface exposes the control plane to every network the host is on.",
              zh: "Swarm 管理端口 2377 在所有网卡上监听，会把控制平面暴露给主机所在的所有网络。"),
        .init(en: "Initialise or join with --listen-addr ADDRESS:2377 on the management interface.",
              zh: "初始化或加入集群时使用 --listen-addr 地址:2377 绑定到管理网卡。"))
    let examples = [
        RuleExample(snapshot: activeSwarm(baseSwarm + "}") .replacingOccurrences(of: #""swarm": "#, with: #""host": {"listeners": [{"address": "10.0.0.5", "port": 2377, "probe": "x"}]}, "swarm": "#), expect: .pass),
        RuleExample(snapshot: activeSwarm(baseSwarm + "}") .replacingOccurrences(of: #""swarm": "#, with: #""host": {"listeners": [{"address": "::", "port": 2377, "probe": "x"}]}, "swarm": "#), expect: .fail),
    ]

    func judge(_ swarm: SwarmFacts, in context: AuditContext) -> [Finding] {
        let target = Target.swarm(context.snapshot)
        guard let host = context.snapshot.host else {
            return [Finding(target: target, verdict: .skipped("not checked: the host's sockets were not read", "未检查：未读取宿主机套接字"))]
        }
        let listeners = host.listeners.filter { $0.port == 2377 }
        let evidence = ["2377": listEvidence(listeners.map(\.endpoint))]
        guard !listeners.isEmpty else {
            return [Finding(target: target, verdict: .warn("no listener on 2377 found for this daemon: check --listen-addr", "未找到该守护进程在 2377 上的监听：请检查 --listen-addr", evidence: evidence))]
        }
        if listeners.contains(where: { ["0.0.0.0", "::"].contains($0.address) }) {
            return [Finding(target: target, verdict: .fail("the swarm port listens on every interface", "Swarm 端口在所有网卡上监听", evidence: evidence))]
        }
        return [Finding(target: target, verdict: .pass("bound to \(listeners.map(\.endpoint).joined(separator: ", "))", "已绑定到 \(listeners.map(\.endpoint).joined(separator: ", "))", evidence: evidence))]
    }
}

struct SwarmEncryptedOverlaysRule: SwarmRule {
    let metadata = swarmMetadata(
        .swarmEncryptedOverlays, "7.3", .medium,
        .init(en: "All Docker swarm overlay networks are encrypted", zh: "所有 Swarm overlay 网络均已加密"),
        .init(en: "Traffic between containers on different nodes crosses the hosts' network in clear unless the overlay is encrypted (IPsec).",
              zh: "overlay 网络未加密时，不同节点上容器之间的流量以明文经过宿主机网络（加密使用 IPsec）。"),
        .init(en: "Create overlays with --opt encrypted (docker network create -d overlay --opt encrypted NAME); recreate the ingress network the same way.",
              zh: "创建 overlay 时使用 --opt encrypted（docker network create -d overlay --opt encrypted 名称）；ingress 网络同样需要重建。"))
    let examples = [
        RuleExample(snapshot: #"{"info": {"Swarm": {"LocalNodeState": "active", "ControlAvailable": true}}, "swarm": {"nodes": [], "problems": []}, "networks": [{"Id": "o1", "Name": "backend", "Driver": "overlay", "Options": {"encrypted": ""}}]}"#, expect: .pass),
        RuleExample(snapshot: #"{"info": {"Swarm": {"LocalNodeState": "active", "ControlAvailable": true}}, "swarm": {"nodes": [], "problems": []}, "networks": [{"Id": "o1", "Name": "backend", "Driver": "overlay", "Options": {}}]}"#, expect: .fail),
    ]

    func judge(_ swarm: SwarmFacts, in context: AuditContext) -> [Finding] {
        let overlays = context.snapshot.networks.filter { $0.driver == "overlay" }
        guard !overlays.isEmpty else {
            return [Finding(target: .swarm(context.snapshot), verdict: .pass("no overlay networks", "没有 overlay 网络"))]
        }
        return overlays.sorted { $0.name < $1.name }.map { network in
            let target = Target(kind: .network, id: network.id, name: network.name)
            let evidence = ["driver": "overlay", "options": listEvidence((network.options ?? [:]).keys.sorted())]
            if network.options?["encrypted"] != nil {
                return Finding(target: target, verdict: .pass("encrypted", "已加密", evidence: evidence))
            }
            if network.ingress == true || network.name == "ingress" {
                return Finding(target: target, verdict: .fail("the ingress network is not encrypted (published service traffic crosses it)",
                                                              "ingress 网络未加密（发布服务的流量经过该网络）", severity: .low, evidence: evidence))
            }
            return Finding(target: target, verdict: .fail("overlay network not encrypted", "overlay 网络未加密", evidence: evidence))
        }
    }
}

struct SwarmSecretsRule: SwarmRule {
    let metadata = swarmMetadata(
        .swarmSecrets, "7.4", manual: true, .low,
        .init(en: "Docker's secret management commands are used for managing secrets in a swarm cluster", zh: "使用 Docker secret 管理集群中的密钥"),
        .init(en: "Swarm secrets are encrypted in the Raft log and mounted only into the services that need them, unlike environment variables.",
              zh: "Swarm secret 在 Raft 日志中加密保存，只挂载到需要的服务中，而环境变量做不到这一点。"),
        .init(en: "Move credentials from environment variables and images into docker secret create, and give them to services with --secret.",
              zh: "把凭据从环境变量和镜像中移到 docker secret create，并通过 --secret 提供给服务。"))
    let examples = [
        RuleExample(snapshot: activeSwarm(baseSwarm + #", "secretCount": 3}"#), expect: .pass),
        RuleExample(snapshot: activeSwarm(baseSwarm + #", "secretCount": 0}"#), expect: .warn),
    ]

    func judge(_ swarm: SwarmFacts, in context: AuditContext) -> [Finding] {
        let target = Target.swarm(context.snapshot)
        guard let count = swarm.secretCount else {
            return [Finding(target: target, verdict: .error("the secret list could not be read", "无法读取 secret 列表"))]
        }
        if count > 0 { return [Finding(target: target, verdict: .pass("\(count) secret(s) in use", "使用了 \(count) 个 secret", evidence: ["secrets": String(count)]))] }
        return [Finding(target: target, verdict: .warn("no swarm secrets: check that services do not carry credentials in their environment",
                                                       "没有 Swarm secret：请确认服务未在环境变量中携带凭据", evidence: ["secrets": "0"]))]
    }
}

struct SwarmAutolockRule: SwarmRule {
    let metadata = swarmMetadata(
        .swarmAutolock, "7.5", .medium,
        .init(en: "Swarm manager is run in auto-lock mode", zh: "Swarm 管理节点以自动锁定模式运行"),
        .init(en: "Without autolock, the keys that decrypt the Raft log (and every secret in it) are on the manager's disk, readable by anyone who gets the disk.",
              zh: "未启用自动锁定时，解密 Raft 日志（及其中所有 secret）的密钥保存在管理节点磁盘上，拿到磁盘的人都能读取。"),
        .init(en: "docker swarm update --autolock=true, and keep the unlock key outside the cluster.",
              zh: "执行 docker swarm update --autolock=true，并把解锁密钥保存在集群之外。"))
    let examples = [
        RuleExample(snapshot: activeSwarm(baseSwarm + #", "swarm": {"Spec": {"EncryptionConfig": {"AutoLockManagers": true}}}}"#), expect: .pass),
        RuleExample(snapshot: activeSwarm(baseSwarm + #", "swarm": {"Spec": {"EncryptionConfig": {"AutoLockManagers": false}}}}"#), expect: .fail),
    ]

    func judge(_ swarm: SwarmFacts, in context: AuditContext) -> [Finding] {
        let target = Target.swarm(context.snapshot)
        guard let locked = swarm.swarm?.spec?.encryptionConfig?.autoLockManagers else {
            return [Finding(target: target, verdict: .error("the swarm's encryption settings could not be read", "无法读取集群加密设置"))]
        }
        let evidence = ["AutoLockManagers": String(locked)]
        return [Finding(target: target, verdict: locked ? .pass("autolock is on", "已启用自动锁定", evidence: evidence)
                                                       : .fail("autolock is off", "未启用自动锁定", evidence: evidence))]
    }
}

struct SwarmUnlockKeyRotationRule: SwarmRule {
    let metadata = swarmMetadata(
        .swarmUnlockKeyRotation, "7.6", manual: true, .low,
        .init(en: "The Swarm manager auto-lock key is rotated periodically", zh: "定期轮换 Swarm 管理节点自动锁定密钥"),
        .init(en: "An unlock key that never changes stays valid for anyone who ever saw it.", zh: "从不更换的解锁密钥对所有曾经见过它的人都一直有效。"),
        .init(en: "Rotate it on a schedule: docker swarm unlock-key --rotate.", zh: "定期执行 docker swarm unlock-key --rotate 轮换密钥。"))
    let examples = [RuleExample(snapshot: activeSwarm(baseSwarm + "}"), expect: .warn)]

    func judge(_ swarm: SwarmFacts, in context: AuditContext) -> [Finding] {
        [Finding(target: .swarm(context.snapshot), verdict: .warn(
            "review: the engine does not record when the unlock key was last rotated; rotate it on a schedule",
            "需人工核查：引擎不记录解锁密钥的上次轮换时间，请定期轮换"))]
    }
}

struct SwarmNodeCertificateRule: SwarmRule {
    let metadata = swarmMetadata(
        .swarmNodeCertExpiry, "7.7", .low,
        .init(en: "Node certificates are rotated as appropriate", zh: "按需轮换节点证书"),
        .init(en: "Node certificates are the nodes' identities; a long expiry leaves a stolen one usable for longer.",
              zh: "节点证书即节点身份，有效期越长，被盗证书可被利用的时间就越长。"),
        .init(en: "docker swarm update --cert-expiry 2160h (90 days) or shorter.", zh: "执行 docker swarm update --cert-expiry 2160h（90 天）或更短。"))
    let examples = [
        RuleExample(snapshot: activeSwarm(baseSwarm + #", "swarm": {"Spec": {"CAConfig": {"NodeCertExpiry": 7776000000000000}}}}"#), expect: .pass),
        RuleExample(snapshot: activeSwarm(baseSwarm + #", "swarm": {"Spec": {"CAConfig": {"NodeCertExpiry": 31536000000000000}}}}"#), expect: .fail),
    ]

    func judge(_ swarm: SwarmFacts, in context: AuditContext) -> [Finding] {
        let target = Target.swarm(context.snapshot)
        guard let nanoseconds = swarm.swarm?.spec?.caConfig?.nodeCertExpiry else {
            return [Finding(target: target, verdict: .error("the swarm's CA settings could not be read", "无法读取集群 CA 设置"))]
        }
        let days = Int(nanoseconds / 86_400_000_000_000)
        let limit = context.settings.nodeCertMaxDays
        let evidence = ["NodeCertExpiry": "\(days) days", "limit": "\(limit) days (--node-cert-max-days)"]
        if days <= limit { return [Finding(target: target, verdict: .pass("node certificates expire after \(days) days", "节点证书 \(days) 天后过期", evidence: evidence))] }
        return [Finding(target: target, verdict: .fail("node certificates live \(days) days, more than \(limit)", "节点证书有效期 \(days) 天，超过 \(limit) 天", evidence: evidence))]
    }
}

struct SwarmRootCARule: SwarmRule {
    let metadata = swarmMetadata(
        .swarmCaRotation, "7.8", manual: true, .low,
        .init(en: "CA certificates are rotated as appropriate", zh: "按需轮换 CA 证书"),
        .init(en: "The swarm's root CA signs every node certificate; rotating it periodically limits what a leaked CA key can do.",
              zh: "Swarm 根 CA 为所有节点证书签名，定期轮换可限制 CA 私钥泄露的影响。"),
        .init(en: "docker swarm ca --rotate (at least yearly, and at once after any suspected compromise).", zh: "执行 docker swarm ca --rotate（至少每年一次，怀疑泄露时立即执行）。"))
    let examples = [
        RuleExample(snapshot: activeSwarm(baseSwarm + #", "rootCANotBefore": "2025-10-01T00:00:00Z"}"#), expect: .pass),
        RuleExample(snapshot: activeSwarm(baseSwarm + #", "rootCANotBefore": "2023-01-01T00:00:00Z"}"#), expect: .warn),
        RuleExample(snapshot: activeSwarm(baseSwarm + "}"), expect: .error),
    ]

    func judge(_ swarm: SwarmFacts, in context: AuditContext) -> [Finding] {
        let target = Target.swarm(context.snapshot)
        let parser = ISO8601DateFormatter()
        guard let since = swarm.rootCANotBefore.flatMap(parser.date(from:)), let now = parser.date(from: context.snapshot.collectedAt) else {
            return [Finding(target: target, verdict: .error("the root CA certificate could not be read", "无法读取根 CA 证书"))]
        }
        let days = Int(now.timeIntervalSince(since) / 86_400)
        let evidence = ["root CA valid from": swarm.rootCANotBefore!, "age": "\(days) days"]
        if days > 365 {
            return [Finding(target: target, verdict: .warn("the root CA is \(days) days old: rotate it", "根 CA 已使用 \(days) 天：请轮换", evidence: evidence))]
        }
        return [Finding(target: target, verdict: .pass("the root CA is \(days) days old", "根 CA 已使用 \(days) 天", evidence: evidence))]
    }
}

struct SwarmTrafficSeparationRule: SwarmRule {
    let metadata = swarmMetadata(
        .swarmTrafficSeparation, "7.9", manual: true, .low,
        .init(en: "Management plane traffic is separated from data plane traffic", zh: "管理平面流量与数据平面流量分离"),
        .init(en: "With control and data traffic on one interface, a flood of application traffic can starve the managers, and the control plane is reachable from the application network.",
              zh: "控制流量与数据流量共用一个网卡时，大量业务流量可能挤占管理节点，控制平面也可从业务网络访问。"),
        .init(en: "Give the swarm a separate data path: --advertise-addr on the management interface and --data-path-addr on the data interface.",
              zh: "为集群分离数据通路：--advertise-addr 使用管理网卡，--data-path-addr 使用数据网卡。"))
    let examples = [RuleExample(snapshot: activeSwarm(baseSwarm + "}", info: #", "NodeAddr": "10.0.0.5""#), expect: .warn)]

    func judge(_ swarm: SwarmFacts, in context: AuditContext) -> [Finding] {
        let advertised = context.snapshot.info.swarm?.nodeAddr ?? "unknown"
        return [Finding(target: .swarm(context.snapshot), verdict: .warn(
            "review: management traffic is advertised on \(advertised); the engine does not report a separate data path address here, check --data-path-addr",
            "需人工核查：管理流量通告地址为 \(advertised)；引擎未报告独立的数据通路地址，请检查 --data-path-addr",
            evidence: ["advertise address": advertised]))]
    }
}

extension RuleID {
    public static let swarmManagers: RuleID = "swarm.managers"
    public static let swarmListenAddress: RuleID = "swarm.listen-address"
    public static let swarmEncryptedOverlays: RuleID = "swarm.encrypted-overlays"
    public static let swarmSecrets: RuleID = "swarm.secrets"
    public static let swarmAutolock: RuleID = "swarm.autolock"
    public static let swarmUnlockKeyRotation: RuleID = "swarm.unlock-key-rotation"
    public static let swarmNodeCertExpiry: RuleID = "swarm.node-cert-expiry"
    public static let swarmCaRotation: RuleID = "swarm.ca-rotation"
    public static let swarmTrafficSeparation: RuleID = "swarm.traffic-separation"
}
