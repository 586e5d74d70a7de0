@testable import DockerBaseline
import Foundation
import Testing

/// The snapshot rules a selector names when `benchmark` is reported.
private func selected(_ text: String, _ benchmark: Benchmark) throws -> Set<RuleID> {
    let selector = try RuleSelector(text)
    return Set(RuleCatalog.all.map(\.metadata).filter { selector.matches($0, reporting: benchmark) }.map(\.id))
}

private func ids(where predicate: (RuleMetadata) -> Bool) -> Set<RuleID> {
    Set(RuleCatalog.all.map(\.metadata).filter(predicate).map(\.id))
}

/// A privileged container (CIS 1.6.0 5.5, CE 1.1.0 5.4), which also fails 1.6.0's 5.4 (capabilities).
private func privilegedSnapshot() throws -> Snapshot {
    try RuleExample(container: #"{"HostConfig": {"Privileged": true}}"#, expect: .fail).makeSnapshot()
}

private func privilegedReport() throws -> AuditReport { Evaluator.evaluate(try privilegedSnapshot()) }

private func waiving(_ rule: String, benchmark: Benchmark? = nil) throws -> AuditPolicy {
    var policy = AuditPolicy()
    policy.benchmark = benchmark
    policy.waivers = [Waiver(rule: try RuleSelector(rule), reason: "accepted for the test", source: "test.yaml:1")]
    return policy
}

@Suite("Selectors name rules of one numbering")
struct SelectorTests {
    @Test("A bare CIS id is of the numbering reported; a prefixed one of its own, whatever is reported", arguments: Benchmark.allCases)
    func cisIDs(_ benchmark: Benchmark) throws {
        let bare: [Benchmark: (Set<RuleID>, Set<RuleID>)] = [
            // Podman's rules carry the CIS ids of the Docker items they stand for: one waiver covers both engines.
            .cis16: ([.containerCapabilities], [.daemonRemoteApiTls, .podmanRemoteApi]),
            .cis18: ([.containerCapabilities], [.daemonDevicemapper]),
            .cisCE11: ([.containerPrivileged], [.daemonDefaultUlimits]),
        ]
        #expect(try selected("5.4", benchmark) == bare[benchmark]!.0)
        #expect(try selected("2.7", benchmark) == bare[benchmark]!.1)
        #expect(try selected("cis-1.6:5.4", benchmark) == [.containerCapabilities])
        #expect(try selected("cis-ce:5.4", benchmark) == [.containerPrivileged])
        #expect(try selected("cis-ce-1.1:5.4", benchmark) == [.containerPrivileged])
        #expect(try selected("cis-1.8:2.7", benchmark) == [.daemonDevicemapper])
        #expect(try selected("cis-1.8:2.8", benchmark) == [.daemonRemoteApiTls, .podmanRemoteApi])
        #expect(try selected("cis-1.6:2.7", benchmark) == [.daemonRemoteApiTls, .podmanRemoteApi])
        #expect(try selected("cis-ce:2.6", benchmark) == [.daemonRemoteApiTls, .podmanRemoteApi])
        #expect(try selected("cis-1.6:2.13", benchmark) == [.daemonLogging, .containerLogRotation, .podmanLogging])
    }

    @Test("Rule ids, families, sections and CIS globs", arguments: Benchmark.allCases)
    func otherForms(_ benchmark: Benchmark) throws {
        #expect(try selected("container.privileged", benchmark) == [.containerPrivileged])
        #expect(try selected("container.*", benchmark) == ids { $0.id.family == "container" })
        #expect(try selected("*", benchmark) == ids { _ in true })
        // A section is the one results are reported under, whatever the numbering.
        #expect(try selected("5", benchmark) == ids { $0.section == "5" })
        #expect(try selected("5", benchmark).contains(.engineSwarmMode))
        // `5.*` is section 5 of the numbering reported: CE 1.1.0 has swarm mode as 7.1.
        #expect(try selected("5.*", benchmark) == ids { benchmark.id(for: $0)?.hasPrefix("5.") == true })
        #expect(try selected("5.*", benchmark).contains(.engineSwarmMode) == (benchmark != .cisCE11))
        #expect(try selected("cis-ce:7.*", benchmark).contains(.engineSwarmMode))
        #expect(try selected("cis-1.6:1.1.*", benchmark) == ids { $0.cis?.hasPrefix("1.1.") == true })
        #expect(try selected("cis-1.6:1.1.*", benchmark).count == 18)
    }

    @Test("An unknown prefix, or a prefix without a CIS id, is refused", arguments: ["cis-2.0:5.4", "docker:5.4", "cis-ce:5", "cis-1.6:container.privileged", "cis-ce:"])
    func refused(_ text: String) {
        #expect(throws: RuleSelector.Problem.self) { try RuleSelector(text) }
    }

    @Test("A waiver for 5.4 (1.6.0: capabilities) no longer waives the privileged container (CE 1.1.0's 5.4)")
    func waiverLeak() throws {
        let report = try privilegedReport()
        #expect(report.result(.containerPrivileged, "app")?.status == .fail)
        #expect(report.result(.containerCapabilities, "app")?.status == .fail)

        let waived = try waiving("5.4").apply(to: report)
        #expect(waived.result(.containerPrivileged, "app")?.status == .fail)
        #expect(waived.result(.containerCapabilities, "app")?.status == .waived)
        #expect(waived.worstFailure == .critical)

        // Reported in CE 1.1.0, 5.4 is the privileged container, and only that.
        let ce = try waiving("5.4", benchmark: .cisCE11).apply(to: report)
        #expect(ce.result(.containerPrivileged, "app")?.status == .waived)
        #expect(ce.result(.containerCapabilities, "app")?.status == .fail)
        // A prefixed id means the same whatever is reported.
        for benchmark in Benchmark.allCases {
            let prefixed = try waiving("cis-ce:5.4", benchmark: benchmark).apply(to: report)
            #expect(prefixed.result(.containerPrivileged, "app")?.status == .waived)
            #expect(prefixed.result(.containerCapabilities, "app")?.status == .fail)
        }
    }

    @Test("The configuration file's selectors: bare ids follow its benchmark; an unknown prefix names the file and line")
    func configurationFile() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("policy.yaml")
        try "benchmark: cis-ce-1.1\nwaivers:\n  - rule: 5.4\n    reason: vendor appliance\n".write(to: file, atomically: true, encoding: .utf8)
        var policy = AuditPolicy()
        try PolicyFile.load(file.path, into: &policy)
        let report = policy.apply(to: try privilegedReport())
        #expect(report.result(.containerPrivileged, "app")?.status == .waived)
        #expect(report.result(.containerCapabilities, "app")?.status == .fail)

        for (text, line) in [("waivers:\n  - rule: cis-2.0:5.4\n    reason: x\n", 2), ("include:\n  - container.*\n  - cis-9:2.7\n", 3), ("exclude: [\"cis9:2.7\"]\n", 1)] {
            try text.write(to: file, atomically: true, encoding: .utf8)
            var refused = AuditPolicy()
            #expect {
                try PolicyFile.load(file.path, into: &refused)
            } throws: { error in
                String(describing: error).hasPrefix("\(file.path):\(line):") && String(describing: error).contains("unknown numbering")
            }
        }
    }

    @Test("An unknown prefix in --include or --exclude is a usage error naming the flag")
    func flags() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = directory.appendingPathComponent("snapshot.json")
        try SnapshotFile.encode(try privilegedSnapshot()).write(to: snapshot)
        for flag in ["--include", "--exclude"] {
            let result = try runTool(["audit", "--snapshot", snapshot.path, flag, "cis-7:5.4"])
            #expect(result.status == 2 && result.stderr.contains("\(flag) cis-7:5.4: unknown numbering cis-7"), "\(result.stderr)")
        }
        let prefixed = try runTool(["audit", "--snapshot", snapshot.path, "--include", "cis-ce:5.4", "--format", "json", "--fail-on", "none"])
        #expect(prefixed.status == 0, "\(prefixed.stderr)")
        #expect(Set(try decodeReport(prefixed.stdout).results.map(\.rule)) == ["container.privileged"])
    }

    @Test("Inline ignores: a prefixed CIS id in a Dockerfile; a bare one in a Compose file follows the numbering; an unknown prefix is reported")
    func inlineIgnores() throws {
        let dockerfile = try parseBuildFile(.dockerfile, "FROM alpine:3.20\n# docker-baseline ignore=cis-ce:4.1 vendor image needs root until 2.0\nUSER root\n")
        let ignored = Linter.lint([dockerfile])
        #expect(ignored.results.first { $0.rule.id == .dockerfileUser }?.status == .waived)

        let compose = try parseBuildFile(.compose, "services:\n  app:\n    image: a:1\n    privileged: true  # docker-baseline ignore=5.4 raw sockets until INC-7\n")
        #expect(Linter.lint([compose]).results.first { $0.rule.id == .composePrivileged }?.status == .fail)
        #expect(Linter.lint([compose], reporting: .cisCE11).results.first { $0.rule.id == .composePrivileged }?.status == .waived)

        let unknown = try parseBuildFile(.dockerfile, "FROM alpine:3.20\n# docker-baseline ignore=cis-9:4.1 vendor image needs root\nUSER root\n")
        let report = Linter.lint([unknown])
        #expect(report.results.first { $0.rule.id == .dockerfileUser }?.status == .fail)
        let problem = try #require(report.results.first { $0.rule.id == .lintIgnore })
        #expect(problem.status == .warn && problem.finding.message.en.contains("unknown numbering cis-9"))
    }
}

