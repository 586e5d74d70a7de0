/// How a container runs: the settings the §5 checks judge, read from a container's inspect data
/// (`RuntimeSpec(container:image:)`) or from a Compose service (`RuntimeSpec(service:)`). Each check is written once
/// against this type, so a container and a Compose service configured the same way get the same verdict.
///
/// Values use the engine's vocabulary (`NetworkMode`, `PidsLimit`, …); Compose keys are translated on the way in.
/// `origins` says where a Compose file wrote a setting; a container's settings have no origin.
public struct RuntimeSpec: Sendable, Equatable {
    /// Parts of `docker inspect` a check can need; a container whose answer lacks one is not judged by that check.
    /// `mounts`, `ports` and `networks` are known from `Mounts` and `NetworkSettings`, or else from `HostConfig`.
    public enum Section: String, Sendable, Hashable {
        case config = "Config", hostConfig = "HostConfig", logConfig = "HostConfig.LogConfig"
        case mounts = "Mounts", ports = "HostConfig.PortBindings", networks = "NetworkSettings.Networks"
    }

    /// A setting whose place in a Compose file findings point at.
    public enum Field: Sendable, Hashable {
        case user, privileged, readOnlyRootfs, restartPolicy, healthcheck, logConfig, cgroupParent, ulimits
        case namespace(Namespace)
    }

    /// The namespaces a container can share with the host; raw values are the inspect fields.
    public enum Namespace: String, Sendable, Hashable, CaseIterable {
        case network = "NetworkMode", pid = "PidMode", ipc = "IpcMode", uts = "UTSMode", user = "UsernsMode", cgroup = "CgroupnsMode"
    }

    public struct SecurityOption: Sendable, Equatable {
        /// As written: `seccomp=unconfined`, `no-new-privileges:true`, `label=disable`, …
        public var text: String
        public var origin: SourceLocation?
    }

    /// A host path mounted into the container (named volumes and tmpfs are not host paths).
    public struct BindMount: Sendable, Equatable {
        public var source: String
        public var destination: String
        public var readOnly: Bool
        /// `rprivate`, `shared`, `rslave`, …; empty for the default.
        public var propagation: String
        public var origin: SourceLocation?

        public var description: String { "\(source):\(destination)\(readOnly ? ":ro" : ":rw")" }
    }

    public struct Device: Sendable, Equatable {
        public var pathOnHost: String
        public var pathInContainer: String
        /// Cgroup permissions, `rwm` unless narrowed.
        public var permissions: String
        public var origin: SourceLocation?
    }

    /// A container port published on the host.
    public struct PublishedPort: Sendable, Equatable {
        /// `80/tcp`.
        public var containerPort: String
        /// Empty, `0.0.0.0` or `::` for every interface.
        public var hostIP: String
        /// `8080`, a range `8000-8010`, or empty when the engine picks one.
        public var hostPort: String
        public var origin: SourceLocation?

        /// Bound on every interface: empty, `0.0.0.0` or `::`.
        public var bindsAllInterfaces: Bool { ["", "0.0.0.0", "::", "[::]"].contains(hostIP) }

        /// The lowest host port, when fixed (`8000-8010` → 8000); nil for a port the engine picks.
        public var lowestHostPort: Int? { hostPort.split(separator: "-").first.flatMap { Int($0) } }

        public var description: String {
            let ip = hostIP.isEmpty ? "0.0.0.0" : (hostIP.contains(":") && !hostIP.hasPrefix("[") ? "[\(hostIP)]" : hostIP)
            return "\(ip):\(hostPort.isEmpty ? "(random)" : hostPort)->\(containerPort)"
        }
    }

    /// What only a created container shows: its state and the labels the engine applied.
    public struct Observed: Sendable, Equatable {
        public var running: Bool
        /// `created`, `running`, `exited`, …
        public var status: String
        public var appArmorProfile: String
        public var processLabel: String
        /// The health check's last result, when it has run.
        public var health: String?
    }

