/// `GET /version`.
public struct EngineVersion: Codable, Sendable, Equatable {
    public var version: String?
    public var apiVersion: String?
    public var minAPIVersion: String?
    public var os: String?
    public var arch: String?
    public var kernelVersion: String?
    public var components: [Component]?

    public init() {}

    public struct Component: Codable, Sendable, Equatable {
        public var name: String
        public var version: String?
        /// `Details.Package`: the distribution package Podman reports a part was installed from (`conmon_2.1.6+ds1-1_amd64`).
        public var package: String?
        enum CodingKeys: String, CodingKey { case name = "Name", version = "Version", details = "Details" }
        enum DetailKeys: String, CodingKey { case package = "Package" }

        public init(name: String, version: String?, package: String? = nil) {
            self.name = name
            self.version = version
            self.package = package
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            version = try container.decodeIfPresent(String.self, forKey: .version)
            // Details hold anything an engine chooses; only a string Package is kept.
            package = (try? container.nestedContainer(keyedBy: DetailKeys.self, forKey: .details))
                .flatMap { try? $0.decodeIfPresent(String.self, forKey: .package) }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(version, forKey: .version)
            if let package {
                var details = container.nestedContainer(keyedBy: DetailKeys.self, forKey: .details)
                try details.encode(package, forKey: .package)
            }
        }
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
    public var debug: Bool?
    public var liveRestoreEnabled: Bool?
    public var experimentalBuild: Bool?
    public var registryConfig: RegistryConfig?

    public init() {}

    public struct RegistryConfig: Codable, Sendable, Equatable {
        public var insecureRegistryCIDRs: [String]?
        public var indexConfigs: [String: IndexConfig]?
        public struct IndexConfig: Codable, Sendable, Equatable {
            public var secure: Bool?
            enum CodingKeys: String, CodingKey { case secure = "Secure" }
        }
        enum CodingKeys: String, CodingKey { case insecureRegistryCIDRs = "InsecureRegistryCIDRs", indexConfigs = "IndexConfigs" }

        /// Registries the engine talks to without TLS verification, other than the loopback range it always allows.
        public var insecure: [String] {
            let cidrs = (insecureRegistryCIDRs ?? []).filter { $0 != "127.0.0.0/8" && $0 != "::1/128" }
            let names = (indexConfigs ?? [:]).filter { $0.value.secure == false }.keys.sorted()
            return cidrs + names
        }
    }

    public struct SwarmInfo: Codable, Sendable, Equatable {
        public var localNodeState: String?
        public var controlAvailable: Bool?
        public var nodeAddr: String?
        enum CodingKeys: String, CodingKey { case localNodeState = "LocalNodeState", controlAvailable = "ControlAvailable", nodeAddr = "NodeAddr" }
    }

    enum CodingKeys: String, CodingKey {
        case id = "ID", name = "Name", serverVersion = "ServerVersion", operatingSystem = "OperatingSystem"
        case securityOptions = "SecurityOptions", swarm = "Swarm", loggingDriver = "LoggingDriver"
        case cgroupDriver = "CgroupDriver", cgroupVersion = "CgroupVersion", driver = "Driver"
        case dockerRootDir = "DockerRootDir", debug = "Debug", liveRestoreEnabled = "LiveRestoreEnabled"
        case experimentalBuild = "ExperimentalBuild", registryConfig = "RegistryConfig"
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
    public var ingress: Bool?
    /// Driver options, e.g. `encrypted` for an encrypted overlay.
    public var options: [String: String]?
    public var ipam: IPAM?
    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", driver = "Driver", scope = "Scope", ingress = "Ingress", options = "Options", ipam = "IPAM"
    }

    public struct IPAM: Codable, Sendable, Equatable {
        public var config: [Config]?
        enum CodingKeys: String, CodingKey { case config = "Config" }
        public struct Config: Codable, Sendable, Equatable {
            public var subnet: String?
            public var gateway: String?
            enum CodingKeys: String, CodingKey { case subnet = "Subnet", gateway = "Gateway" }
        }
    }

    /// The Linux bridge a `bridge`-driver network uses: its `com.docker.network.bridge.name` option, else the name
    /// Docker gives it (`br-` and the first 12 characters of the id).
    public var bridgeName: String? {
        guard driver == "bridge" else { return nil }
        return options?["com.docker.network.bridge.name"] ?? "br-" + id.prefix(12)
    }
}
