import Foundation

/// The `docker exec` history the engine does not keep: what `watch` recorded in its journal, and the docker exec
/// commands the host's audit log holds. 5.23 and 5.24 are judged from it; without it they stay a manual review.
public struct ExecHistory: Codable, Sendable, Equatable {
    /// Every exec recorded (within the journal's retention), oldest first.
    public var execs: [ExecRecord]
    /// The periods a watch followed the engine's events without a gap, oldest first.
    public var coverage: [CoveredPeriod]
    /// Where the history was read from: the journal's path, the audit log's path.
    public var sources: [String]
    /// Why a source could not be read (a journal that does not open, an unreadable audit log).
    public var problems: [String]

    public init(execs: [ExecRecord] = [], coverage: [CoveredPeriod] = [], sources: [String] = [], problems: [String] = []) {
        self.execs = execs
        self.coverage = coverage
        self.sources = sources
        self.problems = problems
    }

    /// The current period as of a snapshot's `collectedAt` (nil when that is not a time).
    public func currentPeriod(collectedAt: String) -> CoveredPeriod? {
        SnapshotTime.date(collectedAt).flatMap { currentPeriod(at: $0) }
    }

    /// The period the watch covered without a gap up to `now`, allowing `slack` seconds since its last sign of life.
    public func currentPeriod(at now: Date, slack: TimeInterval = CoveredPeriod.slack) -> CoveredPeriod? {
        guard let last = coverage.max(by: { $0.endDate < $1.endDate }), now.timeIntervalSince(last.endDate) <= slack else { return nil }
        return last
    }
}

/// One `docker exec`: who ran what, where, with which privileges.
public struct ExecRecord: Codable, Sendable, Equatable {
    /// The engine's exec id; for an audit-log record, `auditd:<serial>`.
    public var id: String
    public var containerID: String
    public var containerName: String
    /// The command line, as the engine or the audit log reported it.
    public var command: String
    /// `--user` as given (`""` when not given: the container's own user applies).
    public var user: String
    /// The container's configured user when the exec was seen (`Config.User`), to judge an exec without `--user`.
    public var containerUser: String?
    public var privileged: Bool
    /// When the engine reported it (or the audit log recorded it), ISO 8601 UTC.
    public var time: String
    /// Where it was learnt: `engine` (a watch's event and exec inspect) or `auditd`.
    public var source: String

    public init(id: String, containerID: String, containerName: String, command: String, user: String, containerUser: String?,
                privileged: Bool, time: String, source: String) {
        self.id = id
        self.containerID = containerID
        self.containerName = containerName
        self.command = command
        self.user = user
        self.containerUser = containerUser
        self.privileged = privileged
        self.time = time
        self.source = source
    }

    /// Runs as root: `--user root` / `0` (with any group), or no `--user` in a container whose own user is root.
    /// A container user the record does not know (an audit-log record) is not assumed to be root.
    public var runsAsRoot: Bool {
        func isRoot(_ user: String) -> Bool {
            let name = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return name == "root" || name == "0"
        }
        if !user.isEmpty { return isRoot(user) }
        guard let containerUser else { return false }
        return containerUser.isEmpty || isRoot(containerUser)
    }
}

/// A stretch of time a watch followed the engine's events from `start` to `end` (its last sign of life).
public struct CoveredPeriod: Codable, Sendable, Equatable {
    /// ISO 8601 UTC, as every time in a snapshot.
    public var start: String
    public var end: String
    /// The watch stopped cleanly at `end` (else it was still running, or was killed).
    public var stoppedCleanly: Bool

    /// A watch refreshes `end` this often while it runs; a period is current when its end is within `slack`.
    public static let heartbeat: TimeInterval = 15
    public static let slack: TimeInterval = 60

    public init(start: Date, end: Date, stoppedCleanly: Bool) {
        self.start = SnapshotTime.string(start)
        self.end = SnapshotTime.string(end)
        self.stoppedCleanly = stoppedCleanly
    }

    var endDate: Date { SnapshotTime.date(end) ?? .distantPast }
}

/// Times in a snapshot: ISO 8601 in UTC, with milliseconds where they matter (an exec's time).
public enum SnapshotTime {
    /// `2026-11-30T19:21:25.451Z`. Written by hand: a formatter costs more to make than the rest of judging an event.
    public static func string(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        var seconds = time_t(whole)
        let millis = min(999, Int((interval - whole) * 1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):"
            + "\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }

    /// Used under `lock` only.
    nonisolated(unsafe) private static let parsers: (fractional: ISO8601DateFormatter, whole: ISO8601DateFormatter, lock: NSLock) = {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return (fractional, ISO8601DateFormatter(), NSLock())
    }()

    /// With or without fractional seconds; nil when it is not such a time.
    public static func date(_ text: String) -> Date? {
        parsers.lock.lock()
        defer { parsers.lock.unlock() }
        return parsers.fractional.date(from: text) ?? parsers.whole.date(from: text)
    }
}
