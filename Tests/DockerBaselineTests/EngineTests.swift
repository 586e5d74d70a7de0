@testable import DockerBaseline
import Foundation
import Testing

/// Everything that talks to the real engine runs in this one serialized suite: some tests add and remove containers,
/// and an audit running beside them would see those changes.
@Suite("Against the real engine", .serialized)
struct EngineTests {
    /// One collection of the fixtures, shared by the read-only tests.
    static let live = Task { try await Collector.snapshot(CollectOptions(environment: [:])) }

    static func liveReport() async throws -> AuditReport {
        try TestEnvironment.requireFixtures()
        return Evaluator.evaluate(try await live.value)
    }
}

/// What each fixture container (scripts/fixtures.sh) must get from each rule: every rule both ways, across states.
struct LiveExpectation: Sendable, CustomTestStringConvertible {
    let rule: RuleID
    let target: String
    let status: Status
    var severity: Severity? = nil
    var testDescription: String { "\(rule) on \(target) → \(status)" }

    static let all: [LiveExpectation] = [
        .init(rule: "container.user", target: "dbt-hardened", status: .pass),
        .init(rule: "container.user", target: "dbt-rootuser", status: .fail),
        .init(rule: "container.user", target: "dbt-caps", status: .fail),
        .init(rule: "container.capabilities", target: "dbt-hardened", status: .pass),
        .init(rule: "container.log-rotation", target: "dbt-isolation", status: .fail),
        .init(rule: "container.systempaths", target: "dbt-isolation", status: .fail),
        .init(rule: "container.systempaths", target: "dbt-hardened", status: .pass),
        .init(rule: "container.systempaths", target: "dbt-privileged", status: .skipped),
        .init(rule: "container.seccomp", target: "dbt-isolation", status: .fail),
        .init(rule: "container.net-raw", target: "dbt-hardened", status: .pass),
        .init(rule: "container.net-raw", target: "dbt-caps", status: .fail),
        .init(rule: "container.capabilities", target: "dbt-caps", status: .fail, severity: .high),
        .init(rule: "container.capabilities", target: "dbt-privileged", status: .fail, severity: .critical),
        .init(rule: "container.privileged", target: "dbt-privileged", status: .fail),
        .init(rule: "container.privileged", target: "dbt-hardened-created", status: .pass),
        .init(rule: "container.sensitive-mounts", target: "dbt-privileged", status: .fail, severity: .high),
        .init(rule: "container.sensitive-mounts", target: "dbt-mounts", status: .fail, severity: .medium),
        .init(rule: "container.sensitive-mounts", target: "dbt-hardened", status: .pass),
        .init(rule: "container.sshd", target: "dbt-sshd", status: .fail),
        .init(rule: "container.sshd", target: "dbt-hardened", status: .pass),
        .init(rule: "container.sshd", target: "dbt-paused", status: .pass),
        .init(rule: "container.sshd", target: "dbt-hardened-created", status: .skipped),
        .init(rule: "container.sshd", target: "dbt-exited", status: .skipped),
        .init(rule: "container.privileged-ports", target: "dbt-privileged", status: .fail),
        .init(rule: "container.privileged-ports", target: "dbt-sshd", status: .pass),
        .init(rule: "container.open-ports", target: "dbt-sshd", status: .warn),
        .init(rule: "container.open-ports", target: "dbt-caps", status: .pass),
        .init(rule: "container.host-network", target: "dbt-hostns", status: .fail),
        .init(rule: "container.host-network", target: "dbt-hardened", status: .pass),
        .init(rule: "container.memory-limit", target: "dbt-caps", status: .fail),
        .init(rule: "container.memory-limit", target: "dbt-hardened", status: .pass),
        .init(rule: "container.cpu-priority", target: "dbt-hostns", status: .fail),
        .init(rule: "container.cpu-priority", target: "dbt-caps", status: .pass),
        .init(rule: "container.cpu-priority", target: "dbt-hardened", status: .pass),
        .init(rule: "container.readonly-rootfs", target: "dbt-caps", status: .fail),
        .init(rule: "container.readonly-rootfs", target: "dbt-hardened-created", status: .pass),
        .init(rule: "container.port-bind-address", target: "dbt-privileged", status: .fail),
        .init(rule: "container.port-bind-address", target: "dbt-sshd", status: .fail),
        .init(rule: "container.port-bind-address", target: "dbt-hardened", status: .pass),
        .init(rule: "container.restart-policy", target: "dbt-privileged", status: .fail),
        .init(rule: "container.restart-policy", target: "dbt-caps", status: .fail),
        .init(rule: "container.restart-policy", target: "dbt-hostns", status: .fail),
        .init(rule: "container.restart-policy", target: "dbt-mounts", status: .fail),
        .init(rule: "container.restart-policy", target: "dbt-hardened", status: .pass),
        .init(rule: "container.restart-policy", target: "dbt-sshd", status: .pass),
        .init(rule: "container.host-pid", target: "dbt-hostns", status: .fail),
        .init(rule: "container.host-pid", target: "dbt-hardened", status: .pass),
        .init(rule: "container.host-ipc", target: "dbt-hostns", status: .fail),
        .init(rule: "container.host-ipc", target: "dbt-hardened", status: .pass),
        .init(rule: "container.host-devices", target: "dbt-mounts", status: .fail, severity: .high),
        .init(rule: "container.host-devices", target: "dbt-hardened", status: .pass),
        .init(rule: "container.ulimits", target: "dbt-hardened", status: .warn),
        .init(rule: "container.ulimits", target: "dbt-caps", status: .info),
        .init(rule: "container.mount-propagation", target: "dbt-propagation", status: .fail),
        .init(rule: "container.mount-propagation", target: "dbt-mounts", status: .pass),
        .init(rule: "container.host-uts", target: "dbt-hostns", status: .fail),
        .init(rule: "container.host-uts", target: "dbt-hardened", status: .pass),
        .init(rule: "container.seccomp", target: "dbt-caps", status: .fail),
        .init(rule: "container.seccomp", target: "dbt-privileged", status: .fail),
        .init(rule: "container.seccomp", target: "dbt-hardened", status: .pass),
        .init(rule: "container.exec-privileged", target: "vm", status: .warn),
        .init(rule: "container.exec-root", target: "vm", status: .warn),
        .init(rule: "container.cgroup-parent", target: "dbt-propagation", status: .warn),
        .init(rule: "container.cgroup-parent", target: "dbt-hardened", status: .pass),
        .init(rule: "container.no-new-privileges", target: "dbt-caps", status: .fail),
        .init(rule: "container.no-new-privileges", target: "dbt-sshd", status: .fail),
        .init(rule: "container.no-new-privileges", target: "dbt-hardened", status: .pass),
        .init(rule: "container.healthcheck", target: "dbt-rootuser", status: .fail),
        .init(rule: "container.healthcheck", target: "dbt-sshd", status: .fail),
        .init(rule: "container.healthcheck", target: "dbt-hardened", status: .pass),
        .init(rule: "container.image-current", target: "dbt-stale", status: .fail),
        .init(rule: "container.image-current", target: "dbt-hardened", status: .pass),
        .init(rule: "container.pids-limit", target: "dbt-caps", status: .fail),
        .init(rule: "container.pids-limit", target: "dbt-hardened", status: .pass),
        .init(rule: "container.default-bridge", target: "dbt-caps", status: .fail),
        .init(rule: "container.default-bridge", target: "dbt-hardened", status: .pass),
        .init(rule: "container.default-bridge", target: "dbt-hostns", status: .pass),
        .init(rule: "container.host-userns", target: "dbt-hostns", status: .fail),
        .init(rule: "container.host-userns", target: "dbt-hardened", status: .pass),
        .init(rule: "container.docker-socket", target: "dbt-privileged", status: .fail),
        .init(rule: "container.docker-socket", target: "dbt-mounts", status: .fail),
        .init(rule: "container.docker-socket", target: "dbt-hardened", status: .pass),
        // This host has neither AppArmor nor SELinux: not applicable, never fail.
        .init(rule: "container.apparmor", target: "dbt-privileged", status: .skipped),
        .init(rule: "container.selinux", target: "dbt-privileged", status: .skipped),
        .init(rule: "engine.swarm-mode", target: "vm", status: .pass),
        .init(rule: "engine.image-sprawl", target: "vm", status: .warn),
        .init(rule: "engine.container-sprawl", target: "vm", status: .warn),
        // §4 on images built by the fixtures.
        .init(rule: "image.user", target: "dbt/base:1", status: .fail),
        .init(rule: "image.user", target: "dbt/hardened:1", status: .pass),
        .init(rule: "image.healthcheck", target: "dbt/base:1", status: .fail),
        .init(rule: "image.healthcheck", target: "dbt/hardened:1", status: .pass),
        .init(rule: "image.update-alone", target: "dbt/leaky:1", status: .fail),
        .init(rule: "image.update-alone", target: "dbt/hardened:1", status: .pass),
        .init(rule: "image.add-instruction", target: "dbt/leaky:1", status: .fail),
        .init(rule: "image.add-instruction", target: "dbt/hardened:1", status: .pass),
        .init(rule: "image.secrets", target: "dbt/leaky:1", status: .fail),
        .init(rule: "image.secrets", target: "dbt/hardened:1", status: .pass),
    ]
}

