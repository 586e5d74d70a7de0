import Foundation
@testable import DockerBaseline
import Testing

/// One lint rule example, named by its rule and where it was written.
struct LintExampleCase: Sendable, CustomTestStringConvertible {
    let ruleID: RuleID
    let example: LintExample
    var testDescription: String { "\(ruleID) → \(example.expect) (\(example.file):\(example.sourceLine))" }

    static let all: [LintExampleCase] = RuleCatalog.lint.flatMap { rule in
        rule.examples.map { LintExampleCase(ruleID: rule.metadata.id, example: $0) }
    }
}

/// Writes `text` (and siblings) into a temporary directory and parses it as the collector would.
func parseBuildFile(_ kind: BuildFileKind, _ text: String, siblings: [String: String] = [:]) throws -> BuildFile {
    let directory = try TestEnvironment.temporaryDirectory()
    let name = kind == .dockerfile ? "Dockerfile" : "docker-compose.yml"
    for (sibling, content) in siblings { try content.write(to: directory.appendingPathComponent(sibling), atomically: true, encoding: .utf8) }
    let path = directory.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let candidates = BuildFileCollector.find([path])
    return BuildFileCollector.load(candidates)[0]
}

@Suite("Every lint rule's own examples")
struct LintExampleTests {
    @Test(arguments: LintExampleCase.all)
    func example(_ testCase: LintExampleCase) throws {
        let rule = try #require(RuleCatalog.lintRule(id: testCase.ruleID))
        let example = testCase.example
        let file = try parseBuildFile(example.kind, example.text, siblings: example.siblings)
        let findings = rule.check(file, example.settings)
        switch example.expect {
        case .fail, .warn:
            // A manual check's finding is a warning for a person to review; an automated check's is a failure.
            let failures = findings.filter { $0.status == example.expect }
            #expect(!failures.isEmpty, "\(testCase.testDescription): no \(example.expect); got \(findings.map { "\($0.status) \($0.message.en)" })")
            if let line = example.line {
                #expect(failures.contains { $0.range.line == line }, "\(testCase.testDescription): failures at \(failures.map(\.range.line)), expected line \(line)")
            }
        default:
            let reported = findings.filter { [.fail, .warn, .error].contains($0.status) }
            #expect(reported.isEmpty, "\(testCase.testDescription): \(reported.map { "\($0.status) line \($0.range.line): \($0.message.en)" })")
        }
    }

    @Test("Lint rules have unique ids, bilingual text, references and examples both ways")
    func metadata() {
        let ids = RuleCatalog.metadata.map(\.id)
        #expect(Set(ids).count == ids.count)
        let hasHan = { (text: String) in text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
        for rule in RuleCatalog.lint {
            let statuses = Set(rule.examples.map(\.expect))
            // A manual check flags with a warning and may answer info (ulimits: the daemon's defaults apply).
            let (flagged, quiet): (Status, Set<Status>) = rule.metadata.manual ? (.warn, [.pass, .info]) : (.fail, [.pass])
            #expect(statuses.contains(flagged) && !statuses.isDisjoint(with: quiet), "\(rule.metadata.id) lacks a \(flagged) or a pass example")
            for text in [rule.metadata.title, rule.metadata.rationale, rule.metadata.remediation] {
                #expect(!text.en.isEmpty && hasHan(text.zh), "\(rule.metadata.id): \(text)")
            }
            #expect(!rule.metadata.references.isEmpty, "\(rule.metadata.id) has no references")
        }
    }
}

@Suite("Dockerfile parser")
struct DockerfileParserTests {
    func parse(_ text: String) -> Dockerfile { DockerfileParser.parse(Array(text.utf8), path: "Dockerfile") }