@Suite("Enterprise baseline profiles")
struct EnterpriseBaselineTests {
    static let basic: Set<RuleID> = [
        // 1 minimal containers
        "container.sshd", "image.sshd", "dockerfile.sshd",
        // 2 remote API
        "daemon.remote-api-tls", "network.exposed-api", "network.api-acl", "host.docker-group", "daemon.configuration",
        // 3 traffic, judged by the packet filter too
        "daemon.icc", "daemon.iptables", "network.published-ports", "network.docker-user-chain", "network.container-egress", "container.port-bind-address", "compose.port-bind-address", "container.default-bridge",
        "compose.default-bridge", "container.host-network", "compose.host-network",
        // 4 non-root
        "daemon.userns-remap", "daemon.rootless", "container.user", "image.user", "dockerfile.user", "compose.user",
        "container.host-userns", "compose.host-userns", "container.host-pid", "compose.host-pid", "container.host-ipc", "compose.host-ipc",
        // 5 filesystem
        "container.readonly-rootfs", "compose.readonly-rootfs", "container.sensitive-mounts", "compose.sensitive-mounts",
        "container.docker-socket", "compose.docker-socket", "host.docker-partition", "container.systempaths", "compose.systempaths",
        // 6 images
        "client.content-trust", "dockerfile.base-pinned", "dockerfile.base-registry", "daemon.insecure-registries",
        "image.shadow-empty-password", "image.world-writable",
        // 7 TLS
        "file.tls-ca-owner", "file.tls-ca-mode", "file.tls-cert-owner", "file.tls-cert-mode", "file.tls-key-owner", "file.tls-key-mode",
        // 8 resources
        "container.memory-limit", "compose.memory-limit", "container.cpu-priority", "compose.cpu-limit", "container.pids-limit",
        "compose.pids-limit", "daemon.default-ulimits", "container.ulimits", "compose.ulimits",
        // 9 kernel
        "host.kernel-advisories", "host.engine-advisories", "engine.release-lifecycle", "daemon.seccomp-profile", "container.seccomp", "compose.seccomp",
        // 10 leaks
        "dockerfile.secrets", "dockerfile.sensitive-files", "compose.secrets", "image.secrets", "image.secret-files", "image.deleted-secrets",
        // 11 SUID/SGID
        "image.setuid", "dockerfile.setuid", "container.capabilities", "compose.capabilities", "container.no-new-privileges",
        "compose.no-new-privileges", "daemon.no-new-privileges", "container.privileged", "compose.privileged", "container.exec-privileged",
    ]

