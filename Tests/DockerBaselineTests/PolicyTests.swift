@testable import DockerBaseline
import Foundation
import Testing

/// A snapshot with some failures: the compliant base with a privileged container, an icc-on daemon and a
/// world-writable daemon.json.
func policySnapshot() throws -> Snapshot {
    try RuleExample(
        container: #"{"HostConfig": {"Privileged": true, "ReadonlyRootfs": false}, "Config": {"Labels": {"team": "payments"}}}"#,
        snapshot: #"{"host": {"daemon": {"settings": [{"key": "icc", "values": ["true"], "source": "/etc/docker/daemon.json:2"}]}, "files": [{"path": "/etc/docker/daemon.json", "role": "daemon.json", "exists": true, "type": "file", "mode": 438, "uid": 0, "gid": 0, "owner": "root", "group": "root"}]}}"#,
        expect: .fail).makeSnapshot()
}

private func date(_ text: String) -> Date {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.date(from: text)!
}

@Suite("Policy: benchmarks, profiles, selection, waivers, comparison")
struct PolicyTests {
    @Test("--benchmark cis-1.8 shows 1.8.0 ids (§2 from 2.7 on moves down one); cis-ce-1.1 keeps only rules CE 1.1.0 had")
    func benchmarks() throws {
        let report = Evaluator.evaluate(try policySnapshot())
        var policy = AuditPolicy()
        policy.benchmark = .cis18
        let cis18 = policy.apply(to: report)
        let remote = try #require(cis18.results.first { $0.rule.id == "daemon.remote-api-tls" })
        #expect(report.benchmark.id(for: remote.rule) == "2.7" && cis18.benchmark.id(for: remote.rule) == "2.8")
        #expect(cis18.benchmark.id(for: try #require(cis18.results.first { $0.rule.id == "daemon.experimental" }).rule) == "2.19")
        #expect(cis18.benchmark.id(for: try #require(cis18.results.first { $0.rule.id == "daemon.icc" }).rule) == "2.2")
        #expect(!cis18.results.contains { $0.rule.id == "host.kernel-advisories" })
        #expect(cis18.results.contains { $0.rule.id == "daemon.devicemapper" && cis18.benchmark.id(for: $0.rule) == "2.7" })
        var cis16 = AuditPolicy()
        cis16.benchmark = .cis16
        #expect(!cis16.apply(to: report).results.contains { $0.rule.id == "daemon.devicemapper" })
        policy.benchmark = .cisCE11
        let ce = policy.apply(to: report)
        #expect(!ce.results.contains { $0.rule.id == "daemon.rootless" })
        #expect(ce.results.contains { $0.rule.id == "container.privileged" && ce.benchmark.id(for: $0.rule) == "5.4" })
    }

    @Test("Profiles follow CIS levels and the enterprise baseline's basic/enhanced grading")
    func profiles() throws {
        let report = Evaluator.evaluate(try policySnapshot())
        func rules(_ profile: Profile) -> Set<String> {
            var policy = AuditPolicy()
            policy.profile = profile
            return Set(policy.apply(to: report).results.map(\.rule.id.rawValue))
        }
        #expect(rules(.baselineBasic).contains("container.sshd"))
        #expect(rules(.baselineBasic).contains("daemon.remote-api-tls"))
        #expect(!rules(.baselineBasic).contains("host.virtualization"))
        #expect(!rules(.baselineBasic).contains("host.audit-dockerd"))
        #expect(rules(.baselineEnhanced).isSuperset(of: rules(.baselineBasic)))
        #expect(rules(.baselineEnhanced).contains("host.virtualization") && rules(.baselineEnhanced).contains("host.audit-dockerd"))
        #expect(!rules(.cisLevel1).contains("container.selinux"))
        #expect(rules(.cisLevel2).contains("container.selinux"))
        #expect(!rules(.cisLevel2).contains("host.kernel-advisories"))
    }

