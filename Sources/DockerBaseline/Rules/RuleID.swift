/// A rule's stable id, e.g. `container.privileged`: never reused for a different check. Code names a rule by its
/// constant (`.containerPrivileged`); a string becomes an id only where people write one (a waiver, `--include`).
public struct RuleID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rawValue < rhs.rawValue }
    public func hasPrefix(_ prefix: String) -> Bool { rawValue.hasPrefix(prefix) }
    /// The family before the first dot: `container`, `compose`, `host`, …
    public var family: String { String(rawValue.prefix { $0 != "." }) }
}

extension RuleID {
    // §1 host configuration
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
    public static let hostKernelAdvisories: RuleID = "host.kernel-advisories"
    public static let hostSecurityModules: RuleID = "host.security-modules"
    public static let hostVirtualization: RuleID = "host.virtualization"

    // §2 daemon configuration
    public static let daemonRootless: RuleID = "daemon.rootless"
    public static let daemonIcc: RuleID = "daemon.icc"
    public static let daemonLogLevel: RuleID = "daemon.log-level"
    public static let daemonIptables: RuleID = "daemon.iptables"
    public static let daemonInsecureRegistries: RuleID = "daemon.insecure-registries"
    public static let daemonAufs: RuleID = "daemon.aufs"
    public static let daemonDevicemapper: RuleID = "daemon.devicemapper"
    public static let daemonRemoteApiTls: RuleID = "daemon.remote-api-tls"
    public static let daemonDefaultUlimits: RuleID = "daemon.default-ulimits"
    public static let daemonUsernsRemap: RuleID = "daemon.userns-remap"
    public static let daemonCgroupParent: RuleID = "daemon.cgroup-parent"
    public static let daemonBaseDeviceSize: RuleID = "daemon.base-device-size"
    public static let daemonAuthorizationPlugin: RuleID = "daemon.authorization-plugin"
    public static let daemonLogging: RuleID = "daemon.logging"
    public static let daemonNoNewPrivileges: RuleID = "daemon.no-new-privileges"
    public static let daemonLiveRestore: RuleID = "daemon.live-restore"
    public static let daemonUserlandProxy: RuleID = "daemon.userland-proxy"
    public static let daemonSeccompProfile: RuleID = "daemon.seccomp-profile"
    public static let daemonExperimental: RuleID = "daemon.experimental"
    public static let daemonConfiguration: RuleID = "daemon.configuration"

    // §3 daemon files: owner and mode
    public static let fileDockerServiceOwner: RuleID = "file.docker-service-owner"
    public static let fileDockerServiceMode: RuleID = "file.docker-service-mode"
    public static let fileDockerSocketUnitOwner: RuleID = "file.docker-socket-unit-owner"
    public static let fileDockerSocketUnitMode: RuleID = "file.docker-socket-unit-mode"
    public static let fileEtcDockerOwner: RuleID = "file.etc-docker-owner"
    public static let fileEtcDockerMode: RuleID = "file.etc-docker-mode"
    public static let fileRegistryCertsOwner: RuleID = "file.registry-certs-owner"
    public static let fileRegistryCertsMode: RuleID = "file.registry-certs-mode"
    public static let fileTlsCaOwner: RuleID = "file.tls-ca-owner"
    public static let fileTlsCaMode: RuleID = "file.tls-ca-mode"
    public static let fileTlsCertOwner: RuleID = "file.tls-cert-owner"
    public static let fileTlsCertMode: RuleID = "file.tls-cert-mode"
    public static let fileTlsKeyOwner: RuleID = "file.tls-key-owner"
    public static let fileTlsKeyMode: RuleID = "file.tls-key-mode"
    public static let fileDockerSockOwner: RuleID = "file.docker-sock-owner"
    public static let fileDockerSockMode: RuleID = "file.docker-sock-mode"
    public static let fileDaemonJsonOwner: RuleID = "file.daemon-json-owner"
    public static let fileDaemonJsonMode: RuleID = "file.daemon-json-mode"
    public static let fileEtcDefaultDockerOwner: RuleID = "file.etc-default-docker-owner"
    public static let fileEtcDefaultDockerMode: RuleID = "file.etc-default-docker-mode"
    public static let fileEtcSysconfigDockerMode: RuleID = "file.etc-sysconfig-docker-mode"
    public static let fileEtcSysconfigDockerOwner: RuleID = "file.etc-sysconfig-docker-owner"
    public static let fileContainerdSockOwner: RuleID = "file.containerd-sock-owner"
    public static let fileContainerdSockMode: RuleID = "file.containerd-sock-mode"

