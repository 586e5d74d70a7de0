import Foundation

/// The report a person reads in a terminal: the worst failures first, then the results grouped by benchmark
/// section (a block per rule, a line per target), then the summary and why the command exits as it does.
public struct TextReporter {
    public var language: Language
    public var colour: Bool
    /// List passing targets and skipped rules one by one instead of counting them.
    public var verbose: Bool
    public var showRemediation: Bool
    /// How the command ends, said on the last line; nil when the report is rendered outside a command.
    public var exit: ExitReason?

    public init(language: Language, colour: Bool, verbose: Bool = false, showRemediation: Bool = false, exit: ExitReason? = nil) {
        self.language = language
        self.colour = colour
        self.verbose = verbose
        self.showRemediation = showRemediation
        self.exit = exit
    }

    /// Terminal columns of a target in a rule's block, and where it starts.
    static let targetWidth = 32, targetIndent = 8

    var style: TerminalStyle { TerminalStyle(enabled: colour) }
    var zh: Bool { language == .zh }

    public func render(_ report: AuditReport) -> String {
        if report.subject == .files { return renderFiles(report) }
        var out = header(report) + topFailures(report)
        // Grouped by index: a busy host's results are most of the audit's memory, and are not copied whole.
        var sections: [String] = []
        var bySection: [String: [Int]] = [:]
        for (index, result) in report.results.enumerated() {
            let section = result.rule.section
            if bySection[section] == nil { sections.append(section) }
            bySection[section, default: []].append(index)
        }
        for section in sections {
            out += "\n" + style.bold(Vocabulary.section(section, language)) + "\n"
            var rules: [RuleID] = []
            var byRule: [RuleID: [Int]] = [:]
            for index in bySection[section]! {
                let id = report.results[index].rule.id
                if byRule[id] == nil { rules.append(id) }
                byRule[id, default: []].append(index)
            }
            var skipped: [[Result]] = []
            for rule in rules {
                let results = byRule[rule]!.map { report.results[$0] }
                if !verbose, results.allSatisfy({ $0.status == .skipped }) {
                    skipped.append(results)
                } else {
                    out += block(results, benchmark: report.benchmark)
                }
            }
            out += skippedLine(skipped, benchmark: report.benchmark)
        }
        return out + "\n" + summary(report)
    }

    /// Lint results as compilers print diagnostics, `file:line:column: status`, by file and line, then the summary.
    private func renderFiles(_ report: AuditReport) -> String {
        let files = Set(report.results.map(\.target.id)).count
        var out = "Docker Baseline \(ToolInfo.current.version) · lint · " + (zh ? "\(files) 个文件" : "\(files) file(s)") + "\n\n"
        let shown = report.results.filter { verbose || ![.pass, .skipped].contains($0.status) }.sorted { a, b in
            let left = (a.finding.location?.file ?? a.target.id, a.finding.location?.range.line ?? 0, a.finding.location?.range.column ?? 0)
            let right = (b.finding.location?.file ?? b.target.id, b.finding.location?.range.line ?? 0, b.finding.location?.range.column ?? 0)
            return left < right
        }
        for result in shown {
            let place = result.finding.location.map(\.description) ?? result.target.id
            let severity = [.fail, .waived].contains(result.status) ? " " + Vocabulary.severity(result.severity, language) : ""
            let cis = result.rule.cis.map { " CIS \($0)" } ?? ""
            out += "\(place): \(paint(result.status, Vocabulary.status(result.status, language)))\(severity) " + style.dim("[\(result.rule.id)\(cis)]")
                + " \(result.finding.message[language])\n"
            if let waiver = result.waiver {
                let text = zh ? "已忽略（\(waiver.source)）：\(waiver.reason)" : "ignored (\(waiver.source)): \(waiver.reason)"
                out += "    " + style.cyan(waiver.expired ? (zh ? "豁免已过期：" : "waiver expired: ") + waiver.reason : text) + "\n"
            }
            if showRemediation, result.status == .fail {
                out += "    " + style.bold(zh ? "修复：" : "Fix: ") + (result.finding.fix?.description[language].appending(zh ? "。" : ". ") ?? "")
                    + result.remediation(language) + "\n"
            }
        }
        if shown.isEmpty { out += style.green(zh ? "没有发现问题。" : "No findings.") + "\n" }
        return out + "\n" + summary(report)
    }

