@testable import DockerBaseline
import Foundation
import Testing

@Suite("Hardening plan")
struct HardenTests {
    /// A host with a debug, icc-on daemon.json (plus a key harden must keep), a world-writable daemon.json and no audit rules.
    private func makeHost() throws -> URL {
        try makeFakeHost(["etc/docker/daemon.json": "{\n  \"data-root\": \"/srv/docker\",\n  \"debug\": true,\n  \"icc\": true\n}\n",
                          "usr/bin/runc": "", "proc/.keep": ""],
                         modes: ["etc/docker/daemon.json": 0o666, "usr/bin/runc": 0o755])
    }

    private func plan(_ root: URL) throws -> HardeningPlan {
        var snapshot = try RuleExample(expect: .pass).makeSnapshot()
        snapshot.host = HostCollector(root: root.path, useAuditctl: false).collect()
        let report = Evaluator.evaluate(snapshot)
        return HardeningPlan.make(for: report, daemonConfigText: HostFiles(root: root.path).read("/etc/docker/daemon.json"))
    }

    @Test("The plan keeps every existing daemon.json key and shows a diff; audit rules, chmod and container flags are concrete")
    func planContents() throws {
        let root = try makeHost()
        defer { try? FileManager.default.removeItem(at: root) }
        let plan = try plan(root)
        let proposed = try JSONSerialization.jsonObject(with: Data(plan.daemonConfigAfter.utf8)) as! [String: Any]
        #expect(proposed["data-root"] as? String == "/srv/docker")
        #expect(proposed["icc"] as? Bool == false && proposed["debug"] == nil && proposed["log-level"] as? String == "info")
        #expect(plan.text().contains("-  \"debug\": true,") && plan.text().contains("+++ /etc/docker/daemon.json (proposed)"))
        #expect(plan.auditRules.contains("-w /usr/bin/runc -p wa -k docker"))
        #expect(plan.fileCommands.contains { $0.command == "chmod 644 /etc/docker/daemon.json" })
        var privileged = try RuleExample(container: #"{"HostConfig": {"Privileged": true}}"#, expect: .fail).makeSnapshot()
        privileged.host = nil
        let containerPlan = HardeningPlan.make(for: Evaluator.evaluate(privileged), daemonConfigText: nil)
        let app = try #require(containerPlan.containers.first { $0.name == "app" })
        #expect(app.runFlags.contains { $0.hasPrefix("remove --privileged") })
        #expect(app.composeKeys.contains("remove `privileged: true`"))
    }

    @Test("--apply writes backups first, changes only host files under the root, and the printed rollback restores them")
    func applyAndRollBack() throws {
        let root = try makeHost()
        defer { try? FileManager.default.removeItem(at: root) }
        let daemonJSON = root.appendingPathComponent("etc/docker/daemon.json")
        let original = try String(contentsOf: daemonJSON, encoding: .utf8)
        let plan = try plan(root)
        let applier = PlanApplier(root: root.path, now: Date(timeIntervalSince1970: 1_800_000_000), validate: { _ in nil })
        let outcome = try applier.apply(plan)
        let backup = daemonJSON.path + ".docker-baseline-\(applier.timestamp).bak"
        #expect(try String(contentsOfFile: backup, encoding: .utf8) == original)
        let written = try String(contentsOf: daemonJSON, encoding: .utf8)
        #expect(written.contains("\"icc\" : false") || written.contains("\"icc\": false"))
        #expect(written.contains("/srv/docker"))
        let rules = try String(contentsOf: root.appendingPathComponent("etc/audit/rules.d/docker-baseline.rules"), encoding: .utf8)
        #expect(rules.contains("-w /usr/bin/runc -p wa -k docker"))
        var info = stat()
        stat(daemonJSON.path, &info)
        #expect(info.st_mode & 0o777 == 0o644)
        // Everything it changed is named in the rollback, and replaying it restores the original.
        #expect(outcome.rollback.contains("cp -p \(backup) \(daemonJSON.path)"))
        for command in outcome.rollback.reversed() {
            #expect(try run("/bin/sh", ["-c", command]).status == 0, "\(command)")
        }
        #expect(try String(contentsOf: daemonJSON, encoding: .utf8) == original)
        stat(daemonJSON.path, &info)
        #expect(info.st_mode & 0o777 == 0o666)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("etc/audit/rules.d/docker-baseline.rules").path))
    }

    @Test("A proposed daemon.json that does not validate changes nothing")
    func validationRefuses() throws {
        let root = try makeHost()
        defer { try? FileManager.default.removeItem(at: root) }
        let daemonJSON = root.appendingPathComponent("etc/docker/daemon.json")
        let original = try String(contentsOf: daemonJSON, encoding: .utf8)
        let applier = PlanApplier(root: root.path, validate: { _ in "unknown key" })
        #expect(throws: PlanApplier.Refused.self) { try applier.apply(try plan(root)) }
        #expect(try String(contentsOf: daemonJSON, encoding: .utf8) == original)
        #expect(try FileManager.default.contentsOfDirectory(atPath: daemonJSON.deletingLastPathComponent().path) == ["daemon.json"])
    }
}

extension EngineTests {
    @Suite("harden, live") struct HardenLive {
        @Test("A dry run names the fixes for the fixture containers and changes nothing on the host")
        func dryRun() throws {
            try TestEnvironment.requireFixtures()
            let before = try? String(contentsOfFile: "/etc/docker/daemon.json", encoding: .utf8)
            let result = try runTool(["harden"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("== container dbt-privileged (created)"))
            #expect(result.stdout.contains("remove --privileged"))
            #expect(result.stdout.contains("Dry run: nothing was changed"))
            #expect((try? String(contentsOfFile: "/etc/docker/daemon.json", encoding: .utf8)) == before)
            #expect(!FileManager.default.fileExists(atPath: "/etc/audit/rules.d/docker-baseline.rules"))
        }
    }
}
