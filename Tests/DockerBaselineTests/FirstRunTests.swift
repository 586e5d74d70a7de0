@testable import DockerBaseline
import Foundation
import Testing

/// The golden report's snapshot in a file, for running the built command on it with no engine.
private func goldenSnapshotFile(in directory: URL) throws -> String {
    let file = directory.appendingPathComponent("snapshot.json").path
    try SnapshotFile.encode(try policySnapshot()).write(to: URL(fileURLWithPath: file))
    return file
}

/// The lines of a text report that show one target's finding (`✗ …` under a rule, or a most-severe failure).
private func findingLines(_ text: String) -> [Substring] {
    text.split(separator: "\n").filter { $0.hasPrefix("✗") || $0.hasPrefix("      ✗") || $0.hasPrefix("      ?") }
}

@Suite("The first five minutes: what a new user reads first")
struct FirstRunTests {
    @Test("The text report opens with the most severe failures and ends with why it exits as it does (1, 0, --fail-on none)")
    func textLeadsAndEndsWithExitReason() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = try goldenSnapshotFile(in: directory)
        let failing = try runTool(["audit", "--snapshot", snapshot])
        #expect(failing.status == 1)
        let first = findingLines(failing.stdout).prefix(3)
        #expect(first.count == 3 && first.allSatisfy { $0.hasPrefix("✗ critical") || $0.hasPrefix("✗ high") }, "\(first)")
        #expect(first.first?.contains("container app (running)") == true && first.first?.contains("fix:") == true)
        let lines = failing.stdout.split(separator: "\n")
        #expect(lines.last == "exit 1: 2 critical and 1 high failures (5.4 container.capabilities, 5.5 container.privileged, 5.22 container.seccomp) at or above --fail-on high")
        #expect(failing.stdout.contains("Failures by severity  critical 2 · high 1 · medium 5 · low 3"))
        #expect(failing.stdout.contains("SKIPPED 9 rules: 7.1–7.9 — not applicable: swarm mode is not active"), "one line for §7")