    private func header(_ report: AuditReport) -> String {
        let snapshot = report.snapshot
        let engineWord = zh ? "引擎" : "engine"
        let engine = snapshot.engine.version.map { _ in "\(UntrustedText.shown(snapshot.engineLabel)) (API \(UntrustedText.shown(snapshot.engine.apiVersion ?? "?")))" } ?? engineWord
        let endpoint = UntrustedText.shown(snapshot.endpoint), collectedAt = UntrustedText.shown(snapshot.collectedAt)
        let running = snapshot.containers.filter { $0.inspect.isRunning }.count
        let counts = zh
            ? "\(snapshot.containers.count) 个容器（\(running) 个运行中），\(snapshot.images.count) 个镜像"
            : "\(snapshot.containers.count) containers (\(running) running), \(snapshot.images.count) images"
        if report.subject == .networkScan { return "Docker Baseline \(ToolInfo.current.version) · \(endpoint) · \(collectedAt)\n" }
        var header = "Docker Baseline \(ToolInfo.current.version) · \(engine) · \(endpoint) · \(collectedAt)\n\(counts)\n"
        if let reason = snapshot.engineUnavailable {
            header += style.yellow(zh ? "注意：没有运行中的 Docker 引擎，仅判断了宿主机与守护进程配置文件\n" : "Note: \(UntrustedText.shown(reason))\n")
        }
        return header
    }

    private func block(_ results: [Result], benchmark: Benchmark) -> String {
        let rule = results[0].rule
        let worst = results.lazy.map(\.status).min() ?? .pass
        let severity = results.lazy.filter { $0.status == .fail }.map(\.severity).max() ?? rule.severity
        var out = "\(badge(worst)) \(pad(benchmark.id(for: rule) ?? "-", 6)) \(rule.title[language]) "
            + style.dim("[\(rule.id), \(Vocabulary.severity(severity, language))]") + "\n"
        var passed = 0
        var grouped: [String: Int] = [:]
        var groupOrder: [String] = []
        for index in results.indices.sorted(by: { results[$0].status < results[$1].status }) {
            let result = results[index]
            if result.status == .pass && !verbose {
                passed += 1
                continue
            }
            // Identical skips (e.g. "no AppArmor on this host" for every container) are one line.
            if result.status == .skipped && !verbose {
                let key = result.finding.message[language]
                if grouped[key] == nil { groupOrder.append(key) }
                grouped[key, default: 0] += 1
                continue
            }
            var after = result.finding.message[language]
            let evidence = result.evidence(beyondMessageIn: language).map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            if !evidence.isEmpty && result.status != .pass { after += "  " + style.dim("(\(evidence))") }
            if let change = result.change { after += "  " + style.bold("[\(change.rawValue)]") }
            out += columnLine("      \(mark(result.status)) ", indent: Self.targetIndent, result.target.label(language), width: Self.targetWidth, after)
            if let waiver = result.waiver {
                let until = waiver.expires.map { zh ? "，有效期至 \($0)" : " until \($0)" } ?? ""
                let text = waiver.expired
                    ? (zh ? "豁免已于 \(waiver.expires ?? "") 过期（\(waiver.source)）：\(waiver.reason)" : "waiver expired on \(waiver.expires ?? "") (\(waiver.source)): \(waiver.reason)")
                    : (zh ? "已豁免\(until)（\(waiver.source)）：\(waiver.reason)" : "waived\(until) (\(waiver.source)): \(waiver.reason)")
                out += "          " + style.cyan(text) + "\n"
            }
        }
        for key in groupOrder {
            let count = grouped[key]!
            out += "      \(mark(.skipped)) " + style.dim(zh ? "\(count) 个目标：\(key)" : "\(count) target(s): \(key)") + "\n"
        }
        if passed > 0 {
            out += "      \(mark(.pass)) " + style.dim(zh ? "另有 \(passed) 个目标通过" : "\(passed) target(s) pass") + "\n"
        }
        if showRemediation && (worst == .fail || worst == .warn) {
            var fixes: [String] = []
            for result in results where result.status == .fail || result.status == .warn {
                let fix = result.remediation(language)
                if !fixes.contains(fix) { fixes.append(fix) }
            }
            for fix in fixes { out += "      " + style.bold(zh ? "修复：" : "Fix: ") + fix + "\n" }
        }
        return out
    }

