/// What a rule concluded about one target.
public enum Status: String, Codable, Sendable, CaseIterable, Comparable {
    case pass, fail
    /// Needs a person to review: the tool shows what to look at.
    case warn
    case info
    /// Does not apply here (e.g. AppArmor rules on a host without AppArmor), with why.
    case skipped
    /// Could not be judged, with why.
    case error
    /// A failure or warning accepted by a waiver that has not expired: shown, never dropped.
    case waived

    /// Report order: worst first.
    private var rank: Int {
        switch self {
        case .fail: 0
        case .error: 1
        case .warn: 2
        case .waived: 3
        case .info: 4
        case .skipped: 5
        case .pass: 6
        }
    }

    public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
}

public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    private var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// What a result is about.
public struct Target: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable { case container, image, daemon, host, file, engine, swarm, network }
    public var kind: Kind
    /// The engine id for containers and images; a path or setting name otherwise.
    public var id: String
    /// A container's name, an image's first `repository:tag`.
    public var name: String
    /// A container's state (`running`, `created`, `exited`, …), shown beside its name.
    public var state: String?

    public init(kind: Kind, id: String, name: String, state: String? = nil) {
        self.kind = kind
        self.id = id
        self.name = name
        self.state = state
    }

    public static func container(_ c: ContainerInspect) -> Target {
        Target(kind: .container, id: c.id, name: c.displayName, state: c.status)
    }

    public static func image(_ i: ImageInspect) -> Target {
        Target(kind: .image, id: i.id, name: i.displayName)
    }

    public static func engine(_ snapshot: Snapshot) -> Target {
        Target(kind: .engine, id: snapshot.info.id ?? snapshot.endpoint, name: snapshot.info.name ?? snapshot.endpoint)
    }

    /// How every report names the target, as a person would say it: `container app (running)`, `engine web-01`,
    /// `host`, `dockerd (pid 100)`, a file by its path. The kind is said only where the name does not say it.
    public func label(_ language: Language) -> String {
        let zh = language == .zh
        switch kind {
        case .container: return (zh ? "容器 " : "container ") + name + (state.map { zh ? "（\($0)）" : " (\($0))" } ?? "")
        case .image: return (zh ? "镜像 " : "image ") + name
        case .engine: return (zh ? "引擎 " : "engine ") + name
        case .network: return (zh ? "网络 " : "network ") + name
        case .host where id == Target.host.id: return zh ? "宿主机" : name
        case .host where id == Target.auditEnvironment.id: return zh ? "运行审计的环境中的 DOCKER_CONTENT_TRUST" : name
        case .host, .daemon, .file, .swarm: return name
        }
    }
}

/// One rule's verdict on one target, with the evidence it judged.
public struct Finding: Sendable, Equatable {
    public var target: Target
    public var status: Status
    /// Overrides the rule's default severity (e.g. a dangerous capability raises it).
    public var severity: Severity?
    public var message: LocalizedText
    /// The values judged, by name. Secret values are masked when the finding becomes a `Result`.
    public var evidence: [String: String]
    /// Where in a file (lint findings).
    public var location: SourceLocation? {
        get { storedLocation?.value }
        set { storedLocation = newValue.map(OutOfLine.init) }
    }
    /// A change that fixes it safely, where one exists.
    public var fix: Fix? {
        get { storedFix?.value }
        set { storedFix = newValue.map(OutOfLine.init) }
    }
    private var storedLocation: OutOfLine<SourceLocation>?
    private var storedFix: OutOfLine<Fix>?

    public init(target: Target, status: Status, severity: Severity? = nil, message: LocalizedText, evidence: [String: String] = [:],
                location: SourceLocation? = nil, fix: Fix? = nil) {
        self.target = target
        self.status = status
        self.severity = severity
        self.message = message
        self.evidence = evidence
        self.location = location
        self.fix = fix
    }
}

/// A range in a named file.

/// Text replacements in the finding's file that fix it.
public struct Fix: Sendable, Equatable {
    public var description: LocalizedText
    public var replacements: [Replacement]

    public struct Replacement: Sendable, Equatable {
        public var range: SourceRange
        public var text: String
    }

    public init(description: LocalizedText, replacements: [Replacement]) {
        self.description = description
        self.replacements = replacements
    }
}

/// A value most results leave empty (a file location, a fix, a waiver), kept out of line so that every result stays
/// small: a busy host has tens of thousands. Immutable: a change stores a new box.
final class OutOfLine<Value: Sendable & Equatable>: Sendable, Equatable {
    let value: Value
    init(_ value: Value) { self.value = value }
    static func == (a: OutOfLine, b: OutOfLine) -> Bool { a === b || a.value == b.value }
}

/// One rule's metadata, shared by the results of that rule.
final class SharedRuleMetadata: Sendable, Equatable {
    let metadata: RuleMetadata
    init(_ metadata: RuleMetadata) { self.metadata = metadata }
    static func == (a: SharedRuleMetadata, b: SharedRuleMetadata) -> Bool { a === b || a.metadata == b.metadata }
}

/// A finding joined with its rule's metadata: what reports print.
public struct Result: Sendable, Equatable {
    /// The rule's metadata, held once for all its results (it is the same in each, and large: a busy host has tens
    /// of thousands of results).
    public var rule: RuleMetadata {
        _read { yield shared.metadata }
        set { shared = SharedRuleMetadata(newValue) }
    }
    private var shared: SharedRuleMetadata
    public var finding: Finding
    /// The waiver that accepts this result, or that did until it expired.
    public var waiver: AppliedWaiver? {
        get { storedWaiver?.value }
        set { storedWaiver = newValue.map(OutOfLine.init) }
    }
    private var storedWaiver: OutOfLine<AppliedWaiver>?
    /// Against a previous report (`--baseline`): whether the finding is new, still there or fixed.
    public var change: Change?

    public init(rule: RuleMetadata, finding: Finding, waiver: AppliedWaiver? = nil, change: Change? = nil) {
        self.init(rule: SharedRuleMetadata(rule), finding: finding, waiver: waiver, change: change)
    }

    init(rule: SharedRuleMetadata, finding: Finding, waiver: AppliedWaiver? = nil, change: Change? = nil) {
        self.shared = rule
        // The report boundary: what a finding says of the audited object is masked and escaped here, once.
        self.finding = finding.shown
        self.waiver = waiver
        self.change = change
    }

    /// The status reports show: `waived` while a waiver holds, the rule's own otherwise.
    public var status: Status { waiver?.expired == false ? .waived : finding.status }
    public var severity: Severity { finding.severity ?? rule.severity }
    public var target: Target { finding.target }

    /// How reports name the target: `file:line:column` for lint findings, the target's label otherwise.
    public func targetLabel(_ language: Language) -> String {
        finding.location?.description ?? target.label(language)
    }
}

/// A waiver as it applied to one result.
public struct AppliedWaiver: Sendable, Equatable {
    public var reason: String
    /// `YYYY-MM-DD`, nil for a waiver without an end.
    public var expires: String?
    public var expired: Bool
    /// Where the waiver is written, `file:line`.
    public var source: String
    /// Written in the linted file itself (`# docker-baseline ignore=…`), not in the configuration file.
    public var inSource = false
}

public enum Change: String, Sendable, Equatable, Codable {
    /// Failing now, not failing in the previous report.
    case new
    /// Failing now and before.
    case unchanged
    /// Failing before, not now (the result is the previous one, kept so the fix shows).
    case fixed
}