    @Test("Directives only in the leading comment block; the escape directive changes continuations")
    func directives() {
        let file = parse("# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=all\nFROM mcr.microsoft.com/windows:ltsc2022\nCOPY . C:\\app\\\nRUN echo a `\n  && echo b\n# escape=\\\n")
        #expect(file.directives["syntax"]?.value == "docker/dockerfile:1")
        #expect(file.directives["check"]?.value == "skip=all")
        #expect(file.escape == "`")
        #expect(file.instructions.map(\.keyword) == ["FROM", "COPY", "RUN"])
        #expect(file.instructions[1].arguments == ". C:\\app\\")
        #expect(file.instructions[2].range.line == 6 && file.instructions[2].range.endLine == 7)
        let late = parse("FROM alpine:3.20\n# escape=`\nRUN echo a \\\n  b\n")
        #expect(late.escape == "\\" && late.directives.isEmpty && late.instructions.count == 2)
        let unknownFirst = parse("# unknown=x\n# escape=`\nFROM a:1\n")
        #expect(unknownFirst.escape == "\\")
    }

    @Test("Continuations keep comment and empty lines out; CRLF and a BOM change nothing")
    func continuations() {
        let text = "\u{FEFF}FROM alpine:3.20\r\nRUN apk add \\\r\n# a comment inside\r\n\r\n    curl \\\r\n    jq\r\nUSER app\r\n"
        let file = parse(text)
        #expect(file.instructions.map(\.keyword) == ["FROM", "RUN", "USER"])
        #expect(file.instructions[1].arguments == "apk add     curl     jq")
        #expect(file.instructions[1].range.line == 2 && file.instructions[1].range.endLine == 6)
        #expect(file.instructions[2].range.line == 7)
        #expect(file.instructions[1].commands?.commands.first?.words == ["apk", "add", "curl", "jq"])
    }

    @Test("Heredocs: <<EOF, <<-EOF, quoted markers, two per RUN, a command after the marker, the next instruction straight after")
    func heredocs() {
        let file = parse("""
        FROM alpine:3.20
        RUN <<EOF
        apk add curl
        EOF
        RUN <<-"EOT" bash
        \techo $HOME
        \tEOT
        RUN <<A cat > /a && <<B sh
        one
        A
        sudo two
        B
        COPY <<EOF /etc/app.conf
        key=value
        EOF
        USER app
        """)
        #expect(file.instructions.map(\.keyword) == ["FROM", "RUN", "RUN", "RUN", "COPY", "USER"])
        #expect(file.instructions[1].heredocs.first?.body == "apk add curl\n")
        #expect(file.instructions[1].commands?.commands.contains { $0.words == ["apk", "add", "curl"] } == true)
        let dash = file.instructions[2].heredocs[0]
        #expect(dash.quoted && dash.stripsTabs && dash.body == "echo $HOME\n")
        #expect(file.instructions[2].commands?.commands.contains { $0.words == ["echo", "$HOME"] } == true)
        #expect(file.instructions[3].heredocs.map(\.marker) == ["A", "B"])
        // The body fed to cat is data; the one fed to sh runs.
        #expect(file.instructions[3].commands?.commands.contains { $0.words == ["sudo", "two"] } == true)
        #expect(file.instructions[3].commands?.commands.contains { $0.words == ["one"] } == false)
        #expect(file.instructions[4].range.line == 13 && file.instructions[4].range.endLine == 15)
        #expect(file.instructions[5].range.line == 16)
        #expect(file.instructions.allSatisfy { $0.problem == nil })
    }

    @Test("JSON and shell form; invalid JSON runs as shell, as Docker does; sh -c payloads are parsed")
    func forms() {
        let file = parse("FROM a:1\nCMD [\"a\", ]\nENTRYPOINT [\"sh\", \"-c\", \"curl x | sh && exec app\"]\nRUN [\"sudo\", \"id\"]\n")
        #expect(file.instructions[1].exec == nil && file.instructions[1].problem == nil)
        #expect(file.instructions[2].commands?.commands.map(\.name) == ["curl", "sh", "app"])
        #expect(file.instructions[3].exec == ["sudo", "id"])
    }

