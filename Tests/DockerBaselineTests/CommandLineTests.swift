@testable import DockerBaseline
import Foundation
import Testing

struct ReportDocument: Decodable {
    struct Item: Decodable, Hashable {
        struct Target: Decodable, Hashable { let kind: String; let id: String; let name: String; let state: String? }
        let rule: String
        let cis: String?
        let status: String
        let severity: String
        let change: String?
        let target: Target
        let evidence: [String: String]
        let message: String
        let remediation: String
    }
    struct Summary: Decodable { let total: Int; let pass: Int; let fail: Int; let score: Double? }
    let schemaVersion: Int
    let summary: Summary
    let results: [Item]
}

func decodeReport(_ text: String) throws -> ReportDocument {
    try JSONDecoder().decode(ReportDocument.self, from: Data(text.utf8))
}

extension EngineTests {
    @Suite("The docker-baseline command") struct CommandLine {
        @Test("Exit code follows --fail-on: 1 with critical findings, 0 with none or above the worst")
        func exitCodes() throws {
            try TestEnvironment.requireFixtures()
            #expect(try runTool(["audit", "--fail-on", "critical", "--format", "json"]).status == 1)
            #expect(try runTool(["audit", "--fail-on", "none", "--format", "json"]).status == 0)
        }

        @Test("The JSON report carries what the schema documents, for every result")
        func jsonShape() throws {
            try TestEnvironment.requireFixtures()
            let result = try runTool(["audit", "--format", "json", "--fail-on", "none"])
            let report = try decodeReport(result.stdout)
            #expect(report.schemaVersion == 1)
            #expect(report.summary.total == report.results.count)
            let privileged = try #require(report.results.first { $0.rule == "container.privileged" && $0.target.name == "dbt-privileged" })
            #expect(privileged.cis == "5.5" && privileged.status == "fail" && privileged.severity == "critical")
            #expect(privileged.target.kind == "container" && privileged.target.state == "created")
            #expect(privileged.evidence["Privileged"] == "true")
            #expect(!privileged.remediation.isEmpty)
            let image = try #require(report.results.first { $0.rule == "image.user" && $0.target.name == "dbt/base:1" })
            #expect(image.target.kind == "image" && image.target.id.hasPrefix("sha256:"))
        }

        @Test("collect -o then audit --snapshot gives the same verdicts as a live audit")
        func snapshotRoundTripThroughFiles() throws {
            try TestEnvironment.requireFixtures()
            let directory = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("snapshot.json").path
            let collected = try runTool(["collect", "-o", file])
            #expect(collected.status == 0, "\(collected.stderr)")
            let saved = try decodeReport(try runTool(["audit", "--snapshot", file, "--format", "json", "--fail-on", "none"]).stdout)
            let live = try decodeReport(try runTool(["audit", "--format", "json", "--fail-on", "none"]).stdout)
            // Health states move on between two collections; the verdicts must not.
            let verdicts = { (report: ReportDocument) in Set(report.results.map { "\($0.rule) \($0.target.id) \($0.status)" }) }
            #expect(verdicts(saved) == verdicts(live))
        }

        @Test("A snapshot audit needs no engine at all")
        func snapshotWithoutEngine() throws {
            try TestEnvironment.requireFixtures()
            let directory = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("snapshot.json").path
            #expect(try runTool(["collect", "-o", file]).status == 0)
            let result = try runTool(["audit", "--snapshot", file, "--fail-on", "none"], environment: ["DOCKER_HOST": "unix:///nonexistent/docker.sock"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("container.privileged"))
        }

        @Test("Text output: Chinese with --lang zh, remediation on request, colour only on a terminal and never with NO_COLOR")
        func textOutput() throws {
            try TestEnvironment.requireFixtures()
            let chinese = try runTool(["audit", "--lang", "zh", "--remediation", "--fail-on", "none"])
            #expect(chinese.stdout.contains("不使用特权容器"))
            #expect(chinese.stdout.contains("修复："))
            #expect(!chinese.stdout.contains("\u{1B}["), "piped output must not be coloured")
            let fromLang = try runTool(["audit", "--fail-on", "none"], environment: ["LANG": "zh_CN.UTF-8"])
            #expect(fromLang.stdout.contains("容器运行时"))
            // `script` gives the command a real terminal.
            let command = "\(TestEnvironment.binary) audit --fail-on none"
            let coloured = try run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm"])
            #expect(coloured.stdout.contains("\u{1B}[31m"))
            let plain = try run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm", "NO_COLOR": "1"])
            #expect(plain.stdout.contains("container.privileged"))
            #expect(!plain.stdout.contains("\u{1B}["))
        }

        @Test("A user who may not use the socket gets the permission message and exit 3")
        func permissionDenied() throws {
            try TestEnvironment.requireFixtures()
            let result = try run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestEnvironment.binary, "audit"],
                                 environment: ["PATH": "/usr/bin:/bin"])
            #expect(result.status == 3)
            #expect(result.stderr.contains("permission denied on Docker engine socket /var/run/docker.sock"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }

