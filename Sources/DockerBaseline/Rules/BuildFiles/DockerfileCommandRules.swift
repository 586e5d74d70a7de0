import Foundation

// Dockerfile rules about what the build puts into the image and runs: secrets (4.10) and sensitive files
// (baseline item 10), sudo, sshd (baseline item 1), setuid bits (4.8), download-and-execute, disabled TLS or
// signature checks, and insecure build entitlements.

/// A command as evidence: secrets masked, long ones cut.
func commandEvidence(_ words: [String]) -> String {
    let text = words.joined(separator: " ")
    let masked = SecretScanner.maskSecrets(in: String(text.prefix(4096)))?.masked ?? text
    return masked.count > 160 ? String(masked.prefix(160)) + "…" : masked
}

/// Secret scanning reads at most this much of one instruction or heredoc (a 10 MB line stays cheap).
private let scannedTextLimit = 1 << 20

struct DockerfileSecretsRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileSecrets, cis: "4.10", severity: .high,
        title: .init(en: "No secrets are written into the Dockerfile", zh: "Dockerfile 中不包含密钥等敏感信息"),
        rationale: ImageSecretsRule().metadata.rationale,
        remediation: .init(
            en: "Pass secrets at build time with `RUN --mount=type=secret,id=…` and at run time with secrets or mounted files; never as ARG or ENV values. Rotate any secret that was committed.",
            zh: "构建时用 `RUN --mount=type=secret,id=…` 传入密钥，运行时用 secrets 或挂载文件；不要写在 ARG 或 ENV 中。已提交过的密钥必须轮换。"),
        references: [Reference.dockerfile, Reference.cisDocker])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\nENV DB_PASSWORD=hunter2\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nARG NPM_TOKEN=npm_abcdef123456\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nENV AWS_KEY AKIAIOSFODNN7EXAMPLE\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN echo 'root:s3cret' | chpasswd\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN mysql --password=s3cret -e 'select 1'\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nCOPY <<EOF /root/.ssh/id_ed25519\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\nEOF\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nARG NPM_TOKEN\nENV DB_PASSWORD_FILE=/run/secrets/db\nENV TOKEN=${TOKEN}\n", .pass),
        .dockerfile("FROM alpine:3.20\nRUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.effectiveInstructions.flatMap { instruction -> [LintFinding] in
            var reasons: [String] = []
            var shown: [String] = []
            switch instruction.keyword {
            case "ARG", "ENV":
                for (name, value) in instruction.declarations() {
                    guard let value, let reason = SecretScanner.judgeAssignment(name: name, value: String(value.prefix(scannedTextLimit))) else { continue }
                    reasons.append(reason)
                    shown.append("\(name)=<masked>")
                }
            case "RUN":
                if let found = SecretScanner.maskSecrets(in: String(instruction.arguments.prefix(scannedTextLimit))) {
                    reasons += found.reasons
                    shown.append(String(found.masked.prefix(160)))
                }
                for command in instruction.commands?.commands ?? [] {
                    if command.name == "chpasswd" { reasons.append("sets an account password with chpasswd in the build") }
                    if ["useradd", "usermod"].contains(command.name), command.arguments.contains(where: { $0 == "-p" || $0.hasPrefix("--password") }) {
                        reasons.append("sets an account password with \(command.name) -p")
                    }
                }
            default:
                break
            }
            for heredoc in instruction.heredocs {
                guard let found = SecretScanner.maskSecrets(in: String(heredoc.body.prefix(scannedTextLimit))) else { continue }
                reasons += found.reasons.map { "heredoc <<\(heredoc.marker) \($0)" }
            }
            guard !reasons.isEmpty else { return [] }
            var evidence = ["found": reasons.joined(separator: "; ")]
            if !shown.isEmpty { evidence["masked"] = shown.joined(separator: " ") }
            return [.fail(instruction.range, "\(instruction.keyword) holds a secret: \(reasons.joined(separator: "; "))",
                          "\(instruction.keyword) 中包含敏感信息：\(reasons.joined(separator: "；"))", evidence: evidence)]
        }
    }
}

