import Foundation

/// SARIF 2.1.0, for code-scanning dashboards. Every result is included with its `kind` (fail, review, pass,
/// notApplicable, informational); waived ones carry a suppression with the waiver's reason.
public enum SARIFReporter {
    struct Log: Encodable {
        let schema = "https://json.schemastore.org/sarif-2.1.0.json"
        let version = "2.1.0"
        let runs: [Run]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }
    struct Run: Encodable {
        let tool: Tool
        let results: [SARIFResult]
        let invocations: [Invocation]
        /// The audited engine's kind and version (`Podman rootful 4.3.1`), as the other formats' headers show it.
        var properties: RunProperties?
    }
    struct RunProperties: Encodable {
        let engine: String
        let engineKind: String
    }
    struct Tool: Encodable { let driver: Driver }
    struct Driver: Encodable {
        let name: String
        let version: String
        let informationUri: String
        let rules: [Rule]
    }
    struct Text: Encodable { let text: String }
    struct Help: Encodable { let text: String; let markdown: String }
    struct Rule: Encodable {
        let id: String
        let name: String
        let shortDescription: Text
        let fullDescription: Text
        let help: Help
        let helpUri: String?
        let defaultConfiguration: Configuration
        let properties: RuleProperties
    }
    struct Configuration: Encodable { let level: String }
    struct RuleProperties: Encodable {
        let tags: [String]
        let securitySeverity: String
        let cis: String?
        let cisCE: String?
        enum CodingKeys: String, CodingKey { case tags, securitySeverity = "security-severity", cis, cisCE }
    }
    struct SARIFResult: Encodable {
        let ruleId: String
        let ruleIndex: Int
        let kind: String
        let level: String
        let message: Text
        let locations: [Location]
        let suppressions: [Suppression]?
        let fixes: [SARIFFix]?
        let properties: ResultProperties
    }
    struct Location: Encodable {
        let physicalLocation: PhysicalLocation?
        let logicalLocations: [LogicalLocation]?
    }
    struct PhysicalLocation: Encodable {
        let artifactLocation: ArtifactLocation
        var region: Region? = nil
    }
    struct ArtifactLocation: Encodable {
        let uri: String
        var uriBaseId: String? = nil
    }
    struct Region: Encodable {
        let startLine: Int
        let startColumn: Int
        let endLine: Int
        let endColumn: Int
        init(_ range: SourceRange) {
            startLine = range.line
            startColumn = range.column
            endLine = range.endLine
            endColumn = range.endColumn
        }
    }
    struct SARIFFix: Encodable {
        let description: Text
        let artifactChanges: [ArtifactChange]
    }
    struct ArtifactChange: Encodable {
        let artifactLocation: ArtifactLocation
        let replacements: [SARIFReplacement]
    }
    struct SARIFReplacement: Encodable {
        let deletedRegion: Region
        let insertedContent: Text
    }
    struct LogicalLocation: Encodable { let name: String; let fullyQualifiedName: String; let kind: String }
    struct Suppression: Encodable { let kind: String; let status: String; let justification: String }
    struct ResultProperties: Encodable {
        let status: String
        let severity: String
        let target: Target
        let evidence: [String: String]
        let change: String?
    }
    struct Invocation: Encodable { let executionSuccessful: Bool }

    static func level(_ result: Result) -> String {
        switch result.status {
        case .fail, .waived: return result.severity >= .high ? "error" : result.severity == .medium ? "warning" : "note"
        case .error: return "error"
        case .warn: return "warning"
        case .pass, .skipped, .info: return "none"
        }
    }