extension EngineTests {
    @Suite("Fixture verdicts") struct Verdicts {
        @Test(arguments: LiveExpectation.all)
        func verdict(_ expected: LiveExpectation) async throws {
            let report = try await EngineTests.liveReport()
            let name = expected.target == "vm" ? (report.snapshot.info.name ?? "") : expected.target
            let found = report.result(expected.rule, name)
            let result = try #require(found, "no \(expected.rule) result for \(name)")
            #expect(result.status == expected.status, "\(expected.testDescription): got \(result.status) — \(result.finding.message.en) \(result.finding.evidence)")
            if let severity = expected.severity { #expect(result.severity == severity) }
        }

        @Test("Every rule gives a result for every container, in every state, and shows the state")
        func everyContainerJudged() async throws {
            let report = try await EngineTests.liveReport()
            let states = Dictionary(report.snapshot.containers.map { ($0.inspect.displayName, $0.inspect.status) }, uniquingKeysWith: { a, _ in a })
            #expect(states["dbt-privileged"] == "created")
            #expect(states["dbt-exited"] == "exited")
            #expect(states["dbt-paused"] == "paused")
            #expect(states["dbt-hardened"] == "running")
            let containerRules = RuleCatalog.all.filter { $0 is any ContainerRule }.map(\.metadata.id)
            for name in states.keys where name.hasPrefix(TestEnvironment.fixturePrefix) {
                for rule in containerRules {
                    let result = report.result(rule, name)
                    #expect(result != nil, "\(rule) has no result for \(name)")
                    #expect(result?.target.state == states[name])
                }
            }
        }

        @Test("The running containers' process lists were collected; stopped ones have none")
        func processLists() async throws {
            let snapshot = try await EngineTests.live.value
            let byName = Dictionary(snapshot.containers.map { ($0.inspect.displayName, $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byName["dbt-sshd"]?.processes?.commands.contains { $0.hasPrefix("/usr/sbin/sshd") } == true)
            #expect(byName["dbt-privileged"]?.processes == nil)
            #expect(snapshot.problems.filter { $0.target.name.hasPrefix(TestEnvironment.fixturePrefix) }.isEmpty)
        }

        @Test("Secret values from the fixtures appear in no report, in either format or language")
        func secretsMasked() async throws {
            let report = try await EngineTests.liveReport()
            let secrets = ["hunter2-fixture-secret", "npm_fixtureSecretToken123"]
            let found = report.result("image.secrets", "dbt/leaky:1")
            let leaky = try #require(found)
            #expect(leaky.finding.evidence["secrets"]?.contains("DB_PASSWORD=<masked>") == true)
            #expect(leaky.finding.evidence["secrets"]?.contains("NPM_TOKEN=<masked>") == true)
            var outputs: [String] = []
            for language in Language.allCases {
                outputs.append(String(decoding: JSONReporter.render(report, language: language), as: UTF8.self))
                outputs.append(TextReporter(language: language, colour: false, verbose: true, showRemediation: true).render(report))
            }
            for output in outputs {
                for secret in secrets { #expect(!output.contains(secret), "a report leaks \(secret)") }
            }
        }

        @Test("4.5 follows DOCKER_CONTENT_TRUST where the audit runs")
        func contentTrust() async throws {
            try TestEnvironment.requireFixtures()
            for (value, expected) in [("1", Status.pass), ("0", .fail)] {
                let snapshot = try await Collector.snapshot(CollectOptions(environment: ["DOCKER_CONTENT_TRUST": value]))
                let result = try #require(Evaluator.evaluate(snapshot).results.first { $0.rule.id == "client.content-trust" })
                #expect(result.status == expected)
            }
            let unset = try #require(try await EngineTests.liveReport().results.first { $0.rule.id == "client.content-trust" })
            #expect(unset.status == .fail)
        }

        @Test("AppArmor and SELinux: a host that has the LSM while the engine does not apply it fails, from real files")
        func lsmFromHostFiles() async throws {
            var snapshot = try await EngineTests.live.value
            let root = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: root) }
            try FileManager.default.createDirectory(at: root.appendingPathComponent("sys/module/apparmor/parameters"), withIntermediateDirectories: true)
            try "Y\n".write(to: root.appendingPathComponent("sys/module/apparmor/parameters/enabled"), atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(at: root.appendingPathComponent("sys/fs/selinux"), withIntermediateDirectories: true)
            try "1".write(to: root.appendingPathComponent("sys/fs/selinux/enforce"), atomically: true, encoding: .utf8)
            snapshot.host = HostCollector(root: root.path).collect()
            let report = Evaluator.evaluate(snapshot)
            #expect(report.result("container.apparmor", "dbt-hardened")?.status == .fail)
            #expect(report.result("container.selinux", "dbt-hardened")?.status == .fail)
        }

        @Test("--cgroupns host: a warning on cgroup v2, not applicable on v1 (where every container shares the host's)")
        func cgroupNamespace() async throws {
            let report = try await EngineTests.liveReport()
            let expected: Status = report.snapshot.info.cgroupVersion == "2" ? .warn : .skipped
            #expect(report.result("container.cgroupns", "dbt-isolation")?.status == expected)
        }

        @Test("A daemon seccomp-profile file that allows everything fails 2.17, read through the host root")
        func daemonSeccompProfileFile() async throws {
            var snapshot = try await EngineTests.live.value
            let root = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: root) }
            try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/docker"), withIntermediateDirectories: true)
            try #"{"seccomp-profile": "/etc/docker/seccomp.json"}"#.write(to: root.appendingPathComponent("etc/docker/daemon.json"), atomically: true, encoding: .utf8)
            try #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chmod"], "action": "SCMP_ACT_ERRNO"}]}"#
                .write(to: root.appendingPathComponent("etc/docker/seccomp.json"), atomically: true, encoding: .utf8)
            snapshot.host = HostCollector(root: root.path).collect()
            #expect(snapshot.host?.daemonSeccompProfile != nil)
            let result = try #require(Evaluator.evaluate(snapshot).results.first { $0.rule.id == .daemonSeccompProfile })
            #expect(result.status == .fail && result.finding.evidence["defaultAction"] == "SCMP_ACT_ALLOW", "\(result.finding.message.en)")
        }

        @Test("A saved snapshot judges exactly as the live audit did")
        func snapshotRoundTrip() async throws {
            let live = try await EngineTests.live.value
            let directory = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("snap.json").path
            try SnapshotFile.writeAtomically(try SnapshotFile.encode(live), to: file)
            let loaded = try SnapshotFile.load(file)
            #expect(loaded == live)
            #expect(Evaluator.evaluate(loaded).results == Evaluator.evaluate(live).results)
        }
    }
}