struct DockerfileSensitiveFilesRule: DockerfileRule {
    static let secretFileNames: Set<String> = SecretScanner.privateKeyFileNames.union([
        "authorized_keys", ".netrc", ".git-credentials", ".npmrc", ".pypirc", ".pgpass", ".dockercfg", ".htpasswd", ".ssh", ".aws", ".gnupg",
    ])
    static let secretFileSuffixes = [".key", ".p12", ".pfx", ".jks", ".keystore"]
    /// `credentials` is a secret in `.aws/`, `config.json` in `.docker/`, `config` in `.kube/`.
    static let secretFilesInDirectories: Set<String> = [".aws/credentials", ".docker/config.json", ".kube/config"]
    static let protectedPaths = ["/etc/sudoers", "/etc/sudoers.d", "/etc/shadow", "/etc/gshadow", "/etc/group", "/etc/passwd"]
    static let privilegedGroups: Set<String> = ["sudo", "wheel", "root", "admin", "docker", "adm", "shadow", "disk"]

    let metadata = RuleMetadata(
        id: .dockerfileSensitiveFiles, cis: "4.10", severity: .high,
        title: .init(en: "No keys, credential files or account files are copied or edited", zh: "不复制或修改密钥、凭据文件和账户文件"),
        rationale: .init(
            en: "Private keys, authorized_keys, .env and credential files copied into a layer stay in the image for anyone who can pull it; editing sudoers, shadow or group in a build grants privileges nobody reviews (baseline item 10).",
            zh: "复制进镜像层的私钥、authorized_keys、.env 和凭据文件会留在镜像中，任何能拉取镜像的人都能拿到；在构建中修改 sudoers、shadow 或 group 会授予未经审查的权限（基线第 10 项）。"),
        remediation: .init(
            en: "Keep keys and credential files out of the build context (.dockerignore) and pass them with `RUN --mount=type=secret` or at run time; create users with useradd/adduser without extra groups instead of editing account files.",
            zh: "将密钥和凭据文件排除出构建上下文（.dockerignore），通过 `RUN --mount=type=secret` 或运行时传入；用 useradd/adduser 创建用户，不要直接修改账户文件，也不要加入特权组。"),
        references: [Reference.dockerfile, Reference.cisDocker])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\nCOPY id_rsa /root/.ssh/\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nCOPY .env /app/\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nCOPY keys/.aws/credentials /root/.aws/credentials\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nCOPY sudoers-app /etc/sudoers.d/app\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN echo 'app ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN echo 'app:x:0:' | tee -a /etc/group\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN sed -i 's/^root:[^:]*:/root::/' /etc/shadow\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN usermod -aG sudo app\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nCOPY <<EOF /etc/sudoers.d/app\napp ALL=(ALL) NOPASSWD: ALL\nEOF\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nCOPY .env.example /app/\nCOPY app/ /app/\nRUN adduser -D app && cat /etc/group\n", .pass),
    ]

    static func isSecretFile(_ path: String) -> Bool {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        let name = trimmed.baseName
        if secretFileNames.contains(name) || secretFileSuffixes.contains(where: name.hasSuffix) { return true }
        if SecretScanner.isDotenvName(name) { return true }
        return secretFilesInDirectories.contains { trimmed == $0 || trimmed.hasSuffix("/" + $0) }
    }

    static func isProtected(_ path: String) -> Bool {
        protectedPaths.contains { path == $0 || path.hasPrefix($0 + "/") } || path.hasSuffix("/.ssh/authorized_keys")
            || path.hasSuffix("/.ssh") || path.contains("/.ssh/")
    }

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.effectiveInstructions.compactMap { instruction in
            var found: [String] = []
            if ["COPY", "ADD"].contains(instruction.keyword), let (sources, destination) = instruction.copySourcesAndDestination {
                found += sources.filter(Self.isSecretFile).map { "copies \($0)" }
                let targets = destination.hasSuffix("/") ? sources.map { destination + $0.baseName } : [destination]
                found += targets.filter(Self.isProtected).map { "writes \($0)" }
            }
            for command in instruction.keyword == "RUN" ? instruction.commands?.commands ?? [] : [] {
                var written = command.redirects.filter { $0.operator.contains(">") }.map(\.target)
                let arguments = command.arguments.filter { !$0.hasPrefix("-") }
                switch command.name {
                case "tee": written += arguments
                case "sed" where command.arguments.contains(where: { $0.hasPrefix("-i") || $0.hasPrefix("--in-place") }): written += arguments.dropFirst()
                case "cp", "mv", "install", "ln", "rsync": written += arguments.suffix(1)
                case "usermod", "adduser", "gpasswd":
                    let groups = command.arguments.drop { !["-G", "-aG", "-a", "--groups", "--append"].contains($0) }.dropFirst().first
                    let named = command.name == "adduser" && arguments.count == 2 ? arguments.last : groups?.split(separator: ",").map(String.init).first { Self.privilegedGroups.contains($0) }
                    if let group = named, Self.privilegedGroups.contains(group) { found.append("adds a user to the \(group) group") }
                default: break
                }
                found += written.filter(Self.isProtected).map { "writes \($0)" }
            }
            guard !found.isEmpty else { return nil }
            return .fail(instruction.range, found.joined(separator: "; "), found.joined(separator: "；"), evidence: ["found": found.joined(separator: "; ")])
        }
    }
}

