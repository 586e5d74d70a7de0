import Foundation

/// How a child process ended.
public enum ProcessEnd: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)
}

extension Process {
    /// Waits up to `timeout` seconds for the process to end; nil while it still runs. Foundation on Linux now and then
    /// misses a child's exit (seen with podman, which re-executes itself and leaves daemons behind): it then reports
    /// the process running and `waitUntilExit` waits forever on the zombie. A child that has been a zombie for three
    /// seconds without Foundation reaping it is reaped here instead. `whileWaiting` runs every 20 ms until then.
    public func end(within timeout: TimeInterval, whileWaiting: () -> Void = {}) -> ProcessEnd? {
        let deadline = Date().addingTimeInterval(timeout)
        var zombieSince: Date?, goneSince: Date?
        while true {
            if !isRunning { return terminationReason == .exit ? .exited(terminationStatus) : .signalled(terminationStatus) }
            if kill(processIdentifier, 0) != 0, errno == ESRCH {
                // Reaped: by Foundation, which says so on its own thread a moment later; or, when that never comes, by
                // an earlier call here after a kill (the only way to get here), whose status was not kept.
                let since = goneSince ?? Date()
                goneSince = since
                if Date().timeIntervalSince(since) > 2 { return .signalled(SIGKILL) }
            }
            if Self.isZombie(processIdentifier) {
                let since = zombieSince ?? Date()
                zombieSince = since
                var status: Int32 = 0
                if Date().timeIntervalSince(since) > 3, waitpid(processIdentifier, &status, WNOHANG) == processIdentifier {
                    // WIFSIGNALED / WTERMSIG / WEXITSTATUS by hand: the C macros are not imported.
                    let signal = status & 0x7f
                    return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
                }
            }
            if Date() >= deadline { return nil }
            whileWaiting()
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// `Z` in /proc/PID/stat's state field (after the parenthesised command name, which may hold spaces).
    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[close...].dropFirst().drop { $0 == " " }.first == "Z"
    }
}
