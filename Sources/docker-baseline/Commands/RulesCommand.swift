import ArgumentParser
import DockerBaseline
import Foundation

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the rules, or show some in full.",
        discussion: """
        Without RULE: every rule with its CIS ids, severity and title. With RULE (a rule id or glob, or a CIS id in any \
        numbering: 2.9, cis-ce:5.4, 5.*): each rule in full, with why, how to fix it, what `harden` does and its examples.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

    @Argument(help: "Rules to show in full: rule ids or CIS ids.")
    var names: [String] = []

    @Option(help: "text, markdown (docs/rules.md) or json.")
    var format: Format = .text

    @Option(help: "Language of the text: en or zh (default: from the environment).")
    var lang: Language?

    func run() throws {
        var rules = RuleCatalog.metadata
        if !names.isEmpty {
            var found: [RuleMetadata] = []
            for name in names {
                let matching: [RuleMetadata]
                do { matching = try RuleCatalog.lookUp(name) } catch { throw UsageProblem(description: String(describing: error)) }
                guard !matching.isEmpty else { throw UsageProblem(description: "no rule is named \(name) (see `docker-baseline rules`)") }
                found += matching.filter { rule in !found.contains { $0.id == rule.id } }
            }
            rules = found
        }
        let language = lang ?? Language.fromEnvironment(ProcessInfo.processInfo.environment)
        switch format {
        case .text: try writeStandardOutput(names.isEmpty ? RuleListing.text(rules, language: language) : RuleListing.details(rules, language: language))
        case .markdown: try writeStandardOutput(RuleListing.markdown(rules))
        case .json: try writeStandardOutput(try RuleListing.json(rules) + Data("\n".utf8))
        }
    }
}
