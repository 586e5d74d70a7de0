/// What a swarm manager reports about its swarm (`GET /swarm`, `/nodes`, `/secrets`). Only managers can answer.
public struct SwarmFacts: Codable, Sendable, Equatable {
    public var swarm: SwarmInspect?
    public var nodes: [SwarmNode]
    public var secretCount: Int?
    /// When the swarm's root CA certificate became valid (ISO 8601), read from the certificate itself.
    public var rootCANotBefore: String?
    /// Why some of it could not be read.
    public var problems: [String]

    public init(swarm: SwarmInspect? = nil, nodes: [SwarmNode] = [], secretCount: Int? = nil, rootCANotBefore: String? = nil, problems: [String] = []) {
        self.swarm = swarm
        self.nodes = nodes
        self.secretCount = secretCount
        self.rootCANotBefore = rootCANotBefore
        self.problems = problems
    }
}

public struct SwarmInspect: Codable, Sendable, Equatable {
    public var id: String?
    public var spec: Spec?
    public var tlsInfo: TLSInfo?
    public var dataPathPort: Int?

    public struct Spec: Codable, Sendable, Equatable {
        public var encryptionConfig: EncryptionConfig?
        public var caConfig: CAConfig?
        enum CodingKeys: String, CodingKey { case encryptionConfig = "EncryptionConfig", caConfig = "CAConfig" }
    }
    public struct EncryptionConfig: Codable, Sendable, Equatable {
        public var autoLockManagers: Bool?
        enum CodingKeys: String, CodingKey { case autoLockManagers = "AutoLockManagers" }
    }
    public struct CAConfig: Codable, Sendable, Equatable {
        /// Nanoseconds.
        public var nodeCertExpiry: Int64?
        enum CodingKeys: String, CodingKey { case nodeCertExpiry = "NodeCertExpiry" }
    }
    public struct TLSInfo: Codable, Sendable, Equatable {
        public var trustRoot: String?
        enum CodingKeys: String, CodingKey { case trustRoot = "TrustRoot" }
    }
    enum CodingKeys: String, CodingKey { case id = "ID", spec = "Spec", tlsInfo = "TLSInfo", dataPathPort = "DataPathPort" }
}

public struct SwarmNode: Codable, Sendable, Equatable {
    public var id: String
    public var spec: Spec?
    public var status: Status?
    public var managerStatus: ManagerStatus?

    public struct Spec: Codable, Sendable, Equatable {
        public var role: String?
        enum CodingKeys: String, CodingKey { case role = "Role" }
    }
    public struct Status: Codable, Sendable, Equatable {
        public var state: String?
        public var addr: String?
        enum CodingKeys: String, CodingKey { case state = "State", addr = "Addr" }
    }
    public struct ManagerStatus: Codable, Sendable, Equatable {
        public var leader: Bool?
        public var addr: String?
        enum CodingKeys: String, CodingKey { case leader = "Leader", addr = "Addr" }
    }
    enum CodingKeys: String, CodingKey { case id = "ID", spec = "Spec", status = "Status", managerStatus = "ManagerStatus" }

    public var isManager: Bool { spec?.role == "manager" }
}
