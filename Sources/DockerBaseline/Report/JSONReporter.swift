import Foundation

/// The documented JSON report (docs/json-report.md, docs/report.schema.json).
///
/// Written as text templates rather than through `JSONEncoder`: on 200 containers (6,000 results, 4 MB) the
/// encoder took 70 ms, more than collecting from the engine. Keys come in a fixed, readable order; optional values
/// that are absent are left out, as the schema allows. `write` hands the report out in pieces as it is produced, so
/// memory does not grow with the report's size (21 MB for 1,000 containers).
public enum JSONReporter {
    public static let schemaVersion = 1
    /// Bytes gathered before a piece is handed out.
    static let pieceSize = 256 << 10

    public static func render(_ report: AuditReport, language: Language) -> Data {
        var data = Data()
        write(report, language: language) { data.append($0) }
        return data
    }

    /// The report in pieces of about `pieceSize` bytes, in order, as it is produced.
    public static func write(_ report: AuditReport, language: Language, to output: (Data) throws -> Void) rethrows {
        let snapshot = report.snapshot
        let tally = report.tally
        let bySeverity = Severity.allCases.reversed().compactMap { severity in
            tally.failuresBySeverity[severity].map { "\(jsonString(severity.rawValue)): \($0)" }
        }
        let counts = Status.allCases.map { "    \(jsonString($0.rawValue)): \(tally.count($0)),\n" }.joined()
        let out = """
        {
          "schemaVersion": \(schemaVersion),
          "tool": {"name": \(jsonString(ToolInfo.current.name)), "version": \(jsonString(ToolInfo.current.version))},
          "engine": {
            "endpoint": \(jsonString(UntrustedText.shown(snapshot.endpoint))),\(optional("kind", snapshot.engine.version == nil ? nil : snapshot.identity.kind.rawValue))\(optional("version", snapshot.identity.version))\(optional("apiVersion", snapshot.engine.apiVersion))\(optional("name", snapshot.info.name))\(optional("operatingSystem", snapshot.info.operatingSystem))
            "containers": \(snapshot.containers.count),
            "images": \(snapshot.images.count)
          },
          "collectedAt": \(jsonString(UntrustedText.shown(snapshot.collectedAt))),
          "language": \(jsonString(language.rawValue)),
          "benchmark": \(jsonString(report.benchmark.rawValue)),
          "summary": {
            "total": \(report.results.count),
        \(counts)    "score": \(tally.score.map { String($0) } ?? "null"),
            "failedBySeverity": {\(bySeverity.joined(separator: ", "))}
          },
          "results": [
        """
        // Results are written straight into one byte buffer: a temporary string per value cost more than the
        // whole collection on 200 containers.
        var bytes = Array(out.utf8)
        bytes.reserveCapacity(pieceSize + (64 << 10))
        // A rule's own fields are the same in each of its results: escape them once.
        var ruleFields: [RuleID: (head: [UInt8], remediation: [UInt8], placeholder: Bool)] = [:]
        for index in report.results.indices {
            let result = report.results[index]
            bytes.append(contentsOf: (index == 0 ? "\n" : ",\n").utf8)
            let fields = ruleFields[result.rule.id] ?? {
                let remediation = result.rule.remediation[language]
                let made = (Array(ruleHead(result.rule, language: language).utf8), Array(jsonString(remediation).utf8), remediation.utf8.contains(UInt8(ascii: "<")))
                ruleFields[result.rule.id] = made
                return made
            }()
            // A remediation with a placeholder (`<path>`) is filled in from each result.
            let remediation = fields.placeholder ? Array(jsonString(result.remediation(language)).utf8) : fields.remediation
            appendItem(result, head: fields.head, remediation: remediation, language: language, to: &bytes)
            if bytes.count >= pieceSize {
                try output(Data(bytes))
                bytes.removeAll(keepingCapacity: true)
            }
        }
        bytes.append(contentsOf: (report.results.isEmpty ? "]\n}\n" : "\n  ]\n}\n").utf8)
        try output(Data(bytes))
    }

