// §4 rules judged from what an image's layers hold (ImageContents): setuid/setgid files 4.8, secrets 4.10,
// sshd 4.3, empty shadow passwords, world-writable directories. Values of secrets never reach a finding.

/// The verdict when the contents cannot be judged: skipped when they were not read, error when reading failed.
func contentsUnavailable(_ image: ImageRecord) -> Verdict? {
    guard image.contents == nil else { return nil }
    if let reason = image.contentsError {
        return .error("the image's layers could not be read: \(reason)", "无法读取镜像层：\(reason)")
    }
    return .skipped(
        "not checked: the image's layers were not read (use `docker-baseline image REF`, or `audit --image-contents all`)",
        "未检查：未读取镜像层（请使用 `docker-baseline image REF` 或 `audit --image-contents all`）")
}

/// At most this many items are listed in a finding's evidence.
private let evidenceLimit = 20

/// Fail with the items, or pass — but never pass over layers that could not be read: that is an error naming them.
private func judgeItems(_ contents: ImageContents, items: [(key: String, value: String)], severity: Severity? = nil,
                        fail: (Int) -> LocalizedText, pass: LocalizedText) -> Verdict {
    var evidence: [String: String] = [:]
    for item in items.prefix(evidenceLimit) { evidence[item.key] = item.value }
    if items.count > evidenceLimit { evidence["…"] = "\(items.count - evidenceLimit) more" }
    if contents.cached == true { evidence["cache"] = "layers read by an earlier run (content cache, same image id)" }
    let unread = contents.problems.map(\.description)
    if !items.isEmpty {
        if !unread.isEmpty { evidence["incomplete"] = unread.prefix(3).joined(separator: "; ") }
        return Verdict(.fail, severity: severity, fail(items.count), evidence: evidence)
    }
    if !unread.isEmpty {
        evidence["unread"] = unread.prefix(5).joined(separator: "; ")
        // Named by where it was read from (the archive's or layout's path), so the message alone says which file.
        return .error("could not read all of the image (\(contents.source)): \(unread[0])",
                      "无法完整读取镜像（\(contents.source)）：\(unread[0])", evidence: evidence)
    }
    evidence["layers"] = "\(contents.layers.count) read from \(contents.source)"
    return Verdict(.pass, pass, evidence: evidence)
}

private func contentsExample(_ json: String, expect: Status, file: String = #fileID, line: Int = #line) -> RuleExample {
    RuleExample(contents: json, expect: expect, file: file, line: line)
}

/// Two layers: a base and a RUN on top; examples add findings to it.
private let exampleLayers = #""source": "example", "layers": [{"digest": "sha256:aaaa", "entries": 10}, {"digest": "sha256:bbbb", "createdBy": "RUN chmod u+s /app/tool", "entries": 2}], "setuidFiles": [], "secretFiles": [], "emptyPasswordAccounts": [], "sshdFiles": [], "worldWritableDirectories": [], "problems": []"#

struct SetuidFilesRule: ImageRule {
    /// Setuid/setgid programs most distributions ship on purpose. Still reported, at low severity.
    static let allowList: Set<String> = [
        "/bin/su", "/usr/bin/su", "/bin/mount", "/usr/bin/mount", "/bin/umount", "/usr/bin/umount", "/bin/ping", "/usr/bin/ping",
        "/usr/bin/passwd", "/usr/bin/chsh", "/usr/bin/chfn", "/usr/bin/newgrp", "/usr/bin/gpasswd", "/usr/bin/chage",
        "/usr/bin/expiry", "/usr/bin/wall", "/usr/sbin/unix_chkpwd", "/sbin/unix_chkpwd", "/usr/bin/ssh-agent",
        "/usr/lib/openssh/ssh-keysign", "/usr/bin/crontab",
    ]

