import ArgumentParser
import DockerBaseline
import Foundation

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the rules with their ids, CIS ids and severity.")

    enum ListFormat: String, ExpressibleByArgument { case text, markdown }

    @Option(help: "text or markdown (the table in docs/rules.md).")
    var format: ListFormat = .text

    @Option(help: "Language of the text list: en or zh (default: from the environment).")
    var lang: Language?

    func run() throws {
        let rules = RuleCatalog.metadata
        switch format {
        case .text:
            print(RuleListing.text(rules, language: lang ?? Language.fromEnvironment(ProcessInfo.processInfo.environment)), terminator: "")
        case .markdown:
            print(RuleListing.markdown(rules), terminator: "")
        }
    }
}