    static let enhanced: Set<RuleID> = basic.union([
        // 12 MAC, 14 devices, 15 open ports and the UTS namespace, 16 virtualisation, 17 logs
        "container.apparmor", "compose.apparmor", "container.selinux", "compose.selinux", "host.security-modules",
        "container.host-devices", "compose.devices", "network.inter-container", "container.open-ports", "compose.open-ports", "container.host-uts", "compose.host-uts",
        "host.virtualization", "daemon.logging", "container.log-rotation", "compose.log-rotation",
        // 14 NET_RAW, 15 the cgroup namespace
        "container.net-raw", "compose.net-raw", "container.cgroupns", "compose.cgroupns",
        // 18 auditing: audit rules and the daemon's files
        "host.audit-dockerd", "host.audit-run-containerd", "host.audit-var-lib-docker", "host.audit-etc-docker", "host.audit-docker.service",
        "host.audit-containerd.sock", "host.audit-docker.socket", "host.audit-etc-default-docker", "host.audit-daemon.json",
        "host.audit-containerd-config", "host.audit-etc-sysconfig-docker", "host.audit-containerd", "host.audit-containerd-shim",
        "host.audit-containerd-shim-runc-v1", "host.audit-containerd-shim-runc-v2", "host.audit-runc",
        "file.docker-service-owner", "file.docker-service-mode", "file.docker-socket-unit-owner", "file.docker-socket-unit-mode",
        "file.etc-docker-owner", "file.etc-docker-mode", "file.registry-certs-owner", "file.registry-certs-mode", "file.docker-sock-owner",
        "file.docker-sock-mode", "file.daemon-json-owner", "file.daemon-json-mode", "file.etc-default-docker-owner",
        "file.etc-default-docker-mode", "file.etc-sysconfig-docker-mode", "file.etc-sysconfig-docker-owner", "file.containerd-sock-owner",
        "file.containerd-sock-mode",
    ])

