import Foundation

/// Release lines of the engine, containerd and runc with the day upstream stops maintaining them.
/// Part of the advisory table (`--advisories FILE` may replace it with a `lifecycle` section).
public struct ReleaseLifecycle: Codable, Sendable, Equatable {
    public var updated: String
    public var lines: [ReleaseLine]

    public init(updated: String, lines: [ReleaseLine]) {
        self.updated = updated
        self.lines = lines
    }

    /// The line `version` of `component` belongs to: the longest one whose numbers begin it (`26.1` for 26.1.5,
    /// `27` for 27.3.1).
    public func line(of component: String, _ version: SoftwareVersion) -> ReleaseLine? {
        lines.filter { line in
            guard line.component == component, let numbers = SoftwareVersion(line.line)?.numbers else { return false }
            return version.numbers.starts(with: numbers)
        }.max { $0.line.count < $1.line.count }
    }

    /// Whether `version` is older than every line of `component` the table knows (so long unmaintained).
    public func predates(_ component: String, _ version: SoftwareVersion) -> Bool {
        let known = lines.filter { $0.component == component }.compactMap { SoftwareVersion($0.line) }
        return !known.isEmpty && known.allSatisfy { version < $0 }
    }

    /// Sources: moby's project/BRANCHES-AND-TAGS.md and endoflife.date/docker-engine (which dates each line's end from
    /// it), containerd's RELEASES.md, runc's RELEASES.md and its security releases.
    public static let embedded = ReleaseLifecycle(updated: "2026-03-05", lines: [
        ReleaseLine(component: "docker-engine", line: "19.03", endOfLife: "2021-01-08"),
        ReleaseLine(component: "docker-engine", line: "20.10", endOfLife: "2023-12-10"),
        ReleaseLine(component: "docker-engine", line: "23.0", endOfLife: "2025-05-19", note: "maintained for Mirantis Container Runtime until then"),
        ReleaseLine(component: "docker-engine", line: "24.0", endOfLife: "2024-06-08"),
        ReleaseLine(component: "docker-engine", line: "25.0", endOfLife: nil, note: "maintained upstream for Amazon Linux; no end announced"),
        ReleaseLine(component: "docker-engine", line: "26.0", endOfLife: "2024-06-08"),
        ReleaseLine(component: "docker-engine", line: "26.1", endOfLife: "2025-02-17"),
        ReleaseLine(component: "docker-engine", line: "27", endOfLife: "2025-05-03"),
        ReleaseLine(component: "docker-engine", line: "28", endOfLife: nil),
        ReleaseLine(component: "docker-engine", line: "29", endOfLife: nil),
        ReleaseLine(component: "containerd", line: "1.4", endOfLife: "2022-03-03"),
        ReleaseLine(component: "containerd", line: "1.5", endOfLife: "2023-02-28"),
        ReleaseLine(component: "containerd", line: "1.6", endOfLife: "2025-08-23"),
        ReleaseLine(component: "containerd", line: "1.7", endOfLife: nil, note: "long-term support; end planned for September 2026, not yet dated"),
        ReleaseLine(component: "containerd", line: "2.0", endOfLife: "2025-11-07"),
        ReleaseLine(component: "containerd", line: "2.1", endOfLife: "2026-05-05"),
        ReleaseLine(component: "containerd", line: "2.2", endOfLife: "2026-11-06"),
        ReleaseLine(component: "runc", line: "1.0", endOfLife: "2022-01-17", note: "no release after 1.1.0"),
        ReleaseLine(component: "runc", line: "1.1", endOfLife: "2025-11-05",
                    note: "outside runc's support policy; the security releases of 2025-11-05 fixed 1.2 and later only"),
        ReleaseLine(component: "runc", line: "1.2", endOfLife: nil),
        ReleaseLine(component: "runc", line: "1.3", endOfLife: nil),
        ReleaseLine(component: "runc", line: "1.4", endOfLife: nil),
    ])
}

public struct ReleaseLine: Codable, Sendable, Equatable {
    /// `docker-engine`, `containerd` or `runc`.
    public var component: String
    /// `20.10`, `26.1`, `27` (every 27.x release).
    public var line: String
    /// The first day upstream no longer maintains it (`YYYY-MM-DD`); nil while none is announced.
    public var endOfLife: String?
    public var note: String?

    public init(component: String, line: String, endOfLife: String?, note: String? = nil) {
        self.component = component
        self.line = line
        self.endOfLife = endOfLife
        self.note = note
    }
}

