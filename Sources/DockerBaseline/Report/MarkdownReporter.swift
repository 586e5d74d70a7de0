/// Markdown for pull requests and wikis: the summary, then every result that needs attention, by section.
public enum MarkdownReporter {
    public static func render(_ report: AuditReport, language: Language) -> String {
        let zh = language == .zh
        let snapshot = report.snapshot
        var out = "# Docker Baseline\n\n"
        let about = [snapshot.engine.version == nil ? "?" : snapshot.engineLabel, snapshot.endpoint, snapshot.collectedAt].map(UntrustedText.shown).joined(separator: " · ")
        out += (zh ? "引擎 " : "Engine ") + cell(about) + "\n\n"
        out += "| " + Status.allCases.map { Vocabulary.status($0, language) }.joined(separator: " | ") + (zh ? " | 得分 |\n" : " | score |\n")
        out += "|" + String(repeating: "---|", count: Status.allCases.count + 1) + "\n"
        let tally = report.tally
        out += "| " + Status.allCases.map { String(tally.count($0)) }.joined(separator: " | ") + " | \(tally.score.map { "\($0)%" } ?? "n/a") |\n"
        var sections: [String] = []
        // By index: the results are most of a busy host's audit, and are not copied.
        var bySection: [String: [Int]] = [:]
        for index in report.results.indices where ![.pass, .skipped].contains(report.results[index].status) {
            let section = report.results[index].rule.section
            if bySection[section] == nil { sections.append(section) }
            bySection[section, default: []].append(index)
        }
        for section in sections {
            out += "\n## \(Vocabulary.section(section, language))\n\n"
            out += zh ? "| 状态 | 编号 | 规则 | 目标 | 结论 | 证据 |\n" : "| status | id | rule | target | finding | evidence |\n"
            out += "|---|---|---|---|---|---|\n"
            for index in bySection[section]!.sorted(by: { report.results[$0].status < report.results[$1].status }) {
                let result = report.results[index]
                let target = result.targetLabel(language)
                var finding = result.finding.message[language]
                if let waiver = result.waiver { finding += zh ? "（豁免：\(waiver.reason)）" : " (waived: \(waiver.reason))" }
                if let change = result.change { finding += " [\(change.rawValue)]" }
                let cells = [
                    "**\(Vocabulary.status(result.status, language))** \(result.status == .fail ? Vocabulary.severity(result.severity, language) : "")",
                    report.benchmark.id(for: result.rule) ?? "-", "`\(result.rule.id)` \(result.rule.title[language])",
                    "`\(target)`", finding, JUnitReporter.evidenceText(result, language),
                ]
                out += "| " + cells.map(cell).joined(separator: " | ") + " |\n"
            }
        }
        return out
    }

    /// A table cell: pipes escaped, line breaks as <br>.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "<br>")
    }
}
