@testable import DockerBaseline
import Foundation
import Testing

@Suite("Host facts from a host filesystem root")
struct HostCollectorTests {
    @Test("daemon.json's no-new-privileges is the daemon default, with its file as the source")
    func daemonJSON() throws {
        let root = try makeFakeHost(["etc/docker/daemon.json": #"{"no-new-privileges": true, "icc": false}"#, "sys/kernel/.keep": ""])
        defer { try? FileManager.default.removeItem(at: root) }
        let facts = HostCollector(root: root.path, useAuditctl: false).collect()
        #expect(facts.daemon.setting("no-new-privileges") == DaemonSetting(key: "no-new-privileges", values: ["true"], source: "/etc/docker/daemon.json:1"))
        #expect(facts.daemon.bool("icc") == false)
        #expect(facts.appArmorEnabled == false)
    }

    @Test("dockerd's own arguments are read, --config-file moves daemon.json, and a flag repeated in the file is a conflict")
    func commandLine() throws {
        let root = try makeFakeHost([
            "proc/4242/comm": "dockerd\n",
            "proc/4242/cmdline": "/usr/bin/dockerd\0--config-file\0/srv/docker.json\0--no-new-privileges=false\0",
            "srv/docker.json": #"{"no-new-privileges": true}"#,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let facts = HostCollector(root: root.path, useAuditctl: false).collect()
        #expect(facts.daemon.bool("no-new-privileges") == false)
        #expect(facts.daemon.setting("no-new-privileges")?.source.contains("dockerd argument --no-new-privileges=false") == true)
        #expect(facts.daemon.configFile == "/srv/docker.json")
        // Set both as a flag and in the file: dockerd would refuse to start, and the report says so.
        #expect(facts.daemon.problems.contains { $0.contains("no-new-privileges is set both by dockerd argument") })
    }

    @Test("AppArmor and SELinux status come from the kernel's interfaces")
    func securityModules() throws {
        let enabled = try makeFakeHost(["sys/kernel/security/lsm": "lockdown,capability,apparmor", "sys/fs/selinux/enforce": "0"])
        defer { try? FileManager.default.removeItem(at: enabled) }
        #expect(HostCollector(root: enabled.path).appArmorEnabled() == true)
        #expect(HostCollector(root: enabled.path).seLinuxEnabled() == true)
        let unknown = try makeFakeHost([:])
        defer { try? FileManager.default.removeItem(at: unknown) }
        #expect(HostCollector(root: unknown.path).appArmorEnabled() == nil)
    }
}

@Suite("Writing output files")
struct OutputFileTests {
    @Test("Writing to a device (like -o /dev/null) leaves it a device; a symlink keeps pointing at its file, which gets the content")
    func specialTargets() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A null device of the test's own (major 1, minor 3), so a regression cannot break the machine's /dev/null.
        let device = directory.appendingPathComponent("null").path
        try #require(mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0, "mknod needs root")
        try SnapshotFile.writeAtomically(Data("report".utf8), to: device)
        var info = stat()
        #expect(stat(device, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)

        let file = directory.appendingPathComponent("real.json"), link = directory.appendingPathComponent("link.json")
        try "old".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        try SnapshotFile.writeAtomically(Data("new".utf8), to: link.path)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == file.path)
        #expect(try String(contentsOf: file, encoding: .utf8) == "new")
    }
}

@Suite("Fake hosts: daemon configuration, files, audit rules, listeners")
struct FakeHostTests {
    private func evaluate(_ host: HostFacts) throws -> AuditReport {
        var snapshot = try RuleExample(expect: .pass).makeSnapshot()
        snapshot.host = host
        return Evaluator.evaluate(snapshot)
    }

    @Test("A malformed daemon.json is reported with its position; the other checks still run")
    func malformedDaemonJSON() throws {
        let root = try makeFakeHost(["etc/docker/daemon.json": "{\n  \"icc\": false,\n  \"log-level\" \"debug\"\n}\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let host = HostCollector(root: root.path, useAuditctl: false).collect()
        let problem = try #require(host.daemon.problems.first { $0.contains("daemon.json is not valid JSON") })
        #expect(problem.contains("line 3"), "\(problem)")
        let report = try evaluate(host)
        #expect(report.results.first { $0.rule.id == "daemon.configuration" }?.status == .fail)
        #expect(report.results.first { $0.rule.id == "file.etc-docker-mode" }?.status != nil)
    }

    @Test("With no dockerd running, the unit's ExecStart, its drop-ins and DOCKER_OPTS from its EnvironmentFile are judged, each with its source")
    func unitFileConfiguration() throws {
        let root = try makeFakeHost([
            "lib/systemd/system/docker.service": "[Service]\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd -H fd:// $DOCKER_OPTS\n",
            "etc/systemd/system/docker.service.d/override.conf": "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// --icc=false $DOCKER_OPTS\n",
            "etc/default/docker": "DOCKER_OPTS=\"-H tcp://0.0.0.0:2375 --log-level debug\"\n",
            "etc/docker/daemon.json": "{\"live-restore\": true}",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let daemon = HostCollector(root: root.path, useAuditctl: false).collect().daemon
        #expect(!daemon.running)
        #expect(daemon.bool("icc") == false)
        #expect(daemon.setting("icc")?.source.contains("override.conf") == true)
        #expect(daemon.setting("hosts")?.values == ["fd://", "tcp://0.0.0.0:2375"])
        #expect(daemon.string("log-level") == "debug")
        #expect(daemon.setting("log-level")?.source.contains("/etc/default/docker DOCKER_OPTS") == true)
        #expect(daemon.setting("live-restore")?.source == "/etc/docker/daemon.json:1")
        let report = try evaluate(HostCollector(root: root.path, useAuditctl: false).collect())
        #expect(report.results.first { $0.rule.id == "daemon.remote-api-tls" }?.status == .fail)
        #expect(report.results.first { $0.rule.id == "daemon.log-level" }?.status == .fail)
    }

    @Test("File modes are judged as bit masks on real files: 0606 fails 0644, 0600 passes, 4644 fails")
    func modeBitMasks() throws {
        let root = try makeFakeHost(["etc/docker/daemon.json": "{}", "etc/default/docker": "", "etc/sysconfig/docker": ""],
                                modes: ["etc/docker/daemon.json": 0o606, "etc/default/docker": 0o600, "etc/sysconfig/docker": 0o4644])
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try evaluate(HostCollector(root: root.path, useAuditctl: false).collect())
        let daemonJSON = report.results.first { $0.rule.id == "file.daemon-json-mode" }
        #expect(daemonJSON?.status == .fail)
        #expect(daemonJSON?.finding.evidence["excess bits"] == "02")
        #expect(report.results.first { $0.rule.id == "file.etc-default-docker-mode" }?.status == .pass)
        #expect(report.results.first { $0.rule.id == "file.etc-sysconfig-docker-mode" }?.status == .fail)
        // Files a test process creates are owned by it (root here): ownership passes.
        #expect(report.results.first { $0.rule.id == "file.daemon-json-owner" }?.status == .pass)
    }

    @Test("Audit rules files: -w and -F path= rules count, directory watches cover what is below them")
    func auditRulesFiles() throws {
        let root = try makeFakeHost([
            "etc/audit/rules.d/docker.rules": "-w /usr/bin/dockerd -p wa -k docker\n-a always,exit -F path=/usr/bin/runc -F perm=wa -k docker\n# -w /usr/bin/containerd\n-w /etc/docker/ -k docker\n",
            "usr/bin/dockerd": "", "usr/bin/runc": "", "usr/bin/containerd": "", "etc/docker/daemon.json": "{}",
        ], modes: ["usr/bin/dockerd": 0o755, "usr/bin/runc": 0o755, "usr/bin/containerd": 0o755])
        defer { try? FileManager.default.removeItem(at: root) }
        let host = HostCollector(root: root.path, useAuditctl: false).collect()
        #expect(host.auditRules.source == "/etc/audit/rules.d/docker.rules")
        #expect(host.auditRules.watchedPaths == ["/usr/bin/dockerd", "/usr/bin/runc", "/etc/docker"])
        let report = try evaluate(host)
        #expect(report.results.first { $0.rule.id == "host.audit-dockerd" }?.status == .pass)
        #expect(report.results.first { $0.rule.id == "host.audit-runc" }?.status == .pass)
        #expect(report.results.first { $0.rule.id == "host.audit-daemon.json" }?.status == .pass)
        #expect(report.results.first { $0.rule.id == "host.audit-containerd" }?.status == .fail)
    }

    @Test("The docker group includes users whose primary group it is; --trusted-users turns review into a verdict")
    func dockerGroup() throws {
        let root = try makeFakeHost([
            "etc/group": "root:x:0:\ndocker:x:999:alice\n",
            "etc/passwd": "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nci:x:1001:999::/home/ci:/bin/sh\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let host = HostCollector(root: root.path, useAuditctl: false).collect()
        #expect(host.dockerGroupMembers == ["alice", "ci"])
        var snapshot = try RuleExample(expect: .pass).makeSnapshot()
        snapshot.host = host
        #expect(Evaluator.evaluate(snapshot).results.first { $0.rule.id == "host.docker-group" }?.status == .warn)
        #expect(Evaluator.evaluate(snapshot, settings: RuleSettings(trustedUsers: ["alice"])).results.first { $0.rule.id == "host.docker-group" }?.status == .fail)
        #expect(Evaluator.evaluate(snapshot, settings: RuleSettings(trustedUsers: ["alice", "ci"])).results.first { $0.rule.id == "host.docker-group" }?.status == .pass)
    }

    @Test(arguments: [("0100007F", false, "127.0.0.1"), ("00000000", false, "0.0.0.0"),
                      ("00000000000000000000000000000000", true, "::"), ("00000000000000000000000001000000", true, "::1"),
                      ("0000000000000000FFFF00000100007F", true, "127.0.0.1")])
    func procAddresses(_ hex: String, _ v6: Bool, _ address: String) {
        #expect(decodeProcAddress(hex, v6: v6) == address)
    }

    @Test("Versions: pre-releases sort first, distribution builds are recognised, release lines decide fixes")
    func versions() throws {
        let runc = try #require(SoftwareVersion("1.0.0-rc93"))
        #expect(runc < SoftwareVersion("1.0.0")!)
        #expect(SoftwareVersion("1.0.0-rc6")! < SoftwareVersion("1.0.0-rc7")!)
        #expect(SoftwareVersion("1.1.5+ds1")!.distributionBuild)
        #expect(!SoftwareVersion("6.1.0-13-amd64")!.distributionBuild)
        let dirtyPipe = try #require(AdvisoryTable.embedded.advisories.first { $0.id == "CVE-2022-0847" })
        #expect(dirtyPipe.affects(SoftwareVersion("5.10.101")!))
        #expect(!dirtyPipe.affects(SoftwareVersion("5.10.102")!))
        #expect(!dirtyPipe.affects(SoftwareVersion("5.4.200")!))
        #expect(dirtyPipe.affects(SoftwareVersion("5.13.0")!))
        #expect(!dirtyPipe.affects(SoftwareVersion("6.1.0")!))
    }

    @Test("--advisories loads a table from a file; a bad one is a clear error naming it")
    func advisoriesFile() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("advisories.json")
        let table = AdvisoryTable(updated: "2030-01-01", advisories: [
            Advisory(id: "CVE-2030-0001", component: "runc", introduced: nil, fixed: ["9.0.0"], summary: "future flaw", requiresSetting: nil, references: []),
        ])
        try JSONEncoder().encode(table).write(to: file)
        #expect(try AdvisoryTable.load(file.path) == table)
        var snapshot = try RuleExample(expect: .pass).makeSnapshot()
        snapshot.engine.components = [.init(name: "runc", version: "1.1.14")]
        #expect(Evaluator.evaluate(snapshot, advisories: table).results.first { $0.rule.id == "host.engine-advisories" }?.status == .fail)
        try "[1, 2]".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: InputFileError.self) { try AdvisoryTable.load(file.path) }
    }
}
