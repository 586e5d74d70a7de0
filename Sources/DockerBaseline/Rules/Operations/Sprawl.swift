// §6 rules about what accumulates on an engine: images 6.1 and containers 6.2.

/// At most `limit` names, then how many more.
func abbreviatedList(_ names: [String], limit: Int = 20) -> String {
    let shown = names.prefix(limit).joined(separator: ", ")
    return names.count > limit ? "\(shown), … (\(names.count - limit) more)" : (shown.isEmpty ? "none" : shown)
}

struct ImageSprawlRule: EngineRule {
    let metadata = RuleMetadata(
        id: .engineImageSprawl, cis: "6.1", severity: .low, manual: true,
        title: .init(en: "Image sprawl is avoided", zh: "避免镜像泛滥"),
        rationale: .init(
            en: "Images no container uses still carry their vulnerabilities and secrets, can be started at any time, and make it hard to tell what is really deployed.",
            zh: "未被任何容器使用的镜像仍带着其漏洞与密钥，随时可被启动，也使人难以弄清实际部署了什么。"),
        remediation: .init(
            en: "Remove images that are not needed: `docker image prune` for dangling ones, `docker image rm NAME` (or `docker image prune -a`) for unused ones.",
            zh: "删除不需要的镜像：悬空镜像用 `docker image prune`，未使用的用 `docker image rm 名称`（或 `docker image prune -a`）。"),
        references: [Reference.prune, Reference.cisDocker])

    let examples = [
        RuleExample(expect: .pass),
        RuleExample(container: #"{"Image": "sha256:9999999999999999999999999999999999999999999999999999999999999999"}"#, expect: .warn),
        RuleExample(image: #"{"RepoTags": [], "Id": "sha256:9999999999999999999999999999999999999999999999999999999999999999"}"#, expect: .warn),
        RuleExample(image: #"{"RepoTags": []}"#, expect: .pass),
    ]

    func judge(_ context: AuditContext) -> Verdict {
        let images = context.snapshot.images.map(\.inspect)
        // Untagged images a container still uses are neither dangling nor unused: prune keeps them.
        let unusedImages = images.filter { !context.imageIDsInUse.contains($0.id) }
        let dangling = unusedImages.filter(\.isDangling)
        let unused = unusedImages.filter { !$0.isDangling }
        let inUse = images.filter { context.imageIDsInUse.contains($0.id) }.count
        let evidence = [
            "images": String(images.count), "in use": String(inUse),
            "unused": abbreviatedList(unused.map(\.displayName)), "dangling": abbreviatedList(dangling.map { shortImageID($0.id) }),
        ]
        if dangling.isEmpty && unused.isEmpty {
            return .pass("all \(images.count) image(s) are in use", "全部 \(images.count) 个镜像均在使用", evidence: evidence)
        }
        return .warn("\(images.count) images: \(unused.count) unused, \(dangling.count) dangling; remove those not needed",
                     "共 \(images.count) 个镜像：\(unused.count) 个未使用，\(dangling.count) 个悬空；请删除不需要的", evidence: evidence)
    }
}

struct ContainerSprawlRule: EngineRule {
    let metadata = RuleMetadata(
        id: .engineContainerSprawl, cis: "6.2", severity: .low, manual: true,
        title: .init(en: "Container sprawl is avoided", zh: "避免容器泛滥"),
        rationale: .init(
            en: "Stopped and never-started containers keep their configuration, data and writable layers, can be started at any moment, and hide what actually runs on the host.",
            zh: "已停止或从未启动的容器保留着配置、数据和可写层，随时可被启动，也掩盖了主机上真正运行的内容。"),
        remediation: .init(
            en: "Remove containers that are not needed: `docker container prune`, or `docker rm NAME`.",
            zh: "删除不需要的容器：`docker container prune` 或 `docker rm 名称`。"),
        references: [Reference.prune, Reference.cisDocker])

    let examples = [
        RuleExample(expect: .pass),
        RuleExample(container: #"{"State": {"Status": "exited", "Running": false}}"#, expect: .warn),
        RuleExample(container: #"{"State": {"Status": "created", "Running": false}}"#, expect: .warn),
    ]

    func judge(_ context: AuditContext) -> Verdict {
        let containers = context.snapshot.containers.map(\.inspect)
        let stopped = containers.filter { !$0.isRunning }
        let evidence = [
            "containers": String(containers.count), "running": String(containers.count - stopped.count),
            "not running": abbreviatedList(stopped.map { "\($0.displayName) (\($0.status))" }),
        ]
        if stopped.isEmpty {
            return .pass("all \(containers.count) container(s) are running", "全部 \(containers.count) 个容器均在运行", evidence: evidence)
        }
        return .warn("\(stopped.count) of \(containers.count) containers are not running; remove those not needed",
                     "\(containers.count) 个容器中有 \(stopped.count) 个未运行；请删除不需要的", evidence: evidence)
    }
}

extension RuleID {
    public static let engineImageSprawl: RuleID = "engine.image-sprawl"
    public static let engineContainerSprawl: RuleID = "engine.container-sprawl"
}
