/// Every rule the tool has, in benchmark order.
public enum RuleCatalog {
    public static let all: [any Rule] = {
        let rules: [any Rule] = [
            // §4 images and build files
            ImageUserRule(), ContainerUserRule(), ContentTrustRule(), ImageHealthcheckRule(), UpdateAloneRule(),
            AddInstructionRule(), ImageSecretsRule(),
            // §5 container runtime
            SwarmModeRule(), AppArmorRule(), SELinuxRule(), CapabilitiesRule(), PrivilegedContainerRule(), SensitiveMountRule(),
            SSHDaemonRule(), PrivilegedPortsRule(), OpenPortsRule(), MemoryLimitRule(), CPUPriorityRule(), ReadOnlyRootfsRule(),
            PortBindAddressRule(), RestartPolicyRule(), HostDevicesRule(), UlimitRule(), MountPropagationRule(), SeccompRule(),
            ExecReviewRule.privileged, ExecReviewRule.root, CgroupParentRule(), NoNewPrivilegesRule(), HealthcheckRule(),
            ImageCurrencyRule(), PidsLimitRule(), DefaultBridgeRule(), DockerSocketMountRule(),
            // §6 operations
            ImageSprawlRule(), ContainerSprawlRule(),
        ] + HostNamespaceRule.all
        return rules.sorted { compareBenchmarkIDs($0.metadata.cis ?? "~", $1.metadata.cis ?? "~") || ($0.metadata.cis == $1.metadata.cis && $0.metadata.id < $1.metadata.id) }
    }()

    public static func rule(id: String) -> (any Rule)? { all.first { $0.metadata.id == id } }
}

/// Numeric order for dotted ids: `5.2` before `5.10`.
public func compareBenchmarkIDs(_ lhs: String, _ rhs: String) -> Bool {
    let left = lhs.split(separator: ".").map { Int($0) ?? Int.max }
    let right = rhs.split(separator: ".").map { Int($0) ?? Int.max }
    return left.lexicographicallyPrecedes(right)
}