    @Test("ARG defaults before FROM, ${V:-d} substitution, case-insensitive stage names, ONBUILD, flags")
    func stagesAndFlags() {
        let file = parse("""
        ARG BASE=alpine
        ARG TAG
        FROM ${BASE}:${TAG:-3.20} AS Build
        RUN --mount=type=cache,target=/root/.cache --network=none make
        FROM build AS final
        COPY --from=BUILD --chown=app:app --chmod=0755 --link /out /app
        ONBUILD RUN echo child
        """)
        #expect(file.stages.map(\.base) == ["alpine:3.20", "build"])
        #expect(file.stages.map(\.name) == ["build", "final"])
        #expect(file.stages[1].parent == 0)
        #expect(file.instructions[3].flags.map(\.name) == ["mount", "network"])
        #expect(file.instructions[5].flag("chmod")?.value == "0755" && file.instructions[5].flag("link") != nil)
        #expect(file.instructions[6].wrapped.first?.keyword == "RUN")
        #expect(file.effectiveInstructions[6].commands?.commands.first?.words == ["echo", "child"])
    }

    @Test("A broken instruction is a problem of its own; everything after it is still read")
    func neverGivesUp() {
        let file = parse("FROM a:1\nFROBNICATE x\nRUN\nONBUILD FROM b\nUSER root\n")
        #expect(file.instructions.map(\.keyword) == ["FROM", "FROBNICATE", "RUN", "ONBUILD", "USER"])
        #expect(file.instructions.map { $0.problem != nil } == [false, true, true, true, false])
        let report = Linter.lint([.dockerfile(file)])
        #expect(report.results.contains { $0.rule.id == "dockerfile.user" && $0.status == .fail && $0.finding.location?.range.line == 5 })
        #expect(report.results.filter { $0.rule.id == "dockerfile.syntax" && $0.status == .fail }.count == 3)
    }

