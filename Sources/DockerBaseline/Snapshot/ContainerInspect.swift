/// The parts of the Engine API's container inspect answer (`GET /containers/{id}/json`) the rules judge.
/// Property names follow the Engine API's JSON keys, so a snapshot reads like `docker inspect`.
public struct ContainerInspect: Codable, Sendable, Equatable {
    public var id: String
    public var name: String?
    public var created: String?
    public var path: String?
    public var args: [String]?
    public var state: ContainerState?
    /// The image id the container was created from.
    public var image: String?
    public var config: ContainerConfig?
    public var hostConfig: HostConfig?
    public var mounts: [MountPoint]?
    public var networkSettings: NetworkSettings?
    public var appArmorProfile: String?
    public var processLabel: String?
    public var mountLabel: String?

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", created = "Created", path = "Path", args = "Args", state = "State"
        case image = "Image", config = "Config", hostConfig = "HostConfig", mounts = "Mounts"
        case networkSettings = "NetworkSettings", appArmorProfile = "AppArmorProfile"
        case processLabel = "ProcessLabel", mountLabel = "MountLabel"
    }

    /// The name without the engine's leading slash.
    public var displayName: String {
        guard let name, !name.isEmpty else { return String(id.prefix(12)) }
        return name.hasPrefix("/") ? String(name.dropFirst()) : name
    }

    public var isRunning: Bool { state?.running == true }
    public var status: String { state?.status ?? "unknown" }
}

public struct ContainerState: Codable, Sendable, Equatable {
    public var status: String?
    public var running: Bool?
    public var paused: Bool?
    public var restarting: Bool?
    public var dead: Bool?
    public var pid: Int?
    public var health: Health?

    public struct Health: Codable, Sendable, Equatable {
        public var status: String?
        enum CodingKeys: String, CodingKey { case status = "Status" }
    }

    enum CodingKeys: String, CodingKey {
        case status = "Status", running = "Running", paused = "Paused", restarting = "Restarting"
        case dead = "Dead", pid = "Pid", health = "Health"
    }
}

/// Container and image configuration share this shape (`Config` in both inspect answers).
public struct ContainerConfig: Codable, Sendable, Equatable {
    public var user: String?
    public var image: String?
    public var env: [String]?
    public var cmd: [String]?
    public var entrypoint: [String]?
    public var labels: [String: String]?
    public var healthcheck: Healthcheck?
    public var exposedPorts: [String: EmptyObject]?

    enum CodingKeys: String, CodingKey {
        case user = "User", image = "Image", env = "Env", cmd = "Cmd", entrypoint = "Entrypoint"
        case labels = "Labels", healthcheck = "Healthcheck", exposedPorts = "ExposedPorts"
    }
}

public struct Healthcheck: Codable, Sendable, Equatable {
    /// `[]` inherits, `["NONE"]` disables, `["CMD", …]` or `["CMD-SHELL", …]` checks.
    public var test: [String]?
    enum CodingKeys: String, CodingKey { case test = "Test" }

    /// True when the check actually runs something.
    public var isEnabled: Bool {
        guard let kind = test?.first else { return false }
        return kind == "CMD" || kind == "CMD-SHELL"
    }
}

/// `{}` values, as in `ExposedPorts: {"80/tcp": {}}`.
public struct EmptyObject: Codable, Sendable, Equatable {
    public init() {}
}

public struct HostConfig: Codable, Sendable, Equatable {
    public var privileged: Bool?
    public var capAdd: [String]?
    public var capDrop: [String]?
    public var securityOpt: [String]?
    public var binds: [String]?
    public var networkMode: String?
    public var pidMode: String?
    public var ipcMode: String?
    public var utsMode: String?
    public var usernsMode: String?
    public var cgroupnsMode: String?
    public var cgroupParent: String?
    public var memory: Int64?
    public var cpuShares: Int64?
    public var nanoCpus: Int64?
    public var cpuQuota: Int64?
    public var cpusetCpus: String?
    public var pidsLimit: Int64?
    public var readonlyRootfs: Bool?
    public var restartPolicy: RestartPolicy?
    public var portBindings: [String: [PortBinding]?]?
    public var publishAllPorts: Bool?
    public var devices: [DeviceMapping]?
    public var deviceCgroupRules: [String]?
    public var ulimits: [Ulimit]?
    public var logConfig: LogConfig?
    /// Paths the engine hides (`/proc/kcore`, …) or makes read-only (`/proc/sys`, …); empty with `systempaths=unconfined`.
    public var maskedPaths: [String]?
    public var readonlyPaths: [String]?