    // §4 images: configuration, history and layer contents
    public static let imageUser: RuleID = "image.user"
    public static let imageSshd: RuleID = "image.sshd"
    public static let imageHealthcheck: RuleID = "image.healthcheck"
    public static let imageUpdateAlone: RuleID = "image.update-alone"
    public static let imageSetuid: RuleID = "image.setuid"
    public static let imageAddInstruction: RuleID = "image.add-instruction"
    public static let imageDeletedSecrets: RuleID = "image.deleted-secrets"
    public static let imageSecretFiles: RuleID = "image.secret-files"
    public static let imageSecrets: RuleID = "image.secrets"
    public static let imageShadowEmptyPassword: RuleID = "image.shadow-empty-password"
    public static let imageWorldWritable: RuleID = "image.world-writable"

    // §4 the client that pulls images
    public static let clientContentTrust: RuleID = "client.content-trust"

    // §5 and §6: the engine as a whole
    public static let engineSwarmMode: RuleID = "engine.swarm-mode"
    public static let engineImageSprawl: RuleID = "engine.image-sprawl"
    public static let engineContainerSprawl: RuleID = "engine.container-sprawl"

    // §5 how containers run (4.1 and 2.13 per container too)
    public static let containerUser: RuleID = "container.user"
    public static let containerLogRotation: RuleID = "container.log-rotation"
    public static let containerApparmor: RuleID = "container.apparmor"
    public static let containerSelinux: RuleID = "container.selinux"
    public static let containerCapabilities: RuleID = "container.capabilities"
    public static let containerPrivileged: RuleID = "container.privileged"
    public static let containerSensitiveMounts: RuleID = "container.sensitive-mounts"
    public static let containerSshd: RuleID = "container.sshd"
    public static let containerPrivilegedPorts: RuleID = "container.privileged-ports"
    public static let containerOpenPorts: RuleID = "container.open-ports"
    public static let containerHostNetwork: RuleID = "container.host-network"
    public static let containerMemoryLimit: RuleID = "container.memory-limit"
    public static let containerCpuPriority: RuleID = "container.cpu-priority"
    public static let containerReadonlyRootfs: RuleID = "container.readonly-rootfs"
    public static let containerPortBindAddress: RuleID = "container.port-bind-address"
    public static let containerRestartPolicy: RuleID = "container.restart-policy"
    public static let containerHostPid: RuleID = "container.host-pid"
    public static let containerHostIpc: RuleID = "container.host-ipc"
    public static let containerHostDevices: RuleID = "container.host-devices"
    public static let containerUlimits: RuleID = "container.ulimits"
    public static let containerMountPropagation: RuleID = "container.mount-propagation"
    public static let containerHostUts: RuleID = "container.host-uts"
    public static let containerSeccomp: RuleID = "container.seccomp"
    public static let containerExecPrivileged: RuleID = "container.exec-privileged"
    public static let containerExecRoot: RuleID = "container.exec-root"
    public static let containerCgroupParent: RuleID = "container.cgroup-parent"
    public static let containerNoNewPrivileges: RuleID = "container.no-new-privileges"
    public static let containerHealthcheck: RuleID = "container.healthcheck"
    public static let containerImageCurrent: RuleID = "container.image-current"
    public static let containerPidsLimit: RuleID = "container.pids-limit"
    public static let containerDefaultBridge: RuleID = "container.default-bridge"
    public static let containerHostUserns: RuleID = "container.host-userns"
    public static let containerDockerSocket: RuleID = "container.docker-socket"

    // §7 swarm
    public static let swarmManagers: RuleID = "swarm.managers"
    public static let swarmListenAddress: RuleID = "swarm.listen-address"
    public static let swarmEncryptedOverlays: RuleID = "swarm.encrypted-overlays"
    public static let swarmSecrets: RuleID = "swarm.secrets"
    public static let swarmAutolock: RuleID = "swarm.autolock"
    public static let swarmUnlockKeyRotation: RuleID = "swarm.unlock-key-rotation"
    public static let swarmNodeCertExpiry: RuleID = "swarm.node-cert-expiry"
    public static let swarmCaRotation: RuleID = "swarm.ca-rotation"
    public static let swarmTrafficSeparation: RuleID = "swarm.traffic-separation"

