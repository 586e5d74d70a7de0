/// What every rule says about itself: ids, grading and the text reports show, in English and Chinese.
public struct RuleMetadata: Sendable, Equatable {
    /// Stable id, e.g. `container.privileged`. Never reused for a different check.
    public var id: RuleID
    /// CIS Docker Benchmark 1.6.0 id, e.g. `5.5`; nil for checks the benchmark does not have.
    public var cis: String?
    /// The same item's id in the older CIS Docker CE 1.1.0 numbering used by many enterprise baselines (derived).
    public var cisCE: String?
    /// The item's id in CIS Docker Benchmark 1.8.0, which inserted 2.7 and moved 1.6.0's 2.7–2.18 to 2.8–2.19.
    public var cis18: String?
    /// The benchmark section it is reported under (`1` … `7`, or `network` for scan-api); rules the benchmark lacks go
    /// with their family.
    public var section: String
    /// CIS profile level, 1 or 2.
    public var level: Int
    /// Severity of a failure unless the finding says otherwise.
    public var severity: Severity
    /// The benchmark marks the item "Manual": results are warn unless the data decides them.
    public var manual: Bool
    public var title: LocalizedText
    public var rationale: LocalizedText
    public var remediation: LocalizedText
    public var references: [String]
    /// What `harden` changes to fix a failure, where it can.
    public var hardening: HardeningFix?

    public init(
        id: RuleID, cis: String?, cis18: String? = nil, level: Int = 1, severity: Severity, manual: Bool = false,
        title: LocalizedText, rationale: LocalizedText, remediation: LocalizedText, references: [String] = []
    ) {
        self.id = id
        self.cis = cis
        self.cisCE = cis.flatMap(BenchmarkNumbering.ce)
        self.cis18 = cis18 ?? cis.map(BenchmarkNumbering.cis18)
        self.section = cis.map { String($0.prefix { $0 != "." }) } ?? Self.familySections[id.family] ?? "other"
        self.level = level
        self.severity = severity
        self.manual = manual
        self.title = title
        self.rationale = rationale
        self.remediation = remediation
        self.references = references
    }

    /// Where rules without a CIS id are reported: with the section of their family.
    private static let familySections = [
        "host": "1", "daemon": "2", "image": "4", "dockerfile": "4", "container": "5", "compose": "5", "network": "network",
    ]
}

/// A check. Rules are pure: they read the snapshot and never do I/O.
public protocol Rule: Sendable {
    var metadata: RuleMetadata { get }
    /// Triggering and non-triggering examples, run by one shared test.
    var examples: [RuleExample] { get }
    func evaluate(_ context: AuditContext) -> [Finding]
}

/// What a rule concluded, before it is attached to a target.
public struct Verdict: Sendable, Equatable {
    public var status: Status
    public var severity: Severity?
    public var message: LocalizedText
    public var evidence: [String: String]
    /// Where the settings it blames are written (a Compose file); empty for what the engine reported.
    public var origins: [SourceLocation] = []

    public init(_ status: Status, severity: Severity? = nil, _ message: LocalizedText, evidence: [String: String] = [:]) {
        self.status = status
        self.severity = severity
        self.message = message
        self.evidence = evidence
    }

    public static func pass(_ en: String, _ zh: String, evidence: [String: String] = [:]) -> Verdict {
        Verdict(.pass, LocalizedText(en: en, zh: zh), evidence: evidence)
    }

    public static func fail(_ en: String, _ zh: String, severity: Severity? = nil, evidence: [String: String] = [:]) -> Verdict {
        Verdict(.fail, severity: severity, LocalizedText(en: en, zh: zh), evidence: evidence)
    }

    public static func warn(_ en: String, _ zh: String, evidence: [String: String] = [:]) -> Verdict {
        Verdict(.warn, LocalizedText(en: en, zh: zh), evidence: evidence)
    }

    public static func info(_ en: String, _ zh: String, evidence: [String: String] = [:]) -> Verdict {
        Verdict(.info, LocalizedText(en: en, zh: zh), evidence: evidence)
    }

    public static func skipped(_ en: String, _ zh: String, evidence: [String: String] = [:]) -> Verdict {
        Verdict(.skipped, LocalizedText(en: en, zh: zh), evidence: evidence)
    }

    public static func error(_ en: String, _ zh: String, evidence: [String: String] = [:]) -> Verdict {
        Verdict(.error, LocalizedText(en: en, zh: zh), evidence: evidence)
    }

    /// The engine's answer lacked a field the rule needs: the rule cannot decide.
    public static func notReported(_ field: String) -> Verdict {
        .error("the engine did not report \(field)", "引擎未返回 \(field) 字段，无法判断")
    }
}

extension Finding {
    public init(target: Target, verdict: Verdict) {
        self.init(target: target, status: verdict.status, severity: verdict.severity, message: verdict.message, evidence: verdict.evidence)
    }
}

/// A rule judged once per container, whatever the container's state.
public protocol ContainerRule: Rule {
    func judge(_ container: ContainerRecord, in context: AuditContext) -> Verdict
}

extension ContainerRule {
    public func evaluate(_ context: AuditContext) -> [Finding] {
        context.snapshot.containers.map { record in
            Finding(target: .container(record.inspect), verdict: judge(record, in: context))
        }
    }
}

/// A rule judged once per image.
public protocol ImageRule: Rule {
    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict
}

extension ImageRule {
    public func evaluate(_ context: AuditContext) -> [Finding] {
        context.snapshot.images.map { record in
            Finding(target: .image(record.inspect), verdict: judge(record, in: context))
        }
    }
}

/// A rule judged once for the engine as a whole.
public protocol EngineRule: Rule {
    func judge(_ context: AuditContext) -> Verdict
}

extension EngineRule {
    public func evaluate(_ context: AuditContext) -> [Finding] {
        if let reason = context.snapshot.engineUnavailable {
            return [Finding(target: .engine(context.snapshot), verdict: .skipped("not checked: \(reason)", "未检查：没有运行中的 Docker 引擎，仅判断了宿主机与配置文件"))]
        }
        return [Finding(target: .engine(context.snapshot), verdict: judge(context))]
    }
}

/// A rule judged from the host facts. Where they were not collected (a snapshot of a remote engine), it says so
/// once, as skipped, instead of judging anything.
public protocol HostRule: Rule {
    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding]
}

extension HostRule {
    public func evaluate(_ context: AuditContext) -> [Finding] {
        guard let host = context.snapshot.host else {
            return [Finding(target: .host, verdict: .skipped(
                "not checked: the host's files were not collected (remote engine, or a snapshot without them); use --root or run on the host",
                "未检查：未采集宿主机文件（远程引擎或快照中没有）；请使用 --root 或在宿主机上运行"))]
        }
        return judge(host, in: context)
    }
}

extension Target {
    /// The audited daemon: its process when it runs, else its configuration.
    static func daemon(_ host: HostFacts) -> Target {
        let name = host.daemon.pid.map { "dockerd (pid \($0))" } ?? "dockerd (not running; \(host.daemon.configFile))"
        return Target(kind: .daemon, id: "dockerd", name: name)
    }

    static func file(_ path: String) -> Target { Target(kind: .file, id: path, name: path) }

    static let host = Target(kind: .host, id: "host", name: "host")

    /// The environment `docker-baseline` itself ran in (4.5 reads its DOCKER_CONTENT_TRUST).
    static let auditEnvironment = Target(kind: .host, id: "environment", name: "DOCKER_CONTENT_TRUST where the audit ran")
}
