/// What the collectors read from the machine the engine runs on, through the host root (`/` or `--root`).
public struct HostFacts: Codable, Sendable, Equatable {
    /// The host root everything was read under.
    public var root: String
    /// Whether AppArmor is enabled in the host kernel; nil when it could not be read.
    public var appArmorEnabled: Bool?
    /// Whether SELinux is enabled in the host kernel; nil when it could not be read.
    public var seLinuxEnabled: Bool?
    /// Whether the kernel offers seccomp filtering (`/proc/sys/kernel/seccomp/actions_avail` or `Seccomp:` in status).
    public var seccompAvailable: Bool?
    /// `uname -r`, from /proc/sys/kernel/osrelease.
    public var kernelRelease: String?
    /// /proc/version: the kernel's build banner, where Debian names its package (`… SMP Debian 5.10.209-2 (2024-01-31)`).
    public var procVersion: String?
    /// /proc/version_signature (Ubuntu): the package and the upstream release it is based on
    /// (`Ubuntu 5.15.0-91.101-generic 5.15.131`).
    public var kernelSignature: String?
    /// /etc/os-release's fields (`ID`, `ID_LIKE`, `VERSION_ID`, `PRETTY_NAME`, …); nil when it could not be read.
    public var osRelease: [String: String]?
    /// The hypervisor the host runs under (`kvm`, `vmware`, …), `none` on bare metal, nil when unknown.
    public var virtualization: String?
    public var daemon: DaemonConfiguration
    /// Owner and mode of every file the checks name, found or not.
    public var files: [FileFacts]
    public var auditRules: AuditRules
    /// Mount points of the host's mount namespace (from /proc/1/mountinfo).
    public var mountPoints: [String]?
    /// The `docker` group's members, from /etc/group and primary groups in /etc/passwd; nil when it does not exist.
    public var dockerGroupMembers: [String]?
    /// Why the groups could not be read, so "no docker group" is never concluded from an unreadable file.
    public var dockerGroupUnreadable: String?
    /// Where the programs the audit rules must watch are on this host.
    public var binaries: [String: String]
    /// TCP sockets the daemon listens on, from /proc/net/tcp{,6} matched to its file descriptors, with probe results.
    public var listeners: [Listener]
    /// The daemon's `seccomp-profile` file, read, when it names one; nil otherwise (or in older snapshots).
    public var daemonSeccompProfile: SeccompProfileText?
    /// Programs configured on the host to ship logs elsewhere (`rsyslog forwards to … (/etc/rsyslog.d/x.conf:3)`);
    /// nil when not examined.
    public var logForwarders: [String]?
    /// The process serving the audited engine's unix socket; nil when it was not found (remote or not visible).
    public var engineProcess: EngineProcess?
    /// The rootlesskit a rootless dockerd runs under (its parent), nil for a rootful one.
    public var rootlessKit: RootlessKitFacts?
    /// A Podman engine's configuration (containers.conf, storage.conf, registries.conf, policy.json); nil for Docker.
    public var podman: PodmanFacts?
    /// The packet filter (iptables, nftables, firewalld), interfaces and forwarding switches; nil when not examined.
    public var packetFilter: PacketFilterFacts?

    public init(
        root: String = "/", appArmorEnabled: Bool? = nil, seLinuxEnabled: Bool? = nil, seccompAvailable: Bool? = nil,
        kernelRelease: String? = nil, procVersion: String? = nil, kernelSignature: String? = nil, osRelease: [String: String]? = nil,
        virtualization: String? = nil, daemon: DaemonConfiguration = DaemonConfiguration(),
        files: [FileFacts] = [], auditRules: AuditRules = AuditRules(), mountPoints: [String]? = nil,
        dockerGroupMembers: [String]? = nil, binaries: [String: String] = [:], listeners: [Listener] = []
    ) {
        self.root = root
        self.appArmorEnabled = appArmorEnabled
        self.seLinuxEnabled = seLinuxEnabled
        self.seccompAvailable = seccompAvailable
        self.kernelRelease = kernelRelease
        self.procVersion = procVersion
        self.kernelSignature = kernelSignature
        self.osRelease = osRelease
        self.virtualization = virtualization
        self.daemon = daemon
        self.files = files
        self.auditRules = auditRules
        self.mountPoints = mountPoints
        self.dockerGroupMembers = dockerGroupMembers
        self.binaries = binaries
        self.listeners = listeners
    }

