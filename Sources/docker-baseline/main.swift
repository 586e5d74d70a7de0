import ArgumentParser
import DockerBaseline
import Foundation

/// Exit codes, documented in README.md.
enum Exit {
    static let clean: Int32 = 0
    static let findings: Int32 = 1
    static let usage: Int32 = 2
    static let couldNotAudit: Int32 = 3
}

/// The engine, a snapshot or an image could not be read, or a report not written: exit 3.
struct CouldNotAudit: Error, CustomStringConvertible {
    let description: String
}

/// A mistake in what the user asked for (a bad configuration file, conflicting outputs): exit 2.
struct UsageProblem: Error, CustomStringConvertible {
    let description: String
}

/// The root command. A file named main.swift runs top-level code, so it is started at the end rather than by `@main`.
struct DockerBaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docker-baseline",
        abstract: "Audit Docker engines, containers and images against the CIS Docker Benchmark and enterprise baselines.",
        version: ToolInfo.current.version,
        subcommands: [AuditCommand.self, LintCommand.self, ImageCommand.self, CollectCommand.self, HardenCommand.self,
                      ScanAPICommand.self, RulesCommand.self])

    /// Maps argument errors to exit 2 and audit failures to exit 3, as documented.
    static func runToExitCode() async {
        guard let arguments = DockerCLIPlugin.arguments(CommandLine.arguments) else {
            print(DockerCLIPlugin.metadata)
            return
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CouldNotAudit {
            FileHandle.standardError.write(Data("docker-baseline: \(UntrustedText.shown(error.description))\n".utf8))
            Foundation.exit(Exit.couldNotAudit)
        } catch let error as UsageProblem {
            FileHandle.standardError.write(Data("docker-baseline: \(UntrustedText.shown(error.description))\n".utf8))
            Foundation.exit(Exit.usage)
        } catch {
            let code = exitCode(for: error)
            if code == .success || code.rawValue == Exit.findings {
                exit(withError: error)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(Exit.usage)
        }
    }
}

await DockerBaselineCommand.runToExitCode()
