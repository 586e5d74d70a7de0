/// Which engines a rule judges. Docker-only rules on a Podman engine give one skipped result that names what Podman
/// has instead (they are never judged against another engine's files); Podman rules give no result on Docker, whose
/// own rules judge the same benchmark items.
enum EngineScope {
    /// Why a rule does not apply to a Podman engine, naming the Podman equivalent; nil when it applies.
    static func podmanReason(_ id: RuleID) -> LocalizedText? {
        if let reason = podmanReasons[id] { return reason }
        switch id.family {
        case "swarm": return text("Podman has no swarm mode (pods and Kubernetes YAML through `podman kube play` take its place)",
                                  "Podman 没有 swarm 模式（由 pod 与 `podman kube play` 的 Kubernetes YAML 取代）")
        case "file": return text("a dockerd file; Podman's own files (containers.conf, storage.conf, registries.conf, policy.json, its socket) are judged by podman.file-owner and podman.file-mode",
                                 "这是 dockerd 的文件；Podman 自己的文件（containers.conf、storage.conf、registries.conf、policy.json、套接字）由 podman.file-owner 和 podman.file-mode 检查")
        case "host" where id.rawValue.hasPrefix("host.audit-"):
            return text("a dockerd/containerd path; for Podman, audit /usr/bin/podman, conmon, the OCI runtime (crun/runc), /etc/containers and /var/lib/containers",
                        "这是 dockerd/containerd 的路径；Podman 应审计 /usr/bin/podman、conmon、OCI 运行时（crun/runc）、/etc/containers 与 /var/lib/containers")
        default: return nil
        }
    }

    private static func text(_ en: String, _ zh: String) -> LocalizedText {
        LocalizedText(en: "not applicable to Podman: \(en)", zh: "不适用于 Podman：\(zh)")
    }

