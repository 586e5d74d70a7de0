// §5 rules about what a container mounts: sensitive host paths 5.6, propagation 5.20, the engine's socket 5.32,
// and its own root filesystem 5.13.

struct SensitiveMountRule: RuntimeCheck {
    let composeID: RuleID = .composeSensitiveMounts

    let metadata = RuleMetadata(
        id: .containerSensitiveMounts, cis: "5.6", severity: .high,
        title: .init(en: "Sensitive host system directories are not mounted on containers", zh: "不将宿主机敏感目录挂载到容器"),
        rationale: .init(
            en: "A bind mount of /, /boot, /dev, /etc, /lib, /proc, /sys or /usr (or anything below them) lets the container read host secrets or, read-write, change the host's system files.",
            zh: "绑定挂载 /、/boot、/dev、/etc、/lib、/proc、/sys、/usr（或其子目录）会让容器读取宿主机敏感信息，若可写还能篡改宿主机系统文件。"),
        remediation: .init(
            en: "Remove the bind mount (compose: the `volumes` entry); mount only the specific application directory the container needs, read-only where possible.",
            zh: "删除该绑定挂载（compose 中的 `volumes` 条目）；只挂载容器所需的具体业务目录，尽量只读。"),
        references: [Reference.bindMounts, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "remove the -v/--mount of host system directories", compose: "remove those `volumes` entries"))

    let examples = [
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/etc", "Destination": "/host-etc", "RW": true}]}"#, expect: .fail),
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/etc/ssl/certs", "Destination": "/certs", "RW": false}]}"#, expect: .fail),
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/", "Destination": "/host", "RW": false}]}"#, expect: .fail),
        RuleExample(container: #"{"Mounts": null, "HostConfig": {"Binds": ["/proc:/p:ro"]}}"#, expect: .fail),
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/srv/app", "Destination": "/etc", "RW": true}]}"#, expect: .pass),
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/etcetera", "Destination": "/x", "RW": true}]}"#, expect: .pass),
        RuleExample(container: #"{"Mounts": [{"Type": "volume", "Source": "/var/lib/docker/volumes/v/_data", "Destination": "/etc"}]}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - /etc:/host/etc:ro\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - type: bind\n        source: /\n        target: /host\n", .fail, line: 6),
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - ./data:/data\n      - cache:/cache\n      - /srv/app:/srv\nvolumes:\n  cache: {}\n", .pass),
    ]

    var reads: Set<RuntimeSpec.Section> { [.mounts] }

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let mounts = spec.bindMounts
        let sensitive = mounts.filter { HostPaths.isSensitive($0.source) }
        guard !sensitive.isEmpty else {
            return .pass("no sensitive host directory is mounted", "未挂载宿主机敏感目录",
                         evidence: ["bind mounts": listEvidence(mounts.map(\.description))])
        }
        let evidence = ["sensitive mounts": listEvidence(sensitive.map(\.description))]
        let list = sensitive.map(\.description).joined(separator: ", ")
        let places = sensitive.compactMap(\.origin)
        if sensitive.contains(where: { !$0.readOnly }) {
            return Verdict.fail("mounts sensitive host paths read-write: \(list)", "以读写方式挂载宿主机敏感目录：\(list)", severity: .high, evidence: evidence)
                .at(places)
        }
        return Verdict.fail("mounts sensitive host paths read-only: \(list)", "以只读方式挂载宿主机敏感目录：\(list)", severity: .medium, evidence: evidence)
            .at(places)
    }
}

struct MountPropagationRule: RuntimeCheck {
    let composeID: RuleID = .composeMountPropagation
    let metadata = RuleMetadata(
        id: .containerMountPropagation, cis: "5.20", severity: .medium,
        title: .init(en: "Mount propagation mode is not set to shared", zh: "挂载传播模式不设置为 shared"),
        rationale: .init(
            en: "A shared mount propagates mounts made inside the container back to the host and to other containers.",
            zh: "shared 挂载会把容器内新建的挂载传播回宿主机及其他容器。"),
        remediation: .init(
            en: "Mount without the `shared`/`rshared` option (the default is `rprivate`).",
            zh: "挂载时不要使用 `shared`/`rshared` 选项（默认为 `rprivate`）。"),
        references: [Reference.bindMounts, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "use bind-propagation=rprivate", compose: "bind: {propagation: rprivate}"))

    let examples = [
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/srv/a", "Destination": "/a", "RW": true, "Propagation": "rshared"}]}"#, expect: .fail),
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/srv/a", "Destination": "/a", "RW": true, "Propagation": "shared"}]}"#, expect: .fail),
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/srv/a", "Destination": "/a", "RW": true, "Propagation": "rslave"}]}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - /srv/a:/a:rshared\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - type: bind\n        source: /srv/a\n        target: /a\n        bind:\n          propagation: shared\n", .fail, line: 6),
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - /srv/a:/a:ro,rslave\n", .pass),
    ]

    var reads: Set<RuntimeSpec.Section> { [.mounts] }

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let shared = spec.bindMounts.filter { $0.propagation == "shared" || $0.propagation == "rshared" }
        guard !shared.isEmpty else { return .pass("no shared mount propagation", "无 shared 挂载传播") }
        let list = shared.map { "\($0.description) (\($0.propagation))" }
        return Verdict.fail("shared propagation: \(list.joined(separator: ", "))", "使用 shared 传播：\(list.joined(separator: ", "))",
                            evidence: ["shared mounts": listEvidence(list)]).at(shared.compactMap(\.origin))
    }
}

