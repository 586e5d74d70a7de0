@testable import DockerBaseline
import Foundation
import Testing

/// A second dockerd, configured by a daemon.json of the test's own, in a network namespace of its own (its own data,
/// exec root, containerd and socket too): its iptables
/// rules, loopback and TCP listeners never touch the engine the other tests use. The audit runs inside the same
/// namespace, so its probe reaches the daemon's loopback listener.
final class SecondDaemon {
    let directory: URL
    let namespace: String
    let socket: String
    private var process: Process?

    init(settings: [String: Any]) throws {
        let tag = String(UUID().uuidString.prefix(6)).lowercased()
        // Short paths: unix socket paths are limited to 108 bytes.
        directory = URL(fileURLWithPath: "/tmp/dbt-\(tag)")
        namespace = "dbt-\(tag)"
        socket = directory.appendingPathComponent("docker.sock").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = settings
        configuration["hosts"] = ["unix://\(socket)"] + ((settings["hosts"] as? [String]) ?? [])
        configuration["data-root"] = directory.appendingPathComponent("data").path
        configuration["exec-root"] = directory.appendingPathComponent("exec").path
        configuration["pidfile"] = directory.appendingPathComponent("docker.pid").path
        let data = try JSONSerialization.data(withJSONObject: configuration, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: configFile)
    }

    var configFile: URL { directory.appendingPathComponent("daemon.json") }

