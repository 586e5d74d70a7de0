/// Every rule the tool has, in benchmark order.
public enum RuleCatalog {
    public static let all: [any Rule] = {
        let rules: [any Rule] = [
            // §4 images and build files
            ImageUserRule(), ContainerUserRule(), ContentTrustRule(), ImageHealthcheckRule(), UpdateAloneRule(),
            AddInstructionRule(), ImageSecretsRule(), SetuidFilesRule(), SecretFilesRule(), DeletedSecretsRule(),
            ShadowEmptyPasswordRule(), ImageSSHDRule(), WorldWritableDirectoryRule(),
            // §5 container runtime
            SwarmModeRule(), AppArmorRule(), SELinuxRule(), CapabilitiesRule(), PrivilegedContainerRule(), SensitiveMountRule(),
            SSHDaemonRule(), PrivilegedPortsRule(), OpenPortsRule(), MemoryLimitRule(), CPUPriorityRule(), ReadOnlyRootfsRule(),
            PortBindAddressRule(), RestartPolicyRule(), HostDevicesRule(), UlimitRule(), MountPropagationRule(), SeccompRule(),
            ExecReviewRule.privileged, ExecReviewRule.root, CgroupParentRule(), NoNewPrivilegesRule(), HealthcheckRule(),
            ImageCurrencyRule(), PidsLimitRule(), DefaultBridgeRule(), DockerSocketMountRule(),
            // §6 operations
            ImageSprawlRule(), ContainerSprawlRule(),
            // §1 host
            PartitionRule(), DockerGroupRule(), HostHardeningRule(), AdvisoryRule.engine, AdvisoryRule.kernel,
            VirtualizationRule(), SecurityModulesRule(),
            // §2 daemon
            DaemonConfigurationRule(), RootlessRule(), LogLevelRule(), InsecureRegistriesRule(), StorageDriverRule(),
            RemoteAPIRule(), DevicemapperRule(), DefaultUlimitRule(), UsernsRemapRule(), DaemonCgroupParentRule(), BaseDeviceSizeRule(),
            AuthorizationPluginRule(), CentralLoggingRule(), ContainerLogRotationRule(), DaemonSeccompRule(),
            // §7 swarm
            SwarmManagersRule(), SwarmListenAddressRule(), SwarmEncryptedOverlaysRule(), SwarmSecretsRule(), SwarmAutolockRule(),
            SwarmUnlockKeyRotationRule(), SwarmNodeCertificateRule(), SwarmRootCARule(), SwarmTrafficSeparationRule(),
        ] + HostNamespaceRule.all + DaemonBoolRule.all + AuditWatchRule.all + FileRule.all
        // Benchmark order; rules without a CIS id go after their section's (host.*, daemon.*) or at the end.
        func key(_ rule: any Rule) -> String {
            if let cis = rule.metadata.cis { return cis }
            if let cis18 = rule.metadata.cis18 { return cis18 }
            if rule.metadata.id.hasPrefix("image.") { return "4.99" }
            return rule.metadata.id.hasPrefix("host.") ? "1.99" : rule.metadata.id.hasPrefix("daemon.") ? "2.99" : "99"
        }
        return rules.sorted { compareBenchmarkIDs(key($0), key($1)) || (key($0) == key($1) && $0.metadata.id < $1.metadata.id) }
    }()

    public static func rule(id: String) -> (any Rule)? { all.first { $0.metadata.id == id } }
}

/// Numeric order for dotted ids: `5.2` before `5.10`.
public func compareBenchmarkIDs(_ lhs: String, _ rhs: String) -> Bool {
    let left = lhs.split(separator: ".").map { Int($0) ?? Int.max }
    let right = rhs.split(separator: ".").map { Int($0) ?? Int.max }
    return left.lexicographicallyPrecedes(right)
}
