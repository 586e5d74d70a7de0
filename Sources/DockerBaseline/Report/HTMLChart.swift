import Foundation

/// The pictures the HTML report opens with, as inline SVG (no external resources, no script): failures per section
/// and severity as stacked bars, and the score as a ring.
enum HTMLChart {
    static let colours: [Severity: String] = [
        .critical: "#7f0000", .high: "#d32f2f", .medium: "#f57c00", .low: "#fbc02d", .info: "#90a4ae",
    ]

    /// One row per section that has results: its failures stacked by severity, worst first, and their number.
    static func failures(_ report: AuditReport, language: Language) -> String {
        var sections: [String] = []
        var failures: [String: [Severity: Int]] = [:]
        for index in report.results.indices {
            let section = report.results[index].rule.section
            if failures[section] == nil {
                sections.append(section)
                failures[section] = [:]
            }
            if report.results[index].status == .fail { failures[section]![report.results[index].severity, default: 0] += 1 }
        }
        let severities = Array(Severity.allCases.reversed())
        let counts = sections.map { section in severities.map { failures[section]?[$0] ?? 0 } }
        let most = max(1, counts.map { $0.reduce(0, +) }.max() ?? 0)
        let labelWidth = 290, barWidth = 380, row = 26, top = 34
        let height = top + row * sections.count + 6
        var svg = """
        <svg id="chart" class="chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 \(labelWidth + barWidth + 50) \(height)" \
        width="\(labelWidth + barWidth + 50)" height="\(height)">
        <title>\(xml(language == .zh ? "各章节按级别统计的失败项" : "Failures per section and severity"))</title>

        """
        var x = labelWidth
        for severity in severities {
            svg += "<rect x=\"\(x)\" y=\"6\" width=\"12\" height=\"12\" fill=\"\(colours[severity]!)\"/>"
                + "<text x=\"\(x + 16)\" y=\"16\">\(xml(Vocabulary.severity(severity, language)))</text>\n"
            x += 76
        }
        for (index, section) in sections.enumerated() {
            let y = top + row * index
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 16)\" text-anchor=\"end\">\(xml(Vocabulary.section(section, language)))</text>\n"
            var start = Double(labelWidth)
            for (severity, count) in zip(severities, counts[index]) where count > 0 {
                let width = Double(barWidth) * Double(count) / Double(most)
                svg += "<rect class=\"bar\" data-section=\"\(xml(section))\" data-severity=\"\(severity.rawValue)\" x=\"\(format(start))\" y=\"\(y + 3)\" "
                    + "width=\"\(format(width))\" height=\"\(row - 8)\" fill=\"\(colours[severity]!)\"><title>\(xml(Vocabulary.section(section, language))): "
                    + "\(count) \(xml(Vocabulary.severity(severity, language)))</title></rect>\n"
                start += width
            }
            let total = counts[index].reduce(0, +)
            svg += "<text x=\"\(format(start + 6))\" y=\"\(y + 16)\" class=\"count\">\(total)</text>\n"
        }
        return svg + "</svg>"
    }

    /// The score (pass / (pass + fail)) as a ring, green from 90 %, amber from 70 %, red below.
    static func score(_ report: AuditReport, language: Language) -> String {
        let radius = 46.0, circumference = 2 * Double.pi * radius
        let score = report.score
        let colour = score.map { $0 >= 90 ? "#2e7d32" : $0 >= 70 ? "#ef8f00" : "#c62828" } ?? "#9aa1ae"
        let filled = circumference * (score ?? 0) / 100
        return """
        <svg id="score" class="score" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 120 120" width="120" height="120">
        <title>\(xml(language == .zh ? "得分" : "score")) \(score.map { "\($0)%" } ?? "n/a")</title>
        <circle cx="60" cy="60" r="\(radius)" fill="none" stroke="#e3e6ec" stroke-width="14"/>
        <circle cx="60" cy="60" r="\(radius)" fill="none" stroke="\(colour)" stroke-width="14" \
        stroke-dasharray="\(format(filled)) \(format(circumference))" transform="rotate(-90 60 60)"/>
        <text x="60" y="62" text-anchor="middle" class="value">\(score.map { "\($0)%" } ?? "n/a")</text>
        <text x="60" y="80" text-anchor="middle" class="caption">\(xml(language == .zh ? "得分" : "score"))</text>
        </svg>
        """
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
