/// Which engine answers on the audited endpoint. Each kind is judged by its own configuration: a Podman engine is
/// never judged against dockerd's files, and Docker's advisory table is never read for a Podman version.
public enum EngineKind: String, Codable, Sendable, CaseIterable {
    case docker
    case dockerRootless = "docker-rootless"
    case podmanRootful = "podman-rootful"
    case podmanRootless = "podman-rootless"

    public var isPodman: Bool { self == .podmanRootful || self == .podmanRootless }
    public var isRootless: Bool { self == .dockerRootless || self == .podmanRootless }

    /// `Docker`, `Docker rootless`, `Podman rootful`, `Podman rootless`: what report headers show.
    public var displayName: String {
        switch self {
        case .docker: "Docker"
        case .dockerRootless: "Docker rootless"
        case .podmanRootful: "Podman rootful"
        case .podmanRootless: "Podman rootless"
        }
    }
}

/// The process serving the engine's unix socket on this host, found through /proc/net/unix and /proc/PID/fd.
public struct EngineProcess: Codable, Sendable, Equatable {
    public var pid: Int
    /// `/proc/PID/comm`: `dockerd`, `podman`, `rootlesskit`, …
    public var command: String
    /// The real uid it runs as.
    public var uid: Int?
    /// `/proc/PID/exe`.
    public var executable: String?

    public init(pid: Int, command: String, uid: Int? = nil, executable: String? = nil) {
        self.pid = pid
        self.command = command
        self.uid = uid
        self.executable = executable
    }

    public var isPodman: Bool { command == "podman" || executable.map { $0.hasSuffix("/podman") } == true }
}

/// The engine's kind, its version and how both were decided.
public struct EngineIdentity: Codable, Sendable, Equatable {
    public var kind: EngineKind
    /// The engine's own version (`Podman Engine` component for Podman, `Version` for Docker).
    public var version: String?
    /// What decided the kind: the engine's answers and the process behind the socket.
    public var evidence: [String]
    public var process: EngineProcess?

    public init(kind: EngineKind, version: String?, evidence: [String], process: EngineProcess? = nil) {
        self.kind = kind
        self.version = version
        self.evidence = evidence
        self.process = process
    }

    /// Decides the kind from `/version`'s components, `/info`'s security options and, when known, the process behind
    /// the socket. Installed binaries play no part: a host may have both engines and serve only one on this socket.
    public static func identify(version: EngineVersion, info: EngineInfo, process: EngineProcess?) -> EngineIdentity {
        var evidence: [String] = []
        let podmanComponent = version.components?.first { $0.name.lowercased().hasPrefix("podman") }
        if let podmanComponent { evidence.append("/version component \"\(podmanComponent.name)\" \(podmanComponent.version ?? "")") }
        if let process {
            evidence.append("socket served by \(process.command) (pid \(process.pid)\(process.uid.map { ", uid \($0)" } ?? ""))")
        }
        let rootlessOption = info.securityOptionNames.contains("rootless")
        if rootlessOption { evidence.append("/info SecurityOptions name=rootless") }
        let nonRootProcess = process?.uid.map { $0 != 0 } ?? false
        let rootless = rootlessOption || nonRootProcess || process?.command == "rootlesskit"
        let podman = podmanComponent != nil || process?.isPodman == true
        let kind: EngineKind = podman ? (rootless ? .podmanRootless : .podmanRootful) : (rootless ? .dockerRootless : .docker)
        return EngineIdentity(kind: kind, version: podmanComponent?.version ?? version.version, evidence: evidence, process: process)
    }
}

extension Snapshot {
    /// The engine's identity as collected; snapshots older than it (and rule examples) are identified from their
    /// engine answers alone.
    public var identity: EngineIdentity {
        engineIdentity ?? EngineIdentity.identify(version: engine, info: info, process: nil)
    }
}

extension Snapshot {
    /// `Podman rootful 4.3.1`, `Docker 28.5.2`: the engine's kind and version as report headers show them; the kind
    /// alone when no engine answered.
    public var engineLabel: String {
        let identity = self.identity
        return [identity.kind.displayName, identity.version].compactMap { $0 }.joined(separator: " ")
    }
}
