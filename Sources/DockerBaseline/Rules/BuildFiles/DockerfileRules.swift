// Dockerfile rules about what the built image is: parse problems, the user it runs as (4.1), HEALTHCHECK (4.6),
// update instructions (4.7), ADD (4.9), base images (4.2), secrets (4.10) and hygiene.

extension LintFinding {
    /// A Dockerfile without FROM has no stage to judge (dockerfile.syntax reports it).
    static let noStage = LintFinding(status: .skipped, severity: nil, message: .init(en: "not checked: the file has no FROM", zh: "未检查：文件中没有 FROM"),
                                     evidence: [:], file: nil, range: .line(1), fix: nil)
}

struct DockerfileSyntaxRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileSyntax, cis: nil, severity: .high,
        title: .init(en: "Every instruction can be parsed", zh: "每条指令均可被解析"),
        rationale: .init(
            en: "Docker refuses to build a Dockerfile with an unknown instruction, a missing argument or an unterminated heredoc; the rest of the file is still checked so one typo does not hide other findings.",
            zh: "含未知指令、缺少参数或未结束的 heredoc 的 Dockerfile 无法构建；其余部分仍会被检查，一个笔误不会掩盖其他问题。"),
        remediation: .init(en: "Fix the instruction as the message says (see the Dockerfile reference).", zh: "按提示修正该指令（参见 Dockerfile 参考文档）。"),
        references: [Reference.dockerfile])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\nRUNN echo hi\nUSER app\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN <<EOF\necho never ends\n", .fail, line: 2),
        .dockerfile("FROM\nUSER app\n", .fail, line: 1),
        .dockerfile("# escape=x\nFROM alpine:3.20\n", .fail, line: 1),
        .dockerfile("# syntax=docker/dockerfile:1\n# syntax=docker/dockerfile:1\nFROM alpine:3.20\n", .fail, line: 2),
        .dockerfile("RUN echo no stage\n", .fail, line: 1),
        .dockerfile("FROM alpine:3.20\nCMD [\"a\", ]\nONBUILD RUN echo ok\n", .pass),
        .dockerfile("FROM alpine:3.20\nRUN <<EOF\necho one\nEOF\nUSER app\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        let fileProblems = file.problems.compactMap { problem -> LintFinding? in
            guard let range = problem.range else { return nil }
            return .fail(range, problem.message, "解析错误：\(problem.message)")
        }
        let noStage: [LintFinding] = file.stages.isEmpty && !file.instructions.isEmpty
            ? [.fail(file.instructions[0].range, "no FROM instruction: there is no stage to build", "没有 FROM 指令：没有可构建的阶段")] : []
        return fileProblems + noStage + file.instructions.compactMap { instruction in
            instruction.problem.map { .fail(instruction.range, $0, "无法解析该指令：\($0)") }
        }
    }
}

struct DockerfileUserRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileUser, cis: "4.1", severity: .medium,
        title: .init(en: "The final stage sets a non-root USER", zh: "最终构建阶段设置了非 root 的 USER"),
        rationale: ImageUserRule().metadata.rationale,
        remediation: .init(
            en: "End the final stage with `USER 10001:10001` (or a named unprivileged user created in the image). Build stages may run as root; the final one is what runs.",
            zh: "在最终阶段末尾设置 `USER 10001:10001`（或镜像中创建的普通用户）。中间构建阶段可以用 root，最终阶段才是运行时的身份。"),
        references: [Reference.dockerfile, Reference.cisDocker])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\nRUN echo hi\n", .fail, line: 1),
        .dockerfile("FROM alpine:3.20\nUSER 0\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nUSER root:root\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nUSER app\nUSER 0:0\n", .fail, line: 3),
        .dockerfile("FROM alpine:3.20\nARG RUN_AS=root\nUSER ${RUN_AS}\n", .fail, line: 3),
        .dockerfile("ARG RUN_AS=root\nFROM alpine:3.20\nARG RUN_AS\nUSER $RUN_AS\n", .fail, line: 4),
        .dockerfile("FROM alpine:3.20 AS build\nUSER app\nFROM alpine:3.20\nCOPY --from=build /x /x\n", .fail, line: 3),
        .dockerfile("FROM alpine:3.20\nUSER 10001:10001\n", .pass),
        .dockerfile("FROM alpine:3.20 AS Base\nUSER app\nFROM base\nRUN echo inherits\n", .pass),
        .dockerfile("FROM alpine:3.20\nARG RUN_AS=app\nUSER ${RUN_AS:-root}\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        guard let final = file.finalStage else { return [.noStage] }
        guard let (index, user) = file.finalLineage.last(where: { $0.instruction.keyword == "USER" }) else {
            return [.fail(file.instructions[final.fromIndex].range, "the final stage sets no USER: it runs as root unless \(final.base) sets a user",
                          "最终阶段未设置 USER：除非基础镜像 \(final.base) 设置了用户，否则以 root 运行", evidence: ["FROM": final.base])]
        }
        let written = user.words.first ?? ""
        let resolved = VariableExpander.expand(written, file.variables(before: index))
        guard runsAsRoot(resolved) else { return [] }
        let shown = written == resolved ? written : "\(written) (= \(resolved) by default)"
        return [.fail(user.range, "the final stage runs as root: USER \(shown)", "最终阶段以 root 运行：USER \(shown)", evidence: ["USER": shown])]
    }
}

