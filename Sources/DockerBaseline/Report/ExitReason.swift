/// How a command ends, and why, as the text report's last line says it. The command line decides it
/// (`ReportOptions.finish`, the one place that does); reports only tell it.
public struct ExitReason: Sendable {
    public enum Cause: Sendable {
        /// Failures at or above `--fail-on` (against a previous report: new ones).
        case failures([Result], threshold: Severity)
        /// The command's own reason: a score below `--min-score`, inputs that could not be read.
        case command(LocalizedText)
        /// Nothing could be judged.
        case couldNotAudit(String)
        /// No failure at or above the threshold; nil for `--fail-on none`.
        case clean(threshold: Severity?)
    }

    public var code: Int32
    public var cause: Cause

    public init(code: Int32, cause: Cause) {
        self.code = code
        self.cause = cause
    }

    /// `exit 1: 1 high failure (2.9 daemon.userns-remap) at or above --fail-on high`
    public func text(_ report: AuditReport, language: Language) -> String {
        let zh = language == .zh
        let head = zh ? "退出码 \(code)：" : "exit \(code): "
        switch cause {
        case let .failures(failures, threshold):
            let bySeverity = Severity.allCases.reversed().compactMap { severity -> String? in
                let count = failures.filter { $0.severity == severity }.count
                guard count > 0 else { return nil }
                return zh ? "\(count) 个\(Vocabulary.severity(severity, language))" : "\(count) \(severity.rawValue)"
            }
            var rules: [String] = []
            for result in failures {
                let name = (report.benchmark.id(for: result.rule).map { "\($0) " } ?? "") + result.rule.id.rawValue
                if !rules.contains(name) { rules.append(name) }
            }
            let shown = rules.prefix(3).joined(separator: zh ? "、" : ", ") + (rules.count > 3 ? (zh ? " 等 \(rules.count) 条规则" : ", +\(rules.count - 3) more") : "")
            let new = failures.contains { $0.change == .new }
            if zh {
                return head + bySeverity.joined(separator: "、") + (new ? "新" : "") + "失败项（\(shown)）达到或超过 --fail-on \(threshold.rawValue)"
            }
            let noun = failures.count == 1 ? "failure" : "failures"
            let counts = bySeverity.count == 1 ? bySeverity[0] : bySeverity.dropLast().joined(separator: ", ") + " and " + bySeverity.last!
            return head + counts + (new ? " new " : " ") + noun + " (\(shown)) at or above --fail-on \(threshold.rawValue)"
        case let .command(reason):
            return head + reason[language]
        case let .couldNotAudit(reason):
            return head + reason
        case let .clean(threshold?):
            let below = report.tally.failuresBySeverity.filter { $0.key < threshold }.values.reduce(0, +)
            let comparing = report.results.contains { $0.change != nil }
            if zh {
                return head + "没有达到或超过 --fail-on \(threshold.rawValue) 的\(comparing ? "新" : "")失败项" + (below > 0 ? "（另有 \(below) 个较低级别的失败项）" : "")
            }
            return head + "no \(comparing ? "new " : "")failure at or above --fail-on \(threshold.rawValue)" + (below > 0 ? " (\(below) below it)" : "")
        case .clean(nil):
            return head + (zh ? "--fail-on none：失败项不影响退出码" : "--fail-on none: failures do not change the exit code")
        }
    }
}
