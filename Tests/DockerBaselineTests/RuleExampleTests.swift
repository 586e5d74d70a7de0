import Foundation
@testable import DockerBaseline
import Testing

/// One rule example, named by its rule and where it was written.
struct ExampleCase: Sendable, CustomTestStringConvertible {
    let ruleID: RuleID
    let example: RuleExample
    var testDescription: String { "\(ruleID) → \(example.expect) (\(example.file):\(example.line))" }

    static let all: [ExampleCase] = RuleCatalog.all.flatMap { rule in
        rule.examples.map { ExampleCase(ruleID: rule.metadata.id, example: $0) }
    }
}

@Suite("Every rule's own examples")
struct RuleExampleTests {
    @Test(arguments: ExampleCase.all)
    func example(_ testCase: ExampleCase) throws {
        let rule = try #require(RuleCatalog.rule(id: testCase.ruleID))
        let snapshot = try testCase.example.makeSnapshot()
        let findings = rule.evaluate(AuditContext(snapshot, settings: testCase.example.settings))
        let finding = try #require(findings.count == 1 ? findings.first : nil, "expected one finding, got \(findings.count)")
        #expect(finding.status == testCase.example.expect,
                "\(testCase.testDescription): got \(finding.status) — \(finding.message.en) \(finding.evidence)")
    }

    @Test("The base example snapshot passes every automated rule")
    func baseIsCompliant() throws {
        let report = Evaluator.evaluate(try RuleExample(expect: .pass).makeSnapshot())
        let failing = report.results.filter { $0.status == .fail || $0.status == .error }
        #expect(failing.isEmpty, "\(failing.map { "\($0.rule.id): \($0.finding.message.en)" })")
    }
}

@Suite("Rule metadata")
struct RuleMetadataTests {
    @Test func idsAreUnique() {
        let ids = RuleCatalog.all.map(\.metadata.id)
        #expect(Set(ids).count == ids.count)
    }

    @Test("Every automated, non-informational rule shows both a failing and a passing example; every rule has one")
    func examplesBothWays() {
        for rule in RuleCatalog.all {
            let statuses = Set(rule.examples.map(\.expect))
            #expect(!statuses.isEmpty, "\(rule.metadata.id) has no examples")
            if !rule.metadata.manual && rule.metadata.severity != .info {
                #expect(statuses.contains(.fail) && statuses.contains(.pass), "\(rule.metadata.id) lacks a fail or a pass example")
            }
        }
    }

    @Test("Titles, rationales and remediations exist in English and Chinese")
    func bilingualText() {
        let hasHan = { (text: String) in text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
        for rule in RuleCatalog.all.map(\.metadata) {
            for text in [rule.title, rule.rationale, rule.remediation] {
                #expect(!text.en.isEmpty && hasHan(text.zh), "\(rule.id): \(text)")
            }
            #expect(!rule.references.isEmpty, "\(rule.id) has no references")
        }
    }

    /// ../shared/cis-ids.md, item by item for §1–§3; §4 and §6 keep their ids; 1.6.0's 5.n was CE 5.(n-1), 5.1 was 7.1,
    /// and 7.n was 7.(n+1).
    static let ceForSections1to3: [String: String?] = [
        "1.1.1": "1.1", "1.2.1": "1.2", "1.2.2": "1.3", "1.1.2": "1.4", "1.1.3": "1.5", "1.1.5": "1.6", "1.1.6": "1.7",
        "1.1.7": "1.8", "1.1.9": "1.9", "1.1.10": "1.10", "1.1.11": "1.11", "1.1.14": "1.12", "1.1.18": "1.13",
        "1.1.4": nil, "1.1.8": nil, "1.1.12": nil, "1.1.13": nil, "1.1.15": nil, "1.1.16": nil, "1.1.17": nil,
        "2.1": nil, "2.2": "2.1", "2.3": "2.2", "2.4": "2.3", "2.5": "2.4", "2.6": "2.5", "2.7": "2.6", "2.8": "2.7",
        "2.9": "2.8", "2.10": "2.9", "2.11": "2.10", "2.12": "2.11", "2.13": "2.12", "2.14": "2.18", "2.15": "2.14",
        "2.16": "2.15", "2.17": "2.16", "2.18": "2.17", "3.21": nil, "3.22": nil, "3.23": nil, "3.24": nil,
    ]

    @Test("CE 1.1.0 ids follow the published mapping from 1.6.0 ids")
    func ceMapping() throws {
        for rule in RuleCatalog.all.map(\.metadata) {
            guard let cis = rule.cis else {
                #expect(rule.cisCE == nil, "\(rule.id) has a CE id but no CIS id")
                continue
            }
            let parts = cis.split(separator: ".").compactMap { Int($0) }
            let expected: String?
            switch (parts[0], parts[1]) {
            case (1, _), (2, _): expected = try #require(Self.ceForSections1to3[cis], "\(cis) is not in the table")
            case (3, let n) where n > 20: expected = nil
            case (5, 1): expected = "7.1"
            case (7, let n): expected = "7.\(n + 1)"
            case (5, let n): expected = "5.\(n - 1)"
            default: expected = cis
            }
            #expect(rule.cisCE == expected, "\(rule.id): CIS \(cis) should be CE \(expected ?? "none"), is \(rule.cisCE ?? "none")")
        }
    }

    @Test("Every rule id is defined once, as a RuleID constant; code names rules by constant, never by a string")
    func oneDefinitionPerID() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        // Dotted ids only: the one bare id, `collect`, is also the name of a command.
        let ids = Set(RuleCatalog.metadata.map(\.id.rawValue).filter { $0.contains(".") })
        var definitions: [String: [String]] = [:]
        var stray: [String] = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        for file in files {
            for (number, line) in try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for match in line.matches(of: /"([a-z]+\.[a-z0-9.-]+)"/) where ids.contains(String(match.output.1)) {
                    let place = "\(file.lastPathComponent):\(number + 1)"
                    if line.contains(": RuleID = ") { definitions[String(match.output.1), default: []].append(place) } else { stray.append(place) }
                }
            }
        }
        #expect(stray.isEmpty, "rule ids written as strings: \(stray)")
        for id in ids { #expect(definitions[id]?.count == 1, "\(id) is defined at \(definitions[id] ?? [])") }
    }

    @Test("The rules cover §1–§3 and §5 whole, and the §4/§6 items judged from engine data")
    func coverage() {
        let ids = Set(RuleCatalog.all.compactMap(\.metadata.cis))
        let wanted = (1...32).map { "5.\($0)" } + ["4.1", "4.5", "4.6", "4.7", "4.9", "4.10", "6.1", "6.2"]
            + (1...18).map { "1.1.\($0)" } + ["1.2.1", "1.2.2"] + (1...18).map { "2.\($0)" } + (1...24).map { "3.\($0)" }
            + (1...9).map { "7.\($0)" }
        #expect(Set(wanted).subtracting(ids).isEmpty, "missing: \(Set(wanted).subtracting(ids).sorted())")
    }
}

@Suite("Documentation")
struct DocumentationTests {
    @Test("docs/rules.md is what `docker-baseline rules --format markdown` prints")
    func rulesDocument() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let document = try String(contentsOf: root.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        #expect(document == RuleListing.markdown(RuleCatalog.metadata),
                "docs/rules.md is out of date: regenerate it with `docker-baseline rules --format markdown > docs/rules.md`")
    }
}
