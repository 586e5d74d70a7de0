import Foundation

// CIS 4.4: images are scanned and rebuilt to include security patches. Judged from the image's software inventory
// matched against the offline OSV database given with --vuln-db (VulnerabilityMatcher, at collection time).

struct VulnerabilitiesRule: ImageRule {
    let metadata = RuleMetadata(
        id: .imageVulnerabilities, cis: "4.4", severity: .high,
        title: .init(en: "Images are scanned and rebuilt to include security patches", zh: "镜像经过漏洞扫描并重建以包含安全补丁"),
        rationale: .init(
            en: "A package with a published, fixed vulnerability is the easiest way into a container: the fix exists, and only rebuilding the image brings it in.",
            zh: "存在已公开且已修复漏洞的软件包是进入容器最容易的途径：补丁已经存在，只有重建镜像才能引入它。"),
        remediation: .init(
            en: "Rebuild the image on an updated base (`docker build --pull --no-cache`), upgrade the packages named to the fixed versions, and redeploy the containers; keep the advisory database current (`--vuln-db`).",
            zh: "基于更新后的基础镜像重建（`docker build --pull --no-cache`），将所列软件包升级到已修复版本并重新部署容器；保持漏洞数据库为最新（`--vuln-db`）。"),
        references: [Reference.cisDocker, "https://ossf.github.io/osv-schema/"])

    private static let inventory = #""inventory": {"operatingSystem": {"id": "debian", "versionID": "12", "name": "Debian GNU/Linux 12 (bookworm)", "like": []}, "packages": [{"kind": "deb", "name": "libc6", "version": "2.36-9+deb12u1", "sourceName": "glibc", "sourceVersion": "2.36-9+deb12u1", "path": "/var/lib/dpkg/status", "layer": 0}], "unread": []}"#
    private static let contents = #"{"source": "example", "layers": [{"digest": "sha256:aaaa", "entries": 10}], "setuidFiles": [], "secretFiles": [], "emptyPasswordAccounts": [], "sshdFiles": [], "worldWritableDirectories": [], "problems": [], \#(inventory)}"#
    private static let database = #""database": {"sources": ["/srv/osv/Debian.zip"], "records": 40000, "newestModified": "2025-12-31T10:00:00Z", "problems": []}, "ecosystems": ["Debian:12"], "notMatched": []"#
    private static let finding = #"{"package": "libc6", "kind": "deb", "installedVersion": "2.36-9+deb12u1", "advisory": "DSA-5514-1", "aliases": ["CVE-2023-4911"], "severity": "high", "score": 7.8, "layer": 0"#

