import Foundation

/// The report a person reads in a terminal: grouped by benchmark section, a block per rule, a line per target.
public struct TextReporter {
    public var language: Language
    public var colour: Bool
    /// List passing targets one by one instead of counting them.
    public var verbose: Bool
    public var showRemediation: Bool

    public init(language: Language, colour: Bool, verbose: Bool = false, showRemediation: Bool = false) {
        self.language = language
        self.colour = colour
        self.verbose = verbose
        self.showRemediation = showRemediation
    }

    static let sectionTitles: [String: LocalizedText] = [
        "1": .init(en: "1 Host configuration", zh: "1 宿主机配置"),
        "2": .init(en: "2 Docker daemon configuration", zh: "2 Docker 守护进程配置"),
        "3": .init(en: "3 Docker daemon configuration files", zh: "3 Docker 守护进程配置文件"),
        "4": .init(en: "4 Container images and build files", zh: "4 容器镜像与构建文件"),
        "5": .init(en: "5 Container runtime", zh: "5 容器运行时"),
        "6": .init(en: "6 Docker security operations", zh: "6 Docker 安全运维"),
        "7": .init(en: "7 Docker swarm configuration", zh: "7 Docker Swarm 配置"),
        "network": .init(en: "Docker APIs on the network", zh: "网络上的 Docker API"),
        "other": .init(en: "Collection", zh: "数据采集"),
    ]

    private var style: TerminalStyle { TerminalStyle(enabled: colour) }

    public func render(_ report: AuditReport) -> String {
        if report.subject == .files { return renderFiles(report) }
        var out = header(report)
        // Grouped by index: a busy host's results are most of the audit's memory, and are not copied whole.
        var sections: [String] = []
        var bySection: [String: [Int]] = [:]
        for (index, result) in report.results.enumerated() {
            let section = result.rule.section
            if bySection[section] == nil { sections.append(section) }
            bySection[section, default: []].append(index)
        }
        for section in sections {
            out += "\n" + style.bold(Self.sectionTitles[section]?[language] ?? section) + "\n"
            var rules: [RuleID] = []
            var byRule: [RuleID: [Int]] = [:]
            for index in bySection[section]! {
                let id = report.results[index].rule.id
                if byRule[id] == nil { rules.append(id) }
                byRule[id, default: []].append(index)
            }
            for rule in rules { out += block(byRule[rule]!.map { report.results[$0] }, benchmark: report.benchmark) }
        }
        out += "\n" + summary(report) + "\n"
        return out
    }

    /// Lint results as compilers print diagnostics, `file:line:column: status`, by file and line, then the summary.
    private func renderFiles(_ report: AuditReport) -> String {
        let files = Set(report.results.map(\.target.id)).count
        var out = "Docker Baseline \(ToolInfo.current.version) · lint · " + (language == .zh ? "\(files) 个文件" : "\(files) file(s)") + "\n\n"
        let shown = report.results.filter { verbose || ![.pass, .skipped].contains($0.status) }.sorted { a, b in
            let left = (a.finding.location?.file ?? a.target.id, a.finding.location?.range.line ?? 0, a.finding.location?.range.column ?? 0)
            let right = (b.finding.location?.file ?? b.target.id, b.finding.location?.range.line ?? 0, b.finding.location?.range.column ?? 0)
            return left < right
        }
        for result in shown {
            let place = result.finding.location.map(\.description) ?? result.target.id
            let severity = [.fail, .waived].contains(result.status) ? " " + result.severity.rawValue : ""
            let cis = result.rule.cis.map { " CIS \($0)" } ?? ""
            out += "\(place): \(paint(result.status, result.status.rawValue))\(severity) " + style.dim("[\(result.rule.id)\(cis)]") + " \(result.finding.message[language])\n"
            if let waiver = result.waiver {
                let text = language == .zh ? "已忽略（\(waiver.source)）：\(waiver.reason)" : "ignored (\(waiver.source)): \(waiver.reason)"
                out += "    " + style.cyan(waiver.expired ? (language == .zh ? "豁免已过期：" : "waiver expired: ") + waiver.reason : text) + "\n"
            }
            if showRemediation, result.status == .fail {
                out += "    " + style.bold(language == .zh ? "修复：" : "Fix: ") + (result.finding.fix?.description[language].appending(language == .zh ? "。" : ". ") ?? "")
                    + result.rule.remediation[language] + "\n"
            }
        }
        if shown.isEmpty { out += style.green(language == .zh ? "没有发现问题。" : "No findings.") + "\n" }
        return out + "\n" + summary(report) + "\n"
    }

    private func header(_ report: AuditReport) -> String {
        let snapshot = report.snapshot
        let engineWord = language == .zh ? "引擎" : "engine"
        let engine = snapshot.engine.version.map { "\(engineWord) \($0) (API \(snapshot.engine.apiVersion ?? "?"))" } ?? engineWord
        let running = snapshot.containers.filter { $0.inspect.isRunning }.count
        let counts = language == .zh
            ? "\(snapshot.containers.count) 个容器（\(running) 个运行中），\(snapshot.images.count) 个镜像"
            : "\(snapshot.containers.count) containers (\(running) running), \(snapshot.images.count) images"
        if report.subject == .networkScan { return "Docker Baseline \(ToolInfo.current.version) · \(snapshot.endpoint) · \(snapshot.collectedAt)\n" }
        var header = "Docker Baseline \(ToolInfo.current.version) · \(engine) · \(snapshot.endpoint) · \(snapshot.collectedAt)\n\(counts)\n"
        if let reason = snapshot.engineUnavailable {
            header += style.yellow(language == .zh ? "注意：没有运行中的 Docker 引擎，仅判断了宿主机与守护进程配置文件\n" : "Note: \(reason)\n")
        }
        return header
    }

