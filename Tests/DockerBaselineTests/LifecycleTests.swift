@testable import DockerBaseline
import Foundation
import Testing

struct LifecycleCase: CustomTestStringConvertible, Sendable {
    let engine: String
    var components: [String: String] = [:]
    let collected: String
    let expect: Status
    let why: String

    var testDescription: String { "\(engine) \(components) on \(collected): \(expect) — \(why)" }
}

@Suite("Release lifecycle of the engine, containerd and runc")
struct LifecycleTests {
    static let cases: [LifecycleCase] = [
        LifecycleCase(engine: "27.5.1", collected: "2025-04-01", expect: .pass, why: "27.x is maintained until 2025-05-03"),
        LifecycleCase(engine: "27.5.1", collected: "2025-05-03", expect: .fail, why: "its end-of-life day"),
        LifecycleCase(engine: "26.1.5", collected: "2025-03-01", expect: .fail, why: "26.1 ended 2025-02-17"),
        LifecycleCase(engine: "25.0.14", collected: "2026-06-01", expect: .pass, why: "25.0 has no end announced"),
        LifecycleCase(engine: "28.5.2", components: ["containerd": "1.6.38"], collected: "2025-08-01", expect: .pass, why: "containerd 1.6 ended 2025-08-23"),
        LifecycleCase(engine: "28.5.2", components: ["containerd": "1.6.38"], collected: "2025-09-01", expect: .fail, why: "containerd 1.6 ended 2025-08-23"),
        LifecycleCase(engine: "28.5.2", components: ["runc": "1.1.15"], collected: "2025-11-05", expect: .fail, why: "runc 1.1 ended 2025-11-05"),
        LifecycleCase(engine: "30.0.0", collected: "2026-06-01", expect: .pass, why: "newer than every line the table knows"),
        LifecycleCase(engine: "17.06.2", collected: "2018-01-01", expect: .fail, why: "older than every line the table knows"),
        LifecycleCase(engine: "20.10.24+dfsg1", components: ["containerd": "1.6.20~ds1", "runc": "1.1.5+ds1"], collected: "2026-01-01", expect: .warn,
                      why: "Debian's docker.io: supported as long as Debian supports it"),
        LifecycleCase(engine: "20.10.24+dfsg1", components: ["runc": "1.1.14"], collected: "2026-01-01", expect: .fail,
                      why: "an upstream runc past its end is not the distribution's to support"),
    ]

    private func snapshot(_ item: LifecycleCase) throws -> Snapshot {
        var snapshot = try RuleExample(expect: .pass).makeSnapshot()
        snapshot.collectedAt = item.collected + "T12:00:00Z"
        snapshot.engine.version = item.engine
        snapshot.engine.components = item.components.sorted { $0.key < $1.key }.map { .init(name: $0.key, version: $0.value) }
        return snapshot
    }

    @Test("A line past its end of life on the day the snapshot was collected fails; a distribution package of it warns", arguments: cases)
    func verdicts(_ item: LifecycleCase) throws {
        let verdict = EngineLifecycleRule().judge(AuditContext(try snapshot(item)))
        #expect(verdict.status == item.expect, "\(verdict.message.en) \(verdict.evidence)")
        #expect(verdict.evidence["lifecycle"] == "table of \(ReleaseLifecycle.embedded.updated)")
        if item.expect == .warn {
            #expect(verdict.message.en.contains("Debian GNU/Linux 12 (bookworm)"), "\(verdict.message.en)")
        }
    }

    @Test("--advisories replaces the lifecycle table when its file has one and keeps the embedded one otherwise")
    func advisoriesFile() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let withLifecycle = directory.appendingPathComponent("lifecycle.json")
        try #"""
        {"updated": "2027-01-01", "advisories": [],
         "lifecycle": {"updated": "2027-01-01", "lines": [{"component": "docker-engine", "line": "28", "endOfLife": "2025-12-01", "note": "test"}]}}
        """#.write(to: withLifecycle, atomically: true, encoding: .utf8)
        let table = try AdvisoryTable.load(withLifecycle.path)
        #expect(table.lifecycle.updated == "2027-01-01" && table.lifecycle.lines.count == 1)
        let base = try RuleExample(expect: .pass).makeSnapshot()
        let lifecycle = { (table: AdvisoryTable) in
            Evaluator.evaluate(base, advisories: table).results.first { $0.rule.id == .engineReleaseLifecycle }
        }
        let replaced = try #require(lifecycle(table))
        #expect(replaced.status == .fail && replaced.finding.evidence["lifecycle"] == "table of 2027-01-01")
        #expect(lifecycle(.embedded)?.status == .pass)

        let advisoriesOnly = directory.appendingPathComponent("advisories.json")
        try #"{"updated": "2027-01-01", "advisories": []}"#.write(to: advisoriesOnly, atomically: true, encoding: .utf8)
        #expect(try AdvisoryTable.load(advisoriesOnly.path).lifecycle == .embedded)

        // The command line: a saved snapshot judged against the file, no engine involved.
        let snapshotFile = directory.appendingPathComponent("snapshot.json")
        try JSONEncoder().encode(base).write(to: snapshotFile)
        let result = try runTool(["audit", "--snapshot", snapshotFile.path, "--advisories", withLifecycle.path, "--fail-on", "none"],
                                 environment: ["DOCKER_HOST": "unix:///nonexistent/docker.sock"])
        let line = result.stdout.split(separator: "\n").first { $0.contains("[engine.release-lifecycle") }
        #expect(line?.hasPrefix("FAIL") == true, "\(result.stdout) \(result.stderr)")
    }
}
