// §3: owner and permissions of the daemon's files. Modes are judged as bit masks: a file fails when it has any
// permission bit outside the allowed ones (`mode & ~allowed != 0`), so 0606 does not "pass" 0644 as it does when
// modes are compared as numbers.

/// One §3 item: the files playing `role` (`docker.service`, `TLS server key`, …) must be owned as given, or have no
/// permission bits beyond `allowedMode`.
struct FileRule: HostRule {
    enum Check: Sendable {
        case owner(user: String, group: String)
        case mode(Int)
    }

    let metadata: RuleMetadata
    let role: FileRole
    let check: Check
    let examples: [RuleExample]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let matching = host.files.filter { $0.role == role }
        let present = matching.filter(\.exists)
        guard !present.isEmpty else {
            let looked = matching.isEmpty ? "" : " (looked for \(listEvidence(matching.map(\.path))))"
            return [Finding(target: .file(matching.first?.path ?? role.rawValue), verdict: .skipped(
                "not applicable: no \(role.rawValue) on this host\(looked)", "不适用：该主机上没有 \(role.rawValue)\(looked)"))]
        }
        // A rootless dockerd's socket and daemon.json are its user's, not root's and the docker group's.
        if context.snapshot.identity.kind == .dockerRootless, case .owner = check, [.dockerSocket, .daemonJSON].contains(role) {
            return present.map { Finding(target: .file($0.path), verdict: judgeRootless($0, uid: host.engineProcess?.uid)) }
        }
        return present.map { Finding(target: .file($0.path), verdict: judge($0)) }
    }

    /// Owned by the rootless daemon's user (any user but root when that user is unknown).
    func judgeRootless(_ file: FileFacts, uid expected: Int?) -> Verdict {
        if let error = file.error { return .error("could not examine \(file.path): \(error)", "无法检查 \(file.path)：\(error)") }
        guard let uid = file.uid else { return .error("no owner for \(file.path)", "无法获取 \(file.path) 的属主") }
        let owner = "\(file.owner ?? String(uid)):\(file.group ?? file.gid.map(String.init) ?? "?")"
        let evidence = ["owner": owner, "mode": file.octalMode, "engine": "Docker rootless"]
        let matches = expected.map { uid == $0 } ?? (uid != 0)
        if matches { return .pass("owned by \(owner), the rootless daemon's user", "属主为 rootless 守护进程的用户 \(owner)", evidence: evidence) }
        return .fail("owned by \(owner), not the rootless daemon's user\(expected.map { " (uid \($0))" } ?? "")",
                     "属主为 \(owner)，不是 rootless 守护进程的用户\(expected.map { "（uid \($0)）" } ?? "")", evidence: evidence)
    }

    func judge(_ file: FileFacts) -> Verdict {
        if let error = file.error { return .error("could not examine \(file.path): \(error)", "无法检查 \(file.path)：\(error)") }
        guard let mode = file.mode, let uid = file.uid, let gid = file.gid else { return .error("no owner or mode for \(file.path)", "无法获取 \(file.path) 的属主或权限") }
        let owner = "\(file.owner ?? String(uid)):\(file.group ?? String(gid))"
        let evidence = ["owner": owner, "mode": file.octalMode, "type": file.type ?? "?"]
        switch check {
        case let .owner(user, group):
            // root is judged by uid and gid 0, whatever /etc/passwd calls them; other groups by name.
            let userOK = user == "root" ? uid == 0 : file.owner == user
            let groupOK = group == "root" ? gid == 0 : file.group == group
            if userOK && groupOK { return .pass("owned by \(owner)", "属主为 \(owner)", evidence: evidence) }
            return .fail("owned by \(owner), not \(user):\(group)", "属主为 \(owner)，应为 \(user):\(group)", evidence: evidence)
        case let .mode(allowed):
            let extra = mode & ~allowed
            if extra == 0 { return .pass("mode \(file.octalMode)", "权限 \(file.octalMode)", evidence: evidence) }
            let bits = "0" + String(extra, radix: 8)
            return .fail("mode \(file.octalMode) grants \(bits) beyond 0\(String(allowed, radix: 8))",
                         "权限 \(file.octalMode) 超出 0\(String(allowed, radix: 8))（多出 \(bits)）",
                         evidence: evidence.merging(["excess bits": bits]) { a, _ in a })
        }
    }

    static func pair(ownerID: RuleID, modeID: RuleID, ownerCIS: String, modeCIS: String,
                     role: FileRole, name: LocalizedText, user: String = "root", group: String = "root", mode: Int,
                     why: LocalizedText) -> [FileRule] {
        let octal = String(mode, radix: 8)
        let path = "/example/\(role.rawValue.replacingOccurrences(of: " ", with: "-"))"
        func example(_ owner: (Int, String, Int, String), _ fileMode: Int) -> String {
            #"{"host": {"files": [{"path": "\#(path)", "role": "\#(role.rawValue)", "exists": true, "type": "file", "mode": \#(fileMode), "uid": \#(owner.0), "owner": "\#(owner.1)", "gid": \#(owner.2), "group": "\#(owner.3)"}]}}"#
        }
        let rightOwner = (0, "root", group == "root" ? 0 : 999, group)
        let ownerRule = FileRule(
            metadata: RuleMetadata(
                id: ownerID, cis: ownerCIS, severity: .medium,
                title: .init(en: "\(name.en) ownership is set to \(user):\(group)", zh: "\(name.zh)的属主设置为 \(user):\(group)"),
                rationale: why,
                remediation: .init(en: "chown \(user):\(group) <path>", zh: "执行 chown \(user):\(group) <路径>"),
                references: [Reference.cisDocker]).fixed(by: .fileOwner(user: user, group: group)),
            role: role, check: .owner(user: user, group: group),
            examples: [
                RuleExample(snapshot: example(rightOwner, mode), expect: .pass),
                RuleExample(snapshot: example((1000, "alice", 1000, "alice"), mode), expect: .fail),
                RuleExample(snapshot: #"{"host": {"files": [{"path": "\#(path)", "role": "\#(role.rawValue)", "exists": false}]}}"#, expect: .skipped),
            ])
        let modeRule = FileRule(
            metadata: RuleMetadata(
                id: modeID, cis: modeCIS, severity: .medium,
                title: .init(en: "\(name.en) permissions are \(octal) or more restrictive", zh: "\(name.zh)的权限为 \(octal) 或更严格"),
                rationale: why,
                remediation: .init(en: "chmod \(octal) <path>", zh: "执行 chmod \(octal) <路径>"),
                references: [Reference.cisDocker]).fixed(by: .fileMode(mode)),
            role: role, check: .mode(mode),
            examples: [
                RuleExample(snapshot: example(rightOwner, mode), expect: .pass),
                RuleExample(snapshot: example(rightOwner, mode & 0o700), expect: .pass),
                // A mode numerically below the limit that still grants a bit the limit does not.
                RuleExample(snapshot: example(rightOwner, (mode & 0o700) | 0o002), expect: mode & 0o002 == 0 ? .fail : .pass),
                RuleExample(snapshot: example(rightOwner, mode | 0o4000), expect: .fail),
                RuleExample(snapshot: #"{"host": {"files": [{"path": "\#(path)", "role": "\#(role.rawValue)", "exists": true, "error": "Permission denied"}]}}"#, expect: .error),
            ])
        return [ownerRule, modeRule]
    }

    static let all: [FileRule] = [
        pair(ownerID: .fileDockerServiceOwner, modeID: .fileDockerServiceMode, ownerCIS: "3.1", modeCIS: "3.2",
             role: .dockerService, name: .init(en: "The docker.service file", zh: "docker.service 文件"), mode: 0o644,
             why: .init(en: "docker.service decides how the daemon starts; whoever can change it can start the daemon with any options.",
                        zh: "docker.service 决定守护进程如何启动，能修改它的人可以用任意参数启动守护进程。")),
        pair(ownerID: .fileDockerSocketUnitOwner, modeID: .fileDockerSocketUnitMode, ownerCIS: "3.3", modeCIS: "3.4",
             role: .dockerSocketUnit, name: .init(en: "The docker.socket file", zh: "docker.socket 文件"), mode: 0o644,
             why: .init(en: "docker.socket decides where and with which permissions the API socket is created.",
                        zh: "docker.socket 决定 API 套接字的位置与权限。")),
        pair(ownerID: .fileEtcDockerOwner, modeID: .fileEtcDockerMode, ownerCIS: "3.5", modeCIS: "3.6",
             role: .etcDocker, name: .init(en: "The /etc/docker directory", zh: "/etc/docker 目录"), mode: 0o755,
             why: .init(en: "/etc/docker holds daemon.json, TLS keys and registry certificates.",
                        zh: "/etc/docker 存放 daemon.json、TLS 密钥和镜像仓库证书。")),
        pair(ownerID: .fileRegistryCertsOwner, modeID: .fileRegistryCertsMode, ownerCIS: "3.7", modeCIS: "3.8",
             role: .registryCertificate, name: .init(en: "Registry certificate files", zh: "镜像仓库证书文件"), mode: 0o444,
             why: .init(en: "Registry certificates decide which registries the engine trusts; a replaced CA lets anyone serve images.",
                        zh: "仓库证书决定引擎信任哪些仓库，被替换的 CA 会让任何人都能提供镜像。")),
        pair(ownerID: .fileTlsCaOwner, modeID: .fileTlsCaMode, ownerCIS: "3.9", modeCIS: "3.10",
             role: .tlsCACertificate, name: .init(en: "The TLS CA certificate file", zh: "TLS CA 证书文件"), mode: 0o444,
             why: .init(en: "The CA certificate decides which clients may use the remote API.", zh: "CA 证书决定哪些客户端可以使用远程 API。")),
        pair(ownerID: .fileTlsCertOwner, modeID: .fileTlsCertMode, ownerCIS: "3.11", modeCIS: "3.12",
             role: .tlsServerCertificate, name: .init(en: "The Docker server certificate file", zh: "Docker 服务端证书文件"), mode: 0o444,
             why: .init(en: "The server certificate is how clients know they talk to this daemon.", zh: "服务端证书是客户端确认对端身份的依据。")),
        pair(ownerID: .fileTlsKeyOwner, modeID: .fileTlsKeyMode, ownerCIS: "3.13", modeCIS: "3.14",
             role: .tlsServerKey, name: .init(en: "The Docker server certificate key file", zh: "Docker 服务端证书私钥文件"), mode: 0o400,
             why: .init(en: "Whoever reads the server key can impersonate the daemon to its clients.", zh: "读到服务端私钥的人可以冒充守护进程欺骗客户端。")),
        pair(ownerID: .fileDockerSockOwner, modeID: .fileDockerSockMode, ownerCIS: "3.15", modeCIS: "3.16",
             role: .dockerSocket, name: .init(en: "The Docker socket file", zh: "Docker 套接字文件"), group: "docker", mode: 0o660,
             why: .init(en: "Access to docker.sock is root on the host: only root and the docker group may have it.",
                        zh: "能访问 docker.sock 即等于宿主机 root，只应允许 root 和 docker 组访问。")),
        pair(ownerID: .fileDaemonJsonOwner, modeID: .fileDaemonJsonMode, ownerCIS: "3.17", modeCIS: "3.18",
             role: .daemonJSON, name: .init(en: "The daemon.json file", zh: "daemon.json 文件"), mode: 0o644,
             why: .init(en: "daemon.json sets the daemon's security options; whoever can change it can switch them off.",
                        zh: "daemon.json 设置守护进程的安全选项，能修改它的人可以关闭这些选项。")),
        pair(ownerID: .fileEtcDefaultDockerOwner, modeID: .fileEtcDefaultDockerMode, ownerCIS: "3.19", modeCIS: "3.20",
             role: .etcDefaultDocker, name: .init(en: "The /etc/default/docker file", zh: "/etc/default/docker 文件"), mode: 0o644,
             why: .init(en: "/etc/default/docker can add options to the daemon's command line.", zh: "/etc/default/docker 可以向守护进程命令行添加参数。")),
        pair(ownerID: .fileEtcSysconfigDockerOwner, modeID: .fileEtcSysconfigDockerMode, ownerCIS: "3.22", modeCIS: "3.21",
             role: .etcSysconfigDocker, name: .init(en: "The /etc/sysconfig/docker file", zh: "/etc/sysconfig/docker 文件"), mode: 0o644,
             why: .init(en: "/etc/sysconfig/docker can add options to the daemon's command line.", zh: "/etc/sysconfig/docker 可以向守护进程命令行添加参数。")),
        pair(ownerID: .fileContainerdSockOwner, modeID: .fileContainerdSockMode, ownerCIS: "3.23", modeCIS: "3.24",
             role: .containerdSocket, name: .init(en: "The containerd socket file", zh: "containerd 套接字文件"), mode: 0o660,
             why: .init(en: "Access to containerd.sock is as powerful as access to docker.sock.", zh: "能访问 containerd.sock 与能访问 docker.sock 同样危险。")),
    ].flatMap { $0 }
}

extension RuleID {
    public static let fileDockerServiceOwner: RuleID = "file.docker-service-owner"
    public static let fileDockerServiceMode: RuleID = "file.docker-service-mode"
    public static let fileDockerSocketUnitOwner: RuleID = "file.docker-socket-unit-owner"
    public static let fileDockerSocketUnitMode: RuleID = "file.docker-socket-unit-mode"
    public static let fileEtcDockerOwner: RuleID = "file.etc-docker-owner"
    public static let fileEtcDockerMode: RuleID = "file.etc-docker-mode"
    public static let fileRegistryCertsOwner: RuleID = "file.registry-certs-owner"
    public static let fileRegistryCertsMode: RuleID = "file.registry-certs-mode"
    public static let fileTlsCaOwner: RuleID = "file.tls-ca-owner"
    public static let fileTlsCaMode: RuleID = "file.tls-ca-mode"
    public static let fileTlsCertOwner: RuleID = "file.tls-cert-owner"
    public static let fileTlsCertMode: RuleID = "file.tls-cert-mode"
    public static let fileTlsKeyOwner: RuleID = "file.tls-key-owner"
    public static let fileTlsKeyMode: RuleID = "file.tls-key-mode"
    public static let fileDockerSockOwner: RuleID = "file.docker-sock-owner"
    public static let fileDockerSockMode: RuleID = "file.docker-sock-mode"
    public static let fileDaemonJsonOwner: RuleID = "file.daemon-json-owner"
    public static let fileDaemonJsonMode: RuleID = "file.daemon-json-mode"
    public static let fileEtcDefaultDockerOwner: RuleID = "file.etc-default-docker-owner"
    public static let fileEtcDefaultDockerMode: RuleID = "file.etc-default-docker-mode"
    public static let fileEtcSysconfigDockerMode: RuleID = "file.etc-sysconfig-docker-mode"
    public static let fileEtcSysconfigDockerOwner: RuleID = "file.etc-sysconfig-docker-owner"
    public static let fileContainerdSockOwner: RuleID = "file.containerd-sock-owner"
    public static let fileContainerdSockMode: RuleID = "file.containerd-sock-mode"
}
