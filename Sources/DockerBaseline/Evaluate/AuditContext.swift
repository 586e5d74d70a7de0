/// The snapshot plus the lookups several rules need, computed once per audit.
public struct AuditContext: Sendable {
    public let snapshot: Snapshot
    public let imagesByID: [String: ImageRecord]
    /// Image ids that at least one container (in any state) was created from.
    public let imageIDsInUse: Set<String>
    /// Known vulnerabilities the versions are compared with.
    public let advisories: AdvisoryTable
    /// What the organisation told the rules (trusted users, certificate lifetime).
    public let settings: RuleSettings
    /// What the engine adds to every container, for the runtime checks.
    public let runtimeEnvironment: RuntimeEnvironment
    /// Each container's runtime spec, by container id.
    let runtimeSpecs: [String: RuntimeSpec]
    /// Images by each of their tags, normalized (`busybox:latest`); the first image holding a tag wins.
    let imagesByTag: [String: ImageRecord]
    /// The host's packet filter, parsed; nil when it was not collected.
    public let hostFilter: HostFilter?

    public init(_ snapshot: Snapshot, advisories: AdvisoryTable = .embedded, settings: RuleSettings = RuleSettings()) {
        self.snapshot = snapshot
        self.advisories = advisories
        self.settings = settings
        imagesByID = Dictionary(snapshot.images.map { ($0.inspect.id, $0) }, uniquingKeysWith: { first, _ in first })
        imageIDsInUse = Set(snapshot.containers.compactMap { $0.inspect.image })
        runtimeEnvironment = RuntimeEnvironment(snapshot)
        let images = imagesByID
        runtimeSpecs = Dictionary(snapshot.containers.map { record in
            (record.inspect.id, RuntimeSpec(container: record.inspect, image: record.inspect.image.flatMap { images[$0]?.inspect }))
        }, uniquingKeysWith: { first, _ in first })
        hostFilter = snapshot.host?.packetFilter.map(HostFilter.init)
        imagesByTag = Dictionary(snapshot.images.flatMap { record in record.inspect.tags.map { (normalizedImageReference($0), record) } },
                                 uniquingKeysWith: { first, _ in first })
    }

    func runtimeSpec(of container: ContainerRecord) -> RuntimeSpec {
        runtimeSpecs[container.inspect.id] ?? RuntimeSpec(container: container.inspect, image: container.inspect.image.flatMap { imagesByID[$0]?.inspect })
    }

    /// The image whose tags include `reference` (`busybox` means `busybox:latest`).
    public func image(tagged reference: String) -> ImageRecord? {
        imagesByTag[normalizedImageReference(reference)]
    }
}

/// `docker.io/library/busybox` → `busybox:latest`, `localhost:5000/app` → `localhost:5000/app:latest`.
public func normalizedImageReference(_ reference: String) -> String {
    var name = reference
    for prefix in ["docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"] where name.hasPrefix(prefix) {
        name = String(name.dropFirst(prefix.count))
        break
    }
    if name.contains("@") { return name }
    // A tag is a colon after the last slash; a colon before it belongs to a registry port.
    let lastComponent = name.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(name)
    return lastComponent.contains(":") ? name : name + ":latest"
}
