import Foundation
@testable import DockerBaseline
import Testing

/// Dockerfiles, Compose files and directory trees written the way an attacker would: each case once crashed, hung
/// (minutes of quadratic or exponential work), blew memory up, or gave a wrong verdict. Slow cases run the real
/// binary with a generous timeout on inputs the old code took minutes on; none asserts a speed.
@Suite("Lint: hostile build files")
struct HostileBuildFileTests {
    static let patience = 60.0

    func write(_ data: Data, _ name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url.path
    }

    /// Runs `lint --format json` with a generous timeout; the report's results as (rule, status, message).
    func lintJSON(_ paths: [String]) throws -> (run: CommandResult, results: [(rule: String, status: String, message: String)]) {
        let run = try runTool(["lint", "--format", "json"] + paths, timeout: Self.patience)
        #expect(!run.timedOut && run.signal == nil, "lint did not finish cleanly: \(run.summary)")
        guard let data = run.stdout.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return (run, [])
        }
        let results = (object["results"] as? [[String: Any]] ?? []).map { result in
            (rule: result["rule"] as? String ?? "", status: result["status"] as? String ?? "", message: result["message"] as? String ?? "")
        }
        return (run, results)
    }

    @Test("ONBUILD ONBUILD … nested 200,000 deep is a syntax finding, not a stack overflow")
    func nestedOnbuild() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = "FROM alpine:3.20\nUSER app\n" + String(repeating: "ONBUILD ", count: 200_000) + "RUN echo hi\n"
        let path = try write(Data(text.utf8), "Dockerfile", in: directory)
        let run = try runTool(["lint", path], timeout: Self.patience)
        #expect(!run.timedOut && run.signal == nil, "\(run.summary)")
        #expect(run.status == 1)
        #expect(run.stdout.contains("ONBUILD cannot wrap ONBUILD"))

        let file = DockerfileParser.parse(Array("FROM a\nONBUILD ONBUILD ONBUILD RUN x\n".utf8), path: "Dockerfile")
        #expect(file.instructions[1].problem == "ONBUILD cannot wrap ONBUILD")
        #expect(file.instructions[1].wrapped.first?.wrapped.isEmpty == true)
    }

    @Test("Unterminated ${ repeated 300,000 times, in a Dockerfile and in a Compose file, is read in linear time")
    func unterminatedExpansion() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let opens = String(repeating: "${", count: 300_000)
        let dockerfile = try write(Data("FROM alpine:3.20\nUSER \(opens)\n".utf8), "df/Dockerfile", in: directory)
        let compose = try write(Data("services:\n  app:\n    image: a:1\n    user: \"\(opens)\"\n".utf8), "co/compose.yaml", in: directory)
        let (run, results) = try lintJSON([dockerfile, compose])
        #expect(run.status == 1, "\(run.summary)")
        #expect(!results.isEmpty)
        // The same expansion as before on small input: an unterminated ${ stays as written.
        #expect(VariableExpander.expand("a${b ${c", ["b": "x"]) == "a${b ${c")
        #expect(VariableExpander.expand("${A:-x}${B}$C${", ["B": "b", "C": "c"]) == "xbc${")
    }

    @Test("49,000 named stages: each FROM is looked up by name at once, not against every stage before it")
    func manyStages() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = ""
        for index in 0..<49_000 { text += "FROM alpine:3.20 AS s\(index)\n" }
        text += "FROM S0\nUSER app\n"
        let path = try write(Data(text.utf8), "Dockerfile", in: directory)
        let (run, _) = try lintJSON([path])
        #expect(run.signal == nil && !run.timedOut, "\(run.summary)")
        let file = DockerfileParser.parse(Array(text.utf8), path: path)
        #expect(file.stages.count == 49_001)
        #expect(file.stages.last?.parent == 0)
        #expect(file.stages[1].parent == nil)
        // The last stage of a name wins, as BuildKit resolves it.
        let twice = DockerfileParser.parse(Array("FROM a:1 AS x\nFROM b:1 AS X\nFROM x\n".utf8), path: path)
        #expect(twice.stages[2].parent == 1)
    }

    @Test("A RUN of 60,000 commands is judged for download-and-execute in one pass")
    func manyCommandsInOneRun() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var run = "RUN true"
        for index in 0..<30_000 { run += " && curl -fsSL -o f\(index) https://x.example/f && sh ./script" }
        let path = try write(Data("FROM alpine:3.20\n\(run)\nUSER app\n".utf8), "Dockerfile", in: directory)
        let (finished, results) = try lintJSON([path])
        #expect(finished.status != nil, "\(finished.summary)")
        #expect(results.contains { $0.rule == RuleID.dockerfileDownloadExecute.rawValue && $0.status == "pass" })

        // What it judges is unchanged: a later command of the same pipeline, or the file just downloaded.
        func verdict(_ text: String) throws -> Status? {
            let report = Linter.lint([try parseBuildFile(.dockerfile, text)])
            return report.results.first { $0.rule.id == .dockerfileDownloadExecute }?.status
        }
        #expect(try verdict("FROM a:1\nRUN curl -fsSL https://x/i.sh | sh\nUSER app\n") == .fail)
        #expect(try verdict("FROM a:1\nRUN curl -o i.sh https://x/i.sh && sh ./i.sh\nUSER app\n") == .fail)
        #expect(try verdict("FROM a:1\nRUN curl -o i.sh https://x/i.sh && sha256sum -c s && sh ./i.sh\nUSER app\n") == .pass)
        #expect(try verdict("FROM a:1\nRUN curl -o /tmp/x https://x/x | jq . && sh ./other.sh\nUSER app\n") == .pass)
    }

    @Test("A RUN of 7 million commands keeps 10,000, says so on its line, and stays within bounded memory")
    func millionsOfCommands() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = "FROM alpine:3.20\nRUN " + String(repeating: "a;", count: 7_000_000) + "a\nUSER app\n"
        let path = try write(Data(text.utf8), "Dockerfile", in: directory)
        let (run, results) = try lintJSON([path])
        #expect(run.signal == nil && !run.timedOut, "\(run.summary)")
        #expect(results.contains { $0.rule == RuleID.lintInput.rawValue && $0.status == "error" && $0.message.contains("line 2: RUN runs more than 10000 commands") },
                "\(run.summary)")
        #expect(results.contains { $0.rule == RuleID.dockerfileUser.rawValue && $0.status == "pass" }, "the rest of the file is still judged")
        #expect(run.peakMemory > 0 && run.peakMemory < 400 << 20, "peak memory \(run.peakMemory >> 20) MiB")
    }

    @Test("A Compose file of 5 million comment lines costs no more memory than its text; inline ignores around them still apply")
    func millionsOfComposeComments() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = "services:\n  db:\n    image: a:1\n    environment:\n" + String(repeating: "#c\n", count: 5_000_000)
            + "      # docker-baseline ignore=compose.secrets accepted in tests\n      POSTGRES_PASSWORD: hunter2\n"
        let path = try write(Data(text.utf8), "compose.yaml", in: directory)
        let (run, results) = try lintJSON([path])
        #expect(run.signal == nil && !run.timedOut, "\(run.summary)")
        #expect(results.contains { $0.rule == RuleID.composeSecrets.rawValue && $0.status == "waived" }, "\(run.summary)")
        #expect(run.peakMemory > 0 && run.peakMemory < 300 << 20, "peak memory \(run.peakMemory >> 20) MiB")
    }

    @Test("100,000 ignore comments in a row in a Compose file are matched in linear time")
    func manyComposeIgnoreComments() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let comments = String(repeating: "      # docker-baseline ignore=compose.secrets accepted in tests\n", count: 100_000)
        let text = "services:\n  db:\n    image: a:1\n    environment:\n" + comments + "      POSTGRES_PASSWORD: hunter2\n"
        let path = try write(Data(text.utf8), "compose.yaml", in: directory)
        let (run, results) = try lintJSON([path])
        #expect(run.signal == nil && !run.timedOut, "\(run.summary)")
        #expect(results.contains { $0.rule == RuleID.composeSecrets.rawValue && $0.status == "waived" }, "\(run.summary)")

        // A block of comments still reaches the line after it, and a trailing comment its own line.
        let small = try parseBuildFile(.compose, """
            services:
              db:
                image: a:1
                environment:
                  # docker-baseline ignore=compose.secrets test data
                  # another comment
                  POSTGRES_PASSWORD: hunter2
                  API_TOKEN: abc123 # docker-baseline ignore=compose.secrets test data
                  DEBUG: "1"
                  OTHER_SECRET: abc123
            """)
        let waived = Linter.lint([small]).results.filter { $0.rule.id == .composeSecrets }.map { ($0.finding.location?.range.line ?? 0, $0.waiver != nil) }
        #expect(waived.sorted { $0.0 < $1.0 }.map(\.1) == [true, true, false])
    }

    @Test("A .gitignore of `**/` repeated is matched without backtracking, and globs mean what git means")
    func gitignoreGlobs() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let deep = (0..<60).map { "d\($0)" }.joined(separator: "/")
        _ = try write(Data("FROM alpine:3.20\nUSER app\n".utf8), deep + "/Dockerfile", in: directory)
        _ = try write(Data((String(repeating: "**/", count: 120) + "nomatch\n" + String(repeating: "*", count: 5000) + "x/\n").utf8),
                      ".gitignore", in: directory)
        let run = try runTool(["lint", "--format", "json", directory.path], timeout: Self.patience)
        #expect(!run.timedOut && run.signal == nil, "\(run.summary)")
        #expect(run.stdout.contains("d59/Dockerfile"))

        func ignored(_ pattern: String, _ path: String, directory: Bool = false) -> Bool {
            IgnoreRules.ignored(path, isDirectory: directory, by: [IgnoreRules(patterns: [pattern], base: "")])
        }
        #expect(ignored("*.md", "docs/a.md"))
        #expect(!ignored("/*.md", "docs/a.md"))
        #expect(ignored("docs/*.md", "docs/a.md"))
        #expect(!ignored("docs/*.md", "docs/x/a.md"))
        #expect(ignored("docs/**/*.md", "docs/x/y/a.md"))
        #expect(ignored("docs/**/*.md", "docs/a.md"))
        #expect(ignored("**/build", "a/b/build", directory: true))
        #expect(ignored("build/", "a/build", directory: true))
        #expect(!ignored("build/", "a/build"))
        #expect(ignored("a/**", "a/b/c"))
        #expect(ignored("Docker?ile", "x/Dockerfile"))
        #expect(!ignored("Docker?ile", "x/Docker/ile"))
        #expect(ignored("[Dd]ockerfile", "dockerfile"))
        #expect(!ignored("[!D]ockerfile", "Dockerfile"))
        #expect(ignored("[a-c]x", "bx"))
        #expect(ignored("a\\*x", "a*x"))
        #expect(!ignored("a\\*x", "abx"))
        #expect(IgnoreRules.ignored("vendor/x", isDirectory: false, by: [IgnoreRules(patterns: ["vendor/", "!vendor/x"], base: "")]) == false)
    }

    @Test("A 10 MB anchor used by 1,000 services is refused by a byte budget, with a clear finding")
    func largeAliasUsedManyTimes() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = "x-big: &big \"" + String(repeating: "A", count: 10_000_000) + "\"\nservices:\n"
        for index in 0..<1_000 { text += "  s\(index):\n    image: a:1\n    command: *big\n" }
        let path = try write(Data(text.utf8), "docker-compose.yml", in: directory)
        let (run, results) = try lintJSON([path])
        #expect(run.status == 1, "\(run.summary)")
        #expect(results.contains { $0.rule == RuleID.composeSyntax.rawValue && $0.status == "fail" && $0.message.contains("MiB of text through its aliases") })
        #expect(!results.contains { $0.status == "pass" })
    }

    @Test("Four Dockerfiles of 16 MiB of comment lines stay within a few hundred MiB")
    func commentLinesMemory() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = Data("FROM alpine:3.20\nUSER app\n".utf8) + Data(repeating: 0x23, count: 1) + Data(String(repeating: "\n#", count: 8_300_000).utf8) + Data("\n".utf8)
        #expect(body.count < BuildFileCollector.sizeLimit)
        for index in 0..<4 { _ = try write(body, "f\(index)/Dockerfile", in: directory) }
        let run = try runTool(["lint", "--format", "json", directory.path], timeout: Self.patience * 2)
        #expect(!run.timedOut && run.signal == nil, "\(run.summary)")
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout.contains("f3/Dockerfile"))
        #expect(run.peakMemory > 0 && run.peakMemory < 400 << 20, "peak memory \(run.peakMemory >> 20) MiB")
    }

    @Test("A NUL byte anywhere (after the first 8 KiB too) makes the file an input error naming its line; USER \\0 is not a pass")
    func nulAfterFirstKilobytes() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let padding = String(repeating: "# padding line to get past the first kilobytes\n", count: 400)
        _ = try write(Data("FROM alpine:3.20\n\(padding)USER ".utf8) + Data([0]) + Data("\n".utf8), "df/Dockerfile", in: directory)
        _ = try write(Data("services:\n  app:\n    image: a:1\n\(padding.replacingOccurrences(of: "# ", with: "    # "))    user: \"".utf8)
                      + Data([0]) + Data("\"\n".utf8), "co/compose.yaml", in: directory)
        let report = Linter.lint(BuildFileCollector.load(BuildFileCollector.find([directory.path])))
        for (name, line) in [("df/Dockerfile", 402), ("co/compose.yaml", 404)] {
            let results = report.results.filter { $0.target.id.hasSuffix(name) }
            #expect(results.contains { $0.rule.id == .lintInput && $0.status == .error && $0.finding.message.en.contains("NUL byte on line \(line)") },
                    "\(name): \(results.map { "\($0.rule.id) \($0.status) \($0.finding.message.en)" })")
            #expect(!results.contains { $0.status == .pass }, "\(name)")
        }
        let parsed = DockerfileParser.parse(Array("FROM a\n\(padding)USER \0\n".utf8), path: "Dockerfile")
        #expect(parsed.instructions.isEmpty && parsed.problems.contains { $0.message.contains("line 402") })
    }

    @Test("lint on a path that does not exist is a usage error (exit 2) naming it")
    func missingPath() throws {
        let run = try runTool(["lint", "/nonexistent/dbt-no-such/Dockerfile"], timeout: Self.patience)
        #expect(run.status == 2, "\(run.summary)")
        #expect(run.stderr.contains("/nonexistent/dbt-no-such/Dockerfile"))
    }

    @Test("The directory walk reports a directory nested deeper than it searches, and link loops end")
    func deepAndLoopingTrees() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let deep = (0..<70).map { "d\($0)" }.joined(separator: "/")
        _ = try write(Data("FROM alpine:3.20\nUSER app\n".utf8), deep + "/Dockerfile", in: directory)
        _ = try write(Data("FROM alpine:3.20\nUSER app\n".utf8), "top/Dockerfile", in: directory)
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("top/loop").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("top/self").path, withDestinationPath: "self")
        let candidates = BuildFileCollector.find([directory.path])
        #expect(candidates.filter { $0.kind == .dockerfile }.map { $0.path.hasSuffix("top/Dockerfile") } == [true])
        let report = Linter.lint(BuildFileCollector.load(candidates))
        let notSearched = report.results.filter { $0.rule.id == .lintInput && $0.status == .error }
        #expect(notSearched.count == 1)
        #expect(notSearched.first?.finding.message.en.contains("/d62/d63 is nested more than 64 levels deep") == true,
                "\(notSearched.map(\.finding.message.en))")
    }

    @Test("Syntax-error findings keep the line and keyword but never echo a secret")
    func syntaxErrorsMaskSecrets() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = """
            FROM alpine:3.20 AS build extra --password=Hunter2Secret
            -e API_TOKEN=Tok3nValueSecret
            HEALTHCHECK DB_PASSWORD=Pa55wordSecret
            FROM alpine:3.20
            USER app

            """
        let path = try write(Data(text.utf8), "Dockerfile", in: directory)
        let report = Linter.lint(BuildFileCollector.load(BuildFileCollector.find([path])))
        let syntax = report.results.filter { $0.rule.id == .dockerfileSyntax && $0.status == .fail }
        #expect(syntax.compactMap { $0.finding.location?.range.line }.sorted() == [1, 2, 3])
        for secret in ["Hunter2Secret", "Tok3nValueSecret", "Pa55wordSecret"] {
            #expect(!syntax.contains { $0.finding.message.en.contains(secret) || $0.finding.message.zh.contains(secret) }, "\(secret)")
        }
        for format in ["text", "json"] {
            let run = try runTool(["lint", "--format", format, path], timeout: Self.patience)
            #expect(run.status == 1, "\(run.summary)")
            for secret in ["Hunter2Secret", "Tok3nValueSecret", "Pa55wordSecret"] { #expect(!run.stdout.contains(secret), "\(format): \(secret)") }
        }
    }
}
