import Foundation

extension TextReporter {
    /// The failures at the highest severities (critical and high, else the worst there is), one line each with
    /// the target and what to do, before the sections.
    func topFailures(_ report: AuditReport) -> String {
        let shown = report.mostSevereFailures
        guard let worst = shown.first?.severity, let floor = shown.last?.severity else { return "" }
        let limit = verbose ? shown.count : 15
        let levels = Severity.allCases.reversed().filter { $0 >= floor && $0 <= worst }.map { Vocabulary.severity($0, language) }
        var out = "\n" + style.bold(zh ? "最严重的失败项（\(levels.joined(separator: "、"))）" : "Most severe failures (\(levels.joined(separator: ", ")))") + "\n"
        for result in shown.prefix(limit) {
            let before = "\(mark(.fail)) " + paint(.fail, pad(Vocabulary.severity(result.severity, language), 9))
                + pad(report.benchmark.id(for: result.rule) ?? "-", 7)
            let hint = style.dim((zh ? " → 修复：" : " → fix: ") + result.fixHint(language))
            out += columnLine(before, indent: 18, result.target.label(language), width: Self.targetWidth, result.finding.message[language] + hint)
        }
        if shown.count > limit {
            out += "  " + style.dim(zh ? "……另有 \(shown.count - limit) 项，见下文" : "… and \(shown.count - limit) more below") + "\n"
        }
        return out
    }

    /// Counts per status and per failure severity, the score, inputs that could not be read, and (last) why the
    /// command exits as it does.
    func summary(_ report: AuditReport) -> String {
        let tally = report.tally
        let statuses = Status.allCases.map { "\(Vocabulary.status($0, language)) \(tally.count($0))" }.joined(separator: " · ")
        let score = tally.score.map { String(format: "%.1f%%", $0) } ?? "n/a"
        var out = style.bold(zh ? "汇总  " : "Summary  ") + statuses + (zh ? "   得分 " : "   score ") + score + "\n"
        let severities = Severity.allCases.reversed().compactMap { severity in
            tally.failuresBySeverity[severity].map { "\(Vocabulary.severity(severity, language)) \($0)" }
        }
        out += style.bold(zh ? "失败项按级别  " : "Failures by severity  ") + (severities.isEmpty ? (zh ? "无" : "none") : severities.joined(separator: " · ")) + "\n"
        let unread = report.unreadInputs
        if !unread.isEmpty {
            let names = unread.map { "\($0.target.name) (\($0.finding.message[language]))" }.joined(separator: "; ")
            out += paint(.error, zh ? "未能读取 \(unread.count) 项输入，未作任何判断：\(names)" : "\(unread.count) input(s) could not be read and were not judged: \(names)") + "\n"
        }
        if let exit { out += style.bold(UntrustedText.shown(exit.text(report, language: language))) + "\n" }
        return out
    }
}

extension AuditReport {
    /// The failures reports lead with: those at critical and high (else at the worst severity there is), worst first,
    /// in report order within a severity.
    var mostSevereFailures: [Result] {
        let failing = results.indices.filter { results[$0].status == .fail }
        guard let worst = failing.lazy.map({ results[$0].severity }).max() else { return [] }
        let floor = min(worst, .high)
        return failing.filter { results[$0].severity >= floor }
            .sorted { (results[$0].severity, $1) > (results[$1].severity, $0) }
            .map { results[$0] }
    }
}