        let critical = try runTool(["audit", "--snapshot", snapshot, "--fail-on", "critical"])
        #expect(critical.stdout.split(separator: "\n").last?.hasPrefix("exit 1: 2 critical failures (5.4 container.capabilities, 5.5 container.privileged) at or above --fail-on critical") == true)
        let none = try runTool(["audit", "--snapshot", snapshot, "--fail-on", "none"])
        #expect(none.status == 0 && none.stdout.split(separator: "\n").last == "exit 0: --fail-on none: failures do not change the exit code")
        let clean = try runTool(["audit", "--snapshot", snapshot, "--exclude", "5.4", "--exclude", "5.5", "--exclude", "5.22"])
        #expect(clean.status == 0 && clean.stdout.split(separator: "\n").last == "exit 0: no failure at or above --fail-on high (8 below it)", "\(clean.stdout.suffix(300))")
        let score = try runTool(["audit", "--snapshot", snapshot, "--fail-on", "none", "--min-score", "99"])
        #expect(score.status == 1 && score.stdout.split(separator: "\n").last == "exit 1: score 83.6% is below --min-score 99.0%")
        #expect(score.stderr.contains("below --min-score"))
    }

    @Test("--lang zh: no English status word or summary anywhere in the text report")
    func chineseAllTheWay() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = try goldenSnapshotFile(in: directory)
        for flags in [[], ["--verbose", "--remediation"]] {
            let zh = try runTool(["audit", "--snapshot", snapshot, "--lang", "zh"] + flags)
            #expect(zh.status == 1)
            for word in ["PASS", "FAIL", "WARN", "SKIPPED", "ERROR", "WAIVED", "INFO", "Summary", "score", "exit 1", "target(s)", "critical failure", "high failure"] {
                #expect(!zh.stdout.contains(word), "\(word) in the Chinese report \(flags)")
            }
            #expect(zh.stdout.contains("汇总  通过 56 · 失败 11"))
            #expect(zh.stdout.split(separator: "\n").last?.hasPrefix("退出码 1：2 个严重、1 个高危失败项") == true)
            #expect(zh.stdout.contains("规则来源=auditctl -l"), "evidence keys translated")
        }
    }

    @Test("The audit-watch and file-mode remediations name the real path, in both languages")
    func remediationNamesThePath() throws {
        let report = try goldenReport()
        let watch = try #require(report.results.first { $0.rule.id == .hostAuditDaemonJson })
        #expect(watch.remediation(.en).contains("-w /etc/docker/daemon.json -p wa -k docker"))
        #expect(watch.remediation(.zh).contains("-w /etc/docker/daemon.json -p wa -k docker"))
        let mode = try #require(report.results.first { $0.rule.id == .fileDaemonJsonMode })
        #expect(mode.remediation(.en) == "chmod 644 /etc/docker/daemon.json")
        let text = TextReporter(language: .zh, colour: false, showRemediation: true).render(report)
        #expect(text.contains("`-w /etc/docker/daemon.json -p wa -k docker`") && !text.contains("<路径>"))
    }

    @Test("A target longer than its column wraps inside it: the messages stay in one column")
    func longTargetsKeepColumns() throws {
        var report = try goldenReport()
        let long = "payments-settlement-reconciliation-worker-eu-west-1-blue"
        report.results = report.results.map { result in
            var result = result
            if result.target.kind == .container { result.finding.target.name = long }
            return result
        }
        let text = TextReporter(language: .en, colour: false).render(report)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let message = "writable root filesystem"
        let first = try #require(lines.firstIndex { $0.contains(message) })
        let short = try #require(lines.first { $0.contains("icc is true") })
        #expect(lines[first].range(of: message)!.lowerBound.utf16Offset(in: lines[first]) == short.range(of: "icc is true")!.lowerBound.utf16Offset(in: short))
        #expect(lines[first + 1].hasPrefix(String(repeating: " ", count: TextReporter.targetIndent)) && long.contains(lines[first + 1].trimmingCharacters(in: .whitespaces)),
                "the rest of the name on the next line, in the target column: \(lines[first + 1])")
    }

    @Test("Target names read as a person says them, in every format")
    func targetLabels() throws {
        let report = try goldenReport()
        let labels = Set(report.results.map { $0.targetLabel(.en) })
        #expect(labels.contains("host") && labels.contains("engine example-host") && labels.contains("container app (running)"))
        #expect(labels.contains("DOCKER_CONTENT_TRUST where the audit ran") && labels.contains("dockerd (pid 100)"))
        for format in ReportFormat.allCases where format != .json {
            let rendered = String(decoding: try format.render(report, language: .en), as: UTF8.self)
            for odd in ["host host", "host DOCKER_CONTENT_TRUST", "daemon dockerd", "file /etc/docker"] {
                #expect(!rendered.contains(odd), "\(format): \(odd)")
            }
        }
    }

    @Test("Every file written is named on standard error, never on standard output; nothing is said when writing to standard output")
    func wroteFile() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = try goldenSnapshotFile(in: directory)
        let html = directory.appendingPathComponent("r.html").path, json = directory.appendingPathComponent("r.json").path
        let both = try runTool(["audit", "--snapshot", snapshot, "--fail-on", "none", "--format", "html=\(html)", "--format", "json", "-o", json])
        #expect(both.status == 0 && both.stdout.isEmpty)
        #expect(both.stderr == "docker-baseline: wrote \(html)\ndocker-baseline: wrote \(json)\n", "\(both.stderr)")
        let text = try runTool(["audit", "--snapshot", snapshot, "--fail-on", "none"])
        #expect(text.stderr.isEmpty && !text.stdout.contains("wrote"))
    }

    @Test("HTML: the chart and the score come first, and every column sorts (from the address too)")
    func htmlChartAndSorting() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let browser = try #require(chromium, "chromium is not installed (scripts/test.sh installs it)")
        let report = try goldenReport()
        let html = HTMLReporter.render(report, language: .en)
        let chart = try #require(html.range(of: "<svg id=\"chart\""))
        #expect(html.range(of: "<svg id=\"score\"")!.lowerBound < chart.lowerBound && chart.lowerBound < html.range(of: "<table")!.lowerBound)
        #expect(!html.contains("<script src") && !html.contains("<link") && !html.contains("<img"), "no external resources")
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(directory.path)/profile"]
        func rows(_ fragment: String) throws -> [String] {
            let dom = try run(browser, flags + ["--dump-dom", "file://\(page.path)#\(fragment)"]).stdout
            #expect(dom.contains("<svg id=\"chart\"") && dom.contains("class=\"bar\""), "the chart is in the rendered page")
            return dom.components(separatedBy: "<tr class=\"result\"").dropFirst().map { String($0.prefix(200)) }
        }
        let bars = html.components(separatedBy: "class=\"bar\"").count - 1
        #expect(bars == Set(report.results.filter { $0.status == .fail }.map { "\($0.rule.section) \($0.severity)" }).count)
        let bySeverity = try rows("sort=-severity")
        #expect(bySeverity.prefix(3).allSatisfy { $0.contains("data-severity=\"critical\"") || $0.contains("data-severity=\"high\"") } && bySeverity[0].contains("data-severity=\"critical\""))
        let failuresFirst = try rows("sort=status")
        #expect(failuresFirst.prefix(report.count(.fail)).allSatisfy { $0.contains("data-status=\"fail\"") })
        let byID = try rows("sort=-id").map { $0.components(separatedBy: "</td><td>")[1].prefix { $0 != "<" } }
        #expect(byID.first == "7.9", "ids sort as numbers: 7.9 last ascending, first descending")
    }
}