struct DockerfileHealthcheckRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileHealthcheck, cis: "4.6", severity: .low,
        title: .init(en: "The final stage has a HEALTHCHECK", zh: "最终构建阶段包含 HEALTHCHECK"),
        rationale: ImageHealthcheckRule().metadata.rationale,
        remediation: .init(
            en: "Add `HEALTHCHECK --interval=30s CMD [\"/app/healthcheck\"]` (a command that checks the service, not just the process); do not use HEALTHCHECK NONE.",
            zh: "添加 `HEALTHCHECK --interval=30s CMD [\"/app/healthcheck\"]`（检查服务本身而非进程是否存在）；不要使用 HEALTHCHECK NONE。"),
        references: [Reference.dockerfile, Reference.cisDocker])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\nUSER app\n", .fail, line: 1),
        .dockerfile("FROM alpine:3.20\nHEALTHCHECK CMD [\"/ok\"]\nHEALTHCHECK NONE\n", .fail, line: 3),
        .dockerfile("FROM alpine:3.20\nHEALTHCHECK --interval=30s CMD wget -qO- http://localhost/health || exit 1\n", .pass),
        .dockerfile("FROM alpine:3.20 AS base\nHEALTHCHECK CMD [\"/ok\"]\nFROM base\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        guard let final = file.finalStage else { return [.noStage] }
        guard let (_, check) = file.finalLineage.last(where: { $0.instruction.keyword == "HEALTHCHECK" }) else {
            return [.fail(file.instructions[final.fromIndex].range, "the final stage has no HEALTHCHECK", "最终阶段没有 HEALTHCHECK")]
        }
        guard check.words.first?.uppercased() == "NONE" else { return [] }
        return [.fail(check.range, "HEALTHCHECK NONE switches the health check off", "HEALTHCHECK NONE 关闭了健康检查")]
    }
}

struct DockerfileBasePinnedRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileBasePinned, cis: nil, severity: .medium,
        title: .init(en: "Base images are pinned to a version", zh: "基础镜像固定了版本"),
        rationale: .init(
            en: "Without a tag (which means `latest`) or with `latest`, every build can pull a different base: unreviewed changes, broken builds, and no way to say which base a running image has. A digest pins the exact bytes.",
            zh: "不写标签（即 latest）或使用 latest 时，每次构建都可能拉取不同的基础镜像：未经审查的变更、构建失败，也无法确定运行中的镜像基于哪个版本。摘要（digest）可固定到确切内容。"),
        remediation: .init(
            en: "Name a version tag, ideally with its digest: `FROM alpine:3.20@sha256:…`; update it deliberately (e.g. with Renovate or Dependabot).",
            zh: "写明版本标签，最好带摘要：`FROM alpine:3.20@sha256:…`；通过 Renovate、Dependabot 等工具有计划地更新。"),
        references: [Reference.buildBestPractices])

    static let digestSettings = RuleSettings(requireDigest: true)

    let examples: [LintExample] = [
        .dockerfile("FROM alpine\nUSER app\n", .fail, line: 1),
        .dockerfile("FROM alpine:latest\n", .fail, line: 1),
        .dockerfile("FROM localhost:5000/team/app\n", .fail, line: 1),
        .dockerfile("ARG BASE=debian\nFROM ${BASE}\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\n", .fail, line: 1, settings: digestSettings),
        .dockerfile("FROM localhost:5000/team/app:1.4\n", .pass),
        .dockerfile("ARG TAG=3.20\nFROM alpine:${TAG}\n", .pass),
        .dockerfile("FROM golang:1.23 AS Build\nFROM build\nFROM scratch\n", .pass),
        .dockerfile("FROM alpine:3.20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", .pass, settings: digestSettings),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.stages.compactMap { stage in
            guard !file.isInternalBase(stage) else { return nil }
            let range = file.instructions[stage.fromIndex].range
            let evidence = ["FROM": stage.baseWritten == stage.base ? stage.base : "\(stage.baseWritten) = \(stage.base)"]
            if stage.base.isEmpty || stage.base.contains("$") {
                return .warn(range, "the base image comes from a build argument without a default: pin it where the build is run",
                             "基础镜像来自没有默认值的构建参数：请在构建处固定版本", evidence: evidence)
            }
            let reference = ImageReference(stage.base)
            if reference.digest == nil, reference.tag == nil || reference.tag == "latest" {
                let what = reference.tag == nil ? "has no tag (latest)" : "uses latest"
                return .fail(range, "base image \(stage.base) \(what)", "基础镜像 \(stage.base) 未固定版本（latest）", evidence: evidence)
            }
            if settings.requireDigest, reference.digest == nil {
                return .fail(range, "base image \(stage.base) is not pinned by digest", "基础镜像 \(stage.base) 未用摘要固定", evidence: evidence)
            }
            return nil
        }
    }
}

struct DockerfileBaseRegistryRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileBaseRegistry, cis: "4.2", severity: .high,
        title: .init(en: "Base images come from allowed registries", zh: "基础镜像来自允许的镜像仓库"),
        rationale: .init(
            en: "Images from registries outside the organisation's list have not been vetted or scanned and can change or disappear; the baseline requires trusted sources.",
            zh: "来自组织许可列表之外仓库的镜像未经审查或扫描，内容可能变化或消失；基线要求镜像来源可信。"),
        remediation: .init(
            en: "Use a base from an allowed registry (mirror the image there first); the list is `lint.allowed-registries` in .docker-baseline.yaml or --allowed-registry.",
            zh: "改用允许的仓库中的基础镜像（先同步到该仓库）；许可列表见 .docker-baseline.yaml 的 `lint.allowed-registries` 或 --allowed-registry。"),
        references: [Reference.cisDocker])

    static let allowList = RuleSettings(allowedRegistries: ["registry.example.com", "*.corp.example"])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\n", .fail, line: 1, settings: allowList),
        .dockerfile("FROM ghcr.io/org/app:1\n", .fail, line: 1, settings: allowList),
        .dockerfile("FROM registry.example.com/base/alpine:3.20\nFROM hub.corp.example/x:1\nFROM scratch\n", .pass, settings: allowList),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        guard !settings.allowedRegistries.isEmpty else {
            return [LintFinding(status: .skipped, severity: nil, message: .init(
                en: "no allow-list of registries configured (lint.allowed-registries or --allowed-registry)",
                zh: "未配置允许的镜像仓库列表（lint.allowed-registries 或 --allowed-registry）"), evidence: [:], file: nil, range: .line(1), fix: nil)]
        }
        return file.stages.compactMap { stage in
            guard !file.isInternalBase(stage), !stage.base.contains("$") else { return nil }
            let registry = ImageReference(stage.base).registry
            guard !settings.allowedRegistries.contains(where: { glob($0, registry) }) else { return nil }
            return .fail(file.instructions[stage.fromIndex].range, "base image \(stage.base) comes from \(registry), which is not allowed",
                         "基础镜像 \(stage.base) 来自不在许可列表中的仓库 \(registry)",
                         evidence: ["registry": registry, "allowed": listEvidence(settings.allowedRegistries)])
        }
    }
}

struct DockerfileUpdateAloneRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileUpdateAlone, cis: "4.7", severity: .low,
        title: UpdateAloneRule().metadata.title,
        rationale: UpdateAloneRule().metadata.rationale,
        remediation: .init(
            en: "Update the index and install in one RUN: `RUN apt-get update && apt-get install -y --no-install-recommends pkg && rm -rf /var/lib/apt/lists/*`.",
            zh: "在同一条 RUN 中更新索引并安装：`RUN apt-get update && apt-get install -y --no-install-recommends pkg && rm -rf /var/lib/apt/lists/*`。"),
        references: [Reference.buildBestPractices, Reference.cisDocker])

    let examples: [LintExample] = [
        .dockerfile("FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nRUN apk update\n", .fail, line: 2),
        .dockerfile("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n", .pass),
        .dockerfile("FROM alpine:3.20\nRUN apk add --no-cache --update curl\n", .pass),
        .dockerfile("FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.effectiveInstructions.filter { $0.keyword == "RUN" }.compactMap { instruction in
            let commands = instruction.commands?.commands ?? []
            guard commands.contains(where: PackageCommands.updatesIndex),
                  !commands.contains(where: { PackageCommands.installedPackages($0) != nil || ["upgrade", "dist-upgrade"].contains($0.arguments.first ?? "") })
            else { return nil }
            return .fail(instruction.range, "the package index is updated in a RUN that installs nothing", "该 RUN 只更新了软件包索引而未安装任何软件包")
        }
    }
}

/// Archives ADD unpacks: COPY would not do the same.
private let archiveSuffixes = [".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tbz", ".tar.zst", ".tzst"]

private func isRemoteSource(_ source: String) -> Bool {
    ["http://", "https://", "git@", "git://", "ssh://"].contains { source.lowercased().hasPrefix($0) }
}

struct DockerfileAddRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileAdd, cis: "4.9", severity: .low,
        title: .init(en: "COPY is used instead of ADD for local files", zh: "复制本地文件使用 COPY 而非 ADD"),
        rationale: AddInstructionRule().metadata.rationale,
        remediation: .init(en: "Replace ADD with COPY for local files; keep ADD only to unpack a local archive.",
                           zh: "复制本地文件时将 ADD 改为 COPY；ADD 只用于解压本地归档文件。"),
        references: [Reference.buildBestPractices, Reference.cisDocker])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\nADD app.txt /app/\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nADD [\"a b.txt\", \"/app/\"]\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nONBUILD ADD . /src\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nADD rootfs.tar.gz /\nCOPY app.txt /app/\n", .pass),
        .dockerfile("FROM alpine:3.20\nADD https://example.com/x.tgz /x/\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.effectiveInstructions.compactMap { instruction in
            guard instruction.keyword == "ADD", let (sources, _) = instruction.copySourcesAndDestination,
                  !sources.contains(where: isRemoteSource),
                  !sources.contains(where: { source in archiveSuffixes.contains { source.lowercased().hasSuffix($0) } }) else { return nil }
            // COPY has no --checksum, --keep-git-dir or --unpack: rewriting those would change the build.
            let safe = instruction.flags.allSatisfy { ["chown", "chmod", "link", "exclude", "parents"].contains($0.name) }
            let fix = safe ? Fix(description: .init(en: "Use COPY", zh: "改用 COPY"),
                                 replacements: [.init(range: instruction.keywordRange, text: "COPY")]) : nil
            return .fail(instruction.range, "ADD copies local files: \(sources.joined(separator: " "))", "ADD 用于复制本地文件：\(sources.joined(separator: " "))",
                         evidence: ["sources": listEvidence(sources)], fix: fix)
        }
    }
}

struct DockerfileAddRemoteRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileAddRemote, cis: "4.9", severity: .medium,
        title: .init(en: "ADD does not fetch remote URLs without a checksum", zh: "ADD 不在无校验和的情况下下载远程文件"),
        rationale: .init(
            en: "ADD from a URL downloads whatever the server sends at build time, unverified: a compromised or changed server changes the image silently.",
            zh: "ADD 从 URL 下载时，构建时服务器返回什么就用什么，且不做校验：服务器被篡改或内容变化会悄无声息地改变镜像。"),
        remediation: .init(
            en: "Add `--checksum=sha256:…` to the ADD, or download in a RUN and verify the file with `sha256sum -c` before use.",
            zh: "为 ADD 加上 `--checksum=sha256:…`，或在 RUN 中下载并用 `sha256sum -c` 校验后再使用。"),
        references: [Reference.dockerfile, Reference.cisDocker])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\nADD https://example.com/tool.tgz /opt/\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nADD git@github.com:org/repo.git /src\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tgz /opt/\n", .pass),
        .dockerfile("FROM alpine:3.20\nCOPY tool.tgz /opt/\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.effectiveInstructions.compactMap { instruction in
            guard instruction.keyword == "ADD", let (sources, _) = instruction.copySourcesAndDestination else { return nil }
            let remote = sources.filter(isRemoteSource)
            guard !remote.isEmpty, instruction.flag("checksum") == nil else { return nil }
            return .fail(instruction.range, "ADD fetches \(remote.joined(separator: " ")) without a checksum", "ADD 下载 \(remote.joined(separator: " ")) 且未校验",
                         evidence: ["sources": listEvidence(remote)])
        }
    }
}

