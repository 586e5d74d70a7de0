import Foundation
import Testing

/// `docker-baseline lint` as a user runs it: discovery, standard input, formats, ignores and exit codes.
@Suite("lint command")
struct LintCommandTests {
    /// A small project: files the walk must find, files .gitignore and --exclude-path hide, and one it must skip.
    func project() throws -> URL {
        let root = try makeFakeHost([
            "Dockerfile": "FROM alpine:3.20\nRUN apk add --no-cache curl\nHEALTHCHECK CMD [\"/ok\"]\nUSER app\n",
            "services/api/Dockerfile.prod": "FROM alpine:3.20\n# docker-baseline ignore=dockerfile.add vendored archive layout, reviewed in SEC-12\nADD app.txt /app/\nHEALTHCHECK CMD [\"/ok\"]\nUSER root\n",
            "services/api/worker.Dockerfile": "FROM alpine\nHEALTHCHECK NONE\nUSER app\n",
            "docker-compose.yml": "services:\n  web:\n    image: nginx:1.27\n    privileged: true  # docker-baseline ignore=compose.privileged needs raw sockets until INC-7 is fixed\n    ports:\n      - \"${WEB_BIND:-0.0.0.0}:8080:80\"\n",
            ".env": "WEB_BIND=127.0.0.1\n",
            "docker-compose.override.yml": "services:\n  web:\n    pid: host\n",
            ".gitignore": "build/\n*.tmp.Dockerfile\n!keep.tmp.Dockerfile\n",
            "build/Dockerfile": "FROM alpine\n",
            "scratch.tmp.Dockerfile": "FROM alpine\n",
            "keep.tmp.Dockerfile": "FROM alpine:3.20\nUSER app\nHEALTHCHECK CMD [\"/ok\"]\n",
            "vendor/Containerfile": "FROM alpine\n",
            "notes/README.md": "FROM alpine\n",
        ])
        return root
    }

    struct Item: Decodable {
        struct Location: Decodable { let file: String; let line: Int; let column: Int }
        struct Waiver: Decodable { let reason: String; let source: String; let inSource: Bool? }
        let rule: String
        let status: String
        let target: Target
        let location: Location?
        let waiver: Waiver?
        struct Target: Decodable { let id: String }
    }

    struct Document: Decodable { let results: [Item] }

    func lintJSON(_ arguments: [String], in directory: URL) throws -> (CommandResult, [Item]) {
        let result = try run("/bin/sh", ["-c", "cd '\(directory.path)' && exec '\(TestEnvironment.binary)' lint --format json \(arguments.joined(separator: " "))"])
        let document = try JSONDecoder().decode(Document.self, from: Data(result.stdout.utf8))
        return (result, document.results)
    }

    @Test("A directory walk finds every kind of build file, honours .gitignore (with negation) and --exclude-path")
    func discovery() throws {
        let root = try project()
        let (result, items) = try lintJSON([".", "--exclude-path", "vendor/"], in: root)
        #expect(result.status == 1, "\(result.stderr)")
        let files = Set(items.map(\.target.id)).map { $0.hasPrefix("./") ? String($0.dropFirst(2)) : $0 }.sorted()
        #expect(files == ["Dockerfile", "docker-compose.yml", "keep.tmp.Dockerfile", "services/api/Dockerfile.prod", "services/api/worker.Dockerfile"])
    }

    @Test("Compose: .env interpolation, the override merged in, an inline ignore kept visible as waived")
    func compose() throws {
        let root = try project()
        let (_, items) = try lintJSON(["docker-compose.yml"], in: root)
        #expect(!items.contains { $0.rule == "compose.port-bind-address" && $0.status == "fail" }, "WEB_BIND from .env binds to 127.0.0.1")
        let pid = try #require(items.first { $0.rule == "compose.host-pid" && $0.status == "fail" })
        #expect(pid.location?.file == "docker-compose.override.yml" && pid.location?.line == 3)
        let privileged = try #require(items.first { $0.rule == "compose.privileged" })
        #expect(privileged.status == "waived" && privileged.waiver?.inSource == true && privileged.waiver?.source == "docker-compose.yml:4")
    }

    @Test("Inline ignores need a reason, --no-inline-ignores turns them off, and exit codes follow --fail-on")
    func ignoresAndExitCodes() throws {
        let root = try project()
        let (_, items) = try lintJSON(["services/api/Dockerfile.prod"], in: root)
        #expect(items.first { $0.rule == "dockerfile.add" }?.status == "waived")
        #expect(items.first { $0.rule == "dockerfile.user" }?.location?.line == 5)
        let (_, strict) = try lintJSON(["--no-inline-ignores", "services/api/Dockerfile.prod"], in: root)
        #expect(strict.first { $0.rule == "dockerfile.add" }?.status == "fail")

        let noReason = try makeFakeHost(["Dockerfile": "FROM alpine:3.20\n# docker-baseline ignore=dockerfile.add\nADD a /a\n# docker-baseline ignore=dockerfile.nonsense because\nUSER app\n"])
        let (_, unreasoned) = try lintJSON(["Dockerfile"], in: noReason)
        #expect(unreasoned.first { $0.rule == "dockerfile.add" }?.status == "fail")
        #expect(unreasoned.filter { $0.rule == "lint.ignore" && $0.status == "warn" }.map { $0.location?.line } == [2, 4])

        let clean = try run(TestEnvironment.binary, ["lint", root.appendingPathComponent("keep.tmp.Dockerfile").path])
        #expect(clean.status == 0, "\(clean.stdout)")
        let medium = try run(TestEnvironment.binary, ["lint", "--fail-on", "medium", root.appendingPathComponent("services/api/worker.Dockerfile").path])
        #expect(medium.status == 1 && medium.stdout.contains("worker.Dockerfile:1:1: fail medium [dockerfile.base-pinned]"))
        let low = try run(TestEnvironment.binary, ["lint", "--fail-on", "critical", root.appendingPathComponent("services/api/worker.Dockerfile").path])
        #expect(low.status == 0)
        let nothing = try run(TestEnvironment.binary, ["lint", root.appendingPathComponent("notes").path])
        #expect(nothing.status == 2 && nothing.stderr.contains("no Dockerfile or Compose file found"))
    }