        @Test("A missing socket, a bad address, a bad snapshot, bad arguments: one clear line and a distinct exit code")
        func errors() throws {
            // A socket that cannot be reached is a could-not-audit error only while a dockerd runs on this host;
            // with none running the configuration files are judged instead (HostOnlyTests).
            try TestEnvironment.requireFixtures()
            let directory = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let missing = try runTool(["audit", "--host", "unix:///nonexistent/docker.sock"])
            #expect(missing.status == 3)
            #expect(missing.stderr.contains("socket /nonexistent/docker.sock does not exist"))
            let fromEnvironment = try runTool(["audit"], environment: ["DOCKER_HOST": "unix:///nonexistent/env.sock"])
            #expect(fromEnvironment.stderr.contains("/nonexistent/env.sock"))
            let tcp = try runTool(["audit", "--host", "tcp://127.0.0.1:1"])
            #expect(tcp.status == 3 && tcp.stderr.contains("tcp://127.0.0.1:1"), "\(tcp.stderr)")
            let ssh = try runTool(["audit", "--host", "ssh://"])
            #expect(ssh.status == 3 && ssh.stderr.contains("no host name"))
            let context = try runTool(["audit", "--context", "nowhere"], environment: ["DOCKER_CONFIG": directory.path])
            #expect(context.status == 3 && context.stderr.contains("no such context"), "\(context.stderr)")
            let garbage = directory.appendingPathComponent("garbage.json")
            try "not json".write(to: garbage, atomically: true, encoding: .utf8)
            let bad = try runTool(["audit", "--snapshot", garbage.path])
            #expect(bad.status == 3 && bad.stderr.contains("\(garbage.path) is not a docker-baseline snapshot"))
            let wrongShape = directory.appendingPathComponent("wrong.json")
            try #"{"format": 1, "containers": "many"}"#.write(to: wrongShape, atomically: true, encoding: .utf8)
            let wrong = try runTool(["audit", "--snapshot", wrongShape.path])
            #expect(wrong.status == 3 && wrong.stderr.contains(wrongShape.path))
            let absent = try runTool(["audit", "--snapshot", directory.appendingPathComponent("absent.json").path])
            #expect(absent.status == 3 && absent.stderr.contains("cannot read snapshot"))
            // A huge file is refused by its size, before anything is read (a sparse file takes no disk).
            let huge = directory.appendingPathComponent("huge.json")
            FileManager.default.createFile(atPath: huge.path, contents: nil)
            #expect(truncate(huge.path, 2 << 30) == 0)
            let tooLarge = try runTool(["audit", "--snapshot", huge.path])
            #expect(tooLarge.status == 3 && tooLarge.stderr.contains("2048 MiB; the limit is 1024 MiB"), "\(tooLarge.stderr)")
            let directoryAsSnapshot = try runTool(["audit", "--snapshot", directory.path])
            #expect(directoryAsSnapshot.status == 3 && directoryAsSnapshot.stderr.contains("is not a regular file"))
            #expect(try runTool(["audit", "--fail-on", "bogus"]).status == 2)
            #expect(try runTool(["audit", "--format", "yaml"]).status == 2)
            #expect(try runTool(["nonsense"]).status == 2)
            #expect(try runTool(["--help"]).status == 0)
        }

        @Test("An output file is written whole, or not at all")
        func outputFile() throws {
            try TestEnvironment.requireFixtures()
            let directory = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("report.json").path
            #expect(try runTool(["audit", "--format", "json", "-o", file, "--fail-on", "none"]).status == 0)
            #expect(try decodeReport(String(contentsOfFile: file, encoding: .utf8)).results.count > 100)
            let unwritable = try runTool(["audit", "-o", "/nonexistent/dir/report.txt", "--fail-on", "none"])
            #expect(unwritable.status == 3 && unwritable.stderr.contains("cannot write /nonexistent/dir/report.txt"))
        }
    }
}

