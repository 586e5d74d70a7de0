// §4 rules judged from an image's configuration and history: user 4.1, content trust 4.5, HEALTHCHECK 4.6,
// update instructions 4.7, ADD 4.9, secrets 4.10.

/// Whether a `User` setting (`""`, `root`, `0`, `0:0`, `root:wheel`, `1000`) runs as uid 0.
func runsAsRoot(_ user: String?) -> Bool {
    let name = (user ?? "").trimmingCharacters(in: .whitespaces)
    guard !name.isEmpty else { return true }
    let account = name.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? name
    return account == "root" || account == "0" || account.isEmpty
}

/// The 4.1 verdict for a `User` setting, shared by images and containers.
private func judgeUser(_ user: String, evidence: [String: String]) -> Verdict {
    runsAsRoot(user) ? .fail("runs as root", "以 root 运行", evidence: evidence) : .pass("runs as \(user)", "以 \(user) 运行", evidence: evidence)
}

private let userRationale = LocalizedText(
    en: "A process running as root in the container is root on the host unless user namespaces remap it; any escape or writable host mount then belongs to root.",
    zh: "容器内以 root 运行的进程，若未启用用户命名空间映射，即为宿主机 root；任何逃逸或可写的宿主机挂载都将以 root 身份生效。")

struct ImageUserRule: ImageRule {
    let metadata = RuleMetadata(
        id: .imageUser, cis: "4.1", severity: .medium,
        title: .init(en: "A non-root user is set in the image", zh: "镜像中指定了非 root 用户"),
        rationale: userRationale,
        remediation: .init(
            en: "Create an unprivileged user in the Dockerfile and end with `USER app` (or a numeric uid such as `USER 10001`).",
            zh: "在 Dockerfile 中创建普通用户，并以 `USER app`（或数字 uid，如 `USER 10001`）结尾。"),
        references: [Reference.dockerfile, Reference.cisDocker])

