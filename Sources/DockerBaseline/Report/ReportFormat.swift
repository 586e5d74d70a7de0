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

    /// The report handed to `output` in pieces as it is produced (JSON, SARIF, JUnit, HTML), or whole (text and
    /// Markdown, which show only what needs attention and stay small).
    public func write(_ report: AuditReport, language: Language, text: TextReporter? = nil, to output: (Data) throws -> Void) throws {
        switch self {
        case .json: try JSONReporter.write(report, language: language, to: output)
        case .sarif: try Self.inPieces(to: output) { try SARIFReporter.write(report, language: language, $0) }
        case .junit: try Self.inPieces(to: output) { try JUnitReporter.write(report, language: language, $0) }
        case .html: try Self.inPieces(to: output) { try HTMLReporter.write(report, language: language, $0) }
        case .text, .markdown: try output(try render(report, language: language, text: text))
        }
    }

    /// Hands what `produce` emits to `output` in pieces of `JSONReporter.pieceSize` bytes (the last one shorter).
    static func inPieces(to output: (Data) throws -> Void, _ produce: ((String) throws -> Void) throws -> Void) throws {
        try withoutActuallyEscaping(output) { output in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(JSONReporter.pieceSize + (64 << 10))
            try produce { text in
                bytes.append(contentsOf: text.utf8)
                guard bytes.count >= JSONReporter.pieceSize else { return }
                // A large text (SARIF's rule descriptions) is handed out in pieces of its own.
                var start = 0
                while bytes.count - start >= JSONReporter.pieceSize {
                    try output(Data(bytes[start..<start + JSONReporter.pieceSize]))
                    start += JSONReporter.pieceSize
                }
                bytes.removeFirst(start)
            }
            if !bytes.isEmpty { try output(Data(bytes)) }
        }
    }
}