    private static let podmanReasons: [RuleID: LocalizedText] = [
        .daemonConfiguration: text("Podman has no daemon.json; the equivalent is containers.conf, storage.conf and registries.conf (podman.configuration)",
                                   "Podman 没有 daemon.json；对应的是 containers.conf、storage.conf 与 registries.conf（podman.configuration）"),
        .daemonRootless: text("judged by podman.rootless", "由 podman.rootless 检查"),
        .daemonRootlessPortDriver: text("rootless Podman forwards ports with rootlessport, or slirp4netns with `port_handler=slirp4netns`; rootlesskit is Docker's",
                                        "rootless Podman 用 rootlessport 转发端口，或用 `port_handler=slirp4netns` 的 slirp4netns；rootlesskit 属于 Docker"),
        .daemonIcc: text("Podman has no icc setting: containers on one network reach each other; separate them with `podman network create` (`--internal` for no outside access)",
                         "Podman 没有 icc 设置：同一网络的容器可互通；请用 `podman network create` 分隔（`--internal` 禁止外部访问）"),
        .daemonIptables: text("netavark (or CNI) writes Podman's firewall rules itself; there is no iptables switch to turn off",
                              "netavark（或 CNI）自行管理 Podman 的防火墙规则，没有可关闭的 iptables 开关"),
        .daemonLogLevel: text("Podman's log level is the `--log-level` flag of `podman system service` (default warn)",
                              "Podman 的日志级别是 `podman system service` 的 `--log-level` 参数（默认 warn）"),
        .daemonInsecureRegistries: text("the equivalent is registries.conf's `insecure = true` (podman.insecure-registries)",
                                        "对应的是 registries.conf 中的 `insecure = true`（podman.insecure-registries）"),
        .daemonAufs: text("Podman's storage driver is storage.conf's `driver`; Podman does not support aufs",
                          "Podman 的存储驱动由 storage.conf 的 `driver` 设置；Podman 不支持 aufs"),
        .daemonDevicemapper: text("Podman's storage driver is storage.conf's `driver`; Podman does not support devicemapper",
                                  "Podman 的存储驱动由 storage.conf 的 `driver` 设置；Podman 不支持 devicemapper"),
        .daemonRemoteApiTls: text("`podman system service` has no TLS; a TCP listener is judged by podman.remote-api",
                                  "`podman system service` 不支持 TLS；TCP 监听由 podman.remote-api 检查"),
        .daemonDefaultUlimits: text("the equivalent is containers.conf's `default_ulimits` in [containers]",
                                    "对应的是 containers.conf [containers] 中的 `default_ulimits`"),
        .daemonUsernsRemap: text("the equivalent is containers.conf's `userns` (podman.userns)", "对应的是 containers.conf 的 `userns`（podman.userns）"),
        .daemonCgroupParent: text("the equivalent is containers.conf's `cgroup_manager` and `cgroups` (podman.cgroup-manager)",
                                  "对应的是 containers.conf 的 `cgroup_manager` 与 `cgroups`（podman.cgroup-manager）"),
        .daemonBaseDeviceSize: text("a devicemapper setting; Podman has no devicemapper driver", "这是 devicemapper 设置；Podman 没有 devicemapper 驱动"),
        .daemonAuthorizationPlugin: text("Podman has no authorization plugins: access is the socket's owner and mode (podman.file-owner, podman.file-mode); rootless Podman gives each user an engine of their own",
                                         "Podman 没有授权插件：访问控制靠套接字的属主与权限（podman.file-owner、podman.file-mode）；rootless Podman 每个用户一个引擎"),
        .daemonLogging: text("judged by podman.logging (containers.conf's `log_driver`)", "由 podman.logging 检查（containers.conf 的 `log_driver`）"),
        .daemonNoNewPrivileges: text("judged by podman.no-new-privileges (containers.conf's `no_new_privileges`)",
                                     "由 podman.no-new-privileges 检查（containers.conf 的 `no_new_privileges`）"),
        .daemonLiveRestore: text("Podman has no daemon to restart: containers run under conmon and keep running when the API service stops",
                                 "Podman 没有常驻守护进程：容器由 conmon 托管，API 服务停止时容器仍在运行"),
        .daemonUserlandProxy: text("rootful Podman forwards ports with netavark's firewall rules, rootless Podman with rootlessport; there is no userland-proxy switch",
                                   "rootful Podman 用 netavark 防火墙规则转发端口，rootless Podman 用 rootlessport；没有 userland-proxy 开关"),
        .daemonSeccompProfile: text("judged by podman.seccomp (containers.conf's `seccomp_profile`)", "由 podman.seccomp 检查（containers.conf 的 `seccomp_profile`）"),
        .daemonExperimental: text("Podman has no experimental mode switch", "Podman 没有实验模式开关"),
        .hostDockerPartition: text("Podman keeps images and containers in storage.conf's `graphroot` (/var/lib/containers/storage by default, ~/.local/share/containers/storage rootless): give that a partition of its own",
                                   "Podman 的镜像与容器位于 storage.conf 的 `graphroot`（默认 /var/lib/containers/storage，rootless 为 ~/.local/share/containers/storage）：请为其单独分区"),
        .hostDockerGroup: text("Podman has no docker group: rootful Podman's socket belongs to root (podman.file-owner), rootless Podman is each user's own",
                               "Podman 没有 docker 组：rootful Podman 的套接字属于 root（podman.file-owner），rootless Podman 属于各自用户"),
        .clientContentTrust: text("Docker Content Trust is the docker CLI's; Podman's image trust is policy.json (podman.image-trust)",
                                  "Docker Content Trust 属于 docker CLI；Podman 的镜像信任由 policy.json 决定（podman.image-trust）"),
        .networkDockerUserChain: text("netavark writes its own chains (NETAVARK_FORWARD, NETAVARK-HOSTPORT-DNAT) and has no DOCKER-USER; restrict published ports in a table of your own on the forward hook or a firewalld policy (network.published-ports judges the effect)",
                                      "netavark 自行创建链（NETAVARK_FORWARD、NETAVARK-HOSTPORT-DNAT），没有 DOCKER-USER；请在自建表的 forward 钩子或 firewalld 策略中限制已发布端口（实际效果由 network.published-ports 检查）"),
        .engineSwarmMode: text("Podman has no swarm mode", "Podman 没有 swarm 模式"),
    ]
}