struct DockerfileWorkdirRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileWorkdirRelative, cis: nil, severity: .low,
        title: .init(en: "WORKDIR paths are absolute", zh: "WORKDIR 使用绝对路径"),
        rationale: .init(en: "A relative WORKDIR depends on every earlier WORKDIR, including the base image's: the directory changes when the base does.",
                         zh: "相对路径的 WORKDIR 依赖之前所有 WORKDIR（包括基础镜像的），基础镜像变化时目录也随之变化。"),
        remediation: .init(en: "Write the full path: `WORKDIR /app`.", zh: "写完整路径：`WORKDIR /app`。"),
        references: [Reference.buildBestPractices])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\nWORKDIR app\n", .fail, line: 2),
        .dockerfile("FROM alpine:3.20\nWORKDIR /app\nWORKDIR $HOME/src\nWORKDIR C:\\\\app\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.effectiveInstructions.compactMap { instruction in
            guard instruction.keyword == "WORKDIR", let path = instruction.words.first else { return nil }
            let absolute = path.hasPrefix("/") || path.hasPrefix("$") || path.hasPrefix("\\")
                || (path.count >= 2 && path.dropFirst().first == ":" && path.first!.isLetter)
            return absolute ? nil : .fail(instruction.range, "WORKDIR \(path) is relative", "WORKDIR \(path) 为相对路径")
        }
    }
}

struct DockerfileMultipleCommandRule: DockerfileRule {
    let metadata = RuleMetadata(
        id: .dockerfileMultipleCmd, cis: nil, severity: .low,
        title: .init(en: "A stage has at most one CMD and one ENTRYPOINT", zh: "每个阶段最多一条 CMD 和一条 ENTRYPOINT"),
        rationale: .init(en: "Only the last CMD or ENTRYPOINT of a stage takes effect; earlier ones mislead reviewers about what the container runs.",
                         zh: "每个阶段只有最后一条 CMD 或 ENTRYPOINT 生效；之前的会让审查者误解容器实际运行的命令。"),
        remediation: .init(en: "Keep one CMD and one ENTRYPOINT per stage.", zh: "每个阶段只保留一条 CMD 和一条 ENTRYPOINT。"),
        references: [Reference.dockerfile])

    let examples: [LintExample] = [
        .dockerfile("FROM alpine:3.20\nCMD [\"a\"]\nCMD [\"b\"]\n", .fail, line: 3),
        .dockerfile("FROM alpine:3.20\nENTRYPOINT [\"a\"]\nCMD [\"b\"]\nFROM alpine:3.20\nCMD [\"c\"]\n", .pass),
    ]

    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding] {
        file.stages.flatMap { stage in
            ["CMD", "ENTRYPOINT"].flatMap { keyword in
                file.instructions(of: stage).filter { $0.keyword == keyword }.dropFirst().map { instruction in
                    LintFinding.fail(instruction.range, "a second \(keyword) in the stage: only the last one takes effect",
                                     "同一阶段中出现多条 \(keyword)：只有最后一条生效")
                }
            }
        }
    }
}

extension RuleID {
    public static let dockerfileSyntax: RuleID = "dockerfile.syntax"
    public static let dockerfileUser: RuleID = "dockerfile.user"
    public static let dockerfileHealthcheck: RuleID = "dockerfile.healthcheck"
    public static let dockerfileBasePinned: RuleID = "dockerfile.base-pinned"
    public static let dockerfileBaseRegistry: RuleID = "dockerfile.base-registry"
    public static let dockerfileUpdateAlone: RuleID = "dockerfile.update-alone"
    public static let dockerfileAdd: RuleID = "dockerfile.add"
    public static let dockerfileAddRemote: RuleID = "dockerfile.add-remote"
    public static let dockerfileWorkdirRelative: RuleID = "dockerfile.workdir-relative"
    public static let dockerfileMultipleCmd: RuleID = "dockerfile.multiple-cmd"
}
