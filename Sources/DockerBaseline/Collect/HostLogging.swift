import Foundation

// Host facts for the logging and seccomp rules: which programs ship logs off the host, and the daemon's own seccomp
// profile. Both read through `HostFiles`, so `--root` and fake hosts work.

extension HostCollector {
    /// The file `seccomp-profile` names (relative paths are the daemon's: relative to its working directory, `/`).
    func daemonSeccompProfile(_ daemon: DaemonConfiguration) -> SeccompProfileText? {
        guard let path = daemon.string("seccomp-profile"), !["unconfined", "builtin", ""].contains(path) else { return nil }
        let absolute = path.hasPrefix("/") ? path : "/" + path
        guard let text = files.read(absolute) else { return .unreadable("\(files.real(absolute)) could not be read") }
        return .json(text)
    }

    /// Shippers configured on the host, each with the file and line that says where logs go.
    func logForwarders() -> [String] {
        var found: [String] = []
        func configFiles(_ main: [String], _ directories: [String], suffixes: [String]) -> [String] {
            main.filter(files.exists) + directories.flatMap { directory in
                (files.list(directory) ?? []).sorted().filter { name in suffixes.contains { name.hasSuffix($0) } }.map { "\(directory)/\($0)" }
            }
        }
        /// The first line of `path` (comments left out) matching `pattern`.
        func firstLine(_ path: String, _ pattern: String) -> (number: Int, text: String)? {
            guard let text = files.read(path) else { return nil }
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.hasPrefix("#"), trimmed.range(of: pattern, options: .regularExpression) != nil else { continue }
                return (index + 1, trimmed)
            }
            return nil
        }
        let rules: [(name: String, files: [String], pattern: String)] = [
            ("rsyslog", configFiles(["/etc/rsyslog.conf"], ["/etc/rsyslog.d"], suffixes: [".conf"]),
             #"(^|\s)@@?[\[A-Za-z0-9]|type\s*=\s*"om(fwd|relp|kafka|elasticsearch|http)""#),
            ("syslog-ng", configFiles(["/etc/syslog-ng/syslog-ng.conf"], ["/etc/syslog-ng/conf.d"], suffixes: [".conf"]),
             #"^\s*destination\b.*\b(network|tcp6?|udp6?|syslog|http|elasticsearch-http)\s*\("#),
            ("systemd-journal-upload", configFiles(["/etc/systemd/journal-upload.conf"], ["/etc/systemd/journal-upload.conf.d"], suffixes: [".conf"]),
             #"^URL\s*=\s*\S"#),
            ("filebeat", configFiles(["/etc/filebeat/filebeat.yml"], [], suffixes: []), #"^output\."#),
            ("fluent-bit", configFiles(["/etc/fluent-bit/fluent-bit.conf", "/etc/fluent-bit/fluent-bit.yaml"], [], suffixes: []),
             #"^\[OUTPUT\]|^\s*outputs\s*:"#),
            ("vector", configFiles(["/etc/vector/vector.yaml", "/etc/vector/vector.toml", "/etc/vector/vector.json"], [], suffixes: []),
             #"^\[?sinks[\].:]|"sinks"\s*:"#),
        ]
        for rule in rules {
            for path in rule.files {
                guard let line = firstLine(path, rule.pattern) else { continue }
                found.append("\(rule.name): \(line.text.prefix(120)) (\(path):\(line.number))")
                break
            }
        }
        return found
    }
}
