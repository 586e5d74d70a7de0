import Foundation

/// Known vulnerabilities of the engine, its runtime and the kernel that let a container reach the host.
/// The embedded table can be replaced offline with `--advisories FILE` (the same JSON shape as `embedded`).
public struct Advisory: Codable, Sendable, Equatable {
    public var id: String
    /// `docker-engine`, `containerd`, `runc` or `kernel`.
    public var component: String
    /// The first affected version; nil when every earlier version is affected.
    public var introduced: String?
    /// The first fixed release on each release line (`5.10.102`, `5.15.25`, …) and the first fixed mainline one.
    public var fixed: [String]
    public var summary: String
    /// A daemon setting that must be in use for the flaw to matter (`authorization-plugins`), nil when always.
    public var requiresSetting: String?
    public var references: [String]

    /// Whether `version` is affected: at or after `introduced`, and not at or after the fix on its own line
    /// (or on any later line).
    public func affects(_ version: SoftwareVersion) -> Bool {
        if let introduced = introduced.flatMap(SoftwareVersion.init), version < introduced { return false }
        let fixes = fixed.compactMap(SoftwareVersion.init)
        if let sameLine = fixes.first(where: { $0.line == version.line }) { return version < sameLine }
        guard let newest = fixes.max() else { return true }
        return version < newest
    }
}

public struct AdvisoryTable: Codable, Sendable, Equatable {
    public var updated: String
    public var advisories: [Advisory]

    /// The advisories of `component` that affect `version`.
    public func affecting(_ component: String, _ version: SoftwareVersion) -> [Advisory] {
        advisories.filter { $0.component == component && $0.affects(version) }
    }

    public static func load(_ path: String) throws -> AdvisoryTable {
        let data = try readInputFile(path, what: "advisories", limit: 64 << 20)
        do { return try JSONDecoder().decode(AdvisoryTable.self, from: data) } catch {
            throw InputFileError(description: "\(path) is not an advisory table: \(describe(decodingError: error))")
        }
    }

    /// Sources: the projects' own security advisories, NVD, and the kernel stable fixes as mapped by the
    /// linux_kernel_cves dataset.
    public static let embedded = AdvisoryTable(updated: "2026-11-24", advisories: [
        Advisory(id: "CVE-2019-5736", component: "runc", introduced: nil, fixed: ["1.0.0-rc7"],
                 summary: "a container can overwrite the host's runc binary through /proc/self/exe and run code as root on the host",
                 requiresSetting: nil, references: ["https://github.com/advisories/GHSA-gxmr-w5mj-v8hh"]),
        Advisory(id: "CVE-2021-30465", component: "runc", introduced: nil, fixed: ["1.0.0-rc95"],
                 summary: "a symlink-exchange race lets a volume mount land outside the container's root filesystem",
                 requiresSetting: nil, references: ["https://github.com/opencontainers/runc/security/advisories/GHSA-c3xm-pvg7-gh7r"]),
        Advisory(id: "CVE-2024-21626", component: "runc", introduced: "1.0.0-rc93", fixed: ["1.1.12"],
                 summary: "a leaked file descriptor lets a container's working directory be on the host filesystem (Leaky Vessels)",
                 requiresSetting: nil, references: ["https://github.com/opencontainers/runc/security/advisories/GHSA-xr7r-f8xq-vfvv"]),
        Advisory(id: "CVE-2020-15257", component: "containerd", introduced: nil, fixed: ["1.3.9", "1.4.3"],
                 summary: "the shim API on an abstract unix socket is reachable from host-network containers running as root",
                 requiresSetting: nil, references: ["https://github.com/containerd/containerd/security/advisories/GHSA-36xw-fx78-c5r4"]),
        Advisory(id: "CVE-2022-23648", component: "containerd", introduced: nil, fixed: ["1.4.13", "1.5.10", "1.6.1"],
                 summary: "image volumes give containers read access to arbitrary host files (CRI)",
                 requiresSetting: nil, references: ["https://github.com/containerd/containerd/security/advisories/GHSA-crp2-qrr5-8pq7"]),
        Advisory(id: "CVE-2024-41110", component: "docker-engine", introduced: "19.03.0", fixed: ["23.0.15", "25.0.6", "26.1.5", "27.1.1"],
                 summary: "authorization plugins can be bypassed with a request whose Content-Length is 0",
                 requiresSetting: "authorization-plugins", references: ["https://github.com/moby/moby/security/advisories/GHSA-v23v-6jw2-98fq"]),
        Advisory(id: "CVE-2021-41091", component: "docker-engine", introduced: nil, fixed: ["20.10.9"],
                 summary: "directories under /var/lib/docker let unprivileged host users run setuid programs from containers",
                 requiresSetting: nil, references: ["https://github.com/advisories/GHSA-3fwx-pjgw-3558"]),
        Advisory(id: "CVE-2016-5195", component: "kernel", introduced: "2.6.22",
                 fixed: ["3.12.66", "3.16.38", "3.18.44", "4.1.35", "4.4.26", "4.7.9", "4.8.3", "4.9"],
                 summary: "Dirty COW: a copy-on-write race lets any process write to read-only memory mappings",
                 requiresSetting: nil, references: ["https://nvd.nist.gov/vuln/detail/CVE-2016-5195"]),
        Advisory(id: "CVE-2022-0185", component: "kernel", introduced: "5.1", fixed: ["5.4.173", "5.10.93", "5.15.16", "5.16.2", "5.17"],
                 summary: "a heap overflow in filesystem context parsing lets a container with CAP_SYS_ADMIN in a user namespace escape",
                 requiresSetting: nil, references: ["https://nvd.nist.gov/vuln/detail/CVE-2022-0185"]),
        Advisory(id: "CVE-2022-0492", component: "kernel", introduced: "2.6.24",
                 fixed: ["4.9.301", "4.14.266", "4.19.229", "5.4.177", "5.10.97", "5.15.20", "5.16.6", "5.17"],
                 summary: "cgroup v1 release_agent can be written without a capability check, running a program as root on the host",
                 requiresSetting: nil, references: ["https://nvd.nist.gov/vuln/detail/CVE-2022-0492"]),
        Advisory(id: "CVE-2022-0847", component: "kernel", introduced: "5.8", fixed: ["5.10.102", "5.15.25", "5.16.11", "5.17"],
                 summary: "Dirty Pipe: pipe buffers let any process overwrite read-only files such as the host's runc",
                 requiresSetting: nil, references: ["https://nvd.nist.gov/vuln/detail/CVE-2022-0847"]),
    ])
}