    // lint: Dockerfiles
    public static let dockerfileSyntax: RuleID = "dockerfile.syntax"
    public static let dockerfileUser: RuleID = "dockerfile.user"
    public static let dockerfileHealthcheck: RuleID = "dockerfile.healthcheck"
    public static let dockerfileBasePinned: RuleID = "dockerfile.base-pinned"
    public static let dockerfileBaseRegistry: RuleID = "dockerfile.base-registry"
    public static let dockerfileUpdateAlone: RuleID = "dockerfile.update-alone"
    public static let dockerfileAdd: RuleID = "dockerfile.add"
    public static let dockerfileAddRemote: RuleID = "dockerfile.add-remote"
    public static let dockerfileSecrets: RuleID = "dockerfile.secrets"
    public static let dockerfileSensitiveFiles: RuleID = "dockerfile.sensitive-files"
    public static let dockerfileSudo: RuleID = "dockerfile.sudo"
    public static let dockerfileSshd: RuleID = "dockerfile.sshd"
    public static let dockerfileSetuid: RuleID = "dockerfile.setuid"
    public static let dockerfileDownloadExecute: RuleID = "dockerfile.download-execute"
    public static let dockerfileInsecureDownload: RuleID = "dockerfile.insecure-download"
    public static let dockerfileInsecureBuild: RuleID = "dockerfile.insecure-build"
    public static let dockerfileWorkdirRelative: RuleID = "dockerfile.workdir-relative"
    public static let dockerfileMultipleCmd: RuleID = "dockerfile.multiple-cmd"

    // lint: Compose services (the runtime checks under their Compose ids)
    public static let composeSyntax: RuleID = "compose.syntax"
    public static let composePrivileged: RuleID = "compose.privileged"
    public static let composeCapabilities: RuleID = "compose.capabilities"
    public static let composeSensitiveMounts: RuleID = "compose.sensitive-mounts"
    public static let composeDockerSocket: RuleID = "compose.docker-socket"
    public static let composePortBindAddress: RuleID = "compose.port-bind-address"
    public static let composePrivilegedPorts: RuleID = "compose.privileged-ports"
    public static let composeMemoryLimit: RuleID = "compose.memory-limit"
    public static let composeCpuLimit: RuleID = "compose.cpu-limit"
    public static let composePidsLimit: RuleID = "compose.pids-limit"
    public static let composeReadonlyRootfs: RuleID = "compose.readonly-rootfs"
    public static let composeSeccomp: RuleID = "compose.seccomp"
    public static let composeApparmor: RuleID = "compose.apparmor"
    public static let composeNoNewPrivileges: RuleID = "compose.no-new-privileges"
    public static let composeRestartPolicy: RuleID = "compose.restart-policy"
    public static let composeDevices: RuleID = "compose.devices"
    public static let composeHealthcheck: RuleID = "compose.healthcheck"
    public static let composeSecrets: RuleID = "compose.secrets"
    public static let composeHostNetwork: RuleID = "compose.host-network"
    public static let composeHostPid: RuleID = "compose.host-pid"
    public static let composeHostIpc: RuleID = "compose.host-ipc"
    public static let composeHostUts: RuleID = "compose.host-uts"
    public static let composeHostUserns: RuleID = "compose.host-userns"
    public static let composeSelinux: RuleID = "compose.selinux"
    public static let composeUser: RuleID = "compose.user"
    public static let composeOpenPorts: RuleID = "compose.open-ports"
    public static let composeUlimits: RuleID = "compose.ulimits"
    public static let composeMountPropagation: RuleID = "compose.mount-propagation"
    public static let composeCgroupParent: RuleID = "compose.cgroup-parent"
    public static let composeDefaultBridge: RuleID = "compose.default-bridge"
    public static let composeLogRotation: RuleID = "compose.log-rotation"

    // scan-api: the network
    public static let networkExposedApi: RuleID = "network.exposed-api"

    // what the collector could not read
    public static let collect: RuleID = "collect"

    // lint: reading the files and their inline ignores
    public static let lintInput: RuleID = "lint.input"
    public static let lintIgnore: RuleID = "lint.ignore"

    // the policy file
    public static let policyStaleWaiver: RuleID = "policy.stale-waiver"
}
