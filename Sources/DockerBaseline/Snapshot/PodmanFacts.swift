/// A Podman engine's configuration, as the files Podman reads give it (system files, drop-ins, then the user's for a
/// rootless engine), every setting with the file and line it came from.
public struct PodmanFacts: Codable, Sendable, Equatable {
    public var rootless: Bool
    /// The user whose configuration a rootless engine reads (its home), nil for rootful.
    public var home: String?
    /// Effective containers.conf settings, keyed `table.key` (`containers.seccomp_profile`, `engine.cgroup_manager`).
    public var containersConf: [DaemonSetting]
    /// Effective storage.conf settings (`storage.driver`, `storage.graphroot`, …).
    public var storageConf: [DaemonSetting]
    /// registries.conf's top-level settings (`unqualified-search-registries`, `short-name-mode`).
    public var registriesConf: [DaemonSetting]
    /// `[[registry]]` entries after drop-ins (a later entry for the same prefix replaces an earlier one).
    public var registries: [PodmanRegistry]
    /// The signature policy, nil when none could be read (see `problems`).
    public var policy: SignaturePolicy?
    /// The policy file Podman uses.
    public var policyFile: String
    /// Every file read, in the order Podman applies them.
    public var sources: [String]
    /// Files that could not be read or parsed, each naming the file (and line) and what was wrong.
    public var problems: [String]

    public init(rootless: Bool, home: String? = nil, containersConf: [DaemonSetting] = [], storageConf: [DaemonSetting] = [],
                registriesConf: [DaemonSetting] = [], registries: [PodmanRegistry] = [], policy: SignaturePolicy? = nil,
                policyFile: String = "/etc/containers/policy.json", sources: [String] = [], problems: [String] = []) {
        self.rootless = rootless
        self.home = home
        self.containersConf = containersConf
        self.storageConf = storageConf
        self.registriesConf = registriesConf
        self.registries = registries
        self.policy = policy
        self.policyFile = policyFile
        self.sources = sources
        self.problems = problems
    }

    /// The containers.conf setting `table.key`, nil when no file sets it (Podman's built-in default applies).
    public func containers(_ key: String) -> DaemonSetting? { containersConf.first { $0.key == key } }
    public func registriesSetting(_ key: String) -> DaemonSetting? { registriesConf.first { $0.key == key } }
}

/// One `[[registry]]` table of registries.conf.
public struct PodmanRegistry: Codable, Sendable, Equatable {
    /// `prefix`, else `location`.
    public var prefix: String
    public var location: String?
    public var insecure: Bool
    public var blocked: Bool
    /// `file:line` of the table.
    public var source: String

    public init(prefix: String, location: String? = nil, insecure: Bool = false, blocked: Bool = false, source: String) {
        self.prefix = prefix
        self.location = location
        self.insecure = insecure
        self.blocked = blocked
        self.source = source
    }
}

/// containers-policy.json(5), reduced to the requirement types: the default and each `docker` transport scope.
public struct SignaturePolicy: Codable, Sendable, Equatable {
    /// Types of the `default` requirements (`insecureAcceptAnything`, `reject`, `signedBy`, `sigstoreSigned`).
    public var defaultTypes: [String]
    /// `docker` transport scope (`registry.example.com/team`) → its requirement types.
    public var dockerScopes: [String: [String]]

    public init(defaultTypes: [String], dockerScopes: [String: [String]] = [:]) {
        self.defaultTypes = defaultTypes
        self.dockerScopes = dockerScopes
    }

    /// Requirement types that verify a signature.
    public static let signatureTypes: Set<String> = ["signedBy", "sigstoreSigned"]
}
