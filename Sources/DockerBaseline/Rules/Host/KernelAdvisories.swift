import Foundation

/// The kernel against the advisory table, read as its distribution ships it (`KernelBuild`): by the upstream release
/// it is based on where that is known, by the distribution's fixed package where the table has one, and otherwise
/// sent to the distribution's tracker, never failed on a number that does not mean what the table means.
struct KernelAdvisoryRule: HostRule {
    let metadata = RuleMetadata(
        id: .hostKernelAdvisories, cis: nil, severity: .high,
        title: .init(en: "The host kernel is patched against known container escapes", zh: "宿主机内核已修复已知的容器逃逸漏洞"),
        rationale: .init(en: "Every container shares the host's kernel; a kernel flaw such as Dirty Pipe lets any container become root on the host (enterprise baseline item 9).",
                         zh: "所有容器共享宿主机内核，Dirty Pipe 等内核漏洞可让任意容器获得宿主机 root（企业基线第 9 项）。"),
        remediation: .init(en: "Install the distribution's kernel update and reboot into it.", zh: "安装发行版的内核更新并重启生效。"),
        references: ["https://www.kernel.org/category/releases.html"])
    let examples = [
        // Debian 12 with its banner: 6.1.76 carries every fix in the table.
        RuleExample(snapshot: #"{"host": {"kernelRelease": "6.1.0-18-amd64", "procVersion": "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)"}}"#, expect: .pass),
        RuleExample(snapshot: #"{"host": {"kernelRelease": "6.8.12", "procVersion": null, "osRelease": null}}"#, expect: .pass),
        RuleExample(snapshot: #"{"host": {"kernelRelease": "5.10.50", "procVersion": null, "osRelease": null}}"#, expect: .fail),
        RuleExample(snapshot: #"{"host": {"kernelRelease": "4.4.0-21-generic", "kernelSignature": "Ubuntu 4.4.0-21.37-generic 4.4.6", "procVersion": null, "osRelease": null}}"#, expect: .fail),
        // Ubuntu's ABI name alone: 5.15.0 says nothing of the fixes in it.
        RuleExample(snapshot: #"{"host": {"kernelRelease": "5.15.0-91-generic", "procVersion": null, "osRelease": null}}"#, expect: .warn),
        // RHEL backports: its own fixed package decides where the table has one, its tracker otherwise.
        RuleExample(snapshot: #"{"host": {"kernelRelease": "4.18.0-553.5.1.el8_10.x86_64", "procVersion": null, "osRelease": {"ID": "rhel", "VERSION_ID": "8.10", "PRETTY_NAME": "Red Hat Enterprise Linux 8.10 (Ootpa)"}}}"#, expect: .warn),
        RuleExample(snapshot: #"{"host": {"kernelRelease": "4.18.0-348.7.1.el8_5.x86_64", "procVersion": null, "osRelease": {"ID": "rhel", "VERSION_ID": "8.5", "PRETTY_NAME": "Red Hat Enterprise Linux 8.5 (Ootpa)"}}}"#, expect: .fail),
        RuleExample(snapshot: #"{"host": {"kernelRelease": null}, "engine": {"KernelVersion": null}}"#, expect: .error),
    ]

    /// What one advisory means for this kernel.
    enum Exposure: Equatable {
        case notAffected
        /// Affected, with why.
        case affected(String)
        /// Only the distribution can say: its tracker's page.
        case check(String)
    }

    static func exposure(_ advisory: Advisory, _ kernel: KernelBuild) -> Exposure {
        if let only = advisory.distributions, !only.contains(kernel.vendor.rawValue) { return .notAffected }
        if let release = kernel.distribution, let package = kernel.package, let fix = advisory.distributionFixed?[release],
           fix == "0" || SoftwareVersion(fix)?.line == SoftwareVersion(package)?.line {
            return PackageVersion.ascending(package, fix) ? .affected("\(release) fixed it in \(fix)") : .notAffected
        }
        let tracker = kernel.tracker(advisory.id) ?? advisory.references.first ?? advisory.id
        if advisory.distributions != nil { return .check(tracker) }
        if let upstream = kernel.upstream {
            return advisory.affects(upstream) ? .affected("fixed upstream in \(advisory.fixed.joined(separator: ", "))") : .notAffected
        }
        // The number is the distribution's base, not what it carries: it settles only what that base already had fixed.
        if let base = SoftwareVersion(kernel.release), advisory.isFixed(in: base) { return .notAffected }
        return .check(tracker)
    }

    func judge(_ host: HostFacts, in context: AuditContext) -> [Finding] {
        guard let kernel = host.kernelBuild ?? context.snapshot.engine.kernelVersion.map({ KernelBuild(release: $0) }) else {
            return hostFinding(.error("the kernel's version was not reported", "未获取到内核版本"))
        }
        var evidence = ["kernel": kernel.release, "advisories": "table of \(context.advisories.updated)", "built by": kernel.vendor.rawValue]
        evidence["distribution"] = kernel.distributionName ?? kernel.distribution
        evidence["upstream base"] = kernel.upstream.map { "\($0.description) (\(kernel.upstreamSource ?? "uname -r"))" } ?? "not stated by the distribution"
        evidence["package"] = kernel.package
        var affected: [String] = []
        var toCheck: [(id: String, tracker: String)] = []
        for advisory in context.advisories.advisories where advisory.component == "kernel" {
            switch Self.exposure(advisory, kernel) {
            case .notAffected: continue
            case let .affected(why): affected.append("\(advisory.id) (\(advisory.summary); \(why))")
            case let .check(tracker): toCheck.append((advisory.id, tracker))
            }
        }
        if !toCheck.isEmpty { evidence["check with the distribution"] = toCheck.map { "\($0.id): \($0.tracker)" }.joined(separator: "; ") }
        if !affected.isEmpty {
            evidence["affected by"] = affected.joined(separator: "; ")
            return hostFinding(.fail("kernel \(kernel.release) is affected by \(affected.joined(separator: "; "))",
                                     "内核 \(kernel.release) 受以下漏洞影响：\(affected.joined(separator: "；"))", severity: .high, evidence: evidence))
        }
        if !toCheck.isEmpty {
            let ids = toCheck.map(\.id).joined(separator: ", ")
            return hostFinding(.warn("kernel \(kernel.release)'s number does not show whether it carries the fixes for \(ids): check the distribution's tracker",
                                     "内核 \(kernel.release) 的版本号无法说明是否已包含 \(ids) 的修复：请查阅发行版安全公告", evidence: evidence))
        }
        return hostFinding(.pass("no known advisory affects kernel \(kernel.release)", "没有已知漏洞影响内核 \(kernel.release)", evidence: evidence))
    }
}

extension RuleID {
    public static let hostKernelAdvisories: RuleID = "host.kernel-advisories"
}