    enum CodingKeys: String, CodingKey {
        case privileged = "Privileged", capAdd = "CapAdd", capDrop = "CapDrop", securityOpt = "SecurityOpt"
        case binds = "Binds", networkMode = "NetworkMode", pidMode = "PidMode", ipcMode = "IpcMode"
        case utsMode = "UTSMode", usernsMode = "UsernsMode", cgroupnsMode = "CgroupnsMode"
        case cgroupParent = "CgroupParent", memory = "Memory", cpuShares = "CpuShares", nanoCpus = "NanoCpus"
        case cpuQuota = "CpuQuota", cpusetCpus = "CpusetCpus", pidsLimit = "PidsLimit"
        case readonlyRootfs = "ReadonlyRootfs", restartPolicy = "RestartPolicy", portBindings = "PortBindings"
        case publishAllPorts = "PublishAllPorts", devices = "Devices", deviceCgroupRules = "DeviceCgroupRules"
        case ulimits = "Ulimits", logConfig = "LogConfig", maskedPaths = "MaskedPaths", readonlyPaths = "ReadonlyPaths"
    }

    /// The fields every engine (API 1.25 and later) reports with a value, that this answer lacks or gives as null.
    /// Such a `HostConfig` (emptied, cut short, edited) does not say how the container runs: nothing is judged from it.
    public var missingEngineFields: [String] {
        let reported: KeyValuePairs<CodingKeys, Bool> = [
            .privileged: privileged != nil, .networkMode: networkMode != nil, .pidMode: pidMode != nil, .ipcMode: ipcMode != nil,
            .utsMode: utsMode != nil, .usernsMode: usernsMode != nil, .cgroupParent: cgroupParent != nil, .memory: memory != nil,
            .cpuShares: cpuShares != nil, .nanoCpus: nanoCpus != nil, .cpuQuota: cpuQuota != nil, .cpusetCpus: cpusetCpus != nil,
            .readonlyRootfs: readonlyRootfs != nil, .restartPolicy: restartPolicy != nil, .publishAllPorts: publishAllPorts != nil,
            .logConfig: logConfig != nil,
        ]
        return reported.filter { !$0.value }.map(\.key.rawValue)
    }
}

public struct LogConfig: Codable, Sendable, Equatable {
    public var type: String?
    public var config: [String: String]?
    enum CodingKeys: String, CodingKey { case type = "Type", config = "Config" }
}

public struct RestartPolicy: Codable, Sendable, Equatable {
    public var name: String?
    public var maximumRetryCount: Int?
    enum CodingKeys: String, CodingKey { case name = "Name", maximumRetryCount = "MaximumRetryCount" }
}

public struct PortBinding: Codable, Sendable, Equatable {
    public var hostIP: String?
    public var hostPort: String?
    enum CodingKeys: String, CodingKey { case hostIP = "HostIp", hostPort = "HostPort" }
}

public struct DeviceMapping: Codable, Sendable, Equatable {
    public var pathOnHost: String?
    public var pathInContainer: String?
    public var cgroupPermissions: String?
    enum CodingKeys: String, CodingKey {
        case pathOnHost = "PathOnHost", pathInContainer = "PathInContainer", cgroupPermissions = "CgroupPermissions"
    }
}

public struct Ulimit: Codable, Sendable, Equatable {
    public var name: String?
    public var soft: Int64?
    public var hard: Int64?
    enum CodingKeys: String, CodingKey { case name = "Name", soft = "Soft", hard = "Hard" }
}

public struct MountPoint: Codable, Sendable, Equatable {
    public var type: String?
    public var name: String?
    public var source: String?
    public var destination: String?
    public var mode: String?
    public var rw: Bool?
    public var propagation: String?
    enum CodingKeys: String, CodingKey {
        case type = "Type", name = "Name", source = "Source", destination = "Destination", mode = "Mode"
        case rw = "RW", propagation = "Propagation"
    }
}

public struct NetworkSettings: Codable, Sendable, Equatable {
    public var ports: [String: [PortBinding]?]?
    public var networks: [String: EndpointSettings]?
    enum CodingKeys: String, CodingKey { case ports = "Ports", networks = "Networks" }
}

public struct EndpointSettings: Codable, Sendable, Equatable {
    public var networkID: String?
    public var ipAddress: String?
    public var globalIPv6Address: String?
    enum CodingKeys: String, CodingKey { case networkID = "NetworkID", ipAddress = "IPAddress", globalIPv6Address = "GlobalIPv6Address" }
}

/// `GET /containers/{id}/top`: the host's `ps` output for the container's processes.
public struct ProcessList: Codable, Sendable, Equatable {
    public var titles: [String]?
    public var processes: [[String]]?
    enum CodingKeys: String, CodingKey { case titles = "Titles", processes = "Processes" }

    /// The command line of every process, from the `CMD` (or `COMMAND`) column.
    public var commands: [String] {
        guard let titles, let processes else { return [] }
        guard let column = titles.firstIndex(where: { $0 == "CMD" || $0 == "COMMAND" }) else { return [] }
        return processes.compactMap { $0.indices.contains(column) ? $0[column] : nil }
    }
}