    let examples = [
        RuleExample(contents: contents, vulnerabilities: #"{\#(database), "findings": [\#(finding), "fixedVersion": "2.36-9+deb12u3"}]}"#, expect: .fail),
        RuleExample(contents: contents, vulnerabilities: #"{\#(database), "findings": [\#(finding)}]}"#, expect: .warn),
        RuleExample(contents: contents, vulnerabilities: #"{\#(database), "findings": []}"#, expect: .pass),
        // The database holds no record of an ecosystem the image's packages are in: those were not checked.
        RuleExample(contents: contents, vulnerabilities: #"{\#(database), "uncovered": ["1 deb package(s): the database has no Debian records"], "findings": []}"#, expect: .warn),
        // The database is more than 7 days older than the audit (2026-01-01).
        RuleExample(contents: contents, vulnerabilities: #"{\#(database), "findings": []}"#.replacingOccurrences(of: "2025-12-31", with: "2025-11-01"), expect: .warn),
        // No database given: never a pass.
        RuleExample(contents: contents, expect: .error),
        RuleExample(expect: .skipped),
    ]

    func judge(_ image: ImageRecord, in context: AuditContext) -> Verdict {
        if let verdict = contentsUnavailable(image) { return verdict }
        let contents = image.contents!
        guard let inventory = contents.inventory else {
            return .error("the image's software inventory was not read (contents from an older version of docker-baseline)",
                          "未读取镜像的软件清单（内容来自旧版本 docker-baseline）")
        }
        guard let scan = image.vulnerabilities else {
            let reason = image.vulnerabilitiesError
                ?? "no vulnerability database: download OSV exports (e.g. https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip) and give them with --vuln-db PATH"
            return .error("not checked: \(reason)", "未检查：\(reason)")
        }
        let settings = context.settings
        var evidence = databaseEvidence(scan, contents: contents)
        let incomplete = contents.problems.map(\.description) + inventory.unread + scan.notMatched
        if !incomplete.isEmpty { evidence["incomplete"] = incomplete.prefix(3).joined(separator: "; ") }
        let uncovered = scan.uncovered ?? []
        if !uncovered.isEmpty { evidence["not checked"] = uncovered.joined(separator: "; ") }
        // A severity the record does not give counts as reaching the threshold: what cannot be graded is not let pass.
        let fixable = scan.findings.filter { $0.fixedVersion != nil }
        let failing = fixable.filter { ($0.severity ?? .critical) >= settings.vulnSeverity }
        let unfixed = scan.findings.filter { $0.fixedVersion == nil }
        let ordered = failing + fixable.filter { ($0.severity ?? .critical) < settings.vulnSeverity } + unfixed
        for finding in ordered.prefix(20) {
            evidence["\(finding.package) \(finding.advisory)"] = describe(finding, contents: contents)
        }
        if ordered.count > 20 { evidence["…"] = "\(ordered.count - 20) more" }
        let counts = "\(fixable.count) fixable, \(unfixed.count) without a fix yet"
        if !failing.isEmpty {
            let worst = failing.map { $0.severity ?? .high }.max()
            return .fail("\(failing.count) fixable vulnerabilit\(failing.count == 1 ? "y" : "ies") at or above \(settings.vulnSeverity.rawValue) (\(counts))",
                         "\(failing.count) 个可修复的\(Vocabulary.severity(settings.vulnSeverity, .zh))及以上漏洞（可修复 \(fixable.count) 个，尚无修复 \(unfixed.count) 个）",
                         severity: worst, evidence: evidence)
        }
        if !incomplete.isEmpty {
            return .error("could not read all of the image's software: \(incomplete[0])", "无法读取镜像的全部软件：\(incomplete[0])", evidence: evidence)
        }
        if inventory.packages.isEmpty {
            return .warn("no package database in the image: its software could not be inventoried (of static binaries, only Go's are)",
                         "镜像中没有软件包数据库：无法清点其软件（静态二进制文件中仅 Go 程序可清点）", evidence: evidence)
        }
        if let stale = staleness(scan.database, collectedAt: context.snapshot.collectedAt, maxDays: settings.vulnDatabaseMaxAgeDays) {
            return .warn("the vulnerability database is stale: \(stale) (\(counts))", "漏洞数据库已过期：\(stale)（可修复 \(fixable.count) 个，尚无修复 \(unfixed.count) 个）", evidence: evidence)
        }
        if !uncovered.isEmpty {
            return .warn("not every package could be checked: \(uncovered.joined(separator: "; ")); give --vuln-db the OSV export of that ecosystem too (\(counts))",
                         "并非所有软件包都已检查：\(uncovered.joined(separator: "；"))；请为 --vuln-db 同时提供该生态的 OSV 导出（可修复 \(fixable.count) 个，尚无修复 \(unfixed.count) 个）",
                         evidence: evidence)
        }
        if !ordered.isEmpty {
            return .warn("\(ordered.count) vulnerabilit\(ordered.count == 1 ? "y" : "ies") to review, none fixable at or above \(settings.vulnSeverity.rawValue) (\(counts))",
                         "\(ordered.count) 个漏洞需复查，没有\(Vocabulary.severity(settings.vulnSeverity, .zh))及以上的可修复漏洞（可修复 \(fixable.count) 个，尚无修复 \(unfixed.count) 个）", evidence: evidence)
        }
        return .pass("no known vulnerability in \(inventory.packages.count) packages (database of \(scan.database.records) records, newest \(scan.database.newestModified ?? "undated"))",
                     "\(inventory.packages.count) 个软件包中没有已知漏洞（数据库 \(scan.database.records) 条记录，最新 \(scan.database.newestModified ?? "无日期")）",
                     evidence: evidence)
    }

    private func databaseEvidence(_ scan: VulnerabilityScan, contents: ImageContents) -> [String: String] {
        var evidence = [
            "database": "\(scan.database.records) OSV records, newest \(scan.database.newestModified ?? "undated"), from \(scan.database.sources.joined(separator: ", "))",
            "packages": "\(contents.inventory?.packages.count ?? 0) in \(scan.ecosystems.isEmpty ? "no known ecosystem" : scan.ecosystems.joined(separator: ", "))",
        ]
        if let os = contents.inventory?.operatingSystem { evidence["distribution"] = os.name }
        if !scan.database.problems.isEmpty { evidence["database problems"] = scan.database.problems.prefix(3).joined(separator: "; ") }
        if contents.cached == true { evidence["cache"] = "layers read by an earlier run (content cache, same image id)" }
        return evidence
    }

    /// `installed 2.36-9+deb12u1, fixed in 2.36-9+deb12u3; CVE-2023-4911; high (7.8); layer 1 (sha256:…, RUN apt-get …)`.
    private func describe(_ finding: VulnerabilityFinding, contents: ImageContents) -> String {
        let fix = finding.fixedVersion.map { "fixed in \($0)" } ?? "no fix yet"
        let severity = finding.severity.map { $0.rawValue + (finding.score.map { " (\($0))" } ?? "") } ?? "severity unknown"
        let aliases = finding.aliases.isEmpty ? "" : finding.aliases.prefix(3).joined(separator: ", ") + "; "
        return "installed \(finding.installedVersion), \(fix); \(aliases)\(severity); \(contents.describeLayer(finding.layer))"
    }

    /// How much older than `maxDays` the database's newest record is, at the audit's time; nil when current.
    private func staleness(_ database: VulnerabilityDatabaseInfo, collectedAt: String, maxDays: Int) -> String? {
        let parse = { (text: String) -> Date? in
            let formatter = ISO8601DateFormatter()
            if let date = formatter.date(from: text) { return date }
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.date(from: text)
        }
        guard let newest = database.newestModified.flatMap(parse) else { return "its records carry no modification date" }
        guard let now = parse(collectedAt) else { return nil }
        let days = Int(now.timeIntervalSince(newest) / 86_400)
        return days > maxDays ? "newest record \(database.newestModified!), \(days) days before the audit (more than --vuln-db-max-age \(maxDays))" : nil
    }
}

extension RuleID {
    public static let imageVulnerabilities: RuleID = "image.vulnerabilities"
}
