/// `GET /version`.
public struct EngineVersion: Codable, Sendable, Equatable {
    public var version: String?
    public var apiVersion: String?
    public var minAPIVersion: String?
    public var os: String?
    public var arch: String?
    public var kernelVersion: String?
    public var components: [Component]?

    public struct Component: Codable, Sendable, Equatable {
        public var name: String
        public var version: String?
        enum CodingKeys: String, CodingKey { case name = "Name", version = "Version" }
    }

    enum CodingKeys: String, CodingKey {
        case version = "Version", apiVersion = "ApiVersion", minAPIVersion = "MinAPIVersion", os = "Os"
        case arch = "Arch", kernelVersion = "KernelVersion", components = "Components"
    }
}

/// `GET /info`: the fields the rules judge.
public struct EngineInfo: Codable, Sendable, Equatable {
    public var id: String?
    public var name: String?
    public var serverVersion: String?
    public var operatingSystem: String?
    public var securityOptions: [String]?
    public var swarm: SwarmInfo?
    public var loggingDriver: String?
    public var cgroupDriver: String?
    public var cgroupVersion: String?
    public var driver: String?
    public var dockerRootDir: String?

    public struct SwarmInfo: Codable, Sendable, Equatable {
        public var localNodeState: String?
        public var controlAvailable: Bool?
        enum CodingKeys: String, CodingKey { case localNodeState = "LocalNodeState", controlAvailable = "ControlAvailable" }
    }

    enum CodingKeys: String, CodingKey {
        case id = "ID", name = "Name", serverVersion = "ServerVersion", operatingSystem = "OperatingSystem"
        case securityOptions = "SecurityOptions", swarm = "Swarm", loggingDriver = "LoggingDriver"
        case cgroupDriver = "CgroupDriver", cgroupVersion = "CgroupVersion", driver = "Driver"
        case dockerRootDir = "DockerRootDir"
    }

    /// The security option names the engine reports, e.g. `seccomp`, `apparmor`, `selinux`, `userns`, `rootless`.
    public var securityOptionNames: Set<String> {
        Set((securityOptions ?? []).compactMap { option in
            option.split(separator: ",").first { $0.hasPrefix("name=") }.map { String($0.dropFirst(5)) }
        })
    }
}

/// One entry of `GET /networks`.
public struct NetworkSummary: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var driver: String?
    public var scope: String?
    enum CodingKeys: String, CodingKey { case id = "Id", name = "Name", driver = "Driver", scope = "Scope" }
}
