@testable import DockerBaseline
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// A deterministic report: the policy snapshot, one waiver, English.
func goldenReport() throws -> AuditReport {
    var policy = AuditPolicy(today: Date(timeIntervalSince1970: 1_800_000_000))
    policy.waivers = [Waiver(rule: try RuleSelector("container.readonly-rootfs"), target: "app", reason: "writes its cache to /tmp; fixed in 2.0", expires: "2030-01-01",
                             source: ".docker-baseline.yaml:4")]
    return policy.apply(to: Evaluator.evaluate(try policySnapshot()))
}

private let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

@Suite("Report formats")
struct FormatTests {
    /// Set DOCKER_BASELINE_UPDATE_GOLDEN=1 to rewrite the files after an intended change, then review the diff.
    @Test("Every format matches its golden file", arguments: ReportFormat.allCases)
    func golden(_ format: ReportFormat) throws {
        let rendered = try format.render(try goldenReport(), language: format == .markdown ? .zh : .en)
        let file = goldenDirectory.appendingPathComponent("report.\(format.rawValue)")
        if ProcessInfo.processInfo.environment["DOCKER_BASELINE_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: file)
        }
        let expected = try Data(contentsOf: file)
        #expect(rendered == expected, "\(format) output differs from \(file.path); rerun with DOCKER_BASELINE_UPDATE_GOLDEN=1 if intended")
    }

    @Test("The JSON report is handed out in bounded pieces that make up exactly the whole report")
    func jsonPieces() throws {
        let report = try goldenReport()
        var many = report
        while many.results.count < 4 * JSONReporter.pieceSize / 1000 { many.results += report.results }
        var pieces: [Data] = []
        JSONReporter.write(many, language: .en) { pieces.append($0) }
        #expect(pieces.count > 2)
        #expect(pieces.allSatisfy { $0.count < JSONReporter.pieceSize + (64 << 10) })
        #expect(pieces.reduce(Data(), +) == JSONReporter.render(many, language: .en))
        #expect(try JSONSerialization.jsonObject(with: pieces.reduce(Data(), +)) is [String: Any])
    }

    @Test("SARIF, JUnit and HTML are handed out in bounded pieces too, that make up exactly the report rendered whole",
          arguments: [ReportFormat.sarif, .junit, .html])
    func streamedPieces(_ format: ReportFormat) throws {
        let report = try goldenReport()
        var many = report
        while many.results.count < 20_000 { many.results += report.results }
        var pieces: [Data] = []
        try format.write(many, language: .en) { pieces.append($0) }
        #expect(pieces.count > 2)
        #expect(pieces.allSatisfy { $0.count < JSONReporter.pieceSize + (64 << 10) })
        #expect(pieces.reduce(Data(), +) == (try format.render(many, language: .en)))
    }

