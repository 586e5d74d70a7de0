/// Everything the rules judge, gathered by the collectors. Plain data: it can be saved with
/// `collect -o FILE` and judged later, elsewhere, with `audit --snapshot FILE`.
public struct Snapshot: Codable, Sendable, Equatable {
    /// Bumped when a change would make older snapshots read wrongly.
    public static let currentFormat = 1

    public var format: Int
    public var tool: ToolInfo
    /// ISO 8601, UTC.
    public var collectedAt: String
    /// Where the engine was reached, e.g. `unix:///var/run/docker.sock`.
    public var endpoint: String
    public var engine: EngineVersion
    public var info: EngineInfo
    public var containers: [ContainerRecord]
    public var images: [ImageRecord]
    public var networks: [NetworkSummary]
    /// Facts read from the machine the engine runs on; nil when they could not be read there.
    public var host: HostFacts?
    /// The environment `docker-baseline` itself ran in (content trust is a client-side setting).
    public var environment: AuditEnvironment
    /// What could not be collected, each with why; reported as skipped or error results.
    public var problems: [CollectionProblem]
    /// Set when no engine was running: only the host and the daemon's configuration files were judged, and this
    /// says why. Engine-wide rules are then skipped with it.
    public var engineUnavailable: String?
    /// The swarm as its manager sees it; nil when this engine is not a swarm manager.
    public var swarm: SwarmFacts?
    /// `docker exec` use from a watch's journal and the host's audit log (5.23, 5.24); nil when neither exists.
    public var execHistory: ExecHistory?
    /// Which engine answered (Docker, rootless Docker, Podman) and how that was decided; nil in older snapshots
    /// (`identity` then decides from the engine's answers).
    public var engineIdentity: EngineIdentity?

    public init(
        format: Int = Snapshot.currentFormat, tool: ToolInfo = .current, collectedAt: String, endpoint: String,
        engine: EngineVersion, info: EngineInfo, containers: [ContainerRecord], images: [ImageRecord],
        networks: [NetworkSummary], host: HostFacts?, environment: AuditEnvironment, problems: [CollectionProblem],
        engineUnavailable: String? = nil
    ) {
        self.format = format
        self.tool = tool
        self.collectedAt = collectedAt
        self.endpoint = endpoint
        self.engine = engine
        self.info = info
        self.containers = containers
        self.images = images
        self.networks = networks
        self.host = host
        self.environment = environment
        self.problems = problems
        self.engineUnavailable = engineUnavailable
    }
}

public struct ToolInfo: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    public static let current = ToolInfo(name: "docker-baseline", version: "0.1.0")
}

public struct ContainerRecord: Codable, Sendable, Equatable {
    public var inspect: ContainerInspect
    /// The container's processes, for running containers only.
    public var processes: ProcessList?
    /// Where `processes` came from: `engine top` or `host /proc` (see `ProcessScanner`).
    public var processesSource: String?
    /// Why `processes` is missing for a running container.
    public var processesError: String?

    public init(inspect: ContainerInspect, processes: ProcessList? = nil, processesSource: String? = nil, processesError: String? = nil) {
        self.inspect = inspect
        self.processes = processes
        self.processesSource = processesSource
        self.processesError = processesError
    }
}

public struct ImageRecord: Codable, Sendable, Equatable {
    public var inspect: ImageInspect
    public var history: [ImageHistoryEntry]?
    /// Why `history` is missing.
    public var historyError: String?
    /// What the layers hold; nil when they were not read (see `contentsError`).
    public var contents: ImageContents?
    /// Why `contents` is missing: not asked for, or the image could not be read at all.
    public var contentsError: String?
    /// The inventory matched against `--vuln-db`; nil when it was not (see `vulnerabilitiesError`).
    public var vulnerabilities: VulnerabilityScan?
    /// Why `vulnerabilities` is missing: no database given, or it could not be read.
    public var vulnerabilitiesError: String?

    public init(inspect: ImageInspect, history: [ImageHistoryEntry]? = nil, historyError: String? = nil,
                contents: ImageContents? = nil, contentsError: String? = nil) {
        self.inspect = inspect
        self.history = history
        self.historyError = historyError
        self.contents = contents
        self.contentsError = contentsError
    }
}

public struct AuditEnvironment: Codable, Sendable, Equatable {
    /// `DOCKER_CONTENT_TRUST` as set where the audit ran; nil when unset.
    public var dockerContentTrust: String?
    public init(dockerContentTrust: String?) { self.dockerContentTrust = dockerContentTrust }
}

/// Something the collector could not gather. `vanished` targets were removed while the audit ran and are
/// reported as skipped; anything else is an error result.
public struct CollectionProblem: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case vanished, failed }
    public var kind: Kind
    public var target: Target
    /// What was being fetched, e.g. `GET /containers/abc/json`.
    public var endpoint: String
    public var message: String

    public init(kind: Kind, target: Target, endpoint: String, message: String) {
        self.kind = kind
        self.target = target
        self.endpoint = endpoint
        self.message = message
    }
}
