import Foundation

// §2 rules whose judgement is more than one boolean: rootless 2.1, log level 2.3, registries 2.5, storage 2.6/2.11,
// TCP and TLS 2.7, ulimits 2.8, user namespaces 2.9, cgroup parent 2.10, authorization 2.12, seccomp 2.17,
// and whether the configuration is one dockerd accepts at all.

private func daemonMetadata(_ id: RuleID, _ cis: String?, level: Int = 1, _ severity: Severity, manual: Bool = false,
                      _ title: LocalizedText, _ rationale: LocalizedText, _ remediation: LocalizedText, _ references: [String] = []) -> RuleMetadata {
    RuleMetadata(id: id, cis: cis, level: level, severity: severity, manual: manual, title: title, rationale: rationale,
                 remediation: remediation, references: references + [Reference.dockerd, Reference.cisDocker])
}

/// A `{"host": {"daemon": {"settings": […]}}}` patch setting `key` to `values` in daemon.json.
/// With `seccomp`, also the text of the profile file the host collector read.
private func daemonPatch(_ key: String, _ values: [String], seccomp profile: String? = nil) -> String {
    var host: [String: Any] = ["daemon": ["settings": [["key": key, "values": values, "source": "/etc/docker/daemon.json:2"]]]]
    if let profile { host["daemonSeccompProfile"] = ["json": profile] }
    return String(decoding: (try? JSONSerialization.data(withJSONObject: ["host": host])) ?? Data(), as: UTF8.self)
}