    /// Sections the source did not report (a container inspect answer without `HostConfig`).
    public var unreported: Set<Section> = []
    /// The fields a reported `HostConfig` lacks or gives as null, though every engine reports them.
    public var missingHostConfigFields: [String] = []
    /// `--user`; nil when not set here, so the image's USER applies (Compose without `user:`).
    public var user: String?
    /// The image's USER, where the image is known.
    public var imageUser: String?
    public var privileged = false
    public var capAdd: [String] = []
    /// Where each added capability is written, by its normalized name (`NET_ADMIN`).
    public var capAddOrigins: [String: SourceLocation] = [:]
    public var capDrop: [String] = []
    public var securityOptions: [SecurityOption] = []
    /// A custom seccomp profile's contents (`seccomp=` neither `unconfined` nor `builtin`), or why it could not be read.
    public var seccompProfile: SeccompProfileText?
    public var bindMounts: [BindMount] = []
    public var devices: [Device] = []
    public var deviceCgroupRules: [String] = []
    /// Each namespace's mode: empty for the default, `host`, `container:ID`, a network's name, …
    public var namespaces: [Namespace: String] = [:]
    /// The networks the container is attached to.
    public var networks: [String] = []
    public var ports: [PublishedPort] = []
    /// `-P`: every exposed port on a random host port.
    public var publishAllPorts = false
    /// Bytes; 0 is unlimited.
    public var memory: Int64 = 0
    public var cpuShares: Int64 = 0
    public var nanoCPUs: Int64 = 0
    public var cpuQuota: Int64 = 0
    public var cpusetCPUs = ""
    /// nil, 0 or -1: unlimited.
    public var pidsLimit: Int64?
    public var readOnlyRootfs = false
    /// `no`, `always`, `unless-stopped`, `on-failure`; empty for none.
    public var restartPolicy = ""
    public var restartRetries = 0
    public var ulimits: [Ulimit] = []
    /// Paths hidden and made read-only under /proc and /sys; nil when not reported, so the engine's defaults apply.
    public var maskedPaths: [String]?
    public var readonlyPaths: [String]?
    public var cgroupParent = ""
    public var healthcheck: Healthcheck?
    /// No health check is set here, so the image's applies (Compose without `healthcheck.test`).
    public var inheritsImageHealthcheck = false
    /// nil: the daemon's default log driver and options apply.
    public var logConfig: LogConfig?
    /// nil for a configuration that has not been run (a Compose service).
    public var observed: Observed?
    public var origins: [Field: SourceLocation] = [:]

    public init() {}

    /// Where a setting is written: one place, or none (a container, or a setting left out).
    public func origin(of field: Field) -> [SourceLocation] { origins[field].map { [$0] } ?? [] }

    public func mode(of namespace: Namespace) -> String { namespaces[namespace] ?? "" }

    /// The value given for a security option `key` (`seccomp`, `apparmor`, `no-new-privileges`), nil when absent.
    /// The engine accepts `key=value` and the older `key:value`; a bare `no-new-privileges` means `true`.
    public func securityOption(_ key: String) -> (value: String, option: SecurityOption)? {
        for option in securityOptions {
            if option.text == key { return ("true", option) }
            for separator in ["=", ":"] where option.text.hasPrefix(key + separator) {
                return (String(option.text.dropFirst(key.count + 1)), option)
            }
        }
        return nil
    }

    /// The security options as evidence shows them: an inline seccomp profile is named, not copied.
    public var securityOptionSummary: [String] {
        securityOptions.map { option in
            guard option.text.hasPrefix("seccomp"), option.text.dropFirst(8).hasPrefix("{") else { return option.text }
            return "seccomp=(inline profile, \(option.text.utf8.count - 8) bytes)"
        }
    }

    /// Values of every `label=…` option (`disable`, `type:…`, `level:…`).
    public var labelOptions: [(value: String, option: SecurityOption)] {
        securityOptions.compactMap { option in
            for separator in ["=", ":"] where option.text.hasPrefix("label" + separator) { return (String(option.text.dropFirst(6)), option) }
            return nil
        }
    }
}
