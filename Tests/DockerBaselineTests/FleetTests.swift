import DockerBaseline
import Foundation
import Testing
import Yams

/// The repository's deploy/ folder.
let deployDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("deploy")

@Suite("Fleet deployment files, and the swarm stack deployed", .serialized)
struct FleetTests {
    @Test("promtool accepts the alert rules, and the swarm Prometheus configuration with its files in place")
    func promtoolRulesAndConfig() throws {
        let rules = deployDirectory.appendingPathComponent("prometheus/docker-baseline.rules.yml").path
        let checked = try run("/usr/bin/promtool", ["check", "rules", rules])
        #expect(checked.status == 0, "\(checked.stdout) \(checked.stderr)")
        #expect(checked.stdout.contains("SUCCESS: 7 rules found"))
        // The rules' own unit tests: each alert fires on the series that should raise it, and not before.
        let tested = try run("/bin/sh", ["-c", "cd '\(deployDirectory.path)/prometheus' && promtool test rules docker-baseline.rules.test.yml"])
        #expect(tested.status == 0 && tested.stdout.contains("SUCCESS"), "\(tested.stdout) \(tested.stderr)")

        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var config = try String(contentsOf: deployDirectory.appendingPathComponent("prometheus/prometheus.swarm.yml"), encoding: .utf8)
        config = config.replacingOccurrences(of: "/etc/prometheus/", with: directory.path + "/")
        try config.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: rules, toPath: directory.appendingPathComponent("docker-baseline.rules.yml").path)
        for file in ["docker-baseline.token", "docker-baseline-ca.pem"] { _ = FileManager.default.createFile(atPath: directory.appendingPathComponent(file).path, contents: Data()) }
        let checkedConfig = try run("/usr/bin/promtool", ["check", "config", directory.appendingPathComponent("prometheus.yml").path])
        #expect(checkedConfig.status == 0, "\(checkedConfig.stdout) \(checkedConfig.stderr)")
    }

    /// The metric names the rules and the dashboard use are ones serve exposes.
    @Test("Every metric the alert rules and the Grafana dashboard name is one serve exposes")
    func metricNamesExist() throws {
        let serve = try ServeProcess(["--listen", "127.0.0.1:0", "--interval", "1h", "--no-history"])
        defer { serve.stop() }
        try serve.waitUntilListening()
        let metrics = try ServeTests().waitForMetrics(serve)
        // A first audit has no previous run: new_failures appears from the second on.
        let exposed = Set(metrics.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
            .union(["docker_baseline_new_failures"])
        let dashboard = try String(contentsOf: deployDirectory.appendingPathComponent("grafana/docker-baseline-fleet.json"), encoding: .utf8)
        let rules = try String(contentsOf: deployDirectory.appendingPathComponent("prometheus/docker-baseline.rules.yml"), encoding: .utf8)
        let named = Set((dashboard + rules).matches(of: /docker_baseline_[a-z_]+/).map { String($0.output) })
        #expect(!named.isEmpty)
        #expect(named.subtracting(exposed).isEmpty, "not exposed: \(named.subtracting(exposed).sorted())")
        #expect(named.contains("docker_baseline_score") && named.contains("docker_baseline_failures"))

        // The dashboard is JSON Grafana imports: panels with targets, the score over time, severities and sections.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(dashboard.utf8)) as? [String: Any])
        let panels = try #require(object["panels"] as? [[String: Any]])
        let titles = panels.compactMap { $0["title"] as? String }
        #expect(titles.contains("Score per host") && titles.contains("Failures by severity") && titles.contains("Failures by CIS section")
                && titles.contains("Top failing rules"))
        #expect(panels.allSatisfy { (($0["targets"] as? [[String: Any]]) ?? []).allSatisfy { $0["expr"] is String } })
    }

    @Test("The Kubernetes manifest is well-formed: a DaemonSet with what the API requires, its Service and ServiceMonitor")
    func kubernetesManifest() throws {
        let text = try String(contentsOf: deployDirectory.appendingPathComponent("kubernetes/docker-baseline.yaml"), encoding: .utf8)
        let documents = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
        #expect(documents.map { $0["kind"] as? String } == ["DaemonSet", "Service", "ServiceMonitor"])
        let daemonSet = try #require(documents.first)
        #expect(daemonSet["apiVersion"] as? String == "apps/v1")
        let metadata = try #require(daemonSet["metadata"] as? [String: Any])
        #expect(metadata["name"] as? String == "docker-baseline")
        let spec = try #require(daemonSet["spec"] as? [String: Any])
        let selector = try #require((spec["selector"] as? [String: Any])?["matchLabels"] as? [String: String])
        let template = try #require(spec["template"] as? [String: Any])
        let labels = try #require((template["metadata"] as? [String: Any])?["labels"] as? [String: String])
        // The API rejects a DaemonSet whose selector does not match its template's labels.
        #expect(!selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value })
        let podSpec = try #require(template["spec"] as? [String: Any])
        let containers = try #require(podSpec["containers"] as? [[String: Any]])
        #expect(containers.count == 1 && containers.allSatisfy { $0["name"] is String && $0["image"] is String })
        let volumes = Set(((podSpec["volumes"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
        let mounts = (containers[0]["volumeMounts"] as? [[String: Any]]) ?? []
        #expect(mounts.allSatisfy { volumes.contains($0["name"] as? String ?? "") }, "every mount names a volume")
        // The host is mounted read-only, as in the swarm stack.
        for path in ["/host", "/var/run/docker.sock"] {
            #expect(mounts.contains { $0["mountPath"] as? String == path && $0["readOnly"] as? Bool == true }, "\(path) read-only")
        }
        let args = (containers[0]["args"] as? [String]) ?? []
        #expect(args.first == "serve" && args.contains { $0.hasPrefix("--token-file=") } && args.contains { $0.hasPrefix("--tls-cert=") })
        let service = documents[1], monitor = documents[2]
        #expect(((service["spec"] as? [String: Any])?["selector"] as? [String: String]) == selector)
        let endpoints = ((monitor["spec"] as? [String: Any])?["endpoints"] as? [[String: Any]]) ?? []
        #expect(endpoints.first?["port"] as? String == "metrics" && endpoints.first?["scheme"] as? String == "https")
        // The same flags serve accepts.
        let parsed = try runTool(["serve", "--help"])
        for flag in args.dropFirst().map({ String($0.split(separator: "=")[0]) }) { #expect(parsed.stdout.contains(flag), "\(flag)") }
    }

    /// The stack deployed on a single-node swarm of a second dockerd (in a network namespace of its own): the agent's
    /// global task is discovered by the stack's Prometheus through `tasks.agent` and answers /metrics over TLS with
    /// the token.
    @Test("docker stack deploy on a single-node swarm: the global agent task answers /metrics to the stack's Prometheus")
    func swarmStack() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tag = String(UUID().uuidString.prefix(6)).lowercased()
        let agentImage = "dbt/fleet-agent-\(tag):1", prometheusImage = "dbt/fleet-prometheus-\(tag):1"
        // The image from the project's recipe, from the binary already built.
        let built = try run("/bin/bash", [deployDirectory.deletingLastPathComponent().appendingPathComponent("scripts/image.sh").path,
                                          "--binary", TestEnvironment.binary, "--tag", agentImage])
        defer { _ = try? run("/usr/bin/env", ["docker", "rmi", "-f", agentImage, "dbt/fleet-agent-\(tag)-base:local"]) }
        guard built.status == 0 else { throw TestSetupError("scripts/image.sh: \(built.stderr)") }

        let daemon = try SecondDaemon(settings: [:])
        defer { daemon.stop() }
        try daemon.start()
        let docker = { (arguments: [String]) throws -> CommandResult in
            try run("/usr/bin/env", ["docker", "-H", "unix://\(daemon.socket)"] + arguments)
        }
        let loaded = try run("/bin/sh", ["-c", "docker save \(agentImage) | docker -H unix://\(daemon.socket) load"])
        guard loaded.status == 0 else { throw TestSetupError("docker load: \(loaded.stderr)") }
        try makePrometheusImage(prometheusImage, socket: daemon.socket, in: directory)
        let initialised = try docker(["swarm", "init", "--advertise-addr", "127.0.0.1"])
        guard initialised.status == 0 else { throw TestSetupError("swarm init: \(initialised.stderr)") }
        defer { _ = try? docker(["swarm", "leave", "--force"]) }

        let secrets = directory.appendingPathComponent("secrets")
        let made = try run(deployDirectory.appendingPathComponent("swarm/make-secrets.sh").path, [secrets.path])
        guard made.status == 0 else { throw TestSetupError("make-secrets.sh: \(made.stderr)") }
        let port = 19_000 + Int.random(in: 0..<1000)
        let deploy = Process()
        deploy.executableURL = URL(fileURLWithPath: "/usr/bin/docker")
        deploy.arguments = ["-H", "unix://\(daemon.socket)", "stack", "deploy", "--resolve-image", "never", "-c", "stack.yml", "baseline"]
        deploy.currentDirectoryURL = deployDirectory.appendingPathComponent("swarm")
        deploy.environment = ["PATH": "/usr/bin:/bin", "DOCKER_BASELINE_IMAGE": agentImage, "PROMETHEUS_IMAGE": prometheusImage,
                              "DOCKER_BASELINE_SECRETS": secrets.path, "DOCKER_BASELINE_INTERVAL": "30s", "PROMETHEUS_PORT": String(port),
                              "DOCKER_SOCKET": daemon.socket]
        let output = Pipe()
        deploy.standardOutput = output
        deploy.standardError = output
        try deploy.run()
        deploy.waitUntilExit()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(deploy.terminationStatus == 0, "stack deploy: \(said)")
        defer { _ = try? docker(["stack", "rm", "baseline"]) }

        // One agent task (global, one node), running.
        var tasks = ""
        for _ in 0..<120 {
            tasks = (try docker(["service", "ps", "baseline_agent", "--format", "{{.CurrentState}} {{.Error}}"])).stdout
            if tasks.hasPrefix("Running") { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(tasks.split(separator: "\n").count == 1 && tasks.hasPrefix("Running"), "agent tasks: \(tasks) \((try? docker(["service", "ps", "--no-trunc", "baseline_agent"]).stdout) ?? "")")

        // The stack's Prometheus, asked inside the daemon's namespace: it found the task and scraped it.
        var answer = ""
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline {
            let queried = try run("/usr/bin/nsenter", ["--net=/var/run/netns/\(daemon.namespace)", "/usr/bin/curl", "-s", "--max-time", "5", "-G",
                                                       "http://127.0.0.1:\(port)/api/v1/query", "--data-urlencode", "query=docker_baseline_score"])
            answer = queried.stdout
            if answer.contains("\"docker_baseline_score\"") { break }
            Thread.sleep(forTimeInterval: 2)
        }
        #expect(answer.contains("\"job\":\"docker-baseline\"") && answer.contains("\"__name__\":\"docker_baseline_score\""), "Prometheus: \(answer.prefix(800))")
        let up = try run("/usr/bin/nsenter", ["--net=/var/run/netns/\(daemon.namespace)", "/usr/bin/curl", "-s", "-G",
                                              "http://127.0.0.1:\(port)/api/v1/query", "--data-urlencode", "query=up{job=\"docker-baseline\"}"])
        #expect(up.stdout.contains("\"value\":[") && up.stdout.contains(",\"1\"]"), "up: \(up.stdout.prefix(500))")
        // The agent judged the node it runs on: its engine is the second daemon.
        let info = try run("/usr/bin/nsenter", ["--net=/var/run/netns/\(daemon.namespace)", "/usr/bin/curl", "-s", "-G",
                                                "http://127.0.0.1:\(port)/api/v1/query", "--data-urlencode", "query=docker_baseline_containers"])
        #expect(info.stdout.contains("\"value\":["), "\(info.stdout.prefix(300))")

        _ = try docker(["stack", "rm", "baseline"])
        for _ in 0..<60 where !(try docker(["ps", "-aq"])).stdout.isEmpty { Thread.sleep(forTimeInterval: 0.5) }
    }

    /// Debian's Prometheus binary, with the libraries it loads, as an image of the second daemon.
    func makePrometheusImage(_ name: String, socket: String, in directory: URL) throws {
        let script = """
        set -e
        root='\(directory.path)/prometheus-rootfs'
        mkdir -p "$root/bin" "$root/etc/prometheus" "$root/prometheus" "$root/tmp"
        cp /usr/bin/prometheus "$root/bin/prometheus"
        for lib in $(ldd /usr/bin/prometheus | grep -oE '/[^ ]+'); do mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; done
        printf 'root:x:0:0:root:/root:/sbin/nologin\\n' > "$root/etc/passwd"
        printf 'hosts: files dns\\n' > "$root/etc/nsswitch.conf"
        tar -C "$root" -c . | docker -H 'unix://\(socket)' import --change 'ENTRYPOINT ["/bin/prometheus"]' - '\(name)' >/dev/null
        rm -rf "$root"
        """
        let made = try run("/bin/sh", ["-c", script])
        guard made.status == 0 else { throw TestSetupError("the Prometheus image: \(made.stderr)") }
    }
}