    static func kind(_ status: Status) -> String {
        switch status {
        case .fail, .waived, .error: "fail"
        case .warn: "review"
        case .pass: "pass"
        case .skipped: "notApplicable"
        case .info: "informational"
        }
    }

    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "3.0"
        case .info: "0.0"
        }
    }

    /// Absolute paths as file URIs; relative ones relative to the checkout (`%SRCROOT%`), as code-scanning expects.
    static func artifact(_ path: String) -> ArtifactLocation {
        path.hasPrefix("/") ? ArtifactLocation(uri: "file://" + path) : ArtifactLocation(uri: path, uriBaseId: "%SRCROOT%")
    }

    /// The whole log; `write` hands out the same bytes in pieces.
    public static func render(_ report: AuditReport, language: Language) throws -> Data {
        var data = Data()
        try write(report, language: language) { data.append(contentsOf: $0.utf8) }
        return data
    }

    /// The log as it is produced: the run without its results, then each result encoded on its own and indented to
    /// its place, so a report of hundreds of thousands of results is never held whole (the bytes are the same as
    /// encoding the log at once).
    public static func write(_ report: AuditReport, language: Language, _ emit: (String) throws -> Void) throws {
        var rules: [RuleMetadata] = []
        var index: [RuleID: Int] = [:]
        for result in report.results where index[result.rule.id] == nil {
            index[result.rule.id] = rules.count
            rules.append(result.rule)
        }
        let driverRules = rules.map { rule in
            Rule(id: rule.id.rawValue, name: rule.id.rawValue.split(separator: ".").map { $0.capitalized }.joined().replacingOccurrences(of: "-", with: ""),
                 shortDescription: Text(text: rule.title[language]), fullDescription: Text(text: rule.rationale[language]),
                 help: Help(text: rule.remediation[language], markdown: "**\(rule.title[language])**\n\n\(rule.rationale[language])\n\n\(rule.remediation[language])"),
                 helpUri: RuleListing.documentationURL(for: rule), defaultConfiguration: Configuration(level: rule.severity >= .high ? "error" : "warning"),
                 properties: RuleProperties(tags: ["security", "docker"] + [report.benchmark.id(for: rule).map { "cis-\($0)" }].compactMap { $0 },
                                            securitySeverity: securitySeverity(rule.severity), cis: rule.cis, cisCE: rule.cisCE))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let log = Log(runs: [Run(
            tool: Tool(driver: Driver(name: "docker-baseline", version: ToolInfo.current.version,
                                      informationUri: "https://www.cisecurity.org/benchmark/docker", rules: driverRules)),
            results: [], invocations: [Invocation(executionSuccessful: true)],
            properties: report.subject == .engine && report.snapshot.engine.version != nil
                ? RunProperties(engine: UntrustedText.shown(report.snapshot.engineLabel), engineKind: report.snapshot.identity.kind.rawValue) : nil)])
        let skeleton = String(decoding: try encoder.encode(log), as: UTF8.self) + "\n"
        guard !report.results.isEmpty, let opening = skeleton.range(of: "\"results\" : ["),
              let closing = skeleton[opening.upperBound...].firstIndex(of: "]") else {
            return try emit(skeleton)
        }
        // The results array sits three levels deep in the log: its items are indented by 8 spaces, its `]` by 6.
        // Encoded a batch at a time (an encoder call per result costs more than the encoding), as an array whose items
        // are indented by 2: its brackets are dropped and 6 spaces added.
        let indent = "      "
        try emit(String(skeleton[..<opening.upperBound]))
        var start = report.results.startIndex
        while start < report.results.endIndex {
            let end = min(start + 512, report.results.endIndex)
            let batch = report.results[start..<end].map { sarifResult($0, ruleIndex: index[$0.rule.id]!, language: language) }
            let encoded = String(decoding: try encoder.encode(batch), as: UTF8.self)
            let lines = encoded.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast()
            try emit((start == 0 ? "\n" : ",\n") + lines.map { $0.isEmpty ? "" : indent + $0 }.joined(separator: "\n"))
            start = end
        }
        try emit("\n      " + String(skeleton[closing...]))
    }

    static func sarifResult(_ result: Result, ruleIndex: Int, language: Language) -> SARIFResult {
        let target = result.target
        let location: Location
        if let place = result.finding.location {
            location = Location(physicalLocation: PhysicalLocation(artifactLocation: artifact(place.file), region: Region(place.range)),
                                logicalLocations: nil)
        } else if target.kind == .file, target.id.hasPrefix("/") {
            location = Location(physicalLocation: PhysicalLocation(artifactLocation: ArtifactLocation(uri: "file://" + target.id)), logicalLocations: nil)
        } else {
            location = Location(physicalLocation: nil, logicalLocations: [LogicalLocation(
                name: target.name, fullyQualifiedName: "\(target.kind.rawValue)/\(target.name)", kind: target.kind == .daemon ? "module" : "object")])
        }
        let suppressions = result.waiver.map {
            [Suppression(kind: $0.inSource ? "inSource" : "external", status: $0.expired ? "rejected" : "accepted", justification: $0.reason)]
        }
        let fixes = result.finding.fix.map { fix in
            [SARIFFix(description: Text(text: fix.description[language]), artifactChanges: [ArtifactChange(
                artifactLocation: artifact(result.finding.location?.file ?? target.id),
                replacements: fix.replacements.map { SARIFReplacement(deletedRegion: Region($0.range), insertedContent: Text(text: $0.text)) })])]
        }
        return SARIFResult(
            ruleId: result.rule.id.rawValue, ruleIndex: ruleIndex, kind: kind(result.status), level: level(result),
            message: Text(text: "\(result.targetLabel(language)): \(result.finding.message[language])"), locations: [location],
            suppressions: suppressions, fixes: fixes,
            properties: ResultProperties(status: result.status.rawValue, severity: result.severity.rawValue, target: target,
                                         evidence: result.finding.evidence, change: result.change?.rawValue))
    }
}