    /// One result as a single-line JSON object (the report's result schema), with `extra` members (`"event": {…}`,
    /// already JSON) added at its end: a line of `watch`'s JSON Lines output.
    public static func line(for result: Result, language: Language, extra: [(key: String, json: String)] = []) -> String {
        var bytes: [UInt8] = []
        appendItem(result, head: Array(ruleHead(result.rule, language: language).utf8), remediation: Array(jsonString(result.remediation(language)).utf8),
                   language: language, to: &bytes)
        // The pretty layout's line breaks and indentation are dropped; line breaks inside values are escaped (\n),
        // so every raw newline is layout.
        var compact: [UInt8] = []
        compact.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0A {
                index += 1
                while index < bytes.count, bytes[index] == 0x20 { index += 1 }
                if let last = compact.last, last != 0x7B, index < bytes.count, bytes[index] != 0x7D { compact.append(0x20) }
                continue
            }
            compact.append(bytes[index])
            index += 1
        }
        while compact.first == 0x20 { compact.removeFirst() }
        guard compact.last == 0x7D else { return String(decoding: compact, as: UTF8.self) }
        compact.removeLast()
        for member in extra { compact.append(contentsOf: Array(", \(jsonString(member.key)): \(member.json)".utf8)) }
        compact.append(0x7D)
        return String(decoding: compact, as: UTF8.self)
    }

    /// The rule's fields of a result, from `"rule"` to `"title"`.
    private static func ruleHead(_ rule: RuleMetadata, language: Language) -> String {
        """
              "rule": \(jsonString(rule.id.rawValue)),\(optional("cis", rule.cis, indent: 6))\(optional("cis18", rule.cis18, indent: 6))\(optional("cisCE", rule.cisCE, indent: 6))
              "level": \(rule.level),
              "title": \(jsonString(rule.title[language])),
        """
    }

    private static func appendItem(_ result: Result, head: [UInt8], remediation: [UInt8], language: Language, to bytes: inout [UInt8]) {
        func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }
        func string(_ text: String) { appendJSONString(text, to: &bytes) }
        let target = result.target
        raw("    {\n")
        bytes.append(contentsOf: head)
        raw("\n      \"status\": "); string(result.status.rawValue)
        raw(",\n      \"severity\": "); string(result.severity.rawValue)
        raw(",\n      \"target\": {\"kind\": "); string(target.kind.rawValue)
        raw(", \"id\": "); string(target.id)
        raw(", \"name\": "); string(target.name)
        if let state = target.state { raw(", \"state\": "); string(state) }
        raw("},\n      \"evidence\": {")
        for (index, item) in result.finding.evidence.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { raw(", ") }
            string(item.key); raw(": "); string(item.value)
        }
        raw("},\n      \"message\": "); string(result.finding.message[language])
        raw(",")
        if let location = result.finding.location {
            raw("\n      \"location\": {\"file\": "); string(location.file); raw(", " + rangeFields(location.range) + "},")
        }
        if let fix = result.finding.fix {
            raw("\n      \"fix\": {\"description\": "); string(fix.description[language]); raw(", \"replacements\": [")
            for (index, replacement) in fix.replacements.enumerated() {
                raw((index > 0 ? ", " : "") + "{" + rangeFields(replacement.range) + ", \"text\": "); string(replacement.text); raw("}")
            }
            raw("]},")
        }
        raw(waiver(result.waiver))
        if let change = result.change { raw("\n      \"change\": \"\(change.rawValue)\",") }
        raw("\n      \"remediation\": ")
        bytes.append(contentsOf: remediation)
        raw("\n    }")
    }

    private static func waiver(_ waiver: AppliedWaiver?) -> String {
        guard let waiver else { return "" }
        let expires = waiver.expires.map { ", \"expires\": \(jsonString($0))" } ?? ""
        let inSource = waiver.inSource ? ", \"inSource\": true" : ""
        return "\n      \"waiver\": {\"reason\": \(jsonString(waiver.reason))\(expires), \"expired\": \(waiver.expired), \"source\": \(jsonString(waiver.source))\(inSource)},"
    }

    private static func rangeFields(_ range: SourceRange) -> String {
        "\"line\": \(range.line), \"column\": \(range.column), \"endLine\": \(range.endLine), \"endColumn\": \(range.endColumn)"
    }

    /// `\n    "key": "value",` when there is a value, nothing otherwise.
    private static func optional(_ key: String, _ value: String?, indent: Int = 4) -> String {
        guard let value else { return "" }
        return "\n" + String(repeating: " ", count: indent) + "\(jsonString(key)): \(jsonString(UntrustedText.shown(value))),"
    }
}

/// Appends a JSON string literal to a byte buffer (the same escaping as `jsonString`).
func appendJSONString(_ value: String, to bytes: inout [UInt8]) {
    bytes.append(0x22)
    if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
        bytes.append(contentsOf: value.utf8)
    } else {
        bytes.append(contentsOf: jsonString(value).utf8.dropFirst().dropLast())
    }
    bytes.append(0x22)
}

/// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259 §7); the rest as UTF-8.
func jsonString(_ value: String) -> String {
    if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) { return "\"\(value)\"" }
    var out = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