struct DaemonConfigurationRule: HostRule {
    let metadata = daemonMetadata(
        .daemonConfiguration, nil, .high,
        .init(en: "The daemon's configuration is valid and unambiguous", zh: "守护进程配置有效且无冲突"),
        .init(en: "A malformed daemon.json, or a setting given both as a flag and in daemon.json, makes dockerd refuse to start at the next restart, and no setting in a malformed file takes effect.",
              zh: "daemon.json 格式错误，或同一设置既以命令行参数又在 daemon.json 中给出，都会使 dockerd 在下次重启时拒绝启动，且格式错误文件中的设置全部不生效。"),
        .init(en: "Fix the file at the position named; give each setting in one place only (`dockerd --validate --config-file FILE` checks a file).",
              zh: "按提示位置修正文件；每个设置只在一处给出（可用 `dockerd --validate --config-file 文件` 校验）。"))
    let examples = [
        RuleExample(expect: .pass),
        RuleExample(snapshot: #"{"host": {"daemon": {"problems": ["/etc/docker/daemon.json is not valid JSON (Unexpected character around line 3, column 5)"]}}}"#, expect: .fail),
        RuleExample(snapshot: #"{"host": {"daemon": {"running": false, "pid": null, "problems": ["no dockerd is running: judged the configuration files alone"]}}}"#, expect: .info),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let daemon = host.daemon
        let evidence = ["sources": listEvidence(daemon.sources), "problems": listEvidence(daemon.problems)]
        let serious = daemon.problems.filter { !$0.hasPrefix("no dockerd is running") }
        if !serious.isEmpty {
            return daemonFinding(host, .fail(serious.joined(separator: "; "), "守护进程配置有误：\(serious.joined(separator: "; "))", evidence: evidence))
        }
        if !daemon.running {
            return daemonFinding(host, .info("no dockerd is running: the configuration files were judged alone",
                                             "没有运行中的 dockerd：仅依据配置文件判断", evidence: evidence))
        }
        return daemonFinding(host, .pass("the configuration is one dockerd accepts", "配置可被 dockerd 接受", evidence: evidence))
    }
}

struct RootlessRule: HostRule {
    let metadata = daemonMetadata(
        .daemonRootless, "2.1", level: 2, .medium, manual: true,
        .init(en: "The Docker daemon runs as a non-root user, if possible", zh: "尽可能以非 root 用户运行 Docker 守护进程（rootless）"),
        .init(en: "A rootless daemon and its containers run as an ordinary user, so an escape from a container or a flaw in the daemon does not give root on the host.",
              zh: "rootless 模式下守护进程及其容器以普通用户运行，容器逃逸或守护进程漏洞都不会直接获得宿主机 root。"),
        .init(en: "Where the workload allows, run Docker in rootless mode (dockerd-rootless-setuptool.sh install), or at least enable userns-remap.",
              zh: "在业务允许时以 rootless 模式运行 Docker（dockerd-rootless-setuptool.sh install），至少启用 userns-remap。"),
        ["https://docs.docker.com/engine/security/rootless/"])
    let examples = [
        RuleExample(snapshot: #"{"info": {"SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless"]}}"#, expect: .pass),
        RuleExample(expect: .warn),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let options = context.snapshot.info.securityOptionNames
        if options.contains("rootless") || host.daemon.bool("rootless") == true {
            return daemonFinding(host, .pass("the daemon runs rootless", "守护进程以 rootless 模式运行", evidence: ["SecurityOptions": "rootless"]))
        }
        return daemonFinding(host, .warn("the daemon runs as root: consider rootless mode where the workload allows",
                                         "守护进程以 root 运行：在业务允许时考虑 rootless 模式", evidence: ["SecurityOptions": listEvidence(options.sorted())]))
    }
}

/// Rootless Docker: rootlesskit's port driver decides whether containers see their clients' addresses.
struct RootlessPortDriverRule: HostRule {
    let metadata = daemonMetadata(
        .daemonRootlessPortDriver, nil, level: 2, .low, manual: true,
        .init(en: "A rootless daemon's published ports keep the clients' source addresses", zh: "rootless 守护进程发布的端口保留客户端源地址"),
        .init(en: "With rootlesskit's builtin port driver (dockerd-rootless.sh's default) every connection reaches a container from rootlesskit's own address: access rules, rate limits and logs that rely on the client's IP see one address for all.",
              zh: "使用 rootlesskit 的 builtin 端口驱动（dockerd-rootless.sh 的默认）时，所有连接都以 rootlesskit 的地址到达容器：依赖客户端 IP 的访问控制、限速和日志只能看到同一个地址。"),
        .init(en: "Where containers judge clients by address, set DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER=slirp4netns (in ~/.config/systemd/user/docker.service.d/override.conf) and restart the user's docker service.",
              zh: "若容器依据客户端地址做判断，请设置 DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER=slirp4netns（写入 ~/.config/systemd/user/docker.service.d/override.conf）并重启该用户的 docker 服务。"),
        ["https://docs.docker.com/engine/security/rootless/#networking-errors", "https://github.com/rootless-containers/rootlesskit/blob/master/docs/port.md"])
    let examples = [
        RuleExample(snapshot: #"{"info": {"SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless"]}, "host": {"rootlessKit": {"pid": 10, "arguments": ["rootlesskit", "--net=slirp4netns", "--port-driver=slirp4netns", "dockerd-rootless.sh"]}}}"#, expect: .pass),
        RuleExample(snapshot: #"{"info": {"SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless"]}, "host": {"rootlessKit": {"pid": 10, "arguments": ["rootlesskit", "--net=slirp4netns", "--port-driver=builtin", "dockerd-rootless.sh"]}}}"#, expect: .warn),
        RuleExample(snapshot: #"{"info": {"SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless"]}}"#, expect: .skipped),
        RuleExample(expect: .skipped),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        guard context.snapshot.identity.kind == .dockerRootless else {
            return daemonFinding(host, .skipped("not applicable: the daemon is not rootless", "不适用：守护进程不是 rootless 模式"))
        }
        guard let kit = host.rootlessKit else {
            return daemonFinding(host, .skipped("not checked: rootlesskit was not found above the daemon's process", "未检查：未在守护进程的父进程中找到 rootlesskit"))
        }
        let driver = kit.portDriver ?? "none"
        let evidence = ["rootlesskit": "pid \(kit.pid)", "port driver": driver, "network": kit.network ?? "unknown"]
        switch driver {
        case "slirp4netns", "none":
            return daemonFinding(host, .pass(driver == "none" ? "no ports are forwarded by rootlesskit" : "the slirp4netns port driver keeps the clients' addresses",
                                             driver == "none" ? "rootlesskit 不转发端口" : "slirp4netns 端口驱动保留客户端地址", evidence: evidence))
        default:
            return daemonFinding(host, .warn("the \(driver) port driver shows every client to containers as rootlesskit's address",
                                             "\(driver) 端口驱动使容器看到的所有客户端地址都是 rootlesskit 的地址", evidence: evidence))
        }
    }
}

struct LogLevelRule: HostRule {
    let metadata = daemonMetadata(
        .daemonLogLevel, "2.3", .low,
        .init(en: "The logging level is set to 'info'", zh: "日志级别设置为 info"),
        .init(en: "At info the daemon records the events an investigation needs; debug logs request bodies and can write secrets to disk, while warn and above drop the audit trail.",
              zh: "info 级别记录调查所需的事件；debug 会记录请求内容并可能把密钥写入磁盘，warn 及以上则会丢失审计线索。"),
        .init(en: "Remove \"debug\": true and set \"log-level\": \"info\" (or leave it unset) in daemon.json; drop -D/--debug and --log-level from the command line.",
              zh: "在 daemon.json 中删除 \"debug\": true，将 \"log-level\" 设为 \"info\"（或不设置）；去掉命令行中的 -D/--debug 和 --log-level。"))
        .fixed(by: .daemonSettings([.init("log-level", .string("info")), .init("debug", nil)]))
    let examples = [
        RuleExample(expect: .pass),
        RuleExample(snapshot: daemonPatch("log-level", ["info"]), expect: .pass),
        RuleExample(snapshot: daemonPatch("log-level", ["debug"]), expect: .fail),
        RuleExample(snapshot: daemonPatch("log-level", ["error"]), expect: .fail),
        RuleExample(snapshot: #"{"info": {"Debug": true}}"#, expect: .fail),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let level = host.daemon.string("log-level") ?? "info"
        var evidence = ["log-level": settingText(host.daemon, "log-level", default: "not set (default info)"),
                        "debug": settingText(host.daemon, "debug", default: "not set")]
        if let debug = context.snapshot.info.debug { evidence["engine reports Debug"] = String(debug) }
        // The running engine's own word wins: debug mode logs at debug whatever log-level says.
        if context.snapshot.info.debug == true || host.daemon.bool("debug") == true || level == "debug" {
            return daemonFinding(host, .fail("the daemon logs at debug level", "守护进程以 debug 级别记录日志", evidence: evidence))
        }
        if level != "info" {
            return daemonFinding(host, .fail("log level \(level) drops events an investigation needs", "日志级别 \(level) 会丢失调查所需事件", evidence: evidence))
        }
        return daemonFinding(host, .pass("logs at info level", "日志级别为 info", evidence: evidence))
    }
}

/// CIS 1.8.0 2.7, which 1.6.0 does not have: the deprecated devicemapper driver.
struct DevicemapperRule: HostRule {
    let metadata = RuleMetadata(
        id: .daemonDevicemapper, cis: nil, cis18: "2.7", severity: .low, manual: true,
        title: .init(en: "The devicemapper storage driver is not used", zh: "不使用 devicemapper 存储驱动"),
        rationale: .init(en: "devicemapper is deprecated and removed from current Docker releases; in loop-lvm mode it is slow and can corrupt data under load.",
                         zh: "devicemapper 已被弃用并从当前 Docker 版本移除；loop-lvm 模式下性能差，负载高时可能损坏数据。"),
        remediation: .init(en: "Move to overlay2: export images and volumes, set \"storage-driver\": \"overlay2\", restart dockerd and reload them.",
                           zh: "迁移到 overlay2：导出镜像和卷，设置 \"storage-driver\": \"overlay2\"，重启 dockerd 后重新导入。"),
        references: ["https://docs.docker.com/engine/storage/drivers/select-storage-driver/", Reference.cisDocker])
    let examples = [
        RuleExample(snapshot: #"{"info": {"Driver": "overlay2"}}"#, expect: .pass),
        RuleExample(snapshot: #"{"info": {"Driver": "devicemapper"}}"#, expect: .fail),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let driver = context.snapshot.info.driver ?? host.daemon.string("storage-driver") ?? "overlay2 (default)"
        if driver == "devicemapper" {
            return daemonFinding(host, .fail("uses the devicemapper storage driver", "使用 devicemapper 存储驱动", evidence: ["storage driver": driver]))
        }
        return daemonFinding(host, .pass("storage driver \(driver)", "存储驱动 \(driver)", evidence: ["storage driver": driver]))
    }
}

struct InsecureRegistriesRule: HostRule {
    let metadata = daemonMetadata(
        .daemonInsecureRegistries, "2.5", .high,
        .init(en: "Insecure registries are not used", zh: "不使用不安全的镜像仓库"),
        .init(en: "An insecure registry is reached over plain HTTP or with TLS verification off, so anyone on the path can swap the images the engine pulls.",
              zh: "不安全仓库通过明文 HTTP 或关闭 TLS 校验访问，链路上的任何人都可以替换引擎拉取的镜像。"),
        .init(en: "Remove insecure-registries from daemon.json (and --insecure-registry); give the registry a certificate, trusted through /etc/docker/certs.d/HOST/ca.crt.",
              zh: "从 daemon.json 中删除 insecure-registries（以及 --insecure-registry）；为仓库配置证书，并通过 /etc/docker/certs.d/主机名/ca.crt 信任。"))
        .fixed(by: .daemonSettings([.init("insecure-registries", nil)]))
    let examples = [
        RuleExample(expect: .pass),
        RuleExample(snapshot: daemonPatch("insecure-registries", ["registry.local:5000"]), expect: .fail),
        RuleExample(snapshot: #"{"info": {"RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8", "10.0.0.0/8"]}}}"#, expect: .fail),
        RuleExample(snapshot: #"{"info": {"RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"]}}}"#, expect: .pass),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let configured = host.daemon.setting("insecure-registries")?.values ?? []
        let reported = context.snapshot.info.registryConfig?.insecure ?? []
        let all = Array(Set(configured + reported)).sorted()
        let evidence = ["insecure-registries": settingText(host.daemon, "insecure-registries"), "engine reports": listEvidence(reported)]
        if all.isEmpty { return daemonFinding(host, .pass("no insecure registries", "没有不安全的镜像仓库", evidence: evidence)) }
        return daemonFinding(host, .fail("insecure registries: \(all.joined(separator: ", "))", "存在不安全的镜像仓库：\(all.joined(separator: ", "))", evidence: evidence))
    }
}

struct StorageDriverRule: HostRule {
    let metadata = daemonMetadata(
        .daemonAufs, "2.6", .medium,
        .init(en: "The aufs storage driver is not used", zh: "不使用 aufs 存储驱动"),
        .init(en: "aufs is unmaintained, removed from current Docker releases and has known kernel crash and privilege problems.",
              zh: "aufs 已无人维护，已从当前 Docker 版本中移除，且存在已知的内核崩溃和权限问题。"),
        .init(en: "Move to overlay2: export images and volumes, set \"storage-driver\": \"overlay2\", restart dockerd and reload them.",
              zh: "迁移到 overlay2：导出镜像和卷，设置 \"storage-driver\": \"overlay2\"，重启 dockerd 后重新导入。"))
    let examples = [
        RuleExample(snapshot: #"{"info": {"Driver": "overlay2"}}"#, expect: .pass),
        RuleExample(snapshot: #"{"info": {"Driver": "aufs"}}"#, expect: .fail),
        RuleExample(snapshot: #"{"info": {"Driver": null}}"#, expect: .pass),
        RuleExample(snapshot: daemonPatch("storage-driver", ["aufs"]), expect: .fail),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let driver = context.snapshot.info.driver ?? host.daemon.string("storage-driver") ?? "overlay2 (default)"
        let evidence = ["storage driver": driver, "storage-driver": settingText(host.daemon, "storage-driver")]
        if driver == "aufs" || host.daemon.string("storage-driver") == "aufs" {
            return daemonFinding(host, .fail("uses the aufs storage driver", "使用 aufs 存储驱动", evidence: evidence))
        }
        return daemonFinding(host, .pass("storage driver \(driver)", "存储驱动 \(driver)", evidence: evidence))
    }
}

struct RemoteAPIRule: HostRule {
    let metadata = daemonMetadata(
        .daemonRemoteApiTls, "2.7", .critical,
        .init(en: "TLS authentication protects the Docker daemon's TCP socket", zh: "Docker 守护进程的 TCP 端口启用 TLS 认证"),
        .init(en: "Anyone who can reach an unauthenticated Docker API can start a privileged container with the host's / mounted: it is root on the host, and port 2375 is scanned for constantly.",
              zh: "任何能访问未认证 Docker API 的人都能启动挂载宿主机根目录的特权容器，即获得宿主机 root；2375 端口一直被持续扫描。"),
        .init(en: "Remove tcp:// hosts, or serve them only with \"tlsverify\": true and tlscacert, tlscert and tlskey (mutual TLS), behind a firewall allow-list; prefer ssh:// for remote administration.",
              zh: "删除 tcp:// 监听，或仅在 \"tlsverify\": true 并配置 tlscacert、tlscert、tlskey（双向 TLS）时提供，并通过防火墙白名单限制；远程管理优先使用 ssh://。"),
        [Reference.protectSocket])
    let examples = [
        RuleExample(expect: .pass),
        RuleExample(snapshot: daemonPatch("hosts", ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]), expect: .fail),
        RuleExample(snapshot: #"{"host": {"daemon": {"settings": [{"key": "hosts", "values": ["tcp://0.0.0.0:2376"], "source": "dockerd argument -H tcp://0.0.0.0:2376"}, {"key": "tlsverify", "values": ["true"], "source": "dockerd argument --tlsverify"}, {"key": "tlscacert", "values": ["/etc/docker/ca.pem"], "source": "x"}, {"key": "tlscert", "values": ["/etc/docker/cert.pem"], "source": "x"}, {"key": "tlskey", "values": ["/etc/docker/key.pem"], "source": "x"}]}, "listeners": [{"address": "0.0.0.0", "port": 2376, "probe": "refused a client without a certificate", "unauthenticated": false}]}}"#, expect: .pass),
        RuleExample(snapshot: #"{"host": {"listeners": [{"address": "127.0.0.1", "port": 2375, "probe": "answered over HTTP without authentication", "unauthenticated": true, "answeredVersion": "20.10.24"}]}}"#, expect: .fail),
        RuleExample(snapshot: #"{"host": {"daemon": {"settings": [{"key": "hosts", "values": ["tcp://127.0.0.1:2376"], "source": "x"}, {"key": "tls", "values": ["true"], "source": "x"}, {"key": "tlsverify", "values": ["false"], "source": "x"}]}}}"#, expect: .fail),
        RuleExample(snapshot: #"{"host": {"daemon": {"settings": [{"key": "hosts", "values": ["tcp://127.0.0.1:2376"], "source": "x"}, {"key": "tls", "values": ["true"], "source": "x"}, {"key": "tlscacert", "values": ["/c"], "source": "x"}, {"key": "tlscert", "values": ["/s"], "source": "x"}, {"key": "tlskey", "values": ["/k"], "source": "x"}]}}}"#, expect: .pass),
        // A swarm manager's own listeners are not the remote API.
        RuleExample(snapshot: #"{"host": {"listeners": [{"address": "::", "port": 2377, "probe": "refused a client without a certificate", "unauthenticated": false}, {"address": "::", "port": 7946, "probe": "answered HTTP 400, not as a Docker API", "unauthenticated": false}]}}"#, expect: .pass),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let daemon = host.daemon
        let tcpHosts = host.tcpHosts
        let usesTLS = daemon.bool("tls") == true || daemon.bool("tlsverify") == true
        let apiListeners = host.apiListeners
        var evidence = ["hosts": settingText(daemon, "hosts", default: "not set (unix socket only)"),
                        "listening": listEvidence(host.listeners.map { "\($0.endpoint): \($0.probe)" })]
        let open = apiListeners.filter { $0.unauthenticated == true }
        if !open.isEmpty {
            let list = open.map { "\($0.endpoint) (\($0.probe)\($0.answeredVersion.map { ", engine \($0)" } ?? ""))" }.joined(separator: "; ")
            return daemonFinding(host, .fail("remote API open without authentication: \(list)", "远程 API 无需认证即可访问：\(list)",
                                             severity: .critical, evidence: evidence))
        }
        guard !tcpHosts.isEmpty else {
            return daemonFinding(host, .pass("no TCP API listener: the API is only on its unix socket", "没有 TCP API 监听，API 仅通过 unix 套接字提供", evidence: evidence))
        }
        for key in ["tlsverify", "tlscacert", "tlscert", "tlskey"] { evidence[key] = settingText(daemon, key) }
        // dockerd requires client certificates when TLS is on unless tlsverify is explicitly false.
        let verifies = daemon.bool("tlsverify") ?? usesTLS
        let hasFiles = ["tlscacert", "tlscert", "tlskey"].allSatisfy { daemon.string($0) != nil }
        if verifies && hasFiles {
            return daemonFinding(host, .pass("TCP listeners require client certificates (mutual TLS)", "TCP 监听要求客户端证书（双向 TLS）", evidence: evidence))
        }
        if usesTLS && !verifies {
            return daemonFinding(host, .fail("TLS with tlsverify=false: any client may use the API", "启用了 TLS 但 tlsverify=false：任何客户端都可使用 API",
                                             severity: .critical, evidence: evidence))
        }
        if usesTLS {
            return daemonFinding(host, .fail("client verification has no CA, certificate or key to work with: set tlscacert, tlscert and tlskey",
                                             "客户端校验缺少 CA、证书或私钥：请设置 tlscacert、tlscert、tlskey", severity: .high, evidence: evidence))
        }
        return daemonFinding(host, .fail("TCP listener without TLS authentication: \(tcpHosts.joined(separator: ", "))", "TCP 监听未启用 TLS 认证：\(tcpHosts.joined(separator: ", "))",
                                         severity: .critical, evidence: evidence))
    }
}

struct DefaultUlimitRule: HostRule {
    let metadata = daemonMetadata(
        .daemonDefaultUlimits, "2.8", .low, manual: true,
        .init(en: "The default ulimit is configured appropriately", zh: "合理配置默认 ulimit"),
        .init(en: "Daemon-wide default ulimits bound the open files and processes of every container that does not set its own.",
              zh: "守护进程级默认 ulimit 为所有未单独设置的容器限制文件句柄数和进程数。"),
        .init(en: "Set \"default-ulimits\" in daemon.json (e.g. nofile and nproc) to values the workloads need.",
              zh: "在 daemon.json 中按业务需要设置 \"default-ulimits\"（如 nofile、nproc）。"))
    let examples = [
        RuleExample(expect: .info),
        RuleExample(snapshot: daemonPatch("default-ulimits", ["nofile=Hard=64000,Name=nofile,Soft=64000"]), expect: .pass),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let evidence = ["default-ulimits": settingText(host.daemon, "default-ulimits")]
        if host.daemon.setting("default-ulimits") != nil {
            return daemonFinding(host, .pass("default ulimits are set: review their values", "已设置默认 ulimit：请核对取值", evidence: evidence))
        }
        return daemonFinding(host, .info("no default ulimits: containers inherit the daemon's own limits", "未设置默认 ulimit：容器继承守护进程自身的限制", evidence: evidence))
    }
}

struct UsernsRemapRule: HostRule {
    let metadata = daemonMetadata(
        .daemonUsernsRemap, "2.9", level: 2, .high,
        .init(en: "User namespace support is enabled", zh: "启用用户命名空间（userns-remap）"),
        .init(en: "With userns-remap, uid 0 in a container is an unprivileged uid on the host, so an escape or a writable host mount does not give root.",
              zh: "启用 userns-remap 后，容器内 uid 0 映射为宿主机上的非特权 uid，逃逸或可写宿主机挂载都不会获得 root。"),
        .init(en: "Set \"userns-remap\": \"default\" in daemon.json (or run rootless) and restart dockerd; images and volumes move to a new storage root.",
              zh: "在 daemon.json 中设置 \"userns-remap\": \"default\"（或使用 rootless）并重启 dockerd；镜像和卷会迁移到新的存储目录。"),
        [Reference.userns])
    let examples = [
        RuleExample(snapshot: #"{"info": {"SecurityOptions": ["name=seccomp,profile=builtin"]}, "host": {"daemon": {"settings": []}}}"#, expect: .fail),
        RuleExample(snapshot: #"{"info": {"SecurityOptions": ["name=seccomp,profile=builtin", "name=userns"]}}"#, expect: .pass),
        RuleExample(snapshot: daemonPatch("userns-remap", ["default"]), expect: .pass),
        RuleExample(snapshot: #"{"info": {"SecurityOptions": ["name=rootless"]}}"#, expect: .pass),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let options = context.snapshot.info.securityOptionNames
        let evidence = ["userns-remap": settingText(host.daemon, "userns-remap"), "SecurityOptions": listEvidence(options.sorted())]
        if options.contains("userns") || options.contains("rootless") || !(host.daemon.string("userns-remap") ?? "").isEmpty {
            return daemonFinding(host, .pass("container root is not host root (user namespaces)", "容器 root 不等于宿主机 root（用户命名空间）", evidence: evidence))
        }
        return daemonFinding(host, .fail("no user namespace remapping: uid 0 in a container is uid 0 on the host", "未启用用户命名空间映射：容器内 uid 0 即宿主机 uid 0", evidence: evidence))
    }
}

struct DaemonCgroupParentRule: HostRule {
    let metadata = daemonMetadata(
        .daemonCgroupParent, "2.10", level: 2, .low, manual: true,
        .init(en: "The default cgroup usage has been confirmed", zh: "确认默认 cgroup 用法"),
        .init(en: "A daemon-wide cgroup-parent puts every container under one cgroup whose limits then apply to all of them.",
              zh: "守护进程级 cgroup-parent 会把所有容器放到同一个 cgroup 下，其限制作用于全部容器。"),
        .init(en: "Leave cgroup-parent unset unless a reviewed cgroup is intended.", zh: "除非有经过评审的 cgroup，否则不要设置 cgroup-parent。"))
    let examples = [
        RuleExample(expect: .pass),
        RuleExample(snapshot: daemonPatch("cgroup-parent", ["/docker-limited"]), expect: .warn),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let evidence = ["cgroup-parent": settingText(host.daemon, "cgroup-parent", default: "not set (default)")]
        guard let parent = host.daemon.string("cgroup-parent"), !parent.isEmpty else {
            return daemonFinding(host, .pass("default cgroup parent", "使用默认 cgroup 父组", evidence: evidence))
        }
        return daemonFinding(host, .warn("every container goes under \(parent): confirm its limits", "所有容器都在 \(parent) 下：请确认其限制", evidence: evidence))
    }
}

struct BaseDeviceSizeRule: HostRule {
    let metadata = daemonMetadata(
        .daemonBaseDeviceSize, "2.11", level: 2, .low, manual: true,
        .init(en: "The base device size is not changed until needed", zh: "非必要不修改基础设备大小"),
        .init(en: "A larger dm.basesize lets every container's filesystem grow larger, which can exhaust the host's storage.",
              zh: "增大 dm.basesize 会让每个容器的文件系统都能增长得更大，可能耗尽宿主机存储。"),
        .init(en: "Remove dm.basesize from storage-opts unless a workload needs it.", zh: "除非业务需要，否则从 storage-opts 中删除 dm.basesize。"))
    let examples = [
        RuleExample(expect: .pass),
        RuleExample(snapshot: daemonPatch("storage-opts", ["dm.basesize=50G"]), expect: .warn),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let options = host.daemon.setting("storage-opts")?.values ?? []
        let evidence = ["storage-opts": settingText(host.daemon, "storage-opts")]
        if let size = options.first(where: { $0.hasPrefix("dm.basesize") }) {
            return daemonFinding(host, .warn("\(size): confirm it is needed", "\(size)：请确认确有需要", evidence: evidence))
        }
        return daemonFinding(host, .pass("base device size unchanged", "未修改基础设备大小", evidence: evidence))
    }
}

struct AuthorizationPluginRule: HostRule {
    let metadata = daemonMetadata(
        .daemonAuthorizationPlugin, "2.12", level: 2, .medium,
        .init(en: "Authorization for Docker client commands is enabled", zh: "启用 Docker 客户端命令授权"),
        .init(en: "Without an authorization plugin, everyone who can reach the daemon may do everything; a plugin can, say, forbid privileged containers or host mounts.",
              zh: "没有授权插件时，能访问守护进程的人可以执行任何操作；授权插件可以禁止特权容器、宿主机挂载等操作。"),
        .init(en: "Install an authorization plugin (e.g. OPA's opa-docker-authz) and list it in \"authorization-plugins\".",
              zh: "安装授权插件（如 OPA 的 opa-docker-authz）并在 \"authorization-plugins\" 中配置。"))
    let examples = [
        RuleExample(snapshot: #"{"host": {"daemon": {"settings": []}}}"#, expect: .fail),
        RuleExample(snapshot: daemonPatch("authorization-plugins", ["opa-docker-authz"]), expect: .pass),
        RuleExample(snapshot: daemonPatch("authorization-plugins", []), expect: .fail),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let plugins = host.daemon.setting("authorization-plugins")?.values.filter { !$0.isEmpty } ?? []
        let evidence = ["authorization-plugins": settingText(host.daemon, "authorization-plugins")]
        if plugins.isEmpty { return daemonFinding(host, .fail("no authorization plugin", "未配置授权插件", evidence: evidence)) }
        return daemonFinding(host, .pass("authorization by \(plugins.joined(separator: ", "))", "由 \(plugins.joined(separator: ", ")) 授权", evidence: evidence))
    }
}

struct DaemonSeccompRule: HostRule {
    let metadata = daemonMetadata(
        .daemonSeccompProfile, "2.17", level: 2, .high,
        .init(en: "A daemon-wide custom or default seccomp profile is applied", zh: "守护进程应用默认或自定义的 seccomp 配置"),
        .init(en: "The daemon's seccomp profile applies to every container that does not choose its own; unconfined removes that protection from all of them.",
              zh: "守护进程的 seccomp 配置作用于所有未单独指定的容器；设为 unconfined 会让全部容器失去该保护。"),
        .init(en: "Remove \"seccomp-profile\": \"unconfined\"; keep the builtin profile or point seccomp-profile at a reviewed custom one.",
              zh: "删除 \"seccomp-profile\": \"unconfined\"；使用内置配置，或将 seccomp-profile 指向经过评审的自定义配置。"),
        [Reference.seccomp])
        .fixed(by: .daemonSettings([.init("seccomp-profile", nil)]))
    let examples = [
        RuleExample(expect: .pass),
        RuleExample(snapshot: #"{"info": {"SecurityOptions": ["name=seccomp,profile=default"]}}"#, expect: .pass),
        RuleExample(snapshot: #"{"info": {"SecurityOptions": ["name=seccomp,profile=unconfined"]}}"#, expect: .fail),
        RuleExample(snapshot: daemonPatch("seccomp-profile", ["unconfined"]), expect: .fail),
        RuleExample(snapshot: #"{"info": {"SecurityOptions": []}}"#, expect: .fail),
        RuleExample(snapshot: #"{"info": {"SecurityOptions": null}, "engineUnavailable": "no engine"}"#, expect: .pass),
        RuleExample(snapshot: daemonPatch("seccomp-profile", ["/etc/docker/seccomp.json"], seccomp: #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chmod"], "action": "SCMP_ACT_ERRNO"}]}"#),
                    expect: .fail),
        RuleExample(snapshot: daemonPatch("seccomp-profile", ["/etc/docker/seccomp.json"], seccomp: #"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "keyctl"], "action": "SCMP_ACT_ALLOW"}]}"#),
                    expect: .fail),
        RuleExample(snapshot: daemonPatch("seccomp-profile", ["/etc/docker/seccomp.json"], seccomp: #"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}"#),
                    expect: .pass),
        RuleExample(snapshot: #"{"host": {"daemon": {"settings": [{"key": "seccomp-profile", "values": ["/etc/docker/gone.json"], "source": "/etc/docker/daemon.json:2"}]}, "daemonSeccompProfile": {"unreadable": "/etc/docker/gone.json could not be read"}}}"#,
                    expect: .error),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let reported = (context.snapshot.info.securityOptions ?? []).first { $0.hasPrefix("name=seccomp") }
        let evidence = ["engine": reported ?? "no seccomp", "seccomp-profile": settingText(host.daemon, "seccomp-profile", default: "not set (builtin)")]
        if reported?.contains("profile=unconfined") == true || host.daemon.string("seccomp-profile") == "unconfined" {
            return daemonFinding(host, .fail("the daemon's seccomp profile is unconfined", "守护进程 seccomp 配置为 unconfined", evidence: evidence))
        }
        if let profile = host.daemonSeccompProfile, let problem = seccompProfileProblem(profile, evidence: evidence) {
            return daemonFinding(host, problem)
        }
        guard context.snapshot.engineUnavailable == nil else {
            return daemonFinding(host, .pass("the configuration keeps the builtin or a custom profile (engine not running)",
                                             "配置使用内置或自定义 seccomp 配置（引擎未运行）", evidence: evidence))
        }
        guard reported != nil else {
            return daemonFinding(host, .fail("the engine applies no seccomp profile", "引擎未应用 seccomp 配置", evidence: evidence))
        }
        return daemonFinding(host, .pass("seccomp profile applied (\(reported!.replacingOccurrences(of: "name=seccomp,", with: "")))",
                                         "已应用 seccomp 配置", evidence: evidence))
    }
}

extension RuleID {
    public static let daemonRootless: RuleID = "daemon.rootless"
    public static let daemonRootlessPortDriver: RuleID = "daemon.rootless-port-driver"
    public static let daemonLogLevel: RuleID = "daemon.log-level"
    public static let daemonInsecureRegistries: RuleID = "daemon.insecure-registries"
    public static let daemonAufs: RuleID = "daemon.aufs"
    public static let daemonDevicemapper: RuleID = "daemon.devicemapper"
    public static let daemonRemoteApiTls: RuleID = "daemon.remote-api-tls"
    public static let daemonDefaultUlimits: RuleID = "daemon.default-ulimits"
    public static let daemonUsernsRemap: RuleID = "daemon.userns-remap"
    public static let daemonCgroupParent: RuleID = "daemon.cgroup-parent"
    public static let daemonBaseDeviceSize: RuleID = "daemon.base-device-size"
    public static let daemonAuthorizationPlugin: RuleID = "daemon.authorization-plugin"
    public static let daemonSeccompProfile: RuleID = "daemon.seccomp-profile"
    public static let daemonConfiguration: RuleID = "daemon.configuration"
}
