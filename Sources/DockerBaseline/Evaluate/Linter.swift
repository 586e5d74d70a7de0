import Foundation

/// Runs the lint rules over parsed build files and applies inline ignores, whose bare CIS ids are read in `reported`
/// (the policy's numbering). Pure, like `Evaluator`.
public enum Linter {
    public static func lint(_ files: [BuildFile], settings: RuleSettings = .init(), reporting reported: Benchmark = .cis16,
                            rules: [any LintRule] = RuleCatalog.lint) -> AuditReport {
        let slots = ConcurrentSlots([[Result]](repeating: [], count: files.count))
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            slots.set(index, results(for: files[index], settings: settings, reporting: reported, rules: rules))
        }
        let snapshot = Snapshot(collectedAt: ISO8601DateFormatter().string(from: Date()), endpoint: "lint", engine: EngineVersion(),
                                info: EngineInfo(), containers: [], images: [], networks: [], host: nil,
                                environment: AuditEnvironment(dockerContentTrust: nil), problems: [])
        var report = AuditReport(snapshot: snapshot, results: slots.values.flatMap { $0 })
        report.subject = .files
        return report
    }

    static func results(for file: BuildFile, settings: RuleSettings, reporting reported: Benchmark, rules: [any LintRule]) -> [Result] {
        let target = Target.file(file.path)
        var results: [Result] = []
        let kind: BuildFileKind?
        var unreadable: String?
        switch file {
        case let .unreadable(_, fileKind, message):
            kind = fileKind
            unreadable = message
            results.append(Result(rule: inputRule, finding: Finding(target: target, status: .error, message: .init(en: message, zh: "无法读取：\(message)"))))
        case let .dockerfile(dockerfile):
            kind = .dockerfile
            for problem in dockerfile.problems where problem.range == nil {
                results.append(Result(rule: inputRule, finding: Finding(target: target, status: .error,
                                                                        message: .init(en: problem.message, zh: "无法读取：\(problem.message)"))))
            }
            if dockerfile.instructions.isEmpty {
                unreadable = dockerfile.problems.first?.message ?? "the file has no instructions"
                if dockerfile.problems.isEmpty {
                    results.append(Result(rule: inputRule, finding: Finding(target: target, status: .error,
                                                                            message: .init(en: "the file has no instructions", zh: "文件中没有任何指令"))))
                }
            }
        case let .compose(project):
            kind = .compose
            if project.services.isEmpty { unreadable = project.problems.first?.message ?? "the file defines no services" }
        }
        let ignores = settings.inlineIgnores ? InlineIgnores(file, reporting: reported) : nil
        for rule in rules where kind == nil || rule.kind == kind {
            let findings = rule.check(file, settings)
            if findings.isEmpty {
                // Nothing found is a pass only where the file was read; otherwise the rule could not look.
                let verdict: Verdict = unreadable.map { .skipped("not checked: \($0)", "未检查：\($0)") } ?? .pass("passes", "通过")
                results.append(Result(rule: rule.metadata, finding: Finding(target: target, verdict: verdict)))
                continue
            }
            for finding in findings {
                let location = SourceLocation(file: finding.file ?? file.path, range: finding.range)
                var result = Result(rule: rule.metadata, finding: Finding(
                    target: target, status: finding.status, severity: finding.severity, message: finding.message, evidence: finding.evidence,
                    location: location, fix: finding.fix))
                if [.fail, .warn].contains(finding.status), let ignore = ignores?.match(rule.metadata, location) {
                    result.waiver = AppliedWaiver(reason: UntrustedText.shown(ignore.reason), expires: nil, expired: false, source: "\(ignore.file):\(ignore.line)", inSource: true)
                }
                results.append(result)
            }
        }
        results += ignores?.problems.map { problem in
            Result(rule: ignoreRule, finding: Finding(target: target, status: .warn, message: problem.message,
                                                      location: SourceLocation(file: problem.file, range: .line(problem.line))))
        } ?? []
        let known = KnownSecrets(file)
        guard !known.isEmpty else { return results }
        return results.map { result in
            var result = result
            result.finding = known.masking(result.finding)
            return result
        }
    }

    static let inputRule = RuleMetadata(
        id: .lintInput, cis: nil, severity: .medium,
        title: .init(en: "Every file given could be read", zh: "所有指定文件均可读取"),
        rationale: .init(en: "A file that cannot be read (binary, too large, not UTF-8) is not checked by any rule.",
                         zh: "无法读取的文件（二进制、过大、非 UTF-8）不会被任何规则检查。"),
        remediation: .init(en: "Check the path, or exclude the file with --exclude-path.", zh: "检查路径，或用 --exclude-path 排除该文件。"),
        references: [Reference.dockerfile])

    static let ignoreRule = RuleMetadata(
        id: .lintIgnore, cis: nil, severity: .low,
        title: .init(en: "Inline ignores name known rules and give a reason", zh: "行内忽略注释写明已知规则及理由"),
        rationale: .init(en: "An ignore without a reason cannot be reviewed, and one naming no known rule hides nothing but looks as if it does.",
                         zh: "没有理由的忽略无法审查；指向不存在规则的忽略看似生效，实际什么也没忽略。"),
        remediation: .init(en: "Write `# docker-baseline ignore=RULE reason why it is accepted`.", zh: "写成 `# docker-baseline ignore=规则 接受该问题的理由`。"),
        references: [Reference.dockerfile])
}

