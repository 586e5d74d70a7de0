/// The enterprise baseline's 18 items (../shared/baseline.md), graded basic (基础) or enhanced (增强), and the rules
/// that judge each: those of the item's "judged by" column, a runtime check as both its container and its Compose
/// rule. Beyond that column, every critical or high rule on containers, the daemon or the remote API is in the basic
/// item it serves (a test keeps it so), and the enhanced items take the host namespaces, devices and the §3 files.
public enum EnterpriseBaseline {
    public enum Grade: String, Sendable { case basic, enhanced }

    public struct Item: Sendable {
        public var number: Int
        public var grade: Grade
        public var title: LocalizedText
        public var rules: [RuleID]
    }

    public static let items: [Item] = [
        Item(number: 1, grade: .basic, title: .init(en: "Minimal containers", zh: "容器最小化"),
             rules: [.containerSshd, .imageSshd, .dockerfileSshd]),
        // The daemon's listeners and scan-api's finding; the docker group and a malformed configuration decide who
        // reaches the API too.
        Item(number: 2, grade: .basic, title: .init(en: "Docker remote API access control", zh: "Docker remote API 访问控制"),
             rules: [.daemonRemoteApiTls, .networkExposedApi, .networkApiAcl, .hostDockerGroup, .daemonConfiguration]),
        // A container on the host's network is outside every filter.
        Item(number: 3, grade: .basic, title: .init(en: "Traffic restriction", zh: "限制流量流向"),
             rules: [.daemonIcc, .daemonIptables, .networkPublishedPorts, .networkDockerUserChain, .networkContainerEgress, .containerPortBindAddress, .composePortBindAddress, .containerDefaultBridge,
                     .composeDefaultBridge, .containerHostNetwork, .composeHostNetwork]),
        // Root in a container that shares the host's PID or IPC namespace acts on the host's processes.
        Item(number: 4, grade: .basic, title: .init(en: "Non-root users", zh: "使用普通用户启动"),
             rules: [.daemonUsernsRemap, .daemonRootless, .containerUser, .imageUser, .dockerfileUser, .composeUser,
                     .containerHostUserns, .composeHostUserns, .containerHostPid, .composeHostPid, .containerHostIpc, .composeHostIpc]),
        // The Docker socket is the most sensitive mount of all; /proc and /sys unmasked are the threat model's
        // "unisolated /sys /proc".
        Item(number: 5, grade: .basic, title: .init(en: "Filesystem limits", zh: "文件系统限制"),
             rules: [.containerReadonlyRootfs, .composeReadonlyRootfs, .containerSensitiveMounts, .composeSensitiveMounts,
                     .containerDockerSocket, .composeDockerSocket, .hostDockerPartition, .containerSystemPaths, .composeSystemPaths]),
        // Trusted sources: registries reached without TLS are not.
        Item(number: 6, grade: .basic, title: .init(en: "Image security", zh: "镜像安全"),
             rules: [.clientContentTrust, .dockerfileBasePinned, .dockerfileBaseRegistry, .daemonInsecureRegistries,
                     .imageShadowEmptyPassword, .imageWorldWritable]),
        Item(number: 7, grade: .basic, title: .init(en: "Client–daemon TLS", zh: "客户端与守护进程通信安全"),
             rules: [.daemonRemoteApiTls, .fileTlsCaOwner, .fileTlsCaMode, .fileTlsCertOwner, .fileTlsCertMode, .fileTlsKeyOwner, .fileTlsKeyMode]),
        Item(number: 8, grade: .basic, title: .init(en: "Resource limits", zh: "资源限制"),
             rules: [.containerMemoryLimit, .composeMemoryLimit, .containerCpuPriority, .composeCpuLimit, .containerPidsLimit,
                     .composePidsLimit, .daemonDefaultUlimits, .containerUlimits, .composeUlimits]),
        // Engine, containerd and runc advisories are escapes too; seccomp keeps most kernel escapes out of reach.
        Item(number: 9, grade: .basic, title: .init(en: "Kernel patching", zh: "宿主机及时升级内核"),
             rules: [.hostKernelAdvisories, .hostEngineAdvisories, .engineReleaseLifecycle, .daemonSeccompProfile, .containerSeccomp,
                     .composeSeccomp]),
        Item(number: 10, grade: .basic, title: .init(en: "Information leaks", zh: "避免信息泄漏"),
             rules: [.dockerfileSecrets, .dockerfileSensitiveFiles, .composeSecrets, .imageSecrets, .imageSecretFiles, .imageDeletedSecrets]),
        // no-new-privileges is what makes setuid bits powerless; a privileged container or exec has SETUID and SETGID.
        Item(number: 11, grade: .basic, title: .init(en: "SUID/SGID limits", zh: "SUID/SGID 限制"),
             rules: [.imageSetuid, .dockerfileSetuid, .containerCapabilities, .composeCapabilities, .containerNoNewPrivileges,
                     .composeNoNewPrivileges, .daemonNoNewPrivileges, .containerPrivileged, .composePrivileged, .containerExecPrivileged]),
        Item(number: 12, grade: .enhanced, title: .init(en: "SELinux / AppArmor", zh: "安全加固 SELinux/AppArmor/GRSEC"),
             rules: [.containerApparmor, .composeApparmor, .containerSelinux, .composeSelinux, .hostSecurityModules]),
        Item(number: 13, grade: .enhanced, title: .init(en: "System call restriction (seccomp)", zh: "限制系统调用"),
             rules: [.daemonSeccompProfile, .containerSeccomp, .composeSeccomp]),
        // A host device is a dangerous privilege added; NET_RAW is the default capability that spoofs neighbours.
        Item(number: 14, grade: .enhanced, title: .init(en: "Capability limits", zh: "能力限制"),
             rules: [.containerCapabilities, .composeCapabilities, .containerPrivileged, .composePrivileged, .containerExecPrivileged,
                     .containerHostDevices, .composeDevices, .containerNetRaw, .composeNetRaw]),
        // Tenants on one host share nothing of the host's: no namespace either.
        Item(number: 15, grade: .enhanced, title: .init(en: "Multi-tenancy", zh: "多租户环境"),
             rules: [.daemonIcc, .networkInterContainer, .containerOpenPorts, .composeOpenPorts, .containerHostNetwork, .composeHostNetwork, .containerHostPid,
                     .composeHostPid, .containerHostIpc, .composeHostIpc, .containerHostUts, .composeHostUts, .containerCgroupNamespace,
                     .composeCgroupNamespace]),
        Item(number: 16, grade: .enhanced, title: .init(en: "Full virtualisation", zh: "完全虚拟化"), rules: [.hostVirtualization]),
        Item(number: 17, grade: .enhanced, title: .init(en: "Log analysis", zh: "日志分析"),
             rules: [.daemonLogging, .containerLogRotation, .composeLogRotation]),
        // Audit rules on the daemon and its binaries, and the ownership and permissions of its files (§3).
        Item(number: 18, grade: .enhanced, title: .init(en: "Auditing", zh: "审计"),
             rules: [.hostAuditDockerd, .hostAuditRunContainerd, .hostAuditVarLibDocker, .hostAuditEtcDocker, .hostAuditDockerService,
                     .hostAuditContainerdSock, .hostAuditDockerSocket, .hostAuditEtcDefaultDocker, .hostAuditDaemonJson,
                     .hostAuditContainerdConfig, .hostAuditEtcSysconfigDocker, .hostAuditContainerd, .hostAuditContainerdShim,
                     .hostAuditContainerdShimRuncV1, .hostAuditContainerdShimRuncV2, .hostAuditRunc,
                     .fileDockerServiceOwner, .fileDockerServiceMode, .fileDockerSocketUnitOwner, .fileDockerSocketUnitMode,
                     .fileEtcDockerOwner, .fileEtcDockerMode, .fileRegistryCertsOwner, .fileRegistryCertsMode, .fileTlsCaOwner,
                     .fileTlsCaMode, .fileTlsCertOwner, .fileTlsCertMode, .fileTlsKeyOwner, .fileTlsKeyMode, .fileDockerSockOwner,
                     .fileDockerSockMode, .fileDaemonJsonOwner, .fileDaemonJsonMode, .fileEtcDefaultDockerOwner, .fileEtcDefaultDockerMode,
                     .fileEtcSysconfigDockerMode, .fileEtcSysconfigDockerOwner, .fileContainerdSockOwner, .fileContainerdSockMode]),
    ]

    /// The items a rule helps judge.
    public static func items(for rule: RuleMetadata) -> [Item] {
        items.filter { $0.rules.contains(rule.id) }
    }
}
