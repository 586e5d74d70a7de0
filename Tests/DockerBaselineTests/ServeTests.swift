import DockerBaseline
import Foundation
import Testing

/// `docker-baseline serve` started by a test: the port it bound is read from what it says on standard error.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var errorText = ""
    private(set) var baseURL = ""

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: TestEnvironment.binary)
        process.arguments = ["serve"] + arguments
        var env = ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8"]
        if let cache = ProcessInfo.processInfo.environment["DOCKER_BASELINE_CACHE_DIR"] { env["DOCKER_BASELINE_CACHE_DIR"] = cache }
        process.environment = env.merging(environment) { _, new in new }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { handle.readabilityHandler = nil; return }
            self.lock.lock()
            self.errorText += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        try process.run()
    }

    var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return errorText
    }

    /// Waits for "serving http(s)://HOST:PORT/metrics"; throws with what serve said when it ends or does not say it.
    func waitUntilListening(timeout: TimeInterval = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let range = stderr.range(of: #"serving (https?://[^ ]+)/metrics"#, options: .regularExpression) {
                baseURL = String(stderr[range].dropFirst("serving ".count).dropLast("/metrics".count))
                return
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestSetupError("serve did not start listening: \(stderr.suffix(2000))")
    }

    func stop() { DockerBaselineTests.stop(process) }
}

/// curl, for what a scraper or a person would send: status code and body.
func curl(_ arguments: [String]) throws -> (status: Int, body: String) {
    let marker = "\n--dbt-status:"
    let result = try run("/usr/bin/curl", ["-sS", "--max-time", "30", "-w", marker + "%{http_code}"] + arguments)
    guard let range = result.stdout.range(of: marker, options: .backwards) else { throw TestSetupError("curl: \(result.stderr)") }
    return (Int(result.stdout[range.upperBound...]) ?? 0, String(result.stdout[..<range.lowerBound]))
}

