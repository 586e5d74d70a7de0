import Foundation

// scan-api's rule: what the scanner found on each address and port, judged.

/// No Docker API answers without authentication (enterprise baseline item 2).
enum ExposedAPIRule {
    static let metadata = RuleMetadata(
        id: .networkExposedApi, cis: nil, severity: .critical,
        title: .init(en: "No Docker API answers without authentication", zh: "不存在无需认证即可访问的 Docker API"),
        rationale: .init(en: "A Docker API that answers without a client certificate gives whoever reaches it root on that host; port 2375 is scanned for constantly (enterprise baseline item 2).",
                         zh: "无需客户端证书即可访问的 Docker API 会让任何能连上它的人获得该主机的 root 权限；2375 端口一直被持续扫描（企业基线第 2 项）。"),
        remediation: .init(en: "On that host, remove the tcp:// listener, or serve it only with \"tlsverify\": true and a CA (mutual TLS), behind a firewall allow-list.",
                           zh: "在该主机上删除 tcp:// 监听，或仅在 \"tlsverify\": true 并配置 CA（双向 TLS）时提供，并通过防火墙白名单限制。"),
        references: [Reference.protectSocket])

    /// The finding for one probed address and port.
    static func judge(_ item: APIScanner.Found, advisories: AdvisoryTable) -> Finding {
        let endpoint = item.address.contains(":") ? "[\(item.address)]:\(item.port)" : "\(item.address):\(item.port)"
        let target = Target(kind: .engine, id: endpoint, name: endpoint)
        var evidence = ["endpoint": endpoint, "probe": item.outcome.description]
        let verdict: Verdict
        switch item.outcome {
        case let .unauthenticated(tls, version, api):
            evidence["engine version"] = version ?? "?"
            evidence["API version"] = api ?? "?"
            let known = version.flatMap(SoftwareVersion.init).map { advisories.affecting("docker-engine", $0).map(\.id) } ?? []
            if !known.isEmpty { evidence["advisories"] = known.joined(separator: ", ") }
            verdict = .fail("Docker API open without authentication\(tls ? " (TLS, no client certificate needed)" : ""): engine \(version ?? "?")",
                            "Docker API 无需认证即可访问\(tls ? "（TLS，但不要求客户端证书）" : "")：引擎 \(version ?? "?")", severity: .critical, evidence: evidence)
        case .requiresClientCertificate:
            verdict = .pass("Docker API requires a client certificate", "Docker API 要求客户端证书", evidence: evidence)
        case let .notDocker(detail):
            verdict = .info("open, not a Docker API: \(detail)", "端口开放，但不是 Docker API：\(detail)", evidence: evidence)
        case let .unknownService(detail):
            verdict = .info("open, unknown service (not recognised as a Docker API): \(detail)", "端口开放，未知服务（未识别为 Docker API）：\(detail)",
                            evidence: evidence)
        case .closed:
            verdict = .skipped("closed", "端口关闭", evidence: [:])
        case let .noAnswer(detail):
            verdict = .skipped("no answer (\(detail))", "无应答（\(detail)）", evidence: [:])
        }
        return Finding(target: target, verdict: verdict)
    }
}

extension Evaluator {
    /// A network scan as a report, so every format can show it.
    public static func evaluate(scan found: [APIScanner.Found], targets: [String], advisories: AdvisoryTable = .embedded, now: Date = Date()) -> AuditReport {
        let snapshot = Snapshot(collectedAt: ISO8601DateFormatter().string(from: now), endpoint: "scan-api \(targets.joined(separator: " "))",
                                engine: EngineVersion(), info: EngineInfo(), containers: [], images: [], networks: [], host: nil,
                                environment: AuditEnvironment(dockerContentTrust: nil), problems: [])
        let results = found.map { Result(rule: ExposedAPIRule.metadata, finding: ExposedAPIRule.judge($0, advisories: advisories)) }
        var report = AuditReport(snapshot: snapshot, results: results)
        report.subject = .networkScan
        return report
    }
}

extension RuleID {
    public static let networkExposedApi: RuleID = "network.exposed-api"
}