    @Test("Selection by rule id, CIS id, section and glob; by target name and label")
    func selection() throws {
        let report = Evaluator.evaluate(try policySnapshot())
        var policy = AuditPolicy()
        policy.include = try ["5.5", "daemon.icc", "3"].map(RuleSelector.init)
        let included = Set(policy.apply(to: report).results.map(\.rule.id.rawValue))
        #expect(included.contains("container.privileged") && included.contains("daemon.icc") && included.contains("file.daemon-json-mode"))
        #expect(!included.contains("container.memory-limit"))
        policy = AuditPolicy()
        policy.exclude = try ["container.*", "1.1.*"].map(RuleSelector.init)
        let excluded = policy.apply(to: report).results.map(\.rule.id)
        #expect(!excluded.contains { $0.hasPrefix("container.") || $0.hasPrefix("host.audit-") })
        policy = AuditPolicy()
        policy.labels = ["team=payments"]
        #expect(policy.apply(to: report).results.contains { $0.target.name == "app" })
        policy.labels = ["team=search"]
        let withoutApp = policy.apply(to: report)
        #expect(!withoutApp.results.contains { $0.target.kind == .container })
        #expect(withoutApp.results.contains { $0.target.kind == .daemon })
        policy = AuditPolicy()
        policy.excludeTargets = ["app"]
        #expect(!policy.apply(to: report).results.contains { $0.target.name == "app" })
    }

    @Test("Waivers from a YAML file: waived until they expire, then the finding is back with a note; stale ones are reported")
    func waivers() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("policy.yaml")
        try """
        profile: baseline-enhanced
        waivers:
          - rule: container.privileged
            target: app
            reason: vendor appliance needs raw devices; replaced in Q3
            expires: 2027-06-30
          - rule: "2.2"
            reason: single-tenant build host
          - rule: container.sshd
            target: nothing-like-this-*
            reason: left over from an old incident
        """.write(to: file, atomically: true, encoding: .utf8)
        let report = Evaluator.evaluate(try policySnapshot())
        var before = AuditPolicy(today: date("2027-06-30"))
        try PolicyFile.load(file.path, into: &before)
        #expect(before.profile == .baselineEnhanced && before.waivers.count == 3)
        #expect(before.waivers[0].source == "\(file.path):3")
        let waived = before.apply(to: report)
        let privileged = try #require(waived.result("container.privileged", "app"))
        #expect(privileged.status == .waived && privileged.finding.status == .fail)
        #expect(privileged.waiver?.reason.contains("vendor appliance") == true)
        #expect(waived.result("daemon.icc", report.results.first { $0.rule.id == "daemon.icc" }!.target.name)?.status == .waived)
        // Waived results are not failures for the exit code or the score.
        var unwaived = before
        unwaived.waivers = []
        #expect(waived.count(.fail) == unwaived.apply(to: report).count(.fail) - 2)
        #expect(waived.score != unwaived.apply(to: report).score)
        let stale = waived.results.filter { $0.rule.id == "policy.stale-waiver" }
        #expect(stale.count == 1 && stale[0].status == .warn && stale[0].target.id.hasSuffix(":9"))

