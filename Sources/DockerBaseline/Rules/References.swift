/// Links rules cite. Kept in one place so a moved page is fixed once.
enum Reference {
    static let cisDocker = "https://www.cisecurity.org/benchmark/docker"
    static let runReference = "https://docs.docker.com/reference/cli/docker/container/run/"
    static let securityOverview = "https://docs.docker.com/engine/security/"
    static let capabilities = "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities"
    static let seccomp = "https://docs.docker.com/engine/security/seccomp/"
    static let apparmor = "https://docs.docker.com/engine/security/apparmor/"
    static let userns = "https://docs.docker.com/engine/security/userns-remap/"
    static let resourceConstraints = "https://docs.docker.com/engine/containers/resource_constraints/"
    static let restartPolicies = "https://docs.docker.com/engine/containers/start-containers-automatically/"
    static let bindMounts = "https://docs.docker.com/engine/storage/bind-mounts/"
    static let networking = "https://docs.docker.com/engine/network/"
    static let packetFiltering = "https://docs.docker.com/engine/network/packet-filtering-firewalls/"
    static let dockerfile = "https://docs.docker.com/reference/dockerfile/"
    static let buildBestPractices = "https://docs.docker.com/build/building/best-practices/"
    static let contentTrust = "https://docs.docker.com/engine/security/trust/"
    static let prune = "https://docs.docker.com/engine/manage-resources/pruning/"
    static let swarm = "https://docs.docker.com/engine/swarm/"
    static let protectSocket = "https://docs.docker.com/engine/security/protect-access/"
    static let dockerd = "https://docs.docker.com/reference/cli/dockerd/"
}

/// `a, b, c` for evidence values; `none` when empty.
func listEvidence<S: Sequence>(_ items: S) -> String where S.Element == String {
    let joined = items.joined(separator: ", ")
    return joined.isEmpty ? "none" : joined
}
