import DockerBaseline
import Foundation

/// The docker CLI's plugin protocol, so that installed as `~/.docker/cli-plugins/docker-baseline` the tool runs as
/// `docker baseline …` and `docker --help` lists it. The CLI asks a plugin for its metadata with the argument
/// `docker-cli-plugin-metadata`, and runs it with the plugin's name before the user's arguments.
enum DockerCLIPlugin {
    static let name = "baseline"

    static let metadata = """
        {"SchemaVersion": "0.1.0", "Vendor": "Docker Baseline", "Version": "\(ToolInfo.current.version)", \
        "ShortDescription": "Audit the engine, containers, images and build files against the CIS Docker Benchmark", \
        "URL": "https://github.com/docker-baseline/docker-baseline"}
        """

    /// The arguments to parse, without the program and, when docker ran us as a plugin, without the plugin's name;
    /// nil when docker asks for the metadata.
    static func arguments(_ commandLine: [String]) -> [String]? {
        var arguments = Array(commandLine.dropFirst())
        if arguments.first == "docker-cli-plugin-metadata" { return nil }
        let asPlugin = commandLine.first.map { $0.hasSuffix("/cli-plugins/docker-baseline") } ?? false
        if arguments.first == name, asPlugin || ProcessInfo.processInfo.environment["DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND"] != nil {
            arguments.removeFirst()
        }
        return arguments
    }
}
