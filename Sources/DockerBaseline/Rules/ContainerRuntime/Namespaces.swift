// §5 rules about sharing the host's namespaces: network 5.10, PID 5.16, IPC 5.17, UTS 5.21, user 5.31.

/// One rule type for the five "host namespace is not shared" checks; they differ only in the field judged.
struct HostNamespaceRule: ContainerRule {
    let metadata: RuleMetadata
    let field: String
    let namespace: LocalizedText
    let mode: @Sendable (HostConfig) -> String?
    let examples: [RuleExample]

    init(id: String, cis: String, cisCE: String, severity: Severity, field: String, flag: String, composeKey: String,
         namespace: LocalizedText, risk: LocalizedText, mode: @escaping @Sendable (HostConfig) -> String?) {
        self.field = field
        self.namespace = namespace
        self.mode = mode
        metadata = RuleMetadata(
            id: id, cis: cis, cisCE: cisCE, severity: severity,
            title: .init(en: "The host's \(namespace.en) namespace is not shared", zh: "不共享宿主机的\(namespace.zh)命名空间"),
            rationale: risk,
            remediation: .init(
                en: "Recreate the container without `\(flag)=host` (compose: remove `\(composeKey): host`).",
                zh: "去掉 `\(flag)=host` 重新创建容器（compose 中删除 `\(composeKey): host`）。"),
            references: [Reference.runReference, Reference.cisDocker])
        examples = [
            RuleExample(container: #"{"HostConfig": {"\#(field)": "host"}}"#, expect: .fail),
            RuleExample(container: #"{"HostConfig": {"\#(field)": "host"}, "State": {"Status": "exited", "Running": false}}"#, expect: .fail),
            RuleExample(container: #"{"HostConfig": {"\#(field)": ""}}"#, expect: .pass),
            RuleExample(container: #"{"HostConfig": {"\#(field)": "container:0123abcd"}}"#, expect: .pass),
        ]
    }

    func judge(_ container: ContainerRecord, in context: AuditContext) -> Verdict {
        guard let host = container.inspect.hostConfig else { return .notReported("HostConfig") }
        let value = mode(host) ?? ""
        let evidence = [field: value.isEmpty ? "(default)" : value]
        if value == "host" {
            return .fail("shares the host's \(namespace.en) namespace (\(field)=host)",
                         "共享宿主机\(namespace.zh)命名空间（\(field)=host）", evidence: evidence)
        }
        return .pass("own namespace", "使用独立的命名空间", evidence: evidence)
    }

    static let all: [HostNamespaceRule] = [
        HostNamespaceRule(
            id: "container.host-network", cis: "5.10", cisCE: "5.9", severity: .high, field: "NetworkMode", flag: "--network",
            composeKey: "network_mode", namespace: .init(en: "network", zh: "网络"),
            risk: .init(en: "With the host's network namespace the container sees every host interface, can bind any host port and reach services listening on localhost, including the engine's own.",
                        zh: "共享宿主机网络命名空间后，容器可看到宿主机全部网卡、绑定任意端口，并访问仅监听 localhost 的服务（包括引擎本身）。"),
            mode: { $0.networkMode }),
        HostNamespaceRule(
            id: "container.host-pid", cis: "5.16", cisCE: "5.15", severity: .high, field: "PidMode", flag: "--pid",
            composeKey: "pid", namespace: .init(en: "process", zh: "进程"),
            risk: .init(en: "With the host's PID namespace the container sees, and as root can signal or ptrace, every process on the host.",
                        zh: "共享宿主机 PID 命名空间后，容器可看到宿主机所有进程，以 root 身份还可对其发信号或 ptrace。"),
            mode: { $0.pidMode }),
        HostNamespaceRule(
            id: "container.host-ipc", cis: "5.17", cisCE: "5.16", severity: .high, field: "IpcMode", flag: "--ipc",
            composeKey: "ipc", namespace: .init(en: "IPC", zh: "IPC"),
            risk: .init(en: "With the host's IPC namespace the container can read and write host processes' shared memory and semaphores.",
                        zh: "共享宿主机 IPC 命名空间后，容器可读写宿主机进程的共享内存与信号量。"),
            mode: { $0.ipcMode }),
        HostNamespaceRule(
            id: "container.host-uts", cis: "5.21", cisCE: "5.20", severity: .medium, field: "UTSMode", flag: "--uts",
            composeKey: "uts", namespace: .init(en: "UTS", zh: "UTS"),
            risk: .init(en: "With the host's UTS namespace the container can change the host's hostname and domain name.",
                        zh: "共享宿主机 UTS 命名空间后，容器可修改宿主机的主机名和域名。"),
            mode: { $0.utsMode }),
        HostNamespaceRule(
            id: "container.host-userns", cis: "5.31", cisCE: "5.30", severity: .medium, field: "UsernsMode", flag: "--userns",
            composeKey: "userns_mode", namespace: .init(en: "user", zh: "用户"),
            risk: .init(en: "With --userns=host the container opts out of the daemon's user-namespace remapping, so uid 0 inside is uid 0 on the host.",
                        zh: "使用 --userns=host 会让容器绕过守护进程的用户命名空间映射，容器内 uid 0 即宿主机 uid 0。"),
            mode: { $0.usernsMode }),
    ]
}
