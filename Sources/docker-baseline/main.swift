import ArgumentParser
import DockerBaseline
import Foundation
import MallocTuning

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
                      ScanAPICommand.self, RulesCommand.self, ServeCommand.self, HistoryCommand.self, DiffCommand.self,
                      WatchCommand.self])

    /// Maps argument errors to exit 2 and audit failures to exit 3, as documented.
    static func runToExitCode() async {
        guard let arguments = DockerCLIPlugin.arguments(CommandLine.arguments) else {
            do { try writeStandardOutput(DockerCLIPlugin.metadata + "\n") } catch { Foundation.exit(Exit.couldNotAudit) }
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
            writeStandardError("docker-baseline: \(UntrustedText.shown(error.description))\n")
            Foundation.exit(Exit.couldNotAudit)
        } catch let error as UsageProblem {
            writeStandardError("docker-baseline: \(UntrustedText.shown(error.description))\n")
            Foundation.exit(Exit.usage)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help, --version: written here, so a full disk or closed pipe is exit 3 like any report.
                let message = fullMessage(for: error)
                do { if !message.isEmpty { try writeStandardOutput(message + "\n") } } catch {
                    writeStandardError("docker-baseline: \(error)\n")
                    Foundation.exit(Exit.couldNotAudit)
                }
                Foundation.exit(Exit.clean)
            }
            if code.rawValue == Exit.findings {
                exit(withError: error)
            }
            writeStandardError(fullMessage(for: error) + "\n")
            Foundation.exit(Exit.usage)
        }
    }
}

// Measured on 1,000 containers: peak RSS 6 to 8 MiB lower, time unchanged (docs/benchmarks.md).
docker_baseline_tune_malloc()
await DockerBaselineCommand.runToExitCode()