struct DockerfileSudoRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileSudo, cis: nil, severity: .medium,
        title: .init(en: "sudo is neither installed nor used", zh: "不安装也不使用 sudo"),
        rationale: .init(
            en: "Builds run as root already; sudo in an image gives its non-root user a way back to root and has unpredictable TTY and signal behaviour.",
            zh: "构建过程本身已是 root；镜像中的 sudo 让普通用户有办法重新获得 root，且其 TTY 与信号处理行为难以预料。"),
        remediation: .init(en: "Run privileged steps before `USER`; if a step must switch user at run time, use gosu or su-exec.",
                           zh: "在 `USER` 之前执行需要权限的步骤；运行时确需切换用户时使用 gosu 或 su-exec。"),
        references: [Reference.buildBestPractices])

    let examples: [LintExample] = [
        .dockerfile("FROM debian:12\nRUN sudo apt-get install -y curl\n", .fail, line: 2),
        .dockerfile("FROM debian:12\nRUN [\"sudo\", \"make\", \"install\"]\n", .fail, line: 2),
        .dockerfile("FROM debian:12\nRUN apt-get update && apt-get install -y sudo\n", .fail, line: 2),
        .dockerfile("FROM debian:12\nENTRYPOINT [\"sudo\", \"-u\", \"app\", \"/app\"]\n", .fail, line: 2),
        .dockerfile("FROM debian:12\nRUN echo sudo is not run here && apt-get install -y pseudo\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.effectiveInstructions.compactMap { instruction in
            let commands = instruction.commands?.commands ?? []
            if let sudo = commands.first(where: { $0.words.first?.baseName == "sudo" }) {
                return .fail(instruction.range, "runs sudo: \(commandEvidence(sudo.words))", "使用了 sudo：\(commandEvidence(sudo.words))")
            }
            if commands.contains(where: { PackageCommands.installedPackages($0)?.contains("sudo") == true }) {
                return .fail(instruction.range, "installs sudo", "安装了 sudo")
            }
            return nil
        }
    }
}

struct DockerfileSSHDRule: DockerfileRule {
    static let serverPackages: Set<String> = ["openssh-server", "openssh", "dropbear", "ssh", "openssh-server-pam", "tinysshd"]

    let metadata = RuleMetadata(
        id: .dockerfileSshd, cis: nil, severity: .high,
        title: .init(en: "No SSH server is installed, started or exposed", zh: "不安装、不启动、不暴露 SSH 服务"),
        rationale: SSHDaemonRule().metadata.rationale,
        remediation: .init(
            en: "Remove the SSH server and `EXPOSE 22`; use `docker exec` (or kubectl exec) to get into a container.",
            zh: "删除 SSH 服务和 `EXPOSE 22`；需要进入容器时使用 `docker exec`（或 kubectl exec）。"),
        references: [Reference.securityOverview, Reference.cisDocker])