    public func file(_ path: String) -> FileFacts? { files.first { $0.path == path } }

    /// The kernel as its distribution ships it, from these facts; nil when no release was read.
    public var kernelBuild: KernelBuild? {
        kernelRelease.map { KernelBuild(release: $0, procVersion: procVersion, signature: kernelSignature, osRelease: osRelease) }
    }
}

/// The daemon's effective configuration: every setting with where it came from.
public struct DaemonConfiguration: Codable, Sendable, Equatable {
    /// Whether a dockerd process was found; without one the configuration files alone are judged.
    public var running: Bool
    public var pid: Int?
    /// The daemon.json in effect (`--config-file`, else the default path).
    public var configFile: String
    public var settings: [DaemonSetting]
    /// Malformed files, conflicting settings dockerd would refuse, unreadable sources.
    public var problems: [String]
    /// Every source that was read, in order.
    public var sources: [String]

    public init(running: Bool = false, pid: Int? = nil, configFile: String = "/etc/docker/daemon.json",
                settings: [DaemonSetting] = [], problems: [String] = [], sources: [String] = []) {
        self.running = running
        self.pid = pid
        self.configFile = configFile
        self.settings = settings
        self.problems = problems
        self.sources = sources
    }

    /// The setting for a daemon.json key (`icc`, `hosts`, `log-level`), from whichever source gave it.
    /// List settings given in several places are merged, as dockerd merges them.
    public func setting(_ key: String) -> DaemonSetting? {
        let matching = settings.filter { $0.key == key }
        guard let first = matching.first else { return nil }
        if matching.count == 1 { return first }
        return DaemonSetting(key: key, values: matching.flatMap(\.values), source: matching.map(\.source).joined(separator: "; "))
    }

    /// A boolean setting's value, nil when unset or unreadable.
    public func bool(_ key: String) -> Bool? { string(key).flatMap(parseGoBool) }

    /// A single-valued setting's value. Flags come first in `settings`: when a value is also in daemon.json
    /// (which dockerd refuses at its next start), the flag's is the one the running daemon has.
    public func string(_ key: String) -> String? { settings.first { $0.key == key }?.values.last }
}

/// One setting as one source gave it.
public struct DaemonSetting: Codable, Sendable, Equatable {
    /// The daemon.json name (`insecure-registries`, not `--insecure-registry`).
    public var key: String
    public var values: [String]
    /// `/etc/docker/daemon.json:4`, `dockerd argument --icc=false`, `/etc/default/docker DOCKER_OPTS`, …
    public var source: String

    public init(key: String, values: [String], source: String) {
        self.key = key
        self.values = values
        self.source = source
    }

    /// `icc=false (dockerd argument --icc=false)`, for evidence.
    public var description: String { "\(key)=\(values.joined(separator: ",")) (\(source))" }
}

/// Owner, group and mode of a path as `lstat` then `stat` saw it.
public struct FileFacts: Codable, Sendable, Equatable {
    public var path: String
    /// What the checks call it (`docker.service`, `TLS CA certificate`, …).
    public var role: FileRole
    public var exists: Bool
    /// `file`, `directory`, `socket`, `symlink`, `other`.
    public var type: String?
    /// Permission bits including setuid, setgid and sticky (`mode & 0o7777`).
    public var mode: Int?
    public var uid: Int?
    public var gid: Int?
    public var owner: String?
    public var group: String?
    /// Why the path could not be examined (permission denied, …); nil when it could, or simply does not exist.
    public var error: String?

    public init(path: String, role: FileRole, exists: Bool, type: String? = nil, mode: Int? = nil, uid: Int? = nil,
                gid: Int? = nil, owner: String? = nil, group: String? = nil, error: String? = nil) {
        self.path = path
        self.role = role
        self.exists = exists
        self.type = type
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.owner = owner
        self.group = group
        self.error = error
    }

