import Foundation

/// Known vulnerabilities of the engine, its runtime and the kernel that let a container reach the host.
/// The embedded table can be replaced offline with `--advisories FILE` (the same JSON shape as `embedded`).
public struct Advisory: Codable, Sendable, Equatable {
    public var id: String
    /// `docker-engine`, `containerd`, `runc`, `podman`, `conmon`, `crun` or `kernel`.
    public var component: String
    /// The first affected version; nil when every earlier version is affected.
    public var introduced: String?
    /// The first fixed release on each release line (`5.10.102`, `5.15.25`, …) and the first fixed mainline one.
    public var fixed: [String]
    public var summary: String
    /// A daemon setting that must be in use for the flaw to matter (`authorization-plugins`), nil when always.
    public var requiresSetting: String?
    public var references: [String]
    /// Kernels: the only distributions whose kernels have the flaw, as `KernelBuild.Vendor` names them (`ubuntu` for
    /// its own overlayfs patches); nil when upstream's code has it.
    public var distributions: [String]? = nil
    /// Kernels: the first fixed package of a distribution release (`rhel:8`: `4.18.0-348.20.1.el8_5`), by
    /// `KernelBuild.distribution`; `0` when no kernel that release shipped was affected. Judged only on the same
    /// x.y line as the package.
    public var distributionFixed: [String: String]? = nil

    /// Whether `version` is affected: at or after `introduced`, and without the fix.
    public func affects(_ version: SoftwareVersion) -> Bool {
        if let introduced = introduced.flatMap(SoftwareVersion.init), version < introduced { return false }
        return !isFixed(in: version)
    }

    /// Whether `version` carries the fix: at or after the fix on its own line, or after every fixed line.
    public func isFixed(in version: SoftwareVersion) -> Bool {
        let fixes = fixed.compactMap(SoftwareVersion.init)
        if let sameLine = fixes.first(where: { $0.line == version.line }) { return version >= sameLine }
        guard let newest = fixes.max() else { return false }
        return version >= newest
    }
}

public struct AdvisoryTable: Codable, Sendable, Equatable {
    public var updated: String
    public var advisories: [Advisory]
    /// Release lines and their end of life; a file without this section keeps the embedded one.
    public var lifecycle: ReleaseLifecycle

