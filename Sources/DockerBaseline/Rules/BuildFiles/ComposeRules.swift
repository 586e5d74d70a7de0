// Compose rules of their own: secrets in the file, and whether it can be read at all. The §5 runtime checks of each
// service are the container rules' own checks (see ContainerRuntime/RuntimeCheck.swift).

/// Passwords and tokens written into the file as literal environment values or build arguments (4.10).
struct ComposeSecretsRule: ComposeRule {
    let metadata = RuleMetadata(
        id: .composeSecrets, cis: "4.10", severity: .high,
        title: .init(en: "No secrets are written into the Compose file", zh: "Compose 文件中不包含密钥等敏感信息"),
        rationale: .init(
            en: "Passwords and tokens written as literal values are in version control, in `docker inspect` output and in every process's environment (baseline item 10).",
            zh: "以明文写入的密码和令牌会进入版本库、`docker inspect` 输出以及进程环境变量（基线第 10 项）。"),
        remediation: .init(
            en: "Use Compose `secrets:` (files mounted under /run/secrets) or `${VAR}` references filled from the environment; rotate any secret that was committed.",
            zh: "使用 Compose 的 `secrets:`（挂载到 /run/secrets 的文件）或从环境变量填充的 `${VAR}` 引用；已提交过的密钥必须轮换。"),
        references: ["https://docs.docker.com/compose/how-tos/use-secrets/", Reference.cisDocker])

    let examples: [LintExample] = [
        .compose("services:\n  db:\n    image: a:1\n    environment:\n      POSTGRES_PASSWORD: hunter2\n", .fail, line: 5),
        .compose("services:\n  db:\n    image: a:1\n    environment:\n      - API_TOKEN=abc123\n", .fail, line: 5),
        .compose("services:\n  app:\n    build:\n      context: .\n      args:\n        NPM_TOKEN: npm_abcdef\n", .fail, line: 6),
        .compose("services:\n  db:\n    image: a:1\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n      POSTGRES_PASSWORD_FILE: /run/secrets/db\n", .pass),
        .compose("services:\n  db:\n    image: a:1\n    environment:\n      - POSTGRES_PASSWORD=${DB_PASSWORD:?set it}\n      - DEBUG=1\n", .pass),
    ]

    func check(_ service: ComposeService, _ settings: RuleSettings) -> [LintFinding] {
        let entries = (service["environment"].map(ComposeLoader.keyValueEntries) ?? [])
            + (service.value(at: "build.args").map(ComposeLoader.keyValueEntries) ?? [])
        return entries.compactMap { entry in
            guard let raw = entry.value.raw, !raw.contains("$"), let reason = SecretScanner.judgeAssignment(name: entry.key, value: raw) else { return nil }
            return .fail(entry.value.range, "\(reason) (value masked)", "\(entry.key) 中包含敏感信息（值已隐藏）", evidence: [entry.key: "<masked>"],
                         file: entry.value.file)
        }
    }
}

struct ComposeSyntaxRule: LintRule {
    let metadata = RuleMetadata(
        id: .composeSyntax, cis: nil, severity: .high,
        title: .init(en: "The Compose file can be read", zh: "Compose 文件可被正确解析"),
        rationale: .init(
            en: "A Compose file that is not valid YAML, has no services, or whose `extends` cannot be followed would not start, and none of its services can be checked.",
            zh: "不是合法 YAML、没有 services 或 `extends` 无法解析的 Compose 文件无法启动，其中的服务也都无法检查。"),
        remediation: .init(en: "Fix the file as the message says; `docker compose config` shows how Compose reads it.",
                           zh: "按提示修正文件；`docker compose config` 可显示 Compose 的解析结果。"),
        references: ["https://docs.docker.com/reference/compose-file/"])

    let kind = BuildFileKind.compose

    let examples: [LintExample] = [
        .compose("services:\n  app:\n    image: [a\n", .fail),
        .compose("services:\n  app:\n    extends: missing\n", .fail),
        .compose("- just\n- a list\n", .fail, line: 1),
        .compose("version: \"3.8\"\nservices:\n  app:\n    image: a:1\n", .pass),
    ]

    func check(_ file: BuildFile, _ settings: RuleSettings) -> [LintFinding] {
        guard case let .compose(project) = file else { return [] }
        return project.problems.map { problem in
            .fail(problem.range ?? .line(1), problem.message, "无法解析：\(problem.message)")
        }
    }
}

extension RuleID {
    public static let composeSyntax: RuleID = "compose.syntax"
    public static let composeSecrets: RuleID = "compose.secrets"
}