    let metadata = RuleMetadata(
        id: .imageSetuid, cis: "4.8", level: 2, severity: .high,
        title: .init(en: "setuid and setgid permissions are removed from the image", zh: "镜像中移除了 setuid 和 setgid 权限"),
        rationale: .init(
            en: "A setuid or setgid program runs with its owner's or group's rights whoever starts it; in a container it is a ready path from any foothold to root.",
            zh: "setuid/setgid 程序无论由谁启动，都以其属主或属组的权限运行；在容器中，它是从任意立足点提权到 root 的现成途径。"),
        remediation: .init(
            en: "Remove the bits in the Dockerfile: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true`, keeping only programs the application needs; run with `--security-opt no-new-privileges`.",
            zh: "在 Dockerfile 中去除这些权限位：`RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true`，仅保留应用确需的程序；并以 `--security-opt no-new-privileges` 运行。"),
        references: [Reference.cisDocker])

    let examples = [
        contentsExample(#"{\#(exampleLayers), "setuidFiles": [{"path": "/app/tool", "mode": "4755", "uid": 0, "gid": 0, "layer": 1}]}"#, expect: .fail),
        contentsExample(#"{\#(exampleLayers), "setuidFiles": [{"path": "/usr/bin/passwd", "mode": "4755", "uid": 0, "gid": 0, "layer": 0}]}"#, expect: .fail),
        contentsExample(#"{\#(exampleLayers)}"#, expect: .pass),
        contentsExample(#"{\#(exampleLayers), "problems": [{"layer": "sha256:bbbb", "message": "truncated at byte 1024"}]}"#, expect: .error),
        RuleExample(expect: .skipped),
    ]

    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict {
        if let verdict = contentsUnavailable(image) { return verdict }
        let contents = image.contents!
        let files = contents.setuidFiles
        let unexpected = files.filter { !Self.allowList.contains($0.path) }
        let items = files.map { file in
            (key: file.path, value: "mode \(file.mode), owner \(file.uid):\(file.gid), \(contents.describeLayer(file.layer))"
                + (Self.allowList.contains(file.path) ? " (commonly expected)" : ""))
        }
        return judgeItems(contents, items: items, severity: unexpected.isEmpty ? .low : nil,
                          fail: { count in .init(en: "\(count) setuid/setgid file(s)" + (unexpected.isEmpty ? ", all commonly expected ones" : ""),
                                                 zh: "\(count) 个 setuid/setgid 文件" + (unexpected.isEmpty ? "（均为常见程序）" : "")) },
                          pass: .init(en: "no setuid or setgid files", zh: "没有 setuid 或 setgid 文件"))
    }
}

struct SecretFilesRule: ImageRule {
    let metadata = RuleMetadata(
        id: .imageSecretFiles, cis: "4.10", level: 2, severity: .critical,
        title: .init(en: "No private keys or credential files are in the image", zh: "镜像中没有私钥或凭据文件"),
        rationale: .init(
            en: "Anyone who can pull the image can read its files: a private key, cloud credentials or a registry token left in it is leaked to all of them.",
            zh: "任何能拉取镜像的人都能读取其中的文件：遗留的私钥、云凭据或镜像仓库令牌会泄露给所有这些人。"),
        remediation: .init(
            en: "Do not copy keys or credential files into the image; use build secrets (`RUN --mount=type=secret`) and runtime secrets; rotate every credential found.",
            zh: "不要把密钥或凭据文件复制进镜像；构建时使用 `RUN --mount=type=secret`，运行时使用 secrets；并轮换所有已发现的凭据。"),
        references: [Reference.cisDocker])

    let examples = [
        contentsExample(#"{\#(exampleLayers), "secretFiles": [{"path": "/root/.ssh/id_rsa", "kind": "private key", "layer": 1, "fingerprint": "0a1b2c3d"}]}"#, expect: .fail),
        contentsExample(#"{\#(exampleLayers), "secretFiles": [{"path": "/root/.ssh/id_rsa", "kind": "private key", "layer": 0, "fingerprint": "0a1b2c3d", "deletedInLayer": 1}]}"#, expect: .pass),
        contentsExample(#"{\#(exampleLayers)}"#, expect: .pass),
    ]

    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict {
        if let verdict = contentsUnavailable(image) { return verdict }
        let contents = image.contents!
        let items = contents.secretFiles.filter { $0.deletedInLayer == nil }.map { secret in
            (key: secret.path, value: "\(secret.kind), \(contents.describeLayer(secret.layer)), sha256 \(secret.fingerprint)…")
        }
        return judgeItems(contents, items: items,
                          fail: { .init(en: "\($0) private key or credential file(s) in the image", zh: "镜像中有 \($0) 个私钥或凭据文件") },
                          pass: .init(en: "no private keys or credential files found", zh: "未发现私钥或凭据文件"))
    }
}

struct DeletedSecretsRule: ImageRule {
    let metadata = RuleMetadata(
        id: .imageDeletedSecrets, cis: "4.10", level: 2, severity: .critical,
        title: .init(en: "No secret deleted by a later layer is still in an earlier one", zh: "没有被后续层删除但仍留在前面层中的机密"),
        rationale: .init(
            en: "Deleting a file in a later layer only hides it: the layer that added it still holds it, and `docker save` or a registry pull gives it back.",
            zh: "在后续层中删除文件只是将其隐藏：添加它的那一层仍然保存着它，通过 `docker save` 或从仓库拉取即可取回。"),
        remediation: .init(
            en: "Rebuild without the secret ever entering a layer (build secrets, multi-stage builds that copy only the result), and rotate the leaked credential.",
            zh: "重新构建，使机密从不进入任何层（使用构建机密、只复制产物的多阶段构建），并轮换已泄露的凭据。"),
        references: [Reference.cisDocker])

    let examples = [
        contentsExample(#"{\#(exampleLayers), "secretFiles": [{"path": "/root/.ssh/id_rsa", "kind": "private key", "layer": 0, "fingerprint": "0a1b2c3d", "deletedInLayer": 1}]}"#, expect: .fail),
        contentsExample(#"{\#(exampleLayers), "secretFiles": [{"path": "/root/.ssh/id_rsa", "kind": "private key", "layer": 1, "fingerprint": "0a1b2c3d"}]}"#, expect: .pass),
    ]

    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict {
        if let verdict = contentsUnavailable(image) { return verdict }
        let contents = image.contents!
        let items = contents.secretFiles.compactMap { secret -> (key: String, value: String)? in
            guard let deleted = secret.deletedInLayer else { return nil }
            return (key: "\(secret.path) @\(secret.layer + 1)",
                    value: "\(secret.kind), added in \(contents.describeLayer(secret.layer)), removed in \(contents.describeLayer(deleted)), sha256 \(secret.fingerprint)…")
        }
        return judgeItems(contents, items: items,
                          fail: { .init(en: "\($0) secret file(s) deleted in a later layer are still in the image", zh: "\($0) 个机密文件虽在后续层删除，仍留在镜像中") },
                          pass: .init(en: "no deleted secrets left in earlier layers", zh: "前面的层中没有遗留已删除的机密"))
    }
}

struct ShadowEmptyPasswordRule: ImageRule {
    let metadata = RuleMetadata(
        id: .imageShadowEmptyPassword, cis: nil, severity: .high,
        title: .init(en: "No account in the image's /etc/shadow has an empty password", zh: "镜像的 /etc/shadow 中没有空密码账户"),
        rationale: .init(
            en: "An account with an empty password field logs in without a password: `su` or any login service in the container becomes a free way in.",
            zh: "密码字段为空的账户无需密码即可登录：容器中的 `su` 或任何登录服务都会成为不设防的入口。"),
        remediation: .init(
            en: "Lock the accounts in the Dockerfile (`RUN passwd -l NAME`, or set the field to `!`/`*`).",
            zh: "在 Dockerfile 中锁定这些账户（`RUN passwd -l NAME`，或将该字段设为 `!`/`*`）。"),
        references: [Reference.cisDocker])

    let examples = [
        contentsExample(#"{\#(exampleLayers), "emptyPasswordAccounts": [{"path": "/etc/shadow", "account": "root", "layer": 0}]}"#, expect: .fail),
        contentsExample(#"{\#(exampleLayers)}"#, expect: .pass),
    ]

    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict {
        if let verdict = contentsUnavailable(image) { return verdict }
        let contents = image.contents!
        let items = contents.emptyPasswordAccounts.map { account in
            (key: account.account, value: "\(account.path), \(contents.describeLayer(account.layer))")
        }
        return judgeItems(contents, items: items,
                          fail: { .init(en: "\($0) account(s) with an empty password", zh: "\($0) 个账户密码为空") },
                          pass: .init(en: "no empty passwords in /etc/shadow", zh: "/etc/shadow 中没有空密码"))
    }
}

struct ImageSSHDRule: ImageRule {
    let metadata = RuleMetadata(
        id: .imageSshd, cis: "4.3", severity: .medium,
        title: .init(en: "Unnecessary packages are not installed in the image (no SSH server)", zh: "镜像中未安装不必要的软件包（无 SSH 服务端）"),
        rationale: .init(
            en: "An SSH server in a container is one more service to patch and attack, and bypasses the engine's access control; `docker exec` gives the same access.",
            zh: "容器中的 SSH 服务端是又一个需要打补丁、可被攻击的服务，并绕过了引擎的访问控制；`docker exec` 即可提供同样的访问。"),
        remediation: .init(
            en: "Do not install openssh-server (or dropbear) in the image; use `docker exec` for maintenance.",
            zh: "不要在镜像中安装 openssh-server（或 dropbear）；维护时使用 `docker exec`。"),
        references: [Reference.cisDocker])

    let examples = [
        contentsExample(#"{\#(exampleLayers), "sshdFiles": [{"path": "/usr/sbin/sshd", "mode": "755", "uid": 0, "gid": 0, "layer": 0}]}"#, expect: .fail),
        contentsExample(#"{\#(exampleLayers)}"#, expect: .pass),
    ]

    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict {
        if let verdict = contentsUnavailable(image) { return verdict }
        let contents = image.contents!
        let items = contents.sshdFiles.map { file in (key: file.path, value: contents.describeLayer(file.layer)) }
        return judgeItems(contents, items: items,
                          fail: { .init(en: "an SSH server is in the image (\($0) file(s))", zh: "镜像中有 SSH 服务端（\($0) 个文件）") },
                          pass: .init(en: "no SSH server in the image", zh: "镜像中没有 SSH 服务端"))
    }
}

struct WorldWritableDirectoryRule: ImageRule {
    let metadata = RuleMetadata(
        id: .imageWorldWritable, cis: nil, severity: .medium,
        title: .init(en: "No world-writable directory without the sticky bit is in the image", zh: "镜像中没有未设置粘滞位的全局可写目录"),
        rationale: .init(
            en: "In a directory anyone may write to without the sticky bit, any user can delete or replace another user's files, including programs and configuration others run.",
            zh: "在未设置粘滞位的全局可写目录中，任何用户都可以删除或替换他人的文件，包括他人会运行的程序和配置。"),
        remediation: .init(
            en: "Remove write permission for others (`chmod o-w DIR`) or set the sticky bit (`chmod +t DIR`) in the Dockerfile.",
            zh: "在 Dockerfile 中去掉其他用户的写权限（`chmod o-w DIR`）或设置粘滞位（`chmod +t DIR`）。"),
        references: [Reference.cisDocker])

    let examples = [
        contentsExample(#"{\#(exampleLayers), "worldWritableDirectories": [{"path": "/data", "mode": "777", "uid": 0, "gid": 0, "layer": 1}]}"#, expect: .fail),
        contentsExample(#"{\#(exampleLayers)}"#, expect: .pass),
    ]

    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict {
        if let verdict = contentsUnavailable(image) { return verdict }
        let contents = image.contents!
        let items = contents.worldWritableDirectories.map { file in
            (key: file.path, value: "mode \(file.mode), owner \(file.uid):\(file.gid), \(contents.describeLayer(file.layer))")
        }
        return judgeItems(contents, items: items,
                          fail: { .init(en: "\($0) world-writable director(ies) without the sticky bit", zh: "\($0) 个全局可写且无粘滞位的目录") },
                          pass: .init(en: "no world-writable directories without the sticky bit", zh: "没有全局可写且无粘滞位的目录"))
    }
}

extension RuleID {
    public static let imageSshd: RuleID = "image.sshd"
    public static let imageSetuid: RuleID = "image.setuid"
    public static let imageDeletedSecrets: RuleID = "image.deleted-secrets"
    public static let imageSecretFiles: RuleID = "image.secret-files"
    public static let imageShadowEmptyPassword: RuleID = "image.shadow-empty-password"
    public static let imageWorldWritable: RuleID = "image.world-writable"
}
