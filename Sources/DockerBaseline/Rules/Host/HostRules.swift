import Foundation

// §1 host configuration: partition 1.1.1, docker group 1.1.2, audit rules 1.1.3–1.1.18, hardening 1.2.1,
// versions 1.2.2; and, for the enhanced baseline, the kernel's known escapes, virtualisation and security modules.

func hostFinding(_ verdict: Verdict, _ target: Target = .host) -> [Finding] { [Finding(target: target, verdict: verdict)] }

struct PartitionRule: HostRule {
    let metadata = RuleMetadata(
        id: .hostDockerPartition, cis: "1.1.1", severity: .low,
        title: .init(en: "A separate partition for containers has been created", zh: "为容器数据创建独立分区"),
        rationale: .init(en: "On its own partition, the engine's data (images, container layers, logs) cannot fill the root filesystem and stop the host.",
                         zh: "引擎数据（镜像、容器层、日志）放在独立分区时，不会写满根文件系统导致主机停摆。"),
        remediation: .init(en: "Give the engine's root directory (DockerRootDir, usually /var/lib/docker) its own filesystem, e.g. an LVM volume mounted there.",
                           zh: "为引擎根目录（DockerRootDir，通常为 /var/lib/docker）单独挂载文件系统，如 LVM 卷。"),
        references: ["https://docs.docker.com/engine/daemon/#daemon-data-directory", Reference.cisDocker])
    let examples = [
        RuleExample(snapshot: #"{"info": {"DockerRootDir": "/var/lib/docker"}, "host": {"mountPoints": ["/", "/var/lib/docker"]}}"#, expect: .pass),
        RuleExample(snapshot: #"{"info": {"DockerRootDir": "/var/lib/docker/"}, "host": {"mountPoints": ["/", "/var/lib/docker"]}}"#, expect: .pass),
        // A separate /var still lets logs and packages fill the engine's filesystem: CIS asks for the root directory itself.
        RuleExample(snapshot: #"{"info": {"DockerRootDir": "/var/lib/docker"}, "host": {"mountPoints": ["/", "/var"]}}"#, expect: .fail),
        RuleExample(snapshot: #"{"info": {"DockerRootDir": "/var/lib/docker"}, "host": {"mountPoints": ["/", "/boot"]}}"#, expect: .fail),
        RuleExample(snapshot: #"{"host": {"mountPoints": null}}"#, expect: .error),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let rootDir = context.snapshot.info.dockerRootDir ?? host.daemon.string("data-root") ?? "/var/lib/docker"
        guard let mounts = host.mountPoints else {
            return hostFinding(.error("the host's mount table could not be read", "无法读取宿主机挂载表"), .file(rootDir))
        }
        let directory = HostPaths.normalized(rootDir)
        let holding = mounts.map(HostPaths.normalized).filter { HostPaths.path(directory, isWithin: $0) || $0 == "/" }.max { $0.count < $1.count } ?? "/"
        let evidence = ["DockerRootDir": rootDir, "mounted on": holding]
        if holding == directory {
            return hostFinding(.pass("\(rootDir) is on its own filesystem (\(holding))", "\(rootDir) 位于独立文件系统（\(holding)）", evidence: evidence),
                               .file(rootDir))
        }
        if holding == "/" {
            return hostFinding(.fail("\(rootDir) is on the root filesystem", "\(rootDir) 位于根文件系统", evidence: evidence), .file(rootDir))
        }
        return hostFinding(.fail("\(rootDir) shares the \(holding) filesystem with everything else there; it is not a mount of its own",
                                 "\(rootDir) 与 \(holding) 下的其他内容共用文件系统，并非独立挂载", evidence: evidence), .file(rootDir))
    }
}

struct DockerGroupRule: HostRule {
    let metadata = RuleMetadata(
        id: .hostDockerGroup, cis: "1.1.2", severity: .high, manual: true,
        title: .init(en: "Only trusted users are allowed to control the Docker daemon", zh: "只允许可信用户控制 Docker 守护进程"),
        rationale: .init(en: "Members of the docker group can use the engine's socket, which is root on the host without a password or an audit trail of sudo.",
                         zh: "docker 组成员可以使用引擎套接字，这等同于无需密码、也不经 sudo 审计的宿主机 root 权限。"),
        remediation: .init(en: "Remove users who do not need the engine: gpasswd -d USER docker; name the trusted ones with --trusted-users.",
                           zh: "移除不需要使用引擎的用户：gpasswd -d 用户名 docker；用 --trusted-users 指定可信用户。"),
        references: [Reference.protectSocket, Reference.cisDocker])
    let examples = [
        RuleExample(snapshot: #"{"host": {"dockerGroupMembers": []}}"#, expect: .pass),
        RuleExample(snapshot: #"{"host": {"dockerGroupMembers": null}}"#, expect: .pass),
        RuleExample(snapshot: #"{"host": {"dockerGroupMembers": ["alice", "bob"]}}"#, expect: .warn),
        RuleExample(snapshot: #"{"host": {"dockerGroupMembers": null, "dockerGroupUnreadable": "/etc/group could not be read"}}"#, expect: .error),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        if let reason = host.dockerGroupUnreadable {
            return hostFinding(.error("the docker group could not be checked: \(reason)", "无法检查 docker 组：\(reason)"))
        }
        guard let members = host.dockerGroupMembers else {
            return hostFinding(.pass("there is no docker group: only root can use the socket", "不存在 docker 组：只有 root 能使用套接字"))
        }
        let evidence = ["docker group": listEvidence(members), "trusted": context.settings.trustedUsers.map(listEvidence) ?? "not given (--trusted-users)"]
        if members.isEmpty { return hostFinding(.pass("the docker group has no members", "docker 组没有成员", evidence: evidence)) }
        guard let trusted = context.settings.trustedUsers else {
            return hostFinding(.warn("review the docker group: \(members.joined(separator: ", ")) (each is root on this host)",
                                     "请核对 docker 组成员：\(members.joined(separator: ", "))（每人都等同宿主机 root）", evidence: evidence))
        }
        let untrusted = members.filter { !trusted.contains($0) }
        if untrusted.isEmpty { return hostFinding(.pass("every docker group member is trusted", "docker 组成员均为可信用户", evidence: evidence)) }
        return hostFinding(.fail("untrusted users in the docker group: \(untrusted.joined(separator: ", "))", "docker 组中有非可信用户：\(untrusted.joined(separator: ", "))", evidence: evidence))
    }
}

/// One rule type for 1.1.3–1.1.18: the path playing `role` must be watched by an audit rule.
struct AuditWatchRule: HostRule {
    let metadata: RuleMetadata
    let role: FileRole
    let examples: [RuleExample]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let candidates = host.files.filter { $0.role == role }
        guard let file = candidates.first(where: \.exists) else {
            let looked = listEvidence(candidates.map(\.path))
            return hostFinding(.skipped("not applicable: no \(role.rawValue) on this host (looked for \(looked))", "不适用：该主机上没有 \(role.rawValue)（查找了 \(looked)）"),
                               .file(candidates.first?.path ?? role.rawValue))
        }
        let rules = host.auditRules
        guard let source = rules.source else {
            return hostFinding(.fail("no audit rules could be read: \(rules.problems.joined(separator: "; "))", "无法读取审计规则：\(rules.problems.joined(separator: "; "))",
                                     evidence: ["path": file.path]), .file(file.path))
        }
        var evidence = ["path": file.path, "rules from": source]
        if let watch = rules.watch(covering: file.path) {
            evidence["watched by"] = watch
            return hostFinding(.pass("audited (\(watch == file.path ? "-w \(watch)" : "inside watched \(watch)"))", "已审计（\(watch)）", evidence: evidence), .file(file.path))
        }
        return hostFinding(.fail("no audit rule watches \(file.path)", "没有审计规则监控 \(file.path)", evidence: evidence), .file(file.path))
    }

    static func make(_ id: RuleID, _ cis: String, role: FileRole, level: Int = 1, what: LocalizedText) -> AuditWatchRule {
        let path = "/usr/bin/\(role.rawValue.replacingOccurrences(of: " ", with: "-"))"
        let file = #"{"path": "\#(path)", "role": "\#(role.rawValue)", "exists": true, "type": "file", "mode": 493, "uid": 0, "gid": 0}"#
        return AuditWatchRule(
            metadata: RuleMetadata(
                id: id,
                cis: cis, level: level, severity: .low,
                title: .init(en: "Auditing is configured for \(what.en)", zh: "为 \(what.zh) 配置审计"),
                rationale: .init(en: "Audit records of changes to \(what.en) show who changed the container platform and when, which investigations and the enhanced baseline require.",
                                 zh: "对 \(what.zh) 变更的审计记录能说明谁在何时改动了容器平台，这是事件调查和增强基线的要求。"),
                remediation: .init(en: "Add `-w <path> -p wa -k docker` to /etc/audit/rules.d/docker.rules and load it (augenrules --load).",
                                   zh: "在 /etc/audit/rules.d/docker.rules 中添加 `-w <路径> -p wa -k docker` 并加载（augenrules --load）。"),
                references: ["https://man7.org/linux/man-pages/man8/auditctl.8.html", Reference.cisDocker]).fixed(by: .auditWatch),
            role: role,
            examples: [
                RuleExample(snapshot: #"{"host": {"files": [\#(file)], "auditRules": {"source": "auditctl -l", "watchedPaths": ["\#(path)"], "problems": []}}}"#, expect: .pass),
                RuleExample(snapshot: #"{"host": {"files": [\#(file)], "auditRules": {"source": "auditctl -l", "watchedPaths": ["/usr/bin"], "problems": []}}}"#, expect: .pass),
                RuleExample(snapshot: #"{"host": {"files": [\#(file)], "auditRules": {"source": "auditctl -l", "watchedPaths": ["\#(path)-other"], "problems": []}}}"#, expect: .fail),
                RuleExample(snapshot: #"{"host": {"files": [\#(file)], "auditRules": {"source": null, "watchedPaths": [], "problems": ["auditctl is not installed"]}}}"#, expect: .fail),
                RuleExample(snapshot: #"{"host": {"files": [{"path": "\#(path)", "role": "\#(role.rawValue)", "exists": false}]}}"#, expect: .skipped),
            ])
    }

    static let all: [AuditWatchRule] = [
        make(.hostAuditDockerd, "1.1.3", role: .dockerd, what: .init(en: "the Docker daemon", zh: "Docker 守护进程")),
        make(.hostAuditRunContainerd, "1.1.4", role: .runContainerd, what: .init(en: "/run/containerd", zh: "/run/containerd")),
        make(.hostAuditVarLibDocker, "1.1.5", role: .varLibDocker, what: .init(en: "/var/lib/docker", zh: "/var/lib/docker")),
        make(.hostAuditEtcDocker, "1.1.6", role: .etcDocker, what: .init(en: "/etc/docker", zh: "/etc/docker")),
        make(.hostAuditDockerService, "1.1.7", role: .dockerService, what: .init(en: "docker.service", zh: "docker.service")),
        make(.hostAuditContainerdSock, "1.1.8", role: .containerdSocket, what: .init(en: "containerd.sock", zh: "containerd.sock")),
        make(.hostAuditDockerSocket, "1.1.9", role: .dockerSocketUnit, what: .init(en: "docker.socket", zh: "docker.socket")),
        make(.hostAuditEtcDefaultDocker, "1.1.10", role: .etcDefaultDocker, what: .init(en: "/etc/default/docker", zh: "/etc/default/docker")),
        make(.hostAuditDaemonJson, "1.1.11", role: .daemonJSON, what: .init(en: "/etc/docker/daemon.json", zh: "/etc/docker/daemon.json")),
        make(.hostAuditContainerdConfig, "1.1.12", role: .containerdConfig, what: .init(en: "/etc/containerd/config.toml", zh: "/etc/containerd/config.toml")),
        make(.hostAuditEtcSysconfigDocker, "1.1.13", role: .etcSysconfigDocker, what: .init(en: "/etc/sysconfig/docker", zh: "/etc/sysconfig/docker")),
        make(.hostAuditContainerd, "1.1.14", role: .containerd, what: .init(en: "the containerd binary", zh: "containerd 程序")),
        make(.hostAuditContainerdShim, "1.1.15", role: .containerdShim, what: .init(en: "containerd-shim", zh: "containerd-shim")),
        make(.hostAuditContainerdShimRuncV1, "1.1.16", role: .containerdShimRuncV1, what: .init(en: "containerd-shim-runc-v1", zh: "containerd-shim-runc-v1")),
        make(.hostAuditContainerdShimRuncV2, "1.1.17", role: .containerdShimRuncV2, what: .init(en: "containerd-shim-runc-v2", zh: "containerd-shim-runc-v2")),
        make(.hostAuditRunc, "1.1.18", role: .runc, what: .init(en: "the runc binary", zh: "runc 程序")),
    ]
}

struct HostHardeningRule: HostRule {
    let metadata = RuleMetadata(
        id: .hostHardened, cis: "1.2.1", severity: .medium, manual: true,
        title: .init(en: "The container host has been hardened", zh: "容器宿主机已经过加固"),
        rationale: .init(en: "Containers share the host's kernel: a host that is not hardened undoes every container control.",
                         zh: "容器共享宿主机内核，未加固的宿主机会让所有容器控制措施失效。"),
        remediation: .init(en: "Harden the host to its operating system's benchmark (e.g. CIS Debian / RHEL), or use a container-optimised OS.",
                           zh: "按操作系统基线（如 CIS Debian / RHEL）加固宿主机，或使用容器专用操作系统。"),
        references: [Reference.cisDocker])
    let examples = [RuleExample(expect: .warn)]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        hostFinding(.warn("review against the host operating system's own hardening benchmark", "请按宿主机操作系统的加固基线核查",
                          evidence: ["kernel": host.kernelRelease ?? "unknown", "operating system": context.snapshot.info.operatingSystem ?? "unknown"]))
    }
}

/// 1.2.2: the engine, containerd and runc against the advisory table.
struct AdvisoryRule: HostRule {
    let metadata: RuleMetadata
    let examples: [RuleExample]

    /// The versions the engine reports of itself and what runs its containers, by the advisory table's component
    /// names: Docker's engine, containerd and runc; Podman's engine, conmon and its OCI runtime (runc or crun). A Podman
    /// version is never looked up as `docker-engine`.
    static func engineVersions(_ snapshot: Snapshot) -> [(component: String, version: String)] {
        engineComponents(snapshot).map { ($0.component, $0.version) }
    }

    /// As `engineVersions`, with whether each came from a distribution package (its version says so, or the engine
    /// reports the package it was installed from, as Podman does for conmon and the runtime).
    static func engineComponents(_ snapshot: Snapshot) -> [(component: String, version: String, distribution: Bool)] {
        var found: [(String, String, Bool)] = []
        let components = snapshot.engine.components ?? []
        guard snapshot.identity.kind.isPodman else {
            if let engine = snapshot.engine.version { found.append(("docker-engine", engine, false)) }
            for component in components {
                let name = component.name.lowercased()
                if ["containerd", "runc"].contains(name), let version = component.version { found.append((name, version, false)) }
            }
            return found
        }
        // Podman names its parts `Podman Engine`, `Conmon`, `OCI Runtime (crun)` with versions such as
        // `conmon version 2.1.6, commit: unknown`; a Debian or Fedora build lists the package beside them.
        let packaged = components.contains { $0.package != nil }
        for component in components {
            let name = component.name.lowercased()
            let product: String?
            if name.hasPrefix("podman") { product = "podman" } else if name == "conmon" { product = "conmon" } else if name.hasPrefix("oci runtime") {
                product = name.contains("crun") ? "crun" : name.contains("runc") ? "runc" : nil
            } else { product = nil }
            guard let product, let text = component.version.map(Self.componentVersion) else { continue }
            found.append((product, text, component.package != nil || (product == "podman" && packaged)))
        }
        return found
    }

    /// `runc version 1.1.5+ds1\ncommit: …` → `1.1.5+ds1`; a plain version is kept.
    static func componentVersion(_ text: String) -> String {
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? text
        let words = firstLine.split(separator: " ")
        if let index = words.firstIndex(of: "version"), index + 1 < words.count {
            return String(words[index + 1]).trimmingCharacters(in: CharacterSet(charactersIn: ","))
        }
        return firstLine.trimmingCharacters(in: .whitespaces)
    }

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        let checked = Self.engineComponents(context.snapshot)
        guard !checked.isEmpty else { return hostFinding(.error("no versions were reported to compare", "没有可比较的版本信息")) }
        var evidence = Dictionary(checked.map { ($0.component, $0.version) }, uniquingKeysWith: { a, _ in a })
        evidence["advisories"] = "table of \(context.advisories.updated)"
        evidence["engine"] = context.snapshot.identity.kind.displayName
        var affecting: [String] = []
        var notExploitable: [String] = []
        var distributionBuilds: [String] = []
        for (component, text, packaged) in checked {
            guard var version = SoftwareVersion(text) else { continue }
            if packaged { version.distributionBuild = true }
            for advisory in context.advisories.affecting(component, version) {
                if let required = advisory.requiresSetting, host.daemon.setting(required) == nil {
                    notExploitable.append("\(advisory.id) (\(component) \(text), needs \(required))")
                    continue
                }
                affecting.append("\(advisory.id) (\(component) \(text): \(advisory.summary))")
                if version.distributionBuild { distributionBuilds.append("\(component) \(text)") }
            }
        }
        if !notExploitable.isEmpty { evidence["not exploitable here"] = notExploitable.joined(separator: "; ") }
        guard !affecting.isEmpty else {
            return hostFinding(.pass("no known advisory affects these versions", "没有已知漏洞影响这些版本", evidence: evidence))
        }
        evidence["affected by"] = affecting.joined(separator: "; ")
        if distributionBuilds.count == affecting.count {
            // Distributions backport fixes without changing the upstream version; only their tracker can tell.
            return hostFinding(.warn("the upstream versions are affected by \(affecting.count) advisory(ies), but these are distribution builds (\(Set(distributionBuilds).sorted().joined(separator: ", "))) that may carry backported fixes: check the distribution's security tracker",
                                     "上游版本受 \(affecting.count) 个漏洞影响，但这些是发行版构建（\(Set(distributionBuilds).sorted().joined(separator: ", "))），可能已回移修复：请查阅发行版安全公告",
                                     evidence: evidence))
        }
        return hostFinding(.fail("affected by \(affecting.joined(separator: "; "))", "受以下漏洞影响：\(affecting.joined(separator: "; "))", severity: .high, evidence: evidence))
    }

    static let engine = AdvisoryRule(
        metadata: RuleMetadata(
            id: .hostEngineAdvisories, cis: "1.2.2", severity: .high,
            title: .init(en: "The version of Docker is up to date", zh: "Docker 版本保持最新"),
            rationale: .init(en: "Known flaws in the engine, containerd and runc let containers escape to the host; they are fixed only by upgrading.",
                             zh: "引擎、containerd 和 runc 的已知漏洞可导致容器逃逸到宿主机，只有升级才能修复。"),
            remediation: .init(en: "Upgrade Docker Engine, containerd and runc to releases that fix the advisories named; `--advisories FILE` loads a newer table.",
                               zh: "将 Docker Engine、containerd 和 runc 升级到修复所列漏洞的版本；可用 `--advisories 文件` 加载更新的漏洞表。"),
            references: ["https://docs.docker.com/engine/release-notes/", Reference.cisDocker]),
        examples: [
            RuleExample(snapshot: #"{"engine": {"Version": "27.3.1", "Components": [{"Name": "containerd", "Version": "1.7.22"}, {"Name": "runc", "Version": "1.1.14"}]}}"#, expect: .pass),
            RuleExample(snapshot: #"{"engine": {"Version": "27.3.1", "Components": [{"Name": "runc", "Version": "1.1.11"}]}}"#, expect: .fail),
            RuleExample(snapshot: #"{"engine": {"Version": "20.10.24+dfsg1", "Components": [{"Name": "runc", "Version": "1.1.5+ds1"}]}}"#, expect: .warn),
            RuleExample(snapshot: #"{"engine": {"Version": "26.1.4", "Components": []}, "host": {"daemon": {"settings": []}}}"#, expect: .pass),
            RuleExample(snapshot: #"{"engine": {"Version": "26.1.5", "Components": []}}"#, expect: .pass),
            RuleExample(snapshot: #"{"engine": {"Version": "26.1.4", "Components": []}, "host": {"daemon": {"settings": [{"key": "authorization-plugins", "values": ["authz"], "source": "x"}]}}}"#, expect: .fail),
            // Podman is looked up as podman (never as docker-engine, where 4.3.1 would match nothing or the wrong thing).
            RuleExample(snapshot: #"{"engine": {"Version": "5.4.2", "Components": [{"Name": "Podman Engine", "Version": "5.4.2"}, {"Name": "Conmon", "Version": "conmon version 2.1.12, commit: unknown"}, {"Name": "OCI Runtime (crun)", "Version": "crun version 1.20\ncommit: abc"}]}}"#, expect: .pass),
            RuleExample(snapshot: #"{"engine": {"Version": "4.3.1", "Components": [{"Name": "Podman Engine", "Version": "4.3.1"}, {"Name": "OCI Runtime (crun)", "Version": "crun version 1.8.5"}]}}"#, expect: .fail),
            RuleExample(snapshot: #"{"engine": {"Version": "4.3.1", "Components": [{"Name": "Podman Engine", "Version": "4.3.1"}, {"Name": "Conmon", "Version": "conmon version 2.1.6, commit: unknown", "Details": {"Package": "conmon_2.1.6+ds1-1_amd64"}}]}}"#, expect: .warn),
        ])
}

struct VirtualizationRule: HostRule {
    let metadata = RuleMetadata(
        id: .hostVirtualization, cis: nil, severity: .info,
        title: .init(en: "Containers run inside a virtual machine", zh: "容器运行在虚拟机中"),
        rationale: .init(en: "Inside a VM, a kernel escape from a container stays inside the VM (enterprise baseline item 16, enhanced).",
                         zh: "在虚拟机中运行时，容器的内核逃逸仍被限制在虚拟机内（企业基线第 16 项，增强级）。"),
        remediation: .init(en: "For sensitive or multi-tenant workloads, run the container hosts as VMs (KVM, …) or use a VM-isolated runtime.",
                           zh: "敏感或多租户业务应将容器主机部署为虚拟机（KVM 等），或使用虚拟机隔离的运行时。"),
        references: [Reference.securityOverview])
    let examples = [
        RuleExample(snapshot: #"{"host": {"virtualization": "kvm"}}"#, expect: .pass),
        RuleExample(snapshot: #"{"host": {"virtualization": "none"}}"#, expect: .info),
        RuleExample(snapshot: #"{"host": {"virtualization": null}}"#, expect: .info),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        switch host.virtualization {
        case nil: return hostFinding(.info("could not tell whether this host is a virtual machine", "无法判断该主机是否为虚拟机"))
        case "none": return hostFinding(.info("bare metal: a kernel escape reaches the physical host", "物理机：内核逃逸可直达物理主机", evidence: ["virtualization": "none"]))
        case let kind?: return hostFinding(.pass("runs in a virtual machine (\(kind))", "运行在虚拟机中（\(kind)）", evidence: ["virtualization": kind]))
        }
    }
}

struct SecurityModulesRule: HostRule {
    let metadata = RuleMetadata(
        id: .hostSecurityModules, cis: nil, severity: .info,
        title: .init(en: "A mandatory access control module and seccomp are available", zh: "宿主机提供强制访问控制模块与 seccomp"),
        rationale: .init(en: "AppArmor or SELinux, and seccomp, are what the per-container confinement rules (5.2, 5.3, 5.22) rely on (enterprise baseline items 12 and 13).",
                         zh: "AppArmor 或 SELinux 以及 seccomp 是容器级约束规则（5.2、5.3、5.22）的基础（企业基线第 12、13 项）。"),
        remediation: .init(en: "Enable AppArmor (Debian, Ubuntu, SUSE) or SELinux (RHEL family) in the kernel and the daemon.",
                           zh: "在内核和守护进程中启用 AppArmor（Debian、Ubuntu、SUSE）或 SELinux（RHEL 系）。"),
        references: [Reference.apparmor, Reference.seccomp])
    let examples = [
        RuleExample(snapshot: #"{"host": {"appArmorEnabled": true, "seccompAvailable": true}}"#, expect: .pass),
        RuleExample(snapshot: #"{"host": {"appArmorEnabled": false, "seLinuxEnabled": false, "seccompAvailable": true}}"#, expect: .info),
    ]

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        func state(_ value: Bool?) -> String { value.map { $0 ? "enabled" : "disabled" } ?? "unknown" }
        let evidence = ["AppArmor": state(host.appArmorEnabled), "SELinux": state(host.seLinuxEnabled), "seccomp": state(host.seccompAvailable)]
        if (host.appArmorEnabled == true || host.seLinuxEnabled == true) && host.seccompAvailable != false {
            return hostFinding(.pass("MAC and seccomp available", "强制访问控制与 seccomp 均可用", evidence: evidence))
        }
        return hostFinding(.info("no mandatory access control module is enabled on this host", "该主机未启用强制访问控制模块", evidence: evidence))
    }
}

extension RuleID {
    public static let hostDockerPartition: RuleID = "host.docker-partition"
    public static let hostDockerGroup: RuleID = "host.docker-group"
    public static let hostAuditDockerd: RuleID = "host.audit-dockerd"
    public static let hostAuditRunContainerd: RuleID = "host.audit-run-containerd"
    public static let hostAuditVarLibDocker: RuleID = "host.audit-var-lib-docker"
    public static let hostAuditEtcDocker: RuleID = "host.audit-etc-docker"
    public static let hostAuditDockerService: RuleID = "host.audit-docker.service"
    public static let hostAuditContainerdSock: RuleID = "host.audit-containerd.sock"
    public static let hostAuditDockerSocket: RuleID = "host.audit-docker.socket"
    public static let hostAuditEtcDefaultDocker: RuleID = "host.audit-etc-default-docker"
    public static let hostAuditDaemonJson: RuleID = "host.audit-daemon.json"
    public static let hostAuditContainerdConfig: RuleID = "host.audit-containerd-config"
    public static let hostAuditEtcSysconfigDocker: RuleID = "host.audit-etc-sysconfig-docker"
    public static let hostAuditContainerd: RuleID = "host.audit-containerd"
    public static let hostAuditContainerdShim: RuleID = "host.audit-containerd-shim"
    public static let hostAuditContainerdShimRuncV1: RuleID = "host.audit-containerd-shim-runc-v1"
    public static let hostAuditContainerdShimRuncV2: RuleID = "host.audit-containerd-shim-runc-v2"
    public static let hostAuditRunc: RuleID = "host.audit-runc"
    public static let hostHardened: RuleID = "host.hardened"
    public static let hostEngineAdvisories: RuleID = "host.engine-advisories"
    public static let hostSecurityModules: RuleID = "host.security-modules"
    public static let hostVirtualization: RuleID = "host.virtualization"
}