struct DockerSocketMountRule: RuntimeCheck {
    let composeID: RuleID = .composeDockerSocket

    let metadata = RuleMetadata(
        id: .containerDockerSocket, cis: "5.32", severity: .critical,
        title: .init(en: "The Docker socket is not mounted inside any containers", zh: "不在容器内挂载 Docker 套接字"),
        rationale: .init(
            en: "Whoever can talk to docker.sock or containerd.sock can start a privileged container with the host's / mounted: it is root on the host. Mounting a directory that holds the socket (/run, /var/run) is the same.",
            zh: "能访问 docker.sock 或 containerd.sock 就能启动挂载宿主机根目录的特权容器，即等同于宿主机 root；挂载包含该套接字的目录（/run、/var/run）效果相同。"),
        remediation: .init(
            en: "Remove the mount. Tools that need the engine should use a narrowly-scoped proxy or run on the host under their own account.",
            zh: "删除该挂载。确需访问引擎的工具应通过权限受限的代理访问，或在宿主机上以独立账户运行。"),
        references: [Reference.protectSocket, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "remove the -v/--mount exposing docker.sock or containerd.sock", compose: "remove that `volumes` entry"))

    let examples = [
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/var/run/docker.sock", "RW": true}]}"#, expect: .fail),
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/run/containerd/containerd.sock", "Destination": "/c.sock", "RW": true}]}"#, expect: .fail),
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/var/run", "Destination": "/hostrun", "RW": false}]}"#, expect: .fail),
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/run/containerd", "Destination": "/c", "RW": false}]}"#, expect: .fail),
        RuleExample(container: #"{"Mounts": [{"Type": "bind", "Source": "/srv/docker.sock.d", "Destination": "/x", "RW": false}]}"#, expect: .pass),
        RuleExample(container: #"{"Mounts": []}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - type: bind\n        source: /run/containerd/containerd.sock\n        target: /c.sock\n", .fail, line: 6),
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - /var/run:/hostrun\n", .fail, line: 5),
        .compose("services:\n  app:\n    image: a:1\n    volumes:\n      - /srv/docker.sock.d:/x\n", .pass),
    ]

    var reads: Set<RuntimeSpec.Section> { [.mounts] }

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        let exposing = spec.bindMounts.filter { mount in
            let source = HostPaths.normalized(mount.source)
            return environment.engineSockets.contains { socket in HostPaths.path(HostPaths.normalized(socket), isWithin: source) || source == "/" }
        }
        guard !exposing.isEmpty else { return .pass("no engine socket is mounted", "未挂载引擎套接字") }
        let list = exposing.map(\.description).joined(separator: ", ")
        return Verdict.fail("the engine's socket is reachable through \(list)", "可通过 \(list) 访问引擎套接字",
                            evidence: ["mounts": list]).at(exposing.compactMap(\.origin))
    }
}

struct ReadOnlyRootfsRule: RuntimeCheck {
    let composeID: RuleID = .composeReadonlyRootfs
    let metadata = RuleMetadata(
        id: .containerReadonlyRootfs, cis: "5.13", severity: .medium,
        title: .init(en: "The container's root filesystem is mounted as read only", zh: "容器根文件系统以只读方式挂载"),
        rationale: .init(
            en: "A read-only root filesystem stops an intruder from changing the container's programs or dropping tools, and makes every writable path an explicit decision.",
            zh: "只读根文件系统可防止入侵者篡改容器内程序或植入工具，并使每个可写路径都是明确的决定。"),
        remediation: .init(
            en: "Run with --read-only (compose: `read_only: true`) and give writable paths explicitly with volumes or --tmpfs.",
            zh: "使用 --read-only 运行（compose：`read_only: true`），需要写入的路径通过卷或 --tmpfs 单独挂载。"),
        references: [Reference.runReference, Reference.cisDocker])
            .fixed(by: .containerFlags(run: "--read-only --tmpfs /tmp", compose: "read_only: true; tmpfs: [/tmp]"))

    let examples = [
        RuleExample(container: #"{"HostConfig": {"ReadonlyRootfs": false}}"#, expect: .fail),
        RuleExample(container: #"{"HostConfig": {"ReadonlyRootfs": true}}"#, expect: .pass),
    ]

    let composeExamples: [LintExample] = [
        .compose("services:\n  app:\n    image: a:1\n", .fail, line: 2),
        .compose("services:\n  app:\n    image: a:1\n    read_only: false\n", .fail, line: 4),
        .compose("services:\n  app:\n    image: a:1\n    read_only: true\n    tmpfs: [/tmp]\n", .pass),
    ]

    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict {
        if spec.readOnlyRootfs {
            return .pass("read-only root filesystem", "根文件系统只读", evidence: ["ReadonlyRootfs": "true"])
        }
        return Verdict.fail("writable root filesystem", "根文件系统可写", evidence: ["ReadonlyRootfs": "false"]).at(spec.origin(of: .readOnlyRootfs))
    }
}

extension RuleID {
    public static let containerSensitiveMounts: RuleID = "container.sensitive-mounts"
    public static let containerReadonlyRootfs: RuleID = "container.readonly-rootfs"
    public static let containerMountPropagation: RuleID = "container.mount-propagation"
    public static let containerDockerSocket: RuleID = "container.docker-socket"
    public static let composeSensitiveMounts: RuleID = "compose.sensitive-mounts"
    public static let composeDockerSocket: RuleID = "compose.docker-socket"
    public static let composeReadonlyRootfs: RuleID = "compose.readonly-rootfs"
    public static let composeMountPropagation: RuleID = "compose.mount-propagation"
}
