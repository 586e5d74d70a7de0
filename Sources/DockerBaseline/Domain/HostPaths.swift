/// Host paths that matter to a container's confinement.
enum HostPaths {
    /// System directories a container must not mount (CIS 5.6), with everything below them.
    static let sensitiveDirectories = ["/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"]

    /// The engine's and containerd's API sockets at their usual places: whoever reaches one is root on the host.
    static let engineSockets = [
        "/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
    ]

    /// `/etc//ssl/` → `/etc/ssl`.
    static func normalized(_ path: String) -> String {
        let parts = path.split(separator: "/").filter { $0 != "." }
        return "/" + parts.joined(separator: "/")
    }

    /// Whether `path` is `directory` or lies below it.
    static func path(_ path: String, isWithin directory: String) -> Bool {
        directory == "/" ? path == "/" : (path == directory || path.hasPrefix(directory + "/"))
    }

    static func isSensitive(_ source: String) -> Bool {
        let path = normalized(source)
        return sensitiveDirectories.contains { Self.path(path, isWithin: $0) }
    }
}
