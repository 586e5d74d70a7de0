import Foundation

/// Every report format, and the one place that renders a report in any of them.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, sarif, junit, html, markdown

    public func render(_ report: AuditReport, language: Language, text: TextReporter? = nil) throws -> Data {
        switch self {
        case .text: return Data((text ?? TextReporter(language: language, colour: false)).render(report).utf8)
        case .json: return JSONReporter.render(report, language: language)
        case .sarif: return try SARIFReporter.render(report, language: language)
        case .junit: return Data(JUnitReporter.render(report, language: language).utf8)
        case .html: return Data(HTMLReporter.render(report, language: language).utf8)
        case .markdown: return Data(MarkdownReporter.render(report, language: language).utf8)
        }
    }

    /// The report handed to `output` in pieces as it is produced (JSON), or whole (the other formats).
    public func write(_ report: AuditReport, language: Language, text: TextReporter? = nil, to output: (Data) throws -> Void) throws {
        if self == .json {
            try JSONReporter.write(report, language: language, to: output)
        } else {
            try output(try render(report, language: language, text: text))
        }
    }
}