    /// `0644`.
    public var octalMode: String { mode.map { "0" + String($0, radix: 8) } ?? "?" }
}

/// The audit rules in force (from `auditctl -l`) or configured (rules files), reduced to the paths they watch.
public struct AuditRules: Codable, Sendable, Equatable {
    /// `auditctl -l`, `/etc/audit/rules.d/*.rules`, … ; nil when no source could be read.
    public var source: String?
    /// Watched paths: `-w PATH` and `-F path=` / `-F dir=` rules.
    public var watchedPaths: [String]
    /// Why no source could be read, or what was malformed.
    public var problems: [String]

    public init(source: String? = nil, watchedPaths: [String] = [], problems: [String] = []) {
        self.source = source
        self.watchedPaths = watchedPaths
        self.problems = problems
    }

    /// The rule that covers `path`: the path itself, or a watched directory above it (auditd watches directories
    /// recursively).
    public func watch(covering path: String) -> String? {
        watchedPaths.first { $0 == path } ?? watchedPaths.first { watched in path.hasPrefix(watched.hasSuffix("/") ? watched : watched + "/") }
    }
}

/// A TCP socket the daemon listens on.
public struct Listener: Codable, Sendable, Equatable {
    public var address: String
    public var port: Int
    /// What a request without credentials got: `answered over HTTP`, `answered over TLS without a client certificate`,
    /// `refused a client without a certificate`, `not probed: …`, `no answer: …`.
    public var probe: String
    /// True when the API answered a client that presented no certificate.
    public var unauthenticated: Bool?
    /// The engine version the unauthenticated answer reported.
    public var answeredVersion: String?

    public init(address: String, port: Int, probe: String, unauthenticated: Bool? = nil, answeredVersion: String? = nil) {
        self.address = address
        self.port = port
        self.probe = probe
        self.unauthenticated = unauthenticated
        self.answeredVersion = answeredVersion
    }

    public var endpoint: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }
}

/// rootlesskit, which gives a rootless dockerd its user, network and mount namespaces.
public struct RootlessKitFacts: Codable, Sendable, Equatable {
    public var pid: Int
    public var arguments: [String]

    public init(pid: Int, arguments: [String]) {
        self.pid = pid
        self.arguments = arguments
    }

    /// `--port-driver` (`builtin`, `slirp4netns`, `none`); rootlesskit's own default is `none`, dockerd-rootless.sh's `builtin`.
    public var portDriver: String? { option("--port-driver") }
    /// `--net` (`slirp4netns`, `vpnkit`, `pasta`, `lxc-user-nic`, `host`).
    public var network: String? { option("--net") }

    func option(_ name: String) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument.hasPrefix(name + "=") { return String(argument.dropFirst(name.count + 1)) }
            if argument == name, index + 1 < arguments.count { return arguments[index + 1] }
        }
        return nil
    }
}

extension HostFacts {
    /// The daemon's `tcp://` hosts (`hosts` in daemon.json or -H).
    public var tcpHosts: [String] { (daemon.setting("hosts")?.values ?? []).filter { $0.hasPrefix("tcp://") } }

    /// The listeners that are the remote API. The daemon also listens for swarm (2377, 7946): only configured API
    /// hosts' ports (dockerd's defaults, 2375 or 2376 with TLS, for a host written without one), or listeners that
    /// answered as the Docker API, are the API.
    public var apiListeners: [Listener] {
        let usesTLS = daemon.bool("tls") == true || daemon.bool("tlsverify") == true
        let apiPorts = Set(tcpHosts.compactMap { host -> Int? in
            let settings = usesTLS ? EngineEndpoint.TLSSettings(verify: false) : nil
            guard case let .tcp(_, port, _)? = (try? EngineEndpoint.parse(host, tls: settings, context: nil))?.transport else { return nil }
            return port
        })
        return listeners.filter { apiPorts.contains($0.port) || $0.unauthenticated == true }
    }
}