    @Test("baseline-basic and baseline-enhanced select exactly these rules, under every numbering", arguments: Benchmark.allCases)
    func exactSets(_ benchmark: Benchmark) {
        func rules(_ profile: Profile) -> Set<RuleID> {
            var policy = AuditPolicy()
            policy.profile = profile
            policy.benchmark = benchmark
            return Set(RuleCatalog.metadata.filter { policy.selects($0) }.map(\.id))
        }
        let numbered = Set(RuleCatalog.metadata.filter { benchmark.id(for: $0) != nil }.map(\.id))
        #expect(rules(.baselineBasic) == Self.basic.intersection(numbered))
        #expect(rules(.baselineEnhanced) == Self.enhanced.intersection(numbered))
        #expect(Set(RuleCatalog.metadata.filter { Profile.baselineBasic.includes($0) }.map(\.id)) == Self.basic)
        #expect(Set(RuleCatalog.metadata.filter { Profile.baselineEnhanced.includes($0) }.map(\.id)) == Self.enhanced)
    }

    @Test("Every critical or high rule judging containers, the daemon or the remote API is in baseline-basic")
    func severeRulesAreBasic() {
        let judged = RuleCatalog.all.map(\.metadata) + [ExposedAPIRule.metadata]
        for rule in judged where [.critical, .high].contains(rule.severity) && ["container", "daemon", "network"].contains(rule.id.family) {
            #expect(Profile.baselineBasic.includes(rule), "\(rule.id) (\(rule.severity)) is not in baseline-basic")
        }
    }

    @Test("The 18 items each name rules the catalogue has")
    func itemsNameRules() {
        let known = Set(RuleCatalog.metadata.map(\.id))
        #expect(EnterpriseBaseline.items.map(\.number) == Array(1...18))
        for item in EnterpriseBaseline.items {
            #expect(!item.rules.isEmpty)
            for rule in item.rules { #expect(known.contains(rule), "item \(item.number) names \(rule), which no rule has") }
        }
    }
}

extension EngineTests {
    @Suite("Selectors on the live engine") struct LiveSelectors {
        @Test("A waiver for 5.4 leaves the privileged fixture failing; it waives its capabilities")
        func waiverLeak() async throws {
            let report = try waiving("5.4").apply(to: try await EngineTests.liveReport())
            #expect(report.result(.containerPrivileged, "dbt-privileged")?.status == .fail)
            #expect(report.result(.containerCapabilities, "dbt-privileged")?.status == .waived)
            let ce = try waiving("cis-ce:5.4").apply(to: try await EngineTests.liveReport())
            #expect(ce.result(.containerPrivileged, "dbt-privileged")?.status == .waived)
        }
    }
}
