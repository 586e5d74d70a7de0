// §5 rules about sharing the host's namespaces: network 5.10, PID 5.16, IPC 5.17, UTS 5.21, user 5.31.

/// One rule type for the five "host namespace is not shared" checks; they differ only in the field judged.
struct HostNamespaceRule: RuntimeCheck {
    let metadata: RuleMetadata
    let composeID: RuleID
    let field: RuntimeSpec.Namespace
    let namespace: LocalizedText
    let examples: [RuleExample]
    let composeExamples: [LintExample]

    init(id: RuleID, composeID: RuleID, cis: String, severity: Severity, field: RuntimeSpec.Namespace, flag: String,
         composeKey: String, namespace: LocalizedText, risk: LocalizedText) {
        self.field = field
        self.namespace = namespace
        self.composeID = composeID
        metadata = RuleMetadata(
            id: id, cis: cis, severity: severity,
            title: .init(en: "The host's \(namespace.en) namespace is not shared", zh: "不共享宿主机的\(namespace.zh)命名空间"),
            rationale: risk,
            remediation: .init(
                en: "Recreate the container without `\(flag)=host` (compose: remove `\(composeKey): host`).",
                zh: "去掉 `\(flag)=host` 重新创建容器（compose 中删除 `\(composeKey): host`）。"),
            references: [Reference.runReference, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "remove \(flag) host", compose: "remove `\(composeKey): host`"))
        let inspectField = field.rawValue
        examples = [
            RuleExample(container: #"{"HostConfig": {"\#(inspectField)": "host"}}"#, expect: .fail),
            RuleExample(container: #"{"HostConfig": {"\#(inspectField)": "host"}, "State": {"Status": "exited", "Running": false}}"#, expect: .fail),
            RuleExample(container: #"{"HostConfig": {"\#(inspectField)": ""}}"#, expect: .pass),
            RuleExample(container: #"{"HostConfig": {"\#(inspectField)": "container:0123abcd"}}"#, expect: .pass),
        ]
        composeExamples = [
            .compose("services:\n  app:\n    image: a:1\n    \(composeKey): host\n", .fail, line: 4),
            .compose("x-base: &base\n  \(composeKey): host\nservices:\n  app:\n    <<: *base\n    image: a:1\n", .fail, line: 2),
            .compose("services:\n  app:\n    image: a:1\n    \(composeKey): \(composeKey == "network_mode" ? "bridge" : "\"\"")\n", .pass),
        ]
    }

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let value = spec.mode(of: field)
        let evidence = [field.rawValue: value.isEmpty ? "(default)" : value]
        if value == "host" {
            return Verdict.fail("shares the host's \(namespace.en) namespace (\(field.rawValue)=host)",
                                "共享宿主机\(namespace.zh)命名空间（\(field.rawValue)=host）", evidence: evidence).at(spec.origin(of: .namespace(field)))
        }
        return .pass("own namespace", "使用独立的命名空间", evidence: evidence)
    }

    static let all: [HostNamespaceRule] = [
        HostNamespaceRule(
            id: .containerHostNetwork, composeID: .composeHostNetwork, cis: "5.10", severity: .high, field: .network, flag: "--network",
            composeKey: "network_mode", namespace: .init(en: "network", zh: "网络"),
            risk: .init(en: "With the host's network namespace the container sees every host interface, can bind any host port and reach services listening on localhost, including the engine's own.",
                        zh: "共享宿主机网络命名空间后，容器可看到宿主机全部网卡、绑定任意端口，并访问仅监听 localhost 的服务（包括引擎本身）。")),
        HostNamespaceRule(
            id: .containerHostPid, composeID: .composeHostPid, cis: "5.16", severity: .high, field: .pid, flag: "--pid",
            composeKey: "pid", namespace: .init(en: "process", zh: "进程"),
            risk: .init(en: "With the host's PID namespace the container sees, and as root can signal or ptrace, every process on the host.",
                        zh: "共享宿主机 PID 命名空间后，容器可看到宿主机所有进程，以 root 身份还可对其发信号或 ptrace。")),
        HostNamespaceRule(
            id: .containerHostIpc, composeID: .composeHostIpc, cis: "5.17", severity: .high, field: .ipc, flag: "--ipc",
            composeKey: "ipc", namespace: .init(en: "IPC", zh: "IPC"),
            risk: .init(en: "With the host's IPC namespace the container can read and write host processes' shared memory and semaphores.",
                        zh: "共享宿主机 IPC 命名空间后，容器可读写宿主机进程的共享内存与信号量。")),
        HostNamespaceRule(
            id: .containerHostUts, composeID: .composeHostUts, cis: "5.21", severity: .medium, field: .uts, flag: "--uts",
            composeKey: "uts", namespace: .init(en: "UTS", zh: "UTS"),
            risk: .init(en: "With the host's UTS namespace the container can change the host's hostname and domain name.",
                        zh: "共享宿主机 UTS 命名空间后，容器可修改宿主机的主机名和域名。")),
        HostNamespaceRule(
            id: .containerHostUserns, composeID: .composeHostUserns, cis: "5.31", severity: .medium, field: .user, flag: "--userns",
            composeKey: "userns_mode", namespace: .init(en: "user", zh: "用户"),
            risk: .init(en: "With --userns=host the container opts out of the daemon's user-namespace remapping, so uid 0 inside is uid 0 on the host.",
                        zh: "使用 --userns=host 会让容器绕过守护进程的用户命名空间映射，容器内 uid 0 即宿主机 uid 0。")),
    ]
}

extension RuleID {
    public static let containerHostNetwork: RuleID = "container.host-network"
    public static let containerHostPid: RuleID = "container.host-pid"
    public static let containerHostIpc: RuleID = "container.host-ipc"
    public static let containerHostUts: RuleID = "container.host-uts"
    public static let containerHostUserns: RuleID = "container.host-userns"
    public static let composeHostNetwork: RuleID = "compose.host-network"
    public static let composeHostPid: RuleID = "compose.host-pid"
    public static let composeHostIpc: RuleID = "compose.host-ipc"
    public static let composeHostUts: RuleID = "compose.host-uts"
    public static let composeHostUserns: RuleID = "compose.host-userns"
}
