// The §5 checks of how a container runs are written once, against `RuntimeSpec`, and judged twice: on every
// container the engine has (`container.*` rules) and on every service of a Compose file (`compose.*` rules).
// The two rules differ only in their target and in where a finding points.

/// A check of a `RuntimeSpec`. Pure, like every rule.
protocol RuntimeCheck: Sendable {
    /// The container rule's metadata; the Compose rule shares it under `composeID`.
    var metadata: RuleMetadata { get }
    var composeID: RuleID { get }
    /// Examples judged on a container (inspect patches) and on a Compose service (files).
    var examples: [RuleExample] { get }
    var composeExamples: [LintExample] { get }
    /// The inspect sections it reads: a container whose answer lacks one is reported as not judged.
    var reads: Set<RuntimeSpec.Section> { get }
    /// `origins` of the verdict: where in a Compose file the settings it blames are written.
    func judge(_ spec: RuntimeSpec, in environment: RuntimeEnvironment) -> Verdict
}

extension RuntimeCheck {
    var reads: Set<RuntimeSpec.Section> { [.hostConfig] }
}

/// What the engine adds to every container it runs: its default seccomp profile, the security modules it applies,
/// the daemon's defaults. Read from the snapshot for containers; for Compose files, the engine is not known and a stock
/// dockerd is assumed (`stockEngine`).
public struct RuntimeEnvironment: Sendable, Equatable {
    public enum SecurityModule: Sendable, Equatable {
        case applied
        /// The engine does not apply it; whether the host has it (nil: unknown).
        case notApplied(hostEnabled: Bool?)
    }

    /// The daemon-wide default of a setting containers may leave unset.
    public struct DaemonDefault: Sendable, Equatable {
        public var enabled: Bool
        /// `true (/etc/docker/daemon.json:3)`, `not set (read …)`.
        public var description: String
    }

    /// The engine's `name=seccomp,profile=…` security option; nil when it applies no seccomp profile.
    public var seccomp: String?
    public var appArmor: SecurityModule
    public var seLinux: SecurityModule
    /// nil when the daemon's configuration could not be read (a remote engine).
    public var noNewPrivileges: DaemonDefault?
    /// Sockets whose mount gives a container the engine.
    public var engineSockets: [String]
    /// `1` or `2`; nil when the engine did not say.
    public var cgroupVersion: String?

    /// A dockerd as installed: the builtin seccomp profile, AppArmor and SELinux applied where the host has them,
    /// no daemon-wide no-new-privileges.
    public static let stockEngine = RuntimeEnvironment(
        seccomp: "name=seccomp,profile=builtin", appArmor: .applied, seLinux: .applied,
        noNewPrivileges: DaemonDefault(enabled: false, description: "not set (a stock dockerd)"), engineSockets: HostPaths.engineSockets,
        cgroupVersion: "2")

    public init(seccomp: String?, appArmor: SecurityModule, seLinux: SecurityModule, noNewPrivileges: DaemonDefault?, engineSockets: [String],
                cgroupVersion: String?) {
        self.seccomp = seccomp
        self.appArmor = appArmor
        self.seLinux = seLinux
        self.noNewPrivileges = noNewPrivileges
        self.engineSockets = engineSockets
        self.cgroupVersion = cgroupVersion
    }

    /// The environment of the audited engine.
    public init(_ snapshot: Snapshot) {
        let options = snapshot.info.securityOptionNames
        seccomp = (snapshot.info.securityOptions ?? []).first { $0.hasPrefix("name=seccomp") }
        appArmor = options.contains("apparmor") ? .applied : .notApplied(hostEnabled: snapshot.host?.appArmorEnabled)
        seLinux = options.contains("selinux") ? .applied : .notApplied(hostEnabled: snapshot.host?.seLinuxEnabled)
        noNewPrivileges = snapshot.host.map { host in
            if let setting = host.daemon.setting("no-new-privileges") {
                return DaemonDefault(enabled: host.daemon.bool("no-new-privileges") == true, description: setting.description)
            }
            return DaemonDefault(enabled: false, description: "not set (read \(listEvidence(host.daemon.sources)))")
        }
        engineSockets = HostPaths.engineSockets
        cgroupVersion = snapshot.info.cgroupVersion
        if snapshot.endpoint.hasPrefix("unix://") { engineSockets.append(String(snapshot.endpoint.dropFirst(7))) }
    }
}

extension Verdict {
    /// The verdict, blaming the settings written at `origins`.
    func at(_ origins: [SourceLocation]) -> Verdict {
        var verdict = self
        verdict.origins = origins
        return verdict
    }
}

/// A runtime check judged on every container.
struct ContainerCheckRule: ContainerRule {
    let check: any RuntimeCheck
    var metadata: RuleMetadata { check.metadata }
    var examples: [RuleExample] { check.examples }

    func judge(_ container: ContainerRecord, in context: AuditContext) -> Verdict {
        let spec = context.runtimeSpec(of: container)
        if let missing = check.reads.first(where: spec.unreported.contains) {
            guard !spec.missingHostConfigFields.isEmpty, missing != .config else { return .notReported(missing.rawValue) }
            let fields = spec.missingHostConfigFields.map { "HostConfig.\($0)" }.joined(separator: ", ")
            return .error("the container's HostConfig is incomplete (missing or null: \(fields)), so how it runs is unknown",
                          "容器的 HostConfig 不完整（缺失或为 null：\(fields)），无法得知其运行方式")
        }
        return check.judge(spec, in: context.runtimeEnvironment)
    }
}

/// A runtime check judged on every Compose service, against a stock engine. A verdict other than pass is a finding at
/// each setting it blames, or at the service's name when it blames a setting left out.
struct ComposeCheckRule: ComposeRule {
    let check: any RuntimeCheck
    let metadata: RuleMetadata
    var examples: [LintExample] { check.composeExamples }

    init(_ check: any RuntimeCheck) {
        self.check = check
        var metadata = check.metadata
        metadata.id = check.composeID
        self.metadata = metadata
    }

    func check(_ service: ComposeService, _ settings: RuleSettings) -> [LintFinding] {
        let verdict = check.judge(RuntimeSpec(service: service), in: .stockEngine)
        guard verdict.status != .pass else { return [] }
        let places = verdict.origins.isEmpty ? [SourceLocation(file: service.file, range: service.range)] : verdict.origins
        return places.map { place in
            LintFinding(status: verdict.status, severity: verdict.severity, message: verdict.message, evidence: verdict.evidence,
                        file: place.file, range: place.range, fix: nil)
        }
    }
}
