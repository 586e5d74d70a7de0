/// JUnit XML for CI test reports: a test suite per benchmark section, a test case per rule and target.
/// fail → <failure>, error → <error>, skipped and waived → <skipped>; warn and info pass with their text in <system-out>.
public enum JUnitReporter {
    public static func render(_ report: AuditReport, language: Language) -> String {
        var out = ""
        write(report, language: language) { out += $0 }
        return out
    }

    /// The document as it is produced, a test case at a time.
    public static func write(_ report: AuditReport, language: Language, _ emit: (String) throws -> Void) rethrows {
        // By index: a busy host's results are most of the audit's memory, and are not copied.
        var sections: [String] = []
        var bySection: [String: [Int]] = [:]
        for (index, result) in report.results.enumerated() {
            if bySection[result.rule.section] == nil { sections.append(result.rule.section) }
            bySection[result.rule.section, default: []].append(index)
        }
        func count(_ indices: [Int], _ statuses: Set<Status>) -> Int { indices.filter { statuses.contains(report.results[$0].status) }.count }
        let all = Array(report.results.indices)
        try emit(#"<?xml version="1.0" encoding="UTF-8"?>"# + "\n")
        try emit(#"<testsuites name="docker-baseline" tests="\#(all.count)" failures="\#(count(all, [.fail]))" errors="\#(count(all, [.error]))" skipped="\#(count(all, [.skipped, .waived]))">"# + "\n")
        for section in sections {
            let indices = bySection[section]!
            let name = Vocabulary.section(section, language)
            try emit(#"  <testsuite name="\#(xml(name))" tests="\#(indices.count)" failures="\#(count(indices, [.fail]))" errors="\#(count(indices, [.error]))" skipped="\#(count(indices, [.skipped, .waived]))">"# + "\n")
            if report.subject == .engine, report.snapshot.engine.version != nil {
                // The audited engine's kind and version, as the other formats' headers show it.
                try emit(#"    <properties><property name="engine" value="\#(xml(UntrustedText.shown(report.snapshot.engineLabel)))"/><property name="engineKind" value="\#(report.snapshot.identity.kind.rawValue)"/></properties>"# + "\n")
            }
            for index in indices {
                let result = report.results[index]
                var out = ""
                let id = report.benchmark.id(for: result.rule).map { "\($0) " } ?? ""
                let target = result.targetLabel(language)
                let caseName = "\(id)\(result.rule.title[language]) — \(target)"
                out += #"    <testcase classname="\#(xml(result.rule.id.rawValue))" name="\#(xml(caseName))">"# + "\n"
                let message = xml(result.finding.message[language])
                let details = xml(evidenceText(result, language) + "\n" + result.remediation(language))
                switch result.status {
                case .fail: out += #"      <failure type="\#(result.severity.rawValue)" message="\#(message)">\#(details)</failure>"# + "\n"
                case .error: out += #"      <error message="\#(message)">\#(details)</error>"# + "\n"
                case .skipped: out += #"      <skipped message="\#(message)"/>"# + "\n"
                case .waived: out += #"      <skipped message="waived: \#(xml(result.waiver?.reason ?? "")) (\#(message))"/>"# + "\n"
                case .warn, .info: out += "      <system-out>\(result.status.rawValue.uppercased()): \(message)\n\(details)</system-out>\n"
                case .pass: break
                }
                out += "    </testcase>\n"
                try emit(out)
            }
            try emit("  </testsuite>\n")
        }
        try emit("</testsuites>\n")
    }

    static func evidenceText(_ result: Result, _ language: Language) -> String {
        result.finding.evidence.sorted { $0.key < $1.key }
            .map { "\(Vocabulary.evidenceKey($0.key, language)): \(Vocabulary.evidenceValue($0.value, language))" }.joined(separator: "\n")
    }
}

/// Text escaped for XML and HTML attribute and element content.
func xml(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        // XML 1.0 forbids most control characters even escaped.
        case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r": out += "\u{FFFD}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