    let examples: [LintExample] = [
        .dockerfile("FROM debian:12\nRUN apt-get update && apt-get install -y openssh-server\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nEXPOSE 8080 22/tcp\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nCMD [\"/usr/sbin/sshd\", \"-D\"]\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN service ssh start\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN apk add --no-cache openssh-client\nEXPOSE 2222 8022\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.effectiveInstructions.compactMap { instruction in
            if instruction.keyword == "EXPOSE", instruction.words.contains(where: { $0 == "22" || $0.hasPrefix("22/") }) {
                return .fail(instruction.range, "exposes port 22 (SSH)", "暴露了 22 端口（SSH）")
            }
            for command in instruction.commands?.commands ?? [] {
                if let packages = PackageCommands.installedPackages(command), let server = packages.first(where: Self.serverPackages.contains) {
                    return .fail(instruction.range, "installs the SSH server \(server)", "安装了 SSH 服务 \(server)")
                }
                let arguments = Array(command.arguments)
                let starts = ["sshd", "dropbear"].contains(command.name)
                    || (command.name == "service" && ["ssh", "sshd"].contains(arguments.first ?? ""))
                    || (["systemctl", "rc-update"].contains(command.name) && arguments.contains { $0 == "ssh" || $0 == "sshd" || $0 == "ssh.service" || $0 == "sshd.service" })
                if starts { return .fail(instruction.range, "starts an SSH server: \(commandEvidence(command.words))", "启动了 SSH 服务：\(commandEvidence(command.words))") }
            }
            return nil
        }
    }
}

struct DockerfileSetuidRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileSetuid, cis: "4.8", severity: .high,
        title: .init(en: "No setuid or setgid bits are set in the build", zh: "构建中不设置 setuid/setgid 权限位"),
        rationale: .init(
            en: "A setuid or setgid program runs with its owner's rights whoever starts it: a flaw in it is a privilege escalation to root inside the container (baseline item 11).",
            zh: "setuid/setgid 程序无论由谁启动都以文件属主的权限运行：其中任何漏洞都可在容器内提权到 root（基线第 11 项）。"),
        remediation: .init(
            en: "Do not add setuid/setgid bits; grant the single capability a program needs at run time instead, and consider `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`.",
            zh: "不要添加 setuid/setgid 位；改为在运行时授予程序所需的单项能力，并可考虑 `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`。"),
        references: [Reference.cisDocker])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\nRUN chmod u+s /usr/local/bin/tool\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN chmod 4755 /usr/local/bin/tool\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN chmod -R g+s /srv/shared\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nCOPY --chmod=2755 tool /usr/local/bin/\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN install -m 4755 tool /usr/local/bin/tool\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN chmod 0755 /app && chmod a-s /bin/su && chmod u+x run.sh\nCOPY --chmod=755 tool /bin/\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.effectiveInstructions.compactMap { instruction in
            if let mode = instruction.flag("chmod")?.value, modeSetsSetID(mode) {
                return .fail(instruction.range, "\(instruction.keyword) --chmod=\(mode) sets a setuid/setgid bit", "\(instruction.keyword) --chmod=\(mode) 设置了 setuid/setgid 位",
                             evidence: ["mode": mode])
            }
            for command in instruction.commands?.commands ?? [] {
                let words = command.effective
                for (position, word) in words.enumerated() {
                    let mode: String?
                    switch word.baseName {
                    case "chmod": mode = words.dropFirst(position + 1).first { !$0.hasPrefix("-") || $0.dropFirst().allSatisfy { "rwxXst,".contains($0) } }
                    case "install":
                        let rest = words.dropFirst(position + 1)
                        mode = rest.firstIndex(of: "-m").flatMap { rest.dropFirst($0 - rest.startIndex + 1).first }
                            ?? rest.first { $0.hasPrefix("--mode=") }.map { String($0.dropFirst(7)) }
                    default: mode = nil
                    }
                    if let mode, modeSetsSetID(mode) {
                        return .fail(instruction.range, "sets a setuid/setgid bit: \(commandEvidence(words))", "设置了 setuid/setgid 位：\(commandEvidence(words))",
                                     evidence: ["mode": mode])
                    }
                }
            }
            return nil
        }
    }
}