    /// A section's rules that were skipped on every target, as one line: their ids, and why when they share a reason.
    private func skippedLine(_ rules: [[Result]], benchmark: Benchmark) -> String {
        guard !rules.isEmpty else { return "" }
        var ids: [String] = []
        for results in rules {
            let id = benchmark.id(for: results[0].rule) ?? results[0].rule.id.rawValue
            if !ids.contains(id) { ids.append(id) }
        }
        let reasons = Set(rules.flatMap { $0.map { $0.finding.message[language] } })
        let why = reasons.count == 1 ? " — " + reasons.first! : (zh ? "（--verbose 显示原因）" : " (--verbose shows why)")
        let text = zh ? "\(rules.count) 条规则：\(idRanges(ids, language))" : "\(rules.count) rule\(rules.count == 1 ? "" : "s"): \(idRanges(ids, language))"
        return "\(badge(.skipped)) " + style.dim(text + why) + "\n"
    }

    func badge(_ status: Status) -> String {
        let word = Vocabulary.status(status, language)
        return paint(status, pad(zh ? word : word.uppercased(), 7))
    }

    /// A status's colour: bold for the ones that need attention.
    func paint(_ status: Status, _ text: String) -> String {
        switch status {
        case .fail: style.bold(style.red(text))
        case .error: style.bold(style.magenta(text))
        case .warn: style.bold(style.yellow(text))
        case .pass: style.bold(style.green(text))
        case .info, .skipped: style.dim(text)
        case .waived: style.bold(style.cyan(text))
        }
    }

    func mark(_ status: Status) -> String {
        switch status {
        case .fail: return style.red("✗")
        case .error: return style.magenta("!")
        case .warn: return style.yellow("?")
        case .pass: return style.green("✓")
        case .info: return style.dim("i")
        case .skipped: return style.dim("-")
        case .waived: return style.cyan("~")
        }
    }
}

/// Ids in report order, three or more consecutive ones as a range: `1.1.3–1.1.10, 1.1.12`.
func idRanges(_ ids: [String], _ language: Language) -> String {
    func split(_ id: String) -> (prefix: Substring, number: Int)? {
        guard let dot = id.lastIndex(of: "."), let number = Int(id[id.index(after: dot)...]) else { return nil }
        return (id[..<dot], number)
    }
    var runs: [(first: String, last: String)] = []
    for id in ids {
        if let last = runs.last, let previous = split(last.last), let current = split(id),
           previous.prefix == current.prefix, current.number == previous.number + 1 {
            runs[runs.count - 1].last = id
        } else {
            runs.append((id, id))
        }
    }
    return runs.flatMap { run -> [String] in
        guard run.first != run.last else { return [run.first] }
        if let first = split(run.first), let last = split(run.last), last.number == first.number + 1 { return [run.first, run.last] }
        return ["\(run.first)–\(run.last)"]
    }.joined(separator: language == .zh ? "、" : ", ")
}