/// `# docker-baseline ignore=RULE[,RULE] reason`: on the instruction (Dockerfile) or line (Compose) it precedes or
/// ends; `ignore-stage=` for the Dockerfile stage it is in, `ignore-file=` for the whole file.
struct InlineIgnores {
    enum Scope { case line, stage, file }

    struct Ignore {
        var selectors: [RuleSelector]
        var reason: String
        var scope: Scope
        var file: String
        var line: Int
        /// Lines it covers (line scope: the instruction or YAML line; stage scope: the stage).
        var lines: ClosedRange<Int>?
    }

    struct Problem {
        var message: LocalizedText
        var file: String
        var line: Int
    }

    var ignores: [Ignore] = []
    var problems: [Problem] = []
    /// Indexes into `ignores` by file and the line they cover (line scope) or the first line of their stage (stage scope),
    /// so a file with many ignores and many findings is matched in linear time.
    private var byLine: [String: [Int: [Int]]] = [:]
    private var fileWide: [Int] = []
    private var stageStarts: [String: [Int]] = [:]
    /// Compose: for a line with a comment, the first line after it without one (where its block of comments ends).
    private var blockEnds: [String: [Int: Int]] = [:]
    /// The numbering bare CIS ids are read in.
    let reported: Benchmark

    init(_ file: BuildFile, reporting reported: Benchmark) {
        self.reported = reported
        switch file {
        case let .dockerfile(dockerfile):
            let starts = dockerfile.instructions.map(\.range)
            let stageLines = dockerfile.stages.enumerated().map { index, stage -> ClosedRange<Int> in
                let first = dockerfile.instructions[stage.fromIndex].range.line
                let next = index + 1 < dockerfile.stages.count ? dockerfile.instructions[dockerfile.stages[index + 1].fromIndex].range.line - 1 : Int.max - 1
                return first...max(first, next)
            }
            stageStarts[dockerfile.path] = stageLines.map(\.lowerBound)
            for (line, text) in dockerfile.comments.sorted(by: { $0.key < $1.key }) {
                guard var ignore = parse(text, file: dockerfile.path, line: line) else { continue }
                switch ignore.scope {
                case .line:
                    // The instruction it is inside (a comment in a continuation) or the next one. Instructions are in
                    // order and do not overlap: the first one not ending before the line is either.
                    let index = Self.firstIndex(in: starts) { $0.endLine >= line }
                    ignore.lines = index < starts.count ? starts[index].line...starts[index].line : nil
                case .stage:
                    let index = Self.firstIndex(in: stageLines) { $0.upperBound >= line }
                    ignore.lines = index < stageLines.count ? stageLines[index] : nil
                case .file:
                    break
                }
                add(ignore)
            }
        case let .compose(project):
            for (path, comments) in project.comments {
                let ends = project.commentBlockEnds[path] ?? [:]
                blockEnds[path] = ends
                for (line, text) in comments.sorted(by: { $0.key < $1.key }) {
                    guard var ignore = parse(text, file: path, line: line) else { continue }
                    if ignore.scope == .line {
                        // The line it ends, or the first non-comment line after a block of comment lines.
                        ignore.lines = line...(ends[line] ?? line + 1)
                    }
                    add(ignore)
                }
            }
        case .unreadable:
            break
        }
    }