struct DockerfileDownloadExecuteRule: DockerfileRule {
    static let downloaders: Set<String> = ["curl", "wget", "fetch"]
    static let interpreters: Set<String> = ["sh", "bash", "ash", "dash", "zsh", "ksh", "python", "python2", "python3", "perl", "ruby", "node", "php"]
    static let verifiers: Set<String> = ["sha256sum", "sha512sum", "sha1sum", "shasum", "gpg", "gpgv", "cosign", "minisign", "signify", "md5sum"]

    let metadata = RuleMetadata(
        id: .dockerfileDownloadExecute, cis: nil, severity: .high,
        title: .init(en: "Downloaded scripts are verified before they run", zh: "下载的脚本先校验再执行"),
        rationale: .init(
            en: "`curl … | sh` runs whatever the server (or anyone in between) sends at build time, with root in the build, and leaves no record of what ran.",
            zh: "`curl … | sh` 会以 root 身份执行服务器（或中间人）在构建时返回的任何内容，且不留下执行内容的记录。"),
        remediation: .init(
            en: "Download to a file, check it against a pinned checksum or signature (`echo \"<sha256>  install.sh\" | sha256sum -c`), then run it; better, install a pinned package.",
            zh: "先下载到文件，用固定的校验和或签名校验（`echo \"<sha256>  install.sh\" | sha256sum -c`），再执行；更好的做法是安装固定版本的软件包。"),
        references: [Reference.buildBestPractices])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\nRUN curl -fsSL https://get.example.com | sh\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN wget -qO- https://x.example/i.sh | sudo -E bash -\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN bash <(curl -s https://x.example/i.sh)\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN sh -c \"$(curl -fsSL https://x.example/i.sh)\"\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN curl -o /tmp/i.sh https://x.example/i.sh && chmod +x /tmp/i.sh && /tmp/i.sh\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN wget https://x.example/install.sh \\\n && bash install.sh --yes\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN [\"sh\", \"-c\", \"curl -s https://x.example/i | sh\"]\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN curl -o i.sh https://x.example/i.sh && echo \"abc  i.sh\" | sha256sum -c && sh i.sh\n", .pass),
        .dockerfile("FROM alpine:3.20\nRUN curl -fsSL https://x.example/data.json | jq . > /data.json\n", .pass),
    ]

    /// Where a download command writes: its `-o`/`-O` file, the URL's last part, or nil for standard output.
    static func output(of command: ShellCommand) -> String? {
        let arguments = Array(command.arguments)
        let url = arguments.first { $0.contains("://") }
        for (index, word) in arguments.enumerated() {
            let next = index + 1 < arguments.count ? arguments[index + 1] : nil
            switch (command.name, word) {
            case ("curl", "-o"), ("curl", "--output"), ("wget", "-O"), ("wget", "--output-document"):
                return next == "-" ? nil : next
            case ("curl", "-O"), ("curl", "--remote-name"):
                return url?.baseName
            default:
                if word.hasPrefix("--output-document=") || word.hasPrefix("--output=") {
                    let value = String(word.drop { $0 != "=" }.dropFirst())
                    return value == "-" ? nil : value
                }
            }
        }
        return command.name == "wget" ? url?.baseName : nil
    }

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.effectiveInstructions.compactMap { instruction in
            let commands = instruction.commands?.commands ?? []
            // Base names of files downloaded since the last verification, and pipelines a download writes into: sets, so
            // a RUN of many thousand commands is judged in one pass.
            var downloaded: Set<String> = []
            var downloadingPipelines: Set<Int> = []
            for command in commands {
                let name = command.name
                var evidence: [String: String] { ["command": commandEvidence(command.words)] }
                // curl … | sh: a later command of the same pipeline interprets what was downloaded.
                if Self.interpreters.contains(name), downloadingPipelines.contains(command.pipeline) {
                    return .fail(instruction.range, "pipes a download into \(name)", "将下载内容直接通过管道交给 \(name) 执行", evidence: evidence)
                }
                if Self.interpreters.contains(command.name),
                   command.processSubstitutions.contains(where: { text in Self.downloaders.contains { text.contains($0) } })
                    || command.arguments.contains(where: { arg in (arg.contains("$(") || arg.contains("`")) && Self.downloaders.contains { arg.contains($0 + " ") } }) {
                    return .fail(instruction.range, "runs a download directly with \(command.name)", "用 \(command.name) 直接执行下载内容", evidence: evidence)
                }
                if Self.verifiers.contains(name) { downloaded = [] }
                if Self.downloaders.contains(name) {
                    downloadingPipelines.insert(command.pipeline)
                    if let output = Self.output(of: command) { downloaded.insert(output.baseName) }
                }
                let target = Self.interpreters.contains(name) ? command.arguments.first { !$0.hasPrefix("-") } : command.effective.first
                if let target, downloaded.contains(target.baseName) {
                    return .fail(instruction.range, "runs \(target) right after downloading it, unverified", "下载 \(target) 后未经校验即执行", evidence: evidence)
                }
            }
            return nil
        }
    }
}

struct DockerfileInsecureDownloadRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileInsecureDownload, cis: nil, severity: .high,
        title: .init(en: "TLS and package signature checks stay on", zh: "不关闭 TLS 校验与软件包签名校验"),
        rationale: .init(
            en: "Switching off certificate or signature checks lets anyone on the network path replace what the build downloads or installs.",
            zh: "关闭证书或签名校验后，网络路径上的任何人都可以替换构建下载或安装的内容。"),
        remediation: .init(
            en: "Remove the option; install the CA the server needs (COPY the certificate and run update-ca-certificates) or import the repository's signing key.",
            zh: "删除该选项；为服务器安装所需的 CA 证书（COPY 证书后运行 update-ca-certificates），或导入软件源的签名公钥。"),
        references: [Reference.buildBestPractices])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\nRUN curl -fsSLk https://x.example/a -o a\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN wget --no-check-certificate https://x.example/a\n", .fail, line: 2),
        .dockerfile("FROM debian:12\nRUN apt-get install -y --allow-unauthenticated tool\n", .fail, line: 2),
        .dockerfile("FROM fedora:40\nRUN dnf install -y --nogpgcheck tool\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN apk add --allow-untrusted /tmp/tool.apk\n", .fail, line: 2),
        .dockerfile("FROM python:3.12\nRUN pip install --trusted-host pypi.internal tool\n", .fail, line: 2),
        .dockerfile("FROM node:22\nRUN npm config set strict-ssl false\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nENV GIT_SSL_NO_VERIFY=1\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN git -c http.sslVerify=false clone https://x.example/r.git\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN curl -fsSL -o a https://x.example/a && wget -q https://x.example/b && apk add --no-cache tool\n", .pass),
    ]

    static let insecureVariables: [String: @Sendable (String) -> Bool] = [
        "GIT_SSL_NO_VERIFY": { !$0.isEmpty && $0 != "0" && $0.lowercased() != "false" },
        "NODE_TLS_REJECT_UNAUTHORIZED": { $0 == "0" },
        "PYTHONHTTPSVERIFY": { $0 == "0" },
        "PIP_TRUSTED_HOST": { !$0.isEmpty },
        "NPM_CONFIG_STRICT_SSL": { $0.lowercased() == "false" },
    ]

    static func insecureOption(_ command: ShellCommand) -> String? {
        let arguments = Array(command.arguments)
        func has(_ options: String...) -> String? { arguments.first { options.contains($0) } }
        switch command.name {
        case "curl":
            return has("--insecure") ?? arguments.first { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("k") }
        case "wget":
            return has("--no-check-certificate")
        case "apt-get", "apt", "aptitude":
            return has("--allow-unauthenticated", "--allow-insecure-repositories")
                ?? arguments.first { $0.contains("AllowUnauthenticated=true") || $0.contains("AllowInsecureRepositories=true") || $0.contains("Verify-Peer=false") }
        case "yum", "dnf", "microdnf", "tdnf":
            return has("--nogpgcheck")
        case "zypper":
            return has("--no-gpg-checks")
        case "rpm":
            return has("--nosignature", "--nodigest")
        case "apk":
            return has("--allow-untrusted")
        case "pip", "pip3":
            return arguments.first { $0 == "--trusted-host" || $0.hasPrefix("--trusted-host=") }
        case "npm", "yarn", "pnpm":
            if arguments.contains("strict-ssl"), arguments.last == "false" { return "config set strict-ssl false" }
            return arguments.first { $0 == "--strict-ssl=false" }
        case "git":
            return arguments.first { $0.lowercased().replacingOccurrences(of: " ", with: "") == "http.sslverify=false" }
                ?? (arguments.contains { $0.lowercased() == "http.sslverify" } && arguments.last == "false" ? "http.sslVerify false" : nil)
        default:
            return nil
        }
    }

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.effectiveInstructions.compactMap { instruction in
            var found: [String] = []
            if instruction.keyword == "ENV" || instruction.keyword == "ARG" {
                for (name, value) in instruction.declarations() where Self.insecureVariables[name]?(value ?? "") == true {
                    found.append("\(name)=\(value ?? "")")
                }
            }
            for command in instruction.commands?.commands ?? [] {
                if let option = Self.insecureOption(command) { found.append("\(command.name) \(option)") }
                for assignment in command.assignments {
                    let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                    if Self.insecureVariables[parts[0]]?(parts.count > 1 ? parts[1] : "") == true { found.append(assignment) }
                }
            }
            if instruction.keyword == "RUN", instruction.arguments.contains("trusted=yes") || instruction.arguments.contains("gpgcheck=0") {
                found.append(instruction.arguments.contains("trusted=yes") ? "[trusted=yes] repository" : "gpgcheck=0 repository")
            }
            guard !found.isEmpty else { return nil }
            return .fail(instruction.range, "switches off TLS or signature checks: \(found.joined(separator: ", "))",
                         "关闭了 TLS 或签名校验：\(found.joined(separator: ", "))", evidence: ["options": found.joined(separator: ", ")])
        }
    }
}

struct DockerfileInsecureBuildRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileInsecureBuild, cis: nil, severity: .high,
        title: .init(en: "No RUN asks for the insecure entitlement", zh: "RUN 不申请 insecure 特权"),
        rationale: .init(
            en: "`RUN --security=insecure` runs the step like a privileged container: full capabilities and devices on the build host.",
            zh: "`RUN --security=insecure` 会像特权容器一样执行该步骤：在构建主机上拥有全部能力和设备。"),
        remediation: .init(en: "Remove `--security=insecure`; do the privileged work outside the image build.",
                           zh: "删除 `--security=insecure`；需要特权的操作放到镜像构建之外完成。"),
        references: [Reference.dockerfile])

    let examples: [LintExample] = [
        .dockerfile("# syntax=docker/dockerfile:1-labs\nFROM alpine:3.20\nRUN --security=insecure mount -t tmpfs none /mnt\n", .fail, line: 3),
        .dockerfile("FROM alpine:3.20\nRUN --security=sandbox --mount=type=cache,target=/var/cache/apk apk add tool\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.effectiveInstructions.compactMap { instruction in
            guard instruction.keyword == "RUN", instruction.flag("security")?.value == "insecure" else { return nil }
            return .fail(instruction.range, "RUN --security=insecure runs the step with full privileges", "RUN --security=insecure 以完全特权执行该步骤")
        }
    }
}

extension RuleID {
    public static let dockerfileSecrets: RuleID = "dockerfile.secrets"
    public static let dockerfileSensitiveFiles: RuleID = "dockerfile.sensitive-files"
    public static let dockerfileSudo: RuleID = "dockerfile.sudo"
    public static let dockerfileSshd: RuleID = "dockerfile.sshd"
    public static let dockerfileSetuid: RuleID = "dockerfile.setuid"
    public static let dockerfileDownloadExecute: RuleID = "dockerfile.download-execute"
    public static let dockerfileInsecureDownload: RuleID = "dockerfile.insecure-download"
    public static let dockerfileInsecureBuild: RuleID = "dockerfile.insecure-build"
}