    let examples = [
        RuleExample(image: #"{"Config": {"User": ""}}"#, expect: .fail),
        RuleExample(image: #"{"Config": {"User": "root"}}"#, expect: .fail),
        RuleExample(image: #"{"Config": {"User": "0:0"}}"#, expect: .fail),
        RuleExample(image: #"{"Config": {"User": "root:app"}}"#, expect: .fail),
        RuleExample(image: #"{"Config": {"User": "app"}}"#, expect: .pass),
        RuleExample(image: #"{"Config": {"User": "1000:0"}}"#, expect: .pass),
    ]

    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict {
        guard let config = image.inspect.config else { return .notReported("Config") }
        let user = config.user ?? ""
        return judgeUser(user, evidence: ["User": user.isEmpty ? "(empty: root)" : user])
    }
}

struct ContainerUserRule: RuntimeCheck {
    let composeID: RuleID = .composeUser
    let metadata = RuleMetadata(
        id: .containerUser, cis: "4.1", severity: .medium,
        title: .init(en: "The container runs as a non-root user", zh: "容器以非 root 用户运行"),
        rationale: userRationale,
        remediation: .init(
            en: "Run with `--user 10001:10001` (compose: `user`), or set USER in the image; do not override it with `--user root`.",
            zh: "使用 `--user 10001:10001` 运行（compose：`user`），或在镜像中设置 USER；不要用 `--user root` 覆盖。"),
        references: [Reference.runReference, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "--user 10001:10001", compose: "user: \"10001:10001\""))

    let examples = [
        RuleExample(container: #"{"Config": {"User": ""}}"#, expect: .fail),
        RuleExample(container: #"{"Config": {"User": "0"}}"#, expect: .fail),
        RuleExample(container: #"{"Config": {"User": "root"}}"#, image: #"{"Config": {"User": "app"}}"#, expect: .fail),
        RuleExample(container: #"{"Config": {"User": "nobody"}}"#, image: #"{"Config": {"User": ""}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    user: root\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    user: \"0:0\"\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    user: \"10001:10001\"\n", .pass),
        // The image's USER applies: judged by image.user and dockerfile.user, not here.
        .compose("services:\n  app:\n    image: a:1\n", .skipped),
    ]

    var reads: Set<RuntimeSpec.Section> { [.config] }

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        guard let user = spec.user else {
            return .skipped("not set here: the image's USER applies (judged by image.user and dockerfile.user)",
                            "此处未设置：沿用镜像的 USER（由 image.user 与 dockerfile.user 判断）")
        }
        var evidence = ["User": user.isEmpty ? "(empty: root)" : user]
        if let imageUser = spec.imageUser { evidence["image User"] = imageUser.isEmpty ? "(empty: root)" : imageUser }
        return judgeUser(user, evidence: evidence).at(spec.origin(of: .user))
    }
}

struct ContentTrustRule: EngineRule {
    let metadata = RuleMetadata(
        id: .clientContentTrust, cis: "4.5", level: 2, severity: .low,
        title: .init(en: "Content trust for Docker is enabled", zh: "启用 Docker 内容信任（Content Trust）"),
        rationale: .init(
            en: "With DOCKER_CONTENT_TRUST=1 the docker client pulls, runs and builds only signed images. (Docker Content Trust is being retired; signing with Notation or cosign and a verifying admission policy is its successor.)",
            zh: "设置 DOCKER_CONTENT_TRUST=1 后，docker 客户端只拉取、运行、构建已签名的镜像。（Docker Content Trust 正在退役，后继方案为 Notation 或 cosign 签名加校验策略。）"),
        remediation: .init(
            en: "Export DOCKER_CONTENT_TRUST=1 for the accounts and pipelines that pull images (e.g. in /etc/profile.d/docker.sh), or verify signatures with Notation/cosign.",
            zh: "为拉取镜像的账户和流水线设置 DOCKER_CONTENT_TRUST=1（如写入 /etc/profile.d/docker.sh），或使用 Notation/cosign 校验签名。"),
        references: [Reference.contentTrust, Reference.cisDocker])

    let examples = [
        RuleExample(snapshot: #"{"environment": {"dockerContentTrust": "1"}}"#, expect: .pass),
        RuleExample(snapshot: #"{"environment": {"dockerContentTrust": "true"}}"#, expect: .pass),
        RuleExample(snapshot: #"{"environment": {"dockerContentTrust": "0"}}"#, expect: .fail),
        RuleExample(snapshot: #"{"environment": {"dockerContentTrust": null}}"#, expect: .fail),
    ]

    func evaluate(_ context: AuditContext) -> [Finding] {
        [Finding(target: .auditEnvironment, verdict: judge(context))]
    }

    func judge(_ context: AuditContext) -> Verdict {
        let value = context.snapshot.environment.dockerContentTrust
        let evidence = ["DOCKER_CONTENT_TRUST": value ?? "(unset)"]
        // The docker CLI treats any value other than a false-like one as enabled.
        if let value, !value.isEmpty, parseGoBool(value) != false {
            return .pass("content trust is enabled", "已启用内容信任", evidence: evidence)
        }
        return .fail("content trust is not enabled for this environment", "当前环境未启用内容信任", evidence: evidence)
    }
}

struct ImageHealthcheckRule: ImageRule {
    let metadata = RuleMetadata(
        id: .imageHealthcheck, cis: "4.6", severity: .low,
        title: .init(en: "HEALTHCHECK instructions have been added to the image", zh: "镜像中添加了 HEALTHCHECK 指令"),
        rationale: .init(
            en: "A HEALTHCHECK in the image gives every container from it a health check without the operator having to remember one.",
            zh: "镜像内置 HEALTHCHECK 后，由其创建的每个容器都自动带有健康检查，无需运维人员另行配置。"),
        remediation: .init(
            en: "Add `HEALTHCHECK CMD …` to the Dockerfile (not `HEALTHCHECK NONE`).",
            zh: "在 Dockerfile 中添加 `HEALTHCHECK CMD …`（不要使用 `HEALTHCHECK NONE`）。"),
        references: [Reference.dockerfile, Reference.cisDocker])

    let examples = [
        RuleExample(image: #"{"Config": {"Healthcheck": null}}"#, expect: .fail),
        RuleExample(image: #"{"Config": {"Healthcheck": {"Test": ["NONE"]}}}"#, expect: .fail),
        RuleExample(image: #"{"Config": {"Healthcheck": {"Test": ["CMD-SHELL", "curl -f http://localhost/"]}}}"#, expect: .pass),
    ]

    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict {
        guard let config = image.inspect.config else { return .notReported("Config") }
        return judgeHealthcheck(config.healthcheck)
    }
}

/// Rules that read the image's build history need it; without it they cannot decide.
private func historyUnavailable(_ image: ImageRecord) -> Verdict? {
    guard image.history == nil else { return nil }
    return .error("the image history could not be read: \(image.historyError ?? "not collected")",
                  "无法读取镜像历史：\(image.historyError ?? "未采集")")
}

struct UpdateAloneRule: ImageRule {
    /// Commands that refresh a package index without installing anything.
    static let indexUpdates = ["apt-get update", "apt update", "apk update", "yum makecache", "dnf makecache", "zypper refresh", "zypper ref"]
    static let installs = ["install", "upgrade", "apk add", "zypper in "]

    let metadata = RuleMetadata(
        id: .imageUpdateAlone, cis: "4.7", severity: .low,
        title: .init(en: "Update instructions are not used alone in the Dockerfile", zh: "Dockerfile 中不单独使用更新指令"),
        rationale: .init(
            en: "A RUN that only refreshes the package index is cached as its own layer, so later builds install from a stale index and miss security fixes.",
            zh: "仅刷新软件包索引的 RUN 会被单独缓存为一层，之后的构建会基于过期索引安装，错过安全修复。"),
        remediation: .init(
            en: "Update and install in one RUN: `RUN apt-get update && apt-get install -y --no-install-recommends pkg && rm -rf /var/lib/apt/lists/*`.",
            zh: "在同一个 RUN 中更新并安装：`RUN apt-get update && apt-get install -y --no-install-recommends pkg && rm -rf /var/lib/apt/lists/*`。"),
        references: [Reference.buildBestPractices, Reference.cisDocker])

    let examples = [
        RuleExample(history: #"[{"CreatedBy": "/bin/sh -c apt-get update"}]"#, expect: .fail),
        RuleExample(history: #"[{"CreatedBy": "RUN /bin/sh -c apk update # buildkit"}]"#, expect: .fail),
        RuleExample(history: #"[{"CreatedBy": "RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit"}]"#, expect: .pass),
        RuleExample(history: #"[{"CreatedBy": "/bin/sh -c #(nop)  ENV NOTE=apt-get update"}]"#, expect: .pass),
        RuleExample(history: "null", expect: .error),
    ]

    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict {
        if let unavailable = historyUnavailable(image) { return unavailable }
        let alone = image.instructions.filter { instruction in
            instruction.keyword == "RUN"
                && Self.indexUpdates.contains { instruction.arguments.contains($0) }
                && !Self.installs.contains { instruction.arguments.contains($0) }
        }
        guard !alone.isEmpty else { return .pass("no update instruction stands alone", "没有单独的更新指令") }
        let list = alone.map(\.description)
        return .fail("package index updated without installing: \(list.joined(separator: "; "))",
                     "仅更新索引而未安装：\(list.joined(separator: "; "))", evidence: ["instructions": list.joined(separator: "; ")])
    }
}

struct AddInstructionRule: ImageRule {
    let metadata = RuleMetadata(
        id: .imageAddInstruction, cis: "4.9", severity: .low,
        title: .init(en: "COPY is used instead of ADD", zh: "使用 COPY 代替 ADD"),
        rationale: .init(
            en: "ADD fetches remote URLs and unpacks archives implicitly: a compromised URL or a crafted archive then lands in the image unchecked. COPY only copies local files.",
            zh: "ADD 会隐式下载远程 URL 并解压归档：被篡改的 URL 或恶意构造的归档会未经检查进入镜像；COPY 只复制本地文件。"),
        remediation: .init(
            en: "Replace ADD with COPY; download with a checksum check in RUN (or `ADD --checksum=`) where a remote file is needed.",
            zh: "用 COPY 替换 ADD；确需远程文件时，在 RUN 中下载并校验哈希（或使用 `ADD --checksum=`）。"),
        references: [Reference.dockerfile, Reference.cisDocker])

    let examples = [
        RuleExample(history: #"[{"CreatedBy": "ADD app.tar.gz /opt/ # buildkit"}, {"CreatedBy": "/bin/sh -c #(nop) ADD file:0123 in / "}]"#, expect: .fail),
        RuleExample(history: #"[{"CreatedBy": "/bin/sh -c #(nop) ADD https://example.com/tool /usr/local/bin/tool"}, {"CreatedBy": "/bin/sh -c #(nop) ADD file:0123 in / "}]"#, expect: .fail),
        RuleExample(history: #"[{"CreatedBy": "COPY app /app # buildkit"}, {"CreatedBy": "/bin/sh -c #(nop) ADD file:0123 in / "}]"#, expect: .pass),
    ]

    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict {
        if let unavailable = historyUnavailable(image) { return unavailable }
        let instructions = image.instructions
        // The oldest entry adding an archive at / is how base images unpack their root filesystem.
        let adds = instructions.enumerated().filter { index, instruction in
            instruction.keyword == "ADD" && !(index == 0 && instruction.arguments.hasSuffix(" /"))
                && !(index == 0 && instruction.arguments.hasSuffix(" in /"))
        }.map(\.element)
        guard !adds.isEmpty else { return .pass("no ADD instruction", "没有 ADD 指令") }
        let list = adds.map(\.description).joined(separator: "; ")
        let remote = adds.contains { $0.arguments.contains("http://") || $0.arguments.contains("https://") }
        return .fail(remote ? "ADD fetches remote content: \(list)" : "uses ADD: \(list)",
                     remote ? "ADD 下载远程内容：\(list)" : "使用了 ADD：\(list)", severity: remote ? .medium : nil,
                     evidence: ["instructions": list])
    }
}

struct ImageSecretsRule: ImageRule {
    let metadata = RuleMetadata(
        id: .imageSecrets, cis: "4.10", level: 2, severity: .high,
        title: .init(en: "Secrets are not stored in the image's configuration or history", zh: "镜像配置与构建历史中不存放密钥"),
        rationale: .init(
            en: "ENV values and build arguments are stored in the image and shown by `docker inspect` and `docker history` to anyone who can pull it.",
            zh: "ENV 值和构建参数会保存在镜像中，任何能拉取该镜像的人都可以通过 `docker inspect` 和 `docker history` 看到。"),
        remediation: .init(
            en: "Remove the secret from ENV/ARG and rebuild; pass it at run time from a secret store (`docker secret`, a mounted file, `*_FILE` variables) or with `RUN --mount=type=secret` at build time; rotate the exposed credential.",
            zh: "从 ENV/ARG 中删除密钥并重新构建；运行时通过密钥管理（`docker secret`、挂载文件、`*_FILE` 变量）传入，构建时使用 `RUN --mount=type=secret`；并轮换已泄露的凭据。"),
        references: [Reference.buildBestPractices, Reference.cisDocker])

    let examples = [
        RuleExample(image: #"{"Config": {"Env": ["PATH=/bin", "DB_PASSWORD=hunter2"]}}"#, expect: .fail),
        RuleExample(image: #"{"Config": {"Env": ["AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP"]}}"#, expect: .fail),
        RuleExample(image: #"{"Config": {"Env": ["githubToken=abc"]}}"#, expect: .fail),
        RuleExample(history: #"[{"CreatedBy": "|1 NPM_TOKEN=abc123 /bin/sh -c npm install"}]"#, expect: .fail),
        RuleExample(history: #"[{"CreatedBy": "RUN /bin/sh -c mysql --password=s3cret -e 'select 1' # buildkit"}]"#, expect: .fail),
        RuleExample(image: #"{"Config": {"Env": ["POSTGRES_PASSWORD_FILE=/run/secrets/db", "DB_PASSWORD=", "GPG_KEY=A5D3"]}}"#, expect: .pass),
        RuleExample(history: #"[{"CreatedBy": "RUN /bin/sh -c echo $DB_PASSWORD > /dev/null # buildkit"}]"#, expect: .pass),
    ]

    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict {
        var found: [String] = []
        for variable in image.inspect.config?.env ?? [] {
            let parts = variable.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let reason = SecretScanner.judgeAssignment(name: String(parts[0]), value: String(parts[1])) else { continue }
            found.append("ENV \(parts[0])=<masked> (\(reason))")
        }
        for instruction in image.instructions {
            for argument in instruction.buildArguments {
                let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, let reason = SecretScanner.judgeAssignment(name: String(parts[0]), value: String(parts[1])) else { continue }
                found.append("build argument \(parts[0])=<masked> recorded in history (\(reason))")
            }
            // ENV lines count too: a value overwritten by a later ENV is still in the history.
            guard let secret = SecretScanner.maskSecrets(in: instruction.arguments) else { continue }
            found.append("\(instruction.keyword) \(secret.masked) (\(secret.reasons.joined(separator: "; ")))")
        }
        var unique: [String] = []
        for item in found where !unique.contains(item) { unique.append(item) }
        guard !unique.isEmpty else {
            if let unavailable = historyUnavailable(image) { return unavailable }
            return .pass("no secret-like values in ENV or history", "ENV 与构建历史中未发现疑似密钥")
        }
        return .fail("\(unique.count) secret(s) stored in the image", "镜像中存有 \(unique.count) 处疑似密钥",
                     evidence: ["secrets": unique.joined(separator: "; ")])
    }
}

/// The 4.6 / 5.27 verdict: pass when the check runs something; fail, saying whether it is absent or disabled.
func judgeHealthcheck(_ check: Healthcheck?, evidence extra: [String: String] = [:]) -> Verdict {
    var evidence = extra
    evidence["Healthcheck"] = check?.test.map { $0.joined(separator: " ") } ?? "(none)"
    if check?.isEnabled == true { return .pass("health check configured", "已配置健康检查", evidence: evidence) }
    if check?.test?.first == "NONE" {
        return .fail("health check disabled (NONE)", "健康检查被禁用（NONE）", evidence: evidence)
    }
    return .fail("no health check", "未配置健康检查", evidence: evidence)
}

extension RuleID {
    public static let imageUser: RuleID = "image.user"
    public static let imageHealthcheck: RuleID = "image.healthcheck"
    public static let imageUpdateAlone: RuleID = "image.update-alone"
    public static let imageAddInstruction: RuleID = "image.add-instruction"
    public static let imageSecrets: RuleID = "image.secrets"
    public static let clientContentTrust: RuleID = "client.content-trust"
    public static let containerUser: RuleID = "container.user"
    public static let composeUser: RuleID = "compose.user"
}
