import Foundation

/// Where docker-baseline keeps what it records (the watch's journal, the audit history): `/var/lib/docker-baseline` as
/// root; else `$XDG_STATE_HOME/docker-baseline` when that is an absolute path (the XDG rule: a relative one is
/// ignored); else `~/.local/state/docker-baseline`.
public func stateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment, isRoot: Bool = geteuid() == 0) -> String {
    if isRoot { return "/var/lib/docker-baseline" }
    if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return xdg + "/docker-baseline" }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return home + "/.local/state/docker-baseline"
}