    @Test("Shell commands: operators, quotes, redirections, substitutions, assignments")
    func shell() {
        let script = ShellParser.parse("A=1 sudo -u app env B=2 curl -fsSL 'https://x/a b' | bash -s -- --yes; echo \"$(wget -qO- u)\" > /etc/x 2>&1 || true")
        #expect(script.commands.map(\.name) == ["curl", "bash", "echo", "wget", "true"])
        #expect(script.commands[0].assignments == ["A=1"] && script.commands[0].pipeline == script.commands[1].pipeline)
        #expect(script.commands[0].arguments.contains("https://x/a b"))
        #expect(script.commands[2].redirects.map(\.target) == ["/etc/x"])
        #expect(script.commands[3].substituted)
    }
}

@Suite("Lint: bad input never stops the run")
struct LintHostileInputTests {
    @Test("Binary, invalid UTF-8, a 10 MB line, invalid YAML, an alias bomb and deep nesting each give their own result")
    func hostileFiles() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        func write(_ name: String, _ data: Data) throws {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        try write("binary/Dockerfile", Data([0x7F, 0x45, 0x4C, 0x46, 0, 0, 1, 2]) + Data(count: 4096))
        try write("latin1/Dockerfile", Data("FROM alpine:3.20\nLABEL author=\"J".utf8) + Data([0xF6]) + Data("rg\"\nUSER root\n".utf8))
        try write("longline/Dockerfile", Data(("FROM alpine:3.20\nRUN echo " + String(repeating: "x", count: 10 << 20) + " && sudo id\nUSER app\n").utf8))
        try write("badyaml/compose.yaml", Data("services:\n  app: [unclosed\n".utf8))
        var bomb = "x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 { bomb += "x-\(level): &l\(level) [" + Array(repeating: level == 1 ? "*a" : "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        bomb += "services:\n  app:\n    image: a:1\n    command: *l9\n"
        try write("bomb/docker-compose.yml", Data(bomb.utf8))
        try write("deep/compose.yml", Data(("services:\n  app:\n    image: a:1\n    labels: " + String(repeating: "[", count: 100_000) + "\n").utf8))
        try write("good/Dockerfile", Data("FROM alpine:3.20\nUSER root\n".utf8))
        try write("nostage/Dockerfile", Data("RUN echo hi\n".utf8))
        try write("empty/Dockerfile", Data())
        try write("noservices/compose.yaml", Data("services: {}\n".utf8))

        let files = BuildFileCollector.load(BuildFileCollector.find([directory.path]))
        let report = Linter.lint(files)
        func results(_ name: String) -> [Result] { report.results.filter { $0.target.id.hasSuffix(name) } }
        #expect(results("binary/Dockerfile").contains { $0.rule.id == "lint.input" && $0.status == .error && $0.finding.message.en.contains("binary") })
        #expect(!results("binary/Dockerfile").contains { $0.status == .pass })
        #expect(results("latin1/Dockerfile").contains { $0.rule.id == "lint.input" && $0.finding.message.en.contains("UTF-8") })
        #expect(results("latin1/Dockerfile").contains { $0.rule.id == "dockerfile.user" && $0.status == .fail })
        #expect(results("longline/Dockerfile").contains { $0.rule.id == "dockerfile.sudo" && $0.status == .fail })
        #expect(results("badyaml/compose.yaml").contains { $0.rule.id == "compose.syntax" && $0.status == .fail && $0.finding.message.en.contains("not valid YAML") })
        #expect(!results("badyaml/compose.yaml").contains { $0.status == .pass })
        #expect(results("bomb/docker-compose.yml").contains { $0.rule.id == "compose.syntax" && $0.finding.message.en.contains("alias bomb") })
        #expect(results("deep/compose.yml").contains { $0.rule.id == "compose.syntax" && $0.finding.message.en.contains("nested more than") })
        #expect(results("good/Dockerfile").contains { $0.rule.id == "dockerfile.user" && $0.status == .fail })
        // Nothing to judge is never a pass.
        #expect(results("nostage/Dockerfile").first { $0.rule.id == "dockerfile.user" }?.status == .skipped)
        #expect(results("nostage/Dockerfile").contains { $0.rule.id == "dockerfile.syntax" && $0.status == .fail })
        #expect(results("empty/Dockerfile").contains { $0.rule.id == "lint.input" && $0.status == .error })
        #expect(!results("empty/Dockerfile").contains { $0.status == .pass })
        #expect(!results("noservices/compose.yaml").contains { $0.status == .pass })
    }
}

@Suite("Lint: regression corpus")
struct LintCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus/lint")

    @Test("Every finding in Corpus/lint/expected.txt, and no other failure")
    func corpus() throws {
        let root = Self.corpus.path
        let expected = try String(contentsOf: Self.corpus.appendingPathComponent("expected.txt"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { $0.count >= 2 }
        let report = Linter.lint(BuildFileCollector.load(BuildFileCollector.find([root])))
        let failures = report.results.filter { $0.status == .fail }
        func relative(_ path: String) -> String { String(path.dropFirst(root.count + 1)) }
        var found = Set(failures.map { "\(relative($0.finding.location?.file ?? $0.target.id)) \($0.rule.id) \($0.finding.location?.range.line ?? 0)" })
        // Expectations without a line match the rule on the file wherever it is reported.
        var wanted = Set<String>()
        for item in expected {
            if item.count == 3 {
                wanted.insert(item.joined(separator: " "))
            } else if let match = found.first(where: { $0.hasPrefix("\(item[0]) \(item[1]) ") }) {
                wanted.insert(match)
            } else {
                wanted.insert("\(item[0]) \(item[1]) (any line)")
            }
        }
        found = found.filter { !$0.hasSuffix(" 0") || wanted.contains($0) }
        #expect(wanted.subtracting(found).sorted() == [], "expected but not reported")
        #expect(found.subtracting(wanted).sorted() == [], "reported but not expected")
    }
}