    public init(updated: String, advisories: [Advisory], lifecycle: ReleaseLifecycle = .embedded) {
        self.updated = updated
        self.advisories = advisories
        self.lifecycle = lifecycle
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        updated = try container.decode(String.self, forKey: .updated)
        advisories = try container.decode([Advisory].self, forKey: .advisories)
        lifecycle = try container.decodeIfPresent(ReleaseLifecycle.self, forKey: .lifecycle) ?? .embedded
    }

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
    /// linux_kernel_cves dataset; distribution packages from Red Hat's errata and Ubuntu's CVE tracker. Where a
    /// distribution's fixed package is not listed, its kernels are sent to its tracker rather than judged.
    public static let embedded = AdvisoryTable(updated: "2026-11-30", advisories: [
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
        // Podman and what runs its containers (component names as `AdvisoryRule.engineComponents` gives them).
        // Sources: Podman's release notes (v3.4.5, v4.0.3, v4.4.2, v4.9.4, v5.0.0, v5.2.4, v5.2.5) and its GitHub
        // security advisories; crun's from NVD. No conmon or netavark advisory is listed: none that lets a container
        // reach the host is known to this table.
        Advisory(id: "CVE-2022-27649", component: "podman", introduced: nil, fixed: ["3.4.5", "4.0.3"],
                 summary: "containers start with non-empty inheritable capabilities, letting programs with file capabilities gain them",
                 requiresSetting: nil, references: ["https://github.com/containers/podman/security/advisories/GHSA-qvf8-p83w-v58j"]),
        Advisory(id: "CVE-2023-0778", component: "podman", introduced: nil, fixed: ["4.4.2"],
                 summary: "a file in a volume replaced by a symlink while `podman volume export` runs gives access to any file on the host",
                 requiresSetting: nil, references: ["https://github.com/containers/podman/releases/tag/v4.4.2", "https://nvd.nist.gov/vuln/detail/CVE-2023-0778"]),
        Advisory(id: "CVE-2024-1753", component: "podman", introduced: "4.0.0", fixed: ["4.9.4", "5.0.0"],
                 summary: "a Containerfile's RUN --mount can bind the host's root filesystem read-write into a build container",
                 requiresSetting: nil, references: ["https://github.com/containers/podman/security/advisories/GHSA-874v-pj72-92f3"]),
        Advisory(id: "CVE-2024-9407", component: "podman", introduced: nil, fixed: ["5.2.4"],
                 summary: "RUN --mount arguments of a Containerfile being built give access to arbitrary host paths",
                 requiresSetting: nil, references: ["https://github.com/advisories/GHSA-fhqq-8f65-5xfc"]),
        Advisory(id: "CVE-2024-9675", component: "podman", introduced: nil, fixed: ["5.2.5"],
                 summary: "RUN --mount type=cache of a Containerfile being built gives access to the host filesystem",
                 requiresSetting: nil, references: ["https://github.com/containers/podman/releases/tag/v5.2.5", "https://access.redhat.com/security/cve/cve-2024-9675"]),
        Advisory(id: "CVE-2022-27650", component: "crun", introduced: nil, fixed: ["1.4.4"],
                 summary: "containers start with non-empty inheritable capabilities, letting programs with file capabilities gain them",
                 requiresSetting: nil, references: ["https://nvd.nist.gov/vuln/detail/CVE-2022-27650"]),
        Advisory(id: "CVE-2016-5195", component: "kernel", introduced: "2.6.22",
                 fixed: ["3.12.66", "3.16.38", "3.18.44", "4.1.35", "4.4.26", "4.7.9", "4.8.3", "4.9"],
                 summary: "Dirty COW: a copy-on-write race lets any process write to read-only memory mappings",
                 requiresSetting: nil, references: ["https://nvd.nist.gov/vuln/detail/CVE-2016-5195"]),
        Advisory(id: "CVE-2021-22555", component: "kernel", introduced: "2.6.19",
                 fixed: ["4.4.267", "4.9.267", "4.14.231", "4.19.188", "5.4.113", "5.10.31", "5.11.15", "5.12"],
                 summary: "a netfilter x_tables heap write lets a process with CAP_NET_ADMIN in a user namespace escape the container",
                 requiresSetting: nil, references: ["https://nvd.nist.gov/vuln/detail/CVE-2021-22555",
                                                    "https://google.github.io/security-research/pocs/linux/cve-2021-22555/writeup.html"]),
        Advisory(id: "CVE-2022-0185", component: "kernel", introduced: "5.1", fixed: ["5.4.173", "5.10.93", "5.15.16", "5.16.2", "5.17"],
                 summary: "a heap overflow in filesystem context parsing lets a container with CAP_SYS_ADMIN in a user namespace escape",
                 requiresSetting: nil, references: ["https://nvd.nist.gov/vuln/detail/CVE-2022-0185"],
                 distributionFixed: ["rhel:8": "4.18.0-348.12.2.el8_5"]),
        Advisory(id: "CVE-2022-0492", component: "kernel", introduced: "2.6.24",
                 fixed: ["4.9.301", "4.14.266", "4.19.229", "5.4.177", "5.10.97", "5.15.20", "5.16.6", "5.17"],
                 summary: "cgroup v1 release_agent can be written without a capability check, running a program as root on the host",
                 requiresSetting: nil, references: ["https://nvd.nist.gov/vuln/detail/CVE-2022-0492"]),
        Advisory(id: "CVE-2022-0847", component: "kernel", introduced: "5.8", fixed: ["5.10.102", "5.15.25", "5.16.11", "5.17"],
                 summary: "Dirty Pipe: pipe buffers let any process overwrite read-only files such as the host's runc",
                 requiresSetting: nil, references: ["https://nvd.nist.gov/vuln/detail/CVE-2022-0847", "https://dirtypipe.cm4all.com/"],
                 distributionFixed: ["rhel:8": "4.18.0-348.20.1.el8_5"]),
        Advisory(id: "CVE-2023-0386", component: "kernel", introduced: "5.11", fixed: ["5.15.91", "6.1.9", "6.2"],
                 summary: "overlayfs copies a setuid file from a FUSE mount into the host's view, letting a user become root",
                 requiresSetting: nil, references: ["https://nvd.nist.gov/vuln/detail/CVE-2023-0386"]),
        Advisory(id: "CVE-2023-2640", component: "kernel", introduced: nil, fixed: [],
                 summary: "GameOver(lay): Ubuntu's overlayfs patches keep privileged extended attributes on copy-up, letting a user become root",
                 requiresSetting: nil, references: ["https://ubuntu.com/security/CVE-2023-2640", "https://nvd.nist.gov/vuln/detail/CVE-2023-2640"],
                 distributions: ["ubuntu"], distributionFixed: ["ubuntu:24.04": "0"]),
        Advisory(id: "CVE-2023-32629", component: "kernel", introduced: nil, fixed: [],
                 summary: "GameOver(lay): Ubuntu's overlayfs copies file capabilities without checks, letting a user become root",
                 requiresSetting: nil, references: ["https://ubuntu.com/security/CVE-2023-32629", "https://nvd.nist.gov/vuln/detail/CVE-2023-32629"],
                 distributions: ["ubuntu"], distributionFixed: ["ubuntu:20.04": "5.4.0-155.172", "ubuntu:24.04": "0"]),
        Advisory(id: "CVE-2024-1086", component: "kernel", introduced: "3.15",
                 fixed: ["5.4.269", "5.10.209", "5.15.149", "6.1.76", "6.6.15", "6.7.3", "6.8"],
                 summary: "Flipping Pages: a use-after-free in nf_tables lets a process with CAP_NET_ADMIN in a user namespace become root",
                 requiresSetting: nil, references: ["https://nvd.nist.gov/vuln/detail/CVE-2024-1086"],
                 distributionFixed: ["rhel:8": "4.18.0-513.24.1.el8_9"]),
    ])
}
