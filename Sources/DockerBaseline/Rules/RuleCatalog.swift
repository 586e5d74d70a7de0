/// Every rule the tool has, each registered here once: a new rule is written in its family's file and listed here.
public enum RuleCatalog {
    /// How a container runs (§5, and 4.1 and 2.13 per container): each judged on containers and on Compose services.
    static let runtimeChecks: [any RuntimeCheck] = [
        PrivilegedContainerRule(), CapabilitiesRule(), SensitiveMountRule(), DockerSocketMountRule(), PortBindAddressRule(),
        PrivilegedPortsRule(), MemoryLimitRule(), CPUPriorityRule(), PidsLimitRule(), ReadOnlyRootfsRule(), SeccompRule(), AppArmorRule(),
        NoNewPrivilegesRule(), RestartPolicyRule(), HostDevicesRule(), HealthcheckRule(),
    ] + HostNamespaceRule.all + [
        SELinuxRule(), ContainerUserRule(), OpenPortsRule(), UlimitRule(), MountPropagationRule(), CgroupParentRule(), DefaultBridgeRule(),
        ContainerLogRotationRule(), SystemPathsRule(), CgroupNamespaceRule(), NetRawRule(),
    ]

    /// A Podman engine's own configuration, judged only on a Podman engine (`EngineScope`).
    static let podmanRules: [any Rule] = [
        PodmanConfigurationRule(), PodmanRootlessRule(), PodmanInsecureRegistriesRule(), PodmanShortNamesRule(), PodmanImageTrustRule(),
        PodmanCapabilitiesRule(), PodmanSeccompRule(), PodmanPidsLimitRule(), PodmanLoggingRule(), PodmanUsernsRule(),
        PodmanCgroupManagerRule(), PodmanNoNewPrivilegesRule(), PodmanRemoteAPIRule(),
    ] + PodmanFileRule.all

    /// The rules judged on a snapshot (`audit`, `image`), in benchmark order.
    public static let all: [any Rule] = {
        let rules: [any Rule] = [
            // §4 images and build files
            ImageUserRule(), ContentTrustRule(), ImageHealthcheckRule(), UpdateAloneRule(),
            AddInstructionRule(), ImageSecretsRule(), SetuidFilesRule(), SecretFilesRule(), DeletedSecretsRule(), VulnerabilitiesRule(),
            ShadowEmptyPasswordRule(), ImageSSHDRule(), WorldWritableDirectoryRule(),
            // §5 container runtime: what only a running container shows, and the engine-wide items
            SwarmModeRule(), SSHDaemonRule(), ExecUseRule.privileged, ExecUseRule.root, ImageCurrencyRule(),
            // §6 operations
            ImageSprawlRule(), ContainerSprawlRule(),
            // §1 host
            PartitionRule(), DockerGroupRule(), HostHardeningRule(), AdvisoryRule.engine, EngineLifecycleRule(), KernelAdvisoryRule(),
            VirtualizationRule(), SecurityModulesRule(),
            // §2 daemon
            DaemonConfigurationRule(), RootlessRule(), RootlessPortDriverRule(), LogLevelRule(), InsecureRegistriesRule(), StorageDriverRule(),
            RemoteAPIRule(), DevicemapperRule(), DefaultUlimitRule(), UsernsRemapRule(), DaemonCgroupParentRule(), BaseDeviceSizeRule(),
            AuthorizationPluginRule(), CentralLoggingRule(), DaemonSeccompRule(),
            // §7 swarm
            SwarmManagersRule(), SwarmListenAddressRule(), SwarmEncryptedOverlaysRule(), SwarmSecretsRule(), SwarmAutolockRule(),
            SwarmUnlockKeyRotationRule(), SwarmNodeCertificateRule(), SwarmRootCARule(), SwarmTrafficSeparationRule(),
            // The host's packet filter
            APIAccessControlRule(), PublishedPortsRule(), DockerUserChainRule(), ContainerEgressRule(), InterContainerRule(),
        ] + runtimeChecks.map(ContainerCheckRule.init) + DaemonBoolRule.all + AuditWatchRule.all + FileRule.all + podmanRules
        // Benchmark order; rules without a CIS id go after their section's (host.*, daemon.*) or at the end.
        func key(_ rule: any Rule) -> String {
            rule.metadata.cis ?? rule.metadata.cis18 ?? (Int(rule.metadata.section) != nil ? rule.metadata.section + ".99" : "99")
        }
        return rules.sorted { DottedNumbers.ascending(key($0), key($1)) || (key($0) == key($1) && $0.metadata.id < $1.metadata.id) }
    }()

