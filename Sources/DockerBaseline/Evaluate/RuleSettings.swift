/// What the rules are told beyond the snapshot or the build file: the organisation's own answers to questions a
/// benchmark leaves open. The configuration file's `settings:` section (and, for the lint keys, its `lint:` section)
/// fills it, then the command line: a flag given wins over the file.
public struct RuleSettings: Codable, Sendable, Equatable {
    /// Users allowed in the docker group (1.1.2, `trusted-users`, `--trusted-users`); nil when none were named, and
    /// the members are then listed for review.
    public var trustedUsers: [String]?
    /// The longest swarm node certificate lifetime accepted, in days (7.7, `node-cert-max-days`, `--node-cert-max-days`).
    public var nodeCertMaxDays: Int
    /// Registries base images may come from (`docker.io`, `registry.example.com`, globs; `allowed-registries`,
    /// `--allowed-registry`); empty: not checked.
    public var allowedRegistries: [String]
    /// Base images must be pinned by digest, not only by tag (`require-digest`, `--require-digest`).
    public var requireDigest: Bool
    /// Honour `# docker-baseline ignore=…` comments in build files (`inline-ignores`; off with `--no-inline-ignores`).
    public var inlineIgnores: Bool
    /// The lowest severity of a fixable vulnerability that fails an image (4.4, `vuln-severity`, `--vuln-severity`).
    public var vulnSeverity: Severity = .high
    /// A vulnerability database older than this many days is stale: a warning (`vuln-db-max-age`, `--vuln-db-max-age`).
    public var vulnDatabaseMaxAgeDays: Int = 7
    /// Containers' outbound traffic must be filtered (`require-egress-filter`): an unfiltered bridge fails instead
    /// of asking for review. nil: only under the `baseline-enhanced` profile.
    public var requireEgressFilter: Bool?

    public init(trustedUsers: [String]? = nil, nodeCertMaxDays: Int = 90, allowedRegistries: [String] = [],
                requireDigest: Bool = false, inlineIgnores: Bool = true, requireEgressFilter: Bool? = nil) {
        self.requireEgressFilter = requireEgressFilter
        self.trustedUsers = trustedUsers
        self.nodeCertMaxDays = nodeCertMaxDays
        self.allowedRegistries = allowedRegistries
        self.requireDigest = requireDigest
        self.inlineIgnores = inlineIgnores
    }

    /// The keys, as the configuration file spells them.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case trustedUsers = "trusted-users"
        case nodeCertMaxDays = "node-cert-max-days"
        case allowedRegistries = "allowed-registries"
        case requireDigest = "require-digest"
        case inlineIgnores = "inline-ignores"
        case vulnSeverity = "vuln-severity"
        case vulnDatabaseMaxAgeDays = "vuln-db-max-age"
        case requireEgressFilter = "require-egress-filter"
    }

    /// A key left out keeps its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RuleSettings()
        trustedUsers = try container.decodeIfPresent([String].self, forKey: .trustedUsers)
        nodeCertMaxDays = try container.decodeIfPresent(Int.self, forKey: .nodeCertMaxDays) ?? defaults.nodeCertMaxDays
        allowedRegistries = try container.decodeIfPresent([String].self, forKey: .allowedRegistries) ?? defaults.allowedRegistries
        requireDigest = try container.decodeIfPresent(Bool.self, forKey: .requireDigest) ?? defaults.requireDigest
        inlineIgnores = try container.decodeIfPresent(Bool.self, forKey: .inlineIgnores) ?? defaults.inlineIgnores
        vulnSeverity = try container.decodeIfPresent(Severity.self, forKey: .vulnSeverity) ?? defaults.vulnSeverity
        vulnDatabaseMaxAgeDays = try container.decodeIfPresent(Int.self, forKey: .vulnDatabaseMaxAgeDays) ?? defaults.vulnDatabaseMaxAgeDays
        requireEgressFilter = try container.decodeIfPresent(Bool.self, forKey: .requireEgressFilter)
    }
}
