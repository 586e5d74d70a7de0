import Foundation

/// What `lint` reads: Dockerfiles and Compose files.
public enum BuildFileKind: String, Sendable, CaseIterable {
    case dockerfile, compose
}

/// A parsed build file, or why it could not be read at all.
public enum BuildFile: Sendable {
    case dockerfile(Dockerfile)
    case compose(ComposeProject)
    case unreadable(path: String, kind: BuildFileKind?, message: String)

    public var path: String {
        switch self {
        case let .dockerfile(file): file.path
        case let .compose(project): project.path
        case let .unreadable(path, _, _): path
        }
    }
}

/// A check of a build file. Pure: it reads the parsed file and never does I/O.
public protocol LintRule: Sendable {
    var metadata: RuleMetadata { get }
    /// Triggering and non-triggering examples, run by one shared test.
    var examples: [LintExample] { get }
    var kind: BuildFileKind { get }
    func check(_ file: BuildFile, _ settings: RuleSettings) -> [LintFinding]
}

public protocol DockerfileRule: LintRule {
    func check(_ file: Dockerfile, _ settings: RuleSettings) -> [LintFinding]
}

extension DockerfileRule {
    public var kind: BuildFileKind { .dockerfile }
    public func check(_ file: BuildFile, _ settings: RuleSettings) -> [LintFinding] {
        guard case let .dockerfile(dockerfile) = file else { return [] }
        return check(dockerfile, settings)
    }
}

/// A check judged once per Compose service (after `extends`, merge keys, overrides and interpolation).
public protocol ComposeRule: LintRule {
    func check(_ service: ComposeService, _ settings: RuleSettings) -> [LintFinding]
}

extension ComposeRule {
    public var kind: BuildFileKind { .compose }
    public func check(_ file: BuildFile, _ settings: RuleSettings) -> [LintFinding] {
        guard case let .compose(project) = file else { return [] }
        return project.services.flatMap { service in
            check(service, settings).map { finding in
                var finding = finding
                finding.evidence["service"] = service.name
                finding.message = LocalizedText(en: "service \(service.name): \(finding.message.en)", zh: "服务 \(service.name)：\(finding.message.zh)")
                return finding
            }
        }
    }
}

/// What a lint rule found, and where.
public struct LintFinding: Sendable, Equatable {
    public var status: Status
    public var severity: Severity?
    public var message: LocalizedText
    public var evidence: [String: String]
    /// The file it is in when that is not the linted file itself (a Compose override or `extends` file).
    public var file: String?
    public var range: SourceRange
    public var fix: Fix?

    public static func fail(_ range: SourceRange, _ en: String, _ zh: String, severity: Severity? = nil, evidence: [String: String] = [:],
                            file: String? = nil, fix: Fix? = nil) -> LintFinding {
        LintFinding(status: .fail, severity: severity, message: LocalizedText(en: en, zh: zh), evidence: evidence, file: file, range: range, fix: fix)
    }

    public static func warn(_ range: SourceRange, _ en: String, _ zh: String, evidence: [String: String] = [:], file: String? = nil) -> LintFinding {
        LintFinding(status: .warn, severity: nil, message: LocalizedText(en: en, zh: zh), evidence: evidence, file: file, range: range, fix: nil)
    }
}

/// A rule's own example: a Dockerfile or Compose file and what the rule must say about it.
public struct LintExample: Sendable {
    public var kind: BuildFileKind
    public var text: String
    /// Other files next to it (`.env`, `docker-compose.override.yml`, a file `extends` names).
    public var siblings: [String: String]
    /// `.fail`: the rule reports a failure (at `line` when given); `.pass`: it reports no failure or warning.
    public var expect: Status
    public var line: Int?
    public var settings: RuleSettings
    public var file: String
    public var sourceLine: Int

    public static func dockerfile(_ text: String, _ expect: Status, line: Int? = nil, settings: RuleSettings = .init(),
                                  file: String = #fileID, sourceLine: Int = #line) -> LintExample {
        LintExample(kind: .dockerfile, text: text, siblings: [:], expect: expect, line: line, settings: settings, file: file, sourceLine: sourceLine)
    }

    public static func compose(_ text: String, _ expect: Status, line: Int? = nil, siblings: [String: String] = [:],
                               file: String = #fileID, sourceLine: Int = #line) -> LintExample {
        LintExample(kind: .compose, text: text, siblings: siblings, expect: expect, line: line, settings: .init(), file: file, sourceLine: sourceLine)
    }
}