    /// The rules judged on Dockerfiles and Compose files (`lint`): Dockerfile rules, then every runtime check on each
    /// Compose service, then the Compose-only rules.
    public static let lint: [any LintRule] = [
        DockerfileSyntaxRule(), DockerfileUserRule(), DockerfileHealthcheckRule(), DockerfileBasePinnedRule(), DockerfileBaseRegistryRule(),
        DockerfileUpdateAloneRule(), DockerfileAddRule(), DockerfileAddRemoteRule(), DockerfileSecretsRule(), DockerfileSensitiveFilesRule(),
        DockerfileSudoRule(), DockerfileSSHDRule(), DockerfileSetuidRule(), DockerfileDownloadExecuteRule(),
        DockerfileInsecureDownloadRule(), DockerfileInsecureBuildRule(), DockerfileWorkdirRule(), DockerfileMultipleCommandRule(),
        ComposeSyntaxRule(),
    ] + runtimeChecks.map(ComposeCheckRule.init) + [ComposeSecretsRule()]

    /// What reports name that no rule above judges: targets the collector could not read, build files that could not be
    /// read or ignore comments that do not apply, waivers that no longer match, and `scan-api`'s finding.
    public static let pseudo: [RuleMetadata] = [
        Evaluator.collectionMetadata, Linter.inputRule, Linter.ignoreRule, AuditPolicy.staleWaiverRule, ExposedAPIRule.metadata,
    ]

    /// Every rule, in the catalogue's order.
    public static var metadata: [RuleMetadata] { all.map(\.metadata) + lint.map(\.metadata) + pseudo }

    /// What `lint` reports can name.
    public static var lintMetadata: [RuleMetadata] { lint.map(\.metadata) + [Linter.inputRule, Linter.ignoreRule] }

    /// A rule's own examples, as `rules ID` shows them: the status each must give, and its input (inspect patches,
    /// or a Dockerfile or Compose file).
    public static func examples(of id: RuleID) -> [(expect: Status, input: String)] {
        if let rule = rule(id: id) {
            return rule.examples.map { example in
                let parts = [("container", example.container), ("processes", example.processes), ("image", example.image),
                             ("history", example.history), ("contents", example.contents), ("snapshot", example.snapshot)]
                let input = parts.compactMap { name, patch in patch.map { "\(name) \($0)" } }.joined(separator: "; ")
                return (example.expect, input.isEmpty ? "the hardened base snapshot" : input)
            }
        }
        return lintRule(id: id)?.examples.map { ($0.expect, "\($0.kind.rawValue): \($0.text.replacingOccurrences(of: "\n", with: "⏎"))") } ?? []
    }

    /// The rules a name given by a person stands for: a rule id or glob, or a CIS id in any numbering (a bare `2.9` is
    /// looked up in all three; `cis-ce:5.4` in one).
    public static func lookUp(_ name: String) throws -> [RuleMetadata] {
        let selector = try RuleSelector(name)
        return metadata.filter { rule in Benchmark.allCases.contains { selector.matches(rule, reporting: $0) } }
    }

    public static func rule(id: RuleID) -> (any Rule)? { all.first { $0.metadata.id == id } }

    public static func lintRule(id: RuleID) -> (any LintRule)? { lint.first { $0.metadata.id == id } }
}
