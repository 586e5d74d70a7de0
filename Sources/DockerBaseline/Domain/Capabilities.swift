/// Linux capabilities as the engine names them (`NET_ADMIN`, without `CAP_`).
enum Capabilities {
    /// Docker's default capability set (moby `oci/caps/defaults.go`).
    static let engineDefaults: Set<String> = [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP",
        "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    ]

    /// Capabilities that each open a known path to the host kernel or other containers.
    static let dangerous: Set<String> = [
        "ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "DAC_READ_SEARCH", "NET_ADMIN", "BPF", "PERFMON",
    ]

    /// `cap_net_admin` → `NET_ADMIN`.
    static func normalize(_ capability: String) -> String {
        let upper = capability.uppercased()
        return upper.hasPrefix("CAP_") ? String(upper.dropFirst(4)) : upper
    }
}
