@testable import DockerBaseline
import Foundation
import Testing

@Suite("Log shippers and the daemon's seccomp profile, from a host filesystem root")
struct HostLoggingTests {
    @Test("rsyslog, syslog-ng, journal-upload, filebeat, fluent-bit and vector are found by the line that ships; comments and local rules are not")
    func forwarders() throws {
        let root = try makeFakeHost([
            "etc/rsyslog.conf": "module(load=\"imjournal\")\n*.info /var/log/messages\n# *.* @@old.example:514\n",
            "etc/rsyslog.d/90-remote.conf": "*.* action(type=\"omfwd\" target=\"logs.example\" port=\"514\" protocol=\"tcp\")\n",
            "etc/syslog-ng/conf.d/remote.conf": "destination d_remote { network(\"logs.example\" port(6514)); };\n",
            "etc/systemd/journal-upload.conf": "[Upload]\n# URL=\nURL=https://logs.example:19532\n",
            "etc/filebeat/filebeat.yml": "filebeat.inputs:\n  - type: container\noutput.elasticsearch:\n  hosts: [\"es:9200\"]\n",
            "etc/fluent-bit/fluent-bit.conf": "[INPUT]\n    Name tail\n[OUTPUT]\n    Name forward\n",
            "etc/vector/vector.yaml": "sources:\n  docker: {type: docker_logs}\nsinks:\n  out: {type: loki}\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let found = HostCollector(root: root.path, useAuditctl: false).logForwarders()
        #expect(found.map { String($0.prefix { $0 != ":" }) } == ["rsyslog", "syslog-ng", "systemd-journal-upload", "filebeat", "fluent-bit", "vector"])
        #expect(found[0].hasSuffix("(/etc/rsyslog.d/90-remote.conf:1)"), "\(found[0])")
        #expect(found[2].contains("URL=https://logs.example:19532") && found[2].hasSuffix(":3)"))

        let quiet = try makeFakeHost([
            "etc/rsyslog.conf": "*.info /var/log/messages\n#*.* @@logs.example\n",
            "etc/systemd/journal-upload.conf": "[Upload]\n# URL=https://x\n",
        ])
        defer { try? FileManager.default.removeItem(at: quiet) }
        #expect(HostCollector(root: quiet.path, useAuditctl: false).logForwarders().isEmpty)
    }

    @Test("journald kept on the host passes 2.13 only when a shipper sends it on")
    func journaldShipped() throws {
        for (files, expected) in [([String: String](), Status.warn), (["etc/systemd/journal-upload.conf": "[Upload]\nURL=https://logs.example\n"], .pass)] {
            let root = try makeFakeHost(files.merging(["etc/docker/daemon.json": #"{"log-driver": "journald"}"#]) { a, _ in a })
            defer { try? FileManager.default.removeItem(at: root) }
            var snapshot = try RuleExample(expect: .pass).makeSnapshot()
            snapshot.info.loggingDriver = "journald"
            snapshot.host = HostCollector(root: root.path, useAuditctl: false).collect()
            let result = try #require(Evaluator.evaluate(snapshot).results.first { $0.rule.id == .daemonLogging })
            #expect(result.status == expected, "\(result.finding.message.en)")
        }
    }

    @Test("The daemon's seccomp-profile is read through the root; a missing file is an error, builtin and unconfined are not files")
    func daemonProfile() throws {
        let root = try makeFakeHost([
            "etc/docker/daemon.json": #"{"seccomp-profile": "/etc/docker/seccomp.json"}"#,
            "etc/docker/seccomp.json": #"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["unshare", "read"], "action": "SCMP_ACT_ALLOW"}]}"#,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let facts = HostCollector(root: root.path, useAuditctl: false).collect()
        guard case let .json(text)? = facts.daemonSeccompProfile else { Issue.record("profile not read"); return }
        #expect(try SeccompProfile(json: text).loosened == ["unshare"])

        let missing = try makeFakeHost(["etc/docker/daemon.json": #"{"seccomp-profile": "/etc/docker/gone.json"}"#])
        defer { try? FileManager.default.removeItem(at: missing) }
        guard case .unreadable? = HostCollector(root: missing.path, useAuditctl: false).collect().daemonSeccompProfile else {
            Issue.record("a missing profile file must be reported"); return
        }
        let builtin = try makeFakeHost(["etc/docker/daemon.json": #"{"seccomp-profile": "builtin"}"#])
        defer { try? FileManager.default.removeItem(at: builtin) }
        #expect(HostCollector(root: builtin.path, useAuditctl: false).collect().daemonSeccompProfile == nil)
    }

    @Test("Seccomp profiles: default-allow and unconditional escapes are caught; capability-gated and argument-filtered rules are not")
    func profiles() throws {
        #expect(try SeccompProfile(json: #"{"defaultAction": "SCMP_ACT_LOG"}"#).allowsByDefault)
        let gated = try SeccompProfile(json: #"""
        {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
          {"names": ["mount", "setns"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
          {"names": ["bpf"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
          {"name": "keyctl", "action": "SCMP_ACT_ALLOW"},
          {"names": ["kexec_load"], "action": "SCMP_ACT_ERRNO"}]}
        """#)
        #expect(gated.loosened == ["keyctl"])
        #expect(throws: SeccompProfile.Problem.self) { try SeccompProfile(json: "[]") }
        #expect(throws: SeccompProfile.Problem.self) { try SeccompProfile(json: #"{"syscalls": []}"#) }
    }
}