/// A free TCP port on loopback (bound, read, released).
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    guard bound else { throw TestSetupError("no free port: \(String(cString: strerror(errno)))") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A token file only its owner can read.
func writeToken(in directory: URL, mode: mode_t = 0o600) throws -> (path: String, token: String) {
    let token = UUID().uuidString + UUID().uuidString
    let path = directory.appendingPathComponent("token").path
    try (token + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    chmod(path, mode)
    return (path, token)
}

/// Debian's Prometheus, started on a free loopback port with its own configuration and storage.
final class PrometheusServer {
    let process = Process()
    let port: Int

    init(configuration: String, directory: URL) throws {
        port = try freeLoopbackPort()
        let config = directory.appendingPathComponent("prometheus.yml")
        try configuration.write(to: config, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        process.arguments = ["--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("tsdb").path)",
                             "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn"]
        let log = directory.appendingPathComponent("prometheus.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// The instant vector of `query` as (labels, value) pairs.
    func query(_ query: String) throws -> [([String: String], Double)] {
        let answer = try curl(["-G", "http://127.0.0.1:\(port)/api/v1/query", "--data-urlencode", "query=\(query)"])
        guard answer.status == 200,
              let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
              let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]] else {
            throw TestSetupError("Prometheus answered \(answer.status): \(answer.body.prefix(500))")
        }
        return result.compactMap { item in
            guard let metric = item["metric"] as? [String: String], let value = item["value"] as? [Any], value.count == 2,
                  let text = value[1] as? String, let number = Double(text) else { return nil }
            return (metric, number)
        }
    }

    /// Waits until `query` returns a sample.
    func waitFor(_ query: String, timeout: TimeInterval = 90) throws -> [([String: String], Double)] {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            do {
                let result = try self.query(query)
                if !result.isEmpty { return result }
            } catch { last = String(describing: error) }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        throw TestSetupError("Prometheus has no \(query) after \(Int(timeout)) s \(last)")
    }

    func stop() { DockerBaselineTests.stop(process) }
}

/// The parts of a JSON report these tests compare with the metrics.
struct ServedReport: Decodable {
    struct Summary: Decodable {
        let total: Int, pass: Int, fail: Int, warn: Int, info: Int, skipped: Int, error: Int, waived: Int
        let score: Double?
        let failedBySeverity: [String: Int]
    }
    struct Item: Decodable {
        struct Target: Decodable { let kind: String; let id: String; let name: String }
        let rule: String, status: String, severity: String
        let target: Target
    }
    let summary: Summary
    let results: [Item]
}

@Suite("serve: metrics, reports, token and TLS", .serialized)
struct ServeTests {
    /// Prometheus scrapes serve (with the token), and what it stored equals the audit's own JSON report.
    @Test("A real Prometheus scrapes serve; its score and failure counts equal the audit's JSON report")
    func prometheusScrapes() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (tokenFile, _) = try writeToken(in: directory)
        // One audit only (a long interval): /report.json and every scrape describe the same audit.
        let serve = try ServeProcess(["--listen", "127.0.0.1:0", "--interval", "1h", "--token-file", tokenFile,
                                      "--history", directory.appendingPathComponent("history.sqlite").path, "--max-target-series", "5"])
        defer { serve.stop() }
        try serve.waitUntilListening()
        let port = serve.baseURL.split(separator: ":").last!
        let prometheus = try PrometheusServer(configuration: """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            scrape_configs:
              - job_name: docker-baseline
                authorization: {credentials_file: \(tokenFile)}
                static_configs: [{targets: ["127.0.0.1:\(port)"]}]
            """, directory: directory)
        defer { prometheus.stop() }

        let score = try prometheus.waitFor("docker_baseline_score")
        let report = try servedReport(serve, tokenFile: tokenFile)
        #expect(score.count == 1)
        #expect(score.first?.1 == report.summary.score)
        for severity in Severity.allCases {
            let stored = try prometheus.query("docker_baseline_failures{severity=\"\(severity.rawValue)\"}")
            #expect(stored.map(\.1) == [Double(report.summary.failedBySeverity[severity.rawValue] ?? 0)], "severity \(severity.rawValue)")
        }
        let byStatus = try prometheus.query("docker_baseline_results")
        let expected: [String: Int] = ["pass": report.summary.pass, "fail": report.summary.fail, "warn": report.summary.warn, "info": report.summary.info,
                                       "skipped": report.summary.skipped, "error": report.summary.error, "waived": report.summary.waived]
        #expect(Dictionary(uniqueKeysWithValues: byStatus.map { ($0.0["status"] ?? "", Int($0.1)) }) == expected)
        let ruleFailures = try prometheus.query("sum(docker_baseline_rule_results{status=\"fail\"})")
        #expect(ruleFailures.first.map { Int($0.1) } == report.summary.fail)

        // The per-target cap: at most 5 series, the rest counted as dropped, the most severe kept.
        let distinct = Set(report.results.filter { $0.status == "fail" }.map { "\($0.rule) \($0.severity) \($0.target.kind) \($0.target.name)" })
        let series = try prometheus.query("docker_baseline_failing_checks")
        #expect(series.count == min(5, distinct.count))
        let dropped = try prometheus.query("docker_baseline_failing_checks_dropped")
        #expect(dropped.first.map { Int($0.1) } == max(0, distinct.count - 5))
        if let worst = report.results.filter({ $0.status == "fail" }).compactMap({ Severity(rawValue: $0.severity) }).max() {
            #expect(series.contains { $0.0["severity"] == worst.rawValue })
        }
        #expect(try prometheus.query("docker_baseline_build_info").first?.0["version"] == ToolInfo.current.version)
        #expect(try prometheus.query("docker_baseline_last_audit_success").first?.1 == 1)
        #expect(try prometheus.query("up{job=\"docker-baseline\"}").first?.1 == 1)

        // Every query of the Grafana dashboard runs on this Prometheus and finds data (the section breakdown too).
        let dashboard = try JSONSerialization.jsonObject(with: Data(contentsOf: deployDirectory.appendingPathComponent("grafana/docker-baseline-fleet.json"))) as? [String: Any]
        let panels = dashboard?["panels"] as? [[String: Any]] ?? []
        for panel in panels {
            for target in (panel["targets"] as? [[String: Any]]) ?? [] {
                guard let expression = (target["expr"] as? String)?.replacingOccurrences(of: "$instance", with: ".*") else { continue }
                let answer = try prometheus.query(expression)
                // The panel of critical and high failures is empty on a host without any.
                let expected = !expression.contains("critical|high")
                    || report.results.contains { $0.status == "fail" && ["critical", "high"].contains($0.severity) }
                #expect(answer.isEmpty != expected, "\(panel["title"] ?? ""): \(expression)")
            }
        }
        let sections = try prometheus.query(#"sum by (section) (label_replace(docker_baseline_rule_results{status="fail"}, "section", "$1", "cis", "([0-9]+)\\..*"))"#)
        #expect(sections.count > 1 && sections.allSatisfy { ($0.0["section"] ?? "").allSatisfy(\.isNumber) })
    }

    /// promtool lints what /metrics serves.
    @Test("promtool check metrics accepts /metrics")
    func promtoolAcceptsMetrics() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let serve = try ServeProcess(["--listen", "127.0.0.1:0", "--interval", "1h", "--no-history"])
        defer { serve.stop() }
        try serve.waitUntilListening()
        let metrics = try waitForMetrics(serve)
        let file = directory.appendingPathComponent("metrics.txt")
        try metrics.write(to: file, atomically: true, encoding: .utf8)
        let check = try run("/bin/sh", ["-c", "promtool check metrics < '\(file.path)'"])
        #expect(check.status == 0, "promtool: \(check.stdout) \(check.stderr)")
        #expect(metrics.contains("# TYPE docker_baseline_score gauge"))
        #expect(metrics.contains("docker_baseline_engine_info{"))
        #expect(metrics.contains("# TYPE docker_baseline_audits_total counter"))
        // Health and readiness, and both reports of the last audit.
        #expect(try curl([serve.baseURL + "/healthz"]).status == 200)
        #expect(try curl([serve.baseURL + "/readyz"]).status == 200)
        let html = try curl([serve.baseURL + "/report.html"])
        #expect(html.status == 200 && html.body.contains("</html>"))
        let chinese = try curl([serve.baseURL + "/report.json?lang=zh"])
        #expect(chinese.status == 200 && chinese.body.contains("\"language\": \"zh\""))
    }

    @Test("Token and TLS are enforced: 401 without the token, no plain HTTP on the TLS port")
    func tokenAndTLS() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (ca, cert, key) = try SecondDaemon.makeCertificates(in: directory)
        let (tokenFile, token) = try writeToken(in: directory)
        let serve = try ServeProcess(["--listen", "127.0.0.1:0", "--interval", "1h", "--no-history",
                                      "--token-file", tokenFile, "--tls-cert", cert, "--tls-key", key])
        defer { serve.stop() }
        try serve.waitUntilListening()
        #expect(serve.baseURL.hasPrefix("https://"))
        let metricsURL = serve.baseURL + "/metrics"
        #expect(try curl(["--cacert", ca, metricsURL]).status == 401)
        #expect(try curl(["--cacert", ca, "-H", "Authorization: Bearer wrong-\(token)", metricsURL]).status == 401)
        #expect(try curl(["--cacert", ca, "-H", "Authorization: Bearer \(token)", serve.baseURL + "/report.json"]).status != 401)
        #expect(try curl(["--cacert", ca, "-X", "POST", serve.baseURL + "/audit"]).status == 401)
        // The probes answer without the token and say nothing about the host.
        #expect(try curl(["--cacert", ca, serve.baseURL + "/healthz"]).status == 200)
        // Plain HTTP to the TLS port gets no answer.
        let plain = try curl([metricsURL.replacingOccurrences(of: "https://", with: "http://")])
        #expect(plain.status != 200 && !plain.body.contains("docker_baseline"))
        // Certificates are checked by the client: one not signed by the CA fails.
        #expect(try curl(["-H", "Authorization: Bearer \(token)", metricsURL]).status == 0)
        let metrics = try waitForMetrics(serve, extra: ["--cacert", ca, "-H", "Authorization: Bearer \(token)"])
        #expect(metrics.contains("docker_baseline_build_info"))
    }

    @Test("serve refuses an exposed listener without token and TLS, and a token file others can read")
    func refusesUnsafeSetups() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let exposed = try runTool(["serve", "--listen", "0.0.0.0:0", "--no-history"], timeout: 30)
        #expect(exposed.status == 2)
        #expect(exposed.stderr.contains("--token-file") && exposed.stderr.contains("unauthenticated"))
        let (tokenFile, _) = try writeToken(in: directory, mode: 0o644)
        let shared = try runTool(["serve", "--listen", "127.0.0.1:0", "--no-history", "--token-file", tokenFile], timeout: 30)
        #expect(shared.status == 2)
        #expect(shared.stderr.contains("chmod 600"))
        let halfTLS = try runTool(["serve", "--tls-cert", tokenFile, "--no-history"], timeout: 30)
        #expect(halfTLS.status == 2 && halfTLS.stderr.contains("--tls-key"))
    }

    @Test("POST /audit runs another audit at once")
    func auditOnDemand() throws {
        let serve = try ServeProcess(["--listen", "127.0.0.1:0", "--interval", "1h", "--no-history"])
        defer { serve.stop() }
        try serve.waitUntilListening()
        _ = try waitForMetrics(serve)
        #expect(try curl(["-X", "POST", serve.baseURL + "/audit"]).status == 202)
        let deadline = Date().addingTimeInterval(60)
        var audits = 0.0
        while Date() < deadline, audits < 2 {
            audits = metricValue(try curl([serve.baseURL + "/metrics"]).body, "docker_baseline_audits_total") ?? 0
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(audits == 2)
    }

    @Test("serve --watch: a container created with the engine's socket is in the served report without waiting for the interval")
    func watchTriggersAudits() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tag = String(UUID().uuidString.prefix(6)).lowercased()
        let image = "dbt/serve-watch-\(tag):1", name = "dbt-serve-watch-\(tag)"
        try importWatchImage(image)
        defer {
            _ = try? docker(["rm", "-f", name])
            _ = try? docker(["rmi", image])
        }
        let journal = directory.appendingPathComponent("journal.sqlite").path
        let serve = try ServeProcess(["--listen", "127.0.0.1:0", "--interval", "1h", "--no-history", "--image-contents", "none",
                                      "--watch", "--journal", journal])
        defer { serve.stop() }
        try serve.waitUntilListening()
        let first = try waitForMetrics(serve)
        #expect(metricValue(first, "docker_baseline_audits_total") == 1)
        try #require(docker(["create", "-v", "/var/run/docker.sock:/var/run/docker.sock", "--name", name, image, "sleep", "600"]).status == 0)

        // The interval is an hour: only the event can bring the container into a report.
        let deadline = Date().addingTimeInterval(90)
        var judged: String?
        while Date() < deadline, judged == nil {
            let report = try curl([serve.baseURL + "/report.json"])
            if report.status == 200, let data = report.body.data(using: .utf8),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               let results = object["results"] as? [[String: Any]] {
                judged = results.first { result in
                    (result["rule"] as? String) == RuleID.containerDockerSocket.rawValue
                        && ((result["target"] as? [String: Any])?["name"] as? String) == name
                }?["status"] as? String
            }
            if judged == nil { Thread.sleep(forTimeInterval: 0.3) }
        }
        #expect(judged == "fail", "\(serve.stderr.suffix(1500))")
        #expect((metricValue(try curl([serve.baseURL + "/metrics"]).body, "docker_baseline_audits_total") ?? 0) >= 2)
        #expect(FileManager.default.fileExists(atPath: journal), "the watch keeps its journal")
        #expect(try runTool(["serve", "--watch", "--snapshot", journal], timeout: 30).status == 2, "--watch needs an engine")
    }

    @Test("An engine that cannot be read: the audit is counted as failed, /readyz and the reports say no audit finished")
    func engineUnreachable() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let serve = try ServeProcess(["--listen", "127.0.0.1:0", "--interval", "1h", "--no-history",
                                      "--host", "unix://\(directory.path)/no-engine.sock"])
        defer { serve.stop() }
        try serve.waitUntilListening()
        var metrics = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, metricValue(metrics, "docker_baseline_audit_failures_total") != 1 {
            metrics = try curl([serve.baseURL + "/metrics"]).body
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(metricValue(metrics, "docker_baseline_audit_failures_total") == 1)
        #expect(metricValue(metrics, "docker_baseline_last_audit_success") == 0)
        #expect(!metrics.contains("docker_baseline_score"), "no score is made up")
        #expect(try curl([serve.baseURL + "/readyz"]).status == 503)
        #expect(try curl([serve.baseURL + "/report.json"]).status == 503)
        #expect(serve.stderr.contains("audit failed") && serve.stderr.contains("no-engine.sock"))
        let check = try run("/bin/sh", ["-c", "curl -s '\(serve.baseURL)/metrics' | promtool check metrics"])
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
    }

    /// /metrics once the first audit is published.
    func waitForMetrics(_ serve: ServeProcess, extra: [String] = [], timeout: TimeInterval = 120) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let answer = try curl(extra + [serve.baseURL + "/metrics"])
            if answer.status == 200, answer.body.contains("docker_baseline_score") || answer.body.contains("docker_baseline_results{") { return answer.body }
            guard serve.process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw TestSetupError("no audit published: \(serve.stderr.suffix(1000))")
    }

    func servedReport(_ serve: ServeProcess, tokenFile: String) throws -> ServedReport {
        let token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let answer = try curl(["-H", "Authorization: Bearer \(token)", serve.baseURL + "/report.json"])
        guard answer.status == 200 else { throw TestSetupError("/report.json: \(answer.status) \(answer.body.prefix(300))") }
        return try JSONDecoder().decode(ServedReport.self, from: Data(answer.body.utf8))
    }
}

/// The value of an unlabelled sample in a text exposition.
func metricValue(_ exposition: String, _ name: String) -> Double? {
    exposition.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
}
