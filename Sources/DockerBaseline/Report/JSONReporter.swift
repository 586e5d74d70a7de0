import Foundation

/// The documented JSON report (docs/json-report.md, docs/report.schema.json).
public enum JSONReporter {
    public static let schemaVersion = 1

    struct Document: Encodable {
        let schemaVersion: Int
        let tool: ToolInfo
        let engine: Engine
        let collectedAt: String
        let language: Language
        let summary: Summary
        let results: [Item]
    }

    struct Engine: Encodable {
        let endpoint: String
        let version: String?
        let apiVersion: String?
        let name: String?
        let operatingSystem: String?
        let containers: Int
        let images: Int
    }

    struct Summary: Encodable {
        let total: Int
        let pass: Int, fail: Int, warn: Int, info: Int, skipped: Int, error: Int
        let score: Double?
        let failedBySeverity: [String: Int]
    }

    struct Item: Encodable {
        let rule: String
        let cis: String?
        let cisCE: String?
        let level: Int
        let title: String
        let status: Status
        let severity: Severity
        let target: Target
        let evidence: [String: String]
        let message: String
        let remediation: String
    }

    public static func render(_ report: AuditReport, language: Language) throws -> Data {
        let snapshot = report.snapshot
        let failures = report.results.filter { $0.status == .fail }
        let document = Document(
            schemaVersion: schemaVersion, tool: ToolInfo.current,
            engine: Engine(endpoint: snapshot.endpoint, version: snapshot.engine.version, apiVersion: snapshot.engine.apiVersion,
                           name: snapshot.info.name, operatingSystem: snapshot.info.operatingSystem,
                           containers: snapshot.containers.count, images: snapshot.images.count),
            collectedAt: snapshot.collectedAt, language: language,
            summary: Summary(
                total: report.results.count, pass: report.count(.pass), fail: report.count(.fail), warn: report.count(.warn),
                info: report.count(.info), skipped: report.count(.skipped), error: report.count(.error), score: report.score,
                failedBySeverity: Dictionary(grouping: failures, by: { $0.severity.rawValue }).mapValues(\.count)),
            results: report.results.map { result in
                Item(rule: result.rule.id, cis: result.rule.cis, cisCE: result.rule.cisCE, level: result.rule.level,
                     title: result.rule.title[language], status: result.status, severity: result.severity, target: result.target,
                     evidence: result.finding.evidence, message: result.finding.message[language],
                     remediation: result.rule.remediation[language])
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(document)
        data.append(0x0A)
        return data
    }
}