/// 1.2.2 and end of life: an engine, containerd or runc from a line upstream no longer maintains receives no fixes,
/// whatever the advisory table lists.
struct EngineLifecycleRule: EngineRule {
    let metadata = RuleMetadata(
        id: .engineReleaseLifecycle, cis: "1.2.2", severity: .high,
        title: .init(en: "Docker Engine, containerd and runc are on release lines maintained upstream",
                     zh: "Docker Engine、containerd 和 runc 处于上游仍在维护的版本线"),
        rationale: .init(en: "A release line past its end of life gets no security fixes: flaws found later stay open even when no advisory in the table names them yet.",
                         zh: "超过生命周期的版本线不再获得安全修复：之后发现的漏洞即使尚未列入漏洞表也不会被修复。"),
        remediation: .init(en: "Upgrade to a maintained release line (see the projects' release policies); for distribution packages, follow the distribution's support period or move to upstream packages.",
                           zh: "升级到仍在维护的版本线（参见各项目的发布策略）；发行版软件包以发行版的支持期为准，或改用上游软件包。"),
        references: ["https://github.com/moby/moby/blob/master/project/BRANCHES-AND-TAGS.md", "https://containerd.io/releases/",
                     "https://github.com/opencontainers/runc/blob/main/RELEASES.md", Reference.cisDocker])
    let examples = [
        RuleExample(snapshot: #"{"engine": {"Version": "28.5.2", "Components": [{"Name": "containerd", "Version": "1.7.28"}, {"Name": "runc", "Version": "1.2.8"}]}}"#, expect: .pass),
        RuleExample(snapshot: #"{"collectedAt": "2025-01-10T08:00:00Z", "engine": {"Version": "27.3.1", "Components": [{"Name": "runc", "Version": "1.1.14"}]}}"#, expect: .pass),
        RuleExample(snapshot: #"{"engine": {"Version": "29.1.0", "Components": [{"Name": "runc", "Version": "1.3.3"}]}}"#, expect: .pass),
        RuleExample(snapshot: #"{"engine": {"Version": "27.3.1", "Components": []}}"#, expect: .fail),
        RuleExample(snapshot: #"{"engine": {"Version": "28.5.2", "Components": [{"Name": "containerd", "Version": "1.6.20"}]}}"#, expect: .fail),
        RuleExample(snapshot: #"{"engine": {"Version": "18.09.9", "Components": []}}"#, expect: .fail),
        RuleExample(snapshot: #"{"engine": {"Version": "20.10.24+dfsg1", "Components": [{"Name": "runc", "Version": "1.1.5+ds1"}]}, "info": {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)"}}"#, expect: .warn),
        RuleExample(snapshot: #"{"engine": {"Version": null, "Components": []}}"#, expect: .error),
        RuleExample(snapshot: #"{"engine": {"Version": "4.3.1", "Components": [{"Name": "Podman Engine", "Version": "4.3.1"}]}}"#, expect: .warn),
    ]

    func judge(_ context: AuditContext) -> Verdict {
        let checked = AdvisoryRule.engineComponents(context.snapshot)
        guard !checked.isEmpty else { return .error("no versions were reported to compare", "没有可比较的版本信息") }
        let lifecycle = context.advisories.lifecycle
        let today = String(context.snapshot.collectedAt.prefix(10))
        var evidence = ["lifecycle": "table of \(lifecycle.updated)", "collected": today]
        var ended: [String] = []
        var distributionPackages: [String] = []
        var untracked: [String] = []
        for (component, text, packaged) in checked {
            guard var version = SoftwareVersion(text) else { continue }
            if packaged { version.distributionBuild = true }
            guard lifecycle.lines.contains(where: { $0.component == component }) else {
                // Podman, conmon and crun publish no dated release lines: upstream fixes only the newest release.
                evidence[component] = "\(text): no release-line table (upstream maintains only its newest release)"
                untracked.append("\(component) \(text)")
                continue
            }
            let line = lifecycle.line(of: component, version)
            let end: String?
            if let line, let day = line.endOfLife, today >= day {
                end = "\(component) \(line.line) ended \(day)" + (line.note.map { " (\($0))" } ?? "")
            } else if line == nil, lifecycle.predates(component, version) {
                end = "\(component) \(text) is older than every line the table knows"
            } else {
                end = nil
            }
            guard let end else {
                evidence[component] = "\(text): " + (line.map { "line \($0.line), " + ($0.endOfLife.map { "maintained until \($0)" } ?? "maintained, no end announced") }
                                                     ?? "newer than the table's lines")
                continue
            }
            evidence[component] = "\(text): \(end)"
            if version.distributionBuild { distributionPackages.append(text) } else { ended.append(end) }
        }
        if !ended.isEmpty {
            return .fail("no longer maintained upstream: \(ended.joined(separator: "; "))", "上游已停止维护：\(ended.joined(separator: "；"))", evidence: evidence)
        }
        if !distributionPackages.isEmpty {
            let distribution = context.snapshot.host?.osRelease?["PRETTY_NAME"] ?? context.snapshot.info.operatingSystem ?? "the distribution"
            let list = distributionPackages.joined(separator: ", ")
            return .warn("upstream no longer maintains these lines, but \(list) are distribution packages: they are supported as long as \(distribution) supports them; check its security tracker",
                         "上游已停止维护这些版本线，但 \(list) 是发行版软件包：其支持期以 \(distribution) 为准，请查阅其安全公告", evidence: evidence)
        }
        if !untracked.isEmpty {
            let list = untracked.joined(separator: ", ")
            return .warn("\(list): upstream maintains only its newest release and publishes no end-of-life dates; check that this is the newest release or a distribution package still supported",
                         "\(list)：上游只维护最新版本且不公布停止维护日期；请确认这是最新版本或仍受支持的发行版软件包", evidence: evidence)
        }
        return .pass("every release line is maintained upstream", "所有版本线均在上游维护期内", evidence: evidence)
    }
}

extension RuleID {
    public static let engineReleaseLifecycle: RuleID = "engine.release-lifecycle"
}
