@testable import DockerBaseline
import Foundation
import Testing

// Nested in the live suite, which runs one test at a time: these block on long child processes (docker build, the
// installer), which must not starve the in-process fake engines other live tests answer from.
extension EngineTests {
    @Suite("Installed as a docker CLI plugin and as a container image")
    struct InstallTests {
        static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

        @Test("docker baseline …: the docker CLI finds the plugin, lists it in --help and runs it with the user's arguments")
        func dockerCLIPlugin() throws {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/docker") else { throw TestSetupError("the docker CLI is not installed") }
            let config = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: config) }
            let plugins = config.appendingPathComponent("cli-plugins")
            try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: plugins.appendingPathComponent("docker-baseline").path, withDestinationPath: TestEnvironment.binary)
            let environment = ["DOCKER_CONFIG": config.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
            let help = try run("/usr/bin/docker", ["--help"], environment: environment)
            #expect(help.stdout.contains("baseline*") && help.stdout.contains("Audit the engine"), "\(help.stdout)")
            let rules = try run("/usr/bin/docker", ["baseline", "rules", "cis-1.6:5.5"], environment: environment)
            #expect(rules.status == 0 && rules.stdout.hasPrefix("container.privileged"), "\(rules.stdout) \(rules.stderr)")
            let metadata = try runTool(["docker-cli-plugin-metadata"])
            let object = try JSONSerialization.jsonObject(with: Data(metadata.stdout.utf8)) as? [String: Any]
            #expect(object?["SchemaVersion"] as? String == "0.1.0" && object?["Version"] as? String == ToolInfo.current.version)
        }

        @Test("scripts/install.sh --prefix (with the binary the suite built) puts the command, the plugin link, completions for three shells and the man page in place")
        func installScript() throws {
            try TestEnvironment.requireFixtures()
            let prefix = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: prefix) }
            // The plugin goes to $DOCKER_CONFIG/cli-plugins: a folder of the test's, so the real ~/.docker is left alone.
            var environment = ProcessInfo.processInfo.environment
            environment["DOCKER_CONFIG"] = prefix.appendingPathComponent(".docker").path
            environment["PATH"] = "/opt/swift/usr/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
            let result = try run("/bin/bash", [Self.root.appendingPathComponent("scripts/install.sh").path, "--prefix", prefix.path,
                                               "--binary", TestEnvironment.binary], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            for path in ["bin/docker-baseline", ".docker/cli-plugins/docker-baseline", "share/bash-completion/completions/docker-baseline",
                         "share/zsh/site-functions/_docker-baseline", "share/fish/vendor_completions.d/docker-baseline.fish",
                         "share/man/man1/docker-baseline.1"] {
                #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(path).path), "\(path) is missing")
            }
            let version = try run(prefix.appendingPathComponent("bin/docker-baseline").path, ["--version"])
            #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == ToolInfo.current.version)
        }

        @Test("The image built from the Dockerfile audits this host from a container: engine socket and host root read-only")
        func containerImage() throws {
            try TestEnvironment.requireFixtures()
            let tag = "dbt/docker-baseline:test"
            let built = try run("/bin/bash", [Self.root.appendingPathComponent("scripts/image.sh").path, "--binary", TestEnvironment.binary, "--tag", tag])
            try #require(built.status == 0, "\(built.stderr)")
            defer { _ = try? run("/usr/bin/docker", ["rmi", "-f", tag, "dbt/docker-baseline-base:local"]) }
            let audit = try run("/usr/bin/docker", ["run", "--rm", "--user", "0", "--pid", "host", "-v", "/var/run/docker.sock:/var/run/docker.sock:ro",
                                                    "-v", "/:/host:ro", tag, "audit", "--root", "/host", "--format", "json", "--fail-on", "none"])
            #expect(audit.status == 0, "\(audit.stderr)")
            let report = try decodeReport(audit.stdout)
            #expect(report.results.contains { $0.target.name == "dbt-hardened" && $0.rule == "container.privileged" && $0.status == "pass" })
            // The host was read through /host: the daemon's configuration is judged, not skipped as a remote engine's.
            let icc = try #require(report.results.first { $0.rule == "daemon.icc" })
            #expect(icc.status != "skipped", "\(icc.message)")
            // The image's own user is unprivileged.
            let user = try run("/usr/bin/docker", ["image", "inspect", tag, "--format", "{{.Config.User}}"])
            #expect(user.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "10001:10001")
        }

        @Test("Progress shows on a terminal, on standard error, and never when the output is a pipe or CI is set")
        func progressOnTerminal() throws {
            try TestEnvironment.requireFixtures()
            let audit = "\(TestEnvironment.binary) audit --image-contents none --format json -o /dev/null --fail-on none"
            // `script` gives the command a terminal; what it printed there comes back on script's standard output.
            let onTerminal = try run("/usr/bin/script", ["-q", "-e", "-c", audit, "/dev/null"],
                                     environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm", "DOCKER_BASELINE_PROGRESS_DELAY": "0"])
            #expect(onTerminal.stdout.contains("containers and images inspected"), "\(onTerminal.stdout)")
            let inCI = try run("/usr/bin/script", ["-q", "-e", "-c", audit, "/dev/null"],
                               environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm", "CI": "true", "DOCKER_BASELINE_PROGRESS_DELAY": "0"])
            #expect(!inCI.stdout.contains("inspected"), "\(inCI.stdout)")
            let piped = try runTool(["audit", "--image-contents", "none", "--format", "json", "--fail-on", "none"],
                                    environment: ["DOCKER_BASELINE_PROGRESS_DELAY": "0"])
            #expect(!piped.stderr.contains("inspected") && piped.status == 0)
        }

        @Test("rules: a header row; rules ID shows whole rules by rule id or CIS id in any numbering; JSON; an unknown name is exit 2")
        func rulesCommand() throws {
            let list = try runTool(["rules"])
            #expect(list.stdout.hasPrefix("CIS    CE     rule"), "\(list.stdout.prefix(80))")
            let byCIS = try runTool(["rules", "2.9"])
            // 2.9 is userns-remap in 1.6.0, default ulimits in 1.8.0 and the cgroup parent in CE 1.1.0: all three, each labelled.
            for id in ["daemon.userns-remap", "daemon.default-ulimits", "daemon.cgroup-parent"] { #expect(byCIS.stdout.contains(id)) }
            #expect(byCIS.stdout.contains("CIS 1.6.0 2.9") && byCIS.stdout.contains("Why: ") && byCIS.stdout.contains("Examples"))
            let json = try runTool(["rules", "cis-ce:5.4", "--format", "json"])
            let rules = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            // CE 5.4 is the privileged container: its container rule and its Compose twin.
            #expect(rules.compactMap { $0["id"] as? String } == ["container.privileged", "compose.privileged"])
            #expect((rules[0]["examples"] as? [Any])?.isEmpty == false && rules[0]["harden"] as? String != nil)
            let zh = try runTool(["rules", "container.user", "--lang", "zh"])
            #expect(zh.stdout.contains("原因：") && zh.stdout.contains("修复："))
            let unknown = try runTool(["rules", "no.such-rule"])
            #expect(unknown.status == 2 && unknown.stderr.contains("no rule is named no.such-rule"))
        }
    }
}