    @Test("SARIF 2.1.0: required fields, every result's rule is declared at its index, files have physical locations, waivers are suppressions")
    func sarifStructure() throws {
        let report = try goldenReport()
        let object = try JSONSerialization.jsonObject(with: try SARIFReporter.render(report, language: .en)) as! [String: Any]
        #expect(object["version"] as? String == "2.1.0")
        #expect((object["$schema"] as? String)?.contains("sarif-2.1.0") == true)
        let run = try #require((object["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "docker-baseline")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ids = rules.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count)
        for rule in rules {
            #expect((rule["help"] as? [String: Any])?["text"] as? String != nil)
            #expect(rule["helpUri"] as? String != nil)
            #expect((rule["shortDescription"] as? [String: Any])?["text"] as? String != nil)
        }
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == report.results.count)
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(ids[index] == result["ruleId"] as? String)
            #expect(["fail", "review", "pass", "notApplicable", "informational"].contains(result["kind"] as? String ?? ""))
            #expect(((result["message"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            #expect((result["locations"] as? [Any])?.count == 1)
        }
        let file = try #require(results.first { ($0["ruleId"] as? String)?.hasPrefix("file.") == true && $0["kind"] as? String != "notApplicable" } ?? results.first { ($0["ruleId"] as? String)?.hasPrefix("file.") == true })
        let location = ((file["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any]
        #expect((location?["uri"] as? String)?.hasPrefix("file:///") == true)
        let waived = try #require(results.first { $0["ruleId"] as? String == "container.readonly-rootfs" })
        #expect(((waived["suppressions"] as? [[String: Any]])?.first?["justification"] as? String)?.contains("cache") == true)
    }

    @Test("JUnit: one test case per result, failures, errors and skips counted as the report counts them")
    func junitStructure() throws {
        let report = try goldenReport()
        let data = Data(JUnitReporter.render(report, language: .en).utf8)
        final class Counter: NSObject, XMLParserDelegate {
            var cases = 0, failures = 0, skipped = 0, suites = 0
            var declaredFailures = -1
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
                switch name {
                case "testsuites": declaredFailures = Int(attributes["failures"] ?? "") ?? -1
                case "testsuite": suites += 1
                case "testcase": cases += 1
                case "failure": failures += 1
                case "skipped": skipped += 1
                default: break
                }
            }
        }
        let counter = Counter()
        let parser = XMLParser(data: data)
        parser.delegate = counter
        #expect(parser.parse(), "not well-formed XML: \(parser.parserError.map(String.init(describing:)) ?? "")")
        #expect(counter.cases == report.results.count)
        #expect(counter.failures == report.count(.fail) && counter.declaredFailures == report.count(.fail))
        #expect(counter.skipped == report.count(.skipped) + report.count(.waived))
        #expect(counter.suites == Set(report.results.map(\.rule.section)).count)
    }

    @Test("HTML: one self-contained file that a real browser renders, filtered from the address")
    func htmlInBrowser() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let browser = try #require(chromium, "chromium is not installed (scripts/test.sh installs it)")
        let report = try goldenReport()
        let html = HTMLReporter.render(report, language: .zh)
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<link"), "no external assets")
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(directory.path)/profile"]
        func visibleRows(_ fragment: String) throws -> (shown: Int, all: Int) {
            let dom = try run(browser, flags + ["--dump-dom", "file://\(page.path)#\(fragment)"]).stdout
            let rows = dom.components(separatedBy: "<tr class=\"result\"").dropFirst()
            return (rows.filter { !$0.prefix(200).contains("hidden") }.count, rows.count)
        }
        let all = try visibleRows("")
        #expect(all.all == report.results.count && all.shown == all.all)
        #expect(try visibleRows("status=fail").shown == report.count(.fail))
        #expect(try visibleRows("status=waived").shown == 1)
        let critical = report.results.filter { $0.severity == .critical && $0.status == .fail }.count
        #expect(try visibleRows("status=fail&severity=critical").shown == critical)
        #expect(try visibleRows("q=privileged").shown >= 1)
        let screenshot = directory.appendingPathComponent("report.png")
        _ = try run(browser, flags + ["--window-size=1280,900", "--screenshot=\(screenshot.path)", "file://\(page.path)#status=fail"])
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000, "the page rendered to an image")
        if let keep = ProcessInfo.processInfo.environment["DOCKER_BASELINE_KEEP_SCREENSHOT"] { try png.write(to: URL(fileURLWithPath: keep)) }
    }
}

extension EngineTests {
    @Suite("JSON schema") struct Schema {
        @Test("The golden report and a live report validate against docs/report.schema.json (Python jsonschema)")
        func validates() throws {
            try TestEnvironment.requireFixtures()
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let directory = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let live = directory.appendingPathComponent("live.json")
            #expect(try runTool(["audit", "--fail-on", "none", "--format", "json=\(live.path)"]).status == 0)
            for document in [goldenDirectory.appendingPathComponent("report.json").path, live.path] {
                let check = try run("/usr/bin/python3", ["-c", """
                    import json, sys, jsonschema
                    jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
                    """, root.appendingPathComponent("docs/report.schema.json").path, document])
                #expect(check.status == 0, "\(document): \(check.stderr.suffix(600))")
            }
        }
    }
}
