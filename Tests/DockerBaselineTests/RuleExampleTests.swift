import Foundation
@testable import DockerBaseline
import Testing

/// One rule example, named by its rule and where it was written.
struct ExampleCase: Sendable, CustomTestStringConvertible {
    let ruleID: String
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
        let findings = rule.evaluate(AuditContext(snapshot))
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

    @Test("Every automated rule shows both a failing and a passing example; every rule has one")
    func examplesBothWays() {
        for rule in RuleCatalog.all {
            let statuses = Set(rule.examples.map(\.expect))
            #expect(!statuses.isEmpty, "\(rule.metadata.id) has no examples")
            if !rule.metadata.manual {
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

    /// ../shared/cis-ids.md: §4 and §6 keep their ids; 1.6.0's 5.n was CE 1.1.0's 5.(n-1), and 5.1 was 7.1.
    @Test("CE 1.1.0 ids follow the published mapping from 1.6.0 ids")
    func ceMapping() throws {
        for rule in RuleCatalog.all.map(\.metadata) {
            let cis = try #require(rule.cis, "\(rule.id) has no CIS id")
            let parts = cis.split(separator: ".").compactMap { Int($0) }
            let expected: String
            switch (parts[0], parts[1]) {
            case (5, 1): expected = "7.1"
            case (5, let n): expected = "5.\(n - 1)"
            default: expected = cis
            }
            #expect(rule.cisCE == expected, "\(rule.id): CIS \(cis) should be CE \(expected), is \(rule.cisCE ?? "nil")")
        }
    }

    @Test("§5 rules cover 5.1–5.32 and §4/§6 the items this issue names")
    func coverage() {
        let ids = Set(RuleCatalog.all.compactMap(\.metadata.cis))
        let wanted = (1...32).map { "5.\($0)" } + ["4.1", "4.5", "4.6", "4.7", "4.9", "4.10", "6.1", "6.2"]
        #expect(Set(wanted).subtracting(ids).isEmpty, "missing: \(Set(wanted).subtracting(ids).sorted())")
    }
}

@Suite("Documentation")
struct DocumentationTests {
    @Test("docs/rules.md is what `docker-baseline rules --format markdown` prints")
    func rulesDocument() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let document = try String(contentsOf: root.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        #expect(document == RuleListing.markdown(RuleCatalog.all.map(\.metadata)),
                "docs/rules.md is out of date: regenerate it with `docker-baseline rules --format markdown > docs/rules.md`")
    }
}