    /// Makes a CA, a server certificate for 127.0.0.1 and a client certificate with openssl; returns the server's
    /// (ca, cert, key); the client's are client-cert.pem and client-key.pem beside them.
    static func makeCertificates(in directory: URL) throws -> (ca: String, cert: String, key: String) {
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        try "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".write(toFile: path("ext.cnf"), atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: path("client-ext.cnf"), atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("ca-key.pem"), "-out", path("ca.pem"), "-days", "2", "-subj", "/CN=dbt-test-ca"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("server-key.pem"), "-out", path("server.csr"), "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca-key.pem"), "-CAcreateserial",
             "-out", path("server-cert.pem"), "-days", "2", "-extfile", path("ext.cnf")],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("client-key.pem"), "-out", path("client.csr"), "-subj", "/CN=dbt-client"],
            ["x509", "-req", "-in", path("client.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca-key.pem"), "-CAcreateserial",
             "-out", path("client-cert.pem"), "-days", "2", "-extfile", path("client-ext.cnf")],
        ]
        for step in steps {
            let result = try run("/usr/bin/openssl", step)
            guard result.status == 0 else { throw TestSetupError("openssl \(step[0]) failed: \(result.stderr)") }
        }
        chmod(path("ca.pem"), 0o444)
        chmod(path("server-cert.pem"), 0o444)
        chmod(path("server-key.pem"), 0o400)
        return (path("ca.pem"), path("server-cert.pem"), path("server-key.pem"))
    }

    func start() throws {
        for command in [["netns", "add", namespace], ["netns", "exec", namespace, "ip", "link", "set", "lo", "up"]] {
            let result = try run("/usr/sbin/ip", command)
            guard result.status == 0 else { throw TestSetupError("ip \(command.joined(separator: " ")) failed: \(result.stderr)") }
        }
        try launch()
    }

    /// Stops the daemon and starts it again on the same data, socket and namespace (a daemon restart).
    func restart() throws {
        if let process { DockerBaselineTests.stop(process, grace: 20) }
        process = nil
        try launch()
    }

    private func launch() throws {
        let process = Process()
        // nsenter --net enters the network namespace only: `ip netns exec` would also remount /sys and hide the
        // cgroup mounts dockerd needs.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        process.arguments = ["--net=/var/run/netns/\(namespace)", "dockerd", "--config-file", configFile.path]
        let log = FileHandle(forWritingAtPath: directory.appendingPathComponent("dockerd.log").path)
            ?? { FileManager.default.createFile(atPath: directory.appendingPathComponent("dockerd.log").path, contents: nil)
                 return FileHandle(forWritingAtPath: directory.appendingPathComponent("dockerd.log").path)! }()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        for _ in 0..<120 {
            if try run("/usr/bin/env", ["docker", "-H", "unix://\(socket)", "version"]).status == 0 { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.25)
        }
        let output = (try? String(contentsOf: directory.appendingPathComponent("dockerd.log"), encoding: .utf8)) ?? ""
        throw TestSetupError("the second dockerd did not start: \(output.suffix(1500))")
    }

    /// `docker-baseline audit` of this daemon, run inside its network namespace, as the JSON report.
    func audit(_ arguments: [String]? = nil, environment: [String: String] = [:]) throws -> ReportDocument {
        let result = try auditResult(arguments, environment: environment)
        guard result.status == 0 else { throw TestSetupError("audit failed (\(result.status)): \(result.stderr)") }
        return try decodeReport(result.stdout)
    }

    /// `docker-baseline audit ARGUMENTS` (default: this daemon's socket) inside the daemon's network namespace.
    func auditResult(_ arguments: [String]? = nil, environment: [String: String] = [:]) throws -> CommandResult {
        try run("/usr/bin/nsenter", ["--net=/var/run/netns/\(namespace)", TestEnvironment.binary, "audit"] + (arguments ?? ["--host", "unix://\(socket)"])
                + ["--format", "json", "--fail-on", "none"], environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"].merging(environment) { _, new in new })
    }

    /// Connects the daemon's namespace to this host with a veth pair in 10.211.SUBNET.0/30: the host side is .1, the
    /// namespace side .2, which is returned. Removed with the namespace.
    func attachVeth(subnet: Int) throws -> String {
        let hostSide = "dbt\(subnet)h\(namespace.suffix(4))", inside = "dbt\(subnet)n\(namespace.suffix(4))"
        let commands: [[String]] = [
            ["link", "add", hostSide, "type", "veth", "peer", "name", inside],
            ["link", "set", inside, "netns", namespace],
            ["addr", "add", "10.211.\(subnet).1/30", "dev", hostSide],
            ["link", "set", hostSide, "up"],
            ["-n", namespace, "addr", "add", "10.211.\(subnet).2/30", "dev", inside],
            ["-n", namespace, "link", "set", inside, "up"],
        ]
        for command in commands {
            let result = try run("/usr/sbin/ip", command)
            guard result.status == 0 else { throw TestSetupError("ip \(command.joined(separator: " ")): \(result.stderr)") }
        }
        links.append(hostSide)
        return "10.211.\(subnet).2"
    }

    private var links: [String] = []

    /// A process started inside the daemon's network namespace, ended by `stop()`.
    func spawn(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        process.arguments = ["--net=/var/run/netns/\(namespace)"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        helpers.append(process)
    }

    private var helpers: [Process] = []

    /// Stops the daemon and removes the namespace and every file; safe to call twice.
    func stop() {
        for helper in helpers { DockerBaselineTests.stop(helper) }
        helpers = []
        if let process { DockerBaselineTests.stop(process, grace: 20) }
        process = nil
        _ = try? run("/usr/sbin/ip", ["netns", "del", namespace])
        for link in links { _ = try? run("/usr/sbin/ip", ["link", "del", link]) }
        links = []
        _ = try? run("/bin/umount", ["-R", "-l", directory.appendingPathComponent("exec").path])
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

extension ReportDocument {
    func daemonResult(_ rule: String) -> ReportDocument.Item? {
        results.first { $0.rule == rule && $0.target.kind == "daemon" }
    }
}

extension EngineTests {
    @Suite("Daemon configurations, live") struct DaemonConfigurations {
        @Test("An insecure daemon.json: remote API open on 127.0.0.1 without TLS, icc on, insecure registry, debug, unbounded logs")
        func insecure() throws {
            try TestEnvironment.requireFixtures()
            let daemon = try SecondDaemon(settings: [
                "hosts": ["tcp://127.0.0.1:23750"], "icc": true, "insecure-registries": ["registry.example:5000"],
                "log-level": "debug", "log-driver": "json-file",
            ])
            defer { daemon.stop() }
            try daemon.start()
            let report = try daemon.audit()
            let remote = try #require(report.daemonResult("daemon.remote-api-tls"))
            #expect(remote.status == "fail" && remote.severity == "critical")
            #expect(remote.message.contains("remote API open without authentication: 127.0.0.1:23750"), "\(remote.message)")
            for rule in ["daemon.icc", "daemon.insecure-registries", "daemon.log-level", "daemon.logging", "daemon.live-restore",
                         "daemon.userland-proxy", "daemon.no-new-privileges"] {
                #expect(report.daemonResult(rule)?.status == "fail", "\(rule): \(report.daemonResult(rule)?.message ?? "no result")")
            }
            // Each finding names where its setting came from.
            #expect(report.daemonResult("daemon.icc")?.evidence["icc"]?.contains(daemon.configFile.path + ":") == true)
            // The same engine reached over TCP: a remote engine, whose host checks are reported as not checked.
            let overTCP = try daemon.audit(["--host", "tcp://127.0.0.1:23750"])
            #expect(overTCP.results.first { $0.rule == "engine.swarm-mode" }?.status == "pass")
            let hostChecks = overTCP.results.filter { $0.rule.hasPrefix("daemon.") || $0.rule.hasPrefix("file.") || $0.rule.hasPrefix("host.") }
            #expect(!hostChecks.isEmpty && hostChecks.allSatisfy { $0.status == "skipped" && $0.message.contains("remote engine") })
        }

        @Test("A hardened daemon.json: mutual TLS on the TCP listener, icc off, no-new-privileges, live-restore, no userland proxy, log rotation")
        func hardened() throws {
            try TestEnvironment.requireFixtures()
            let certificates = try FileManager.default.temporaryDirectory.appendingPathComponent("dbt-certs-\(UUID().uuidString.prefix(6))")
            try FileManager.default.createDirectory(at: certificates, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: certificates) }
            let (ca, cert, key) = try SecondDaemon.makeCertificates(in: certificates)
            let daemon = try SecondDaemon(settings: [
                "hosts": ["tcp://127.0.0.1:23760"], "tlsverify": true, "tlscacert": ca, "tlscert": cert, "tlskey": key,
                "icc": false, "no-new-privileges": true, "live-restore": true, "userland-proxy": false, "log-level": "info",
                "log-driver": "json-file", "log-opts": ["max-size": "10m", "max-file": "3"],
            ])
            defer { daemon.stop() }
            try daemon.start()
            let report = try daemon.audit()
            let remote = try #require(report.daemonResult("daemon.remote-api-tls"))
            #expect(remote.status == "pass", "\(remote.message) \(remote.evidence)")
            #expect(remote.evidence["listening"]?.contains("127.0.0.1:23760: refused a client without a certificate") == true, "\(remote.evidence)")
            for rule in ["daemon.icc", "daemon.insecure-registries", "daemon.log-level", "daemon.live-restore", "daemon.userland-proxy",
                         "daemon.no-new-privileges", "daemon.configuration"] {
                #expect(report.daemonResult(rule)?.status == "pass", "\(rule): \(report.daemonResult(rule)?.message ?? "no result")")
            }
            #expect(report.daemonResult("daemon.logging")?.status == "warn")
            for (rule, path) in [("file.tls-ca-mode", ca), ("file.tls-cert-mode", cert), ("file.tls-key-mode", key), ("file.tls-key-owner", key)] {
                let result = report.results.first { $0.rule == rule && $0.target.id == path }
                #expect(result?.status == "pass", "\(rule): \(result?.message ?? "no result")")
            }
            // Reached over TCP with mutual TLS: with the flags, with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, through a context.
            let client = { (name: String) in certificates.appendingPathComponent(name).path }
            let withFlags = try daemon.audit(["--host", "tcp://127.0.0.1:23760", "--tlsverify", "--tlscacert", ca,
                                              "--tlscert", client("client-cert.pem"), "--tlskey", client("client-key.pem")])
            #expect(withFlags.results.first { $0.rule == "engine.swarm-mode" }?.status == "pass")
            let certPath = certificates.appendingPathComponent("cert-path")
            try FileManager.default.createDirectory(at: certPath, withIntermediateDirectories: true)
            for (from, to) in [("ca.pem", "ca.pem"), ("client-cert.pem", "cert.pem"), ("client-key.pem", "key.pem")] {
                try FileManager.default.copyItem(atPath: client(from), toPath: certPath.appendingPathComponent(to).path)
            }
            let fromEnvironment = try daemon.auditResult(["--host", "tcp://127.0.0.1:23760"],
                                                         environment: ["DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": certPath.path])
            #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
            let config = certificates.appendingPathComponent("docker-config")
            let meta = config.appendingPathComponent("contexts/meta/0123abcd")
            let tls = config.appendingPathComponent("contexts/tls/0123abcd/docker")
            try FileManager.default.createDirectory(at: meta, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: tls.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: certPath, to: tls)
            try #"{"Name": "dbt-remote", "Metadata": {}, "Endpoints": {"docker": {"Host": "tcp://127.0.0.1:23760", "SkipTLSVerify": false}}}"#
                .write(to: meta.appendingPathComponent("meta.json"), atomically: true, encoding: .utf8)
            let byContext = try daemon.auditResult(["--context", "dbt-remote"], environment: ["DOCKER_CONFIG": config.path])
            #expect(byContext.status == 0, "\(byContext.stderr)")
            try #"{"currentContext": "dbt-remote"}"#.write(to: config.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
            let current = try daemon.auditResult([], environment: ["DOCKER_CONFIG": config.path])
            #expect(current.status == 0, "the current context is used with no flags: \(current.stderr)")
            // Without a client certificate the engine refuses, and the tool says so instead of reporting anything.
            let refused = try daemon.auditResult(["--host", "tcp://127.0.0.1:23760", "--tlsverify", "--tlscacert", ca])
            #expect(refused.status == 3 && refused.stdout.isEmpty && refused.stderr.contains("tcp://127.0.0.1:23760"), "\(refused.stderr)")
        }

        @Test("A swarm manager: its own listeners are not the remote API, and §7 is judged from what it reports (overlays, autolock, certificates, secrets)")
        func swarmManager() throws {
            try TestEnvironment.requireFixtures()
            let daemon = try SecondDaemon(settings: ["icc": false])
            defer { daemon.stop() }
            try daemon.start()
            let swarm = try run("/usr/bin/nsenter", ["--net=/var/run/netns/\(daemon.namespace)", "docker", "-H", "unix://\(daemon.socket)",
                                                     "swarm", "init", "--advertise-addr", "127.0.0.1"],
                                environment: ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"])
            try #require(swarm.status == 0, "swarm init failed: \(swarm.stderr)")
            func docker(_ arguments: [String]) throws {
                let result = try run("/usr/bin/nsenter", ["--net=/var/run/netns/\(daemon.namespace)", "docker", "-H", "unix://\(daemon.socket)"] + arguments,
                                     environment: ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"])
                try #require(result.status == 0, "docker \(arguments.joined(separator: " ")): \(result.stderr)")
            }
            try docker(["network", "create", "-d", "overlay", "dbt-plain"])
            try docker(["network", "create", "-d", "overlay", "--opt", "encrypted", "dbt-encrypted"])
            let report = try daemon.audit()
            let remote = try #require(report.daemonResult("daemon.remote-api-tls"))
            #expect(remote.status == "pass", "\(remote.message) \(remote.evidence)")
            #expect(remote.evidence["listening"]?.contains(":2377") == true, "\(remote.evidence)")
            #expect(report.results.first { $0.rule == "engine.swarm-mode" }?.status == "info")
            // §7, from what the manager reports.
            func status(_ rule: String, _ target: String? = nil) -> String? {
                report.results.first { $0.rule == rule && (target == nil || $0.target.name == target) }?.status
            }
            #expect(status("swarm.managers") == "pass")
            #expect(status("swarm.listen-address") == "fail", "swarm init listens on 0.0.0.0:2377 by default")
            #expect(status("swarm.encrypted-overlays", "dbt-plain") == "fail")
            #expect(status("swarm.encrypted-overlays", "dbt-encrypted") == "pass")
            #expect(status("swarm.encrypted-overlays", "ingress") == "fail")
            #expect(status("swarm.autolock") == "fail")
            #expect(status("swarm.node-cert-expiry") == "pass", "the default is 90 days")
            let strict = try daemon.audit(["--host", "unix://\(daemon.socket)", "--node-cert-max-days", "30"])
            #expect(strict.results.first { $0.rule == "swarm.node-cert-expiry" }?.status == "fail", "90 days is more than a 30-day limit")
            #expect(status("swarm.ca-rotation") == "pass", "a new swarm's root CA, read from the certificate: \(report.results.first { $0.rule == "swarm.ca-rotation" }?.message ?? "")")
            #expect(status("swarm.secrets") == "warn")
            try docker(["swarm", "update", "--autolock=true"])
            let secret = try run("/bin/sh", ["-c", "echo s3cret | nsenter --net=/var/run/netns/\(daemon.namespace) docker -H unix://\(daemon.socket) secret create dbt-secret -"])
            try #require(secret.status == 0, "\(secret.stderr)")
            let after = try daemon.audit()
            #expect(after.results.first { $0.rule == "swarm.autolock" }?.status == "pass")
            #expect(after.results.first { $0.rule == "swarm.secrets" }?.status == "pass")
            #expect(!(try String(contentsOfFile: daemon.directory.appendingPathComponent("daemon.json").path, encoding: .utf8)).isEmpty)
        }

        @Test("scan-api: finds the open API, the TLS one that accepts anyone, passes mutual TLS, and tells other servers, silent and closed ports apart")
        func scanAPI() throws {
            try TestEnvironment.requireFixtures()
            let certificates = FileManager.default.temporaryDirectory.appendingPathComponent("dbt-scan-\(UUID().uuidString.prefix(6))")
            try FileManager.default.createDirectory(at: certificates, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: certificates) }
            let (ca, cert, key) = try SecondDaemon.makeCertificates(in: certificates)
            let open = try SecondDaemon(settings: ["hosts": ["tcp://0.0.0.0:2375"]])
            let mutual = try SecondDaemon(settings: ["hosts": ["tcp://0.0.0.0:2376"], "tlsverify": true, "tlscacert": ca, "tlscert": cert, "tlskey": key])
            // dockerd still requires client certificates with tls on unless tlsverify is explicitly false.
            let anyone = try SecondDaemon(settings: ["hosts": ["tcp://0.0.0.0:2376"], "tls": true, "tlsverify": false, "tlscert": cert, "tlskey": key])
            defer { [open, mutual, anyone].forEach { $0.stop() } }
            for daemon in [open, mutual, anyone] { try daemon.start() }
            let openAddress = try open.attachVeth(subnet: 1)
            let mutualAddress = try mutual.attachVeth(subnet: 2)
            let anyoneAddress = try anyone.attachVeth(subnet: 3)
            // Beside the open API: a web server that is not Docker, and a listener that never answers.
            try open.spawn(["python3", "-m", "http.server", "8080", "--bind", "0.0.0.0"])
            try open.spawn(["python3", "-c", "import socket,time\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(('0.0.0.0',9999));s.listen(8);c=s.accept();time.sleep(120)"])
            Thread.sleep(forTimeInterval: 1)
            let targets = certificates.appendingPathComponent("targets.txt")
            try "# the TLS hosts\n\(mutualAddress)\n\(anyoneAddress)  # accepts anyone\n".write(to: targets, atomically: true, encoding: .utf8)
            let result = try runTool(["scan-api", "10.211.1.0/30", targets.path, "--ports", "2375,2376,8080,9999", "--timeout", "2", "--format", "json"])
            #expect(result.status == 1, "an unauthenticated API makes the exit code 1: \(result.stderr)")
            let report = try decodeReport(result.stdout)
            func status(_ endpoint: String) -> String? { report.results.first { $0.target.id == endpoint }?.status }
            #expect(status("\(openAddress):2375") == "fail")
            #expect(report.results.first { $0.target.id == "\(openAddress):2375" }?.evidence["engine version"]?.hasPrefix("20.10") == true)
            #expect(status("\(openAddress):2376") == "skipped")
            #expect(status("\(openAddress):8080") == "info")
            #expect(report.results.first { $0.target.id == "\(openAddress):9999" }?.message.contains("no answer") == true)
            #expect(status("10.211.1.1:2375") == "skipped", "the host side of the veth, inside the CIDR, is closed")
            #expect(status("\(mutualAddress):2376") == "pass")
            #expect(status("\(anyoneAddress):2376") == "fail")
            #expect(report.results.first { $0.target.id == "\(anyoneAddress):2376" }?.message.contains("TLS, no client certificate needed") == true)
            #expect(report.results.count == 4 * 4)
            let refused = try runTool(["scan-api", "10.0.0.0/8"])
            #expect(refused.status == 2 && refused.stderr.contains("at most 65536"), "\(refused.stderr)")
            // Loopback: nothing of ours listens on TCP there.
            let loopback = try decodeReport(try runTool(["scan-api", "127.0.0.1", "--format", "json"]).stdout)
            #expect(loopback.results.count == 2 && loopback.results.allSatisfy { $0.status == "skipped" && $0.message == "closed" })
        }

        @Test("Audit rules loaded with auditctl are read back from the kernel")
        func auditctl() throws {
            try TestEnvironment.requireFixtures()
            let facts = HostCollector(root: "/").collect()
            let dockerd = try #require(facts.binaries["dockerd"])
            let key = "dbt-test-\(UUID().uuidString.prefix(6))"
            let added = try run("/usr/sbin/auditctl", ["-w", dockerd, "-p", "wa", "-k", key])
            try #require(added.status == 0, "auditctl -w failed: \(added.stderr)")
            defer { _ = try? run("/usr/sbin/auditctl", ["-W", dockerd, "-p", "wa", "-k", key]) }
            var snapshot = try RuleExample(expect: .pass).makeSnapshot()
            snapshot.host = HostCollector(root: "/").collect()
            #expect(snapshot.host?.auditRules.source == "auditctl -l")
            let result = Evaluator.evaluate(snapshot).results.first { $0.rule.id == "host.audit-dockerd" }
            #expect(result?.status == .pass, "\(result?.finding.message.en ?? "no result")")
            _ = try run("/usr/sbin/auditctl", ["-W", dockerd, "-p", "wa", "-k", key])
            snapshot.host = HostCollector(root: "/").collect()
            #expect(Evaluator.evaluate(snapshot).results.first { $0.rule.id == "host.audit-dockerd" }?.status == .fail)
        }
    }
}