        var after = AuditPolicy(today: date("2027-07-01"))
        try PolicyFile.load(file.path, into: &after)
        let expired = try #require(after.apply(to: report).result("container.privileged", "app"))
        #expect(expired.status == .fail)
        #expect(expired.waiver?.expired == true)
        #expect(after.apply(to: report).worstFailure == .critical)
    }

    @Test("A configuration file with a mistake is refused with the file, line and what is wrong", arguments: [
        ("waivers:\n  - rule: container.privileged\n    expires: 2027-01-01\n", "has no reason"),
        ("waivers:\n  - rule: container.privileged\n    reason: x\n    expires: next June\n", "expires must be a date written YYYY-MM-DD"),
        ("profile: strictest\n", "profile must be one of"),
        ("waivers:\n  - rule: x\n    reason: y\n    owner: z\n", "unknown key owner"),
        ("exclude: [a, b\n", "is not valid YAML"),
    ])
    func badConfiguration(_ text: String, _ expected: String) throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(".docker-baseline.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        var policy = AuditPolicy()
        do {
            try PolicyFile.load(file.path, into: &policy)
            Issue.record("\(expected): the file was accepted")
        } catch {
            #expect(String(describing: error).contains(expected), "\(error)")
            #expect(String(describing: error).contains(file.path))
        }
    }

    @Test("The configuration file's settings: reach the rules (lint: keys too); a flag given on the command line wins over the file")
    func settings() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("policy.yaml")
        try """
        settings:
          trusted-users: [alice, bob]
          node-cert-max-days: 60
        lint:
          require-digest: true
        """.write(to: file, atomically: true, encoding: .utf8)
        var policy = AuditPolicy()
        try PolicyFile.load(file.path, into: &policy)
        #expect(policy.settings == RuleSettings(trustedUsers: ["alice", "bob"], nodeCertMaxDays: 60, requireDigest: true))
        // A swarm whose node certificates live 90 days: within the default, beyond the file's 60.
        let swarm = try #require(RuleCatalog.all.first { $0.metadata.id == "swarm.node-cert-expiry" }).examples[0].makeSnapshot()
        #expect(Evaluator.evaluate(swarm).results.first { $0.rule.id == "swarm.node-cert-expiry" }?.status == .pass)
        #expect(Evaluator.evaluate(swarm, settings: policy.settings).results.first { $0.rule.id == "swarm.node-cert-expiry" }?.status == .fail)

        // Through the command: the file trusts both members, --trusted-users only one of them.
        let snapshot = directory.appendingPathComponent("snapshot.json")
        try SnapshotFile.encode(try RuleExample(snapshot: #"{"host": {"dockerGroupMembers": ["alice", "bob"]}}"#, expect: .warn).makeSnapshot())
            .write(to: snapshot)
        func dockerGroup(_ flags: [String]) throws -> String? {
            let result = try runTool(["audit", "--snapshot", snapshot.path, "--config", file.path, "--include", "host.docker-group",
                                      "--format", "json", "--fail-on", "none"] + flags)
            #expect(result.status == 0, "\(result.stderr)")
            return try decodeReport(result.stdout).results.first { $0.rule == "host.docker-group" }?.status
        }
        #expect(try dockerGroup([]) == "pass")
        #expect(try dockerGroup(["--trusted-users", "alice"]) == "fail")
    }

    @Test("An unknown key under settings: is refused with the file and its line")
    func unknownSetting() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(".docker-baseline.yaml")
        try "profile: cis-level1\nsettings:\n  trusted-users: [alice]\n  trusted-groups: [ops]\n".write(to: file, atomically: true, encoding: .utf8)
        var policy = AuditPolicy()
        #expect {
            try PolicyFile.load(file.path, into: &policy)
        } throws: { error in
            String(describing: error).hasPrefix("\(file.path):4: settings: unknown key trusted-groups (expected trusted-users,")
        }
    }

    @Test("--baseline marks new, unchanged and fixed failures; only new ones decide the exit code")
    func comparison() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The previous run: the privileged container and a writable root filesystem failed; memory was fine.
        var previousSnapshot = try policySnapshot()
        previousSnapshot.containers[0].inspect.hostConfig?.memory = 0
        let previous = Evaluator.evaluate(try policySnapshot())
        let file = directory.appendingPathComponent("previous.json")
        try JSONReporter.render(previous, language: .en).write(to: file)
        var policy = AuditPolicy()
        policy.previousFailures = try AuditPolicy.failures(inReport: file.path)
        // Now: privileged still, read-only fixed, memory limit newly missing.
        var now = try policySnapshot()
        now.containers[0].inspect.hostConfig?.readonlyRootfs = true
        now.containers[0].inspect.hostConfig?.memory = 0
        let compared = policy.apply(to: Evaluator.evaluate(now))
        #expect(compared.result("container.privileged", "app")?.change == .unchanged)
        #expect(compared.result("container.readonly-rootfs", "app")?.change == .fixed)
        #expect(compared.result("container.memory-limit", "app")?.change == .new)
        #expect(compared.worstFailure == .medium, "only the new memory failure counts")
        _ = previousSnapshot
    }
}