    /// The first index whose element satisfies `isAtOrAfter`, which is false then true along `items`.
    static func firstIndex<T>(in items: [T], where isAtOrAfter: (T) -> Bool) -> Int {
        var low = 0, high = items.count
        while low < high {
            let middle = (low + high) / 2
            if isAtOrAfter(items[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    private mutating func add(_ ignore: Ignore) {
        let index = ignores.count
        ignores.append(ignore)
        switch ignore.scope {
        case .file:
            fileWide.append(index)
        case .stage:
            if let lines = ignore.lines { byLine[ignore.file, default: [:]][lines.lowerBound, default: []].append(index) }
        case .line:
            // By the last line it covers: a Dockerfile instruction's line, or where a Compose block of comments ends.
            if let lines = ignore.lines { byLine[ignore.file, default: [:]][lines.upperBound, default: []].append(index) }
        }
    }

    private static let knownRules = RuleCatalog.lint.map(\.metadata)

    private mutating func parse(_ comment: String, file: String, line: Int) -> Ignore? {
        guard let range = comment.range(of: #"docker-baseline\s+ignore(-stage|-file)?\s*=\s*"#, options: .regularExpression) else { return nil }
        let rest = comment[range.upperBound...]
        let list = rest.prefix { !$0.isWhitespace }
        let reason = rest.dropFirst(list.count).trimmingCharacters(in: .whitespaces)
        let scopeText = comment[range]
        let scope: Scope = scopeText.contains("-file") ? .file : scopeText.contains("-stage") ? .stage : .line
        let selectors: [RuleSelector]
        do { selectors = try list.split(separator: ",").map { try RuleSelector(String($0)) } } catch {
            problems.append(Problem(message: .init(en: "ignore not applied: \(error)", zh: "忽略注释未生效：\(error)"), file: file, line: line))
            return nil
        }
        if let unknown = selectors.first(where: { selector in !Self.knownRules.contains { selector.matches($0, reporting: reported) } }) {
            problems.append(Problem(message: .init(en: "ignore names \(unknown), which is no lint rule: nothing is ignored by it",
                                                   zh: "忽略注释中的 \(unknown) 不是任何检查规则，未忽略任何问题"), file: file, line: line))
            return nil
        }
        guard !reason.isEmpty, !selectors.isEmpty else {
            problems.append(Problem(message: .init(en: "ignore of \(list) has no reason, so it is not applied: write why after the rule",
                                                   zh: "对 \(list) 的忽略没有写明理由，因此未生效：请在规则后写明理由"), file: file, line: line))
            return nil
        }
        return Ignore(selectors: selectors, reason: reason, scope: scope, file: file, line: line)
    }

    func match(_ rule: RuleMetadata, _ location: SourceLocation) -> Ignore? {
        let line = location.range.line
        var candidates = fileWide + (byLine[location.file]?[line] ?? [])
        if let end = blockEnds[location.file]?[line], end != line { candidates += byLine[location.file]?[end] ?? [] }
        // The stage the line is in, by its first line.
        if let starts = stageStarts[location.file] {
            let after = Self.firstIndex(in: starts) { $0 > line }
            if after > 0, let stage = byLine[location.file]?[starts[after - 1]] { candidates += stage }
        }
        return candidates.sorted().lazy.map { ignores[$0] }.first { ignore in
            guard ignore.file == location.file, ignore.selectors.contains(where: { $0.matches(rule, reporting: reported) }) else { return false }
            switch ignore.scope {
            case .file: return true
            case .line, .stage: return ignore.lines?.contains(location.range.line) ?? false
            }
        }
    }
}

extension RuleID {
    public static let lintInput: RuleID = "lint.input"
    public static let lintIgnore: RuleID = "lint.ignore"
}
