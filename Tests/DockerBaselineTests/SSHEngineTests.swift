@testable import DockerBaseline
import Foundation
import Testing

extension EngineTests {
    @Suite("ssh:// engines") struct SSHEngines {
        /// An sshd of the test's own on 127.0.0.1, with fresh host and client keys, and an ssh config that uses them:
        /// nothing in the user's ~/.ssh is read or changed.
        final class LocalSSHServer {
            let directory: URL
            let port = 22022
            private var pid: Int32?

            init() throws {
                directory = URL(fileURLWithPath: "/tmp/dbt-ssh-\(UUID().uuidString.prefix(6))")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let path = { (name: String) in self.directory.appendingPathComponent(name).path }
                for key in ["hostkey", "client"] {
                    let result = try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-f", path(key), "-N", ""])
                    guard result.status == 0 else { throw TestSetupError("ssh-keygen: \(result.stderr)") }
                }
                try FileManager.default.copyItem(atPath: path("client.pub"), toPath: path("authorized_keys"))
                try """
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(path("hostkey"))
                AuthorizedKeysFile \(path("authorized_keys"))
                PermitRootLogin prohibit-password
                PasswordAuthentication no
                UsePAM no
                StrictModes no
                PidFile \(path("sshd.pid"))
                """.write(toFile: path("sshd_config"), atomically: true, encoding: .utf8)
                try "Host *\n  IdentityFile \(path("client"))\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n"
                    .write(toFile: path("ssh_config"), atomically: true, encoding: .utf8)
                try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
                let started = try run("/usr/sbin/sshd", ["-f", path("sshd_config"), "-E", path("sshd.log")])
                guard started.status == 0 else { throw TestSetupError("sshd: \(started.stderr)") }
                for _ in 0..<40 where pid == nil {
                    pid = (try? String(contentsOfFile: path("sshd.pid"), encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                    if pid == nil { Thread.sleep(forTimeInterval: 0.1) }
                }
            }

            var sshCommand: String { "ssh -F \(directory.appendingPathComponent("ssh_config").path)" }

            func stop() {
                if let pid { DockerBaselineTests.stop(pid: pid) }
                pid = nil
                try? FileManager.default.removeItem(at: directory)
            }

            deinit { stop() }
        }

        @Test("An engine reached over ssh:// (ssh … docker system dial-stdio) is audited like any other; its host is not this machine")
        func auditOverSSH() throws {
            try TestEnvironment.requireFixtures()
            let server = try LocalSSHServer()
            defer { server.stop() }
            let result = try runTool(["audit", "--host", "ssh://root@127.0.0.1:\(server.port)", "--format", "json", "--fail-on", "none"],
                                     environment: ["DOCKER_BASELINE_SSH_COMMAND": server.sshCommand])
            #expect(result.status == 0, "\(result.stderr)")
            let report = try decodeReport(result.stdout)
            #expect(report.results.first { $0.rule == "container.privileged" && $0.target.name == "dbt-privileged" }?.status == "fail")
            #expect(report.results.filter { $0.rule.hasPrefix("daemon.") }.allSatisfy { $0.status == "skipped" && $0.message.contains("remote engine") })
            let unreachable = try runTool(["audit", "--host", "ssh://root@127.0.0.1:1", "--timeout", "5"],
                                          environment: ["DOCKER_BASELINE_SSH_COMMAND": server.sshCommand])
            #expect(unreachable.status == 3 && unreachable.stderr.contains("ssh://root@127.0.0.1:1"), "\(unreachable.stderr)")
        }
    }
}