@Suite("No engine running")
struct HostOnlyTests {
    @Test("With no engine and no dockerd on the host, the host and configuration files are judged, and the report says so")
    func configurationFilesAlone() throws {
        let root = try makeFakeHost(["etc/docker/daemon.json": #"{"log-level": "debug", "icc": false}"#,
                                     "lib/systemd/system/docker.service": "[Service]\nExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375\n",
                                     "proc/.keep": ""])
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try runTool(["audit", "--root", root.path, "--host", "unix://\(root.path)/docker.sock", "--format", "json", "--fail-on", "none"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try decodeReport(result.stdout)
        #expect(report.results.first { $0.rule == "daemon.log-level" }?.status == "fail")
        #expect(report.results.first { $0.rule == "daemon.icc" }?.status == "pass")
        let remote = report.results.first { $0.rule == "daemon.remote-api-tls" }
        #expect(remote?.status == "fail")
        #expect(remote?.evidence["hosts"]?.contains("docker.service ExecStart -H tcp://0.0.0.0:2375") == true)
        #expect(report.results.first { $0.rule == "engine.swarm-mode" }?.status == "skipped")
        #expect(report.results.first { $0.rule == "daemon.configuration" }?.status == "info")
        let text = try runTool(["audit", "--root", root.path, "--host", "unix://\(root.path)/docker.sock", "--fail-on", "none"])
        #expect(text.stdout.contains("no Docker engine is running"))
    }
}

extension EngineTests {
    @Suite("Reports and policy from the command line") struct ReportOptions {
        @Test("Several formats in one run, each written whole to its file; text still on standard output")
        func severalFormats() throws {
            try TestEnvironment.requireFixtures()
            let directory = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = { (name: String) in directory.appendingPathComponent(name).path }
            let result = try runTool(["audit", "--fail-on", "none", "--format", "text", "--format", "json=\(path("r.json"))",
                                      "--format", "sarif=\(path("r.sarif"))", "--format", "junit=\(path("r.xml"))",
                                      "--format", "html=\(path("r.html"))", "--format", "markdown=\(path("r.md"))"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Summary"))
            let json = try decodeReport(String(contentsOfFile: path("r.json"), encoding: .utf8))
            let sarif = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("r.sarif")))) as? [String: Any]
            #expect(((sarif?["runs"] as? [[String: Any]])?.first?["results"] as? [Any])?.count == json.results.count)
            #expect(try String(contentsOfFile: path("r.html"), encoding: .utf8).contains("dbt-privileged"))
            #expect(try String(contentsOfFile: path("r.xml"), encoding: .utf8).contains("<testsuites"))
            #expect(try String(contentsOfFile: path("r.md"), encoding: .utf8).contains("| fail |"))
            let twoToStdout = try runTool(["audit", "--format", "json", "--format", "sarif"])
            #expect(twoToStdout.status == 2 && twoToStdout.stderr.contains("only one --format can go to standard output"))
        }

        @Test("--benchmark cis-1.8 numbers the remote-API check 2.8; --benchmark cis-ce-1.1 numbers privileged containers 5.4")
        func benchmarkNumbering() throws {
            try TestEnvironment.requireFixtures()
            let cis18 = try runTool(["audit", "--fail-on", "none", "--benchmark", "cis-1.8", "--include", "daemon.remote-api-tls"])
            #expect(cis18.stdout.contains("2.8    TLS authentication"), "\(cis18.stdout)")
            let ce = try runTool(["audit", "--fail-on", "none", "--benchmark", "cis-ce-1.1", "--include", "container.privileged"])
            #expect(ce.stdout.contains("5.4    Privileged containers are not used"), "\(ce.stdout)")
        }

        @Test("Waivers from .docker-baseline.yaml in the working directory; a broken file is a usage error naming it")
        func configurationFile() throws {
            try TestEnvironment.requireFixtures()
            let directory = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent(".docker-baseline.yaml")
            try """
            include: ["container.privileged"]
            waivers:
              - rule: container.privileged
                target: dbt-privileged
                reason: fixture for the privileged check
                expires: 2999-01-01
            """.write(to: file, atomically: true, encoding: .utf8)
            let waived = try run("/bin/sh", ["-c", "cd '\(directory.path)' && '\(TestEnvironment.binary)' audit --format json --fail-on critical"])
            #expect(waived.status == 0, "the only critical failure is waived: \(waived.stderr)")
            let report = try decodeReport(waived.stdout)
            #expect(report.results.first { $0.target.name == "dbt-privileged" }?.status == "waived")
            try "waivers:\n  - rule: container.privileged\n".write(to: file, atomically: true, encoding: .utf8)
            let broken = try runTool(["audit", "--config", file.path])
            #expect(broken.status == 2 && broken.stderr.contains("\(file.path):2") && broken.stderr.contains("has no reason"), "\(broken.stderr)")
        }

        @Test("--min-score and --baseline decide the exit code")
        func exitPolicy() throws {
            try TestEnvironment.requireFixtures()
            let directory = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let low = try runTool(["audit", "--fail-on", "none", "--min-score", "99.9", "--format", "json"])
            #expect(low.status == 1 && low.stderr.contains("below --min-score"))
            #expect(try runTool(["audit", "--fail-on", "none", "--min-score", "1", "--format", "json"]).status == 0)
            let previous = directory.appendingPathComponent("previous.json").path
            #expect(try runTool(["audit", "--fail-on", "none", "--format", "json=\(previous)"]).status == 0)
            let again = try runTool(["audit", "--fail-on", "low", "--baseline", previous, "--format", "json"])
            #expect(again.status == 0, "nothing new since the previous report: \(again.stderr)")
            #expect(try decodeReport(again.stdout).results.contains { $0.status == "fail" })
        }
    }
}