    @Test("Standard input needs --kind; waivers in the configuration file expire")
    func stdinAndConfig() throws {
        let root = try makeFakeHost([
            "policy.yaml": """
            lint:
              allowed-registries: [registry.example.com]
            waivers:
              - rule: dockerfile.healthcheck
                target: "<stdin>"
                reason: batch job, no endpoint
                expires: 2099-12-31
              - rule: dockerfile.user
                target: "*"
                reason: expired exception
                expires: 2020-01-01
            """,
        ])
        let script = "cd '\(root.path)' && printf 'FROM alpine:3.20\\nRUN echo hi\\n' | '\(TestEnvironment.binary)' lint --config policy.yaml --kind dockerfile --format json -"
        let result = try run("/bin/sh", ["-c", script])
        let items = try JSONDecoder().decode(Document.self, from: Data(result.stdout.utf8)).results
        #expect(items.first { $0.rule == "dockerfile.healthcheck" }?.status == "waived")
        #expect(items.first { $0.rule == "dockerfile.user" }?.status == "fail", "an expired waiver no longer holds")
        #expect(items.first { $0.rule == "dockerfile.base-registry" }?.status == "fail")
        #expect(Set(items.map(\.target.id)) == ["<stdin>"])
        let withoutKind = try run("/bin/sh", ["-c", "echo 'FROM a' | '\(TestEnvironment.binary)' lint -"])
        #expect(withoutKind.status == 2 && withoutKind.stderr.contains("--kind"))
    }

    @Test("SARIF carries rules with help and a help URI, precise regions, in-source suppressions and the ADD→COPY fix")
    func sarif() throws {
        let root = try makeFakeHost(["Dockerfile": "FROM alpine:3.20\nUSER app\n# docker-baseline ignore=dockerfile.healthcheck no HTTP endpoint\nHEALTHCHECK NONE\n  ADD app.txt /app/\n"])
        let result = try run("/bin/sh", ["-c", "cd '\(root.path)' && exec '\(TestEnvironment.binary)' lint --format sarif Dockerfile"])
        let log = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let add = try #require(rules.first { $0["id"] as? String == "dockerfile.add" })
        #expect((add["help"] as? [String: Any])?["text"] as? String != nil)
        #expect((add["helpUri"] as? String)?.hasSuffix("docs/rules.md#dockerfile.add") == true)
        let results = try #require(run["results"] as? [[String: Any]])
        let addResult = try #require(results.first { $0["ruleId"] as? String == "dockerfile.add" && $0["kind"] as? String == "fail" })
        let physical = try #require(((addResult["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
        let region = try #require(physical["region"] as? [String: Int])
        #expect(region["startLine"] == 5 && region["startColumn"] == 3)
        #expect((physical["artifactLocation"] as? [String: String])?["uri"] == "Dockerfile")
        let fix = try #require((addResult["fixes"] as? [[String: Any]])?.first)
        let replacement = try #require(((fix["artifactChanges"] as? [[String: Any]])?.first?["replacements"] as? [[String: Any]])?.first)
        #expect((replacement["insertedContent"] as? [String: String])?["text"] == "COPY")
        #expect((replacement["deletedRegion"] as? [String: Int]) == ["startLine": 5, "startColumn": 3, "endLine": 5, "endColumn": 6])
        let suppressed = try #require(results.first { $0["ruleId"] as? String == "dockerfile.healthcheck" })
        #expect(((suppressed["suppressions"] as? [[String: String]])?.first)?["kind"] == "inSource")
    }

    @Test("Text shows file:line:column; the JSON report validates against docs/report.schema.json; Chinese text")
    func textJSONAndChinese() throws {
        let root = try project()
        let text = try run("/bin/sh", ["-c", "cd '\(root.path)' && exec '\(TestEnvironment.binary)' lint --remediation services/api/worker.Dockerfile"])
        #expect(text.stdout.contains("services/api/worker.Dockerfile:2:1: fail low [dockerfile.healthcheck CIS 4.6] HEALTHCHECK NONE switches the health check off"))
        let zh = try run("/bin/sh", ["-c", "cd '\(root.path)' && exec '\(TestEnvironment.binary)' lint --lang zh services/api/worker.Dockerfile"])
        #expect(zh.stdout.contains("HEALTHCHECK NONE 关闭了健康检查"))
        let report = root.appendingPathComponent("report.json").path
        _ = try run("/bin/sh", ["-c", "cd '\(root.path)' && '\(TestEnvironment.binary)' lint --format json=\(report) ."])
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/report.schema.json").path
        let check = try run("/usr/bin/python3", ["-c", "import json,jsonschema,sys; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))", report, schema])
        #expect(check.status == 0, "\(check.stderr)")
    }
}