    private func block(_ results: [Result], benchmark: Benchmark) -> String {
        let rule = results[0].rule
        let worst = results.map(\.status).min() ?? .pass
        let severity = results.filter { $0.status == .fail }.map(\.severity).max() ?? rule.severity
        var out = "\(badge(worst)) \(pad(benchmark.id(for: rule) ?? "-", 6)) \(rule.title[language]) " + style.dim("[\(rule.id), \(severity.rawValue)]") + "\n"
        var passed = 0
        var grouped: [String: (status: Status, count: Int)] = [:]
        var groupOrder: [String] = []
        for result in results.sorted(by: { $0.status < $1.status }) {
            if result.status == .pass && !verbose {
                passed += 1
                continue
            }
            // Identical skips (e.g. "no AppArmor on this host" for every container) are one line.
            if result.status == .skipped && !verbose {
                let key = result.finding.message[language]
                if grouped[key] == nil { groupOrder.append(key) }
                grouped[key, default: (.skipped, 0)].count += 1
                continue
            }
            out += "      \(mark(result.status)) \(targetLabel(result.target)) \(result.finding.message[language])"
            let evidence = result.finding.evidence.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            if !evidence.isEmpty && result.status != .pass { out += "  " + style.dim("(\(evidence))") }
            if let change = result.change { out += "  " + style.bold("[\(change.rawValue)]") }
            out += "\n"
            if let waiver = result.waiver {
                let until = waiver.expires.map { language == .zh ? "，有效期至 \($0)" : " until \($0)" } ?? ""
                let text = waiver.expired
                    ? (language == .zh ? "豁免已于 \(waiver.expires ?? "") 过期（\(waiver.source)）：\(waiver.reason)" : "waiver expired on \(waiver.expires ?? "") (\(waiver.source)): \(waiver.reason)")
                    : (language == .zh ? "已豁免\(until)（\(waiver.source)）：\(waiver.reason)" : "waived\(until) (\(waiver.source)): \(waiver.reason)")
                out += "          " + style.cyan(text) + "\n"
            }
        }
        for key in groupOrder {
            let count = grouped[key]!.count
            out += "      \(mark(.skipped)) " + style.dim(language == .zh ? "\(count) 个目标：\(key)" : "\(count) target(s): \(key)") + "\n"
        }
        if passed > 0 {
            out += "      \(mark(.pass)) " + style.dim(language == .zh ? "另有 \(passed) 个目标通过" : "\(passed) target(s) pass") + "\n"
        }
        if showRemediation && (worst == .fail || worst == .warn) {
            out += "      " + style.bold(language == .zh ? "修复：" : "Fix: ") + rule.remediation[language] + "\n"
        }
        return out
    }

    private func targetLabel(_ target: Target) -> String {
        let state = target.state.map { " (\($0))" } ?? ""
        return pad("\(target.kind.rawValue) \(target.name)\(state)", 32)
    }

    private func summary(_ report: AuditReport) -> String {
        let parts = Status.allCases.map { status in "\(status.rawValue) \(report.count(status))" }.joined(separator: " · ")
        let score = report.score.map { String(format: "%.1f%%", $0) } ?? "n/a"
        var line = style.bold(language == .zh ? "汇总  " : "Summary  ") + parts + (language == .zh ? "   得分 " : "   score ") + score
        let unread = report.unreadInputs
        if !unread.isEmpty {
            let names = unread.map { "\($0.target.name) (\($0.finding.message[language]))" }.joined(separator: "; ")
            line += "\n" + paint(.error, language == .zh ? "未能读取 \(unread.count) 项输入，未作任何判断：\(names)" : "\(unread.count) input(s) could not be read and were not judged: \(names)")
        }
        return line
    }

    private func badge(_ status: Status) -> String { paint(status, pad(status.rawValue.uppercased(), 7)) }

    /// A status's colour: bold for the ones that need attention.
    private func paint(_ status: Status, _ text: String) -> String {
        switch status {
        case .fail: style.bold(style.red(text))
        case .error: style.bold(style.magenta(text))
        case .warn: style.bold(style.yellow(text))
        case .pass: style.bold(style.green(text))
        case .info, .skipped: style.dim(text)
        case .waived: style.bold(style.cyan(text))
        }
    }

    private func mark(_ status: Status) -> String {
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

/// Pads to `width` terminal columns, counting East Asian wide characters as two.
func pad(_ text: String, _ width: Int) -> String {
    let columns = displayWidth(text)
    return columns >= width ? text : text + String(repeating: " ", count: width - columns)
}

func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return width + 2
        default:
            return width + 1
        }
    }
}

/// ANSI styling, on only when the output is a terminal that wants colour.
struct TerminalStyle {
    var enabled: Bool

    private func wrap(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { wrap("1", text) }
    func dim(_ text: String) -> String { wrap("2", text) }
    func red(_ text: String) -> String { wrap("31", text) }
    func green(_ text: String) -> String { wrap("32", text) }
    func yellow(_ text: String) -> String { wrap("33", text) }
    func magenta(_ text: String) -> String { wrap("35", text) }
    func cyan(_ text: String) -> String { wrap("36", text) }
}
