import Foundation

/// Reads the host facts the container rules depend on. Every path is read below `root`, so a host mounted
/// elsewhere (e.g. `/host` inside a container) or a test's fake host can be audited the same way.
public struct HostCollector: Sendable {
    public var root: String

    public init(root: String = "/") { self.root = root }

    public func collect() -> HostFacts {
        let daemon = daemonArguments()
        let configFile = daemon.flatMap { value(of: "--config-file", in: $0) } ?? "/etc/docker/daemon.json"
        var sources = [configFile]
        if daemon != nil { sources.insert("dockerd command line", at: 0) }
        return HostFacts(
            appArmorEnabled: appArmorEnabled(), seLinuxEnabled: seLinuxEnabled(),
            daemonNoNewPrivileges: noNewPrivileges(arguments: daemon, configFile: configFile),
            daemonConfigSources: sources)
    }

    func read(_ path: String) -> String? {
        let data = FileManager.default.contents(atPath: (root as NSString).appendingPathComponent(path))
        return data.map { String(decoding: $0, as: UTF8.self) }
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (root as NSString).appendingPathComponent(path))
    }

    /// nil when the kernel's LSM interfaces cannot be read (e.g. /sys not mounted).
    func appArmorEnabled() -> Bool? {
        if let enabled = read("/sys/module/apparmor/parameters/enabled") {
            return enabled.trimmingCharacters(in: .whitespacesAndNewlines) == "Y"
        }
        if let lsm = read("/sys/kernel/security/lsm") { return lsm.split(separator: ",").contains("apparmor") }
        return exists("/sys/kernel") ? false : nil
    }

    func seLinuxEnabled() -> Bool? {
        if exists("/sys/fs/selinux/enforce") { return true }
        if let lsm = read("/sys/kernel/security/lsm") { return lsm.split(separator: ",").contains("selinux") }
        return exists("/sys/fs") ? false : nil
    }

    /// The running dockerd's arguments, from /proc; nil when no dockerd runs here.
    func daemonArguments() -> [String]? {
        let proc = (root as NSString).appendingPathComponent("/proc")
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: proc) else { return nil }
        for pid in entries where pid.allSatisfy(\.isNumber) {
            guard read("/proc/\(pid)/comm")?.trimmingCharacters(in: .whitespacesAndNewlines) == "dockerd",
                  let commandLine = read("/proc/\(pid)/cmdline") else { continue }
            return commandLine.split(separator: "\0").map(String.init)
        }
        return nil
    }

    /// `--flag value` or `--flag=value`.
    func value(of flag: String, in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument.hasPrefix(flag + "=") { return String(argument.dropFirst(flag.count + 1)) }
            if argument == flag, index + 1 < arguments.count { return arguments[index + 1] }
        }
        return nil
    }

    /// The daemon-wide default, from the command line (`--no-new-privileges[=bool]`) or daemon.json.
    func noNewPrivileges(arguments: [String]?, configFile: String) -> SettingValue? {
        for argument in arguments ?? [] {
            if argument == "--no-new-privileges" { return SettingValue(value: "true", source: "dockerd argument --no-new-privileges") }
            if argument.hasPrefix("--no-new-privileges=") {
                return SettingValue(value: String(argument.dropFirst("--no-new-privileges=".count)), source: "dockerd argument \(argument)")
            }
        }
        guard let text = read(configFile), let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let value = object["no-new-privileges"] as? Bool else { return nil }
        return SettingValue(value: String(value), source: configFile)
    }
}
